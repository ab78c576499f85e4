# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9, items 7 and 8: whitelisting without new rules, and kill_and_quara's subOperation taken from
what the service suggests for each alert; issue 17, points 2 and 4: the default subOperation where the service
suggests none, and never an empty rule list. Planned by handling.plan_operation and sent to the emulator."""

from __future__ import annotations

import json

import pytest
from emulated_sas import FALSE_POSITIVE, HANDLED, sent_ids

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import (
    NO_RULE_TO_SEND,
    Handler,
    HandleRequest,
    plan_operation,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import (
    lookup_operations,
    operation_result,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import build_operation_params
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import existing_rules


def offer(code, params):
    """One DescribeSecurityEventOperations entry as the SDK maps it."""
    return operation_result({"OperationCode": code, "UserCanOperate": True, "OperationParams": json.dumps(params)})


def run(sas, operation, alert_ids, **options):
    params = build_operation_params(operation, None, None, None, options.pop("sub_operation", None), 0)
    handler = Handler(sas.connection, HandleRequest(operation, alert_ids, params, poll_interval=0.01, **options),
                      sleep=lambda seconds: None)
    return handler, handler.run(False)


def test_sub_operation_left_out_takes_the_one_the_service_suggests():
    plan = plan_operation([offer("kill_and_quara", {"subOperation": "killByMd5andPath"})], "kill_and_quara", None, {})
    assert plan.params == {"subOperation": "killByMd5andPath"} and plan.warning is None
    # a suggestion this collection does not know is not sent, nor replaced: the alert needs a choice
    plan = plan_operation([offer("kill_and_quara", {"subOperation": "zapEverything"})], "kill_and_quara", None, {})
    assert plan.unsupported == ("the service suggests a subOperation for kill_and_quara on this alert that this "
                                "collection does not know: give sub_operation")


@pytest.mark.parametrize("offered_params", [{}, {"subOperation": ""}, "not json"])
def test_without_a_suggestion_the_default_sub_operation_is_sent_with_a_warning_that_names_it(offered_params):
    # issue 17, point 2: no document says the service always suggests one; without it every alert ended unsupported
    kill = plan_operation([operation_result({"OperationCode": "kill_and_quara", "UserCanOperate": True,
                                             "OperationParams": offered_params if isinstance(offered_params, str)
                                             else json.dumps(offered_params)})], "kill_and_quara", None, {})
    assert kill.unsupported is None and kill.params == {"subOperation": "killAndQuaraFileByMd5andPath"}
    assert kill.warning == ("the service suggests no subOperation for kill_and_quara on this alert; sent "
                            "killAndQuaraFileByMd5andPath, the default (give sub_operation to choose)")
    for code in ("virus_quara", "virus_quara_bin"):  # one value: nothing to choose, nothing to warn about
        plan = plan_operation([offer(code, {})], code, None, {})
        assert plan.params == {"subOperation": "quaraFileByMd5andPath"} and plan.warning is None


def test_a_sub_operation_other_than_the_suggested_one_is_sent_with_a_warning():
    plan = plan_operation([offer("kill_and_quara", {"subOperation": "killByMd5andPath"})], "kill_and_quara", None,
                          {"subOperation": "killAndQuaraFileByMd5andPath"})
    assert plan.params == {"subOperation": "killAndQuaraFileByMd5andPath"}
    assert plan.warning == ("sub_operation=killAndQuaraFileByMd5andPath is not the one the service suggests for this "
                            "alert (killByMd5andPath); sent as given")


@pytest.mark.parametrize("suggestion", ["yes", "no"])  # issue 17: no document says the service suggests one
@pytest.mark.parametrize("values", ["two", "six"])  # the sources list two or six subOperation values
def test_kill_and_quara_without_sub_operation_sends_each_alert_its_suggestion(start_sas, values, suggestion):
    sas = start_sas(kill_and_quara_sub_operations=values, suggested_sub_operation=suggestion)
    alert_ids = sas.pick(2, op="kill_and_quara", online=True)
    for alert_id in alert_ids:
        sas.patch_alert(alert_id, process_alive=True)
    suggested = {}
    for alert_id in alert_ids:  # what DescribeSecurityEventOperations suggests, read through the module's own call
        [entry] = [op for op in lookup_operations(sas.connection, [alert_id], 1)[alert_id]
                   if op["operation_code"] == "kill_and_quara"]
        suggested[alert_id] = entry["operation_params"].get("subOperation", "killAndQuaraFileByMd5andPath")
    sas.clear_requests()
    handler, report = run(sas, "kill_and_quara", alert_ids)
    assert [result["outcome"] for result in report.results] == ["handled", "handled"]
    for call in sas.writes():
        for alert_id in sent_ids(call):
            assert json.loads(call["params"]["OperationParams"]) == {"subOperation": suggested[alert_id]}
    assert sorted(alert for call in sas.writes() for alert in sent_ids(call)) == sorted(alert_ids)
    # without a suggestion, one warning names the default and every alert it was sent to
    assert handler.warnings == ([] if suggestion == "yes" else [
        "alerts %d, %d: the service suggests no subOperation for kill_and_quara on this alert; sent "
        "killAndQuaraFileByMd5andPath, the default (give sub_operation to choose)" % tuple(alert_ids)])


@pytest.mark.parametrize("suggestion", ["yes", "no"])
def test_virus_quara_without_sub_operation_sends_its_one_value_under_either_reading(start_sas, suggestion):
    sas = start_sas(suggested_sub_operation=suggestion)
    alert_ids = sas.pick(1, op="virus_quara", online=True)
    handler, report = run(sas, "virus_quara", alert_ids)
    assert [result["outcome"] for result in report.results] == ["handled"] and handler.warnings == []
    [call] = sas.writes()
    assert json.loads(call["params"]["OperationParams"]) == {"subOperation": "quaraFileByMd5andPath"}


def existing(sas, alert_id):
    """The alert's rules as the module reads them (MarkField of advance_mark_mis_info), in MarkMissParam form."""
    [entry] = [op for op in lookup_operations(sas.connection, [alert_id], 1)[alert_id]
               if op["operation_code"] == "advance_mark_mis_info"]
    return existing_rules(entry["mark_field"])


@pytest.mark.parametrize("mark_miss_param", ["required", "optional"])
def test_whitelisting_without_new_rules_sends_the_rules_the_alert_has_unchanged(start_sas, mark_miss_param):
    sas = start_sas(mark_miss_param=mark_miss_param)
    [alert_id] = sas.pick(op="advance_mark_mis_info", name="login_unusual_location")
    before = existing(sas, alert_id)
    sas.clear_requests()
    _handler, report = run(sas, "advance_mark_mis_info", [alert_id])
    assert report.results[0]["outcome"] == "handled"
    [call] = sas.writes()
    # MarkMissParam is sent under every reading (required or optional), holding exactly what the alert had
    assert json.loads(call["params"]["MarkMissParam"]) == before
    assert sas.status(alert_id) in (FALSE_POSITIVE, HANDLED)


def test_whitelisting_an_alert_without_rules_and_without_new_ones_plans_no_write():
    # issue 17, point 4: "[]" is refused under one reading and clears the rules under another
    plan = plan_operation([offer("advance_mark_mis_info", {})], "advance_mark_mis_info", None, {})
    assert plan.failure == NO_RULE_TO_SEND and plan.mark_rules is None
    assert "give whitelist_rules" in NO_RULE_TO_SEND


@pytest.mark.parametrize("mark_miss_param", ["required", "optional"])
@pytest.mark.parametrize("empty_mark_miss_param", ["refused", "clears"])
def test_an_alert_without_rules_ends_failed_unsent_while_one_with_rules_is_whitelisted(
        start_sas, mark_miss_param, empty_mark_miss_param):
    sas = start_sas(mark_miss_param=mark_miss_param, empty_mark_miss_param=empty_mark_miss_param)
    candidates = sas.pick(10, op="advance_mark_mis_info")
    with_rules = next(alert_id for alert_id in candidates if existing(sas, alert_id))
    without_rules = next(alert_id for alert_id in candidates if not existing(sas, alert_id))
    sas.clear_requests()
    _handler, report = run(sas, "advance_mark_mis_info", [without_rules, with_rules])
    none, some = report.results
    assert (none["outcome"], none["reason"], none["task_id"]) == ("failed", NO_RULE_TO_SEND, None)
    assert (none["status_before"], none["status_after"]) == ("pending", "pending")
    assert some["outcome"] == "handled" and report.failed
    [call] = sas.writes()  # never a MarkMissParam of no rule
    assert sent_ids(call) == [with_rules] and json.loads(call["params"]["MarkMissParam"])
    assert sas.status(without_rules) == 1 and existing(sas, without_rules) == []
