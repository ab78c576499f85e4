"""One ansible-playbook run of the triage role's playbook against an emulator, and what it left behind;
shared by the e2e triage tests and the reliability tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

from playbook_env import base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET


class Triage:
    """What one run left: its exit code and output, its reports and the audit trail."""

    def __init__(self, process: Any, report_dir: Path, audit_log: Path):
        self.rc = process.returncode
        self.output = (process.stdout or "") + (process.stderr or "")
        self.report_dir = report_dir
        self.audit_log = audit_log

    def reports(self, suffix: str = ".json") -> list[Path]:
        """The accounts' reports (not the summary across them)."""
        return sorted(path for path in self.report_dir.glob("triage-*" + suffix)
                      if not path.name.startswith("triage-summary-"))

    def summary(self) -> dict:
        """The summary across accounts of the run."""
        [found] = self.report_dir.glob("triage-summary-*.json")
        return json.loads(found.read_text())

    def report(self) -> dict:
        found = self.reports()
        assert len(found) == 1, (found, self.output)
        return json.loads(found[0].read_text())

    def audit(self) -> list[dict]:
        return read_audit(self.audit_log)


def read_audit(path: Path) -> list[dict]:
    """The lines of an audit trail; none when it was never written."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def written_alert_ids(trail: list[dict]) -> set[int]:
    """Every alert a trail says a write call was about to carry (its handle_request lines)."""
    return {alert_id for line in trail if line["event"] == "handle_request" for alert_id in line["alert_ids"]}


class TriageRunner:
    """Runs numbered triage runs in work, all sharing one audit trail (as a scheduled job does)."""

    def __init__(self, work: Path, env: dict, rules: list):
        self.work, self.env, self.rules = work, env, rules
        self.audit_log = work / "audit.jsonl"
        self.runs = 0

    def command(self, emulator=None, rules=None, check=False, extra=None, inventory=None,
                verbosity: int = 0) -> tuple[list[str], Path]:
        """The ansible-playbook command of the next run and the folder its reports go to."""
        self.runs += 1
        report_dir = self.work / ("reports-%d" % self.runs)
        variables = {"sas_triage_rules": self.rules if rules is None else rules, "sas_triage_confirm": False,
                     "sas_triage_report_dir": str(report_dir), "sas_triage_audit_log": str(self.audit_log),
                     "sas_triage_poll_interval": 0.3, "sas_triage_wait_timeout": 20}
        if emulator is not None:
            variables["sas_connection"] = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID,
                                           "secret_key": ACCESS_KEY_SECRET}
        if "sas_triage_policy_file" in (extra or {}):
            del variables["sas_triage_rules"]  # the policy comes from one place
        variables.update(extra or {})
        extra_file = self.work / ("vars-%d.json" % self.runs)
        extra_file.write_text(json.dumps(variables))
        command = ["ansible-playbook", "alibabacloud.sas.triage", "-e", "@%s" % extra_file]
        if inventory is not None:
            command += ["-i", str(inventory), "-e", "sas_triage_hosts=sas_accounts"]
        if check:
            command.append("--check")
        if verbosity:
            command.append("-" + "v" * verbosity)
        return command, report_dir

    def __call__(self, emulator=None, runner: Callable = subprocess.run, stdin: Any = subprocess.DEVNULL,
                 **options: Any) -> Triage:
        command, report_dir = self.command(emulator, **options)
        process = runner(command, env=self.env, capture_output=True, text=True, timeout=1800, check=False,
                         stdin=stdin)
        return Triage(process, report_dir, self.audit_log)


def triage_runner(tmp_path: Path, collections_path: Path, rules: list) -> TriageRunner:
    """A TriageRunner in tmp_path with a home of its own and the installed collection (the tests' triage fixture)."""
    home = tmp_path / "home"
    home.mkdir()
    return TriageRunner(tmp_path, base_env(home, collections_path), rules)
