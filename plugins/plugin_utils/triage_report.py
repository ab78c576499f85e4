# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage report: every listed alert exactly once, with the outcome sas_alert_handle gave it
or the reason it was not sent, and the counts per outcome, action and rule."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import FAILING_OUTCOMES, OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import (
    EXCLUDED,
    UNMATCHED,
    describe_action,
)

NOT_RUN = "not_run"  # planned, but the run stopped before handling (not confirmed, over the cap)
ERROR = "error"  # its sas_alert_handle call failed before reaching a per-alert outcome
REPORT_OUTCOMES = OUTCOMES + (UNMATCHED, EXCLUDED, NOT_RUN, ERROR)
ATTENTION_OUTCOMES = FAILING_OUTCOMES + (ERROR,)
RESULT_KEYS = ("outcome", "reason", "error_code", "hint", "task_id", "status_before", "status_after")


def build_report(plan: Dict[str, Any], handled: Optional[List[Dict[str, Any]]],
                 context: Dict[str, Any]) -> Dict[str, Any]:
    """The report of one run. handled: the registered loop results of the handling task, if it ran."""
    outcomes = _outcomes_by_id(handled or [], context.get("stopped"))
    alerts = []
    for planned in plan["alerts"]:
        entry = {key: planned[key] for key in ("id", "name", "type", "level", "host", "rule", "action")}
        entry["params"] = planned["params"]
        entry["recommended"] = planned["recommended"]
        entry.update((key, None) for key in RESULT_KEYS)
        if planned["disposition"] == UNMATCHED:
            entry.update(outcome=UNMATCHED, reason="no rule matched; recommended: %s - %s" % (
                describe_action(planned["recommended"]["action"], planned["recommended"]["params"]),
                planned["recommended"]["why"]))
        elif planned["disposition"] == EXCLUDED:
            entry.update(outcome=EXCLUDED, reason="rule %s leaves it alone" % planned["rule"])
        else:
            entry.update(outcomes.get(planned["id"]) or _not_run(context.get("stopped")))
        alerts.append(entry)
    report = {
        "check_mode": bool(context.get("check_mode")),
        "started_at": context.get("started_at"),
        "finished_at": context.get("finished_at"),
        "account": context.get("account"),
        "stopped": context.get("stopped"),
        "summary": summarize(alerts),
        "alerts": alerts,
    }
    return report


def _not_run(stopped: Optional[str]) -> Dict[str, Any]:
    if stopped:
        return {"outcome": NOT_RUN, "reason": "nothing was sent: %s" % stopped}
    return {"outcome": ERROR, "reason": "sas_alert_handle returned no result for this alert"}


def _outcomes_by_id(handled: List[Dict[str, Any]], stopped: Optional[str]) -> Dict[Any, Dict[str, Any]]:
    """Each alert's outcome from the loop over the handling groups (one module call per group)."""
    found: Dict[Any, Dict[str, Any]] = {}
    for call in handled:
        group = call.get("item") or {}
        if call.get("skipped"):
            for alert_id in group.get("alert_ids", []):
                found[alert_id] = _not_run(stopped or "the handling step was skipped")
            continue
        results = {result.get("id"): result for result in call.get("results") or []}
        error = call.get("error") or {}
        for alert_id in group.get("alert_ids", []):
            result = results.get(alert_id)
            if result is not None:
                found[alert_id] = {key: result.get(key) for key in RESULT_KEYS}
            else:
                found[alert_id] = {
                    "outcome": ERROR,
                    "reason": "sas_alert_handle failed before handling it: %s" % (call.get("msg") or "no message"),
                    "error_code": error.get("code"),
                }
    return found


def summarize(alerts: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Counts per outcome (every outcome listed), and per action and per rule (outcomes that occur)."""
    by_outcome = {outcome: 0 for outcome in REPORT_OUTCOMES}
    by_action: Dict[str, Dict[str, int]] = {}
    by_rule: Dict[str, Dict[str, int]] = {}
    for alert in alerts:
        outcome = alert["outcome"]
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
        if alert["action"]:
            _count(by_action.setdefault(alert["action"], {}), outcome)
        if alert["rule"]:
            _count(by_rule.setdefault(alert["rule"], {}), outcome)
    attention = sum(by_outcome[outcome] for outcome in ATTENTION_OUTCOMES)
    return {
        "alerts": len(alerts),
        "needs_attention": attention,
        "by_outcome": by_outcome,
        "by_action": by_action,
        "by_rule": by_rule,
    }


def _count(counts: Dict[str, int], outcome: str) -> None:
    counts[outcome] = counts.get(outcome, 0) + 1
