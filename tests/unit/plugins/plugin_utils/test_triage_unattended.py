# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What lets a triage run unattended: alerts whose last operation failed a short while ago are deferred, a rule's
fallback runs for the alerts its action failed on with a code it names, and the report names both actions."""

from __future__ import annotations

import pytest
from triage_samples import MINER, NOW_MS, make_alert

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import MAX_REMARK_LENGTH
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import (
    DEFERRED,
    console_note,
    fallback_groups,
    plan_triage,
)
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy, fallback_applies
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import build_report, render_markdown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_settings import check_settings

HOUR_MS = 3600 * 1000
KILL = {"sub_operation": "killAndQuaraFileByMd5andPath"}
MALWARE_RULE = {"name": "malware", "match": {"alarm_event_type": MINER[0]}, "action": "kill_and_quara",
                "params": KILL, "fallback": {"action": "virus_quara_bin", "on": ["ProcessNotExist"]}}
OTHER_RULE = {"name": "malware-too", "match": {"level": "remind"}, "action": "kill_and_quara", "params": KILL}
STARTED = "2027-01-15T08:00:00Z"


def plan(alerts, rules=(MALWARE_RULE,), retry=6 * 3600):
    return plan_triage(alerts, check_policy(list(rules), now_ms=NOW_MS), retry, now_ms=NOW_MS, started_at=STARTED)


def failed_at(alert_id, code, hours_ago, **extra):
    return make_alert(alert_id, MINER, operate_error_code=code, operate_time=NOW_MS - int(hours_ago * HOUR_MS),
                      **extra)


# --- deferral ------------------------------------------------------------------------------------------------

def test_an_alert_whose_last_operation_failed_recently_is_deferred_not_sent():
    the_plan = plan([failed_at(1, "kill_and_quara.AgentOffline", 2), failed_at(2, "kill_and_quara.AgentOffline", 7),
                     failed_at(3, "ignore.Success", 1), make_alert(4, MINER)])
    entries = {entry["id"]: entry for entry in the_plan["alerts"]}
    assert entries[1]["disposition"] == DEFERRED
    assert entries[1]["deferred"] == {"error_code": "kill_and_quara.AgentOffline", "failed_at": "2027-01-15T06:00:00Z",
                                      "retry_after": "2027-01-15T12:00:00Z"}
    # older than the window, a success, or no operation at all: sent
    assert [entries[alert_id]["disposition"] for alert_id in (2, 3, 4)] == ["handle"] * 3
    assert the_plan["groups"][0]["alert_ids"] == [2, 3, 4]
    assert the_plan["counts"]["to_handle"] == 3 and the_plan["counts"]["deferred"] == 1
    assert "Deferred, not sent: 1 alert whose last operation failed less than 6h ago" in "\n".join(the_plan["lines"])


def test_zero_retries_at_every_run_and_a_user_s_success_code_is_no_failure():
    alerts = [failed_at(1, "kill_and_quara.AgentOffline", 0.01), failed_at(2, "advance_mark_mis_info.User.Success", 0)]
    assert [entry["disposition"] for entry in plan(alerts, retry=0)["alerts"]] == ["handle", "handle"]
    assert [entry["disposition"] for entry in plan(alerts)["alerts"]] == [DEFERRED, "handle"]


def test_a_failed_alert_no_rule_handles_is_not_deferred():
    # deferral is about what the run would send: an unmatched alert stays unmatched
    entry = plan([failed_at(1, "block_ip.Failure", 1, level="remind")], rules=[dict(MALWARE_RULE, match={"id": 9})])
    assert entry["alerts"][0]["disposition"] == "unmatched"


@pytest.mark.parametrize("operate_time", [None, "soon", True, "1800000000000x"])
def test_an_unreadable_operate_time_is_never_deferred(operate_time):
    alert = make_alert(1, MINER, operate_error_code="kill_and_quara.AgentOffline", operate_time=operate_time)
    assert plan([alert])["alerts"][0]["disposition"] == "handle"


@pytest.mark.parametrize("value, seconds", [("6h", 21600), ("90m", 5400), ("1d", 86400), (0, 0), ("0", 0),
                                            (3600, 3600)])
def test_the_setting_takes_a_duration_or_seconds(tmp_path, value, seconds):
    checked = check_settings({"rules": [OTHER_RULE], "max_actions": 10, "report_dir": "r", "audit_log": "r/a",
                              "retry_failed_after": value}, cwd=str(tmp_path), now_ms=NOW_MS)
    assert checked["problems"] == [] and checked["retry_failed_after"] == seconds


@pytest.mark.parametrize("value", ["soon", -1, "6x", True, None, "-1h"])
def test_a_bad_setting_is_named_before_any_call(tmp_path, value):
    checked = check_settings({"rules": [OTHER_RULE], "max_actions": 10, "report_dir": "r", "audit_log": "r/a",
                              "retry_failed_after": value}, cwd=str(tmp_path), now_ms=NOW_MS)
    assert checked["problems"] == ["sas_triage_retry_failed_after must be a duration such as 6h, 90m or 1d, or 0 to "
                                   "send an alert whose last operation failed again at every run; got %r." % (value,)]


# --- fallback --------------------------------------------------------------------------------------------------

def result(alert_id, outcome, error_code=None, **fields):
    entry = {"id": alert_id, "outcome": outcome, "error_code": error_code, "reason": None, "hint": None,
             "task_id": 7, "status_before": "pending", "status_after": "pending"}
    entry.update(fields)
    return entry


def test_the_fallback_takes_only_the_alerts_that_failed_with_a_code_it_names():
    the_plan = plan([make_alert(alert_id, MINER) for alert_id in (1, 2, 3, 4)] + [make_alert(5, MINER, level="remind")],
                    rules=[MALWARE_RULE | {"match": {"alarm_event_type": MINER[0], "level": "suspicious"}}, OTHER_RULE])
    handled = [{"item": the_plan["groups"][0], "results": [
        result(1, "failed", "kill_and_quara.ProcessNotExist"),
        result(2, "failed", "kill_and_quara.AgentOffline"),
        result(3, "handled", "kill_and_quara.Success"),
        result(4, "timed_out", "kill_and_quara.ProcessNotExist"),
        result(5, "failed", "kill_and_quara.ProcessNotExist"),  # its rule has no fallback
    ]}]
    groups = fallback_groups(the_plan, handled)
    assert len(groups) == 1
    group = groups[0]
    assert (group["action"], group["params"], group["alert_ids"], group["rules"], group["fallback_of"]) == \
        ("virus_quara_bin", {}, [1], ["malware"], ["kill_and_quara"])
    assert group["destructive"] and group["remark"] == "alibabacloud.sas triage: malware"
    assert group["note"] == ("alibabacloud.sas %s triage run of %s: rule malware, action virus_quara_bin, the fallback "
                             "after kill_and_quara failed" % (COLLECTION_VERSION, STARTED))
    assert fallback_groups(the_plan, None) == [] and fallback_groups(the_plan, [{"skipped": True}]) == []


@pytest.mark.parametrize("code, applies", [("kill_and_quara.ProcessNotExist", True), ("ProcessNotExist", True),
                                           ("kill_and_quara.AgentOffline", False), (None, False),
                                           ("kill_and_quara.ProcessNotExisting", False)])
def test_a_code_in_on_names_the_result_or_the_whole_code(code, applies):
    assert fallback_applies({"on": ["ProcessNotExist"]}, code) is applies
    assert fallback_applies({"on": ["kill_and_quara.AgentOffline"]}, "kill_and_quara.AgentOffline")


def test_the_report_names_both_actions_and_the_fallback_s_outcome_decides():
    the_plan = plan([make_alert(1, MINER), make_alert(2, MINER), failed_at(3, "kill_and_quara.AgentOffline", 1)])
    first = [{"item": the_plan["groups"][0], "results": [result(1, "failed", "kill_and_quara.ProcessNotExist"),
                                                         result(2, "handled", "kill_and_quara.Success")]}]
    second = [{"item": fallback_groups(the_plan, first)[0],
               "results": [result(1, "handled", "virus_quara_bin.Success", status_after="handled", note="refused")]}]
    report = build_report(the_plan, first, {"account": "prod"}, second)
    entries = {entry["id"]: entry for entry in report["alerts"]}
    assert entries[1]["outcome"] == "handled" and entries[1]["action"] == "kill_and_quara"
    assert entries[1]["error_code"] == "virus_quara_bin.Success"
    assert entries[1]["fallback"]["action"] == "virus_quara_bin"
    assert entries[1]["fallback"]["after"]["outcome"] == "failed"
    assert entries[1]["fallback"]["after"]["error_code"] == "kill_and_quara.ProcessNotExist"
    assert entries[2]["fallback"] is None
    assert entries[3]["outcome"] == DEFERRED and entries[3]["error_code"] == "kill_and_quara.AgentOffline"
    assert entries[3]["retry_after"] == "2027-01-15T13:00:00Z" and "agent" in entries[3]["hint"]
    assert report["summary"]["by_outcome"]["deferred"] == 1 and report["summary"]["needs_attention"] == 0
    markdown = render_markdown(report)
    assert "| malware: kill\\_and\\_quara, then virus\\_quara\\_bin | kill\\_and\\_quara: " in markdown
    assert "## deferred (1)" in markdown
    assert entries[1]["note"] == "refused" and "console note refused" in markdown
    assert "3 alerts listed." in markdown


def test_one_alert_reads_as_one():
    report = build_report(plan([make_alert(1, MINER)]), [], {"account": "prod", "stopped": "not confirmed"})
    assert "1 alert listed." in render_markdown(report)


def test_a_note_names_the_rules_within_the_service_s_limit():
    names = ["rule-%03d-%s" % (index, "x" * 40) for index in range(30)]
    note = console_note(names, "block_ip", STARTED)
    assert len(note) <= MAX_REMARK_LENGTH and note.endswith(", action block_ip")
    assert " more rules" in note and note.startswith("alibabacloud.sas %s triage run of %s: rule rule-000-"
                                                     % (COLLECTION_VERSION, STARTED))
