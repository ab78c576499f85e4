# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the run that started this module still lives, so that a killed run stops writing.

ansible-playbook runs each task in a worker process forked from its main process (ansible-core 2.19 and later
make the worker lead a session of its own); the worker starts the module - with a local connection, through
/bin/sh - once for each item of the task's loop. ansible-playbook passes SIGTERM and SIGINT on to its workers,
which end their process groups, the module included. A SIGKILL ends the main process alone: the worker and
the module go on, the worker starts the next items of its loop, and nobody will ever read what they return.

What the kill changes is the process tree: the worker, its parent gone, is handed to init (or a subreaper).
The worker is the module's nearest ancestor running ansible-playbook (or ansible, ansible-console), and its
parent, the main process, runs the same command line, having forked it. At start the module notes the
processes from itself up to the worker, each with its start time (a pid used again is another process) and
its parent; the run lives while each of them runs with the same start time and the same parent. A worker
whose parent is already init was orphaned before the module started: the run was killed.

Other signs do not tell: PR_SET_PDEATHSIG watches the module's own parent, the shell, which outlives the kill
(and it fires when the parent's thread ends, not the process); the module's stdin and stdout are pipes to the
worker, open as long as the worker lives.

Without /proc (not Linux), without such a worker among the ancestors (an async task, a connection that runs
the module on another host), or with a worker adopted by a subreaper before the module started, nothing is
watched and the run counts as alive: the watch may miss a kill; it never stops a run that lives.
"""

from __future__ import annotations

import os
from typing import List, NamedTuple, Optional

PROC = "/proc"
MAX_ANCESTORS = 16  # the module, its shell, a become program, the worker: a handful in every layout known
# The commands that run modules in workers; not ansible-runner, ansible-rulebook or ansible-test, which start
# one of these or run no module.
ANSIBLE_COMMANDS = (b"ansible-playbook", b"ansible", b"ansible-console")
GONE_STATES = ("Z", "X")  # zombie, dead: the pid is still listed but the process has ended


class Process(NamedTuple):
    """A process as /proc/<pid>/stat shows it."""
    pid: int
    state: str
    ppid: int
    start_time: int  # clock ticks after boot: with the pid, one process for good


def read_process(pid: int, proc: str = PROC) -> Optional[Process]:
    """The process pid; None if there is none. OSError or ValueError when /proc cannot say (no access, not Linux)."""
    try:
        with open(os.path.join(proc, str(pid), "stat"), "rb") as stat:
            text = stat.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) ": comm may hold spaces and ")"
    try:
        return Process(pid, fields[0], int(fields[1]), int(fields[19]))
    except IndexError:
        raise ValueError("%s/%d/stat has %d fields" % (proc, pid, len(fields))) from None


def command_line(pid: int, proc: str = PROC) -> List[bytes]:
    with open(os.path.join(proc, str(pid), "cmdline"), "rb") as cmdline:
        return cmdline.read().split(b"\0")


def runs_ansible(line: List[bytes]) -> bool:
    """One of ANSIBLE_COMMANDS: the program, or the script its interpreter runs (python .../bin/ansible-playbook)."""
    return any(os.path.basename(arg) in ANSIBLE_COMMANDS for arg in line[:2])


def ancestry_to_worker(proc: str = PROC) -> List[Process]:
    """This process and its ancestors up to the nearest one running one of ANSIBLE_COMMANDS (the worker); []
    when there is none."""
    chain: List[Process] = []
    pid = os.getpid()
    while len(chain) < MAX_ANCESTORS:
        process = read_process(pid, proc)
        if process is None:
            return []
        chain.append(process)
        if runs_ansible(command_line(pid, proc)):
            return chain
        if process.ppid <= 1:
            return []
        pid = process.ppid
    return []


class RunWatch:
    """The processes from this module up to its worker as they were at start, to compare with /proc later."""

    def __init__(self, chain: List[Process], proc: str = PROC, killed: bool = False):
        self.chain = chain  # empty: nothing watched
        self.proc = proc
        self.killed = killed  # started by a worker whose run was already killed

    @classmethod
    def start(cls, proc: str = PROC) -> RunWatch:
        """Note this process's chain now; nothing is watched where /proc cannot show a worker and its run."""
        try:
            chain = ancestry_to_worker(proc)
            if not chain:
                return cls([], proc)
            worker = chain[-1]
            if command_line(worker.ppid, proc) == command_line(worker.pid, proc):
                return cls(chain, proc)
            return cls([], proc, killed=worker.ppid == 1)  # orphaned before this module started
        except (OSError, ValueError):
            return cls([], proc)

    def alive(self) -> bool:
        """False once the run was killed: a process of the chain ended, or was handed to another parent
        (the worker, when ansible-playbook's main process is gone). True when /proc cannot tell."""
        if self.killed:
            return False
        for noted in self.chain:
            try:
                now = read_process(noted.pid, self.proc)
            except (OSError, ValueError):
                continue
            if (now is None or now.start_time != noted.start_time or now.state in GONE_STATES
                    or now.ppid != noted.ppid):
                return False
        return True
