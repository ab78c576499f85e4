# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from fake_sas import PENDING, FakeSas

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import hint_for, task_report


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


def test_task_report_chunks_ids_and_reports_each_alert():
    alerts = {alert_id: {"status": PENDING, "ops": []} for alert_id in range(1, 31)}
    alerts[3]["result"] = "AgentOffline"
    service = FakeSas(alerts, polls_to_finish=1)
    task_id = service.HandleSecurityEvents("block_ip", [str(i) for i in range(1, 26)], "{}") \
        .handle_security_events_response.task_id
    report = task_report(service, task_id, list(range(1, 27)), chunk_size=20)
    polls = [params for action, params in service.log if action == "DescribeSecurityEventOperationStatus"]
    assert [len(params["security_event_ids"]) for params in polls] == [20, 6]
    assert report["task_id"] == task_id and report["task_status"] == "Success"
    by_id = {alert["id"]: alert for alert in report["alerts"]}
    assert by_id[1] == {"id": 1, "in_task": True, "status": "Success", "final": True,
                        "error_code": "block_ip.Success", "hint": None}
    assert by_id[3]["status"] == "Failed" and "offline" in by_id[3]["hint"]
