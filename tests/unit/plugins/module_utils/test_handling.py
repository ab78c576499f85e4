# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning, batching and the send/recover/wait flow; the flow against the SAS emulator in process."""

from __future__ import annotations

import json
import threading
from time import time as wall_clock

import pytest
from emulated_sas import FALSE_POSITIVE, FAST_RETRIES, HANDLED, IGNORED, PENDING, PROCESSING, sent_ids

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    NEW,
    PLANNED,
    READ,
    SENT,
    Alert,
    end,
    move,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import AuditLog
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_plan import (
    Batcher,
    plan_by_status,
    plan_operation,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import HandleGroup, Handler, HandleRequest
from ansible_collections.alibabacloud.sas.plugins.module_utils.lost_answer import READ_FROM_ALERT
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import operation_result
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import status_name
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import LEFT_OUT_OF_TASK
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import check_rules

BLOCK_IP = {"expireTime": 4102444800000}  # 2100-01-01: always in the future
EXPIRED = 64


class FakeTime:
    """The Handler's clock and sleep; on_sleep runs once, at the first sleep (what happens meanwhile)."""

    def __init__(self, on_sleep=None):
        self.now = 1000.0
        self.slept = []
        self.on_sleep = on_sleep

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            on_sleep, self.on_sleep = self.on_sleep, None
            on_sleep()


def operation(code, can=True, params="{}", mark_field=(), sources=()):
    """One DescribeSecurityEventOperations entry as the SDK maps it, for the pure planning tests."""
    return {"OperationCode": code, "UserCanOperate": can, "OperationParams": params,
            "MarkField": list(mark_field), "MarkFieldsSource": list(sources)}


def run(sas, check_mode=False, on_sleep=None, shared_clock=False, run_alive=None, audit=None, **request):
    """Handle with a fake clock; with shared_clock the emulator's clock moves with it, so a queued or running
    task makes progress while the Handler waits. run_alive and audit go to the Handler."""
    request.setdefault("operation", "ignore")
    request.setdefault("operation_params", {})
    request.setdefault("poll_interval", 2.0)
    time = FakeTime(on_sleep)
    if shared_clock:
        start, epoch = time.now, wall_clock()
        sas.backend.clock = lambda: epoch + (time.now - start)
    report = Handler(sas.connection, HandleRequest(**request), clock=time.clock, sleep=time.sleep,
                     run_alive=run_alive, audit=audit).run(check_mode)
    return report, time


def outcomes(report):
    return {result["id"]: result["outcome"] for result in report.results}


def counts(actions):
    return {action: actions.count(action) for action in set(actions)}


def before_first_write(sas):
    """The requests made before the first HandleSecurityEvents: the reads of the plan."""
    actions = sas.actions()
    return sas.requests()[:actions.index("HandleSecurityEvents")]


def after_last(sas, action):
    """The actions of the requests made after the last call of action."""
    actions = sas.actions()
    return actions[len(actions) - actions[::-1].index(action):]


def result_elsewhere(sas, alert_id, error_code):
    """As if a handling task had just ended on the alert with error_code, leaving it pending: a newer
    OperateErrorCode and OperateTime (straight in the backend: no API call plays this)."""
    with sas.backend._lock:
        alert = sas.backend.alerts[alert_id]
        alert.operate_error_code, alert.operate_time_ms = error_code, sas.backend.now_ms()


def pick_offline(sas, op, exclude=()):
    """A pending alert that offers op, whose host's agent is then taken offline."""
    [alert_id] = sas.pick(op=op, online=True, exclude=exclude)
    sas.set_agent_online(sas.alert(alert_id)["host"]["uuid"], False)
    return alert_id


# --- pure planning --------------------------------------------------------------------------

def test_plan_by_status():
    cases = [(None, False, "not_found"), (AlertState(1, PROCESSING), True, "already_handled"),
             (AlertState(1, IGNORED), False, "already_handled"), (AlertState(1, IGNORED), True, None),
             (AlertState(1, PENDING), False, None),
             # issue 17, point 5: an expired alert is said to be expired, forced or not
             (AlertState(1, EXPIRED), False, "expired"), (AlertState(1, EXPIRED, can_be_deal_on_line=False), True,
                                                          "expired")]
    for state, force, expected in cases:
        ending = plan_by_status(state, force)
        assert (ending.outcome if ending else None) == expected
    assert plan_by_status(AlertState(1, IGNORED), False).reason == (
        "its status is ignored, not pending: nothing sent (force acts on it anyway)")
    assert plan_by_status(AlertState(1, EXPIRED), True).reason == (
        "it expired: the service offers no operation for an expired alert; nothing sent")


@pytest.mark.parametrize("status, force, expected", [
    (PENDING, False, "unsupported"), (IGNORED, False, "already_handled"), (FALSE_POSITIVE, True, None)])
def test_plan_by_status_settles_a_pending_alert_that_cannot_be_dealt_with_online(status, force, expected):
    # issue 17, point 9: "processed only when CanBeDealOnLine is true" [DOC]; for an alert no longer pending (an
    # undo, with force) what it means is undocumented: the service is asked
    ending = plan_by_status(AlertState(1, status, can_be_deal_on_line=False), force)
    assert (ending.outcome if ending else None) == expected
    if expected == "unsupported":
        assert ending.reason == ("the service does not let it be handled (CanBeDealOnLine is false): it offers no "
                                 "operation for it; nothing sent")


def ops(*entries):
    return [operation_result(entry) for entry in entries]


def test_plan_operation_says_why_it_is_unsupported():
    assert plan_operation([], "ignore", None).unsupported == "the service offers no operation for this alert"
    assert plan_operation(ops(operation("quara"), operation("ignore")), "block_ip", None).unsupported == (
        "the service does not offer block_ip for this alert; it allows quara, ignore")
    assert plan_operation(ops(operation("quara", can=False), operation("ignore")), "quara", None).unsupported == (
        "the service does not let you run quara on this alert (UserCanOperate is false: the Security Center edition "
        "or the alert does not allow it); it allows ignore")
    assert plan_operation(ops(operation("quara", can=False)), "ignore", None).unsupported == (
        "the service does not offer ignore for this alert; it allows no operation now")
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


GROUP = HandleGroup("ignore", [])


def planned(alert_id, key, group=GROUP):
    alert = Alert(alert_id, group)
    move(alert, READ)
    move(alert, PLANNED, send_key=key)
    return alert


def test_batches_of_at_most_twenty_per_group_and_parameters_as_soon_as_they_are_full():
    batcher = Batcher()
    full = [batcher.add(planned(alert_id, ("{}", None))) for alert_id in range(1, 46)]
    assert [len(batch.alerts) for batch in full if batch] == [20, 20]
    assert [index for index, batch in enumerate(full) if batch] == [19, 39]  # sent while the rest is planned
    other_group = HandleGroup("ignore", [])
    assert batcher.add(planned(100, ("{}", "[rules]"))) is None
    assert batcher.add(planned(101, ("{}", None))) is None
    assert batcher.add(planned(102, ("{}", None), other_group)) is None  # another group: another call
    rest = batcher.rest()
    assert [(batch.key[1], [alert.id for alert in batch.alerts]) for batch in rest] == [
        (None, [41, 42, 43, 44, 45, 101]), ("[rules]", [100]), (None, [102])]
    assert rest[2].group is other_group and batcher.rest() == []


def test_an_alert_moves_only_to_the_stages_that_follow_its_own():
    alert = Alert(1, GROUP)
    with pytest.raises(ValueError, match="alert 1 cannot go from new to sent"):
        move(alert, SENT, task_id=7)
    assert (alert.stage, alert.task_id) == (NEW, None)
    end(alert, "not_found", "gone")
    with pytest.raises(ValueError, match="from ended to ended"):
        end(alert, "handled")  # one outcome, for good
    with pytest.raises(ValueError, match="not an outcome"):
        end(Alert(2, GROUP), "done")
    assert alert.result()["outcome"] == "not_found" and alert.result()["operation"] == "ignore"


# --- the whole flow, against the emulator -----------------------------------------------------

def test_hundred_pending_alerts_take_the_minimum_of_calls(start_sas):
    sas = start_sas(alerts=200)
    alert_ids = sas.listing("N")[:100]
    report, _time = run(sas, alert_ids=alert_ids)
    assert report.summary["handled"] == 100 and report.changed and not report.failed
    # status_after is read after the wait: the pending page finds none of them, the handled page all of them
    assert counts(sas.actions()) == {"DescribeSuspEvents": 3, "DescribeSecurityEventOperations": 100,
                                     "HandleSecurityEvents": 5, "DescribeSecurityEventOperationStatus": 5}
    assert after_last(sas, "DescribeSecurityEventOperationStatus") == ["DescribeSuspEvents"] * 2
    writes = sas.writes()
    assert [sent_ids(write) for write in writes] == [alert_ids[start:start + 20] for start in range(0, 100, 20)]
    assert {write["params"]["OperationCode"] for write in writes} == {"ignore"}
    assert report.task_ids == [write["task_id"] for write in writes]
    polls = sas.calls("DescribeSecurityEventOperationStatus")
    assert sorted((int(poll["params"]["TaskId"]), tuple(sent_ids(poll))) for poll in polls) == sorted(
        (write["task_id"], tuple(sent_ids(write))) for write in writes)
    assert {result["status_after"] for result in report.results} == {"ignored"}
    assert report.results[0]["error_code"] == "ignore.Success" and report.results[0]["task_id"] == writes[0]["task_id"]
    assert {sas.status(alert_id) for alert_id in alert_ids} == {IGNORED}

    calls_before = len(sas.requests())
    again, _time = run(sas, alert_ids=alert_ids)
    assert again.summary["already_handled"] == 100 and not again.changed
    # the pending page finds none of them, the handled page (newest handled first) all of them
    assert [(record["action"], record["params"].get("Dealed")) for record in sas.requests()[calls_before:]] == [
        ("DescribeSuspEvents", "N"), ("DescribeSuspEvents", "Y")]


def test_mix_of_outcomes_and_duplicates(sas):
    offline = sas.pick(op="block_ip", online=True)[0]
    sas.set_agent_online(sas.alert(offline)["host"]["uuid"], False)
    first, second = sas.pick(2, op="block_ip", online=True)
    ignored = sas.pick(status=IGNORED)[0]
    no_block = sas.pick(lacks="block_ip")[0]
    restricted = sas.pick(op="block_ip", allowed=False)[0]
    unknown = sas.unknown_id()
    asked = [first, second, ignored, no_block, restricted, offline, unknown]
    report, _time = run(sas, alert_ids=asked + [first, second], operation="block_ip", operation_params=BLOCK_IP)
    assert outcomes(report) == {first: "handled", second: "handled", ignored: "already_handled",
                                no_block: "unsupported", restricted: "unsupported", offline: "failed",
                                unknown: "not_found"}
    assert [result["id"] for result in report.results] == asked
    by_id = {result["id"]: result for result in report.results}
    assert "does not offer block_ip" in by_id[no_block]["reason"]
    assert "UserCanOperate is false" in by_id[restricted]["reason"]
    for unsupported in (no_block, restricted):  # what it does allow, as a value and in its reason
        allowed = by_id[unsupported]["allowed_operations"]
        assert allowed and "block_ip" not in allowed
        assert by_id[unsupported]["reason"].endswith("it allows " + ", ".join(allowed))
    assert "block_ip" in by_id[first]["allowed_operations"]
    assert by_id[ignored]["allowed_operations"] is None and by_id[unknown]["allowed_operations"] is None
    failed = by_id[offline]
    assert failed["error_code"] == "block_ip.AgentOffline" and "agent" in failed["hint"]
    assert failed["status_after"] == "pending" and sas.status(offline) == PENDING
    assert by_id[first]["status_after"] == "handled" and sas.status(first) == HANDLED
    assert report.failed and report.changed
    assert report.failure_message() == ("1 of 7 alerts did not end handled: 1 failed (block_ip.AgentOffline: 1); "
                                        "see results for each alert")
    [write] = sas.writes()
    assert sent_ids(write) == [first, second, offline]
    assert write["params"]["OperationParams"] == '{"expireTime":4102444800000}'
    assert report.diff()["before"] == {str(first): "pending", str(second): "pending", str(ignored): "ignored",
                                       str(no_block): "pending", str(restricted): "pending", str(offline): "pending",
                                       str(unknown): None}


def test_check_mode_writes_nothing_and_predicts(sas):
    pending = sas.pick(2)
    ignored = sas.pick(status=IGNORED)[0]
    report, _time = run(sas, check_mode=True, alert_ids=pending + [ignored])
    assert outcomes(report) == {pending[0]: "would_handle", pending[1]: "would_handle", ignored: "already_handled"}
    assert sas.writes() == [] and report.changed and report.task_ids == []
    assert report.results[0]["status_after"] == "ignored" and sas.status(pending[0]) == PENDING


def test_wait_false_returns_task_ids_at_once(sas):
    alert_ids = sas.pick(21)
    report, time = run(sas, alert_ids=alert_ids, wait=False)
    assert report.summary["submitted"] == 21
    assert report.task_ids == [write["task_id"] for write in sas.writes()] and len(set(report.task_ids)) == 2
    assert {result["status_after"] for result in report.results} == {"processing"}
    assert "DescribeSecurityEventOperationStatus" not in sas.actions() and time.slept == []


def test_a_stuck_task_times_out_with_its_task_id(sas):
    sas.set_tasks_stuck()
    alert_ids = sas.pick(3)
    report, time = run(sas, alert_ids=alert_ids, wait_timeout=5, poll_interval=2)
    assert outcomes(report) == dict.fromkeys(alert_ids, "timed_out")
    [write] = sas.writes()
    assert report.results[0]["task_id"] == write["task_id"] and report.results[0]["status_after"] == "processing"
    # the first read soon after the write (a task may take 0.2 s), then the wait doubles up to poll_interval; the
    # last read lands on the deadline
    assert time.slept == [0.25, 0.5, 1.0, 2.0, 1.25]
    assert len(sas.calls("DescribeSecurityEventOperationStatus")) == 5
    assert report.failure_message() == ("3 of 3 alerts did not end handled: 3 timed out (task %d); "
                                        "see results for each alert" % write["task_id"])
    assert {sas.status(alert_id) for alert_id in alert_ids} == {PROCESSING}


@pytest.mark.parametrize("status_call", ["both_required", "either"])
@pytest.mark.parametrize("fault", [
    {"fault": "reset_after_commit"},
    {"fault": "timeout", "delay_ms": 2000},  # the answer comes after the client's read timeout
])
def test_a_lost_answer_is_not_sent_again_and_its_alerts_are_read_not_polled(start_sas, fault, status_call):
    sas = start_sas(read_timeout=0.5, status_call=status_call)
    alert_ids = sas.pick(3)
    sas.set_faults([dict(fault, action="HandleSecurityEvents")])
    report, time = run(sas, alert_ids=alert_ids)
    [write] = sas.writes()  # the lost call only
    assert write["fault"] == fault["fault"] and write["task_id"] is not None  # the service made a task
    assert outcomes(report) == dict.fromkeys(alert_ids, "handled")
    assert report.results[0]["task_id"] is None and report.task_ids == []
    assert (report.results[0]["reason"], report.results[0]["error_code"]) == (READ_FROM_ALERT, "ignore.Success")
    # no task id to ask the status API with (it may need TaskId with SecurityEventIds): the alerts are read
    assert sas.calls("DescribeSecurityEventOperationStatus") == []
    assert after_last(sas, "HandleSecurityEvents") and set(after_last(sas, "HandleSecurityEvents")) == {
        "DescribeSuspEvents"}
    assert time.slept[0] == 2.0  # waited before reading the alerts again
    assert {sas.status(alert_id) for alert_id in alert_ids} == {IGNORED}


def test_a_lost_answer_the_service_did_not_act_on_is_sent_again(sas):
    alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    report, _time = run(sas, alert_ids=alert_ids)
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids, alert_ids]
    assert sas.writes()[0]["task_id"] is None  # dropped before the service read it
    assert outcomes(report) == dict.fromkeys(alert_ids, "handled")
    assert report.task_ids == [sas.writes()[1]["task_id"]]


def test_a_lost_answer_is_sent_again_only_for_alerts_still_pending(sas):
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    # The connection broke, and meanwhile the first alert was handled (as if the lost call had got that far).
    report, _time = run(sas, alert_ids=alert_ids, on_sleep=lambda: sas.handle_elsewhere("ignore", [first]))
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids, [second, third]]
    assert outcomes(report) == dict.fromkeys(alert_ids, "handled")
    resent = sas.writes()[1]["task_id"]
    assert [result["task_id"] for result in report.results] == [None, resent, resent]
    [poll] = sas.calls("DescribeSecurityEventOperationStatus")  # the first alert is read, not polled
    assert (poll["params"]["TaskId"], sent_ids(poll)) == (str(resent), [second, third])


def test_an_alert_gone_before_the_write_is_not_found_and_the_rest_are_sent(sas):
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "vanish"}])  # the call's first alert goes
    report, _time = run(sas, alert_ids=alert_ids)
    assert outcomes(report) == {first: "not_found", second: "handled", third: "handled"}
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids, [second, third]]
    assert sas.writes()[0]["error_code"] == "SecurityEventNotExists"
    assert report.results[0]["reason"] == "the alert disappeared before it was handled"


def test_an_alert_gone_before_the_operations_lookup_is_looked_up_among_handled(sas):
    alert_ids = sas.pick(3)
    sas.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "vanish"}])
    report, _time = run(sas, alert_ids=alert_ids)
    [gone] = [int(record["params"]["SecurityEventId"]) for record in sas.calls("DescribeSecurityEventOperations")
              if record["fault"] == "vanish"]
    assert outcomes(report) == {alert_id: "not_found" if alert_id == gone else "handled" for alert_id in alert_ids}
    assert {result["id"]: result["reason"] for result in report.results}[gone] == (
        "the alert disappeared before it was handled")
    lookups = [record["params"] for record in before_first_write(sas)
               if record["action"] == "DescribeSuspEvents" and "Id" in record["params"]]
    assert [(int(params["Id"]), params["Dealed"]) for params in lookups] == [(gone, "Y")]
    assert sorted(id_ for write in sas.writes() for id_ in sent_ids(write)) == sorted(set(alert_ids) - {gone})


class OperationsLookupRace:
    """The real connection, except that the first DescribeSecurityEventOperations finds its alert handled
    meanwhile and answers SecurityEventNotExists.

    A tiny stub on purpose: the emulator still lists a handled alert's operations (an empty list), so
    it never answers SecurityEventNotExists for an alert that exists; this is the one path (an alert
    the operations lookup no longer knows, found among handled alerts) that only a stub can play.
    """

    def __init__(self, sas):
        self.sas = sas
        self.raced = None

    def call(self, action, write=False, **params):
        if action == "DescribeSecurityEventOperations" and self.raced is None:
            self.raced = params["security_event_id"]
            self.sas.handle_elsewhere("ignore", [self.raced])
            raise SasApiError(action, errors.API, "gone", code="SecurityEventNotExists", http_status=400)
        return self.sas.connection.call(action, write=write, **params)

    def map(self, function, items, concurrency):
        return self.sas.connection.map(function, items, concurrency)


def test_an_alert_gone_before_the_operations_lookup_is_found_among_handled(sas):
    alert_ids = sas.pick(3)
    race = OperationsLookupRace(sas)
    report = Handler(race, HandleRequest("ignore", alert_ids, {}, concurrency=1), clock=FakeTime().clock,
                     sleep=FakeTime().sleep).run(False)
    raced = race.raced
    assert outcomes(report) == {alert_id: "already_handled" if alert_id == raced else "handled"
                                for alert_id in alert_ids}
    assert {result["id"]: result["status_after"] for result in report.results}[raced] == "ignored"
    lookups = [record["params"] for record in before_first_write(sas)
               if record["action"] == "DescribeSuspEvents" and "Id" in record["params"]]
    assert [(int(params["Id"]), params["Dealed"]) for params in lookups] == [(raced, "Y")]
    assert raced not in [id_ for write in sas.writes() for id_ in sent_ids(write)]


@pytest.mark.parametrize("fault, code, http_status, advice, writes", [
    ({"fault": "no_permission"}, "NoPermission", 403, "yundun-sas:HandleSecurityEvents", 1),
    # throttled on every try: the connection's own retries give up, the refusal stands
    ({"fault": "throttle", "times": 99}, "Throttling.User", 400, "API quota", FAST_RETRIES.max_attempts),
])
def test_a_refused_write_fails_its_alerts_with_the_code_and_the_hint_the_error_describes(
        sas, fault, code, http_status, advice, writes):
    alert_ids = sas.pick(2)
    sas.set_faults([dict(fault, action="HandleSecurityEvents")])
    report, _time = run(sas, alert_ids=alert_ids)
    assert outcomes(report) == dict.fromkeys(alert_ids, "failed")
    result = report.results[0]
    assert result["error_code"] == code
    assert advice in result["hint"]
    assert result["reason"].endswith("; " + result["hint"])  # the reason quotes describe(): the same hint
    assert "HTTP %d" % http_status in result["reason"]
    assert result["hint"] == SasApiError("HandleSecurityEvents", errors.API, "refused", code=code).hint
    # read again, nothing had changed: not sent again (the retries are the connection's, within one send)
    assert [write["error_code"] for write in sas.writes()] == [code] * writes
    actions = sas.actions()
    assert "DescribeSuspEvents" in actions[actions.index("HandleSecurityEvents"):]  # read again after the refusal
    assert {sas.status(alert_id) for alert_id in alert_ids} == {PENDING}


def test_a_write_refused_because_one_alert_was_handled_meanwhile_sends_the_rest(sas):
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "handled_elsewhere"}])  # the call's first alert
    report, _time = run(sas, alert_ids=alert_ids)
    assert outcomes(report) == {first: "already_handled", second: "handled", third: "handled"}
    assert report.results[0]["status_after"] == "handled"
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids, [second, third]]
    assert sas.writes()[0]["error_code"] == "InvalidParam"


def whitelist_pair(sas, name):
    """Two pending alerts of name that have the same existing whitelist rules (at least one)."""
    seen = {}
    for alert_id in sas.pick(19, op="advance_mark_mis_info")[:19]:
        view = sas.alert(alert_id)
        if view["name_key"] != name or not view["whitelist_rules"]:
            continue
        key = json.dumps([(rule["field"], rule["operate"], rule["value"], rule["uuid"] == "ALL")
                          for rule in view["whitelist_rules"]])
        if key in seen:
            return [seen[key], alert_id], view["whitelist_rules"]
        seen[key] = alert_id
    raise AssertionError("no two %s alerts with the same whitelist rules" % name)


def test_whitelist_rules_keep_existing_ones_and_bad_rules_send_nothing(sas):
    alert_ids, existing = whitelist_pair(sas, "login_unusual_location")
    rules = check_rules([{"field": "loginUser", "operate": "strEqual", "value": "ops", "scope": "part"}])
    kept = sas.kept_rules(alert_ids[0])
    report, _time = run(sas, alert_ids=alert_ids, operation="advance_mark_mis_info", whitelist_rules=rules)
    assert report.summary["handled"] == 2
    [sent] = sas.writes()
    assert json.loads(sent["params"]["MarkMissParam"]) == kept + [
        {"uuid": "part", "field": "loginUser", "operate": "strEqual", "fieldValue": "ops"}]
    assert sent["params"]["MarkBatch"] == "false" and sent["params"]["OperationParams"] == "{}"
    # MarkMissParam replaces the alert's rules: the existing ones survive because they were sent again
    after = sas.alert(alert_ids[0])
    assert after["status"] == FALSE_POSITIVE
    assert {(rule["field"], rule["operate"], rule["value"]) for rule in after["whitelist_rules"]} == {
        (rule["field"], rule["operate"], rule["value"]) for rule in existing} | {("loginUser", "strEqual", "ops")}

    sas.clear_requests()
    others = sas.pick(2, op="advance_mark_mis_info", name="brute_force_success")
    bad = check_rules([{"field": "md5", "operate": "strEqual", "value": "x", "scope": "part"}])
    with pytest.raises(OptionError) as refused:
        run(sas, alert_ids=others, operation="advance_mark_mis_info", whitelist_rules=bad)
    assert str(refused.value).startswith(
        "whitelist_rules do not fit these alerts, nothing was sent: alert %d: field 'md5' is not one of its "
        "whitelist fields (loginSourceIp, loginUser)" % others[0])
    assert sas.writes() == []


def test_force_lets_the_service_decide_on_dealt_alerts(sas):
    false_positive = sas.pick(status=FALSE_POSITIVE, op="rm_mark_mis_info")[0]
    ignored = sas.pick(status=IGNORED)[0]
    report, _time = run(sas, alert_ids=[false_positive, ignored], operation="rm_mark_mis_info", force=True)
    assert outcomes(report) == {false_positive: "handled", ignored: "unsupported"}
    assert report.results[0]["status_after"] == "pending" and sas.status(false_positive) == PENDING
    assert report.results[1]["reason"] == "the service offers no operation for this alert"
    assert [sent_ids(write) for write in sas.writes()] == [[false_positive]]


# --- where the public record disagrees: each test passes under every reading the emulator plays ----------

HOST_OPERATION_LOST = ("the answer to HandleSecurityEvents was lost and block_ip acts on the host, so it was not "
                       "sent again; no result within wait_timeout=10s: check the alert with sas_alert_info or in "
                       "the console")


@pytest.mark.parametrize("fault, online, queue_ms, outcome", [
    ("reset_after_commit", True, 0, "handled"),         # the task ran at once
    ("reset_after_commit", True, 5000, "handled"),      # queued 5 s (alerts still pending), then ran
    ("reset_after_commit", True, 60000, "timed_out"),   # still queued when wait_timeout ends
    ("reset_after_commit", False, 0, "failed"),         # ran and failed: pending again, with a newer code
    ("drop", True, 0, "timed_out"),                     # never reached the service: it cannot be told apart
])
def test_a_host_operation_whose_answer_was_lost_is_never_sent_again(start_sas, fault, online, queue_ms, outcome):
    sas = start_sas(queue_ms=queue_ms)
    alert_id = sas.pick(op="block_ip", online=True)[0] if online else pick_offline(sas, "block_ip")
    assert sas.alert(alert_id)["operate_error_code"] != "block_ip.AgentOffline"
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": fault}])
    report, _time = run(sas, alert_ids=[alert_id], operation="block_ip", operation_params=BLOCK_IP, wait_timeout=10,
                        shared_clock=True)
    assert len(sas.writes()) == 1
    [result] = report.results
    assert result["outcome"] == outcome and result["task_id"] is None
    assert result["status_after"] == status_name(sas.status(alert_id))
    if outcome == "timed_out":
        assert result["reason"] == HOST_OPERATION_LOST and result["status_after"] == "pending"
    if outcome == "failed":
        assert result["error_code"] == "block_ip.AgentOffline" and "offline" in result["hint"]
    assert sas.calls("DescribeSecurityEventOperationStatus") == []  # no task id: read, never polled


def test_an_alert_another_hand_handled_while_the_answer_was_lost_is_already_handled(start_sas):
    # issue 10: the write never arrived, and someone in the console handled the alert meanwhile: the new
    # result on it is manual_handled's, not block_ip's
    sas = start_sas()
    [alert_id] = sas.pick(op="block_ip", online=True)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop", "times": 1}])
    report, _time = run(sas, alert_ids=[alert_id], operation="block_ip", operation_params=BLOCK_IP,
                        wait_timeout=10, shared_clock=True,
                        on_sleep=lambda: result_elsewhere(sas, alert_id, "manual_handled.Success"))
    [result] = report.results
    assert result["outcome"] == "already_handled" and "manual_handled.Success" in result["reason"]
    assert len(sas.writes()) == 1


@pytest.mark.parametrize("queue_ms", [0, 5000])
def test_an_alert_only_operation_is_sent_again_only_to_alerts_that_show_no_newer_result(start_sas, queue_ms):
    sas = start_sas(queue_ms=queue_ms)
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    # Meanwhile the first alert shows a newer result: the lost call did reach the service, and failed for it.
    report, _time = run(sas, alert_ids=alert_ids, shared_clock=True,
                        on_sleep=lambda: result_elsewhere(sas, first, "ignore.Failure"))
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids, [second, third]]
    assert outcomes(report) == {first: "failed", second: "handled", third: "handled"}
    assert (report.results[0]["error_code"], report.results[0]["reason"]) == ("ignore.Failure", READ_FROM_ALERT)


@pytest.mark.parametrize("bad_id_in_batch", ["refuse", "drop"])
@pytest.mark.parametrize("fault, outcome", [  # what happens to the call's first alert just before it
    ("handled_elsewhere", "already_handled"), ("vanish", "not_found"), ("restricted", "unsupported")])
def test_an_alert_the_service_refuses_or_leaves_out_of_its_task_ends_the_same(
        start_sas, fault, outcome, bad_id_in_batch):
    sas = start_sas(bad_id_in_batch=bad_id_in_batch)
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": fault}])
    report, time = run(sas, alert_ids=alert_ids, wait_timeout=60)
    by_id = {result["id"]: result for result in report.results}
    assert [by_id[alert_id]["outcome"] for alert_id in alert_ids] == [outcome, "handled", "handled"]
    assert by_id[first]["error_code"] is None
    if bad_id_in_batch == "refuse":  # the whole call is refused: read again, the rest sent again
        assert [sent_ids(write) for write in sas.writes()] == [alert_ids, [second, third]]
        assert by_id[first]["task_id"] is None
    else:  # accepted without it: the final task does not hold it, and reading it tells why
        assert [sent_ids(write) for write in sas.writes()] == [alert_ids]
        assert by_id[first]["task_id"] == by_id[second]["task_id"] == sas.writes()[0]["task_id"]
        assert "left" in by_id[first]["reason"]
        if fault == "restricted":  # asked again: no longer allowed, so not a failure of the task
            assert by_id[first]["reason"].startswith(LEFT_OUT_OF_TASK + ": ")
    if fault == "restricted":
        assert "UserCanOperate is false" in by_id[first]["reason"] and by_id[first]["status_after"] == "pending"
    assert sum(time.slept) == 0.25  # one read, soon after the write, not wait_timeout


def test_a_refusal_that_no_alert_explains_stands_for_the_whole_batch(start_sas):
    sas = start_sas()
    alert_ids = sas.pick(2)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "no_permission"}])
    report, _time = run(sas, alert_ids=alert_ids)
    assert outcomes(report) == {alert_id: "failed" for alert_id in alert_ids}
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids]  # nothing changed: not sent again
    assert len(sas.calls("DescribeSecurityEventOperations")) == 4  # each alert asked before, and after the refusal
    assert {result["error_code"] for result in report.results} == {"NoPermission"}


@pytest.mark.parametrize("final_status, shown", [("table", "handled"), ("processing", "processing")])
def test_status_after_is_what_the_service_shows_and_predicted_only_in_check_mode(start_sas, final_status, shown):
    sas = start_sas(final_status=final_status)
    offline = pick_offline(sas, "block_ip")
    online = sas.pick(2, op="block_ip", online=True)
    asked = online + [offline]
    predicted, _time = run(sas, check_mode=True, alert_ids=asked, operation="block_ip", operation_params=BLOCK_IP)
    assert {result["status_after"] for result in predicted.results} == {"handled"}  # the table's prediction

    report, _time = run(sas, alert_ids=asked, operation="block_ip", operation_params=BLOCK_IP)
    assert outcomes(report) == {online[0]: "handled", online[1]: "handled", offline: "failed"}
    assert [result["status_after"] for result in report.results] == [shown, shown, "pending"]
    shown_now = [status_name(sas.status(alert_id)) for alert_id in asked]
    assert [result["status_after"] for result in report.results] == shown_now
    assert set(after_last(sas, "DescribeSecurityEventOperationStatus")) == {"DescribeSuspEvents"}


def test_status_after_stays_predicted_with_a_warning_when_it_cannot_be_read(sas):
    alert_ids = sas.pick(3)
    time = FakeTime(on_sleep=lambda: sas.set_faults([{"action": "DescribeSuspEvents", "fault": "no_permission"}]))
    handler = Handler(sas.connection, HandleRequest("ignore", alert_ids, {}), clock=time.clock, sleep=time.sleep)
    report = handler.run(False)
    assert outcomes(report) == dict.fromkeys(alert_ids, "handled") and not report.failed
    assert {result["status_after"] for result in report.results} == {"ignored"}
    [warning] = handler.warnings
    assert warning.startswith("status_after of alerts %s is predicted, not read: they could not be read again ("
                              % ", ".join(str(alert_id) for alert_id in alert_ids))
    assert "NoPermission" in warning


def test_without_wait_a_host_operation_whose_answer_was_lost_is_submitted_and_not_sent_again(sas):
    [alert_id] = sas.pick(op="block_ip", online=True)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    report, _time = run(sas, alert_ids=[alert_id], operation="block_ip", operation_params=BLOCK_IP, wait=False)
    assert len(sas.writes()) == 1
    [result] = report.results
    assert (result["outcome"], result["task_id"]) == ("submitted", None)
    assert result["reason"] == ("the answer to HandleSecurityEvents was lost and block_ip acts on the host, so it "
                                "was not sent again; wait is false, so the result is not known yet: check the "
                                "alert with sas_alert_info or in the console")


@pytest.mark.parametrize("fault", ["throttle", "unavailable"])
def test_an_alert_whose_operations_cannot_be_read_is_looked_up_again_after_the_others(start_sas, fault):
    # a burst of throttling that spends one lookup's retries: the alert is looked up once more, at the end
    sas = start_sas()
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "DescribeSecurityEventOperations", "fault": fault, "times": 4}])  # every attempt
    report, _time = run(sas, alert_ids=alert_ids, concurrency=1)
    assert outcomes(report) == {first: "handled", second: "handled", third: "handled"}
    lookups = [call["params"]["SecurityEventId"] for call in sas.calls("DescribeSecurityEventOperations")]
    assert lookups == [str(first)] * 4 + [str(second), str(third), str(first)]  # first again, after the others
    assert sorted(alert_id for write in sas.writes() for alert_id in sent_ids(write)) == sorted(alert_ids)


@pytest.mark.parametrize("fault", ["throttle", "unavailable"])
def test_an_alert_whose_operations_cannot_be_read_twice_fails_alone(start_sas, fault):
    # issue 10: among thousands of lookups on a bad night, one that exhausts its retries must not sink the rest
    sas = start_sas()
    first, second, third = alert_ids = sas.pick(3)
    refuse_every_attempt = [{"action": "DescribeSecurityEventOperations", "fault": fault, "times": 4}]
    sas.set_faults(refuse_every_attempt)
    # and again once the first pass is over (the lookup of the last alert has arrived): the second try fails too
    sas.on_request("DescribeSecurityEventOperations", lambda params: sas.set_faults(refuse_every_attempt)
                   if params["SecurityEventId"] == str(third) else None, times=2)
    report, _time = run(sas, alert_ids=alert_ids, concurrency=1)
    assert outcomes(report) == {first: "failed", second: "handled", third: "handled"}
    failed = report.results[0]
    assert failed["reason"].startswith("not sent: what the service allows for it could not be read, twice")
    assert failed["error_code"] in ("Throttling.User", "ServiceUnavailable") and failed["task_id"] is None
    assert [sent_ids(write) for write in sas.writes()] == [[second, third]]


def test_a_refusal_of_the_credentials_while_reading_operations_still_stops_everything(start_sas):
    sas = start_sas()
    sas.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "no_permission"}])
    with pytest.raises(SasApiError) as refused:
        run(sas, alert_ids=sas.pick(2))
    assert refused.value.code == "NoPermission" and sas.writes() == []


# --- a run killed while the module runs (run_watch) -------------------------------------------

def alive_for(checks):
    """A run_alive that says the run lives for the first checks answers, then that it was killed."""
    answers = iter([True] * checks)
    return lambda: next(answers, False)


def trail_of(tmp_path):
    return [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]


# The run is checked at the start, then before each batch of 20, then before the wait.
@pytest.mark.parametrize("alerts, checks_alive, sent", [
    (45, 2, 20),  # killed during the first of three batches: the other two are not sent
    (45, 1, 0),   # killed while the module read the alerts: nothing sent
    (5, 2, 5),    # killed during the last batch: all sent, none waited for
])
def test_a_killed_run_stops_before_its_next_batch_and_the_trail_says_where(
        start_sas, tmp_path, alerts, checks_alive, sent):
    sas = start_sas(alerts=100)
    alert_ids = sas.listing("N")[:alerts]
    audit = AuditLog(str(tmp_path / "audit.jsonl"))
    audit.open()
    report, time = run(sas, alert_ids=alert_ids, run_alive=alive_for(checks_alive), audit=audit)
    audit.close()
    assert [alert_id for write in sas.writes() for alert_id in sent_ids(write)] == alert_ids[:sent]
    # nobody waits for what was sent: no task status read, no sleep
    assert "DescribeSecurityEventOperationStatus" not in sas.actions() and time.slept == []
    results = {result["id"]: result for result in report.results}
    for alert_id in alert_ids[:sent]:
        assert results[alert_id]["outcome"] == "submitted" and results[alert_id]["task_id"] is not None
        assert "the run was killed" in results[alert_id]["reason"]
    for alert_id in alert_ids[sent:]:
        assert results[alert_id]["outcome"] == "failed" and results[alert_id]["task_id"] is None
        assert results[alert_id]["reason"].startswith("not sent: the run was killed")
    assert report.summary["submitted"] == sent and report.summary["failed"] == alerts - sent
    stops = [line for line in trail_of(tmp_path) if line["event"] == "handle_stopped"]
    assert [line["alert_ids"] for line in stops] == ([alert_ids[sent:]] if sent < alerts else [])
    assert all(line["operation"] == "ignore" and "the run was killed" in line["message"] for line in stops)


def test_a_module_started_after_its_run_was_killed_makes_no_call(sas, tmp_path):
    alert_ids = sas.pick(3)
    audit = AuditLog(str(tmp_path / "audit.jsonl"))
    audit.open()
    report, _time = run(sas, alert_ids=alert_ids, run_alive=alive_for(0), audit=audit)
    audit.close()
    assert sas.requests() == []
    assert outcomes(report) == dict.fromkeys(alert_ids, "failed")
    [stop] = trail_of(tmp_path)
    assert stop["event"] == "handle_stopped" and stop["alert_ids"] == alert_ids


def test_check_mode_does_not_ask_whether_the_run_lives(sas):
    alert_ids = sas.pick(2)
    report, _time = run(sas, check_mode=True, alert_ids=alert_ids, run_alive=alive_for(0))
    assert outcomes(report) == dict.fromkeys(alert_ids, "would_handle")


# --- issue 17, points 5 and 9: what the listing already says costs no operations lookup ---------------------

@pytest.mark.parametrize("force", [False, True])
def test_an_expired_alert_ends_expired_with_no_lookup_and_nothing_sent(sas, force):
    [expired] = sas.pick(status=EXPIRED)
    [pending] = sas.pick(op="ignore")
    report, _time = run(sas, alert_ids=[expired, pending], force=force)
    result = {entry["id"]: entry for entry in report.results}[expired]
    assert (result["outcome"], result["status_before"], result["status_after"]) == ("expired", "expired", "expired")
    assert result["reason"] == "it expired: the service offers no operation for an expired alert; nothing sent"
    assert report.summary["expired"] == 1 and not report.failed
    # one lookup, the pending alert's: the expired one costs none
    assert [call["params"]["SecurityEventId"] for call in sas.calls("DescribeSecurityEventOperations")] == [
        str(pending)]
    assert [sent_ids(write) for write in sas.writes()] == [[pending]]


@pytest.mark.parametrize("operation, params", [("block_ip", BLOCK_IP), ("ignore", {})])
def test_an_alert_that_cannot_be_dealt_with_online_costs_no_lookup(sas, operation, params):
    not_online, other = sas.pick(2, op="block_ip", online=True)
    sas.patch_alert(not_online, can_be_deal_on_line=False)
    report, _time = run(sas, alert_ids=[not_online, other], operation=operation, operation_params=params)
    assert outcomes(report) == {not_online: "unsupported", other: "handled"}
    assert "CanBeDealOnLine is false" in report.results[0]["reason"]
    # one lookup, the other alert's: a call saved per such alert
    assert [int(call["params"]["SecurityEventId"]) for call in sas.calls("DescribeSecurityEventOperations")] == [
        other]
    assert [sent_ids(write) for write in sas.writes()] == [[other]]


# --- issue 19: plan, send and settle side by side ----------------------------------------------------------

def test_a_batch_is_sent_while_the_lookups_go_on(start_sas):
    sas = start_sas(alerts=100)
    alert_ids = sas.listing("N")[:45]
    report, _time = run(sas, alert_ids=alert_ids, concurrency=1)
    assert report.summary["handled"] == 45
    actions = sas.actions()
    lookups = [index for index, action in enumerate(actions) if action == "DescribeSecurityEventOperations"]
    writes = [index for index, action in enumerate(actions) if action == "HandleSecurityEvents"]
    # the first 20 are sent once they are planned, while the others are looked up; the last batch once all are
    assert len(lookups) == 45 and len(writes) == 3
    assert lookups[19] < writes[0] < lookups[-1] and writes[2] > lookups[-1]
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids[:20], alert_ids[20:40], alert_ids[40:]]


def test_tasks_are_read_while_later_batches_are_sent_and_soon_after_their_write(start_sas):
    # real time: lookups one at a time, 20 ms each, so a batch's task is due for a read before the next batch
    sas = start_sas(alerts=100, latency_ms=20, task_delay_ms=100)
    alert_ids = sas.listing("N")[:60]
    started = wall_clock()
    report = Handler(sas.connection, HandleRequest("ignore", alert_ids, {}, concurrency=1)).run(False)
    took = wall_clock() - started
    assert report.summary["handled"] == 60
    actions = sas.actions()
    first_read = actions.index("DescribeSecurityEventOperationStatus")
    last_write = len(actions) - 1 - actions[::-1].index("HandleSecurityEvents")
    assert first_read < last_write
    # about 60 lookups + 3 writes + a few reads of 20 ms; nothing waits poll_interval (2 s) after the last write
    assert took < 60 * 0.02 + 1.8, took


class RefusedAfterTheFirstWrite:
    """The real connection, except that the lookups of the alerts late waits for the first write to be made, then is
    refused for permission (a RAM policy changed mid-run). A tiny stub on purpose: no fault of the emulator waits
    for another action."""

    def __init__(self, sas, late):
        self.sas = sas
        self.late = {str(alert_id) for alert_id in late}
        self.written = threading.Event()

    def call(self, action, write=False, **params):
        if action == "DescribeSecurityEventOperations" and str(params["security_event_id"]) in self.late:
            assert self.written.wait(timeout=10)
            raise SasApiError(action, errors.API, "denied", code="NoPermission", http_status=403)
        try:
            return self.sas.connection.call(action, write=write, **params)
        finally:
            if action == "HandleSecurityEvents":
                self.written.set()

    def map(self, function, items, concurrency):
        return self.sas.connection.map(function, items, concurrency)


def test_a_lookup_refused_after_the_first_write_sends_nothing_more_and_reports_every_alert(start_sas):
    sas = start_sas(alerts=100)
    alert_ids = sas.listing("N")[:25]
    report = Handler(RefusedAfterTheFirstWrite(sas, alert_ids[20:]), HandleRequest("ignore", alert_ids, {}),
                     clock=FakeTime().clock, sleep=FakeTime().sleep).run(False)
    assert [sent_ids(write) for write in sas.writes()] == [alert_ids[:20]]
    assert outcomes(report) == {alert_id: "handled" if alert_id in alert_ids[:20] else "failed"
                                for alert_id in alert_ids}
    refused = report.results[-1]
    assert refused["reason"].startswith("not sent: what the service allows for the alerts could not be read")
    assert refused["error_code"] == "NoPermission" and report.failed


def test_groups_go_through_one_run_each_alert_with_its_own_operation(sas):
    ignored = sas.pick(3, op="ignore")
    blocked = sas.pick(2, op="block_ip", online=True, exclude=ignored)
    groups = [HandleGroup("ignore", ignored, remark="noise"),
              HandleGroup("block_ip", blocked, BLOCK_IP, remark="attackers")]
    report = Handler(sas.connection, HandleRequest(groups=groups), clock=FakeTime().clock,
                     sleep=FakeTime().sleep).run(False)
    expected = [(alert_id, "ignore", "handled") for alert_id in ignored]
    expected += [(alert_id, "block_ip", "handled") for alert_id in blocked]
    assert [(result["id"], result["operation"], result["outcome"]) for result in report.results] == expected
    writes = sas.writes()
    assert [(write["params"]["OperationCode"], write["params"]["Remark"], sent_ids(write)) for write in writes] == [
        ("ignore", "noise", ignored), ("block_ip", "attackers", blocked)]
    assert report.task_ids == [write["task_id"] for write in writes]
    assert report.results[0]["status_after"] == "ignored" and report.results[-1]["status_after"] == "handled"


def test_an_alert_in_two_groups_is_refused_before_any_call():
    with pytest.raises(OptionError, match=r"alert 7 is in groups\[0\] \(ignore\) and groups\[1\] \(block_ip\): an "
                                          r"alert takes one operation in a run"):
        HandleRequest(groups=[HandleGroup("ignore", [5, 7]), HandleGroup("block_ip", [7], BLOCK_IP)])


def test_whitelist_rules_that_do_not_fit_refuse_every_group_before_any_write(sas):
    others = sas.pick(1, op="advance_mark_mis_info", name="brute_force_success")
    ignored = sas.pick(21, op="ignore", exclude=others)  # a full batch, ready before the misfit is known
    bad = check_rules([{"field": "md5", "operate": "strEqual", "value": "x", "scope": "part"}])
    groups = [HandleGroup("ignore", ignored), HandleGroup("advance_mark_mis_info", others, whitelist_rules=bad)]
    with pytest.raises(OptionError, match="whitelist_rules do not fit these alerts, nothing was sent"):
        Handler(sas.connection, HandleRequest(groups=groups), clock=FakeTime().clock,
                sleep=FakeTime().sleep).run(False)
    assert sas.writes() == []
