"""End-to-end harness: the collection built and installed as alibabacloud.sas, real
ansible-playbook runs, and the SAS emulator on a free loopback port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import run_processes  # noqa: E402
from playbook_env import base_env, install_collection, play  # noqa: E402,F401 (the tests import base_env from here)
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA  # noqa: E402

from sas_emulator.testing import start_emulator  # noqa: E402


@pytest.fixture(autouse=True)
def no_process_left():
    """Fails the test if a process it started (ansible-playbook, its workers and modules, ansible-runner,
    ansible-rulebook) outlives it; they are ended first, so that neither the next test nor the machine
    inherits them."""
    yield
    left = run_processes.left_running()
    run_processes.end(left)
    assert not left, "processes this test started outlived it (ended now): " + run_processes.describe(left)


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory) -> Path:
    """Build the collection tarball and install it, as a user would."""
    return install_collection(tmp_path_factory.mktemp("collection"))


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator per test: 60 alerts, seed 7, fast tasks, the real quota; tests may start their own."""
    handle = start_emulator(*QUOTA, "--alerts", "60", "--seed", "7", "--task-delay-ms", "200",
                            "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                            request_log=tmp_path / "requests.jsonl")
    yield handle
    handle.stop()


class PlayResult:
    def __init__(self, process: subprocess.CompletedProcess, registered: dict):
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.registered = registered

    def __getitem__(self, name: str) -> dict:
        return self.registered[name]


@pytest.fixture
def run_play(tmp_path, collections_path):
    """run_play(tasks, emulator=None, env=None, defaults=None, extra_args=(), check=False, dump=None).

    Every task that sets `register` is dumped to JSON after the play, so tests read the
    real module results. Credentials go through the module_defaults action group.
    """
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def run(tasks, emulator=None, env=None, defaults=None, extra_args=(), check=False, dump=None):
        registers = dump if dump is not None else [task["register"] for task in tasks if "register" in task]
        out = tmp_path / "registered.json"
        if out.exists():
            out.unlink()
        group_defaults = {}
        if emulator is not None:
            group_defaults = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID,
                              "secret_key": ACCESS_KEY_SECRET}
        if defaults is not None:
            group_defaults = defaults
        document = play(tasks, group_defaults, registers, out)
        playbook = tmp_path / "play.yml"
        playbook.write_text(yaml.safe_dump(document, sort_keys=False))
        command = ["ansible-playbook", str(playbook), *extra_args]  # implicit localhost: the venv python
        if check:
            command.append("--check")
        process = subprocess.run(command, env={**base_env(home, collections_path), **(env or {})},
                                 capture_output=True, text=True, timeout=600, check=False)
        registered = json.loads(out.read_text()) if out.exists() else {}
        return PlayResult(process, registered)

    return run
