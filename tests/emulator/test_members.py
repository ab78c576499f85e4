"""Member accounts (--members): a Resource Directory administrator's calls through the real SDK. DescribeMonitorAccounts
lists the members; each member's alerts are seen and changed only with its ResourceDirectoryAccountId; an id outside
the organisation is refused; the two APIs without the parameter find a member's alert or task as the reading
member_alert_by_id says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from sas_emu_helpers import (
    SpyClient,
    client_error,
    handle,
    list_alerts,
    make_client,
    run_cli,
    task_status,
    wait_task,
)

from sas_emulator import dataset as ds
from sas_emulator.readings import Readings
from sas_emulator.testing import EmulatorHandle, start_emulator

MEMBERS, MEMBER_ALERTS = 3, 6
NOT_A_MEMBER = 1234567890123456


@pytest.fixture(scope="module")
def organisation() -> Iterator[EmulatorHandle]:
    handle_ = start_emulator("--qps", "0", "--alerts", "20", "--seed", "5", "--task-delay-ms", "100",
                             "--members", str(MEMBERS), "--member-alerts", str(MEMBER_ALERTS))
    yield handle_
    handle_.stop()


@pytest.fixture
def org(organisation: EmulatorHandle) -> EmulatorHandle:
    organisation.reset()
    organisation.configure(**Readings().readings())
    return organisation


@pytest.fixture
def client(org: EmulatorHandle) -> SpyClient:
    return make_client(org)


def members(client: SpyClient) -> list[int]:
    return [int(uid) for uid in client.describe_monitor_accounts().body.account_ids]


def pending(client: SpyClient, member: int | None = None) -> list[dict[str, Any]]:
    return list_alerts(client, dealed="N", resource_directory_account_id=member)


def detail(client: SpyClient, alert_id: int, member: int | None = None) -> Any:
    return client.describe_susp_event_detail(sas_models.DescribeSuspEventDetailRequest(
        suspicious_event_id=alert_id, from_="sas", resource_directory_account_id=member)).body


def operations(client: SpyClient, alert_id: int) -> Any:
    return client.describe_security_event_operations(
        sas_models.DescribeSecurityEventOperationsRequest(security_event_id=alert_id)).body


def note(client: SpyClient, alert_id: int, text: str, member: int | None = None) -> Any:
    return client.create_susp_event_note(sas_models.CreateSuspEventNoteRequest(
        event_id=alert_id, note=text, resource_directory_account_id=member)).body


def test_describe_monitor_accounts_lists_the_members_with_their_edition(org, client: SpyClient) -> None:
    body = client.describe_monitor_accounts().body
    admin = org.accounts()["administrator"]
    assert len(body.account_ids) == MEMBERS == len(set(body.account_ids))
    assert all(len(uid) == 16 and uid.isdigit() for uid in body.account_ids) and str(admin) not in body.account_ids
    assert [info.account_id for info in body.account_id_infos] == body.account_ids
    now = time.time()
    for info in body.account_id_infos:
        assert info.operator_uid == str(admin) and info.post_basic_service == 1
        assert info.sas_version in ds.MEMBER_EDITIONS and now - 400 * 86400 <= info.add_time < now
    assert body.to_map() == client.last_raw  # every field as the SDK model reads it, strings where it has strings
    assert org.accounts()["members"] == [int(uid) for uid in body.account_ids]


def test_without_members_the_list_is_empty(emulator: EmulatorHandle) -> None:
    body = make_client(emulator).describe_monitor_accounts().body
    assert (body.account_ids, body.account_id_infos) == ([], [])


def test_each_member_lists_its_own_alerts_and_the_administrator_none_of_them(org, client: SpyClient) -> None:
    admin = org.accounts()["administrator"]
    own = pending(client)
    assert own and {a["SourceAliUid"] for a in own} == {admin}
    seen = {a["Id"] for a in own}
    for member in members(client):
        listed = pending(client, member)
        assert len(listed) == MEMBER_ALERTS and {a["SourceAliUid"] for a in listed} == {member}
        ids = {a["Id"] for a in listed}
        assert not ids & seen and all(org.alert(i)["account"] == member for i in ids)
        seen |= ids
    assert pending(client, admin) == own  # the administrator's own id names its own account


def test_a_members_alert_is_invisible_without_its_id(client: SpyClient) -> None:
    first, second = members(client)[:2]
    alert_id = pending(client, first)[0]["Id"]
    assert detail(client, alert_id, first).id == alert_id
    for member in (None, second):
        assert client_error(lambda m=member: detail(client, alert_id, m)).code == "SecurityEventNotExists"
        assert list_alerts(client, id=alert_id, status="0", resource_directory_account_id=member) == []


def test_writes_reach_a_members_alert_with_its_id_only(org, client: SpyClient) -> None:
    first, second = members(client)[:2]
    alert_id = pending(client, first)[0]["Id"]
    for member in (None, second):
        refused = client_error(lambda m=member: handle(client, "ignore", [alert_id], resource_directory_account_id=m))
        assert refused.code == "SecurityEventNotExists"
        body = note(client, alert_id, "not yours", member)
        assert (body.success, body.code) == (False, "SecurityEventNotExists")
    assert org.alert(alert_id)["status"] == 1 and org.alert(alert_id)["notes"] == []
    assert note(client, alert_id, "reviewed", first).success is True
    handle(client, "ignore", [alert_id], resource_directory_account_id=first)
    assert [n["text"] for n in org.alert(alert_id)["notes"]] == ["reviewed"]
    assert org.alert(alert_id)["status"] in (16, 2)


def test_the_request_log_records_the_member_id(org, client: SpyClient) -> None:
    member = members(client)[0]
    alert_id = pending(client, member)[0]["Id"]
    handle(client, "ignore", [alert_id], resource_directory_account_id=member)
    logged = [r for r in org.requests() if r["action"] == "HandleSecurityEvents"][-1]  # the log outlives a reset
    assert logged["params"]["SecurityEventIds.1"] == str(alert_id)
    assert logged["params"]["ResourceDirectoryAccountId"] == str(member) and logged["status"] == 200


def test_an_id_outside_the_organisation_is_refused(org, client: SpyClient) -> None:
    alert_id = pending(client)[0]["Id"]
    calls = (lambda: pending(client, NOT_A_MEMBER), lambda: detail(client, alert_id, NOT_A_MEMBER),
             lambda: handle(client, "ignore", [alert_id], resource_directory_account_id=NOT_A_MEMBER))
    for call in calls:
        error = client_error(call)
        assert (error.code, error.data["statusCode"]) == ("NoPermission", 403)
        assert str(NOT_A_MEMBER) in error.data["Message"]
    assert note(client, alert_id, "x", NOT_A_MEMBER).code == "NoPermission"  # in a 200 body (note_refusal)
    assert org.alert(alert_id)["status"] == 1 and org.alert(alert_id)["notes"] == []


def test_by_default_the_apis_without_the_id_do_not_find_a_members_alert(org, client: SpyClient) -> None:
    member = members(client)[0]
    alert_id = pending(client, member)[0]["Id"]
    unknown = client_error(lambda: operations(client, 1))
    assert client_error(lambda: operations(client, alert_id)).code == unknown.code == "SecurityEventNotExists"
    task_id = handle(client, "ignore", [alert_id], resource_directory_account_id=member)
    assert client_error(lambda: task_status(client, task_id)).code == "OperationTaskNotExists"
    org.configure(status_call="either")
    assert client_error(lambda: task_status(client, None, [alert_id])).code == "OperationTaskNotExists"


def test_under_found_they_find_a_members_alert_and_task_by_id(org, client: SpyClient) -> None:
    org.configure(member_alert_by_id="found")
    member = members(client)[0]
    alert_id = pending(client, member)[0]["Id"]
    codes = [op.operation_code for op in operations(client, alert_id).security_event_operations_response]
    assert "ignore" in codes
    task_id = handle(client, "ignore", [alert_id], resource_directory_account_id=member)
    assert wait_task(client, task_id).task_status == "Success"
    assert org.alert(alert_id)["status"] == 2


def test_members_leave_the_administrators_data_as_it_was() -> None:
    plain, with_members = ds.generate(seed=5, alerts=20), ds.generate(seed=5, alerts=20, members=2, member_alerts=4)
    assert {k: v for k, v in with_members.items() if k != "members"} == plain
    assert with_members == ds.generate(seed=5, alerts=20, members=2, member_alerts=4)
    ids = [a["id"] for a in plain["alerts"]] + [a["id"] for m in with_members["members"] for a in m["alerts"]]
    assert len(ids) == len(set(ids)) == 28
    assert all(a["status"] == 1 for m in with_members["members"] for a in m["alerts"])


def test_a_dumped_organisation_loads_back(tmp_path, sas_emulator) -> None:
    path = tmp_path / "org.json"
    assert run_cli("--members", "2", "--member-alerts", "3", "--dump-dataset", str(path)).returncode == 0
    emu = sas_emulator("--dataset", str(path))
    assert emu.accounts()["members"] == [m["ali_uid"] for m in ds.load_dataset(path)["members"]]


@pytest.mark.parametrize(("args", "message"), [
    (("--dataset", str(ds.DEMO_DATASET), "--members", "2"), "cannot be combined"),
    (("--member-alerts", "3"), "--member-alerts needs --members"),
])
def test_member_options_that_cannot_work_are_refused(args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args, "--dump-dataset", "/dev/null")
    assert result.returncode == 2 and message in result.stderr
