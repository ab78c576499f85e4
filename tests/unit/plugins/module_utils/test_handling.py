# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning, batching and the send/recover/wait flow, against the in-memory FakeSas."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
from fake_sas import FALSE_POSITIVE, IGNORED, PENDING, PROCESSING, FakeSas, operation

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import (
    AlertOutcome,
    Handler,
    HandleRequest,
    batches,
    may_have_acted,
    plan_by_status,
    plan_operation,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.operations import operation_result
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import check_rules


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def alerts(count, start=1, status=PENDING, ops=None, **extra):
    return {alert_id: dict({"status": status, "ops": ops or [operation("ignore"), operation("block_ip")]}, **extra)
            for alert_id in range(start, start + count)}


def run(service, check_mode=False, **request):
    request.setdefault("operation", "ignore")
    request.setdefault("operation_params", {})
    request.setdefault("poll_interval", 2.0)
    time = FakeTime()
    report = Handler(service, HandleRequest(**request), clock=time.clock, sleep=time.sleep).run(check_mode)
    return report, time


def outcomes(report):
    return {result["id"]: result["outcome"] for result in report.results}


# --- pure planning --------------------------------------------------------------------------

def test_plan_by_status():
    cases = [(None, False, "not_found"), (AlertState(1, PROCESSING), True, "already_handled"),
             (AlertState(1, IGNORED), False, "already_handled"), (AlertState(1, IGNORED), True, None),
             (AlertState(1, PENDING), False, None)]
    for state, force, expected in cases:
        alert = AlertOutcome(1)
        goes_on = plan_by_status(alert, state, force)
        assert alert.outcome == expected and goes_on == (expected is None)
    alert = AlertOutcome(1)
    plan_by_status(alert, AlertState(1, IGNORED), False)
    assert alert.reason == "its status is ignored, not pending: nothing sent (force acts on it anyway)"
    alert = AlertOutcome(1)
    plan_by_status(alert, AlertState(1, FALSE_POSITIVE), False, "rm_mark_mis_info")
    assert alert.reason == ("its status is false_positive, not pending: nothing sent (rm_mark_mis_info undoes "
                            "handling, so it needs force)")


def ops(*entries):
    return [operation_result(entry) for entry in entries]


def test_plan_operation_says_why_it_is_unsupported():
    assert plan_operation([], "ignore", None).unsupported == "the service offers no operation for this alert"
    assert plan_operation(ops(operation("quara"), operation("ignore")), "block_ip", None).unsupported == (
        "the service does not offer block_ip for this alert; it offers quara, ignore")
    assert "UserCanOperate is false" in plan_operation(ops(operation("quara", can=False)), "quara", None).unsupported
    plan = plan_operation(ops(operation("quara")), "quara", None)
    assert plan.unsupported is None and plan.mark_rules is None


def test_plan_operation_merges_whitelist_rules():
    offered = operation("advance_mark_mis_info", mark_field=[
        {"FiledName": "loginUser", "MarkMisType": "strEqual", "MarkMisValue": "deploy", "Uuid": "host-1"}],
        sources=[{"FiledName": "loginUser", "SupportedMisType": ["strEqual", "contains"]},
                 {"FiledName": "loginSourceIp", "SupportedMisType": ["strEqual", "inIpSegment"]}])
    rules = check_rules([{"field": "loginSourceIp", "operate": "inIpSegment", "value": "198.51.100.0/24",
                          "scope": "all"}])
    plan = plan_operation(ops(offered), "advance_mark_mis_info", rules)
    assert plan.mark_rules == [
        {"uuid": "part", "field": "loginUser", "operate": "strEqual", "fieldValue": "deploy"},
        {"uuid": "ALL", "field": "loginSourceIp", "operate": "inIpSegment", "fieldValue": "198.51.100.0/24"},
    ]
    bad = check_rules([{"field": "md5", "operate": "strEqual", "value": "x", "scope": "part"}])
    assert plan_operation(ops(offered), "advance_mark_mis_info", bad).rule_problems == [
        "field 'md5' is not one of its whitelist fields (loginSourceIp, loginUser)"]


def test_batches_of_at_most_twenty_per_distinct_parameters():
    sends = OrderedDict((alert_id, ("{}", None)) for alert_id in range(1, 46))
    assert [len(ids) for _key, ids in batches(sends)] == [20, 20, 5]
    sends[100] = ("{}", "[rules]")
    sends[101] = ("{}", None)
    keyed = batches(sends)
    assert [(key[1], len(ids)) for key, ids in keyed] == [(None, 20), (None, 20), (None, 6), ("[rules]", 1)]
    assert keyed[2][1][-1] == 101


@pytest.mark.parametrize("error, acted", [
    (SasApiError("H", errors.AMBIGUOUS, "reset"), True),
    (SasApiError("H", errors.BAD_RESPONSE, "html"), True),
    (SasApiError("H", errors.API, "boom", code="InternalError", http_status=500), True),
    (SasApiError("H", errors.API, "no", code="NoPermission", http_status=403), False),
    (SasApiError("H", errors.API, "slow", code="Throttling.User", http_status=400), False),
    (SasApiError("H", errors.NOT_SENT, "refused"), False),
])
def test_may_have_acted(error, acted):
    assert may_have_acted(error) is acted


# --- the whole flow ---------------------------------------------------------------------------

def test_hundred_pending_alerts_take_the_minimum_of_calls():
    service = FakeSas(alerts(100))
    report, _time = run(service, alert_ids=list(range(1, 101)))
    assert report.summary["handled"] == 100 and report.changed and not report.failed
    counts = {action: service.actions().count(action) for action in set(service.actions())}
    assert counts == {"DescribeSuspEvents": 1, "DescribeSecurityEventOperations": 100,
                      "HandleSecurityEvents": 5, "DescribeSecurityEventOperationStatus": 5}
    assert [len(params["security_event_ids"]) for params in service.writes()] == [20] * 5
    assert {result["status_after"] for result in report.results} == {"ignored"}
    assert report.results[0]["error_code"] == "ignore.Success" and report.results[0]["task_id"] == 100

    again, _time = run(service, alert_ids=list(range(1, 101)))
    assert again.summary["already_handled"] == 100 and not again.changed
    assert service.actions()[111:] == ["DescribeSuspEvents", "DescribeSuspEvents"]  # pending page, handled page


def test_mix_of_outcomes_and_duplicates():
    service = FakeSas({**alerts(2), **{
        3: {"status": IGNORED, "ops": []},
        4: {"status": PENDING, "ops": [operation("quara")]},
        5: {"status": PENDING, "ops": [operation("ignore", can=False)]},
        6: {"status": PENDING, "ops": [operation("ignore")], "result": "AgentOffline"},
    }})
    report, _time = run(service, alert_ids=[1, 2, 3, 4, 5, 6, 99, 1, 2])
    assert outcomes(report) == {1: "handled", 2: "handled", 3: "already_handled", 4: "unsupported",
                                5: "unsupported", 6: "failed", 99: "not_found"}
    assert [result["id"] for result in report.results] == [1, 2, 3, 4, 5, 6, 99]
    failed = report.results[5]
    assert failed["error_code"] == "ignore.AgentOffline" and "agent" in failed["hint"]
    assert failed["status_after"] == "pending"
    assert report.failed and report.changed
    assert report.failure_message() == ("1 of 7 alerts did not end handled: 1 failed (ignore.AgentOffline: 1); "
                                        "see results for each alert")
    assert service.writes()[0]["security_event_ids"] == ["1", "2", "6"]
    assert report.diff()["before"] == {"1": "pending", "2": "pending", "3": "ignored", "4": "pending",
                                       "5": "pending", "6": "pending", "99": None}


def test_check_mode_writes_nothing_and_predicts():
    service = FakeSas({**alerts(2), 3: {"status": IGNORED, "ops": []}})
    report, _time = run(service, check_mode=True, alert_ids=[1, 2, 3])
    assert outcomes(report) == {1: "would_handle", 2: "would_handle", 3: "already_handled"}
    assert service.writes() == [] and report.changed and report.task_ids == []
    assert report.results[0]["status_after"] == "ignored"


def test_wait_false_returns_task_ids_at_once():
    service = FakeSas(alerts(25))
    report, time = run(service, alert_ids=list(range(1, 26)), wait=False)
    assert report.summary["submitted"] == 25 and report.task_ids == [100, 101]
    assert "DescribeSecurityEventOperationStatus" not in service.actions() and time.slept == []


def test_a_stuck_task_times_out_with_its_task_id():
    service = FakeSas(alerts(3), polls_to_finish=10**6)
    report, time = run(service, alert_ids=[1, 2, 3], wait_timeout=5, poll_interval=2)
    assert outcomes(report) == {1: "timed_out", 2: "timed_out", 3: "timed_out"}
    assert report.results[0]["task_id"] == 100 and report.results[0]["status_after"] == "processing"
    assert time.slept == [2, 2, 1]  # the last poll lands on the deadline
    assert report.failure_message() == ("3 of 3 alerts did not end handled: 3 timed out (task 100); "
                                        "see results for each alert")


def test_a_lost_answer_is_not_sent_again_when_the_service_acted():
    service = FakeSas(alerts(3))
    service.lose_answer_after_commit()
    report, _time = run(service, alert_ids=[1, 2, 3])
    assert len(service.writes()) == 1  # the lost call only
    assert outcomes(report) == {1: "handled", 2: "handled", 3: "handled"}
    assert report.results[0]["task_id"] is None and report.task_ids == []
    polls = [params for action, params in service.log if action == "DescribeSecurityEventOperationStatus"]
    assert polls == [{"security_event_ids": ["1", "2", "3"]}]


def test_a_lost_answer_is_sent_again_only_for_alerts_still_pending():
    service = FakeSas(alerts(3))

    def half_done(params):  # alert 1 was handled, then the connection broke
        service.HandleSecurityEvents(params["operation_code"], ["1"], params["operation_params"])
        raise SasApiError("HandleSecurityEvents", errors.AMBIGUOUS, "Read timed out")

    service.faults.append(("HandleSecurityEvents", half_done))
    report, _time = run(service, alert_ids=[1, 2, 3])
    assert [params["security_event_ids"] for params in service.writes()] == [["1", "2", "3"], ["2", "3"]]
    assert outcomes(report) == {1: "handled", 2: "handled", 3: "handled"}
    assert [result["task_id"] for result in report.results] == [None, 101, 101]


def test_an_alert_gone_before_the_write_is_not_found_and_the_rest_are_sent():
    service = FakeSas(alerts(3))
    service.faults.append(("HandleSecurityEvents", lambda params: service.alerts.pop(2)))
    report, _time = run(service, alert_ids=[1, 2, 3])
    assert outcomes(report) == {1: "handled", 2: "not_found", 3: "handled"}
    assert [params["security_event_ids"] for params in service.writes()] == [["1", "2", "3"], ["1", "3"]]


def test_an_alert_gone_before_the_operations_lookup_is_found_among_handled():
    service = FakeSas(alerts(3))

    def handled_meanwhile(params):
        service.alerts[params["security_event_id"]]["status"] = IGNORED
        raise SasApiError("DescribeSecurityEventOperations", errors.API, "gone", code="SecurityEventNotExists",
                          http_status=400)

    service.faults.append(("DescribeSecurityEventOperations", handled_meanwhile))
    report, _time = run(service, alert_ids=[1, 2, 3])
    assert outcomes(report) == {1: "already_handled", 2: "handled", 3: "handled"}
    assert report.results[0]["status_after"] == "ignored"
    lookups = [params for action, params in service.log if action == "DescribeSuspEvents" and "id" in params]
    assert lookups[0]["id"] == 1 and lookups[0]["dealed"] == "Y"


@pytest.mark.parametrize("code, http_status, advice", [
    ("NoPermission", 403, "yundun-sas:HandleSecurityEvents"),
    ("SecurityEventNotExists", 400, "look among handled alerts"),
])
def test_a_refused_write_fails_its_alerts_with_the_code_and_the_hint_the_error_describes(code, http_status, advice):
    service = FakeSas(alerts(2))
    refusal = SasApiError("HandleSecurityEvents", errors.API, "refused", code=code, http_status=http_status)

    def refuse(params):
        raise refusal

    service.faults.append(("HandleSecurityEvents", refuse))
    report, _time = run(service, alert_ids=[1, 2])
    assert outcomes(report) == {1: "failed", 2: "failed"}
    result = report.results[0]
    assert result["error_code"] == code
    assert advice in result["hint"]
    assert result["reason"].endswith("; " + result["hint"])  # the reason quotes describe(): the same hint
    assert result["hint"] == refusal.hint
    assert len(service.writes()) == 1  # read again, nothing had changed: not sent again


def test_a_write_refused_because_one_alert_was_handled_meanwhile_sends_the_rest():
    service = FakeSas(alerts(3))

    def handled_by_someone_else(params):
        service.alerts[2]["status"] = IGNORED
        raise SasApiError("HandleSecurityEvents", errors.API, "not available", code="InvalidParam",
                          http_status=400)

    service.faults.append(("HandleSecurityEvents", handled_by_someone_else))
    report, _time = run(service, alert_ids=[1, 2, 3])
    assert outcomes(report) == {1: "handled", 2: "already_handled", 3: "handled"}
    assert [params["security_event_ids"] for params in service.writes()] == [["1", "2", "3"], ["1", "3"]]


def test_whitelist_rules_keep_existing_ones_and_bad_rules_send_nothing():
    offered = operation("advance_mark_mis_info", mark_field=[
        {"FiledName": "loginUser", "MarkMisType": "strEqual", "MarkMisValue": "deploy", "Uuid": "ALL"}],
        sources=[{"FiledName": "loginUser", "SupportedMisType": ["strEqual"]}])
    service = FakeSas(alerts(2, ops=[offered]))
    rules = check_rules([{"field": "loginUser", "operate": "strEqual", "value": "ops", "scope": "part"}])
    report, _time = run(service, alert_ids=[1, 2], operation="advance_mark_mis_info", whitelist_rules=rules)
    assert report.summary["handled"] == 2
    sent = service.writes()[0]
    assert json.loads(sent["mark_miss_param"]) == [
        {"uuid": "ALL", "field": "loginUser", "operate": "strEqual", "fieldValue": "deploy"},
        {"uuid": "part", "field": "loginUser", "operate": "strEqual", "fieldValue": "ops"}]
    assert sent["mark_batch"] == "false" and sent["operation_params"] == "{}"

    service = FakeSas(alerts(2, ops=[offered]))
    bad = check_rules([{"field": "loginSourceIp", "operate": "strEqual", "value": "x", "scope": "part"}])
    with pytest.raises(OptionError, match="whitelist_rules do not fit these alerts, nothing was sent: alert 1: "
                                          "field 'loginSourceIp' is not one of its whitelist fields"):
        run(service, alert_ids=[1, 2], operation="advance_mark_mis_info", whitelist_rules=bad)
    assert service.writes() == []


def test_force_lets_the_service_decide_on_dealt_alerts():
    service = FakeSas({1: {"status": FALSE_POSITIVE, "ops": [], "ops_when_dealt": [operation("rm_mark_mis_info")]},
                       2: {"status": IGNORED, "ops": [], "ops_when_dealt": []}})
    report, _time = run(service, alert_ids=[1, 2], operation="rm_mark_mis_info", force=True)
    assert outcomes(report) == {1: "handled", 2: "unsupported"}
    assert report.results[0]["status_after"] == "pending"
