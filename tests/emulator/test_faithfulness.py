"""Proof that every body the emulator sends is exactly what the SDK's response models read:
``Model().from_map(raw).to_map() == raw`` unchanged, and every value has the model's type
(the SDK does no coercion, SAS_API.md §1.7)."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.model import DaraModel
from sas_emu_helpers import SpyClient, find_pending, handle, make_client, raw_call, task_status, wait_task, zh_type

UUID_UPPER = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
SCALARS = {"int": int, "str": str, "bool": bool, "float": float}


def is_json_type(value: Any, expected: type) -> bool:
    """isinstance, but exact for JSON: bool is an int subclass in Python, yet True on the wire is no number."""
    if isinstance(value, bool):
        return expected is bool
    return isinstance(value, expected)


def check_types(model: DaraModel, path: str = "") -> int:
    """Walk a model filled by from_map; assert each value matches its annotation. Returns #values."""
    checked = 0
    for name, parameter in inspect.signature(type(model).__init__).parameters.items():
        if name == "self":
            continue
        value = getattr(model, name)
        if value is None:
            continue
        checked += _check_value(value, str(parameter.annotation), f"{path}.{name}")
    return checked


def _check_value(value: Any, annotation: str, path: str) -> int:
    if annotation in SCALARS:
        expected = SCALARS[annotation]
        assert is_json_type(value, expected), f"{path}: {value!r} is {type(value).__name__}, model says {annotation}"
        return 1
    if annotation.startswith("List["):
        assert isinstance(value, list), f"{path}: expected a list"
        inner = annotation[len("List["):-1]
        return sum(_check_value(item, inner, f"{path}[{i}]") for i, item in enumerate(value))
    if annotation.startswith("main_models."):
        assert isinstance(value, DaraModel), f"{path}: expected {annotation}"
        return check_types(value, path)
    raise AssertionError(f"{path}: unhandled annotation {annotation}")


def assert_faithful(raw: dict[str, Any], model_class: type[DaraModel]) -> DaraModel:
    model = model_class().from_map(raw)
    assert model.to_map() == raw, "the SDK model would change this body"
    assert check_types(model) > 0
    assert UUID_UPPER.match(raw["RequestId"]), raw["RequestId"]
    return model


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_describe_susp_events_round_trips(client: SpyClient, lang: str) -> None:
    for dealed in ("N", "Y"):
        client.describe_susp_events(sas_models.DescribeSuspEventsRequest(
            lang=lang, dealed=dealed, page_size="100", current_page="1"))
        body = assert_faithful(client.last_raw, sas_models.DescribeSuspEventsResponseBody)
        assert body.susp_events, "the dataset has alerts in both states"
        for event in client.last_raw["SuspEvents"]:
            assert is_json_type(event["EventStatus"], int)
            for key in ("Details", "EventNotes", "TacticItems"):
                assert isinstance(event[key], list)
    # container alerts carry the lower-camel clusterId
    client.describe_susp_events(sas_models.DescribeSuspEventsRequest(
        parent_event_types=zh_type("Container cluster anomalies"), page_size="100", lang="en"))
    containers = client.last_raw["SuspEvents"]
    assert containers and all(e["clusterId"] == e["K8sClusterId"] for e in containers)
    assert_faithful(client.last_raw, sas_models.DescribeSuspEventsResponseBody)


def test_empty_page_still_has_every_list(client: SpyClient) -> None:
    client.describe_susp_events(sas_models.DescribeSuspEventsRequest(current_page="99", page_size="100"))
    raw = client.last_raw
    assert raw["SuspEvents"] == [] and raw["Count"] == 0 and raw["TotalCount"] > 0
    assert_faithful(raw, sas_models.DescribeSuspEventsResponseBody)


def test_describe_susp_event_detail_round_trips(client: SpyClient) -> None:
    alert = find_pending(client)[0]
    client.describe_susp_event_detail(sas_models.DescribeSuspEventDetailRequest(
        suspicious_event_id=alert["Id"], from_="sas", lang="en"))
    body = assert_faithful(client.last_raw, sas_models.DescribeSuspEventDetailResponseBody)
    assert client.last_raw["EventStatus"] == "1"  # a string in this model
    assert body.details and body.id == alert["Id"]


def test_describe_security_event_operations_round_trips(client: SpyClient) -> None:
    with_rules = 0
    for alert in find_pending(client):
        client.describe_security_event_operations(sas_models.DescribeSecurityEventOperationsRequest(
            security_event_id=alert["Id"], lang="en"))
        raw = client.last_raw
        assert_faithful(raw, sas_models.DescribeSecurityEventOperationsResponseBody)
        for op in raw["SecurityEventOperationsResponse"]:
            assert set(op) >= {"OperationCode", "OperationParams", "UserCanOperate", "MarkField",
                               "MarkFieldsSource", "MappingMarkFields"}
            assert isinstance(json.loads(op["OperationParams"]), dict)
            for mark in op["MarkField"]:  # existing whitelist rules, with the API's "Filed" spelling
                assert set(mark) == {"FiledName", "FiledAliasName", "MarkMisType", "MarkMisValue", "Uuid",
                                     "SupportedMisType"}
                with_rules += 1
    assert with_rules > 0, "the dataset has pending alerts with existing whitelist rules"


def test_handle_and_status_round_trip(client: SpyClient) -> None:
    alert = find_pending(client, with_op="ignore")[0]
    task_id = handle(client, "ignore", [alert["Id"]])
    raw = client.last_raw
    assert_faithful(raw, sas_models.HandleSecurityEventsResponseBody)
    assert set(raw) == {"RequestId", "HandleSecurityEventsResponse"}
    assert is_json_type(raw["HandleSecurityEventsResponse"]["TaskId"], int)
    for dummy in range(2):  # once Processing, once finished
        task_status(client, task_id)
        raw = client.last_raw
        assert_faithful(raw, sas_models.DescribeSecurityEventOperationStatusResponseBody)
        status = raw["SecurityEventOperationStatusResponse"]["SecurityEventOperationStatuses"][0]
        assert status["SecurityEventId"] == str(alert["Id"])  # a string in this model
        wait_task(client, task_id)


def test_note_bodies_and_event_notes_round_trip(fresh_emulator, client: SpyClient) -> None:
    alert = find_pending(client)[0]
    client.create_susp_event_note(sas_models.CreateSuspEventNoteRequest(event_id=alert["Id"], note="handled"))
    assert_faithful(client.last_raw, sas_models.CreateSuspEventNoteResponseBody)
    assert client.last_raw["Success"] is True and client.last_raw["Code"] == "200"  # a string in this model
    fresh_emulator.configure(note_refusal="in_body")
    client.create_susp_event_note(sas_models.CreateSuspEventNoteRequest(event_id=1, note="handled"))
    assert_faithful(client.last_raw, sas_models.CreateSuspEventNoteResponseBody)
    assert (client.last_raw["Success"], client.last_raw["HttpStatusCode"]) == (False, 400)
    client.describe_susp_events(sas_models.DescribeSuspEventsRequest(id=alert["Id"], status="0", lang="en"))
    assert_faithful(client.last_raw, sas_models.DescribeSuspEventsResponseBody)
    [note] = client.last_raw["SuspEvents"][0]["EventNotes"]
    assert set(note) == {"Note", "NoteId", "NoteTime"} and is_json_type(note["NoteId"], int)


def test_error_bodies_are_pop_errors(fresh_emulator) -> None:
    client = make_client(fresh_emulator)
    with pytest.raises(ClientException) as caught:
        client.describe_security_event_operations(sas_models.DescribeSecurityEventOperationsRequest(
            security_event_id=1))
    error = caught.value
    data = dict(error.data)
    assert data.pop("statusCode") == 400
    assert set(data) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert all(is_json_type(v, str) for v in data.values())
    assert data["Code"] == error.code == "SecurityEventNotExists"
    assert data["Message"] == "Security event not exists."
    assert error.message == f"code: 400, Security event not exists. request id: {data['RequestId']}"
    assert UUID_UPPER.match(data["RequestId"]) and error.request_id == data["RequestId"]
    assert data["HostId"] == "tds.aliyuncs.com"
    assert data["Recommend"].startswith("https://api.alibabacloud.com/troubleshoot?")
    assert "q=SecurityEventNotExists" in data["Recommend"] and data["RequestId"] in data["Recommend"]


def test_wire_headers(fresh_emulator) -> None:
    status, headers, body = raw_call(fresh_emulator, "DescribeSuspEvents", {"PageSize": "1"})
    assert status == 200
    assert headers["content-type"] == "application/json;charset=utf-8"
    assert headers["x-acs-request-id"] == json.loads(body)["RequestId"]
    status, headers, body = raw_call(fresh_emulator, "DescribeSecurityEventOperations", {})
    assert status == 400 and headers["content-type"] == "application/json;charset=utf-8"
    assert json.loads(body)["Code"] == "MissingParameter"
