# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end of a respond run: each alert's outcome - sas_alert_handle's for those sent, the plan's for the others -,
the report, and the summary in the words of the aliyun CLI alert-handler skill ("✅ Successfully handled: 3",
"❌ Handling failed: 1 (kill_and_quara.AgentOffline)"), every value shown escaped."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import (
    SEND,
    UNSUPPORTED,
    allowed_text,
    why_not_sent,
)
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import describe_action
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import (
    ATTENTION_OUTCOMES,
    ERROR,
    attention_alerts,
)

# Every outcome, in the order the summary shows them, with its heading.
SECTIONS = (
    ("cancelled", "⏹️ Cancelled, nothing sent"),
    ("not_chosen", "⏸️ Nothing chosen, nothing sent"),
    ("handled", "✅ Successfully handled"),
    ("would_handle", "🔎 Would handle (check mode, nothing sent)"),
    ("failed", "❌ Handling failed"),
    ("timed_out", "⏱️ Timed out, no result yet"),
    (ERROR, "❌ Not handled, the call failed"),
    ("submitted", "📨 Sent, result not known"),
    (UNSUPPORTED, "🚫 Not supported"),
    ("review", "👀 Left for a person to review"),
    ("already_handled", "↩️ Already handled"),
    ("expired", "⌛ Expired"),
    ("not_found", "❓ Not found"),
)
WHOLE_RUN = ("cancelled", "not_chosen")  # the same for every alert: counted, not listed
TOTAL_NAMES = {"handled": "Success", "failed": "Failed"}
RESULT_FIELDS = ("error_code", "hint", "reason", "task_id", "note", "status_after")


def summarize(plan: Dict[str, Any], handled: Optional[Dict[str, Any]], check_mode: bool = False,
              finished_at: Optional[str] = None) -> Dict[str, Any]:
    """The run's report: every alert once with its outcome, counts, the alerts that need a person (failed, timed
    out, errored: what a chat message lists), and the summary's lines."""
    results = {result.get("id"): result for result in (handled or {}).get("results") or []}
    alerts = [_outcome(entry, results.get(entry["id"]), handled) for entry in plan["alerts"]]
    by_outcome = {outcome: 0 for outcome, _heading in SECTIONS}
    for alert in alerts:
        by_outcome[alert["outcome"]] = by_outcome.get(alert["outcome"], 0) + 1
    report = {"workflow": "respond", "started_at": plan.get("started_at"), "finished_at": finished_at,
              "check_mode": bool(check_mode), "choice": plan["choice"], "operation": plan["operation"],
              "params": plan["params"], "alerts": alerts,
              "summary": {"alerts": len(alerts), "by_outcome": by_outcome,
                          "needs_attention": sum(by_outcome[outcome] for outcome in ATTENTION_OUTCOMES)},
              # what a chat message lists: the triage's short entries, never the evidence
              "needs_attention": attention_alerts(alerts)}
    report["lines"] = summary_lines(report)
    return report


def _outcome(entry: Dict[str, Any], result: Optional[Dict[str, Any]], handled: Optional[Dict[str, Any]]):
    """The alert as the report keeps it: the plan's entry, its outcome and what the handling said of it."""
    alert = {key: value for key, value in entry.items() if key != "disposition"}
    alert.update(dict.fromkeys(RESULT_FIELDS))
    if entry["disposition"] != SEND:
        alert["outcome"] = entry["disposition"]
    elif result is None:  # the call failed before any alert had an outcome, or was never made
        alert.update(outcome=ERROR, reason=(handled or {}).get("msg") or "no result: the handling did not run",
                     error_code=((handled or {}).get("error") or {}).get("code"))
    else:
        alert.update({key: result.get(key) for key in RESULT_FIELDS}, outcome=result.get("outcome"))
    return alert


def summary_lines(report: Dict[str, Any]) -> List[str]:
    """The skill's summary: a heading per outcome with its count, then one line per alert."""
    title = "Handling Results Summary" + (" (check mode: nothing sent)" if report["check_mode"] else "")
    lines = ["========== %s ==========" % title]
    for outcome, heading in SECTIONS:
        alerts = [alert for alert in report["alerts"] if alert["outcome"] == outcome]
        if not alerts:
            continue
        lines.append("%s: %d%s" % (heading, len(alerts), _codes(alerts) if outcome == "failed" else ""))
        if outcome not in WHOLE_RUN:
            lines.extend("  [Alert %s] %s" % (shown(alert["id"]), alert_result(alert)) for alert in alerts)
    counts = report["summary"]["by_outcome"]
    lines.append("Total: %d items%s" % (report["summary"]["alerts"], "".join(
        ", %s %d" % (TOTAL_NAMES.get(outcome, outcome.replace("_", " ").capitalize()), count)
        for outcome, count in counts.items() if count)))
    return lines


def _codes(alerts: List[Dict[str, Any]]) -> str:
    """ (kill_and_quara.AgentOffline, ...): the distinct codes the failed alerts carry, as the skill shows them."""
    codes = list(dict.fromkeys(shown(alert["error_code"]) for alert in alerts if alert["error_code"]))
    return " (%s)" % ", ".join(codes) if codes else ""


def alert_result(alert: Dict[str, Any]) -> str:
    """What became of one alert, on one line."""
    outcome, action = alert["outcome"], shown(describe_action(alert["action"], alert["params"]))
    if outcome == "handled":
        return "%s - Success%s" % (action, ", note %s" % shown(alert["note"]) if alert["note"] else "")
    if outcome == "would_handle":
        return "%s - would be sent" % action
    if outcome == "failed":
        hint = ": %s" % shown(alert["hint"]) if alert["hint"] else ""
        return "%s - Failed (%s%s)" % (action, shown(alert["error_code"] or alert["reason"]), hint)
    if outcome == "timed_out":
        return "%s - no final status in time (task %s)" % (action, shown(alert["task_id"]))
    if outcome == "submitted":
        return "%s - sent in task %s" % (action, shown(alert["task_id"]))
    if outcome == ERROR:
        return "%s - %s" % (action, shown(alert["reason"]))
    if outcome == UNSUPPORTED and alert["reason"]:  # the service said so when the module asked again
        return "%s - not supported: %s; allowed: %s" % (action, shown(alert["reason"]), allowed_text(alert))
    if outcome in ("already_handled", "expired", "not_found") and alert["reason"]:
        return "%s - %s" % (action, shown(alert["reason"]))
    return why_not_sent(dict(alert, disposition=outcome))
