"""Runs the benchmark measures: the collection installed as users install it (the e2e tests' harness, tests/e2e),
a fresh emulator for each run, and each run timed, its calls read from the emulator's request log and, when asked,
its memory measured.

Memory: ansible-playbook's own process, by its peak (VmHWM in /proc/<pid>/status) read every SAMPLE_S while it
runs - growth in its last SAMPLE_S is missed; each module process exactly, by module_memory.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import playbook_env
import run_processes
import yaml
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA
from triage_run import TriageRunner

from bench import data, features, module_memory
from sas_emulator.testing import start_emulator

REPO = Path(__file__).resolve().parents[1]
SAMPLE_S = 0.1
TIMEOUT_S = 1800
TASK_DELAY_MS = 200  # how long a handling task takes in the emulator, as in the e2e tests
SERVICE_QUOTA = int(QUOTA[1])  # calls a second per API, the service's for most of its APIs


class Run:
    """One timed run: exit code, output, when it started, how long it took, the calls it made, memory."""

    def __init__(self, command: list, env: dict, log_dir: Path, label: str):
        self.label = label
        self.output_path = output = log_dir / (label + ".log")
        with open(output, "w", encoding="utf-8") as sink:
            self.started = time.time()
            process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, cwd=REPO)
            self.peak_kb = _peak_while_running(process)
            self.wall_s = time.time() - self.started
        self.returncode = process.returncode
        self.stdout, self.stderr = output.read_text(encoding="utf-8", errors="replace"), ""
        self.log: list = []
        self.modules: list = []
        self.registered: dict = {}

    def failure(self) -> str:
        """Why the run failed ('' if it did not): its exit code, and where its output is."""
        if self.returncode == 0 and self.log:
            return ""
        return "%s ended with rc %d after %s calls; its output: %s" % (
            self.label, self.returncode, len(self.log), self.output_path)

    def outcomes(self, register: str) -> Counter:
        """Outcome -> alerts, from a registered sas_alert_handle result."""
        return Counter(result["outcome"] for result in (self.registered.get(register) or {}).get("results") or [])

    def module_runs(self, module: str) -> list:
        return [run for run in self.modules if run["module"] == module]


def _peak_while_running(process: subprocess.Popen) -> Optional[int]:
    """The process's VmHWM (kB) as last read before it ended (None if never read); killed after TIMEOUT_S."""
    peak, deadline = None, time.monotonic() + TIMEOUT_S
    status = Path("/proc/%d/status" % process.pid)
    while process.poll() is None:
        try:
            line = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
            peak = int(line.split()[1])
        except (OSError, StopIteration, ValueError):  # ended meanwhile, or no /proc
            pass
        if time.monotonic() > deadline:
            process.kill()
        try:
            process.wait(SAMPLE_S)
        except subprocess.TimeoutExpired:
            pass
    return peak


class Workbench:
    """The collection installed once in work, and the runs made there."""

    def __init__(self, work: Path):
        work.mkdir(parents=True, exist_ok=True)
        # A directory of its own in work: the request logs, reports and audit trails of an earlier run there are
        # appended to, and would be counted, if their names were reused. Absolute: the modules run elsewhere.
        self.work = work = Path(tempfile.mkdtemp(prefix="run-", dir=work.resolve()))
        home, collection = work / "home", work / "collection"
        home.mkdir()
        collection.mkdir()
        self.collections = playbook_env.install_collection(collection)
        self.env = playbook_env.base_env(home, self.collections)
        self.runs = 0

    def emulator(self, alerts: dict, qps: float = 0, latency_ms: int = 0, task_delay_ms: int = TASK_DELAY_MS,
                 readings: Optional[dict] = None):
        """A fresh emulator serving alerts (bench.data), with the quota, latency and readings given."""
        self.runs += 1
        dataset = data.write(alerts, self.work / ("dataset-%d.json" % self.runs))
        played = [part for name, value in (readings or {}).items() for part in ("--reading", "%s=%s" % (name, value))]
        return start_emulator("--dataset", dataset, "--qps", qps, "--latency-ms", latency_ms,
                              "--task-delay-ms", task_delay_ms, "--access-key-id", ACCESS_KEY_ID,
                              "--access-key-secret", ACCESS_KEY_SECRET, *played,
                              request_log=self.work / ("requests-%d.jsonl" % self.runs))

    def run(self, label: str, command: list, emulator: Any = None, measure_modules: bool = False,
            env: Optional[dict] = None) -> Run:
        """command timed, with env's variables too; with measure_modules, each module process's memory is noted (a
        module_memory.py log)."""
        env = dict(self.env, **(env or {}))
        module_log = self.work / ("modules-%s.jsonl" % label)
        if measure_modules:
            env[module_memory.LOG_VARIABLE] = str(module_log)
            command = command + ["-e", "ansible_python_interpreter=%s" % self.measuring_interpreter()]
        run = Run(command, env, self.work, label)
        if emulator is not None:
            run.log = emulator.requests()
        if measure_modules and module_log.exists():
            run.modules = [json.loads(line) for line in module_log.read_text().splitlines()]
        return run

    def measuring_interpreter(self) -> Path:
        """An executable that runs a module under module_memory.py (Ansible takes a path, not a command line)."""
        path = self.work / "module-python"
        path.write_text('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, module_memory.__file__))
        path.chmod(0o755)
        return path

    def play(self, label: str, tasks: list, emulator: Any, registers: tuple = (), check: bool = False,
             measure_modules: bool = False, **connection_options: Any) -> Run:
        """A localhost play of tasks against emulator (its endpoint and keys set for the collection's modules)."""
        out = self.work / ("registered-%s.json" % label)
        playbook = self.work / ("play-%s.yml" % label)
        document = playbook_env.play(tasks, connection(emulator, **connection_options), list(registers), out)
        playbook.write_text(yaml.safe_dump(document, sort_keys=False))
        run = self.run(label, ["ansible-playbook", str(playbook)] + (["--check"] if check else []), emulator,
                       measure_modules)
        run.registered = json.loads(out.read_text()) if out.exists() else {}
        return run

    def triage(self, label: str, emulator: Any, rules: list, rate_limit: Any, settings: dict, check: bool = False,
               measure_modules: bool = False) -> Run:
        """The triage playbook as an unattended job runs it: the role's defaults but for settings (role variables)."""
        runner = TriageRunner(self.work / label, self.env, rules)
        runner.work.mkdir(exist_ok=True)
        command, report_dir = runner.command(
            extra=dict(settings, sas_connection=connection(emulator, rate_limit=rate_limit)), check=check)
        run = self.run(label, command, emulator, measure_modules)
        reports = account_reports(report_dir)
        run.registered = {"report": reports[0]} if reports else {}
        return run

    def organisation_triage(self, label: str, emulator: Any, rules: list, settings: dict, forks: int) -> Run:
        """The triage of every member account of emulator's organisation, as its administrator runs it: the
        sas_accounts inventory (include_self: false: the members alone), the administrator's keys in the environment,
        forks accounts at once; the role's defaults but for settings. Registered: each account's report, by host,
        and the summaries across accounts."""
        runner = TriageRunner(self.work / label, self.env, rules)
        runner.work.mkdir(exist_ok=True)
        inventory = runner.work / "org.sas_accounts.yml"
        inventory.write_text(yaml.safe_dump({"plugin": "alibabacloud.sas.sas_accounts", "endpoint": emulator.url,
                                             "include_self": False}))
        command, report_dir = runner.command(extra=settings, inventory=inventory)
        administrator = {"ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
                         "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
                         "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}  # a listing that fails fails the run
        run = self.run(label, command + ["--forks", str(forks)], emulator, env=administrator)
        summaries = report_dir.glob("triage-summary-*.json")
        run.registered = {"reports": {report["account"]: report for report in account_reports(report_dir)},
                          "summaries": [json.loads(path.read_text()) for path in summaries]}
        return run

    def sequential(self, label: str, emulator: Any, poll_interval: float) -> Run:
        """The manual workflow's script (bench/sequential.py) against emulator."""
        run = self.run(label, [sys.executable, "-m", "bench.sequential", "--endpoint", emulator.url,
                               "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                               "--poll-interval", str(poll_interval)], emulator)
        lines = run.stdout.strip().splitlines()
        run.registered = json.loads(lines[-1]) if run.returncode == 0 and lines else {}
        return run

    def handle_options(self) -> dict:
        """sas_alert_handle's options, as ansible-doc documents them from the installed collection."""
        return features.options(self.env)

    def close(self) -> None:
        """End whatever a run left running (a run that timed out)."""
        run_processes.end(run_processes.left_running(grace_s=2))


def account_reports(report_dir: Path) -> list:
    """The accounts' triage reports in report_dir (not the summary across them)."""
    return [json.loads(path.read_text()) for path in sorted(report_dir.glob("triage-*.json"))
            if not path.name.startswith("triage-summary-")]


def connection(emulator: Any, **options: Any) -> dict:
    """The modules' connection options for emulator, and options (rate_limit)."""
    return dict(options, endpoint=emulator.url, access_key=ACCESS_KEY_ID, secret_key=ACCESS_KEY_SECRET)
