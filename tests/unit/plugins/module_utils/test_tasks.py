# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from emulated_sas import PENDING, sent_ids

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import (
    LEFT_OUT_OF_TASK,
    EventStatus,
    TaskStatus,
    hint_for,
    read_task,
    result_from_alert,
    task_report,
)


def test_hints_by_result_or_code():
    assert "virus_quara_bin" in hint_for("kill_and_quara.ProcessNotExist")
    assert "offline" in hint_for("block_ip.AgentOffline")
    assert "yundun-sas:HandleSecurityEvents" in hint_for("NoPermission")
    assert "sas_alert_info status=handled" in hint_for("SecurityEventNotExists")
    assert hint_for("ignore.Success") is None and hint_for(None) is None and hint_for("Failed") is None


def test_a_result_has_the_same_hint_whatever_the_operation():
    for result in ("AgentOffline", "ProcessNotExist", "Failure"):
        assert hint_for("ignore.%s" % result) is not None
        assert hint_for("ignore.%s" % result) == hint_for("kill_and_quara.%s" % result)


@pytest.mark.parametrize("code", ["NoPermission", "Forbidden.RAM", "SecurityEventNotExists", "Throttling.User",
                                  "InvalidParam"])
def test_an_alert_of_a_refused_write_gets_the_hint_the_error_describes(code):
    error = SasApiError("HandleSecurityEvents", errors.API, "refused", code=code, http_status=400)
    assert hint_for(code) == error.hint
    assert error.hint is None or error.describe().endswith("; " + hint_for(code))


def handle(sas, operation, alert_ids, operation_params="{}"):
    """One HandleSecurityEvents call straight through the connection; its task id."""
    body = sas.connection.call("HandleSecurityEvents", write=True, operation_code=operation,
                               security_event_ids=[str(alert_id) for alert_id in alert_ids],
                               operation_params=operation_params)
    return int(body.handle_security_events_response.task_id)


BLOCK_IP_PARAMS = '{"expireTime":%d}' % (4102444800000)  # 2100-01-01: always in the future


def test_task_report_chunks_ids_and_reports_each_alert(start_sas):
    sas = start_sas(alerts=200)
    offline = sas.pick(op="block_ip", online=False)
    online = sas.pick(19, op="block_ip", online=True)
    in_task = online[:2] + offline + online[2:]  # 20 ids: the most one call takes
    others = sas.pick(6, exclude=in_task)
    task_id = handle(sas, "block_ip", in_task, BLOCK_IP_PARAMS)
    report = task_report(sas.connection, task_id, in_task + others, chunk_size=20)
    polls = sas.calls("DescribeSecurityEventOperationStatus")
    assert [sent_ids(poll) for poll in polls] == [in_task, others]
    assert {poll["params"]["TaskId"] for poll in polls} == {str(task_id)}
    # one failed alert makes the whole task a Failure (there is no partial task status)
    assert report["task_id"] == task_id and report["task_status"] == "Failure" and report["finished"]
    by_id = {alert["id"]: alert for alert in report["alerts"]}
    assert [alert["id"] for alert in report["alerts"]] == in_task + others
    assert by_id[online[0]] == {"id": online[0], "in_task": True, "status": "Success", "final": True,
                                "error_code": "block_ip.Success", "hint": None}
    assert by_id[offline[0]]["status"] == "Failed" and by_id[offline[0]]["error_code"] == "block_ip.AgentOffline"
    assert "offline" in by_id[offline[0]]["hint"]
    assert by_id[others[0]] == {"id": others[0], "in_task": False, "status": None, "final": False,
                                "error_code": None, "hint": None}
    assert sas.alert(online[0])["status"] == 32 and sas.alert(offline[0])["status"] == PENDING


def test_task_report_of_a_running_task_is_not_finished(sas):
    sas.set_tasks_stuck()
    alert_ids = sas.pick(2, op="ignore")
    task_id = handle(sas, "ignore", alert_ids)
    report = task_report(sas.connection, task_id, alert_ids, chunk_size=20)
    assert report["task_status"] == "Processing" and not report["finished"]
    assert [(alert["in_task"], alert["status"], alert["final"]) for alert in report["alerts"]] == [
        (True, "Processing", False)] * 2
    sas.set_tasks_stuck(False, release=True)
    report = task_report(sas.connection, task_id, alert_ids, chunk_size=20)
    assert report["task_status"] == "Success" and report["finished"]
    assert [alert["error_code"] for alert in report["alerts"]] == ["ignore.Success"] * 2


# --- a task read with both ids; an alert it left out; an alert read when its task is unknown ------------

@pytest.mark.parametrize("status_call", ["both_required", "either"])
def test_a_task_is_always_asked_with_its_id_and_its_alerts(start_sas, status_call):
    sas = start_sas(status_call=status_call)
    alert_ids = sas.pick(2, op="ignore")
    task_id = handle(sas, "ignore", alert_ids)
    status = read_task(sas.connection, task_id, alert_ids)
    assert status.finished(alert_ids) and status.result(alert_ids[0]).error_code == "ignore.Success"
    [poll] = sas.calls("DescribeSecurityEventOperationStatus")
    assert poll["params"]["TaskId"] == str(task_id) and sent_ids(poll) == alert_ids


@pytest.mark.parametrize("task_status, left_out", [("Success", True), ("Failure", True), ("Processing", False),
                                                   ("Pending", False)])
def test_a_final_task_without_an_alert_left_it_out(task_status, left_out):
    status = TaskStatus(7, task_status, {1: EventStatus(1, "Success", "ignore.Success")})
    result = status.result(2)
    assert (result is not None) == left_out and status.finished([1, 2]) == left_out
    if left_out:
        assert (result.status, result.error_code, result.reason) == ("Failed", None, LEFT_OUT_OF_TASK)


def state(event_status, code=None, operate_time=None):
    """An alert as read; operate_time (ms) only where given, as AlertState may not carry it."""
    alert = AlertState(5, event_status, code)
    if operate_time is not None:
        alert.operate_time = operate_time
    return alert


@pytest.mark.parametrize("before, now, status, code", [
    (state(1), state(2, "ignore.Success"), "Success", "ignore.Success"),
    (state(1), state(2), "Success", None),                                     # the status moved
    (state(1), state(16), None, None),                                         # running: wait
    (state(1), state(16, "kill_and_quara.Success"), "Success", "kill_and_quara.Success"),  # success left at 16
    (state(1), state(1), None, None),                                          # queued, or never arrived: wait
    (state(1), None, None, None),                                              # not found: wait
    (state(1), state(1, "block_ip.AgentOffline"), "Failed", "block_ip.AgentOffline"),   # back at pending
    (state(1, "block_ip.AgentOffline"), state(1, "block_ip.AgentOffline"), None, None),  # the old result
    (state(1, "block_ip.AgentOffline", 1000), state(1, "block_ip.AgentOffline", 2000), "Failed",
     "block_ip.AgentOffline"),                                                 # the same code, newer
    (state(1, "ignore.Success", 1000), state(1, "ignore.Success", 1000), None, None),
    (state(8), state(1, "rm_mark_mis_info.Success"), "Success", "rm_mark_mis_info.Success"),  # an undo
    (state(1), state(8, "advance_mark_mis_info.User.Success"), "Success", "advance_mark_mis_info.User.Success"),
])
def test_a_result_read_from_the_alert_against_its_state_before_the_write(before, now, status, code):
    result = result_from_alert(before, now)
    assert (result.id, result.status, result.error_code) == (5, status, code)
    assert result.final == (status is not None)
    assert result.event_status == (now.event_status if now is not None else None)


@pytest.mark.parametrize("now, by_another", [
    (state(32, "manual_handled.Success"), True),        # someone in the console, not our block_ip
    (state(2, "ignore.Success"), True),
    (state(1, "ignore.Failure"), True),                 # another's failure is not ours either
    (state(32, "block_ip.Success"), False),
    (state(1, "block_ip.AgentOffline"), False),
    (state(32), False),                                 # no code: the status moved, taken as ours
])
def test_a_result_of_another_operation_read_from_the_alert_is_another_hands(now, by_another):
    result = result_from_alert(state(1), now, "block_ip")
    assert result.by_another is by_another and result.final
    assert result_from_alert(state(1), now).by_another is False  # without the operation nothing is compared
