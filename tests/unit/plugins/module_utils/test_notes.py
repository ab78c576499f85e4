# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Notes in the console (issue 18, point 7): sas_alert_handle's note reaches each alert that ended handled, once,
through CreateSuspEventNote; a refused or failed note is a warning that leaves the alert's outcome alone; check mode
sends none; each note is written down in the audit trail. Against the SAS emulator in process."""

from __future__ import annotations

import json
import re
import time
from types import SimpleNamespace

import pytest
from emulated_sas import HANDLED

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import RESERVED_KEYS, AuditLog, AuditLogError
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import (
    OUTCOMES,
    SUCCEEDING_OUTCOMES,
    Handler,
    HandleRequest,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import (
    NOTE_STATES,
    RAM_ACTION,
    NoteWriter,
    check_note,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import create_susp_event_note

NOTE = "handled by alibabacloud.sas: rule ignore-reminders, ignore, run 2026-12-05T09:00:00Z"
NOTE_CALL = "CreateSuspEventNote"


def handled(sas, check_mode=False, audit=None, run_alive=None, **request):
    """sas_alert_handle's flow (Handler) with the note, as the module runs it; the report."""
    request.setdefault("operation", "ignore")
    request.setdefault("operation_params", {})
    request.setdefault("note", NOTE)
    handler = Handler(sas.connection, HandleRequest(poll_interval=0.01, **request), audit=audit,
                      run_alive=run_alive or (lambda: True))
    report = handler.run(check_mode)
    return report, handler.warnings


def notes_by_id(report):
    return {result["id"]: result["note"] for result in report.results}


def stored(sas, alert_id):
    """The notes the emulator holds for the alert (its state, as the end-to-end tests read it)."""
    return [note["text"] for note in sas.alert(alert_id)["notes"]]


def noted_ids(sas):
    return [int(call["params"]["EventId"]) for call in sas.calls(NOTE_CALL)]


# --- the option -------------------------------------------------------------------------------------

@pytest.mark.parametrize("note, expected", [
    ("", "note is empty: give the text of the note, or leave note out to add none"),
    ("   ", "note is empty"),
    ("x" * 501, "note is 501 characters long: at most 500 are allowed"),
    ("done\x00rm -rf /", "note holds the character U+0000"),
    ("ok \u202egpj.exe", "note holds the character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("ok\n[INFO] all clear", "note holds the character U+000A"),
])
def test_a_note_that_is_empty_too_long_or_not_printable_is_refused_naming_the_option(note, expected):
    with pytest.raises(OptionError, match=re.escape(expected)):
        check_note(note)


@pytest.mark.parametrize("note", [None, "x" * 500, "已人工处理 - SOC", NOTE])
def test_no_note_or_printable_text_within_500_characters_is_taken(note):
    assert check_note(note) == note


# --- what happens to each alert's note --------------------------------------------------------------

def test_each_alert_that_ended_handled_gets_one_note_and_the_others_none(sas):
    handled_ids = sas.pick(2, op="ignore")
    [unsupported] = sas.pick(op="ignore", exclude=handled_ids)
    sas.patch_alert(unsupported, restricted_ops=["ignore"])  # UserCanOperate false
    [already] = sas.pick(status=HANDLED, op=None)
    unknown = sas.unknown_id()
    report, warnings = handled(sas, alert_ids=handled_ids + [unsupported, already, unknown])
    outcomes = {result["id"]: result["outcome"] for result in report.results}
    assert [outcomes[i] for i in handled_ids + [unsupported, already, unknown]] == [
        "handled", "handled", "unsupported", "already_handled", "not_found"]
    assert notes_by_id(report) == {handled_ids[0]: "added", handled_ids[1]: "added", unsupported: "skipped",
                                   already: "skipped", unknown: "skipped"}
    assert sorted(noted_ids(sas)) == sorted(handled_ids)  # one call per handled alert, none for the others
    assert [stored(sas, alert_id) for alert_id in handled_ids] == [[NOTE], [NOTE]]
    assert stored(sas, unsupported) == stored(sas, already) == []
    assert warnings == [] and not report.failed


def test_a_note_goes_out_only_once_its_alert_s_task_said_handled(sas):
    alert_ids = sas.pick(3, op="ignore")
    handled(sas, alert_ids=alert_ids)
    actions = sas.actions()
    first_note = actions.index(NOTE_CALL)
    assert "HandleSecurityEvents" in actions[:first_note]
    assert "DescribeSecurityEventOperationStatus" in actions[:first_note]


def test_notes_go_out_while_other_alerts_are_still_being_looked_up(sas):
    # two batches; the last alert's operations lookup takes a second in the service: the first batch is sent, its
    # task read and its notes added meanwhile, not after everything has settled
    alert_ids = sas.pick(24, op="ignore")
    sas.on_request("DescribeSecurityEventOperations",
                   lambda params: time.sleep(1.0) if str(params.get("SecurityEventId")) == str(alert_ids[-1]) else None,
                   times=len(alert_ids))
    report, _warnings = handled(sas, alert_ids=alert_ids)
    actions = sas.actions()
    last_lookup = len(actions) - 1 - actions[::-1].index("DescribeSecurityEventOperations")
    assert actions[:last_lookup].count(NOTE_CALL) >= 20
    assert sorted(noted_ids(sas)) == sorted(alert_ids) and set(notes_by_id(report).values()) == {"added"}


def test_without_a_note_nothing_is_noted_and_each_result_says_none(sas):
    alert_ids = sas.pick(2, op="ignore")
    report, _warnings = handled(sas, alert_ids=alert_ids, note=None)
    assert notes_by_id(report) == dict.fromkeys(alert_ids) and NOTE_CALL not in sas.actions()


def test_check_mode_sends_no_note_and_says_it_would_add_one(sas):
    [alert_id, unsupported] = sas.pick(2, op="ignore")
    sas.patch_alert(unsupported, restricted_ops=["ignore"])
    report, _warnings = handled(sas, check_mode=True, alert_ids=[alert_id, unsupported])
    assert notes_by_id(report) == {alert_id: "would_add", unsupported: "skipped"}
    assert NOTE_CALL not in sas.actions() and sas.writes() == [] and stored(sas, alert_id) == []


def test_alerts_submitted_without_waiting_get_no_note(sas):
    alert_ids = sas.pick(2, op="ignore")
    report, _warnings = handled(sas, alert_ids=alert_ids, wait=False)
    assert notes_by_id(report) == dict.fromkeys(alert_ids, "skipped") and NOTE_CALL not in sas.actions()


def test_the_notes_go_to_the_outcomes_the_table_calls_succeeding():
    assert set(SUCCEEDING_OUTCOMES) <= set(OUTCOMES) and "handled" in SUCCEEDING_OUTCOMES
    assert set(NOTE_STATES) == {"added", "would_add", "refused", "failed", "skipped"}


# --- refused and failed notes: warnings, never failures -----------------------------------------------

@pytest.mark.parametrize("note_refusal", ["in_body", "as_error"])
def test_a_note_refused_for_permission_is_a_warning_naming_the_ram_action_and_the_alerts_stay_handled(
        start_sas, note_refusal):
    sas = start_sas(note_refusal=note_refusal)
    alert_ids = sas.pick(3, op="ignore")
    sas.set_faults([{"action": NOTE_CALL, "fault": "no_permission", "rate": 1}])
    report, warnings = handled(sas, alert_ids=alert_ids)
    assert [result["outcome"] for result in report.results] == ["handled"] * 3 and not report.failed
    assert notes_by_id(report) == dict.fromkeys(alert_ids, "refused")
    [warning] = warnings
    assert RAM_ACTION == "yundun-sas:CreateSuspEventNote" and RAM_ACTION in warning
    assert warning.startswith("alerts %s:" % ", ".join(map(str, alert_ids)))
    assert len(noted_ids(sas)) == 3  # a refusal for permission is not tried again
    assert all(stored(sas, alert_id) == [] for alert_id in alert_ids)


@pytest.mark.parametrize("note_refusal", ["in_body", "as_error"])
def test_a_note_refused_otherwise_fails_alone_with_a_warning(start_sas, note_refusal):
    sas = start_sas(note_refusal=note_refusal)
    alert_ids = sas.pick(3, op="ignore")
    # One note finds its alert gone (vanish): SecurityEventNotExists, whatever form the refusal takes.
    sas.set_faults([{"action": NOTE_CALL, "fault": "vanish", "times": 1}])
    report, warnings = handled(sas, alert_ids=alert_ids, concurrency=1)
    states = notes_by_id(report)
    assert sorted(states.values()) == ["added", "added", "failed"]
    [gone] = [alert_id for alert_id, state in states.items() if state == "failed"]
    assert [result["outcome"] for result in report.results] == ["handled"] * 3 and not report.failed
    [warning] = warnings
    assert warning.startswith("alert %d: no note added: CreateSuspEventNote was refused by the service" % gone)
    assert "SecurityEventNotExists" in warning


def test_a_throttled_note_is_sent_again_and_one_whose_answer_was_lost_is_not(start_sas):
    sas = start_sas()
    [throttled, lost] = sas.pick(2, op="ignore")
    sas.set_faults([{"action": NOTE_CALL, "fault": "throttle", "times": 1}])
    # once the throttled note went through again, the next one's answer is a 500
    sas.on_request(NOTE_CALL, lambda params: sas.set_faults([{"action": NOTE_CALL, "fault": "internal_error"}]))
    report, warnings = handled(sas, alert_ids=[throttled, lost], concurrency=1)
    assert noted_ids(sas) == [throttled, throttled, lost]  # the 500 may have acted: never sent blindly again
    assert notes_by_id(report) == {throttled: "added", lost: "failed"}
    assert not report.failed and len(warnings) == 1 and "InternalError" in warnings[0]


def test_no_note_is_sent_once_the_run_was_killed(sas):
    alert_ids = sas.pick(2, op="ignore")
    writer = NoteWriter(sas.connection, NOTE, "ignore", 4, run_alive=lambda: False)
    assert writer.add(alert_ids, check_mode=False) == dict.fromkeys(alert_ids, "skipped")
    assert sas.requests() == [] and writer.warnings == []


# --- the audit trail ------------------------------------------------------------------------------

def trail(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_note_is_written_down_before_and_after_its_call(start_sas, tmp_path):
    sas = start_sas()
    [noted, refused] = sas.pick(2, op="ignore")
    sas.on_request(NOTE_CALL, lambda params: sas.set_faults([{"action": NOTE_CALL, "fault": "no_permission"}])
                   if params["EventId"] == str(noted) else None, times=2)
    audit = AuditLog(str(tmp_path / "audit.jsonl"), {"account": "prod", "note": "a context key of the user's"})
    audit.open()
    report, _warnings = handled(sas, alert_ids=[noted, refused], audit=audit, concurrency=1)
    audit.close()
    assert notes_by_id(report) == {noted: "added", refused: "refused"}
    lines = [line for line in trail(tmp_path / "audit.jsonl") if line["event"].startswith("note_")]
    request = {"event": "note_request", "operation": "ignore", "note_text": NOTE, "account": "prod",
               "note": "a context key of the user's"}
    assert [{k: v for k, v in line.items() if k != "time"} for line in lines] == [
        dict(request, alert_ids=[noted]),
        dict(request, event="note_response", alert_ids=[noted], result="accepted", error_code=None,
             error_kind=None, message=None, request_id=lines[1]["request_id"]),
        dict(request, alert_ids=[refused]),
        dict(request, event="note_response", alert_ids=[refused], result="error", error_code="NoPermission",
             error_kind="api", message=lines[3]["message"], request_id=lines[3]["request_id"]),
    ]
    assert lines[1]["request_id"] and "caller has no permission" in lines[3]["message"]
    assert list(lines[0])[:5] == ["time", "event", "operation", "alert_ids", "note_text"]
    assert "note_text" in RESERVED_KEYS and "note" not in RESERVED_KEYS


def test_a_note_whose_request_line_cannot_be_written_is_not_sent(sas, tmp_path):
    alert_ids = sas.pick(2, op="ignore")
    audit = AuditLog(str(tmp_path / "audit.jsonl"))
    audit.open()
    handle_lines = audit.record

    def record(event):
        if event["event"] == "note_request":
            raise AuditLogError("audit_log %s: a note_request line could not be written (disk full)" % audit.path)
        handle_lines(event)

    audit.record = record
    report, warnings = handled(sas, alert_ids=alert_ids, audit=audit)
    audit.close()
    assert notes_by_id(report) == dict.fromkeys(alert_ids, "failed") and NOTE_CALL not in sas.actions()
    assert [result["outcome"] for result in report.results] == ["handled", "handled"]
    [warning] = warnings
    assert "no note added: not sent, audit_log" in warning and "disk full" in warning


# --- the call and its errors --------------------------------------------------------------------

def test_an_answer_without_success_is_a_bad_response_and_success_false_an_api_error():
    class Connection:
        def __init__(self, body):
            self.body = body

        def call(self, action, write=False, **params):
            assert (action, write, params) == (NOTE_CALL, True, {"event_id": 7, "note": "n"})
            return self.body

    answer = dict(request_id="R1", code=None, message=None, http_status_code=None, success=None)
    with pytest.raises(SasApiError) as missing:
        create_susp_event_note(Connection(SimpleNamespace(**answer)), 7, "n")
    assert missing.value.kind == errors.BAD_RESPONSE and missing.value.request_id == "R1"
    refused = dict(answer, success=False, code="NoPermission", message="caller has no permission",
                   http_status_code=403)
    with pytest.raises(SasApiError) as caught:
        create_susp_event_note(Connection(SimpleNamespace(**refused)), 7, "n")
    error = caught.value
    assert (error.kind, error.code, error.http_status, error.request_id) == (errors.API, "NoPermission", 403, "R1")
    assert error.permission_refused and not error.transient
    assert create_susp_event_note(Connection(SimpleNamespace(**dict(answer, success=True))), 7, "n") == "R1"


@pytest.mark.parametrize("code, status, refused", [
    ("NoPermission", 403, True),
    ("NoPermission", 400, True),
    ("Forbidden.RAM", 403, True),
    ("SomethingElse", 403, True),
    ("SecurityEventNotExists", 400, False),
    ("Throttling.User", 400, False),
    ("InvalidAccessKeyId.NotFound", 404, False),
])
def test_permission_refused_is_a_permission_code_or_http_403(code, status, refused):
    error = SasApiError(NOTE_CALL, errors.API, "m", code=code, http_status=status)
    assert error.permission_refused is refused
    assert SasApiError(NOTE_CALL, errors.AMBIGUOUS, "m", http_status=403).permission_refused is False
