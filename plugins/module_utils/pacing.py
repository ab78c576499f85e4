# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep each API under the service's quota, or find it (auto), and count what its calls met.

SAS quotas are per API and per account, most of them 10 calls a second (the quota page [DOC]); the quota of these
APIs is not published [GUESS]. A fixed rate_limit spaces the calls of each API evenly at that rate. rate_limit auto
finds each API's quota as it goes, as TCP finds a link's bandwidth (AIMD): it starts at AUTO_START, grows by half
each second while calls wait for their slots and succeed (until the API's first throttling), then by GROWTH calls a
second each second, and each throttling cuts it to CUT of itself. The throttled call is retried (retries.py), so the
probe costs a retry, not a failure.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable, Dict, NamedTuple, Union

# The default rate_limit, an estimate: the quota page gives 10 calls a second per API per account for most SAS APIs
# [DOC], but no row for these five could be read [GUESS]. 8 leaves headroom for the console and other tools of the
# account; auto starts there.
DEFAULT_CALLS_PER_SECOND = AUTO_START = 8.0
AUTO = "auto"
# Chosen on a model of the emulator's per-API token bucket (1,000 calls from 8 threads at quotas of 7 to 40 calls
# a second: within 1.13x of the quota's floor, no call out of retries), then measured on the emulator: 1,000 alerts
# handled in 1.13x the floor at 20 calls a second (15 throttled calls), 1.03x at 7 (84), none failed (issue 19).
SLOW_START_GROWTH = 0.5  # until the first throttling: the rate grows by half of itself each second
GROWTH = 1.0  # after it: calls a second added each second
CUT = 0.8  # a throttling multiplies the rate by this
MIN_RATE = 0.5
MAX_RATE = 1000.0

Rate = Union[float, str]  # calls a second (0: no pacing), or AUTO


class Slot(NamedTuple):
    """When a call went, by the pacer's clock, and whether it waited for it: the pace is what held it back."""

    at: float
    waited: bool


class ApiPace:
    """One API's pace, and what its calls met: calls sent (retries included), retries and throttles."""

    def __init__(self, rate: float, auto: bool):
        self.rate = rate
        self.auto = auto
        self.slow_start = auto  # until the API's first throttling
        self.next_slot = -math.inf
        self.cut_at = -math.inf
        self.paced_since_throttled = (0, 0.0)  # (calls, their rates added up) since the API's first throttling
        self.calls = self.retries = self.throttles = 0

    def take_slot(self, now: float) -> Slot:
        """When the next call may go: 1/rate after the one before (at once with no pacing)."""
        slot = max(now, self.next_slot)
        self.next_slot = slot + (1.0 / self.rate if self.rate > 0 else 0.0)
        self.calls += 1
        if self.throttles:
            calls, rates = self.paced_since_throttled
            self.paced_since_throttled = (calls + 1, rates + self.rate)
        return Slot(slot, slot > now)

    def succeeded(self, slot: Slot) -> None:
        # Raised only by calls that waited for their slot: a rate that held nothing back proves nothing.
        if self.auto and slot.waited:
            growth = self.rate * SLOW_START_GROWTH if self.slow_start else GROWTH
            self.rate = min(MAX_RATE, self.rate + growth / self.rate)

    def throttled(self, slot: Slot, now: float) -> None:
        self.throttles += 1
        # One cut for the calls that met one rate: those sent before the last cut are answered for it already.
        if self.auto and slot.at >= self.cut_at:
            self.rate = max(MIN_RATE, self.rate * CUT)
            self.cut_at = now
            self.slow_start = False

    def settled_rate(self) -> float:
        """The rate the pace settled at: since the API's first throttling, the average rate its calls went at (the
        pace rises and is cut around the quota); never throttled, the rate it is at."""
        calls, rates = self.paced_since_throttled
        return rates / calls if calls else self.rate

    def stats(self) -> Dict[str, Union[int, float]]:
        return {"calls": self.calls, "retries": self.retries, "throttles": self.throttles,
                "rate": round(self.settled_rate(), 1)}


class Pacer:
    """One pace per API (action), shared by every call and thread of a connection."""

    def __init__(self, rate: Rate = DEFAULT_CALLS_PER_SECOND, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._auto = rate == AUTO
        self._start = AUTO_START if self._auto else float(rate)
        self._clock = clock
        self._sleep = sleep
        self._apis: Dict[str, ApiPace] = {}
        self._lock = threading.Lock()

    def _api(self, action: str) -> ApiPace:
        if action not in self._apis:
            self._apis[action] = ApiPace(self._start, self._auto)
        return self._apis[action]

    def wait(self, action: str) -> Slot:
        """Block until action may be called; returns its slot, for succeeded() or throttled() once answered."""
        with self._lock:  # take the next free slot, then sleep outside the lock
            now = self._clock()
            slot = self._api(action).take_slot(now)
        if slot.waited:
            self._sleep(slot.at - now)
        return slot

    def succeeded(self, action: str, slot: Slot) -> None:
        with self._lock:
            self._api(action).succeeded(slot)

    def throttled(self, action: str, slot: Slot) -> None:
        """The call of action that went at slot was refused for the rate of calls."""
        with self._lock:
            self._api(action).throttled(slot, self._clock())

    def retried(self, action: str) -> None:
        with self._lock:
            self._api(action).retries += 1

    def stats(self) -> Dict[str, Dict[str, Union[int, float]]]:
        """Per API called: calls (retries included), retries, throttles and the rate its pace settled at."""
        with self._lock:
            return {action: api.stats() for action, api in sorted(self._apis.items())}
