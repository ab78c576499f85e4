"""The readings throttle_code and server_error_status (issue 17): the forms throttling and ServiceUnavailable take
on the wire, seen through the real SDK, for the quota and the injected faults alike."""

from __future__ import annotations

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from sas_emu_helpers import make_client

from sas_emulator.readings import READING_CHOICES, THROTTLE_MESSAGES
from sas_emulator.testing import EmulatorError

LIST = sas_models.DescribeSuspEventsRequest(page_size="1")
THROTTLE_CODES = READING_CHOICES["throttle_code"]
SERVER_ERROR_STATUSES = READING_CHOICES["server_error_status"]


def refused(call, kind=ClientException):
    with pytest.raises(kind) as caught:
        call()
    return caught.value


def test_the_defaults_are_the_documented_forms(fresh_emulator) -> None:
    config = fresh_emulator.config()
    assert (config["throttle_code"], config["server_error_status"]) == ("Throttling.User", "503")
    assert set(THROTTLE_CODES) == {"Throttling.User", "Rejected.Throttling", "Throttling", "Throttling.Api"}
    assert set(SERVER_ERROR_STATUSES) == {"503", "502", "504", "500"}


@pytest.mark.parametrize("code", THROTTLE_CODES)
def test_the_throttle_fault_answers_400_with_the_code_played(fresh_emulator, code) -> None:
    fresh_emulator.configure(throttle_code=code)
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 1}])
    error = refused(lambda: client.describe_susp_events(LIST))
    assert (error.status_code, error.code, error.data["Message"]) == (400, code, THROTTLE_MESSAGES[code])
    assert client.describe_susp_events(LIST).status_code == 200
    assert [(r["error_code"], r["fault"]) for r in fresh_emulator.requests()[-2:]] == [(code, "throttle"), (None, None)]


@pytest.mark.parametrize("code", THROTTLE_CODES)
def test_the_retry_after_header_stays_with_every_form(fresh_emulator, code) -> None:
    fresh_emulator.configure(throttle_code=code)
    fresh_emulator.set_faults([{"action": "*", "fault": "throttle", "times": 1, "retry_after_ms": 1200}])
    error = refused(lambda: make_client(fresh_emulator).describe_susp_events(LIST), ThrottlingException)
    assert (error.retry_after, error.code) == (1200, code)


@pytest.mark.parametrize("code", ["Rejected.Throttling", "Throttling"])
def test_the_quota_throttles_with_the_code_played(sas_emulator, code) -> None:
    emu = sas_emulator("--alerts", "5", "--qps", "2", "--reading", f"throttle_code={code}")
    client = make_client(emu)
    codes = []
    for dummy in range(5):  # back to back: the bucket holds 2
        try:
            client.describe_susp_events(LIST)
            codes.append(None)
        except ClientException as exc:
            codes.append((exc.status_code, exc.code))
    assert codes[:2] == [None, None] and (400, code) in codes[2:]
    assert "Throttling.User" not in [entry["error_code"] for entry in emu.requests()]


@pytest.mark.parametrize("status", SERVER_ERROR_STATUSES)
def test_the_unavailable_fault_answers_the_status_played(fresh_emulator, status) -> None:
    fresh_emulator.configure(server_error_status=status)
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "*", "fault": "unavailable", "times": 1}])
    error = refused(lambda: client.describe_susp_events(LIST), ServerException)
    assert (error.status_code, error.code) == (int(status), "ServiceUnavailable")
    assert fresh_emulator.requests()[-1]["status"] == int(status)
    assert client.describe_susp_events(LIST).status_code == 200


def test_the_readings_change_nothing_else(fresh_emulator) -> None:
    # internal_error keeps its 500 and no_permission its 403 under the other readings
    fresh_emulator.configure(throttle_code="Rejected.Throttling", server_error_status="502")
    client = make_client(fresh_emulator)
    fresh_emulator.set_faults([{"action": "*", "fault": "internal_error"}, {"action": "*", "fault": "no_permission"}])
    error = refused(lambda: client.describe_susp_events(LIST), ServerException)
    assert (error.status_code, error.code) == (500, "InternalError")
    error = refused(lambda: client.describe_susp_events(LIST))
    assert (error.status_code, error.code) == (403, "NoPermission")


@pytest.mark.parametrize("settings, named", [
    ({"throttle_code": "Throttling.Everything"}, "throttle_code"),
    ({"server_error_status": "418"}, "server_error_status"),
    ({"server_error_status": 502}, "server_error_status"),  # the values are strings, as on the command line
])
def test_an_unknown_value_is_refused(fresh_emulator, settings, named) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        fresh_emulator.configure(**settings)
    assert named in str(caught.value)
    assert (fresh_emulator.config()["throttle_code"], fresh_emulator.config()["server_error_status"]) == (
        "Throttling.User", "503")
