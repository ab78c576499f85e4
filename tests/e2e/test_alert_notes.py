"""sas_alert_handle's note end to end (issue 18, point 7): real ansible-playbook, the collection as installed, the
emulator; the notes read back from the emulator's state, a run whose notes are refused for permission, check mode."""

from __future__ import annotations

import json

import pytest
from sas_data import FAST, LENIENT, PENDING, STRICTEST, Data, calls, handle

NOTE_CALL = "CreateSuspEventNote"
NOTE = "alibabacloud.sas: rule ignore-reminders, action ignore, run 2026-12-05T09:00:00Z"


@pytest.fixture
def data():
    return Data(seed=7, alerts=60)  # the `emulator` fixture's data


def noted(emulator, alert_id):
    """The notes the emulator holds for the alert, as its state shows them."""
    return [note["text"] for note in emulator.alert(alert_id)["notes"]]


def results(play):
    return {entry["id"]: (entry["outcome"], entry["note"]) for entry in play["result"]["results"]}


def shown(play):
    return " ".join((play.stdout + play.stderr).split())  # ansible wraps a long warning


def test_each_alert_handled_gets_the_note_in_the_console_and_the_trail(emulator, run_play, data, tmp_path):
    *handled, unsupported = [alert["id"] for alert in data.alerts(op="ignore")[:3]]
    emulator.patch_alert(unsupported, restricted_ops=["ignore"])  # UserCanOperate false: it ends unsupported
    trail = tmp_path / "audit.jsonl"
    play = run_play([handle("result", alert_ids=handled + [unsupported], operation="ignore", note=NOTE,
                            audit_log=str(trail), **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout + play.stderr
    assert results(play) == {handled[0]: ("handled", "added"), handled[1]: ("handled", "added"),
                             unsupported: ("unsupported", "skipped")}
    assert [noted(emulator, alert_id) for alert_id in handled + [unsupported]] == [[NOTE], [NOTE], []]
    assert sorted(int(call["params"]["EventId"]) for call in calls(emulator, NOTE_CALL)) == sorted(handled)
    lines = [json.loads(line) for line in trail.read_text().splitlines()]
    notes = [(line["event"], line["alert_ids"], line["note_text"]) for line in lines
             if line["event"].startswith("note_")]
    assert sorted(notes) == sorted((event, [alert_id], NOTE) for alert_id in handled
                                   for event in ("note_request", "note_response"))
    assert "CreateSuspEventNote" not in shown(play)  # no warning


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_notes_refused_for_permission_are_a_warning_and_the_run_succeeds(emulator, run_play, data, readings):
    # note_refusal: in_body (strictest: HTTP 200, Success false) or as_error (lenient: HTTP 403)
    emulator.configure(**readings)
    emulator.set_faults([{"action": NOTE_CALL, "fault": "no_permission", "rate": 1}])
    handled = data.one(op="ignore")
    play = run_play([handle("result", alert_ids=[handled], operation="ignore", note=NOTE, **FAST)],
                    emulator=emulator)
    assert play.rc == 0, play.stdout + play.stderr
    assert results(play) == {handled: ("handled", "refused")}
    assert play["result"]["changed"] is True and emulator.alert(handled)["status"] != PENDING
    assert noted(emulator, handled) == []
    [refused] = calls(emulator, NOTE_CALL)
    assert refused["error_code"] == "NoPermission"
    assert refused["status"] == (200 if readings["note_refusal"] == "in_body" else 403)
    assert "[WARNING]" in shown(play) and "the RAM policy lacks yundun-sas:CreateSuspEventNote" in shown(play)


def test_check_mode_makes_no_note_call(emulator, run_play, data):
    alert_id = data.one(op="ignore")
    play = run_play([handle("result", alert_ids=[alert_id], operation="ignore", note=NOTE, **FAST)],
                    emulator=emulator, check=True)
    assert play.rc == 0, play.stdout + play.stderr
    assert results(play) == {alert_id: ("would_handle", "would_add")}
    assert calls(emulator, NOTE_CALL) == [] and calls(emulator, "HandleSecurityEvents") == []
    assert noted(emulator, alert_id) == [] and emulator.alert(alert_id)["status"] == PENDING
