"""The triage through chaos (issue 10): nothing lost, nothing done twice, and a killed run resumed.

Each test starts its own emulator with RELIABILITY_ALERTS alerts and measures one row of figures. The
invariants are read from the emulator's own state (every task each alert was in) and its request log,
never from what the collection says about itself.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

import pytest
import run_processes
from conftest import ALERTS, base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sent_ids, writes
from triage_run import Triage, TriageRunner, read_audit, written_alert_ids

from sas_emulator import dataset
from sas_emulator.testing import start_emulator

PENDING = 1
SEED = 11
# Host operations and alert-only ones; nothing here fails for a reason the data holds once agents are online.
POLICY = [
    {"name": "block-unusual-logons", "match": {"alarm_event_type": "Unusual logon", "level": ["serious", "suspicious"]},
     "action": "block_ip", "params": {"block_duration": "1d"}},
    {"name": "quarantine-malware", "match": {"alarm_event_type_regex": "(?i)malicious process"},
     "action": "virus_quara_bin"},
    {"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"},
    {"name": "close-the-rest", "match": {"level": ["serious", "suspicious"]}, "action": "manual_handled"},
]
# The service's bad night: 20 % throttling, 5 % server errors, 2 % writes whose answer is lost after commit.
FAULTS = [
    {"action": "HandleSecurityEvents", "fault": "reset_after_commit", "rate": 0.02},
    {"action": "*", "fault": "throttle", "rate": 0.10},
    {"action": "*", "fault": "throttle", "rate": 0.10 / 0.9, "retry_after_ms": 200},  # 10 % of all calls
    {"action": "*", "fault": "unavailable", "rate": 0.03 / 0.8},
    {"action": "*", "fault": "internal_error", "rate": 0.02 / 0.77},
]
RETRIED_FAULTS = ("throttle", "unavailable", "internal_error")  # refused before any work: safe to send again
CONSOLE = {"interval_ms": 1000, "alerts": 1}  # someone in the console handles an alert a second
# retry_failed_after 0: the next run sends again what failed (deferring it is the role's default since issue 18).
RUN_VARS = {"sas_triage_max_actions": 100000, "sas_triage_wait_timeout": 60, "sas_triage_retry_failed_after": 0,
            "sas_connection": {"rate_limit": 50}}


@pytest.fixture
def runner(tmp_path, collections_path):
    home = tmp_path / "home"
    home.mkdir()
    return TriageRunner(tmp_path, base_env(home, collections_path), POLICY)


@pytest.fixture
def chaos_emulator(tmp_path):
    emulator = start_emulator("--qps", "0", "--alerts", str(ALERTS), "--seed", str(SEED), "--task-delay-ms", "200",
                              "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                              request_log=tmp_path / "requests.jsonl")
    yield emulator
    emulator.stop()


def run_vars(emulator) -> dict:
    connection = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                  **RUN_VARS["sas_connection"]}
    return dict(RUN_VARS, sas_connection=connection)


ALERT_IDS = [alert["id"] for alert in dataset.generate(seed=SEED, alerts=ALERTS)["alerts"]]


def pending_ids(emulator) -> set[int]:
    """The pending alerts now, from the emulator's own state."""
    return {alert_id for alert_id in ALERT_IDS if emulator.alert(alert_id)["status"] == PENDING}


def task_ids(entries: list[dict]) -> set[int]:
    """The tasks these HandleSecurityEvents calls created (a call whose answer was lost has one too)."""
    return {entry["task_id"] for entry in entries if entry.get("task_id") is not None}


def accepted(entries: list[dict]) -> Counter:
    """How many HandleSecurityEvents calls the service acted on held each alert: those that created a task,
    whether or not their answer reached the client."""
    count: Counter = Counter()
    for entry in entries:
        if entry.get("task_id") is not None:
            count.update(sent_ids(entry))
    return count


def assert_reported_once(report: dict, listed: set[int]) -> None:
    ids = [alert["id"] for alert in report["alerts"]]
    assert len(ids) == len(set(ids)), "an alert is reported twice"
    assert set(ids) <= listed and report["summary"]["alerts"] == len(ids)


def assert_outcomes_agree(report: dict, emulator, run_tasks: set[int]) -> None:
    """Each reported outcome against the emulator's own record of the alert and the tasks of this run."""
    for alert in report["alerts"]:
        state, outcome = emulator.alert(alert["id"]), alert["outcome"]
        ours = [task["event"]["status"] for task in state["tasks"] if task["task_id"] in run_tasks]
        if outcome == "handled" and alert["task_id"] is None:
            # its write's answer was lost, so the result was read from the alert: the alert shows this
            # operation's success - ours, or the console's same operation, which nobody can tell apart
            assert state["operate_error_code"].startswith(alert["action"] + "."), (alert, state)
            assert state["operate_error_code"].endswith(".Success") and state["status"] != PENDING, (alert, state)
        elif outcome == "handled":
            assert ours.count("Success") == 1 and state["status"] != PENDING, (alert, state)
        elif outcome == "failed":  # failed in its task, or its call was refused and nothing acted
            assert "Success" not in ours, (alert, state)
        elif outcome == "timed_out":
            assert "Success" not in ours[:-1], (alert, state)
        else:  # already_handled, unsupported, excluded, unmatched: nothing of this run acted on it
            assert ours == [], (alert, state)


def figures_of(run: Triage, emulator, started: float, since: int = 0) -> dict:
    """One row from the request log since call number since: calls, faults injected, calls refused and
    retried, outcomes, wall time."""
    log = emulator.requests()[since:]
    outcomes = Counter(alert["outcome"] for alert in run.report()["alerts"])
    return {"calls": len(log), "faults": sum(1 for entry in log if entry.get("fault")),
            "refused and retried": sum(1 for entry in log if entry.get("fault") in RETRIED_FAULTS),
            "write calls": sum(1 for entry in log if entry["action"] == "HandleSecurityEvents"),
            "handled": outcomes["handled"], "failed": outcomes["failed"], "timed out": outcomes["timed_out"],
            "already handled": outcomes["already_handled"],
            "console handled (so far)": emulator.stats().get("chaos", {}).get("console_handled", 0),
            "wall s": round(time.monotonic() - started, 1)}


def test_the_triage_through_chaos_loses_nothing_and_does_nothing_twice(chaos_emulator, runner, figures):
    emulator = chaos_emulator
    listed_before = pending_ids(emulator)
    emulator.set_chaos(faults=FAULTS, event_failed_rate=0.02, console=CONSOLE)

    started = time.monotonic()
    first = runner(emulator, extra=run_vars(emulator))
    report = first.report()
    assert_reported_once(report, listed_before)
    # Nothing lost: a pending alert missing from the report was handled by the console before the listing.
    for alert_id in listed_before - {alert["id"] for alert in report["alerts"]}:
        state = emulator.alert(alert_id)
        assert state["status"] != PENDING and not any(
            task["event"]["status"] == "Success" for task in state["tasks"]), state
    assert_outcomes_agree(report, emulator, task_ids(writes(emulator)))
    assert report["summary"]["by_outcome"]["handled"] > 0
    once = accepted(writes(emulator))
    assert max(once.values()) == 1, "an alert was accepted in two HandleSecurityEvents calls"
    # The trail names every alert the service acted on.
    trailed = written_alert_ids(first.audit())
    assert set(once) <= trailed
    figures("chaos: run 1", **figures_of(first, emulator, started))

    # The operator brings the agents back and leaves the console; the service is as bad as before.
    all_agents_online(emulator)
    emulator.set_chaos(faults=FAULTS, event_failed_rate=0, console={"interval_ms": 0})
    unfinished = {alert["id"] for alert in report["alerts"] if alert["outcome"] in ("failed", "timed_out")}
    writes_before, calls_before, started = len(writes(emulator)), len(emulator.requests()), time.monotonic()
    second = runner(emulator, extra=run_vars(emulator))
    second_tasks = task_ids(writes(emulator)[writes_before:])
    assert_outcomes_agree(second.report(), emulator, second_tasks)
    again = accepted(writes(emulator)[writes_before:])
    assert max(again.values(), default=1) == 1
    for alert_id in again:  # only alerts whose every earlier task failed for them go again
        earlier = [task["event"]["status"] for task in emulator.alert(alert_id)["tasks"]
                   if task["task_id"] not in second_tasks]
        assert set(earlier) <= {"Failed"}, (alert_id, earlier)
    figures("chaos: run 2", **figures_of(second, emulator, started, calls_before))
    outcomes = {alert["id"]: alert["outcome"] for alert in second.report()["alerts"]}
    assert not set(outcomes.values()) & {"failed", "timed_out"}, second.output
    # what the first run could not finish, the second did (unless it was no longer pending: a task that
    # failed for an alert may leave it in another status)
    assert {alert_id for alert_id in unfinished if emulator.alert(alert_id)["status"] == PENDING} == set()
    assert {outcomes[alert_id] for alert_id in unfinished if alert_id in outcomes} <= {"handled"}

    emulator.set_chaos(faults=[], event_failed_rate=0, console={"interval_ms": 0})
    writes_before = len(writes(emulator))
    third = runner(emulator, extra=run_vars(emulator))
    assert third.rc == 0, third.output
    assert writes(emulator)[writes_before:] == [], "a third run wrote"


def test_check_mode_under_chaos_writes_nothing_and_reports_everything(chaos_emulator, runner, figures):
    emulator = chaos_emulator
    listed_before = pending_ids(emulator)
    emulator.set_chaos(faults=FAULTS, console=CONSOLE)
    started = time.monotonic()
    run = runner(emulator, check=True, extra=run_vars(emulator))
    assert run.rc == 0, run.output
    report = run.report()
    assert report["check_mode"] is True
    assert_reported_once(report, listed_before)
    assert writes(emulator) == [] and run.audit() == []
    assert {alert["outcome"] for alert in report["alerts"]} & {"would_handle"}
    figures("chaos: check mode", **figures_of(run, emulator, started))


# The signals an operator stops a run with. SIGTERM and SIGINT reach the module through ansible-playbook's
# worker; SIGKILL reaches ansible-playbook alone, and the module sees its run gone (run_watch).
KILLS = [signal.SIGTERM, signal.SIGINT, signal.SIGKILL]
MODULE = "AnsiballZ_"  # in the command lines of a running module and of the shell that started it


@pytest.mark.parametrize("signal_number", KILLS, ids=[kill.name for kill in KILLS])
def test_a_run_killed_after_its_second_write_stops_writing_leaves_a_trail_and_the_next_run_finishes(
        chaos_emulator, runner, figures, signal_number):
    emulator = chaos_emulator
    all_agents_online(emulator)  # no failure the data holds: every alert left pending is the kill's
    emulator.configure(latency_ms=20)  # writes far enough apart to stop between them
    command, _report_dir = runner.command(emulator, extra=run_vars(emulator))
    started = time.monotonic()
    process = subprocess.Popen(command, env=runner.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True)
    try:
        while len(writes(emulator)) < 2:
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() - started < 600
            time.sleep(0.05)
        writes_at_kill = len(writes(emulator))
        process.send_signal(signal_number)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    # What the kill left running, found by the run's marker wherever it was reparented, once no module runs
    # any more (none calls the emulator then), ended here.
    left, quiet_since = wait_until_no_module_runs()
    run_processes.end(left)
    if signal_number != signal.SIGKILL:
        assert left == {}, "ansible-playbook passes SIGTERM and SIGINT on to its workers"

    killed_writes = writes(emulator)
    # The write in flight when the signal came may still be made (and logged after it); none after it.
    assert len(killed_writes) - writes_at_kill <= 1, "the run went on writing after it was killed"
    acted = accepted(killed_writes)
    trail = read_audit(runner.audit_log)
    trailed = written_alert_ids(trail)
    assert set(acted) <= trailed, "the trail misses an alert the service acted on"
    # The module stopped itself, and so did the next items of its loop, which its worker went on to start:
    # each names the alerts it did not send. SIGTERM and SIGINT ended the module itself.
    stops = [line for line in trail if line["event"] == "handle_stopped"]
    not_sent = {alert_id for line in stops for alert_id in line["alert_ids"]}
    assert bool(stops) == (signal_number == signal.SIGKILL), stops
    assert all("the run was killed" in line["message"] for line in stops), stops
    assert not not_sent & trailed, "a stop line names an alert that was sent"

    second = runner(emulator, extra=run_vars(emulator))
    assert second.rc == 0, second.output
    resent = set(accepted(writes(emulator)[len(killed_writes):])) & set(acted)
    assert resent == set(), "the next run sent again an alert the killed run had written"
    assert {alert["outcome"] for alert in second.report()["alerts"]} <= {
        "handled", "unsupported", "unmatched", "excluded", "already_handled"}
    assert not_sent <= {alert["id"] for alert in second.report()["alerts"]}, "an alert a stop line names was lost"
    figures("killed by %s" % signal.Signals(signal_number).name, **{
        "write calls before the kill": writes_at_kill, "write calls after it": len(killed_writes) - writes_at_kill,
        "alerts written": len(acted), "trail names": len(trailed), "left running": len(left),
        "resent": len(resent), "wall s": round(quiet_since - started, 1)})


def all_agents_online(emulator) -> None:
    for host in emulator.hosts():
        emulator.control("POST", "hosts/%s" % host["uuid"], {"agent_online": True})


def wait_until_no_module_runs(quiet_s: float = 5.0, limit_s: float = 120) -> tuple[dict[int, str], float]:
    """Wait until no process of this test has run a module for quiet_s (after a SIGKILL, ansible-playbook's worker
    goes on to the next items of its loop, a moment apart); returns those still running then, and when the last
    module ended."""
    deadline = time.monotonic() + limit_s
    last_module = time.monotonic()
    while True:
        running = run_processes.marked()
        now = time.monotonic()
        if any(MODULE in command for command in running.values()):
            last_module = now
            assert now < deadline, "modules still run %ss after the kill: %s" % (
                limit_s, run_processes.describe(running))
        elif now - last_module >= quiet_s:
            return running, last_module
        time.sleep(0.2)
