# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage report: every listed alert exactly once, with the outcome sas_alert_handle gave it
or the reason it was not sent, and the counts per outcome, action and rule; and its Markdown rendering."""

from __future__ import annotations

import getpass
from typing import Any, Dict, Iterable, List, Optional, Union

from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import FAILING_OUTCOMES, OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import hint_for
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.policy_file import RULES_KEY
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_evidence import evidence_line
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import (
    DEFERRED,
    EXCLUDED,
    UNMATCHED,
    counted,
    describe_action,
    duration_text,
    fallback_groups,
    host_name_ip,
)

NOT_RUN = "not_run"  # planned, but the run stopped before handling (not confirmed, over the cap)
ERROR = "error"  # its sas_alert_handle call failed before reaching a per-alert outcome
REPORT_OUTCOMES = OUTCOMES + (DEFERRED, UNMATCHED, EXCLUDED, NOT_RUN, ERROR)
ATTENTION_OUTCOMES = FAILING_OUTCOMES + (ERROR,)
RESULT_KEYS = ("outcome", "reason", "error_code", "hint", "task_id", "status_before", "status_after", "retry_after",
               "note")
# A console note that did not reach the console is shown beside the alert's result (the JSON has every state).
MISSING_NOTES = ("refused", "failed")
CELL_LENGTH = 300  # a value longer than this ends in an ellipsis in the Markdown report (the JSON one has it all)


Registered = Union[None, Dict[str, Any], List[Dict[str, Any]]]


def build_report(plan: Dict[str, Any], handled: Registered, context: Dict[str, Any],
                 fallback_handled: Registered = None) -> Dict[str, Any]:
    """The report of one run. handled: what the handling task registered, if it ran - one sas_alert_handle call with
    the plan's groups, or the results of a loop over them; fallback_handled: the same of the fallback task (an alert
    in it takes the fallback's outcome, and its first result goes in fallback)."""
    calls = handling_calls(handled, plan["groups"])
    outcomes = _outcomes_by_id(calls, context.get("stopped"))
    fallback_calls = handling_calls(fallback_handled, fallback_groups(plan, calls) if isinstance(
        fallback_handled, dict) else [])
    fallbacks = _outcomes_by_id(fallback_calls, None)
    alerts = []
    for planned in plan["alerts"]:
        entry = {key: planned[key] for key in ("id", "name", "type", "level", "host", "evidence", "rule", "action")}
        entry["params"] = planned["params"]
        entry["recommended"] = planned["recommended"]
        entry.update((key, None) for key in RESULT_KEYS)
        entry["fallback"] = None
        if planned["disposition"] == UNMATCHED:
            entry.update(outcome=UNMATCHED, reason="no rule matched; recommended: %s - %s" % (
                describe_action(planned["recommended"]["action"], planned["recommended"]["params"]),
                planned["recommended"]["why"]))
        elif planned["disposition"] == EXCLUDED:
            entry.update(outcome=EXCLUDED, reason="rule %s leaves it alone" % planned["rule"])
        elif planned["disposition"] == DEFERRED:
            entry.update(_deferred(planned["deferred"], plan.get("retry_failed_after")))
        else:
            entry.update(outcomes.get(planned["id"]) or _not_run(context.get("stopped")))
            if planned["id"] in fallbacks and planned.get("fallback"):
                entry["fallback"] = {"action": planned["fallback"]["action"], "params": planned["fallback"]["params"],
                                     "after": {key: entry[key] for key in RESULT_KEYS}}
                entry.update(fallbacks[planned["id"]])
        alerts.append(entry)
    report = {
        "check_mode": bool(context.get("check_mode")),
        "started_at": context.get("started_at"),
        "finished_at": context.get("finished_at"),
        "account": context.get("account"),
        "provenance": context.get("provenance") or provenance(),
        "stopped": context.get("stopped"),
        "other_site": context.get("other_site"),
        # what a person must know beyond the outcomes, in the report, the summary line and the job's stats
        "warnings": [warning for warning in (other_site_warning(context.get("other_site")),) if warning],
        "api_stats": api_stats(handled, fallback_handled),
        "summary": summarize(alerts),
        # first what needs a person, in short (a chat message, a reader of the JSON); every alert whole below
        "needs_attention": attention_alerts(alerts),
        "alerts": alerts,
    }
    return report


API_STAT_COUNTS = ("calls", "retries", "throttles")


def api_stats(*registered: Any) -> Dict[str, Dict[str, Any]]:
    """Per API, the calls, retries and throttles of the handling's sas_alert_handle runs (each result's api_stats:
    one call's result, or a loop's list of them) added up, and the rate the pace of the last one ended at."""
    totals: Dict[str, Dict[str, Any]] = {}
    for runs in registered:
        for run in [runs] if isinstance(runs, dict) else runs or []:
            for action, stats in (run.get("api_stats") or {}).items():
                total = totals.setdefault(action, dict.fromkeys(API_STAT_COUNTS, 0))
                for key in API_STAT_COUNTS:
                    total[key] += stats.get(key) or 0
                total["rate"] = stats.get("rate")
    return totals


def provenance(policy_file: Optional[str] = None, policy_sha256: Optional[str] = None,
               awx_job_id: Any = None, awx_user_name: Optional[str] = None) -> Dict[str, Any]:
    """What decided a run and who ran it: the policy file and its sha256 (null for rules given as a variable),
    the collection's and ansible-core's versions, and the user - AWX's launcher under AWX, else the local one."""
    under_awx = awx_job_id not in (None, "")
    return {
        "policy_file": policy_file or None,
        "policy_sha256": policy_sha256 or None,
        "collection_version": COLLECTION_VERSION,
        "ansible_core_version": ANSIBLE_CORE_VERSION,
        "user": (awx_user_name or None) if under_awx else _local_user(),
        "awx_job_id": str(awx_job_id) if under_awx else None,
    }


def _local_user() -> Optional[str]:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container's uid with no passwd entry and no $USER
        return None


def other_site_warning(other_site: Optional[Dict[str, Any]]) -> Optional[str]:
    """The warning that the other data site holds pending alerts this run did not read, or None."""
    if not other_site or not other_site.get("pending"):
        return None
    return ("the other data site (%s) holds %d pending alerts that this run did not read: triage it too, with one "
            "inventory host per account and site" % (other_site["endpoint"], other_site["pending"]))


def _deferred(deferred: Dict[str, Any], retry_failed_after: Optional[int]) -> Dict[str, Any]:
    return {"outcome": DEFERRED, "error_code": deferred["error_code"], "hint": hint_for(deferred["error_code"]),
            "reason": "not sent: its last operation failed at %s, less than %s ago (sas_triage_retry_failed_after); "
                      "it is sent again from %s" % (deferred["failed_at"], duration_text(retry_failed_after or 0),
                                                    deferred["retry_after"]),
            "retry_after": deferred["retry_after"]}


def _not_run(stopped: Optional[str]) -> Dict[str, Any]:
    if stopped:
        return {"outcome": NOT_RUN, "reason": "nothing was sent: %s" % stopped}
    return {"outcome": ERROR, "reason": "sas_alert_handle returned no result for this alert"}


def handling_calls(registered: Registered, groups: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The sas_alert_handle calls as a loop over groups registers them: a loop's results as they are; one call with
    the groups option (a dict) as one item that holds every group's alerts."""
    if isinstance(registered, dict):
        return [dict(registered, item={"alert_ids": [alert_id for group in groups for alert_id in group["alert_ids"]]})]
    return registered or []


def _outcomes_by_id(handled: List[Dict[str, Any]], stopped: Optional[str]) -> Dict[Any, Dict[str, Any]]:
    """Each alert's outcome from the handling calls (handling_calls), each with the alerts of its item."""
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


# What a message about a run (a chat notification) shows of each alert that needs a person.
ATTENTION_KEYS = ("id", "name", "level", "host", "rule", "action", "outcome", "reason", "error_code", "hint")


def attention_alerts(alerts: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The report's alerts that need a person (ATTENTION_OUTCOMES), each with ATTENTION_KEYS, in report order."""
    return [{key: alert.get(key) for key in ATTENTION_KEYS} for alert in alerts
            if alert["outcome"] in ATTENTION_OUTCOMES]


def _count(counts: Dict[str, int], outcome: str) -> None:
    counts[outcome] = counts.get(outcome, 0) + 1


# --- the Markdown report ---------------------------------------------------------------------------------

def render_markdown(report: Dict[str, Any]) -> str:
    """The report for people: a summary table, the rules' outcomes, then the alerts in one section per outcome,
    those that need a person first. Every value in it goes through cell(): no line, cell, link, image or HTML
    can come out of alert text."""
    summary = report["summary"]
    by_outcome = summary["by_outcome"]
    occurring = [outcome for outcome in report_order(by_outcome) if by_outcome[outcome]]
    attention = summary["needs_attention"]
    blocks = [
        "# Security Center triage: %s%s" % (cell(report["account"]),
                                            " (dry run, nothing sent)" if report["check_mode"] else ""),
        # a line never starts with a value: there "-", "1." or four spaces would start a list or a code block
        "From %s to %s (UTC), %s listed%s." % (cell(report["started_at"]), cell(report["finished_at"]),
                                               cell(counted(summary["alerts"], "alert")),
                                               ", **%s need%s attention**" % (cell(attention), "s" if attention == 1
                                                                              else "") if attention else ""),
    ]
    blocks.append(provenance_line(report["provenance"]))
    blocks.extend("**Warning:** %s." % cell(warning) for warning in report["warnings"])
    if report["stopped"]:
        blocks.append("**Stopped before handling:** %s." % cell(report["stopped"]))
    blocks.append(outcome_table(by_outcome))
    if summary["by_rule"]:
        blocks.append(table(["Rule", "Outcomes"], [
            [cell(rule), ", ".join("%s %s" % (cell(count), cell(outcome)) for outcome, count in counts.items())]
            for rule, counts in summary["by_rule"].items()]))
    for outcome in occurring:
        alerts = [alert for alert in report["alerts"] if alert["outcome"] == outcome]
        blocks.append("## %s (%s)\n\n%s" % (cell(outcome), cell(by_outcome[outcome]), alert_table(outcome, alerts)))
    return "\n\n".join(blocks) + "\n"


def outcome_table(by_outcome: Dict[str, int]) -> str:
    """The alerts per outcome that occurs, those that need a person first (report_order)."""
    return table(["Outcome", "Alerts"], [[cell(outcome), cell(by_outcome[outcome])]
                                         for outcome in report_order(by_outcome) if by_outcome[outcome]], right=[1])


def provenance_line(found: Dict[str, Any]) -> str:
    """Policy playbooks/policy.yml (sha256 9f2c...), alibabacloud.sas 0.1.0, ansible-core 2.17.5, run by alice
    in AWX job 42."""
    policy = ("Policy %s (sha256 %s)" % (cell(found["policy_file"]), cell(found["policy_sha256"]))
              if found["policy_file"] else "Policy given as %s" % cell(RULES_KEY))
    awx = " in AWX job %s" % cell(found["awx_job_id"]) if found["awx_job_id"] else ""
    return "%s, alibabacloud.sas %s, ansible-core %s, run by %s%s." % (
        policy, cell(found["collection_version"]), cell(found["ansible_core_version"]), cell(found["user"]), awx)


def report_order(by_outcome: Dict[str, int]) -> List[str]:
    """Every outcome of REPORT_OUTCOMES, those that need a person first, then not_run (the run stopped), then the
    others in their order; an outcome counted but missing from REPORT_OUTCOMES comes last, never left out."""
    first = ATTENTION_OUTCOMES + (NOT_RUN,)
    known = list(first) + [outcome for outcome in REPORT_OUTCOMES if outcome not in first]
    return known + sorted(outcome for outcome in by_outcome if outcome not in known)


def alert_table(outcome: str, alerts: List[Dict[str, Any]]) -> str:
    """The alerts of one outcome: id and name, level, host, evidence, what was done (or is recommended) and why."""
    if outcome == UNMATCHED:
        return table(["Alert", "Level", "Host", "Evidence", "Recommended", "Why"],
                     [_described(alert) + _recommended(alert) for alert in alerts])
    return table(["Alert", "Level", "Host", "Evidence", "Rule: action", "Details"],
                 [_described(alert) + _done(alert) for alert in alerts])


def _described(alert: Dict[str, Any]) -> List[str]:
    name, ip = host_name_ip(alert["host"])
    return ["%s %s" % (cell(alert["id"]), cell(alert["name"])), cell(alert["level"]),
            cell(name) + (" " + cell(ip) if ip else ""), evidence_line(alert["evidence"], markdown=True)]


def _recommended(alert: Dict[str, Any]) -> List[str]:
    recommended = alert["recommended"]
    return [cell(describe_action(recommended["action"], recommended["params"])), cell(recommended["why"])]


def _done(alert: Dict[str, Any]) -> List[str]:
    details = _result_details(alert)
    fallback = alert.get("fallback")
    if not fallback:
        return ["%s: %s" % (cell(alert["rule"]), cell(alert["action"])), "; ".join(details) or cell(None)]
    first = ["%s: %s" % (cell(alert["action"]), "; ".join(_result_details(fallback["after"])) or cell(None))]
    return ["%s: %s, then %s" % (cell(alert["rule"]), cell(alert["action"]), cell(fallback["action"])),
            "; ".join(first + ["%s: %s" % (cell(fallback["action"]), "; ".join(details) or cell(None))])]


def _result_details(result: Dict[str, Any]) -> List[str]:
    details = [cell(detail) for detail in (result["reason"], result["error_code"], result["hint"]) if detail]
    if result["task_id"]:
        details.append("task %s" % cell(result["task_id"]))
    if result.get("note") in MISSING_NOTES:
        details.append("console note %s" % cell(result["note"]))
    return details


def table(headers: List[str], rows: List[List[str]], right: Iterable[int] = ()) -> str:
    """A Markdown table of cells already shown (cell()); the columns in right aligned to the right."""
    rule = ["---:" if column in right else "---" for column in range(len(headers))]
    return "\n".join("| %s |" % " | ".join(row) for row in [headers, rule] + rows)


def cell(value: Any) -> str:
    """A value in the Markdown report (a table cell, the heading, the summary line), shown escaped."""
    return shown(value, markdown=True, limit=CELL_LENGTH)
