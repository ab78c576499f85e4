# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run's summary as one chat message - Slack, DingTalk, Microsoft Teams or any JSON receiver -, the signed URL of a
DingTalk webhook, and what a failed delivery says.

Alert names, servers and codes come from hosts an attacker may own. Every value goes through shown() (no control
character, no line of its own, a bounded length) and then through its format's escaping: Slack's mrkdwn reads
&, < and > as markup (<!channel> pings a channel, <http://x|text> is a link), DingTalk's and Teams' Markdown read
the CommonMark punctuation. The webhook URL (its token) and the DingTalk secret are never part of a message or of a
warning.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple
from urllib.parse import quote_plus

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import NAME_LENGTH, shown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import host_name_ip

FORMATS = ("slack", "dingtalk", "teams", "generic")
ALWAYS = "always"
NEEDS_ATTENTION = "needs_attention"
DEFAULT_TITLE = "Security Center alert triage"
# The alerts that need a person listed in a message; the others are counted (the report has them all).
MAX_LISTED = 10
ID_LENGTH = 24
SERVER_LENGTH = 80
CODE_LENGTH = 80
HINT_LENGTH = 200
LINE_LENGTH = 300  # the account, the report path, a warning or the reason a run stopped

Escape = Callable[[Any, int], str]


class Content(NamedTuple):
    """What every format says, each value already escaped for it."""

    headline: str  # title: account (dry run)
    counts: List[Tuple[str, str]]  # (outcome, count) in the summary's order, those that occur
    attention: List[str]  # one line per alert that needs a person, at most MAX_LISTED
    not_listed: int  # the alerts that need a person beyond those
    notes: List[str]  # why the run stopped, the run's warnings
    report: Optional[str]
    stopped: bool  # before handling: someone must look even when no alert is listed


def format_error(fmt: Any) -> Optional[str]:
    """What is wrong with a format the caller gave, or None."""
    return None if fmt in FORMATS else "format must be one of %s, not %r" % (", ".join(FORMATS), fmt)


def needs_person(summary: Dict[str, Any]) -> bool:
    """Whether someone must look: an alert needs attention, or the run stopped before handling."""
    return bool(summary.get("needs_attention")) or bool(summary.get("stopped"))


def chat_message(summary: Dict[str, Any], fmt: str, only_when: str = ALWAYS) -> Optional[Dict[str, Any]]:
    """The JSON body to post for this run, or None when only_when is needs_attention and nothing needs a person."""
    if only_when == NEEDS_ATTENTION and not needs_person(summary):
        return None
    return RENDERERS[fmt](summary)


# --- what every format says -------------------------------------------------------------------------------------

def headline(summary: Dict[str, Any], escape: Escape) -> str:
    """title: account, and whether it was a dry run."""
    return "%s: %s%s" % (escape(summary.get("title") or DEFAULT_TITLE, NAME_LENGTH),
                         escape(summary.get("account"), NAME_LENGTH),
                         " (dry run, nothing sent)" if summary.get("check_mode") else "")


def content(summary: Dict[str, Any], escape: Escape) -> Content:
    listed = summary.get("needs_attention") or []
    counts = [(escape(outcome, CODE_LENGTH), escape(count, ID_LENGTH))
              for outcome, count in (summary.get("by_outcome") or {}).items() if count]
    notes = ["Stopped before handling: %s" % escape(summary["stopped"], LINE_LENGTH)] if summary.get("stopped") else []
    notes += ["Warning: %s" % escape(warning, LINE_LENGTH) for warning in summary.get("warnings") or []]
    report = escape(summary["report"], LINE_LENGTH) if summary.get("report") else None
    return Content(headline(summary, escape), counts, [attention_line(entry, escape) for entry in listed[:MAX_LISTED]],
                   max(len(listed) - MAX_LISTED, 0), notes, report, bool(summary.get("stopped")))


def attention_line(entry: Dict[str, Any], escape: Escape) -> str:
    """702173474 ECS login from unusual location on web-01: failed kill_and_quara.AgentOffline - <hint>"""
    line = "%s %s" % (escape(entry.get("id"), ID_LENGTH), escape(entry.get("name"), NAME_LENGTH))
    server = server_name(entry.get("host"))
    if server:
        line += " on " + escape(server, SERVER_LENGTH)
    line += ": " + escape(entry.get("outcome"), CODE_LENGTH)
    if entry.get("error_code"):
        line += " " + escape(entry["error_code"], CODE_LENGTH)
    if entry.get("hint"):
        line += " - " + escape(entry["hint"], HINT_LENGTH)
    return line


def server_name(host: Any) -> Optional[str]:
    """A server as the triage report holds it (a dict: name or id, then IP) or as a plain string."""
    if not isinstance(host, dict):
        return host or None
    return " ".join(str(part) for part in host_name_ip(host) if part) or None


def counts_text(found: Content) -> str:
    """3 handled, 1 failed"""
    return ", ".join("%s %s" % (count, outcome) for outcome, count in found.counts) or "no alerts"


def attention_heading(found: Content) -> str:
    total = len(found.attention) + found.not_listed
    if total:
        return "Needs a person (%d)" % total
    return "Needs a person: the run stopped before handling" if found.stopped else "Nothing needs a person"


def not_listed_line(found: Content) -> List[str]:
    return ["\u2026 and %d more in the report" % found.not_listed] if found.not_listed else []


def report_line(found: Content) -> List[str]:
    return ["Report: %s" % found.report] if found.report else []


# --- escaping, one function per format ------------------------------------------------------------------------------

def plain(value: Any, limit: int) -> str:
    return shown(value, limit=limit)


def markdown(value: Any, limit: int) -> str:
    return shown(value, markdown=True, limit=limit)


_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def slack_mrkdwn(value: Any, limit: int) -> str:
    """Slack's three control characters as its entities: no mention (<!channel>, <@U1>), link or channel out of a
    value. The text objects are verbatim, so Slack does not link bare URLs or names either."""
    return "".join(_SLACK_ENTITIES.get(char, char) for char in plain(value, limit))


# --- the formats ------------------------------------------------------------------------------------------------------

def slack(summary: Dict[str, Any]) -> Dict[str, Any]:
    """An incoming webhook's message: text (the notification) and Block Kit sections, one per listed alert (a
    section's text takes at most 3,000 characters)."""
    found = content(summary, slack_mrkdwn)

    def section(text: str) -> Dict[str, Any]:
        return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}

    blocks = [section("*%s*\n%s" % (found.headline, counts_text(found))), section("*%s*" % attention_heading(found))]
    blocks += [section("\u2022 " + line) for line in found.attention + not_listed_line(found)]
    footer = found.notes + report_line(found)
    if footer:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line, "verbatim": True}
                                                       for line in footer]})
    return {"text": "%s: %s" % (found.headline, counts_text(found)), "blocks": blocks}


def dingtalk(summary: Dict[str, Any]) -> Dict[str, Any]:
    """A custom robot's markdown message; the title is what the notification shows, the text its Markdown. No
    one is @-mentioned."""
    found = content(summary, markdown)
    paragraphs = ["#### " + found.headline, counts_text(found), "**%s**" % attention_heading(found)]
    if found.attention:
        paragraphs.append("\n".join("- " + line for line in found.attention))
    paragraphs += not_listed_line(found) + found.notes + report_line(found)
    return {"msgtype": "markdown",
            "markdown": {"title": headline(summary, plain), "text": "\n\n".join(paragraphs)},
            "at": {"isAtAll": False}}


ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


def teams(summary: Dict[str, Any]) -> Dict[str, Any]:
    """An Adaptive Card in a message, as a Teams Workflows webhook ("Post to a channel when a webhook request is
    received") takes it - Microsoft's replacement of the retired Office 365 connectors and their MessageCard."""
    found = content(summary, markdown)

    def text(value: str, **style: Any) -> Dict[str, Any]:
        return dict({"type": "TextBlock", "text": value, "wrap": True}, **style)

    body = [text(found.headline, weight="Bolder", size="Medium")]
    outcomes = [{"title": outcome, "value": count} for outcome, count in found.counts]
    body.append({"type": "FactSet", "facts": outcomes} if outcomes else text(counts_text(found)))
    body.append(text(attention_heading(found), weight="Bolder"))
    body += [text("- " + line) for line in found.attention]
    body += [text(line, isSubtle=True) for line in not_listed_line(found) + found.notes + report_line(found)]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    return {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


def generic(summary: Dict[str, Any]) -> Dict[str, Any]:
    """The summary as data (alert text as it came, JSON-encoded), for a receiver of one's own, and the message as
    text, the field Mattermost, Rocket.Chat and most JSON webhooks show - escaped as Markdown, which they render."""
    found = content(summary, markdown)
    lines = [found.headline, counts_text(found), attention_heading(found) + (":" if found.attention else "")]
    lines += ["- " + line for line in found.attention] + not_listed_line(found) + found.notes + report_line(found)
    data = {"title": summary.get("title") or DEFAULT_TITLE, "account": summary.get("account"),
            "check_mode": bool(summary.get("check_mode")), "needs_person": needs_person(summary),
            "by_outcome": summary.get("by_outcome") or {}, "needs_attention": summary.get("needs_attention") or [],
            "stopped": summary.get("stopped"), "warnings": summary.get("warnings") or [],
            "report": summary.get("report")}
    return {"text": "\n".join(lines), "summary": data}


RENDERERS = {"slack": slack, "dingtalk": dingtalk, "teams": teams, "generic": generic}


# --- the webhook URL ------------------------------------------------------------------------------------------------

def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a robot call: HMAC-SHA256 of "<timestamp in ms>\\n<secret>" keyed by the secret, in
    base64, URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), ("%d\n%s" % (timestamp_ms, secret)).encode("utf-8"),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def webhook_url(url: str, fmt: str, secret: Optional[str] = None, timestamp_ms: Optional[int] = None) -> str:
    """The URL to post to: a DingTalk robot with a signing secret gets &timestamp=&sign= (the service refuses a
    signature more than an hour old, so it is made at the call)."""
    if fmt != "dingtalk" or not secret:
        return url
    stamp = int(time.time() * 1000) if timestamp_ms is None else int(timestamp_ms)
    return "%s%stimestamp=%d&sign=%s" % (url, "&" if "?" in url else "?", stamp, dingtalk_signature(secret, stamp))


# --- what a failed delivery says ----------------------------------------------------------------------------------

# Why a post got no HTTP answer, by what urllib's message says (the message itself may name the host: not shown).
NO_ANSWER = (("timed out", "no answer within %(timeout)s s (timeout)"),
             ("refused", "connection refused"),
             ("certificate", "its TLS certificate was not accepted"),
             ("name or service not known", "its host name does not resolve"),
             ("nodename nor servname", "its host name does not resolve"))
# DingTalk answers HTTP 200 with an errcode when it refuses a message.
DINGTALK_REFUSALS = {310000: "a security setting refused it - keyword, IP address or signature (the secret)",
                     300001: "the access token is not valid"}


def delivery_warning(posted: Dict[str, Any], fmt: str, timeout: Any) -> str:
    """The warning for a post that did not reach the chat, or "" when it did (or was not made). It names the format
    and the HTTP status, the timeout or DingTalk's errcode - never the URL, its token or the answer's body, which
    a receiver may echo them in."""
    if not posted or posted.get("skipped"):
        return ""
    status = posted.get("status")
    if not isinstance(status, int) or status < 0:
        why = no_answer_reason(str(posted.get("msg") or ""), timeout)
    elif not 200 <= status < 300:
        why = "HTTP %d" % status
    else:
        errcode = (posted.get("json") or {}).get("errcode") if fmt == "dingtalk" else None
        if not errcode:
            return ""
        why = "DingTalk errcode %s%s" % (shown(errcode, limit=ID_LENGTH),
                                         ": " + DINGTALK_REFUSALS[errcode] if errcode in DINGTALK_REFUSALS else "")
    return "the %s chat notification was not delivered (%s); the run goes on" % (fmt, why)


def no_answer_reason(message: str, timeout: Any) -> str:
    lowered = message.lower()
    for marker, reason in NO_ANSWER:
        if marker in lowered:
            return reason % {"timeout": timeout}
    return "no HTTP answer"
