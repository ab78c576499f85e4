# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jittered exponential backoff for transient failures, bounded in attempts and time.

The SDK retries nothing by default [SDK], so a throttled call at 3 a.m.
would end the job; this is the one place that decides what is tried again.
"""

from __future__ import annotations

import random
import time
from typing import Callable, Optional, TypeVar

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError

T = TypeVar("T")


class RetryPolicy:
    """How hard to try: attempts per call, delays and the total time one call may take."""

    def __init__(self, max_attempts: int = 6, base_delay: float = 0.5, max_delay: float = 10.0,
                 max_elapsed: float = 60.0):
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_elapsed = max_elapsed

    def backoff(self, attempt: int, rng: Callable[[float, float], float] = random.uniform) -> float:
        """Full-jitter delay before try number attempt + 1 (attempt counts from 1)."""
        return rng(0.0, min(self.max_delay, self.base_delay * (2 ** (attempt - 1))))


def call_with_retries(call: Callable[[], T], policy: RetryPolicy, *, write: bool = False,
                      sleep: Callable[[float], None] = time.sleep,
                      clock: Callable[[], float] = time.monotonic,
                      on_retry: Optional[Callable[[SasApiError, float], None]] = None) -> T:
    """Run call, retrying what is transient; a write is retried only when surely not processed."""
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except SasApiError as error:
            retryable = error.safe_to_resend if write else error.transient
            if not retryable or attempt >= policy.max_attempts:
                raise
            # The server's hint is a floor; max_elapsed still bounds the whole call.
            delay = max(policy.backoff(attempt), error.retry_after or 0.0)
            if clock() - started + delay > policy.max_elapsed:
                raise
            if on_retry is not None:
                on_retry(error, delay)
            sleep(delay)
