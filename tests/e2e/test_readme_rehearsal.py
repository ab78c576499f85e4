"""The README's rehearsal of a policy on the emulator, run as written by a user of the installed collection: the
collection in ~/.ansible/collections (no ANSIBLE_COLLECTIONS_PATH), the emulator started from it, then the
triage in check mode and for real. The one change to the commands: a free port instead of the default one."""

from __future__ import annotations

import json
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

from conftest import base_env
from test_triage import run_on_a_terminal

from sas_emulator.__main__ import build_parser
from sas_emulator.testing import READY_RE

MARKER = "**Rehearsing a policy on the emulator.**"
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
DEFAULT_URL = "http://127.0.0.1:%d" % build_parser().get_default("port")
# What a user may well have in the environment: their real account's keys and region, and a proxy (a dead one
# here). The rehearsal must reach the emulator all the same, and never the account.
USER_ENVIRONMENT = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-users-own-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "users-own",
                    "ALIBABA_CLOUD_REGION_ID": "cn-shanghai", "HTTP_PROXY": "http://127.0.0.1:9"}


def rehearsal_blocks(readme: str) -> tuple[str, str]:
    """The two shell blocks of the README's rehearsal: the emulator's, and the triage runs'."""
    emulator, triage = SHELL_BLOCK.findall(readme.split(MARKER, 1)[1])[:2]
    return emulator, triage


def on_a_free_port(emulator_block: str) -> str:
    lines = emulator_block.splitlines()
    (start,) = [number for number, line in enumerate(lines) if " -m sas_emulator " in line]
    lines[start] += " --port 0"
    return "\n".join(lines)


def start(block: str, cwd: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """The emulator block, run in a session of its own, and the URL of its ready line."""
    process = subprocess.Popen(["bash", "-c", block], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline, output = time.monotonic() + 30, ""
    while time.monotonic() < deadline and selector.select(timeout=deadline - time.monotonic()):
        line = process.stdout.readline()
        match = READY_RE.match(line.strip())
        if match:
            return process, match.group(1)
        output += line
        if not line:
            break
    stop(process)
    raise AssertionError("the README's emulator command did not start:\n" + output)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def the_report(folder: Path, check: bool) -> dict:
    (path,) = [path for path in folder.glob("triage-*.json") if path.stem.endswith("-check") is check]
    return json.loads(path.read_text())


def test_the_readme_rehearsal_runs_as_written_from_the_installed_collection(tmp_path, collections_path):
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".ansible").mkdir(parents=True)
    (home / ".ansible" / "collections").symlink_to(collections_path)
    work.mkdir()
    collection = collections_path / "ansible_collections" / "alibabacloud" / "sas"
    shutil.copy(collection / "playbooks" / "policies" / "example.yml", work / "policy.yml")  # the README's cp
    env = {key: value for key, value in base_env(home, collections_path).items() if key != "ANSIBLE_COLLECTIONS_PATH"}
    env.update(USER_ENVIRONMENT)

    emulator_block, triage_block = rehearsal_blocks((collection / "README.md").read_text())
    assert DEFAULT_URL in triage_block
    emulator, url = start(on_a_free_port(emulator_block), work, env)
    try:
        script = "cd %s\n%s" % (shlex.quote(str(work)), triage_block.replace(DEFAULT_URL, url))
        run = run_on_a_terminal("yes")(["bash", "-c", script], env=env, timeout=900)
    finally:
        stop(emulator)

    assert "NO PROMPT" not in run.stdout, run.stdout[-4000:]
    check = the_report(work / "reports", check=True)
    assert check["check_mode"] is True and check["summary"]["by_outcome"].get("would_handle"), check["summary"]
    # The real run handles, and fails as the README says: on the alerts the demo data set makes fail.
    assert run.returncode != 0
    real = the_report(work / "reports", check=False)
    outcomes = real["summary"]["by_outcome"]
    assert outcomes.get("handled") and outcomes.get("failed"), outcomes
    failed = {alert["error_code"].split(".")[-1] for alert in real["alerts"] if alert["outcome"] == "failed"}
    assert failed <= {"AgentOffline", "ProcessNotExist"}, failed
    # requests.jsonl, where the README has the emulator write it, holds the real run's write calls.
    requests = [json.loads(line) for line in (work / "requests.jsonl").read_text().splitlines()]
    assert any(entry["action"] == "HandleSecurityEvents" for entry in requests)
