"""Chaos at a rate: fault rules with a rate, latency jitter, task chaos, someone in the console, the chaos
stats, --chaos and POST /_emulator/chaos, all deterministic per seed; and the warning of a bind beyond loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException
from sas_emu_helpers import (
    find_pending,
    handle,
    list_alerts,
    make_client,
    offered,
    run_cli,
    task_status,
    wait_task,
)

from sas_emulator.testing import EmulatorError, EmulatorHandle, start_emulator

LIST = sas_models.DescribeSuspEventsRequest(page_size="1")
TWIN_ARGS = ("--alerts", "30", "--task-delay-ms", "50")
CONSOLE_CODES = {"ignore.Success": 2, "manual_handled.Success": 32}


@pytest.fixture
def chaotic(fresh_emulator: EmulatorHandle) -> Iterator[EmulatorHandle]:
    """The shared emulator; reset afterwards too, so no chaos (a console thread above all) outlives the test."""
    yield fresh_emulator
    fresh_emulator.reset()


@pytest.fixture(scope="module")
def twins(sas_emulator) -> tuple[EmulatorHandle, EmulatorHandle, EmulatorHandle]:
    """Two emulators with one seed and a third with another."""
    return (sas_emulator(*TWIN_ARGS, "--seed", "3"), sas_emulator(*TWIN_ARGS, "--seed", "3"),
            sas_emulator(*TWIN_ARGS, "--seed", "4"))


def throttled(emu: EmulatorHandle, calls: int) -> list[bool]:
    """Which of ``calls`` listings were throttled."""
    client, outcome = make_client(emu), []
    for dummy in range(calls):
        try:
            client.describe_susp_events(LIST)
            outcome.append(False)
        except ClientException as exc:
            assert exc.code == "Throttling.User"
            outcome.append(True)
    return outcome


def pending_ids(emu: EmulatorHandle) -> set[int]:
    return {a["Id"] for a in list_alerts(make_client(emu), dealed="N")}


# --- fault rules with a rate -------------------------------------------------------------------------------

def test_a_rate_fires_at_that_rate_the_same_way_for_the_same_seed(twins) -> None:
    sequences = []
    for emu in twins:
        emu.reset()
        emu.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "rate": 0.2}])
        sequences.append(throttled(emu, 500))
        chaos = emu.stats()["chaos"]
        assert chaos["faults"] == {"throttle": sum(sequences[-1])}
        assert emu.stats()["faults"] == {"DescribeSuspEvents": {"throttle": sum(sequences[-1])}}
        assert len(emu.control("GET", "faults")["rules"]) == 1  # never used up
    same, twin, other = sequences
    assert 60 <= sum(same) <= 140
    assert same == twin and same != other
    twins[0].reset()  # reseeded: the same sequence again
    twins[0].set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "rate": 0.2}])
    assert throttled(twins[0], 100) == same[:100]


def test_rate_one_always_fires_and_one_fault_per_call(chaotic) -> None:
    chaotic.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "rate": 1.0, "retry_after_ms": 700},
                        {"action": "*", "fault": "unavailable", "rate": 1}])
    client = make_client(chaotic)
    for dummy in range(5):
        with pytest.raises(ThrottlingException) as caught:  # the first rule, in order
            client.describe_susp_events(LIST)
        assert caught.value.retry_after == 700
    with pytest.raises(ServerException) as caught:
        client.describe_security_event_operations(
            sas_models.DescribeSecurityEventOperationsRequest(security_event_id=1))
    assert caught.value.code == "ServiceUnavailable"
    assert chaotic.stats()["chaos"]["faults"] == {"throttle": 5, "unavailable": 1}


def test_faults_at_a_rate_that_do_the_work(chaotic) -> None:
    client = make_client(chaotic, read_timeout=300)
    first, second = (a["Id"] for a in find_pending(client)[:2])
    chaotic.set_faults([{"action": "HandleSecurityEvents", "fault": "timeout", "rate": 1, "delay_ms": 800}])
    with pytest.raises(UnretryableException):
        handle(client, "ignore", [first])
    chaotic.set_chaos(faults=[{"action": "HandleSecurityEvents", "fault": "reset_after_commit", "rate": 1}])
    with pytest.raises(UnretryableException):
        handle(client, "ignore", [second])
    for alert_id in (first, second):  # both writes happened
        [task] = chaotic.alert(alert_id)["tasks"]
        assert task["operation"] == "ignore"
    assert chaotic.stats()["chaos"]["faults"] == {"timeout": 1, "reset_after_commit": 1}


def test_a_race_at_a_rate(chaotic) -> None:
    client = make_client(chaotic)
    alert_id = find_pending(client)[0]["Id"]
    chaotic.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "handled_elsewhere", "rate": 1}])
    assert offered(client, alert_id) == {}  # handled meanwhile: nothing is offered any more
    assert chaotic.alert(alert_id)["status"] == 32


@pytest.mark.parametrize("rule, named", [
    ({"fault": "throttle", "rate": 0.5, "times": 2}, ("rate", "times")),
    ({"fault": "throttle", "rate": 0}, ("rate", "> 0")),
    ({"fault": "throttle", "rate": 1.5}, ("rate", "<= 1")),
    ({"fault": "throttle", "rate": "0.5"}, ("rate", "number")),
    ({"fault": "throttle", "rate": True}, ("rate",)),
])
def test_a_bad_rate_is_refused(chaotic, rule, named) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        chaotic.set_faults([{"action": "*", "fault": "drop"}, rule])
    assert "rules[1]" in str(caught.value) and all(word in str(caught.value) for word in named)
    assert chaotic.control("GET", "faults")["rules"] == []  # all or nothing


# --- jitter and task chaos ---------------------------------------------------------------------------------

def test_jitter_is_a_setting_and_delays_answers(chaotic) -> None:
    assert chaotic.config()["jitter_ms"] == 0
    assert chaotic.configure(jitter_ms=200)["jitter_ms"] == 200
    assert chaotic.chaos()["jitter_ms"] == 200
    client = make_client(chaotic)
    started = time.monotonic()
    for dummy in range(10):
        client.describe_susp_events(LIST)
    # ten seeded draws of 0..200 ms: about a second; far above 0.3 s, whatever the machine
    assert time.monotonic() - started >= 0.3
    with pytest.raises(EmulatorError, match="jitter_ms"):
        chaotic.configure(jitter_ms=-1)


def test_task_stuck_rate_one_leaves_tasks_processing(chaotic) -> None:
    client = make_client(chaotic)
    alert_id = find_pending(client)[0]["Id"]
    chaotic.configure(task_stuck_rate=1)
    task_id = handle(client, "ignore", [alert_id])
    time.sleep(0.4)  # well past --task-delay-ms
    assert task_status(client, task_id).task_status == "Processing"
    assert chaotic.alert(alert_id)["status"] == 16
    assert chaotic.stats()["chaos"]["tasks_stuck"] == 1
    chaotic.set_tasks_stuck(False, release=True)  # a released task is not drawn again
    assert wait_task(client, task_id).task_status == "Success"


def test_event_failed_rate_one_fails_every_alert(chaotic) -> None:
    client = make_client(chaotic)
    ids = [a["Id"] for a in find_pending(client)[:2]]
    chaotic.configure(event_failed_rate=1.0)
    status = wait_task(client, handle(client, "ignore", ids))
    assert status.task_status == "Failure"
    events = status.security_event_operation_statuses
    assert {(e.status, e.error_code) for e in events} == {("Failed", "ignore.Failure")}
    for alert_id in ids:
        state = chaotic.alert(alert_id)
        assert (state["status"], state["operate_error_code"]) == (1, "ignore.Failure")
    assert chaotic.stats()["chaos"]["events_failed"] == 2


def test_agent_offline_rate_one_fails_agent_side_operations_only(chaotic) -> None:
    client = make_client(chaotic)
    blocked = next(a["Id"] for a in find_pending(client) if offered(client, a["Id"]).get("block_ip", {}).get(
        "UserCanOperate") and chaotic.alert(a["Id"])["host"]["agent_online"])
    ignored = next(a["Id"] for a in find_pending(client) if a["Id"] != blocked)
    chaotic.configure(agent_offline_rate=1)
    params = offered(client, blocked)["block_ip"]["OperationParams"]
    status = wait_task(client, handle(client, "block_ip", [blocked], json.loads(params)))
    [event] = status.security_event_operation_statuses
    assert (status.task_status, event.status, event.error_code) == ("Failure", "Failed", "block_ip.AgentOffline")
    assert chaotic.alert(blocked)["status"] == 1
    assert chaotic.alert(blocked)["host"]["agent_online"]  # a flapping agent: the host record stays online
    assert wait_task(client, handle(client, "ignore", [ignored])).task_status == "Success"  # needs no agent
    assert chaotic.stats()["chaos"]["agents_offline"] == 1


def test_task_chaos_is_the_same_for_the_same_seed(twins) -> None:
    outcomes = []
    for emu in twins[:2]:
        emu.reset()
        client = make_client(emu)
        ids = [a["Id"] for a in find_pending(client)][:10]
        emu.configure(event_failed_rate=0.5)
        status = wait_task(client, handle(client, "ignore", ids))
        outcomes.append([(e.security_event_id, e.status) for e in status.security_event_operation_statuses])
        emu.reset()
    assert outcomes[0] == outcomes[1]
    assert {status for dummy, status in outcomes[0]} == {"Failed", "Success"}


# --- someone in the console -------------------------------------------------------------------------------

def test_the_console_handles_pending_alerts_until_reset(chaotic) -> None:
    before = pending_ids(chaotic)
    assert chaotic.set_console(50, 2) == {"interval_ms": 50, "alerts": 2}
    time.sleep(0.5)
    handled = before - pending_ids(chaotic)
    assert handled and chaotic.chaos()["console"] == {"interval_ms": 50, "alerts": 2}
    for alert_id in handled:
        state = chaotic.alert(alert_id)
        assert state["status"] == CONSOLE_CODES[state["operate_error_code"]]
        assert state["last_operation"] == state["operate_error_code"].split(".")[0]
        assert state["operate_time_ms"] > time.time() * 1000 - 5000
    assert chaotic.stats()["chaos"]["console_handled"] >= len(handled)
    chaotic.reset()
    assert chaotic.chaos()["console"] == {"interval_ms": 0, "alerts": 0}
    still = pending_ids(chaotic)
    time.sleep(0.2)
    assert pending_ids(chaotic) == still == before
    assert chaotic.stats()["chaos"]["console_handled"] == 0


def test_the_console_picks_the_same_alerts_for_the_same_seed(twins) -> None:
    picks = []
    for emu in twins[:2]:
        emu.reset()
        before = pending_ids(emu)
        emu.set_console(10, 1)
        deadline = time.monotonic() + 5
        while emu.stats()["chaos"]["console_handled"] < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        emu.set_console(0)
        handled = [emu.alert(i) for i in before - pending_ids(emu)]
        picks.append([(a["id"], a["status"]) for a in sorted(handled, key=lambda a: a["operate_time_ms"])][:3])
        emu.reset()
    assert len(picks[0]) == 3 and picks[0] == picks[1]


@pytest.mark.parametrize("body, named", [
    ({"interval_ms": 5, "alerts": 1}, "interval_ms"),
    ({"interval_ms": 100, "alerts": 0}, "alerts"),
    ({"interval_ms": "100"}, "interval_ms"),
    ({"interval_ms": 100, "people": 2}, "console must be"),
])
def test_a_bad_console_is_refused(chaotic, body, named) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        chaotic.control("POST", "console", body)
    assert named in str(caught.value)
    assert chaotic.control("GET", "console") == {"interval_ms": 0, "alerts": 0}


# --- one body for all of it --------------------------------------------------------------------------------

CHAOS = {"faults": [{"action": "DescribeSuspEventDetail", "fault": "internal_error", "rate": 0.5}],
         "jitter_ms": 3, "task_stuck_rate": 0.1, "event_failed_rate": 0.2, "agent_offline_rate": 0.3,
         "console": {"interval_ms": 1000, "alerts": 1}}


def test_the_chaos_body_round_trips_and_a_reset_ends_it(chaotic) -> None:
    answer = chaotic.set_chaos(**CHAOS)
    assert answer == chaotic.chaos()
    assert answer["faults"][0]["rate"] == 0.5 and answer["console"] == CHAOS["console"]
    assert {k: answer[k] for k in ("jitter_ms", "task_stuck_rate", "event_failed_rate", "agent_offline_rate")} == {
        "jitter_ms": 3, "task_stuck_rate": 0.1, "event_failed_rate": 0.2, "agent_offline_rate": 0.3}
    assert chaotic.config()["event_failed_rate"] == 0.2
    assert chaotic.set_chaos(**answer) == answer  # what GET answers, POST takes back
    assert chaotic.set_chaos(jitter_ms=0)["faults"] == answer["faults"]  # absent fields stay
    chaotic.reset()
    assert chaotic.chaos() == {"faults": [], "jitter_ms": 0, "task_stuck_rate": 0.0, "event_failed_rate": 0.0,
                               "agent_offline_rate": 0.0, "console": {"interval_ms": 0, "alerts": 0}}


@pytest.mark.parametrize("body, named", [
    ({"fualts": []}, "'fualts'"),
    ({"faults": {"action": "*"}}, "faults must be a list"),
    ({"faults": [{"fault": "throttle", "rate": 0.1, "times": 1}]}, "faults[0]"),
    ({"event_failed_rate": 2}, "event_failed_rate"),
    ({"task_stuck_rate": -0.1}, "task_stuck_rate"),
    ({"jitter_ms": 1.5}, "jitter_ms"),
    ({"console": {"interval_ms": 3}}, "interval_ms"),
])
def test_a_bad_chaos_body_is_refused_whole(chaotic, body, named) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        chaotic.set_chaos(agent_offline_rate=0.5, **body)
    assert named in str(caught.value)
    assert chaotic.chaos()["agent_offline_rate"] == 0.0


def test_chaos_on_the_command_line_survives_a_reset(tmp_path: Path, sas_emulator) -> None:
    path = tmp_path / "chaos.json"
    path.write_text(json.dumps({"faults": CHAOS["faults"], "event_failed_rate": 0.2}))
    emu = sas_emulator("--alerts", "5", "--chaos", f"@{path}", "--jitter-ms", "4", "--event-failed-rate", "0.9",
                       "--console-interval-ms", "60000", "--console-alerts", "2")
    started = emu.chaos()
    assert started["faults"][0]["rate"] == 0.5 and started["jitter_ms"] == 4
    assert started["event_failed_rate"] == 0.2  # --chaos wins over the option
    assert started["console"] == {"interval_ms": 60000, "alerts": 2}
    emu.set_chaos(faults=[], event_failed_rate=0, console={"interval_ms": 0})
    emu.reset()
    assert emu.chaos() == started


@pytest.mark.parametrize("args, message", [
    (("--chaos", '{"faults": [{"fault": "throttle", "rate": 2}]}'), "faults[0]: rate must be"),
    (("--chaos", '{"jitter": 1}'), "unknown chaos field 'jitter'"),
    (("--chaos", "[1]"), "chaos must be a JSON object"),
    (("--chaos", "{oops"), "--chaos: not JSON"),
    (("--chaos", "@/nonexistent/chaos.json"), "cannot read"),
    (("--task-stuck-rate", "1.5"), "--task-stuck-rate"),
    (("--console-interval-ms", "5"), "--console-interval-ms"),
    (("--console-alerts", "2"), "--console-alerts needs --console-interval-ms"),
])
def test_bad_chaos_options_exit_2(args, message) -> None:
    result = run_cli("--port", "0", "--alerts", "2", *args)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""


# --- the bind ---------------------------------------------------------------------------------------------

def test_a_bind_beyond_loopback_warns(emulator: EmulatorHandle) -> None:
    exposed = start_emulator("--qps", "0", "--alerts", "2", "--host", "0.0.0.0")
    try:
        warning = exposed.stderr()
    finally:
        exposed.stop()
    assert "WARNING" in warning and "beyond loopback" in warning and "0.0.0.0" in warning
    assert "test keys" in warning and "not for exposure" in warning
    assert "beyond loopback" not in emulator.stderr()  # the default, 127.0.0.1
