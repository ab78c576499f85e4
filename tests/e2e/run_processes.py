"""The processes the tests start, marked so that none outlives its test.

base_env puts MARKER=RUN_ID in the environment of every ansible-playbook, ansible-runner and ansible-rulebook
the tests start, and whatever they start inherits it: Ansible's workers, which lead sessions of their own and
so outlive a SIGKILL to ansible-playbook, and the modules the workers run. /proc/<pid>/environ keeps the
environment a process started with, so they are found wherever they were reparented. (A zombie shows an
empty environment: it has ended, it is not found.)
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

MARKER = "SAS_TEST_RUN"
# One per pytest process: a pytest-xdist worker runs its tests one after another, so what carries its id when
# a test ends was started by that test.
RUN_ID = uuid.uuid4().hex
PROC = Path("/proc")
GRACE_S = 10.0  # a process may still be ending as its test ends (a play's workers after its last task)


def marked(run_id: str = RUN_ID) -> dict[int, str]:
    """The running processes started with MARKER=run_id: pid -> command line (our own commands)."""
    entry = ("%s=%s" % (MARKER, run_id)).encode()
    found = {}
    for path in PROC.glob("[0-9]*"):
        pid = int(path.name)
        try:
            if pid == os.getpid() or entry not in (path / "environ").read_bytes().split(b"\0"):
                continue
            found[pid] = (path / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # ended meanwhile, or another user's
            continue
    return found


def end(processes: dict[int, str]) -> None:
    """SIGKILL each of them (a worker's module and shell are marked too, so they are among them)."""
    for pid in processes:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def left_running(grace_s: float = GRACE_S) -> dict[int, str]:
    """The marked processes still running once grace_s has passed (at once when there are none)."""
    deadline = time.monotonic() + grace_s
    while True:
        found = marked()
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)


def describe(processes: dict[int, str]) -> str:
    return "; ".join("pid %d: %s" % (pid, command[:300]) for pid, command in sorted(processes.items()))
