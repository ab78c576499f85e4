"""A Resource Directory member account's alerts through its administrator's credentials (issue 20), end to end:
ansible-playbook with resource_directory_account_id in the action group's module_defaults, against an emulator with
member accounts, under both readings of member_alert_by_id (whether the two APIs without ResourceDirectoryAccountId
find a member's alert or task by its id)."""

from __future__ import annotations

import pytest
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FAST, QUOTA, by_id, calls, handle, module_task, sent_ids

from sas_emulator import dataset
from sas_emulator.testing import start_emulator

SEED, MEMBERS, MEMBER_ALERTS = 7, 2, 5
ACCOUNT = "ResourceDirectoryAccountId"
# The APIs whose SDK request takes ResourceDirectoryAccountId (SDK 10.3.2); the other two take no such parameter.
TAKE_IT = ("DescribeSuspEvents", "DescribeSuspEventDetail", "HandleSecurityEvents", "CreateSuspEventNote")


@pytest.fixture(params=["found", "refused"])
def organisation(request, tmp_path):
    """(emulator, reading): an administrator with two member accounts, the reading set."""
    emulator = start_emulator(*QUOTA, "--alerts", "20", "--seed", str(SEED), "--task-delay-ms", "200",
                              "--members", str(MEMBERS), "--member-alerts", str(MEMBER_ALERTS),
                              "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                              request_log=tmp_path / "requests.jsonl")
    emulator.configure(member_alert_by_id=request.param)
    yield emulator, request.param
    emulator.stop()


def member_alerts(member_index):
    """(account id, pending alert ids) of a member of `--members` at this seed, as the emulator loads it."""
    member = dataset.generate(seed=SEED, alerts=20, members=MEMBERS, member_alerts=MEMBER_ALERTS)["members"][
        member_index]
    return member["ali_uid"], sorted(alert["id"] for alert in member["alerts"])


def test_a_member_s_alerts_through_the_administrator(organisation, run_play):
    emulator, reading = organisation
    member, alert_ids = member_alerts(1)
    assert emulator.accounts()["members"][1] == member
    defaults = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                "resource_directory_account_id": member}
    tasks = [
        module_task("sas_alert_info", "listed", status="pending"),
        handle("handled", ignore_errors=True, alert_ids="{{ listed.alerts | map(attribute='id') | list }}",
               operation="ignore", note="triaged through the administrator", **FAST),
        module_task("sas_alert_operations_info", "offered", alert_ids=alert_ids[:2]),
    ]
    play = run_play(tasks, defaults=defaults)
    assert play.rc == 0, play.stdout
    assert sorted(alert["id"] for alert in play["listed"]["alerts"]) == alert_ids  # the member's, none other

    # Every call whose API takes the member account carries it; the two others cannot.
    for entry in emulator.requests():
        assert entry["params"].get(ACCOUNT) == (str(member) if entry["action"] in TAKE_IT else None), entry

    results = by_id(play["handled"])
    offered = {alert["id"]: alert for alert in play["offered"]["alerts"]}
    if reading == "found":  # as the administrator's own alerts
        assert play["handled"].get("failed") is not True
        assert {result["outcome"] for result in results.values()} == {"handled"}
        assert {result["note"] for result in results.values()} == {"added"}
        assert sorted(alert_id for write in calls(emulator, "HandleSecurityEvents")
                      for alert_id in sent_ids(write)) == alert_ids
        assert all(emulator.alert(alert_id)["status"] == 2 for alert_id in alert_ids)  # ignored
        assert [(alert["found"], alert["reason"]) for alert in offered.values()] == [(True, None)] * 2
        return
    # refused: nothing sent for any of them, each saying why; the module fails for them, the play goes on
    assert play["handled"]["failed"] is True
    assert calls(emulator, "HandleSecurityEvents") == [] and calls(emulator, "CreateSuspEventNote") == []
    assert sorted(results) == alert_ids
    why = ("DescribeSecurityEventOperations takes no ResourceDirectoryAccountId, so it may not look in member account "
           "%d" % member)
    for result in results.values():
        assert (result["outcome"], result["task_id"]) == ("failed", None)
        assert result["reason"].startswith("not sent: " + why), result["reason"]
    assert all(emulator.alert(alert_id)["status"] == 1 for alert_id in alert_ids)  # still pending
    assert [(alert["found"], alert["reason"]) for alert in offered.values()] == [(False, why)] * 2
