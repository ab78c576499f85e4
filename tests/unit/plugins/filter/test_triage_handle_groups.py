# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 19: the triage handles all its groups in one sas_alert_handle call (groups), and the report joins the
results of that call - and of the fallback's - as it joined those of a loop over the groups."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from triage_samples import MINER, NOW_MS, make_alert

from ansible_collections.alibabacloud.sas.plugins.filter.triage_handle_groups import triage_handle_groups
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import fallback_groups, plan_triage
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import build_report

STARTED = "2027-01-15T08:00:00Z"
RULES = [
    {"name": "malware", "match": {"alarm_event_type": MINER[0], "level": "suspicious"}, "action": "kill_and_quara",
     "params": {"sub_operation": "killAndQuaraFileByMd5andPath"},
     "fallback": {"action": "virus_quara_bin", "on": ["ProcessNotExist"]}},
    {"name": "reminders", "match": {"level": "remind"}, "action": "block_ip", "params": {"block_duration": "1d"}},
]


def the_plan():
    alerts = [make_alert(1, MINER), make_alert(2, MINER), make_alert(3, MINER, level="remind")]
    return plan_triage(alerts, check_policy(RULES, now_ms=NOW_MS), now_ms=NOW_MS, started_at=STARTED)


def result(alert_id, outcome, operation, error_code=None, **fields):
    entry = {"id": alert_id, "outcome": outcome, "operation": operation, "task_id": 7, "error_code": error_code,
             "status_before": "pending", "status_after": "pending", "reason": None, "hint": None, "note": None}
    entry.update(fields)
    return entry


def test_each_group_becomes_an_entry_of_the_groups_option():
    plan = the_plan()
    groups = triage_handle_groups(plan["groups"])
    kill, block = plan["groups"]
    assert groups == [
        {"operation": "kill_and_quara", "alert_ids": [1, 2], "sub_operation": "killAndQuaraFileByMd5andPath",
         "remark": kill["remark"], "note": kill["note"], "audit_context": {"rules": ["malware"], "fallback_of": []}},
        {"operation": "block_ip", "alert_ids": [3], "block_duration": "1d", "remark": block["remark"],
         "note": block["note"], "audit_context": {"rules": ["reminders"], "fallback_of": []}},
    ]
    assert [group["note"] for group in triage_handle_groups(plan["groups"], notes=False)] == [None, None]
    fallback = fallback_groups(plan, [{"results": [result(1, "failed", "kill_and_quara",
                                                          "kill_and_quara.ProcessNotExist")]}])
    assert triage_handle_groups(fallback)[0]["audit_context"] == {"rules": ["malware"],
                                                                  "fallback_of": ["kill_and_quara"]}


@pytest.mark.parametrize("not_groups", [None, {"groups": []}, [{"operation": "ignore"}]])
def test_what_is_not_a_plan_s_groups_is_refused(not_groups):
    with pytest.raises(AnsibleFilterError, match="takes the groups of a plan"):
        triage_handle_groups(not_groups)


def test_the_report_joins_one_call_for_every_group_and_one_for_the_fallbacks():
    plan = the_plan()
    handled = {"changed": True, "failed": False, "results": [
        result(1, "failed", "kill_and_quara", "kill_and_quara.ProcessNotExist"),
        result(2, "handled", "kill_and_quara", "kill_and_quara.Success"),
        result(3, "timed_out", "block_ip", reason="no final status")]}
    fallback = {"changed": True, "failed": False, "results": [
        result(1, "handled", "virus_quara_bin", "virus_quara_bin.Success", status_after="handled")]}
    report = build_report(plan, handled, {"account": "prod"}, fallback)
    entries = {entry["id"]: entry for entry in report["alerts"]}
    assert {alert_id: entry["outcome"] for alert_id, entry in entries.items()} == {
        1: "handled", 2: "handled", 3: "timed_out"}
    assert entries[1]["fallback"]["after"]["error_code"] == "kill_and_quara.ProcessNotExist"
    assert entries[1]["error_code"] == "virus_quara_bin.Success" and entries[2]["fallback"] is None
    assert report["summary"]["needs_attention"] == 1


def test_a_call_that_failed_before_any_alert_had_an_outcome_is_an_error_for_each_of_its_alerts():
    plan = the_plan()
    failed = {"failed": True, "msg": "groups[1] (operation=block_ip): block_duration='1x' is not a duration"}
    report = build_report(plan, failed, {"account": "prod"}, {"skipped": True})
    entries = {entry["id"]: entry for entry in report["alerts"]}
    assert {entry["outcome"] for entry in entries.values()} == {"error"}
    assert entries[3]["reason"] == ("sas_alert_handle failed before handling it: groups[1] (operation=block_ip): "
                                    "block_duration='1x' is not a duration")


def test_a_skipped_call_leaves_its_alerts_not_run():
    report = build_report(the_plan(), {"skipped": True}, {"account": "prod", "stopped": "not confirmed"}, None)
    assert {entry["outcome"] for entry in report["alerts"]} == {"not_run"}
