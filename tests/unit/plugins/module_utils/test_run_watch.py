# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RunWatch: a module sees its run killed (ansible-playbook's main process gone) and never a living run as
killed; real processes laid out as ansible-playbook lays them out, and a /proc written by hand for the
states real processes cannot be put in at will."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import run_watch
from ansible_collections.alibabacloud.sas.plugins.module_utils.run_watch import RunWatch

# the folder that holds ansible_collections/, for the child processes to import the collection from
COLLECTIONS_DIR = Path(run_watch.__file__).parents[5]

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="Linux /proc")

# The run's main process forks its worker, which leads a session of its own and starts the module through
# /bin/sh, as ansible-playbook does; the main process then waits, as it waits for its workers.
FAKE_ANSIBLE_PLAYBOOK = """#!{python}
import os, subprocess, sys, time
if os.fork() == 0:
    os.setsid()
    os._exit(subprocess.call(["/bin/sh", "-c", '"$0" "$1" "$2"; true', sys.executable, {probe!r}, {status!r}]))
time.sleep(120)
"""
# The module: notes its run, then checks it every 50 ms until it sees it killed, or is told to stop.
PROBE = """import json, sys, time
from pathlib import Path
sys.path.insert(0, {collections!r})
from ansible_collections.alibabacloud.sas.plugins.module_utils.run_watch import RunWatch
status = Path(sys.argv[1])
watch = RunWatch.start()
def report(name, value):
    (status / "tmp").write_text(json.dumps(value))
    (status / "tmp").rename(status / name)
report("chain", [process.pid for process in watch.chain])
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not (status / "stop").exists():
    if not watch.alive():
        report("result", "killed")
        sys.exit()
    time.sleep(0.05)
report("result", "alive")
"""


def wait_for(path: Path, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, "%s never came" % path.name
        time.sleep(0.05)
    return json.loads(path.read_text())


@pytest.fixture
def fake_run(tmp_path):
    """(command of a fake ansible-playbook, the probe's status folder); every process it started is ended after."""
    status = tmp_path / "status"
    status.mkdir()
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.format(collections=str(COLLECTIONS_DIR)))
    program = tmp_path / "ansible-playbook"
    program.write_text(FAKE_ANSIBLE_PLAYBOOK.format(python=sys.executable, probe=str(probe), status=str(status)))
    program.chmod(0o755)
    yield str(program), status
    chain = json.loads((status / "chain").read_text()) if (status / "chain").exists() else []
    for pid in chain[-1:]:  # the worker's session: the worker, the shell and the probe
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main_process(chain: list) -> int:
    """The worker's parent: ansible-playbook's main process."""
    stat = Path("/proc/%d/stat" % chain[-1]).read_text()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def test_a_sigkill_to_ansible_playbook_is_seen_by_its_module(fake_run):
    program, status = fake_run
    playbook = subprocess.Popen([program])
    try:
        chain = wait_for(status / "chain")
        assert len(chain) >= 3 and main_process(chain) == playbook.pid  # the probe, its shell, the worker
        time.sleep(0.5)
        assert not (status / "result").exists()  # alive so far
        playbook.send_signal(signal.SIGKILL)
        assert wait_for(status / "result", timeout=5) == "killed"
    finally:
        playbook.kill()
        playbook.wait()


def test_the_end_of_the_process_that_started_ansible_playbook_is_no_kill(fake_run):
    """As a shell that started ansible-playbook in the background and exited (nohup, cron)."""
    program, status = fake_run
    start_and_exit = ("import subprocess, sys; "
                      "print(subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)")
    launcher = subprocess.run([sys.executable, "-c", start_and_exit, program], capture_output=True, text=True,
                              check=True)
    playbook = int(launcher.stdout)
    try:
        chain = wait_for(status / "chain")
        assert chain and main_process(chain) == playbook
        time.sleep(1)  # twenty checks
        (status / "stop").touch()
        assert wait_for(status / "result") == "alive"
    finally:
        os.kill(playbook, signal.SIGKILL)


# --- a /proc written by hand: pid -> (state, parent, start time, command line) ---------------------------
ME = os.getpid()
MODULE = ["/usr/bin/python3", "/home/u/.ansible/tmp/ansible-tmp-1/AnsiballZ_sas_alert_handle.py"]
SHELL = ["/bin/sh", "-c", "/usr/bin/python3 /home/u/.ansible/tmp/ansible-tmp-1/AnsiballZ_sas_alert_handle.py"]
PLAYBOOK = ["/usr/bin/python3", "/usr/bin/ansible-playbook", "site.yml"]
INIT = ["/sbin/init"]
RUNNER = ["/usr/bin/python3", "/usr/bin/ansible-runner", "run", "job"]
RUN = {ME: ("R", 101, 900, MODULE), 101: ("S", 102, 800, SHELL), 102: ("S", 103, 700, PLAYBOOK),
       103: ("S", 50, 600, PLAYBOOK), 50: ("S", 1, 10, ["-bash"]), 1: ("S", 0, 1, INIT)}


def write_proc(proc: Path, processes: dict) -> None:
    for pid, (state, ppid, start, line) in processes.items():
        folder = proc / str(pid)
        folder.mkdir(parents=True, exist_ok=True)
        # a command name with a space and a parenthesis, as a process may name itself
        fields = [state, str(ppid)] + ["0"] * 17 + [str(start), "0", "0"]
        (folder / "stat").write_text("%d (a) b) %s\n" % (pid, " ".join(fields)))
        (folder / "cmdline").write_bytes(b"\0".join(arg.encode() for arg in line) + b"\0")


def watch_of(tmp_path, processes=None) -> tuple[RunWatch, Path]:
    proc = tmp_path / "proc"
    write_proc(proc, RUN if processes is None else processes)
    return RunWatch.start(str(proc)), proc


def test_the_watch_notes_the_module_up_to_its_worker(tmp_path):
    watch, _proc = watch_of(tmp_path)
    assert [process.pid for process in watch.chain] == [ME, 101, 102] and watch.alive()


@pytest.mark.parametrize("change", [
    {102: ("S", 1, 700, PLAYBOOK)},      # ansible-playbook's main process is gone: init adopted the worker
    {102: ("S", 77, 700, PLAYBOOK)},     # ... or a subreaper did
    {102: ("S", 103, 701, PLAYBOOK)},    # the worker ended and its pid was used again
    {101: ("Z", 102, 800, SHELL)},       # the shell ended (a zombie until reaped)
], ids=["adopted by init", "adopted by a subreaper", "pid used again", "zombie"])
def test_a_changed_chain_is_a_killed_run(tmp_path, change):
    watch, proc = watch_of(tmp_path)
    write_proc(proc, change)
    assert not watch.alive()


def test_a_process_of_the_chain_gone_is_a_killed_run(tmp_path):
    watch, proc = watch_of(tmp_path)
    for name in ("stat", "cmdline"):
        (proc / "102" / name).unlink()
    (proc / "102").rmdir()
    assert not watch.alive()


def test_what_proc_cannot_say_never_stops_a_run(tmp_path):
    watch, proc = watch_of(tmp_path)
    (proc / "102" / "stat").write_text("garbage")
    assert watch.alive()


def test_a_worker_already_adopted_by_init_was_started_after_the_kill(tmp_path):
    watch, _proc = watch_of(tmp_path, {**RUN, 102: ("S", 1, 700, PLAYBOOK)})
    assert watch.chain == [] and not watch.alive()


@pytest.mark.parametrize("processes", [
    {**RUN, 102: ("S", 77, 700, PLAYBOOK), 77: ("S", 1, 5, ["/lib/systemd/systemd", "--user"])},
    {**RUN, 102: ("S", 103, 700, RUNNER), 103: ("S", 50, 600, RUNNER)},
    {ME: RUN[ME], 101: ("S", 1, 800, SHELL)},
], ids=["worker adopted by a subreaper before the start", "no Ansible command above", "no worker"])
def test_without_a_worker_and_its_run_nothing_is_watched(tmp_path, processes):
    watch, _proc = watch_of(tmp_path, processes)
    assert watch.chain == [] and watch.alive()


def test_without_proc_nothing_is_watched(tmp_path):
    watch = RunWatch.start(str(tmp_path / "no-proc"))
    assert watch.chain == [] and watch.alive()


def test_the_test_process_itself_is_not_watched():
    """No Ansible worker above pytest: a Handler in a unit test never stops."""
    assert RunWatch.start().chain == []
