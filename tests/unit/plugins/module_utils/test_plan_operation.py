# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9, items 7 and 8: whitelisting without new rules, and kill_and_quara's subOperation taken from
what the service suggests for each alert; planned by handling.plan_operation and sent to the emulator."""

from __future__ import annotations

import json

import pytest
from emulated_sas import FALSE_POSITIVE, HANDLED, sent_ids

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import Handler, HandleRequest, plan_operation
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import build_operation_params
from ansible_collections.alibabacloud.sas.plugins.module_utils.operations import lookup_operations, operation_result
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import existing_rules, mark_miss_param


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
    # a suggestion this collection does not know is not sent: the alert cannot be handled without a choice
    plan = plan_operation([offer("kill_and_quara", {"subOperation": "zapEverything"})], "kill_and_quara", None, {})
    assert plan.unsupported == ("the service suggests no subOperation for kill_and_quara on this alert: "
                                "give sub_operation")


def test_a_sub_operation_other_than_the_suggested_one_is_sent_with_a_warning():
    plan = plan_operation([offer("kill_and_quara", {"subOperation": "killByMd5andPath"})], "kill_and_quara", None,
                          {"subOperation": "killAndQuaraFileByMd5andPath"})
    assert plan.params == {"subOperation": "killAndQuaraFileByMd5andPath"}
    assert plan.warning == ("sub_operation=killAndQuaraFileByMd5andPath is not the one the service suggests for this "
                            "alert (killByMd5andPath); sent as given")


@pytest.mark.parametrize("values", ["two", "six"])  # the sources list two or six subOperation values
def test_kill_and_quara_without_sub_operation_sends_each_alert_its_suggestion(start_sas, values):
    sas = start_sas(kill_and_quara_sub_operations=values)
    alert_ids = sas.pick(1, op="kill_and_quara", online=True, alive=True)
    suggested = {}
    for alert_id in alert_ids:  # what DescribeSecurityEventOperations suggests, read through the module's own call
        [entry] = [op for op in lookup_operations(sas.connection, [alert_id], 1)[alert_id]
                   if op["operation_code"] == "kill_and_quara"]
        suggested[alert_id] = entry["operation_params"]["subOperation"]
    sas.clear_requests()
    handler, report = run(sas, "kill_and_quara", alert_ids)
    assert [result["outcome"] for result in report.results] == ["handled"]
    for call in sas.writes():
        for alert_id in sent_ids(call):
            assert json.loads(call["params"]["OperationParams"]) == {"subOperation": suggested[alert_id]}
    assert sorted(alert for call in sas.writes() for alert in sent_ids(call)) == sorted(alert_ids)
    assert handler.warnings == []


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


def test_whitelisting_an_alert_without_rules_plans_an_empty_list_not_no_parameter():
    plan = plan_operation([offer("advance_mark_mis_info", {})], "advance_mark_mis_info", None, {})
    assert plan.mark_rules == [] and mark_miss_param(plan.mark_rules) == "[]"
