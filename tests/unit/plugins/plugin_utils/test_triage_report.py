# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage report: every planned alert exactly once, its outcome taken from the registered loop
results of sas_alert_handle (or why it was not sent), and the counts per outcome, action and rule."""

from __future__ import annotations

import pytest
from triage_samples import CONTAINER, LOGON, NOW_MS, POLICY, REVERSE_SHELL, WEBSHELL, make_alert

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import plan_triage
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import build_report


def make_plan():
    alerts = [
        make_alert(1, LOGON),  # block-logons
        make_alert(2, LOGON, host="web-prod-02"),  # block-logons
        make_alert(3, LOGON, host="jump-01"),  # leave-jump-hosts (none)
        make_alert(4, WEBSHELL),  # quarantine-webshells
        make_alert(5, CONTAINER, level="remind"),  # ignore-reminders
        make_alert(6, REVERSE_SHELL, level="serious"),  # unmatched -> kill_process
        make_alert(7, LOGON, host="web-prod-03"),  # block-logons
    ]
    return plan_triage(alerts, check_policy(POLICY, now_ms=NOW_MS))


def group(plan, action):
    return next(item for item in plan["groups"] if item["action"] == action)


def result(alert_id, outcome, **fields):
    """One entry of sas_alert_handle's `results`."""
    entry = {"id": alert_id, "outcome": outcome, "operation": "x", "task_id": None, "error_code": None,
             "status_before": "pending", "status_after": "pending", "reason": None, "hint": None}
    entry.update(fields)
    return entry


def call(item, results, failed=False, **fields):
    """One registered loop result of the handling task."""
    entry = {"item": item, "changed": bool(results), "failed": failed, "results": results}
    entry.update(fields)
    return entry


def report_of(plan, handled, **context):
    return build_report(plan, handled, context)


def outcomes(report):
    return {alert["id"]: alert["outcome"] for alert in report["alerts"]}


def handled_all(plan):
    return [
        call(group(plan, "block_ip"), [
            result(1, "handled", task_id=9001, status_after="handled"),
            result(2, "failed", error_code="BlockIp.AgentOffline", reason="agent offline", hint="start the agent"),
            result(7, "timed_out", task_id=9001, reason="task still running"),
        ]),
        call(group(plan, "quara"), [result(4, "already_handled", status_before="handled", status_after="handled")]),
        call(group(plan, "ignore"), [result(5, "handled", status_after="ignored")]),
    ]


def test_every_planned_alert_is_in_the_report_exactly_once():
    plan = make_plan()
    report = report_of(plan, handled_all(plan))
    assert [alert["id"] for alert in report["alerts"]] == [1, 2, 3, 4, 5, 6, 7]
    assert report["summary"]["alerts"] == 7


def test_outcomes_come_from_the_module_results():
    plan = make_plan()
    report = report_of(plan, handled_all(plan))
    assert outcomes(report) == {1: "handled", 2: "failed", 3: "excluded", 4: "already_handled", 5: "handled",
                                6: "unmatched", 7: "timed_out"}
    alerts = {alert["id"]: alert for alert in report["alerts"]}
    assert alerts[1]["task_id"] == 9001
    assert alerts[1]["status_after"] == "handled"
    assert alerts[2]["error_code"] == "BlockIp.AgentOffline"
    assert alerts[2]["reason"] == "agent offline"
    assert alerts[2]["hint"] == "start the agent"
    assert alerts[4]["status_before"] == "handled"
    assert alerts[5]["status_after"] == "ignored"
    assert alerts[1]["rule"] == "block-logons" and alerts[1]["action"] == "block_ip"
    assert alerts[1]["params"] == {"block_duration": "7d"}
    assert alerts[1]["host"]["instance_name"] == "web-prod-01"


def test_unmatched_and_excluded_alerts_say_why():
    plan = make_plan()
    alerts = {alert["id"]: alert for alert in report_of(plan, handled_all(plan))["alerts"]}
    assert alerts[6]["outcome"] == "unmatched"
    assert "kill_process" in alerts[6]["reason"]
    assert alerts[6]["recommended"]["action"] == "kill_process"
    assert alerts[3]["outcome"] == "excluded"
    assert "leave-jump-hosts" in alerts[3]["reason"]


def test_a_skipped_loop_item_is_not_run_with_the_stop_reason():
    plan = make_plan()
    handled = [{"item": item, "skipped": True, "skip_reason": "Conditional result was False", "changed": False}
               for item in plan["groups"]]
    report = report_of(plan, handled, stopped="not confirmed")
    assert outcomes(report) == {1: "not_run", 2: "not_run", 3: "excluded", 4: "not_run", 5: "not_run",
                                6: "unmatched", 7: "not_run"}
    reasons = {alert["reason"] for alert in report["alerts"] if alert["outcome"] == "not_run"}
    assert len(reasons) == 1 and "not confirmed" in reasons.pop()
    assert report["stopped"] == "not confirmed"
    assert report["summary"]["by_outcome"]["not_run"] == 5
    assert report["summary"]["needs_attention"] == 0


def test_a_skipped_loop_item_without_a_stop_reason_is_still_not_run():
    plan = make_plan()
    handled = [{"item": item, "skipped": True, "changed": False} for item in plan["groups"]]
    report = report_of(plan, handled)
    assert outcomes(report)[1] == "not_run"
    assert outcomes(report)[4] == "not_run"


def test_nothing_handled_because_the_run_stopped():
    plan = make_plan()
    report = report_of(plan, None, stopped="over the cap of 2 destructive alerts")
    assert [alert["outcome"] for alert in report["alerts"]] == [
        "not_run", "not_run", "excluded", "not_run", "not_run", "unmatched", "not_run"]
    assert "over the cap" in report["alerts"][0]["reason"]


def test_a_failed_call_without_results_is_an_error_for_each_of_its_alerts():
    plan = make_plan()
    failed = {"item": group(plan, "block_ip"), "failed": True, "changed": False,
              "msg": "HandleSecurityEvents failed: NoPermission: you are not authorized",
              "error": {"code": "NoPermission", "message": "you are not authorized"}}
    handled = [failed] + handled_all(plan)[1:]
    report = report_of(plan, handled)
    alerts = {alert["id"]: alert for alert in report["alerts"]}
    for alert_id in (1, 2, 7):
        assert alerts[alert_id]["outcome"] == "error"
        assert alerts[alert_id]["error_code"] == "NoPermission"
        assert "you are not authorized" in alerts[alert_id]["reason"]
    assert alerts[4]["outcome"] == "already_handled"
    assert alerts[5]["outcome"] == "handled"
    assert report["summary"]["by_outcome"]["error"] == 3
    assert report["summary"]["needs_attention"] == 3


def test_summary_lists_every_outcome_and_what_needs_attention():
    plan = make_plan()
    summary = report_of(plan, handled_all(plan))["summary"]
    expected = {outcome: 0 for outcome in OUTCOMES + ("unmatched", "excluded", "not_run", "error")}
    expected.update(handled=2, failed=1, timed_out=1, already_handled=1, excluded=1, unmatched=1)
    assert summary["by_outcome"] == expected
    assert summary["needs_attention"] == 2  # failed + timed_out + error
    assert summary["by_action"]["block_ip"] == {"handled": 1, "failed": 1, "timed_out": 1}
    assert summary["by_action"]["quara"] == {"already_handled": 1}
    assert summary["by_action"]["ignore"] == {"handled": 1}
    assert summary["by_rule"] == {"block-logons": {"handled": 1, "failed": 1, "timed_out": 1},
                                  "leave-jump-hosts": {"excluded": 1},
                                  "quarantine-webshells": {"already_handled": 1},
                                  "ignore-reminders": {"handled": 1}}
    assert sum(summary["by_outcome"].values()) == summary["alerts"] == 7


@pytest.mark.parametrize("outcome", ["failed", "timed_out"])
def test_needs_attention_counts_failing_outcomes(outcome):
    plan = make_plan()
    handled = [call(group(plan, "quara"), [result(4, outcome)])]
    handled += [{"item": item, "skipped": True} for item in plan["groups"] if item["action"] != "quara"]
    summary = report_of(plan, handled, stopped="not confirmed")["summary"]
    assert summary["needs_attention"] == 1
    assert summary["by_outcome"][outcome] == 1


def test_check_mode_results_and_context():
    plan = make_plan()
    handled = [call(item, [result(alert_id, "would_handle") for alert_id in item["alert_ids"]])
               for item in plan["groups"]]
    report = report_of(plan, handled, check_mode=True, account="prod", started_at="2027-01-15T08:00:00Z",
                       finished_at="2027-01-15T08:01:00Z")
    assert report["check_mode"] is True
    assert report["account"] == "prod"
    assert (report["started_at"], report["finished_at"]) == ("2027-01-15T08:00:00Z", "2027-01-15T08:01:00Z")
    assert report["summary"]["by_outcome"]["would_handle"] == 5
    assert report["summary"]["by_outcome"]["handled"] == 0
    assert report["summary"]["needs_attention"] == 0
