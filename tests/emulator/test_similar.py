"""Similar alerts through the real SDK: DescribeSimilarEventScenarios, the asynchronous
CreateSimilarSecurityEventsQueryTask (its first reads empty, the reading similar_empty_reads), the pages of
DescribeSimilarSecurityEvents, HandleSimilarSecurityEvents, and a member's similar alerts."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from sas_emu_helpers import SpyClient, client_error, find_pending, list_alerts, make_client

from sas_emulator.testing import EmulatorHandle

SCENARIO_KEYS = {"same_ip": ("login_source_ip", "call_source_ip", "remote_ip"), "same_file_content": ("md5",),
                 "same_url": ("url",)}


def scenarios(client: SpyClient, alert_id: int) -> list[str]:
    body = client.describe_similar_event_scenarios(
        sas_models.DescribeSimilarEventScenariosRequest(security_event_id=alert_id)).body
    return [scenario.code for scenario in body.scenarios]


def create(client: SpyClient, alert_id: int, scenario: str | None = None, **kwargs: Any) -> Any:
    return client.create_similar_security_events_query_task(sas_models.CreateSimilarSecurityEventsQueryTaskRequest(
        security_event_id=alert_id, similar_event_scenario_code=scenario, **kwargs)).body \
        .create_similar_security_events_query_task_response


def read(client: SpyClient, task_id: int, page: int = 1, size: int = 20) -> Any:
    return client.describe_similar_security_events(sas_models.DescribeSimilarSecurityEventsRequest(
        task_id=task_id, current_page=page, page_size=size, lang="en")).body


def group(client: SpyClient, task_id: int) -> list[int]:
    """The ids of the task's group, once its results show (the reads before are empty)."""
    for dummy in range(5):
        body = read(client, task_id, size=100)
        if body.page_info.total_count:
            return [event.security_event_id for event in body.security_events_response]
    return []


def value(alert: dict[str, Any], scenario: str) -> str | None:
    return next((d["Value"] for key in SCENARIO_KEYS[scenario] for d in alert["Details"]
                 if d["Value"] and detail_key(d) == key), None)


def detail_key(detail: dict[str, Any]) -> str:
    names = {"Logon source IP": "login_source_ip", "Call source IP": "call_source_ip", "Remote IP": "remote_ip",
             "File MD5": "md5", "Request URL": "url"}
    return names.get(detail["NameDisplay"], "")


def grouped(client: SpyClient, scenario: str) -> dict[str, Any]:
    """A pending alert with at least one other pending alert of its name sharing the scenario's value."""
    pending = find_pending(client)
    for alert in pending:
        shared = value(alert, scenario)
        if shared and sum(1 for a in pending if a["AlarmEventName"] == alert["AlarmEventName"]
                          and value(a, scenario) == shared) > 1:
            return alert
    raise AssertionError(f"the data set has no group for {scenario}")


def test_scenarios_follow_the_alerts_details(fresh_emulator, client: SpyClient) -> None:
    for alert in find_pending(client):
        expected = ["default"] + [code for code in SCENARIO_KEYS if value(alert, code)]
        assert scenarios(client, alert["Id"]) == expected
        assert client.last_raw["Scenarios"] == [{"Code": code} for code in expected]
    assert client_error(lambda: scenarios(client, 1)).code == "SecurityEventNotExists"


@pytest.mark.parametrize("scenario", ["same_ip", "same_file_content", "same_url"])
def test_the_data_set_holds_a_group_for_each_scenario(fresh_emulator, client: SpyClient, scenario: str) -> None:
    alert = grouped(client, scenario)
    task = create(client, alert["Id"], scenario)
    members = group(client, task.task_id)
    pending = {a["Id"]: a for a in find_pending(client)}
    assert alert["Id"] in members and len(members) > 1
    assert all(pending[i]["AlarmEventName"] == alert["AlarmEventName"] for i in members)
    assert {value(pending[i], scenario) for i in members} == {value(alert, scenario)}
    assert set(members) <= set(group(client, create(client, alert["Id"]).task_id))  # default: the whole name


def test_the_first_read_of_a_query_task_is_empty(fresh_emulator, client: SpyClient) -> None:
    alert = grouped(client, "same_file_content")
    task = create(client, alert["Id"])
    assert (task.status, client.last_raw["CreateSimilarSecurityEventsQueryTaskResponse"]["Status"]) == ("New", "New")
    first = read(client, task.task_id)
    assert (first.page_info.total_count, first.page_info.count, first.security_events_response) == (0, 0, [])
    second = read(client, task.task_id)
    assert second.page_info.total_count == second.page_info.count > 1
    assert second.to_map() == client.last_raw  # PageInfo, ms timestamps, int ids: the model's types
    event = second.security_events_response[0]
    assert isinstance(event.last_time, int) and isinstance(event.security_event_id, int) and event.uuid


@pytest.mark.parametrize("empty_reads", [0, 3])
def test_the_empty_reads_are_a_reading(fresh_emulator, client: SpyClient, empty_reads: int) -> None:
    fresh_emulator.configure(similar_empty_reads=empty_reads)
    task = create(client, grouped(client, "same_file_content")["Id"])
    assert task.status == ("Success" if empty_reads == 0 else "New")
    totals = [read(client, task.task_id).page_info.total_count for dummy in range(empty_reads + 1)]
    assert totals[:-1] == [0] * empty_reads and totals[-1] > 1


def test_pages_neither_overlap_nor_skip(fresh_emulator, client: SpyClient) -> None:
    task_id = create(client, grouped(client, "same_file_content")["Id"], "default").task_id
    whole = group(client, task_id)
    pages = [read(client, task_id, page, 1) for page in range(1, len(whole) + 2)]
    assert [e.security_event_id for p in pages for e in p.security_events_response] == whole
    assert pages[-1].page_info.count == 0 and pages[0].page_info.total_count == len(whole)
    assert client_error(lambda: read(client, task_id, size=101)).code == "InvalidParameter"


def test_requests_the_service_refuses(fresh_emulator, client: SpyClient) -> None:
    alert = next(a for a in find_pending(client) if not value(a, "same_url"))
    assert client_error(lambda: create(client, alert["Id"], "same_url")).code == "InvalidParam"
    assert client_error(lambda: create(client, alert["Id"], "same_name")).code == "InvalidParam"
    assert client_error(lambda: create(client, 1)).code == "SecurityEventNotExists"
    assert client_error(lambda: read(client, 1)).code == "InvalidParam"
    dry = client_error(lambda: create(client, alert["Id"], dry_run=True))
    assert dry.code == "DryRunOperation"
    first = create(client, alert["Id"], client_token="triage-1")
    assert create(client, alert["Id"], client_token="triage-1").task_id == first.task_id
    assert create(client, alert["Id"], client_token="triage-2").task_id == first.task_id + 1  # none for the dry run


def test_handle_similar_acts_on_the_whole_group(fresh_emulator, client: SpyClient) -> None:
    alert = grouped(client, "same_file_content")
    task_id = create(client, alert["Id"], "same_file_content").task_id
    members = group(client, task_id)
    body = client.handle_similar_security_events(sas_models.HandleSimilarSecurityEventsRequest(
        task_id=task_id, operation_code="ignore", operation_params="{}", remark="similar")).body
    assert set(client.last_raw) == {"RequestId"} and body.request_id
    assert {fresh_emulator.alert(i)["status"] for i in members} <= {16, 2}
    assert all(fresh_emulator.alert(i)["tasks"][-1]["operation"] == "ignore" for i in members)
    refused = client_error(lambda: client.handle_similar_security_events(
        sas_models.HandleSimilarSecurityEventsRequest(task_id=1, operation_code="ignore")))
    assert refused.code == "InvalidParam"


@pytest.fixture(scope="module")
def organisation(sas_emulator) -> EmulatorHandle:
    return sas_emulator("--alerts", "10", "--seed", "3", "--members", "1", "--member-alerts", "20")


def test_a_members_similar_alerts(organisation: EmulatorHandle) -> None:
    organisation.reset()
    organisation.configure(member_alert_by_id="refused", similar_empty_reads=0)
    client = make_client(organisation)
    [member] = organisation.accounts()["members"]
    alert = list_alerts(client, dealed="N", resource_directory_account_id=member)[0]
    assert client_error(lambda: scenarios(client, alert["Id"])).code == "SecurityEventNotExists"
    assert client_error(lambda: create(client, alert["Id"])).code == "SecurityEventNotExists"
    task_id = create(client, alert["Id"], resource_directory_account_id=member).task_id
    assert client_error(lambda: read(client, task_id)).code == "InvalidParam"
    organisation.configure(member_alert_by_id="found")
    assert alert["Id"] in group(client, task_id) and scenarios(client, alert["Id"])[0] == "default"
