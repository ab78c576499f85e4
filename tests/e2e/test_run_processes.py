"""The harness finds what a test left running the way a SIGKILL leaves an Ansible worker: orphaned, leading a
session of its own, found by the marker in its environment, and ended."""

from __future__ import annotations

import os
import subprocess
import time

import run_processes
from conftest import base_env


def test_an_orphan_in_a_session_of_its_own_is_found_by_its_marker_and_ended(tmp_path):
    env = base_env(tmp_path, tmp_path)
    started = subprocess.run(["sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $!"], env=env,
                             capture_output=True, text=True, check=True)
    orphan = int(started.stdout)  # its shell has exited: the sleep was handed to init
    deadline = time.monotonic() + 10
    while os.getsid(orphan) != orphan or "sleep 300" not in run_processes.marked().get(orphan, ""):
        assert time.monotonic() < deadline, "setsid did not make the sleep a session leader"  # it execs, then sleeps
        time.sleep(0.05)
    found = run_processes.marked()
    assert orphan in found and "sleep 300" in found[orphan]
    run_processes.end(found)
    deadline = time.monotonic() + 10
    while orphan in run_processes.marked():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert run_processes.left_running(grace_s=0) == {}
