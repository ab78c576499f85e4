"""Fixtures: the emulator as a real subprocess, driven by the real, unmodified SDK."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The SDK sends every request through HTTP(S)_PROXY and ignores NO_PROXY (SAS_API.md §1.2).
for _name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)

from sas_emu_helpers import SpyClient, make_client  # noqa: E402

from sas_emulator.readings import Readings  # noqa: E402
from sas_emulator.testing import EmulatorHandle, start_emulator  # noqa: E402

DEFAULT_READINGS = Readings().readings()

TASK_DELAY_MS = 150
# No quota (the default is the service's 10 calls a second): these tests check behaviour, not pacing.
NO_QUOTA = ("--qps", "0")
SHARED_ARGS = (*NO_QUOTA, "--alerts", "60", "--seed", "7", "--task-delay-ms", str(TASK_DELAY_MS))


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorHandle]:
    """One emulator for the session; tests that change state use ``fresh_emulator``."""
    handle = start_emulator(*SHARED_ARGS)
    yield handle
    handle.stop()


@pytest.fixture
def fresh_emulator(emulator: EmulatorHandle) -> EmulatorHandle:
    """The shared emulator, reset to its dataset (alerts, rules, faults, stats, QPS buckets) and to the
    default readings (a reset keeps the readings, so a test that set one must not leak it)."""
    emulator.reset()
    emulator.configure(**DEFAULT_READINGS, task_delay_ms=TASK_DELAY_MS)
    return emulator


@pytest.fixture(scope="session")
def sas_emulator() -> Iterator[Callable[..., EmulatorHandle]]:
    """Start extra emulators with their own options; all are stopped at the end of the session."""
    started: list[EmulatorHandle] = []

    def start(*args: str, env: dict[str, str] | None = None) -> EmulatorHandle:
        handle = start_emulator(*NO_QUOTA, *args, env=env)  # a later --qps in args wins
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.stop()


@pytest.fixture
def client(fresh_emulator: EmulatorHandle) -> SpyClient:
    return make_client(fresh_emulator)
