"""The policy file is data (issue 16, class 1), end to end: the installed collection's playbook run
with the real ansible-playbook from a working directory of the user's, against the emulator."""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess

import pytest
from conftest import base_env
from sas_data import writes
from triage_run import TriageRunner

IGNORE_REMINDERS = "sas_triage_rules:\n  - {name: ignore-reminders, match: {level: remind}, action: ignore}\n"


@pytest.fixture
def workdir(tmp_path):
    """The directory ansible-playbook runs in, holding the user's own policies/example.yml."""
    work = tmp_path / "team-repo"
    (work / "policies").mkdir(parents=True)
    (work / "policies" / "example.yml").write_text(IGNORE_REMINDERS)
    return work


@pytest.fixture
def triage(tmp_path, collections_path, workdir):
    """A triage run from workdir; the policy comes from extra={'sas_triage_policy_file': ...}."""
    home = tmp_path / "home"
    home.mkdir()
    runner = TriageRunner(tmp_path, base_env(home, collections_path), rules=[])
    return functools.partial(runner, runner=functools.partial(subprocess.run, cwd=str(workdir)))


def test_a_relative_policy_file_is_the_working_directory_s_never_the_collection_s(emulator, triage, workdir):
    # The collection ships a policies/example.yml beside its playbook that kills, quarantines and blocks;
    # the user's own file of that name holds one rule: ignore reminders.
    run = triage(emulator, extra={"sas_triage_policy_file": "./policies/example.yml",
                                  "sas_triage_report_dir": "reports", "sas_triage_audit_log": "audit.jsonl"})
    assert run.rc == 0, run.output[-3000:]
    sent = {call["params"]["OperationCode"] for call in writes(emulator)}
    assert sent == {"ignore"}, "only the working directory's policy may act"
    reports = sorted((workdir / "reports").glob("triage-*.json"))
    assert len(reports) == 1, "a relative report directory is under the working directory"
    report = json.loads(reports[0].read_text())
    assert {alert["rule"] for alert in report["alerts"]} <= {"ignore-reminders", None}
    assert (workdir / "audit.jsonl").exists(), "a bare audit file name is in the working directory"
    # the report records which file decided, as it was read
    policy = workdir / "policies" / "example.yml"
    assert (report["provenance"]["policy_file"], report["provenance"]["policy_sha256"]) == (
        str(policy), hashlib.sha256(policy.read_bytes()).hexdigest())
    markdown = reports[0].with_suffix(".md").read_text()
    shown_path = str(policy).replace("_", "\\_")  # as the Markdown shows it
    assert "\n\nPolicy %s (sha256 %s), alibabacloud.sas " % (shown_path, report["provenance"]["policy_sha256"]) \
        in markdown


def test_a_policy_file_cannot_set_variables_and_stops_the_run_before_any_call(emulator, triage, workdir):
    (workdir / "policies" / "example.yml").write_text(
        IGNORE_REMINDERS + "sas_triage_confirm: false\nsas_connection: {endpoint: 'http://127.0.0.1:9'}\n")
    run = triage(emulator, extra={"sas_triage_policy_file": "policies/example.yml", "sas_triage_confirm": True})
    assert run.rc != 0
    assert "unknown key 'sas_triage_confirm', 'sas_connection'" in run.output, run.output[-3000:]
    assert emulator.requests() == [], "no call may reach the service"


def test_a_templated_rule_name_is_text_in_check_mode_and_in_a_real_run(emulator, triage, workdir, tmp_path):
    marker = tmp_path / "templated"
    name = "{{ lookup('pipe', 'touch %s') }}" % marker
    (workdir / "policies" / "example.yml").write_text(
        "sas_triage_rules:\n  - {name: \"%s\", match: {level: remind}, action: ignore}\n" % name)
    for check in (True, False):
        run = triage(emulator, check=check, extra={"sas_triage_policy_file": "policies/example.yml"})
        assert run.rc == 0, run.output[-3000:]
        assert not marker.exists(), "a rule name was templated (check mode: %s)" % check
        report = run.report()
        assert {alert["rule"] for alert in report["alerts"]} == {name, None}
    assert writes(emulator), "the real run handled the reminders"


def test_every_mistake_of_a_policy_file_is_named_before_any_call(emulator, triage, workdir):
    (workdir / "policies" / "example.yml").write_text(
        "sas_triage_rules:\n"
        "  - {name: crit, match: {level: critical}, action: ignore}\n"
        "  - {name: typo, match: {status: open}, action: blok_ip}\n"
        "  - {name: slow, match: {level: serious}, action: block_ip, params: {block_duration: 7}}\n")
    run = triage(emulator, extra={"sas_triage_policy_file": "policies/example.yml"})
    assert run.rc != 0
    output = " ".join(run.output.split())
    for fragment in ("rule 'crit': match.level 'critical' is not a value sas_alert_info gives",
                     "rule 'typo': unknown action 'blok_ip'", "rule 'typo': match.status 'open'",
                     "rule 'slow': params.block_duration must be non-empty text, got 7"):
        assert fragment in output, (fragment, run.output[-3000:])
    assert emulator.requests() == []


@pytest.mark.parametrize("extra, expected", [
    pytest.param({"sas_triage_policy_file": "policies/example.yml",
                  "sas_triage_rules": [{"name": "x", "match": {"level": "serious"}, "action": "ignore"}]},
                 ["give the policy in one place"], id="file-and-rules"),
    pytest.param({"sas_triage_policy_file": "policies/exmaple.yml"}, ["policies/exmaple.yml", "no such file"],
                 id="missing-file"),
    pytest.param({"sas_triage_policy_file": "policies/example.yml", "sas_triage_max_actions": -1},
                 ["sas_triage_max_actions must be a whole number, 0 or more"], id="cap-negative"),
])
def test_a_policy_that_cannot_work_is_named_before_any_call(emulator, triage, extra, expected):
    run = triage(emulator, extra=extra)
    assert run.rc != 0
    for fragment in expected:
        assert fragment in run.output, (fragment, run.output[-3000:])
    assert "Unknown error" not in run.output
    assert emulator.requests() == []
