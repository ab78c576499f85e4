"""The triage end to end: the collection playbook alibabacloud.sas.triage, run with the real
ansible-playbook against the emulator; the emulator's request log and state tell what was done."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from sas_data import ACCESS_KEY_SECRET, LENIENT, QUOTA, STRICTEST, sent_ids, writes
from triage_run import triage_runner

from sas_emulator.testing import start_emulator

PENDING = 1
GALAXY = Path(__file__).resolve().parents[2] / "galaxy.yml"
# A policy that exercises each kind of rule on the e2e data (seed 7): host operations, status-only
# operations, an exclusion, a disabled rule, and a type left to the recommendations.
POLICY = [
    {"name": "leave-db-hosts-alone", "match": {"instance_name_regex": "^db-"}, "action": "none"},
    {"name": "kill-reverse-shells", "match": {"alarm_event_name_display_regex": "(?i)reverse shell"},
     "action": "kill_process"},
    {"name": "quarantine-malware", "match": {"alarm_event_type_regex": "(?i)malicious process"},
     "action": "kill_and_quara", "params": {"sub_operation": "killAndQuaraFileByMd5andPath"}},
    {"name": "block-unusual-logons", "match": {"alarm_event_type": "Unusual logon", "level": ["serious", "suspicious"]},
     "action": "block_ip", "params": {"block_duration": "1d"}},
    {"name": "ignore-logon-reminders", "match": {"alarm_event_type": "Unusual logon", "level": "remind"},
     "action": "ignore"},
    {"name": "off-for-now", "enabled": False, "match": {"level": "serious"}, "action": "ignore"},
]
SENT_OUTCOMES = {"handled", "failed", "timed_out", "submitted"}


@pytest.fixture
def triage(tmp_path, collections_path):
    """triage(emulator, rules=POLICY, check=False, extra=None, inventory=None, stdin=DEVNULL) -> Triage."""
    return triage_runner(tmp_path, collections_path, POLICY)


def assert_each_alert_once(report: dict, pending_before: set[int]) -> None:
    ids = [alert["id"] for alert in report["alerts"]]
    assert len(ids) == len(set(ids)), "an alert is reported twice"
    assert set(ids) == pending_before, "the report must hold every listed alert, and only those"
    assert report["summary"]["alerts"] == len(ids)
    assert sum(report["summary"]["by_outcome"].values()) == len(ids)


@pytest.fixture
def pending_before(emulator):
    """The pending alerts before the run, read from the emulator's own state."""
    return {alert["id"] for alert in all_alerts(emulator) if alert["status"] == PENDING}


def all_alerts(emulator) -> list[dict]:
    from sas_data import Data

    return [emulator.alert(alert["id"]) for alert in Data(seed=7, alerts=60).raw["alerts"]]


def test_check_mode_makes_no_write_and_reports_every_alert(emulator, triage, pending_before):
    run = triage(emulator, check=True)
    assert run.rc == 0, run.output
    assert writes(emulator) == []
    report = run.report()
    assert report["check_mode"] is True and report["account"] == "localhost"
    assert_each_alert_once(report, pending_before)
    outcomes = {alert["outcome"] for alert in report["alerts"]}
    assert "would_handle" in outcomes and "unmatched" in outcomes and "excluded" in outcomes
    assert not outcomes & SENT_OUTCOMES
    for alert in report["alerts"]:
        if alert["outcome"] == "unmatched":
            assert alert["rule"] is None and alert["recommended"]["action"]
        if alert["outcome"] == "excluded":
            assert alert["rule"] == "leave-db-hosts-alone" and alert["host"]["instance_name"].startswith("db-")
    assert "off-for-now" not in report["summary"]["by_rule"]
    markdown = run.reports(".md")
    assert len(markdown) == 1 and "dry run" in markdown[0].read_text()
    assert run.audit() == []
    # Nothing changed in the service.
    assert {alert["id"] for alert in all_alerts(emulator) if alert["status"] == PENDING} == pending_before


def test_the_report_shows_each_alert_s_evidence_and_what_decided(emulator, triage):
    from ansible.release import __version__ as ansible_core_version

    # AWX passes its job id and launcher as extra variables; a rule on a type worded as another site may word it
    site_wording = {"name": "site-wording", "match": {"alarm_event_type": "Logon from unusual place"},
                    "action": "ignore"}
    run = triage(emulator, check=True, rules=POLICY + [site_wording],
                 extra={"sas_triage_account": "prod hangzhou", "awx_job_id": 4242, "awx_user_name": "alice"})
    assert run.rc == 0, run.output
    assert "triage policy: rule 'site-wording': match.alarm_event_type 'Logon from unusual place' is none of the " \
           "alert types this collection knows" in " ".join(run.output.split())
    assert "  rule site-wording: 0 -> ignore" in run.output and "  rule kill-reverse-shells: " in run.output
    report = run.report()
    assert report["account"] == "prod hangzhou" and run.reports()[0].name.startswith("triage-prod_hangzhou-")
    assert report["provenance"] == {"policy_file": None, "policy_sha256": None,
                                    "collection_version": yaml.safe_load(GALAXY.read_text())["version"],
                                    "ansible_core_version": ansible_core_version, "user": "alice",
                                    "awx_job_id": "4242"}
    checked = {"block_ip": 0, "kill_and_quara": 0}
    for alert in report["alerts"]:
        details = emulator.alert(alert["id"])["details"]
        evidence = alert["evidence"]
        assert evidence["first_time"] and evidence["last_time"]
        if alert["action"] == "block_ip":
            # the IP a block blocks is the logon's source, never the server's own
            assert evidence["source_ip"] == details["login_source_ip"] != alert["host"]["internet_ip"]
            assert evidence["user"] == details["login_user"]
            checked["block_ip"] += 1
        if alert["action"] == "kill_and_quara":
            assert (evidence["file_path"], evidence["md5"], evidence["cmdline"]) == (
                details["file_path"], details["md5"], details["cmdline"])
            checked["kill_and_quara"] += 1
    assert all(checked.values()), checked
    [blocked] = [alert for alert in report["alerts"] if alert["action"] == "block_ip"][:1]
    assert "    %s %s on " % (blocked["id"], blocked["name"]) in run.output
    assert "source IP %s, user %s" % (blocked["evidence"]["source_ip"], blocked["evidence"]["user"]) in run.output
    markdown = run.reports(".md")[0].read_text()
    assert "\n\nPolicy given as sas\\_triage\\_rules, alibabacloud.sas %s, ansible-core %s, run by alice in AWX job " \
           "4242.\n\n" % (report["provenance"]["collection_version"], ansible_core_version) in markdown
    assert "| %s | block-unusual-logons: block\\_ip |" % markdown_evidence(blocked["evidence"]) in markdown


def markdown_evidence(evidence: dict) -> str:
    """A logon's evidence cell as the Markdown report shows it (IPs, user names and times need no escape)."""
    return "source IP %s, user %s, first %s, last %s" % (evidence["source_ip"], evidence["user"],
                                                         evidence["first_time"], evidence["last_time"])


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_real_run_agrees_with_the_service_then_a_second_run_writes_nothing(emulator, triage, pending_before,
                                                                           readings):
    emulator.configure(**readings)
    run = triage(emulator)
    report = run.report()
    assert_each_alert_once(report, pending_before)
    by_id = {alert["id"]: alert for alert in report["alerts"]}
    needs_attention = report["summary"]["needs_attention"]
    assert (run.rc != 0) == (needs_attention > 0), run.output

    sent: dict[int, int] = {}
    for entry in writes(emulator):
        for alert_id in sent_ids(entry):
            sent[alert_id] = sent.get(alert_id, 0) + 1
    assert all(count == 1 for count in sent.values()), "an alert was sent twice"
    assert set(sent) == {alert_id for alert_id, alert in by_id.items() if alert["outcome"] in SENT_OUTCOMES}
    # One write call per 20 alerts of an action (one parameter set each here), never one per alert.
    for action in {entry["params"]["OperationCode"] for entry in writes(emulator)}:
        sent_for_action = [i for entry in writes(emulator) if entry["params"]["OperationCode"] == action
                           for i in sent_ids(entry)]
        calls_for_action = [entry for entry in writes(emulator) if entry["params"]["OperationCode"] == action]
        assert len(calls_for_action) == -(-len(sent_for_action) // 20), action

    for alert_id, alert in by_id.items():
        state = emulator.alert(alert_id)
        if alert["outcome"] == "handled":
            assert state["last_operation"] == alert["action"]
            assert state["operate_error_code"] == alert["action"] + ".Success"
            assert state["status"] != PENDING
            assert alert["task_id"] in [task["task_id"] for task in state["tasks"]]
        elif alert["outcome"] == "failed":
            assert [task["event"]["error_code"] for task in state["tasks"]] == [alert["error_code"]]
        else:
            assert state["tasks"] == [] and state["status"] == PENDING, alert
    assert report["summary"]["by_outcome"]["handled"] > 0

    # The audit trail names every alert written, with the task the service answered.
    audit = run.audit()
    requested = [line for line in audit if line["event"] == "handle_request"]
    answered = [line for line in audit if line["event"] == "handle_response"]
    assert sorted(i for line in requested for i in line["alert_ids"]) == sorted(sent)
    assert {line["task_id"] for line in answered} == {alert["task_id"] for alert in by_id.values()
                                                      if alert["outcome"] in SENT_OUTCOMES}
    assert all(line["account"] == "localhost" for line in audit)
    assert os.stat(run.audit_log).st_mode & 0o777 == 0o600
    for path in [run.audit_log, *run.reports(), *run.reports(".md")]:
        assert ACCESS_KEY_SECRET not in path.read_text()

    # A second run sends nothing already handled, nor, minutes later, what failed: those are deferred.
    writes_before = len(writes(emulator))
    second = triage(emulator)
    assert writes(emulator)[writes_before:] == []
    failed = {alert_id for alert_id, alert in by_id.items() if alert["outcome"] == "failed"}
    assert {alert["id"] for alert in second.report()["alerts"] if alert["outcome"] == "deferred"} == failed
    assert {alert["id"] for alert in second.report()["alerts"]} == {
        alert_id for alert_id, alert in by_id.items() if alert["outcome"] not in ("handled",)}
    # ... unless told to retry at every run: then only the alerts that failed (still pending) go again.
    third = triage(emulator, extra={"sas_triage_retry_failed_after": 0})
    again = {i for entry in writes(emulator, since=0)[writes_before:] for i in sent_ids(entry)}
    assert again == failed and third.report()["summary"]["by_outcome"]["deferred"] == 0


def test_a_malformed_policy_stops_before_any_call(emulator, triage):
    # The wiring, once: the role checks the policy first, so the play stops naming the rule and the
    # problem, with no call and no report. Every other malformed policy is checked in process (unit
    # tests of the triage_policy filter, which the role runs).
    run = triage(emulator, rules=[{"name": "x", "match": {"level": "serious"}, "action": "ignroe"}])
    assert run.rc != 0
    assert "triage policy" in run.output
    for name in ("'x'", "ignroe", "did you mean ignore"):
        assert name in run.output, (name, run.output[-2000:])
    assert emulator.requests() == [], "no call may reach the service"
    assert run.reports() == []


def test_role_arguments_are_checked(emulator, triage):
    run = triage(emulator, extra={"sas_triage_filters": {"levels": ["severe"]}})
    assert run.rc != 0 and "severe" in run.output and "levels" in run.output
    assert emulator.requests() == []


def test_the_cap_stops_before_any_write(emulator, triage, pending_before):
    run = triage(emulator, extra={"sas_triage_max_actions": 2})
    assert run.rc != 0
    assert "sas_triage_max_actions=2" in run.output and "-e sas_triage_max_actions=" in run.output
    assert writes(emulator) == []
    report = run.report()
    assert_each_alert_once(report, pending_before)
    assert report["stopped"] and "sas_triage_max_actions" in report["stopped"]
    assert report["summary"]["by_outcome"]["not_run"] > 2
    assert {alert["outcome"] for alert in report["alerts"]} <= {"not_run", "unmatched", "excluded"}


def test_without_a_terminal_it_stops_after_the_plan(emulator, triage, pending_before):
    run = triage(emulator, extra={"sas_triage_confirm": True})
    assert run.rc != 0
    assert "sas_triage_confirm: false" in run.output
    assert writes(emulator) == []
    report = run.report()
    assert_each_alert_once(report, pending_before)
    assert "no answer" in report["stopped"]


def run_on_a_terminal(answer: str):
    """A subprocess.run stand-in: the play runs on a pseudo-terminal of its own and the prompt is answered."""

    def run(command, env, timeout, **_ignored):
        pid, leader = pty.fork()
        if pid == 0:  # the child: the terminal is its controlling terminal, as in a person's shell
            os.execvpe(command[0], command, env)
        output, answered, deadline = b"", False, time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _unused, _unused2 = select.select([leader], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the play ended and closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if not answered and b"Type yes to go on" in output:
                time.sleep(1)  # ansible flushes the terminal's input once it has printed the prompt
                os.write(leader, answer.encode() + b"\r")
                answered = True
        _pid, status = os.waitpid(pid, 0)
        os.close(leader)
        text = output.decode(errors="replace") + ("" if answered else "\nNO PROMPT")
        return subprocess.CompletedProcess(command, os.waitstatus_to_exitcode(status), text, "")

    return run


def test_a_refused_confirmation_writes_nothing(emulator, triage):
    run = triage(emulator, extra={"sas_triage_confirm": True}, runner=run_on_a_terminal("no"))
    assert "NO PROMPT" not in run.output, run.output[-4000:]
    assert run.rc != 0
    assert writes(emulator) == []
    assert "the answer was \"no\"" in run.report()["stopped"]


def test_a_yes_on_the_terminal_handles(emulator, triage):
    run = triage(emulator, extra={"sas_triage_confirm": True}, runner=run_on_a_terminal("yes"))
    assert "NO PROMPT" not in run.output, run.output[-4000:]
    assert writes(emulator), run.output[-3000:]
    assert run.report()["summary"]["by_outcome"]["handled"] > 0


def test_two_accounts_in_one_inventory(tmp_path, triage):
    emulators = {}
    try:
        for name, seed in (("account-a", "7"), ("account-b", "8")):
            emulators[name] = start_emulator(
                *QUOTA, "--alerts", "30", "--seed", seed, "--task-delay-ms", "200",
                "--access-key-id", name + "-id", "--access-key-secret", name + "-secret-0123456789",
                request_log=tmp_path / (name + ".jsonl"))
        inventory = tmp_path / "inventory.yml"
        inventory.write_text(yaml.safe_dump({"sas_accounts": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "hosts": {name: {"sas_connection": {"endpoint": handle.url, "access_key": name + "-id",
                                                "secret_key": name + "-secret-0123456789"}}
                      for name, handle in emulators.items()}}}))
        policy = {"sas_triage_rules": [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]}
        run = triage(None, inventory=inventory, extra=policy)
        reports = {json.loads(path.read_text())["account"]: json.loads(path.read_text()) for path in run.reports()}
        assert set(reports) == set(emulators), run.output
        assert sorted(entry["account"] for entry in run.summary()["accounts"]) == sorted(emulators)
        for name, handle in emulators.items():
            report = reports[name]
            handled = {alert["id"] for alert in report["alerts"] if alert["outcome"] == "handled"}
            assert handled, report["summary"]
            assert {i for entry in writes(handle) for i in sent_ids(entry)} == handled
            assert all(line["account"] in emulators for line in run.audit())
        assert run.rc == 0, run.output[-3000:]

        # Run again: everything the policy covers is handled, so nothing is written.
        counts = {name: len(writes(handle)) for name, handle in emulators.items()}
        second = triage(None, inventory=inventory, extra=policy)
        assert second.rc == 0, second.output[-3000:]
        assert {name: len(writes(handle)) for name, handle in emulators.items()} == counts
    finally:
        for handle in emulators.values():
            handle.stop()


@pytest.mark.parametrize("filters, field", [
    pytest.param({"levels": []}, "levels=[]", id="levels-empty-list"),
    pytest.param({"alert_types": [""]}, "alert_types=['']", id="alert_types-empty-string"),
    pytest.param({"name": " "}, "name=' '", id="name-blank"),
])
def test_an_empty_filter_stops_before_any_call(emulator, triage, filters, field):
    # Issue 8: a filter that renders empty must not triage the whole account; left out is no filter.
    run = triage(emulator, extra={"sas_triage_filters": filters})
    assert run.rc != 0
    for part in (field, "is empty", "leave the option out to not filter"):
        assert part in run.output, (part, run.output[-2000:])
    assert emulator.requests() == [], "no call may reach the service"
