# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from emulated_sas import PENDING, sent_ids

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import (
    AlertResult,
    TaskStatus,
    hint_for,
    read_task,
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
    assert status.final and {alert_id: status.events[alert_id].status for alert_id in alert_ids} == dict.fromkeys(
        alert_ids, "Success")
    assert status.events[alert_ids[0]].error_code == "ignore.Success" and not status.left_out(alert_ids[0])
    [poll] = sas.calls("DescribeSecurityEventOperationStatus")
    assert poll["params"]["TaskId"] == str(task_id) and sent_ids(poll) == alert_ids


@pytest.mark.parametrize("task_status, left_out", [("Success", True), ("Failure", True), ("Processing", False),
                                                   ("Pending", False)])
def test_a_final_task_without_an_alert_left_it_out(task_status, left_out):
    status = TaskStatus(7, task_status, {1: AlertResult(1, "Success", "ignore.Success")})
    assert status.left_out(2) is left_out and status.left_out(1) is False
