# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The on-call analyst's respond workflow (issue 21), in the steps of the aliyun CLI alert-handler skill the
collection grew from: show each alert with the operations the service allows now and the recommended action,
take a choice - 1 recommended, 2 custom, 3 cancel -, and plan it as the groups of one sas_alert_handle call.

The recommendation is the triage's (triage_plan.recommend), the check of an operation and its parameters the
policy's: one home each. Every value taken from an alert is shown escaped (shown), never templated."""

from __future__ import annotations

import json
import os
import shlex
import time
from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import MAX_NOTE_LENGTH
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    REFUSED_OPERATIONS,
    UNDO_OPERATIONS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import NAME_LENGTH, shown
from ansible_collections.alibabacloud.sas.plugins.module_utils.similar import SCENARIOS
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.alert_table import operation_codes
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.policy_file import resolve
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_evidence import evidence_line
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import (
    REVIEW,
    add_to_group,
    alert_summary,
    counted,
    describe_action,
    host_label,
    recommend,
)

# The policy's own checks of an action and its params (private there, one home for the check).
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import (
    NO_ACTION,
    TRIAGE_ACTIONS,
    PolicyError,
    check_action,
    check_params,
    did_you_mean,
)

RECOMMENDED, CUSTOM, CANCEL = "recommended", "custom", "cancel"
CHOICES = (RECOMMENDED, CUSTOM, CANCEL)
MENU = {"1": RECOMMENDED, "2": CUSTOM, "3": CANCEL}  # the skill's numbered choice
CHOICE_HELP = ("-e sas_respond_choice=recommended | custom | cancel (custom with -e sas_respond_operation=<code> "
               "and, if it takes any, -e '{\"sas_respond_params\": {\"block_duration\": \"1d\"}}')")

# What becomes of each alert, beside the outcomes of sas_alert_handle for those sent.
SEND = "send"
UNSUPPORTED = "unsupported"  # the action is not among the operations the service allows it now
ALREADY_HANDLED = "already_handled"  # no longer pending: nothing to respond to
NOT_FOUND = "not_found"
CANCELLED = "cancelled"
NOT_CHOSEN = "not_chosen"  # no terminal and no sas_respond_choice: shown, nothing sent
PENDING = "pending"
NOTE_PREFIX = "alibabacloud.sas %s respond run of %s: "
# A triage's actions but none: cancel is the choice that handles nothing.
OPERATIONS = tuple(code for code in TRIAGE_ACTIONS if code != NO_ACTION)


def check_settings(settings: Dict[str, Any], cwd: Optional[str] = None,
                   now_ms: Optional[int] = None) -> Dict[str, Any]:
    """The role's settings checked on the controller before any call: the choice (read_choice), the alerts named
    in one place, a similar-alerts scenario sas_alert_similar_info takes, the report directory and the audit trail
    as absolute paths (a relative one taken from where ansible-playbook runs, never the collection's); every mistake
    at once in problems."""
    checked = read_choice(settings.get("choice"), settings.get("operation"), settings.get("params"), now_ms)
    if (settings.get("alert_ids") is None) == (settings.get("filters") is None):
        checked["problems"].append("Say which alerts in one place: sas_respond_alert_ids (ids) or "
                                   "sas_respond_filters (as sas_alert_info takes them), not both and not neither.")
    if settings.get("similar") not in (None,) + SCENARIOS:
        checked["problems"].append("sas_respond_similar %s is none of %s (or null, to widen nothing)."
                                   % (json.dumps(settings["similar"]), ", ".join(SCENARIOS)))
    for name in ("report_dir", "audit_log"):
        value = settings.get(name)
        if isinstance(value, str) and value.strip():
            checked[name] = resolve(value, cwd or os.getcwd())
        else:
            checked["problems"].append("sas_respond_%s must be a path, got %s." % (name, json.dumps(value)))
    return checked


def read_choice(choice: Any, operation: Any = None, params: Any = None,
                now_ms: Optional[int] = None) -> Dict[str, Any]:
    """{choice, operation, params, problems}: the analyst's choice checked before any call; choice None when none
    was given. choice is a word of CHOICES or the menu's number; params a mapping, or as typed at the prompt
    (key=value pairs, or a JSON object)."""
    text = "" if choice is None else str(choice).strip().lower()
    chosen = MENU.get(text, text) or None
    operation = None if operation is None or str(operation).strip() == "" else str(operation).strip()
    found = {"choice": chosen, "operation": None, "params": {}, "problems": []}
    if chosen is not None and chosen not in CHOICES:
        found["problems"].append("sas_respond_choice %s is none of recommended, custom, cancel (at the prompt: 1, 2 "
                                 "or 3)" % json.dumps(str(choice)))
    elif chosen == CUSTOM:
        found.update(_read_custom(operation, params, now_ms))
    elif operation is not None or params:
        found["problems"].append("sas_respond_operation and sas_respond_params are for sas_respond_choice=custom "
                                 "only; with %s each alert gets its own action" % (chosen or "no choice"))
    return found


def _read_custom(operation: Optional[str], params: Any, now_ms: Optional[int]) -> Dict[str, Any]:
    """The custom operation and its params, or the problems that stop the run before any write."""
    if operation is None:
        return {"problems": ["sas_respond_choice=custom needs sas_respond_operation: an operation code such as "
                             "ignore, block_ip or quara"]}
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    try:
        check_operation(operation)
        return {"operation": operation, "params": check_params("sas_respond_params", operation,
                                                               parse_params(params), now_ms)}
    except PolicyError as exc:
        return {"problems": exc.problems}


def check_operation(operation: str) -> None:
    """PolicyError unless operation is one a respond run may send, naming sas_respond_operation and the codes."""
    if operation in OPERATIONS:
        return
    if operation in REFUSED_OPERATIONS or operation in UNDO_OPERATIONS:
        check_action("sas_respond_operation", operation)  # the policy's words for why it is not sent
    raise PolicyError("sas_respond_operation %s is not an operation code%s; use one of %s (cancel handles nothing)"
                      % (json.dumps(operation), did_you_mean(operation, OPERATIONS), ", ".join(OPERATIONS)))


def parse_params(params: Any) -> Any:
    """params as given: a mapping, or text typed at the prompt - empty, a JSON object, or key=value pairs separated
    by spaces, a value with spaces in quotes (block_duration=1d remark="seen by the on-call")."""
    if not isinstance(params, str):
        return params
    text = params.strip()
    if text.startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise PolicyError("sas_respond_params %s is not a JSON object: %s" % (json.dumps(text), exc)) from None
    try:
        pairs = shlex.split(text)
    except ValueError as exc:  # an unclosed quote
        raise PolicyError("sas_respond_params %s: %s" % (json.dumps(text), exc)) from None
    if any("=" not in pair or pair.startswith("=") for pair in pairs):
        raise PolicyError("sas_respond_params %s is neither key=value pairs (block_duration=1d remark=\"a b\") nor "
                          "a JSON object" % json.dumps(text))
    return dict(pair.split("=", 1) for pair in pairs)


def widen(alerts: List[Dict[str, Any]], similar: Dict[str, Any]) -> Dict[str, Any]:
    """{alerts, similar_to}: the listed alerts, then the similar ones sas_alert_similar_info found for them (its
    registered result with alert_ids: groups, alerts), each once, with the alert and the scenario that brought it in
    (similar_to: {similar id: {id, scenario}}, as view_alerts takes it). A skipped task brings in nothing."""
    found = {alert.get("id"): alert for alert in similar.get("alerts") or []}
    merged, seen, similar_to = list(alerts), {alert.get("id") for alert in alerts}, {}
    for group in similar.get("groups") or []:
        for alert_id in group.get("similar_ids") or []:
            if alert_id in seen or alert_id not in found:  # listed already, or no longer pending
                continue
            seen.add(alert_id)
            merged.append(found[alert_id])
            similar_to[str(alert_id)] = {"id": group.get("alert_id"), "scenario": similar.get("scenario")}
    return {"alerts": merged, "similar_to": similar_to}


def view_alerts(alerts: List[Dict[str, Any]], operations: List[Dict[str, Any]], missing_ids: Any = (),
                similar_to: Optional[Dict[Any, Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
    """One entry per alert: what the triage keeps of it, the operations the service allows it now (allowed,
    UserCanOperate) and the recommended action; the ids the service does not know at the end, found false.

    similar_to: {alert id: {id, scenario}} for alerts taken in as similar to a chosen one."""
    looked_up = {entry.get("id"): entry for entry in operations or []}
    similar_to = {str(key): value for key, value in (similar_to or {}).items()}
    entries, seen = [], set()
    for alert in alerts:
        if alert.get("id") in seen:
            continue
        seen.add(alert.get("id"))
        lookup = looked_up.get(alert.get("id")) or {}
        entry = alert_summary(alert)
        entry.update(found=lookup.get("found", True), recommended=recommend(alert),
                     allowed=operation_codes(lookup, allowed=True),
                     similar_to=similar_to.get(str(alert.get("id"))))
        entries.append(entry)
    entries.extend({"id": alert_id, "found": False, "allowed": []} for alert_id in missing_ids or []
                   if alert_id not in seen)
    return entries


def view_lines(entries: List[Dict[str, Any]], total_count: Optional[int] = None) -> List[str]:
    """The alerts as the skill shows them, a few short lines each, every value from an alert shown escaped."""
    listed = sum(1 for entry in entries if entry["found"])
    heading = "Alert list (%d in total)" % listed
    if total_count is not None and total_count > listed:
        heading += ", the first %d of %d that match: narrow sas_respond_filters for the others" % (listed,
                                                                                                   total_count)
    lines = [heading + ":"]
    for number, entry in enumerate(entries, 1):
        lines.extend(_alert_lines(number, entry))
    return lines


def _alert_lines(number: int, entry: Dict[str, Any]) -> List[str]:
    head = "[Alert %d] ID: %s" % (number, shown(entry["id"]))
    if not entry["found"]:
        return [head + " - not found: the service does not know it"]
    similar = entry.get("similar_to")
    if similar:
        head += " - similar to %s (%s)" % (shown(similar.get("id")), shown(similar.get("scenario")))
    times = {key: entry["evidence"].get(key) for key in ("first_time", "last_time")}
    found = dict(entry["evidence"], first_time=None, last_time=None)
    return [head,
            "- Name: %s" % shown(entry["name"], limit=NAME_LENGTH),
            "- Type: %s" % shown(entry["type"], limit=NAME_LENGTH),
            "- Severity: %s" % shown(entry["level"]),
            "- Asset: %s" % host_label(entry["host"]),
            "- Status: %s" % shown(entry["status"]),
            "- Time: %s (UTC+8)" % evidence_line(times),
            "- Evidence: %s" % evidence_line(found),
            "- Allowed now: %s" % allowed_text(entry),
            "- Recommended action: %s" % recommended_text(entry),
            "- Reason: %s" % shown(entry["recommended"]["why"])]


def allowed_text(entry: Dict[str, Any]) -> str:
    return ", ".join(shown(code) for code in entry["allowed"]) or "none"


def recommended_text(entry: Dict[str, Any]) -> str:
    recommended = entry["recommended"]
    if recommended["action"] == REVIEW:
        return "none - a person reviews it"
    text = shown(describe_action(recommended["action"], recommended["params"]))
    return text if recommended["action"] in entry["allowed"] else text + " - not allowed now"


def plan_response(entries: List[Dict[str, Any]], choice: Dict[str, Any],
                  started_at: Optional[str] = None) -> Dict[str, Any]:
    """{choice, operation, params, alerts, groups, lines}: each alert's action and what becomes of it, and the
    groups of one sas_alert_handle call (one per action and params, as the triage's) for those to send."""
    groups: Dict[str, Dict[str, Any]] = {}
    planned = []
    for entry in entries:
        action, params = _action_for(entry, choice)
        disposition = _disposition(entry, choice["choice"], action)
        planned.append(dict(entry, action=action, params=params, disposition=disposition))
        if disposition == SEND:
            add_to_group(groups, action, params, "respond: %s" % choice["choice"], entry["id"])
    plan = {"choice": choice["choice"], "operation": choice["operation"], "params": choice["params"],
            "alerts": planned, "groups": [_finish(group, choice["choice"], started_at) for group in groups.values()],
            "started_at": started_at}
    plan["lines"] = plan_lines(plan)
    return plan


def _action_for(entry: Dict[str, Any], choice: Dict[str, Any]):
    if choice["choice"] == CUSTOM:
        return choice["operation"], dict(choice["params"])
    if choice["choice"] == RECOMMENDED and entry["found"]:
        return entry["recommended"]["action"], dict(entry["recommended"]["params"])
    return None, {}


def _disposition(entry: Dict[str, Any], choice: Optional[str], action: Optional[str]) -> str:
    if not entry["found"]:
        return NOT_FOUND
    if choice is None:
        return NOT_CHOSEN
    if choice == CANCEL:
        return CANCELLED
    if entry["status"] != PENDING:
        return ALREADY_HANDLED
    if action == REVIEW:
        return REVIEW
    return SEND if action in entry["allowed"] else UNSUPPORTED


def _finish(group: Dict[str, Any], choice: str, started_at: Optional[str]) -> Dict[str, Any]:
    """The group with the remark its write carries and the note each alert it handles gets in the console."""
    group["remark"] = group["params"].get("remark") or "alibabacloud.sas respond: %s" % choice
    group["note"] = (NOTE_PREFIX % (COLLECTION_VERSION, started_at or "unknown time")
                     + "%s, action %s" % (choice, group["action"]))[:MAX_NOTE_LENGTH]
    return group


def plan_lines(plan: Dict[str, Any]) -> List[str]:
    """What the choice sends, group by group, and what it leaves, before the write."""
    if plan["choice"] is None:
        return ["Nothing chosen (no terminal, as under AWX or cron, or an empty answer): nothing was sent. "
                "To choose unattended: " + CHOICE_HELP]
    if plan["choice"] == CANCEL:
        return ["Cancelled: nothing is sent."]
    sending = sum(len(group["alert_ids"]) for group in plan["groups"])
    lines = ["Chosen: %s. %s" % (plan["choice"], "Sending %s in one call:" % counted(sending, "alert")
                                 if sending else "Nothing to send.")]
    lines.extend("  %s x %d: %s" % (shown(describe_action(group["action"], group["params"])),
                                    len(group["alert_ids"]), ", ".join(shown(i) for i in group["alert_ids"]))
                 for group in plan["groups"])
    left = [entry for entry in plan["alerts"] if entry["disposition"] != SEND]
    lines.extend("  not sent: [Alert %s] %s" % (shown(entry["id"]), why_not_sent(entry)) for entry in left)
    return lines


def why_not_sent(entry: Dict[str, Any]) -> str:
    """Why the plan sends nothing for an alert, in words; an unsupported one names the operations allowed."""
    disposition = entry["disposition"]
    if disposition == UNSUPPORTED:
        return "%s is not allowed now; allowed: %s" % (shown(entry["action"]), allowed_text(entry))
    if disposition == REVIEW:
        return "no recommended action: %s" % shown(entry["recommended"]["why"])
    if disposition == ALREADY_HANDLED:
        return "no longer pending (%s)" % shown(entry["status"])
    if disposition == NOT_FOUND:
        return "not found: the service does not know it"
    return "left as it was"
