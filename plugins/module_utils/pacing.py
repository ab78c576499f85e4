# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep each API under the service's quota instead of bouncing off it.

SAS quotas are per API and per account, most of them 10 calls a second (the quota page [DOC]).
Eight threads looking up operations would send far more and be throttled; retries alone then
give up on an unlucky call. Spacing the calls of each API evenly never trips the quota.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Dict

# An estimate: the quota page gives 10 calls a second per API per account for most SAS APIs [DOC], but no
# row for these five could be read [GUESS]. 8 leaves headroom for the console and other tools of the account.
DEFAULT_CALLS_PER_SECOND = 8.0


class Pacer:
    """Spaces the calls of each action at least 1/rate seconds apart, across threads."""

    def __init__(self, rate: float = DEFAULT_CALLS_PER_SECOND, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_slot: Dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, action: str) -> float:
        """Block until action may be called again; returns the seconds waited."""
        if not self._interval:
            return 0.0
        with self._lock:  # take the next free slot, then sleep outside the lock
            now = self._clock()
            slot = max(now, self._next_slot.get(action, now))
            self._next_slot[action] = slot + self._interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay
