"""Injected faults, QPS throttling, stuck tasks and the control plane, seen through the real SDK."""

from __future__ import annotations

import time

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from sas_emu_helpers import find_pending, handle, list_alerts, make_client, wait_task

from sas_emulator.dataset import generate
from sas_emulator.testing import EmulatorError, start_emulator

LIST = sas_models.DescribeSuspEventsRequest(page_size="1")


def test_throttle_the_next_n_calls(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 2}])
    for dummy in range(2):
        with pytest.raises(ClientException) as caught:
            client.describe_susp_events(LIST)
        assert (caught.value.code, caught.value.status_code) == ("Throttling.User", 400)
        assert caught.value.data["Message"] == "Request was denied due to user flow control."
        assert not isinstance(caught.value, ThrottlingException)  # no x-acs-retry-after was sent
    assert client.describe_susp_events(LIST).status_code == 200
    codes = [r["error_code"] for r in fresh_emulator.requests()[-3:]]
    assert codes == ["Throttling.User", "Throttling.User", None]


def test_throttle_with_retry_after(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "*", "fault": "throttle", "times": 1, "retry_after_ms": 1500}])
    with pytest.raises(ThrottlingException) as caught:
        client.describe_susp_events(LIST)
    assert caught.value.retry_after == 1500 and caught.value.code == "Throttling.User"


@pytest.mark.parametrize("fault, status, code", [
    ("unavailable", 503, "ServiceUnavailable"),
    ("internal_error", 500, "InternalError"),
])
def test_server_errors(fresh_emulator, fault: str, status: int, code: str) -> None:
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "*", "fault": fault}])
    with pytest.raises(ServerException) as caught:
        client.describe_susp_events(LIST)
    assert (caught.value.status_code, caught.value.code) == (status, code)
    assert client.describe_susp_events(LIST).status_code == 200  # times defaults to 1


def test_faults_match_their_action_only(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "internal_error", "times": 5}])
    assert client.describe_susp_events(LIST).status_code == 200
    assert len(fresh_emulator.control("GET", "faults")["rules"]) == 1
    fresh_emulator.clear_faults()
    assert fresh_emulator.control("GET", "faults")["rules"] == []


def test_drop_closes_before_the_work(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    alert = find_pending(client)[0]
    fresh_emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    with pytest.raises(UnretryableException):
        handle(client, "ignore", [alert["Id"]])
    state = fresh_emulator.alert(alert["Id"])
    assert state["status"] == 1 and state["tasks"] == []
    last = fresh_emulator.requests()[-1]
    assert (last["action"], last["status"], last["fault"], last["task_id"]) == ("HandleSecurityEvents", 0, "drop", None)
    # the same keep-alive client works again afterwards
    assert wait_task(client, handle(client, "ignore", [alert["Id"]])).task_status == "Success"


def test_reset_after_commit_is_an_ambiguous_write(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    alert = find_pending(client)[0]
    fresh_emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "reset_after_commit"}])
    with pytest.raises(UnretryableException):
        handle(client, "ignore", [alert["Id"]])
    last = fresh_emulator.requests()[-1]
    assert last["fault"] == "reset_after_commit" and isinstance(last["task_id"], int) and last["status"] == 0
    assert list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == 16  # the work happened
    assert wait_task(client, last["task_id"], ids=[alert["Id"]]).task_status == "Success"


def test_timeout_holds_the_answer(fresh_emulator) -> None:
    client = make_client(fresh_emulator, read_timeout=500)
    fresh_emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "timeout"}])
    started = time.monotonic()
    with pytest.raises(UnretryableException):
        client.describe_susp_events(LIST)
    assert 0.4 < time.monotonic() - started < 5
    assert make_client(fresh_emulator).describe_susp_events(LIST).status_code == 200


def test_stuck_tasks_stay_processing(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    alert = find_pending(client)[0]
    fresh_emulator.set_tasks_stuck(True)
    task_id = handle(client, "ignore", [alert["Id"]])
    time.sleep(0.4)  # well past --task-delay-ms
    assert wait_task(client, task_id, timeout=0.2).task_status == "Processing"
    fresh_emulator.set_tasks_stuck(False, release=True)
    assert wait_task(client, task_id).task_status == "Success"


def test_qps_throttles_per_action(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "5", "--qps", "3")
    client = make_client(emu)
    outcomes = []
    for dummy in range(6):
        try:
            client.describe_susp_events(LIST)
            outcomes.append("ok")
        except ClientException as exc:
            outcomes.append(exc.code)
    assert outcomes[:3] == ["ok"] * 3 and "Throttling.User" in outcomes[3:]
    # another API has its own bucket
    alert_id = generate(seed=1, alerts=5)["alerts"][0]["id"]  # the default seed
    assert client.describe_security_event_operations(
        sas_models.DescribeSecurityEventOperationsRequest(security_event_id=alert_id)).status_code == 200
    time.sleep(1.1)
    assert client.describe_susp_events(LIST).status_code == 200


def test_races_act_on_the_calls_first_alert_before_it_is_read(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    gone, handled_meanwhile = [alert["Id"] for alert in find_pending(client)[:2]]
    fresh_emulator.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "vanish", "times": 1}])
    with pytest.raises(ClientException) as caught:
        client.describe_security_event_operations(
            sas_models.DescribeSecurityEventOperationsRequest(security_event_id=gone))
    assert caught.value.code == "SecurityEventNotExists"
    with pytest.raises(EmulatorError, match="404"):
        fresh_emulator.alert(gone)
    fresh_emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "handled_elsewhere", "times": 1}])
    with pytest.raises(ClientException):  # the service refuses a batch holding an alert that is not pending
        handle(client, "ignore", [handled_meanwhile])
    assert fresh_emulator.alert(handled_meanwhile)["status"] == 32


def test_the_default_quota_is_the_services_ten_a_second() -> None:
    emu = start_emulator("--alerts", "5")  # no --qps: the emulator's own default
    try:
        client = make_client(emu)
        codes = []
        for dummy in range(25):  # back to back, well under a second: the bucket holds 10
            try:
                client.describe_susp_events(LIST)
                codes.append(None)
            except ClientException as exc:
                codes.append(exc.code)
        assert codes[:10] == [None] * 10
        assert "Throttling.User" in codes[10:]
    finally:
        emu.stop()


def test_control_plane_validates(fresh_emulator) -> None:
    with pytest.raises(EmulatorError, match="fault must be one of"):
        fresh_emulator.set_faults([{"action": "*", "fault": "meteor"}])
    with pytest.raises(EmulatorError, match="action must be"):
        fresh_emulator.set_faults([{"action": "DescribeEverything", "fault": "drop"}])
    with pytest.raises(EmulatorError, match="404"):
        fresh_emulator.alert(1)
    stats = fresh_emulator.stats()
    assert set(stats) == {"total", "calls", "statuses", "errors", "faults", "alerts_added", "chaos"}


def test_no_permission_fault_and_runtime_config(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "no_permission"}])
    with pytest.raises(ClientException) as caught:
        client.describe_susp_events(LIST)
    assert (caught.value.status_code, caught.value.code, caught.value.data["Message"]) == (
        403, "NoPermission", "caller has no permission")
    assert fresh_emulator.configure(latency_ms=200)["latency_ms"] == 200
    try:
        started = time.monotonic()
        client.describe_susp_events(LIST)
        assert time.monotonic() - started >= 0.2
    finally:
        fresh_emulator.configure(latency_ms=0)
