# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""service_calls: each call's wire parameters and what "not found" means, against the in-process emulator;
and that no other file of the collection calls the transport with an action name."""

from __future__ import annotations

import ast
import pathlib
from types import SimpleNamespace

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors, service_calls
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError

PLUGINS = pathlib.Path(__file__).resolve().parents[4] / "plugins"
PENDING = 1


def since(sas, mark):
    """(action, wire params) of each call after the first mark requests."""
    return [(record["action"], record["params"]) for record in sas.requests()[mark:]]


def pending_ids(sas, count):
    alerts, _total = service_calls.susp_events_page(sas.connection, 1, count, {"dealed": "N"})
    assert len(alerts) == count
    return [alert.id for alert in alerts]


def test_a_page_is_sent_from_sas_in_the_language_asked_with_string_paging(sas):
    alerts, total = service_calls.susp_events_page(sas.connection, 2, 5, {"dealed": "N", "levels": "serious"},
                                                   lang="zh")
    assert since(sas, 0) == [("DescribeSuspEvents", {"CurrentPage": "2", "PageSize": "5", "Dealed": "N",
                                                     "Levels": "serious", "From": "sas", "Lang": "zh"})]
    assert len(alerts) <= 5 and total >= len(alerts)
    assert all(sas.alert(alert.id)["status"] == PENDING and alert.level == "serious" for alert in alerts)


def test_one_alert_by_id_and_none_when_unknown_or_filtered_out(sas):
    [alert_id] = pending_ids(sas, 1)
    mark = len(sas.requests())
    assert service_calls.find_susp_event(sas.connection, alert_id, {"dealed": "N"}).id == alert_id
    assert service_calls.find_susp_event(sas.connection, alert_id, {"dealed": "Y"}) is None  # pending, not handled
    assert service_calls.find_susp_event(sas.connection, 1, {}) is None
    assert since(sas, mark)[0] == ("DescribeSuspEvents", {"Id": str(alert_id), "Dealed": "N", "CurrentPage": "1",
                                                          "PageSize": "1", "From": "sas", "Lang": "en"})


def test_operations_of_an_alert_the_service_does_not_know_are_none(sas):
    [alert_id] = pending_ids(sas, 1)
    mark = len(sas.requests())
    operations = service_calls.security_event_operations(sas.connection, alert_id)
    assert operations and all(operation.operation_code for operation in operations)
    assert service_calls.security_event_operations(sas.connection, 1) is None
    assert since(sas, mark) == [
        ("DescribeSecurityEventOperations", {"SecurityEventId": str(alert_id), "Lang": "en"}),
        ("DescribeSecurityEventOperations", {"SecurityEventId": "1", "Lang": "en"})]


def test_other_errors_of_the_operations_lookup_are_raised(sas):
    [alert_id] = pending_ids(sas, 1)
    sas.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "no_permission"}])
    with pytest.raises(SasApiError) as caught:
        service_calls.security_event_operations(sas.connection, alert_id)
    assert caught.value.code != service_calls.SECURITY_EVENT_NOT_EXISTS


def test_a_detail_is_read_from_sas_and_an_unknown_alert_is_the_service_error(sas):
    [alert_id] = pending_ids(sas, 1)
    mark = len(sas.requests())
    assert service_calls.susp_event_detail(sas.connection, alert_id, lang="zh").id == alert_id
    with pytest.raises(SasApiError) as caught:
        service_calls.susp_event_detail(sas.connection, 1)
    assert caught.value.code == service_calls.SECURITY_EVENT_NOT_EXISTS
    assert since(sas, mark)[0] == ("DescribeSuspEventDetail", {"SuspiciousEventId": str(alert_id), "From": "sas",
                                                               "Lang": "zh"})


def test_handle_params_hold_string_ids_and_only_what_was_given():
    assert service_calls.handle_params("ignore", [3, 1], "{}") == {
        "operation_code": "ignore", "security_event_ids": ["3", "1"], "operation_params": "{}"}
    assert service_calls.handle_params("advance_mark_mis_info", [3], "{}", mark_miss_param="[]", remark="why") == {
        "operation_code": "advance_mark_mis_info", "security_event_ids": ["3"], "operation_params": "{}",
        "mark_miss_param": "[]", "mark_batch": "false", "remark": "why"}


@pytest.mark.parametrize("status_call", ["both_required", "either"])
def test_a_handling_call_gives_its_task_whose_status_is_read_with_both_task_and_alerts(start_sas, status_call):
    # The SDK and the API pages mark TaskId and SecurityEventIds both required; their prose says either one.
    sas = start_sas(status_call=status_call)
    alert_ids = pending_ids(sas, 2)
    mark = len(sas.requests())
    task_id, request_id = service_calls.handle_security_events(
        sas.connection, service_calls.handle_params("ignore", alert_ids, "{}", remark="seen"))
    assert isinstance(task_id, int) and request_id
    response = service_calls.operation_status(sas.connection, alert_ids, task_id)
    assert sorted(entry.security_event_id for entry in response.security_event_operation_statuses) == sorted(
        str(alert_id) for alert_id in alert_ids)
    wire_ids = {"SecurityEventIds.%d" % (index + 1): str(alert_id) for index, alert_id in enumerate(alert_ids)}
    assert since(sas, mark) == [
        ("HandleSecurityEvents", dict(wire_ids, OperationCode="ignore", OperationParams="{}", Remark="seen")),
        ("DescribeSecurityEventOperationStatus", dict(wire_ids, TaskId=str(task_id)))]


def test_the_status_of_an_unknown_task_is_the_service_error(sas):
    with pytest.raises(SasApiError) as caught:
        service_calls.operation_status(sas.connection, pending_ids(sas, 1), task_id=424242)
    assert caught.value.code == "OperationTaskNotExists"


class Answering:
    """A connection whose every call returns body."""

    def __init__(self, body):
        self.body = body
        self.log = []

    def call(self, action, write=False, **params):
        self.log.append((action, write, params))
        return self.body


@pytest.mark.parametrize("response", [None, SimpleNamespace(task_id=None)])
def test_a_handling_answer_without_task_id_is_a_bad_response_that_keeps_the_request_id(response):
    connection = Answering(SimpleNamespace(request_id="req-1", handle_security_events_response=response))
    with pytest.raises(SasApiError) as caught:
        service_calls.handle_security_events(connection, service_calls.handle_params("ignore", [7], "{}"))
    assert (caught.value.kind, caught.value.request_id) == (errors.BAD_RESPONSE, "req-1")
    assert connection.log == [("HandleSecurityEvents", True, {
        "operation_code": "ignore", "security_event_ids": ["7"], "operation_params": "{}"})]


def test_only_service_calls_calls_the_transport():
    """connection.call(action, ...) is made in service_calls alone: no other file names an action to call."""
    callers = set()
    for path in sorted(PLUGINS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "call":
                callers.add(path.relative_to(PLUGINS).as_posix())
    assert callers == {"module_utils/service_calls.py"}
