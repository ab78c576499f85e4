"""CreateSuspEventNote through the real SDK: the note stored on the alert and listed in DescribeSuspEvents'
EventNotes, the request checks, the signature, and refusals under both readings of note_refusal (a 200 body with
Success false, or an error answer), a refusal for permission (the no_permission fault) among them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ClientException
from sas_emu_helpers import SpyClient, find_pending, handle, make_client, raw_call, wait_task

from sas_emulator.testing import EmulatorHandle

ACTION = "CreateSuspEventNote"
NOTE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def add_note(client: SpyClient, alert_id: Any, note: Any) -> Any:
    return client.create_susp_event_note(sas_models.CreateSuspEventNoteRequest(event_id=alert_id, note=note)).body


def event_notes(client: SpyClient, alert_id: int) -> list[dict[str, Any]]:
    """The alert's EventNotes as DescribeSuspEvents lists them (a lookup by Id, any status)."""
    body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(id=alert_id, status="0")).body
    [event] = body.susp_events
    return [note.to_map() for note in event.event_notes]


def refusal(emu: EmulatorHandle, client: SpyClient, alert_id: Any, note: Any, form: str) -> tuple[int, str, str]:
    """(HTTP status, Code, Message) of a note the emulator refuses, under note_refusal=form."""
    emu.configure(note_refusal=form)
    if form == "in_body":
        body = add_note(client, alert_id, note)
        assert body.success is False and client.last_raw["HttpStatusCode"] == body.http_status_code
        assert set(client.last_raw) == {"RequestId", "Success", "Code", "Message", "HttpStatusCode"}
        return body.http_status_code, body.code, body.message
    with pytest.raises(ClientException) as caught:
        add_note(client, alert_id, note)
    return caught.value.data["statusCode"], caught.value.code, caught.value.data["Message"]


def test_a_note_is_stored_on_the_alert_and_listed_oldest_first(fresh_emulator, client: SpyClient) -> None:
    alert_id = find_pending(client)[0]["Id"]
    assert event_notes(client, alert_id) == []
    body = add_note(client, alert_id, "handled by alibabacloud.sas: rule ignore-reminders, ignore")
    assert (body.success, body.code, body.http_status_code) == (True, "200", 200)
    add_note(client, alert_id, "已人工处理 - SOC")
    first, second = event_notes(client, alert_id)
    assert (first["Note"], second["Note"]) == ("handled by alibabacloud.sas: rule ignore-reminders, ignore",
                                               "已人工处理 - SOC")
    assert second["NoteId"] > first["NoteId"] and all(NOTE_TIME.match(n["NoteTime"]) for n in (first, second))
    state = fresh_emulator.alert(alert_id)["notes"]  # the state the end-to-end tests read
    assert [(n["id"], n["text"]) for n in state] == [(n["NoteId"], n["Note"]) for n in (first, second)]
    assert fresh_emulator.alert(alert_id)["status"] == 1  # a note handles nothing


def test_any_alert_takes_a_note_whatever_its_status_and_a_reset_drops_them(fresh_emulator, client) -> None:
    alert_id = find_pending(client)[0]["Id"]
    wait_task(client, handle(client, "ignore", [alert_id]))
    add_note(client, alert_id, "ignored by the triage")
    assert [n["Note"] for n in event_notes(client, alert_id)] == ["ignored by the triage"]
    fresh_emulator.reset()
    assert fresh_emulator.alert(alert_id)["notes"] == []


def test_the_note_call_is_signed_like_any_other(fresh_emulator, client) -> None:
    alert_id = str(find_pending(client)[0]["Id"])
    query = {"EventId": alert_id, "Note": "signed"}
    status, dummy, body = raw_call(fresh_emulator, ACTION, query, secret="not-the-secret")
    assert status == 400 and json.loads(body)["Code"] == "SignatureDoesNotMatch"
    status, dummy, body = raw_call(fresh_emulator, ACTION, query, sign=False)
    assert status == 400 and json.loads(body)["Code"] == "IncompleteSignature"
    assert fresh_emulator.alert(alert_id)["notes"] == []
    status, dummy, body = raw_call(fresh_emulator, ACTION, query)
    assert status == 200 and json.loads(body)["Success"] is True


@pytest.mark.parametrize("query, code, named", [
    ({"Note": "no event"}, "MissingParameter", "EventId"),
    ({"EventId": "abc", "Note": "x"}, "InvalidParameter", "EventId"),
    ({"EventId": "{id}"}, "MissingParameter", "Note"),
    ({"EventId": "{id}", "Note": ""}, "MissingParameter", "Note"),
    ({"EventId": "{id}", "Note": "x", "ResourceDirectoryAccountId": "me"}, "InvalidParameter",
     "ResourceDirectoryAccountId"),
])
@pytest.mark.parametrize("form", ["in_body", "as_error"])
def test_the_gateways_checks_are_error_answers_under_either_reading(
        fresh_emulator, client, query, code, named, form) -> None:
    fresh_emulator.configure(note_refusal=form)
    alert_id = str(find_pending(client)[0]["Id"])
    query = {key: value.replace("{id}", alert_id) for key, value in query.items()}
    status, dummy, body = raw_call(fresh_emulator, ACTION, query)
    error = json.loads(body)
    assert (status, error["Code"]) == (400, code) and f'"{named}"' in error["Message"]


@pytest.mark.parametrize("form", ["in_body", "as_error"])
def test_the_services_refusals_follow_the_reading(fresh_emulator, client, form) -> None:
    alert_id = find_pending(client)[0]["Id"]
    unknown = max(a["Id"] for a in find_pending(client)) + 10 ** 6
    assert refusal(fresh_emulator, client, unknown, "x", form) == (
        400, "SecurityEventNotExists", f"Security event not exists. EventId {unknown}.")
    assert refusal(fresh_emulator, client, alert_id, "x" * 501, form) == (
        400, "InvalidParam", 'There was an error with your request. Parameter "Note": At most 500 characters, got 501.')
    assert add_note(client, alert_id, "x" * 500).success is True
    assert [len(n["Note"]) for n in event_notes(client, alert_id)] == [500]


@pytest.mark.parametrize("form", ["in_body", "as_error"])
def test_a_note_refused_for_permission_stores_nothing(fresh_emulator, client, form) -> None:
    # The CreateSuspEventNote page lists 403 NoPermission "caller has no permission" [DOC]: the no_permission fault,
    # at a rate of 1 so that every note is refused while the other calls go through.
    alert_id = find_pending(client)[0]["Id"]
    fresh_emulator.set_faults([{"action": ACTION, "fault": "no_permission", "rate": 1}])
    for dummy in range(2):
        assert refusal(fresh_emulator, client, alert_id, "x", form) == (403, "NoPermission", "caller has no permission")
    assert fresh_emulator.alert(alert_id)["notes"] == [] and event_notes(client, alert_id) == []
    logged = [(r["status"], r["error_code"], r["fault"]) for r in fresh_emulator.requests() if r["action"] == ACTION]
    assert logged[-2:] == [(200 if form == "in_body" else 403, "NoPermission", "no_permission")] * 2
    assert fresh_emulator.stats()["errors"][ACTION] == {"NoPermission": 2}


def test_the_gateways_refusals_stay_error_answers_under_in_body(fresh_emulator, client) -> None:
    alert_id = find_pending(client)[0]["Id"]
    fresh_emulator.set_faults([{"action": ACTION, "fault": "throttle"}, {"action": ACTION, "fault": "unavailable"}])
    for status, code in ((400, "Throttling.User"), (503, "ServiceUnavailable")):
        with pytest.raises(AlibabaCloudException) as caught:  # ClientException, then ServerException
            add_note(client, alert_id, "x")
        assert (caught.value.data["statusCode"], caught.value.code) == (status, code)
    assert fresh_emulator.alert(alert_id)["notes"] == []


def test_an_alert_gone_just_before_its_note_is_refused(fresh_emulator, client) -> None:
    alert_id = find_pending(client)[0]["Id"]
    fresh_emulator.set_faults([{"action": ACTION, "fault": "vanish"}])  # races find the alert by EventId
    body = add_note(make_client(fresh_emulator), alert_id, "too late")
    assert (body.success, body.code) == (False, "SecurityEventNotExists")
