"""Throttling and server errors in every form the service may give them (issue 17, point 3): a handling run and a
listing run, through ansible-playbook and the real SDK, end without failure under each reading of the emulator's
throttle_code and server_error_status, and the request log shows the refused calls tried again."""

from __future__ import annotations

import pytest
from sas_data import FAST, Data, by_id, calls, handle, module_task, writes

from sas_emulator.readings import READING_CHOICES

# The calls of each run that meet the fault once. The handling run reads statuses (DescribeSuspEvents, met first),
# reads each alert's operations, writes and polls its task; the listing run reads each alert's detail.
HANDLE_ACTIONS = ("DescribeSuspEvents", "DescribeSecurityEventOperations", "HandleSecurityEvents",
                  "DescribeSecurityEventOperationStatus")
INFO_ACTIONS = ("DescribeSuspEventDetail",)
THROTTLING = [{"throttle_code": code} for code in READING_CHOICES["throttle_code"]]
SERVER_ERRORS = [{"server_error_status": status} for status in READING_CHOICES["server_error_status"]]


def reading_id(reading: dict) -> str:
    return "%s=%s" % next(iter(reading.items()))


def handle_and_list(emulator, run_play, fault: str):
    """Two pending alerts ignored, then three alerts listed with their details; each call of HANDLE_ACTIONS and
    INFO_ACTIONS fails once as fault. Returns (the play, the ids handled)."""
    ids = [alert["id"] for alert in Data().alerts(op="ignore", allowed=True)][:2]
    emulator.set_faults([{"action": action, "fault": fault, "times": 1} for action in HANDLE_ACTIONS + INFO_ACTIONS])
    play = run_play([
        handle("handled", alert_ids=ids, operation="ignore", **FAST),
        module_task("sas_alert_info", "listed", status="all", max_results=3, include_details=True),
    ], emulator=emulator)
    return play, ids


def answers(emulator, action: str) -> list:
    """(HTTP status, error code) of each call of action, in order."""
    return [(entry["status"], entry["error_code"]) for entry in calls(emulator, action)]


def assert_both_runs_ended_well(play, ids):
    assert play.rc == 0, play.stdout
    handled = play["handled"]
    assert handled["failed"] is False and handled["summary"]["handled"] == 2
    assert {alert_id: result["outcome"] for alert_id, result in by_id(handled).items()} == dict.fromkeys(
        ids, "handled")
    listed = play["listed"]["alerts"]
    assert len(listed) == 3 and all(alert["detail"]["id"] == alert["id"] for alert in listed)


@pytest.mark.parametrize("reading", THROTTLING, ids=reading_id)
def test_every_form_of_throttling_is_tried_again_even_on_a_write(emulator, run_play, reading):
    emulator.configure(**reading)
    code = reading["throttle_code"]
    play, ids = handle_and_list(emulator, run_play, "throttle")
    assert_both_runs_ended_well(play, ids)
    for action in HANDLE_ACTIONS + INFO_ACTIONS:
        assert answers(emulator, action)[:2] == [(400, code), (200, None)], action
    # the refused write was sent again by the connection: refused, not processed (one task, both alerts)
    assert [(entry["error_code"], entry["task_id"] is not None) for entry in writes(emulator)] == [
        (code, False), (None, True)]
    assert play["handled"]["task_ids"] == [writes(emulator)[1]["task_id"]]


@pytest.mark.parametrize("reading", SERVER_ERRORS, ids=reading_id)
def test_service_unavailable_at_any_5xx_is_tried_again_and_a_write_only_after_reading(emulator, run_play, reading):
    emulator.configure(**reading)
    status = int(reading["server_error_status"])
    play, ids = handle_and_list(emulator, run_play, "unavailable")
    assert_both_runs_ended_well(play, ids)
    for action in HANDLE_ACTIONS + INFO_ACTIONS:
        assert answers(emulator, action)[:2] == [(status, "ServiceUnavailable"), (200, None)], action
    # a write answered 5xx may have been processed: the alerts were read again (nothing had changed, and ignore
    # acts on the alert alone) before the write went again, never blindly
    first, second = writes(emulator)
    assert (first["error_code"], second["error_code"], second["task_id"] is not None) == (
        "ServiceUnavailable", None, True)
    between = [entry for entry in emulator.requests()
               if first["ts"] < entry["ts"] < second["ts"] and entry["action"] == "DescribeSuspEvents"]
    assert between, "the alerts were not read again between the two writes"
