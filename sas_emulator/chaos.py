"""Chaos at a rate, deterministic per seed: the seeded randomness, the chaos settings and their checks,
the counts of what chaos did, and someone in the console (a thread handling pending alerts).

Who decides what (the README's "Chaos" section has the control plane):

| chaos                                       | decided in | when                                           |
|---------------------------------------------|------------|------------------------------------------------|
| fault rules with a `rate`                   | server.py  | each matching API call, after the signature    |
| `jitter_ms`                                 | server.py  | each API answer, added to `latency_ms`         |
| `task_stuck_rate`                           | backend.py | when a task's result falls due                 |
| `event_failed_rate`, `agent_offline_rate`   | backend.py | when each alert's result is decided            |
| the console (`interval_ms`, `alerts`)       | backend.py | every interval_ms, in the ConsoleHand's thread |

The draws come from SeededRandom (one stream per source, all seeded from the emulator's seed); a reset
reseeds them, so a run repeated after a reset meets the same chaos. The alerts that arrive while the emulator
runs (arrivals.py) draw from a stream of their own here too, and their thread is a Repeater like the console's.
"""

from __future__ import annotations

import functools
import random
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .values import is_count, is_number

T = TypeVar("T")

CHAOS_RATES = ("task_stuck_rate", "event_failed_rate", "agent_offline_rate")
CHAOS_SETTINGS = ("jitter_ms", *CHAOS_RATES)
# One stream per source: task results fall due on the clock and the console ticks in its own thread, so drawn
# from one sequence they would shift the faults a client sees; apart, one seed and one sequence of calls give
# the same faults (and the same task results, and the same console picks). "arrivals": the alerts added while the
# emulator runs (names, levels, hosts), so one seed adds the same alerts whatever the chaos does.
STREAMS = ("faults", "latency", "tasks", "console", "arrivals")
CONSOLE_MIN_INTERVAL_MS = 10
COUNTERS = ("tasks_stuck", "events_failed", "agents_offline", "console_handled")


def check_chaos_setting(name: str, value: Any) -> int | float:
    """The value of chaos setting ``name``, checked; ValueError naming it and what is valid."""
    if name == "jitter_ms":
        if not is_count(value) or value < 0:
            raise ValueError(f"jitter_ms must be an integer >= 0 (milliseconds), got {value!r}")
        return value
    if name not in CHAOS_RATES:
        raise ValueError(f"unknown chaos setting {name!r}; the settings are {', '.join(CHAOS_SETTINGS)}")
    if not is_number(value) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1 (a probability), got {value!r}")
    return float(value)


def check_fault_rate(value: Any) -> float:
    """A fault rule's rate: a probability > 0 (a rule that never fires is a mistake) and <= 1."""
    if not is_number(value) or not 0 < value <= 1:
        raise ValueError(f"rate must be a number > 0 and <= 1 (a probability), got {value!r}")
    return float(value)


def check_console(raw: Any) -> tuple[int, int]:
    """A console body -> (interval_ms, alerts); (0, 0) is off. ValueError naming the field and what is valid."""
    if not isinstance(raw, dict) or set(raw) - {"interval_ms", "alerts"}:
        raise ValueError('console must be {"interval_ms": 0 (off) or >= 10, "alerts": >= 1 (default 1)}')
    interval = raw.get("interval_ms")
    if not is_count(interval) or (interval != 0 and interval < CONSOLE_MIN_INTERVAL_MS):
        raise ValueError(f"console interval_ms must be 0 (off) or an integer >= {CONSOLE_MIN_INTERVAL_MS}, "
                         f"got {interval!r}")
    alerts = raw.get("alerts", 1 if interval else 0)
    if not is_count(alerts) or alerts < (1 if interval else 0):
        raise ValueError(f"console alerts must be an integer >= 1 (alerts handled each interval), got {alerts!r}")
    return (interval, alerts) if interval else (0, 0)


@dataclass(kw_only=True)
class ChaosSettings:
    """The chaos settings of the config (GET/POST /_emulator/config show and change them too)."""

    jitter_ms: int = 0
    task_stuck_rate: float = 0.0
    event_failed_rate: float = 0.0
    agent_offline_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in CHAOS_SETTINGS:
            setattr(self, name, check_chaos_setting(name, getattr(self, name)))

    def chaos_settings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CHAOS_SETTINGS}


class SeededRandom:
    """All chaos randomness: one random.Random per stream (STREAMS), each seeded from the emulator's seed.
    Handler threads and the console draw at once, hence the lock."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self.reseed()

    def reseed(self) -> None:
        with self._lock:
            # A str seed is hashed with SHA-512: the same streams on every run and every machine.
            self._streams = {name: random.Random(f"sas-emulator/{self.seed}/{name}") for name in STREAMS}

    def chance(self, stream: str, rate: float) -> bool:
        if rate <= 0:
            return False  # no draw: chaos that is off leaves the sequences as they are
        with self._lock:
            return self._streams[stream].random() < rate

    def uniform(self, stream: str, high: float) -> float:
        with self._lock:
            return self._streams[stream].uniform(0, high)

    def sample(self, stream: str, population: Sequence[T], k: int) -> list[T]:
        with self._lock:
            return self._streams[stream].sample(population, min(k, len(population)))

    def choice(self, stream: str, options: Sequence[T]) -> T:
        with self._lock:
            return self._streams[stream].choice(options)

    def draw(self, stream: str, use: Callable[[random.Random], T]) -> T:
        """``use(the stream)`` under the lock, for draws the helpers above do not cover (a whole new alert)."""
        with self._lock:
            return use(self._streams[stream])


class ChaosStats:
    """What chaos did (GET /_emulator/stats "chaos"): rate faults by fault, and the COUNTERS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def count_fault(self, fault: str) -> None:
        with self._lock:
            self._faults[fault] = self._faults.get(fault, 0) + 1

    def count(self, counter: str, n: int = 1) -> None:
        with self._lock:
            self._counters[counter] += n

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"faults": dict(self._faults), **self._counters}

    def clear(self) -> None:
        with self._lock:
            self._faults: dict[str, int] = {}
            self._counters = dict.fromkeys(COUNTERS, 0)


class Chaos:
    """The chaos decisions and their counts. The rates are read from ``settings`` (the server's config) at each
    decision, so POST /_emulator/config and /_emulator/chaos apply at once."""

    def __init__(self, settings: ChaosSettings, seed: int) -> None:
        self.settings = settings
        self.random = SeededRandom(seed)
        self.stats = ChaosStats()

    def reset(self) -> None:
        self.random.reseed()
        self.stats.clear()

    def fault_fires(self, rate: float) -> bool:
        return self.random.chance("faults", rate)

    def jitter_s(self) -> float:
        jitter_ms = self.settings.jitter_ms
        return self.random.uniform("latency", jitter_ms) / 1000 if jitter_ms > 0 else 0.0

    def task_stuck(self) -> bool:
        return self._happens("task_stuck_rate", "tasks_stuck")

    def event_fails(self) -> bool:
        return self._happens("event_failed_rate", "events_failed")

    def agent_drops(self) -> bool:
        return self._happens("agent_offline_rate", "agents_offline")

    def _happens(self, rate_name: str, counter: str) -> bool:
        if not self.random.chance("tasks", getattr(self.settings, rate_name)):
            return False
        self.stats.count(counter)
        return True


class Repeater:
    """A daemon thread that calls ``act()`` every period_s seconds until stopped. It waits on a stop event, so a
    stop (a reset, the server's shutdown) never waits out a whole period."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, period_s: float, act: Callable[[], Any]) -> None:
        """Replace the current thread; a period of 0 only stops it."""
        with self._lock:
            self._halt()
            if period_s <= 0:
                return
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(self._stop, period_s, act), name=self.name,
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._halt()

    def _halt(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def _run(self, stop: threading.Event, period_s: float, act: Callable[[], Any]) -> None:
        while not stop.wait(period_s):
            try:
                act()
            except Exception as exc:  # a bug must not silently end the thread for the rest of the run
                sys.stderr.write(f"sas_emulator: {self.name} failed: {exc!r}\n")


class ConsoleHand:
    """Someone in the console: a Repeater that calls ``act(alerts)`` every interval_ms until stopped."""

    def __init__(self, act: Callable[[int], Any]) -> None:
        self._act = act
        self._lock = threading.Lock()  # the settings change with the thread, as one
        self._repeater = Repeater("sas-emulator-console")
        self.interval_ms = self.alerts = 0

    def start(self, interval_ms: int, alerts: int) -> None:
        """Replace the current hand; interval_ms 0 only stops it (values as check_console returns them)."""
        with self._lock:
            self._repeater.start(interval_ms / 1000, functools.partial(self._act, alerts))
            self.interval_ms, self.alerts = (interval_ms, alerts) if interval_ms > 0 else (0, 0)

    def stop(self) -> None:
        self.start(0, 0)

    def settings(self) -> dict[str, int]:
        return {"interval_ms": self.interval_ms, "alerts": self.alerts}
