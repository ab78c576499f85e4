"""Alerts that arrive while the emulator runs (what an event-driven source polling for new alerts meets):
POST /_emulator/alerts, --new-alerts-per-minute and new_alerts_per_minute in the config, through the real SDK."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException
from sas_emu_helpers import handle, list_alerts, make_client, offered, run_cli, wait_task

from sas_emulator import catalog
from sas_emulator import dataset as ds
from sas_emulator.readings import STRICTEST
from sas_emulator.server import EmulatorConfig, EmulatorServer
from sas_emulator.testing import EmulatorError, EmulatorHandle

TWIN_ARGS = ("--alerts", "20", "--task-delay-ms", "50")


def all_ids(client) -> set[int]:
    return {a["Id"] for a in list_alerts(client, status="0")}


def first_pending(client, count: int) -> list[dict]:
    request = sas_models.DescribeSuspEventsRequest(current_page="1", page_size=str(count), dealed="N")
    return [e.to_map() for e in client.describe_susp_events(request).body.susp_events]


def pending_total(client) -> int:
    first_pending(client, 1)
    return client.last_raw["TotalCount"]


def wait_for_added(emu: EmulatorHandle, at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while emu.stats()["alerts_added"] < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
    return emu.stats()["alerts_added"]


def arrivals_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sas-emulator-arrivals"]


@pytest.fixture
def emu(fresh_emulator: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """The shared emulator, listing the newest pending alerts first (the reading these tests read the arrivals
    by); reset afterwards too, so the added alerts do not outlive the test."""
    fresh_emulator.configure(pending_order="newest")
    yield fresh_emulator
    fresh_emulator.configure(pending_order=STRICTEST["pending_order"])
    fresh_emulator.reset()


@pytest.fixture(scope="module")
def twins(sas_emulator) -> tuple[EmulatorHandle, EmulatorHandle, EmulatorHandle]:
    """Two emulators with one seed and a third with another."""
    return (sas_emulator(*TWIN_ARGS, "--seed", "11"), sas_emulator(*TWIN_ARGS, "--seed", "11"),
            sas_emulator(*TWIN_ARGS, "--seed", "12"))


# --- POST /_emulator/alerts ------------------------------------------------------------------------------

def test_added_alerts_are_pending_list_first_and_have_the_highest_ids(emu, client) -> None:
    before = all_ids(client)
    start_ms = time.time() * 1000 - 1000
    ids = emu.add_alerts(3)
    assert ids == list(range(ids[0], ids[0] + 3)) and ids[0] > max(before)
    listed = first_pending(client, 5)
    assert [a["Id"] for a in listed[:3]] == ids[::-1]  # one LastTime: Id desc
    for alert in listed[:3]:
        assert alert["EventStatus"] == 1
        assert alert["LastTimeStamp"] == alert["OccurrenceTimeStamp"] >= start_ms
        assert alert["Uuid"] in {h["uuid"] for h in emu.hosts()}
    assert all(a["LastTimeStamp"] < listed[0]["LastTimeStamp"] for a in listed[3:])
    later = emu.add_alerts(1)
    assert later[0] == ids[-1] + 1 and first_pending(client, 1)[0]["Id"] == later[0]
    assert emu.stats()["alerts_added"] == 4


def test_an_added_alert_offers_its_operations_and_is_handled_like_any_other(emu, client) -> None:
    name = catalog.ALERT_NAMES["mining_program"]
    ids = emu.add_alerts(2, name_key=name.key)
    for alert_id in ids:
        offers = offered(client, alert_id)
        assert list(offers) == list(name.operations)
        fields = {f["FiledName"] for f in offers["advance_mark_mis_info"]["MarkFieldsSource"]}
        assert fields == set(name.mark_fields)
    status = wait_task(client, handle(client, "ignore", ids))
    assert status.task_status == "Success"
    assert {e.error_code for e in status.security_event_operation_statuses} == {"ignore.Success"}
    assert [emu.alert(i)["status"] for i in ids] == [2, 2]
    assert not set(ids) & {a["Id"] for a in first_pending(client, 100)}


def test_the_fields_given_are_kept(emu, client) -> None:
    host = next(h for h in emu.hosts() if h["cluster"] is None)
    alert_id, = emu.add_alerts(1, level="remind", name_key="brute_force_success", host_uuid=host["uuid"])
    state = emu.alert(alert_id)
    assert (state["name_key"], state["level"], state["host"]["uuid"]) == ("brute_force_success", "remind", host["uuid"])
    assert state["details"]["failed_attempts"]  # the generator's details for the name
    listed = first_pending(client, 1)[0]
    assert (listed["Id"], listed["Level"], listed["Uuid"]) == (alert_id, "remind", host["uuid"])
    usual = emu.alert(emu.add_alerts(1, name_key="ak_leak_use")[0])
    assert (usual["level"], usual["host"]) == ("serious", None)  # the name's usual level; account-level: no host


def test_one_seed_adds_the_same_alerts(twins) -> None:
    added = []
    for emu in twins:
        emu.reset()
        ids = emu.add_alerts(6) + emu.add_alerts(2, level="serious")
        states = [emu.alert(i) for i in ids]
        added.append([(s["id"], s["name_key"], s["level"], (s["host"] or {}).get("uuid")) for s in states])
        emu.reset()
    same, twin, other = added
    assert same == twin and same != other
    assert len({name for dummy, name, dummy2, dummy3 in same}) > 1  # drawn, not one name over and over
    assert [level for dummy, dummy2, level, dummy3 in same[6:]] == ["serious", "serious"]


@pytest.mark.parametrize("body, named", [
    ({"count": 0}, "count"),
    ({"count": 1001}, "count"),
    ({"count": "2"}, "count"),
    ({"count": True}, "count"),
    ({"level": "high"}, "level must be one of serious, suspicious, remind"),
    ({"name_key": "no_such_alert"}, "login_unusual_location"),  # lists valid keys
    ({"host_uuid": "no-such-host"}, "host_uuid"),
    ({"colour": "red"}, "'colour'"),
    ({"name_key": "ak_leak_use", "host_uuid": "HOST"}, "leave host_uuid out"),
    ({"name_key": "privileged_container", "host_uuid": "HOST"}, "cluster node"),
])
def test_a_bad_field_is_refused_naming_it(emu, body, named) -> None:
    host = next(h for h in emu.hosts() if h["cluster"] is None)
    body = {k: host["uuid"] if v == "HOST" else v for k, v in body.items()}
    with pytest.raises(EmulatorError, match="400") as caught:
        emu.control("POST", "alerts", body)
    assert named in str(caught.value)
    assert emu.stats()["alerts_added"] == 0


def test_a_thousand_at_once(emu, client) -> None:
    pending = pending_total(client)
    ids = emu.add_alerts(1000)
    assert len(ids) == len(set(ids)) == 1000 and ids == sorted(ids)
    assert pending_total(client) == pending + 1000
    assert emu.stats()["alerts_added"] == 1000


def test_a_reset_removes_them_and_ids_keep_counting(emu, client) -> None:
    before = all_ids(client)
    ids = emu.add_alerts(2)
    emu.reset()
    assert all_ids(client) == before and emu.stats()["alerts_added"] == 0
    with pytest.raises(EmulatorError, match="404"):
        emu.alert(ids[0])
    after_reset, = emu.add_alerts(1)
    assert after_reset > ids[-1]
    # purged by the service (the vanish race): its id is not handed out again either
    emu.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "vanish"}])
    with pytest.raises(ClientException) as caught:
        offered(client, after_reset)
    assert caught.value.code == "SecurityEventNotExists"
    assert emu.add_alerts(1)[0] > after_reset


# --- at a rate ------------------------------------------------------------------------------------------

def test_new_alerts_per_minute_adds_them_and_stops_on_shutdown(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "10", "--new-alerts-per-minute", "600", "--reading", "pending_order=newest")
    assert emu.config()["new_alerts_per_minute"] == 600.0
    started = time.monotonic()
    added = wait_for_added(emu, 3, timeout=2.0)
    assert added >= 3 and time.monotonic() - started < 2.5
    time.sleep(0.6)
    assert 1 <= emu.stats()["alerts_added"] - added <= 20  # about 6 at one every 0.1 s
    added = emu.stats()["alerts_added"]
    client = make_client(emu)
    newest = first_pending(client, min(added, 100))
    assert [a["Id"] for a in newest] == sorted((a["Id"] for a in newest), reverse=True)
    assert emu.stop(timeout=5) == 0
    assert "failed" not in emu.stderr()


def test_the_rate_in_the_config(twins) -> None:
    emu = twins[2]
    emu.reset()
    try:
        assert emu.configure(new_alerts_per_minute=1200)["new_alerts_per_minute"] == 1200.0
        assert wait_for_added(emu, 3, timeout=2.0) >= 3
        emu.reset()  # the rate is config: it stays, and alerts go on arriving
        assert emu.config()["new_alerts_per_minute"] == 1200.0
        assert wait_for_added(emu, 1, timeout=2.0) >= 1
    finally:
        emu.configure(new_alerts_per_minute=0)
    stopped = emu.stats()["alerts_added"]
    time.sleep(0.2)
    assert emu.stats()["alerts_added"] == stopped and emu.config()["new_alerts_per_minute"] == 0
    emu.reset()


@pytest.mark.parametrize("value", [-1, "10", True, 60_001])
def test_a_bad_rate_is_refused(twins, value) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        twins[2].configure(new_alerts_per_minute=value)
    assert "new_alerts_per_minute" in str(caught.value)
    assert twins[2].config()["new_alerts_per_minute"] == 0


def test_a_bad_rate_on_the_command_line_exits_2() -> None:
    result = run_cli("--port", "0", "--new-alerts-per-minute", "-1")
    assert result.returncode == 2 and "--new-alerts-per-minute" in result.stderr
    assert "--new-alerts-per-minute" in run_cli("--help").stdout


def test_the_arrivals_thread_ends_with_the_server() -> None:
    server = EmulatorServer(EmulatorConfig(port=0, new_alerts_per_minute=6000), ds.generate(seed=1, alerts=5))
    try:
        assert len(arrivals_threads()) == 1
        deadline = time.monotonic() + 2
        while server.backend.alerts_added < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.backend.alerts_added >= 2
    finally:
        server.server_close()
    assert not arrivals_threads()
