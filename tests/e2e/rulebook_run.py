"""The shipped rulebook alibabacloud.sas.triage_new_alerts run by the real ansible-rulebook against an emulator,
as a user runs it: a policy file, vars, a localhost inventory, credentials and the endpoint in the environment.
Shared by the e2e tests of the event-driven triage."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Iterator, NamedTuple

import yaml
from conftest import base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET


class RulebookRun(NamedTuple):
    process: subprocess.Popen
    report_dir: Path
    log: Path  # ansible-rulebook's whole output


@contextlib.contextmanager
def rulebook_run(tmp_path: Path, collections_path: Path, emulator, policy: list, interval: float,
                 print_events: bool = False) -> Iterator[RulebookRun]:
    """ansible-rulebook started in tmp_path; terminated (then killed) when the block ends."""
    (tmp_path / "policy.yml").write_text(yaml.safe_dump({"sas_triage_rules": policy}))
    report_dir = tmp_path / "reports"
    (tmp_path / "vars.yml").write_text(yaml.safe_dump({
        "sas_triage_policy_file": str(tmp_path / "policy.yml"), "sas_triage_report_dir": str(report_dir),
        "sas_alerts_interval": interval}))
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}))
    home = tmp_path / "home"
    home.mkdir()
    env = dict(base_env(home, collections_path), ALIBABA_CLOUD_SAS_ENDPOINT=emulator.url,
               ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET)
    command = ["ansible-rulebook", "-i", str(tmp_path / "inventory.yml"), "-r", "alibabacloud.sas.triage_new_alerts",
               "--vars", str(tmp_path / "vars.yml")] + (["--print-events"] if print_events else [])
    log_path = tmp_path / "rulebook.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=tmp_path)
        try:
            yield RulebookRun(process, report_dir, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
