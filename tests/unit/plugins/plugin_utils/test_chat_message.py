# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The chat message of a run, each format as its receiver reads it; hostile alert names stay text in each (no mention,
link, image, code, line or escape sequence of their own); DingTalk's signature against a known HMAC; what a failed
delivery says, never the URL."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.filter import chat_delivery_warning, chat_message, chat_webhook_url
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils import chat_message as message

# What a host's owner may name an alert or a server: a channel ping, Slack and Markdown links, an image beacon, code,
# a forged line of the message with a terminal escape, a Markdown heading, an @all.
HOSTILE = "<!channel><@U1><http://e.x|x>[click](http://e.x)![b](http://e.x/b)`c`\nForged\x1b[31m# *b* @all &amp;"
HOSTILE_SERVER = "web-01 <!here> [x](http://e.x)\n"
FAILED = {"id": 702173474, "name": HOSTILE, "outcome": "failed", "error_code": "kill_and_quara.AgentOffline",
          "hint": "the agent is offline: start it",
          "host": {"instance_name": HOSTILE_SERVER, "internet_ip": "192.0.2.7"}}
SUMMARY = {"account": "prod-cn", "check_mode": False,
           "by_outcome": {"handled": 3, "failed": 1, "timed_out": 0, "unmatched": 2},
           "needs_attention": [FAILED], "warnings": [], "report": "reports/triage-prod-cn.md"}
QUIET = dict(SUMMARY, by_outcome={"handled": 3, "failed": 0}, needs_attention=[])
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def strings(value):
    """Every string in a JSON value."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def message_text(body: dict) -> str:
    """What a receiver shows: the whole body, but generic's text alone (its summary holds the data as it came)."""
    return body["text"] if "summary" in body else json.dumps(body, ensure_ascii=False)


def raw_characters(text: str) -> list:
    return [char for char in text if char != "\n" and unicodedata.category(char) in NOT_PRINTABLE]


# --- what each format says ----------------------------------------------------------------------------------------

def test_slack_says_the_account_the_counts_and_who_needs_a_person():
    body = message.chat_message(SUMMARY, "slack")
    assert body["text"] == "Security Center alert triage: prod-cn: 3 handled, 1 failed, 2 unmatched"
    texts = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert texts[:2] == ["*Security Center alert triage: prod-cn*\n3 handled, 1 failed, 2 unmatched",
                         "*Needs a person (1)*"]
    assert texts[2].startswith("\u2022 702173474 &lt;!channel&gt;&lt;@U1&gt;&lt;http://e.x|x&gt;[click]")
    assert texts[2].endswith(" 192.0.2.7: failed kill_and_quara.AgentOffline - the agent is offline: start it")
    [context] = [block for block in body["blocks"] if block["type"] == "context"]
    assert [element["text"] for element in context["elements"]] == ["Report: reports/triage-prod-cn.md"]


def test_slack_mrkdwn_holds_no_mention_link_or_line_from_alert_text():
    body = message.chat_message(SUMMARY, "slack")
    objects = [block["text"] for block in body["blocks"] if "text" in block]
    objects += [element for block in body["blocks"] for element in block.get("elements", [])]
    assert objects and all(obj["type"] == "mrkdwn" and obj["verbatim"] is True for obj in objects)
    for text in [obj["text"] for obj in objects] + [body["text"]]:
        assert "<" not in text and ">" not in text, text  # <!channel>, <@U...>, <url|label> need them
        assert text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0, text
        assert not raw_characters(text)
    alert = next(text for text in (obj["text"] for obj in objects) if text.startswith("\u2022"))
    assert "\n" not in alert and "\\nForged\\x1b[31m" in alert and "&amp;amp;" in alert


def markdown_inline(text: str) -> list:
    """The inline tokens of a Markdown text, as a CommonMark renderer reads it."""
    markdown_it = pytest.importorskip("markdown_it")
    return [token for token in markdown_it.MarkdownIt("commonmark").parse(text) if token.type == "inline"]


def assert_plain_markdown_line(line: str) -> None:
    """The line renders as text alone: no link, image, HTML, code, emphasis or heading; bare links defanged."""
    [inline] = markdown_inline(line)
    assert {child.type for child in inline.children} <= {"text", "text_special"}, inline.children
    rendered = "".join(child.content for child in inline.children)
    defanged = shown(HOSTILE).replace("://", "[:]//").replace("@", "[@]")
    assert rendered.startswith("702173474 %s on web-01 <!here>" % defanged)
    assert "://" not in rendered and not raw_characters(rendered)


def test_dingtalk_is_a_markdown_message_whose_alert_lines_stay_text():
    body = message.chat_message(SUMMARY, "dingtalk")
    assert body["msgtype"] == "markdown" and body["at"] == {"isAtAll": False}
    assert body["markdown"]["title"] == "Security Center alert triage: prod-cn"
    paragraphs = body["markdown"]["text"].split("\n\n")
    assert paragraphs[:3] == ["#### Security Center alert triage: prod-cn", "3 handled, 1 failed, 2 unmatched",
                              "**Needs a person (1)**"]
    assert paragraphs[-1] == "Report: reports/triage-prod-cn.md"
    [item] = [paragraph for paragraph in paragraphs if paragraph.startswith("- ")]
    assert "\n" not in item and item.startswith("- 702173474 ")
    assert_plain_markdown_line(item[2:])


def test_teams_is_an_adaptive_card_for_a_workflows_webhook():
    body = message.chat_message(SUMMARY, "teams")
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    blocks = card["body"]
    assert blocks[0]["text"] == "Security Center alert triage: prod-cn" and blocks[0]["weight"] == "Bolder"
    assert blocks[1] == {"type": "FactSet", "facts": [{"title": "handled", "value": "3"},
                                                      {"title": "failed", "value": "1"},
                                                      {"title": "unmatched", "value": "2"}]}
    assert blocks[2]["text"] == "Needs a person (1)"
    assert blocks[3]["text"].startswith("- 702173474 ")
    assert_plain_markdown_line(blocks[3]["text"][2:])
    assert blocks[-1]["text"] == "Report: reports/triage-prod-cn.md"


def test_generic_posts_the_summary_as_data_and_the_message_as_escaped_text():
    body = message.chat_message(SUMMARY, "generic")
    assert body["summary"]["needs_attention"] == [FAILED]  # the data as it came: JSON encodes it
    assert body["summary"]["needs_person"] is True and body["summary"]["by_outcome"] == SUMMARY["by_outcome"]
    lines = body["text"].split("\n")
    assert lines[:3] == ["Security Center alert triage: prod-cn", "3 handled, 1 failed, 2 unmatched",
                         "Needs a person (1):"]
    assert len(lines) == 5 and lines[-1] == "Report: reports/triage-prod-cn.md"
    assert_plain_markdown_line(lines[3][2:])


@pytest.mark.parametrize("fmt", message.FORMATS)
def test_a_dry_run_a_stop_and_warnings_are_said(fmt):
    summary = dict(SUMMARY, check_mode=True, stopped="not confirmed", warnings=["the other data site holds 3"],
                   title="Security Center alert response")
    text = message_text(message.chat_message(summary, fmt))
    assert "Security Center alert response: prod-cn (dry run, nothing sent)" in text
    assert "Stopped before handling: not confirmed" in text and "Warning: the other data site holds 3" in text


@pytest.mark.parametrize("fmt", message.FORMATS)
def test_ten_alerts_are_listed_and_the_others_counted(fmt):
    many = [dict(FAILED, id=index, name="alert-%d" % index, host="h") for index in range(25)]
    text = message_text(message.chat_message(dict(SUMMARY, needs_attention=many), fmt))
    assert "Needs a person (25)" in text
    assert "alert-9 on h" in text and "alert-10" not in text
    assert "\u2026 and 15 more in the report" in text


@pytest.mark.parametrize("fmt", message.FORMATS)
def test_every_value_is_bounded(fmt):
    huge = dict(FAILED, name="n" * 5000, error_code="c" * 5000, hint="h" * 5000, host="s" * 5000)
    body = message.chat_message(dict(SUMMARY, account="a" * 5000, needs_attention=[huge] * 30), fmt)
    if fmt in ("slack", "teams"):
        assert max(len(text) for text in strings(body)) < 3000  # a Slack section takes 3,000 characters
    assert len(message_text(body)) < 20000


@pytest.mark.parametrize("fmt", message.FORMATS)
def test_only_when_needs_attention_sends_nothing_for_a_quiet_run(fmt):
    assert message.chat_message(QUIET, fmt, "needs_attention") is None
    assert message.chat_message(QUIET, fmt, "always") is not None
    assert message.chat_message(SUMMARY, fmt, "needs_attention") is not None
    assert message.chat_message(dict(QUIET, stopped="over the cap"), fmt, "needs_attention") is not None


def test_a_run_without_alerts_says_so():
    body = message.chat_message({"account": "prod-cn", "by_outcome": {"handled": 0}}, "generic")
    assert body["text"].split("\n") == ["Security Center alert triage: prod-cn", "no alerts", "Nothing needs a person"]


def test_a_stopped_run_needs_a_person_even_with_no_alert_listed():
    body = message.chat_message(dict(QUIET, by_outcome={"not_run": 4}, stopped="not confirmed"), "generic",
                                "needs_attention")
    assert body["text"].split("\n")[1:] == [
        "4 not\\_run", "Needs a person: the run stopped before handling",
        "Stopped before handling: not confirmed", "Report: reports/triage-prod-cn.md"]


# --- DingTalk's signature -------------------------------------------------------------------------------------------

# printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64
KNOWN_SIGNATURE = "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g="


def test_the_dingtalk_signature_is_the_documented_hmac():
    assert message.dingtalk_signature("SECtest", 1700000000000) == KNOWN_SIGNATURE.replace("=", "%3D")


def test_a_signed_robot_url_gets_the_timestamp_and_the_signature():
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN"
    signed = chat_webhook_url.chat_webhook_url({"url": url, "format": "dingtalk", "secret": "SECtest"},
                                               timestamp_ms=1700000000000)
    assert signed == url + "&timestamp=1700000000000&sign=" + KNOWN_SIGNATURE.replace("=", "%3D")
    assert message.webhook_url("http://127.0.0.1/robot", "dingtalk", "SECtest", 1700000000000).startswith(
        "http://127.0.0.1/robot?timestamp=1700000000000&sign=")


def test_a_signature_is_made_at_the_call():
    first = message.webhook_url("https://x/send?access_token=T", "dingtalk", "SECtest")
    stamp = int(first.split("timestamp=")[1].split("&")[0])
    import time

    assert abs(stamp - time.time() * 1000) < 60000


@pytest.mark.parametrize("notify", [
    {"url": "https://hooks.slack.com/services/T/B/X", "format": "slack", "secret": "SECtest"},
    {"url": "https://oapi.dingtalk.com/robot/send?access_token=T", "format": "dingtalk", "secret": ""},
    {"url": "https://oapi.dingtalk.com/robot/send?access_token=T", "format": "dingtalk"},
])
def test_an_unsigned_url_is_the_url_as_it_is(notify):
    assert chat_webhook_url.chat_webhook_url(notify) == notify["url"]


def test_a_bad_setting_is_refused_without_showing_the_url_or_the_secret():
    for notify in ({"url": 42, "format": "dingtalk"}, {"url": "https://x/TOKEN", "secret": ["SECret"]}):
        with pytest.raises(AnsibleFilterError) as refused:
            chat_webhook_url.chat_webhook_url(notify)
        assert "TOKEN" not in str(refused.value) and "SECret" not in str(refused.value)


# --- what a failed delivery says ----------------------------------------------------------------------------------

URL = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123&timestamp=1&sign=SIGN456"


@pytest.mark.parametrize("posted, fmt, warning", [
    ({"status": 200, "json": {"errcode": 0}}, "dingtalk", ""),
    ({"status": 202}, "teams", ""),
    ({"status": 200, "content": "ok"}, "slack", ""),
    ({"skipped": True}, "slack", ""),
    ({"status": 500, "msg": "Status code was 500 and not [200]: HTTP Error 500: " + URL, "content": URL}, "slack",
     "the slack chat notification was not delivered (HTTP 500); the run goes on"),
    ({"status": -1, "msg": "Status code was -1 and not [200]: Connection failure: The read operation timed out "
      + URL}, "teams", "the teams chat notification was not delivered (no answer within 3 s (timeout)); the run "
                       "goes on"),
    ({"status": -1, "msg": "Request failed: <urlopen error [Errno 111] Connection refused>"}, "generic",
     "the generic chat notification was not delivered (connection refused); the run goes on"),
    ({"status": 200, "json": {"errcode": 310000, "errmsg": "sign not match " + URL}}, "dingtalk",
     "the dingtalk chat notification was not delivered (DingTalk errcode 310000: a security setting refused it - "
     "keyword, IP address or signature (the secret)); the run goes on"),
])
def test_a_failed_delivery_is_a_warning_that_names_the_format_and_the_status_never_the_url(posted, fmt, warning):
    assert chat_delivery_warning.chat_delivery_warning(posted, fmt, 3) == warning


# --- the filters --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("module, name", [(chat_message, "chat_message"), (chat_webhook_url, "chat_webhook_url"),
                                          (chat_delivery_warning, "chat_delivery_warning")])
def test_filters_are_registered_by_name(module, name):
    assert name in module.FilterModule().filters()


def test_the_message_filter_refuses_what_it_cannot_render():
    with pytest.raises(AnsibleFilterError, match="format must be one of slack, dingtalk, teams, generic, not 'irc'"):
        chat_message.chat_message(SUMMARY, "irc")
    with pytest.raises(AnsibleFilterError, match="chat_delivery_warning: format must be one of"):
        chat_delivery_warning.chat_delivery_warning({"status": 500}, "irc")
    with pytest.raises(AnsibleFilterError, match="only_when must be always or needs_attention"):
        chat_message.chat_message(SUMMARY, "slack", "sometimes")
    with pytest.raises(AnsibleFilterError, match="the run's summary"):
        chat_message.chat_message(["not", "a", "summary"], "slack")


ROLE = Path(__file__).resolve().parents[4] / "roles" / "notify"


def test_the_role_documents_the_defaults_and_the_formats_the_code_takes():
    options = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())["_sas_notify_defaults"]
    assert {name: spec.get("default") for name, spec in options["sas_notify"]["options"].items()} == defaults
    assert options["sas_notify"]["options"]["format"]["choices"] == list(message.FORMATS)
    assert options["sas_notify"]["options"]["only_when"]["choices"] == [message.ALWAYS, message.NEEDS_ATTENTION]
    assert options["sas_notify_summary"]["options"]["title"]["default"] == message.DEFAULT_TITLE
