# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacer: calls of one action spaced 1/rate apart, across threads; actions independent; rate_limit auto (AIMD)
raises an API's rate while its calls queue and succeed and cuts it at a throttling; each API's counts."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.pacing import (
    AUTO,
    AUTO_START,
    CUT,
    GROWTH,
    Pacer,
)


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))


def waits(pacer, fake, action, count):
    """The seconds each of count calls of action waited, sent back to back at fake.now."""
    return [round(pacer.wait(action).at - fake.now, 6) for dummy in range(count)]


def test_calls_of_one_action_are_spaced_evenly():
    fake = FakeTime()
    pacer = Pacer(rate=10, clock=fake.clock, sleep=fake.sleep)
    assert waits(pacer, fake, "DescribeSecurityEventOperations", 4) == [0.0, 0.1, 0.2, 0.3]
    assert fake.sleeps == [0.1, 0.2, 0.3]


def test_each_action_has_its_own_quota():
    fake = FakeTime()
    pacer = Pacer(rate=5, clock=fake.clock, sleep=fake.sleep)
    assert waits(pacer, fake, "DescribeSuspEvents", 1) == [0.0]
    assert waits(pacer, fake, "HandleSecurityEvents", 1) == [0.0]
    assert waits(pacer, fake, "DescribeSuspEvents", 1) == [0.2]


def test_time_that_passed_counts():
    fake = FakeTime()
    pacer = Pacer(rate=10, clock=fake.clock, sleep=fake.sleep)
    pacer.wait("A")
    fake.now += 0.5
    assert waits(pacer, fake, "A", 1) == [0.0]
    fake.now += 0.05
    assert waits(pacer, fake, "A", 1) == [0.05]


@pytest.mark.parametrize("rate", [0, 0.0])
def test_rate_zero_never_waits(rate):
    fake = FakeTime()
    pacer = Pacer(rate=rate, clock=fake.clock, sleep=fake.sleep)
    assert waits(pacer, fake, "A", 5) == [0.0] * 5
    assert fake.sleeps == []


def test_threads_share_the_slots():
    pacer = Pacer(rate=50)
    started = []
    lock = threading.Lock()

    def call():
        pacer.wait("A")
        with lock:
            started.append(time.monotonic())

    threads = [threading.Thread(target=call) for dummy in range(10)]
    before = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # ten calls at 50 a second: the tenth may not start before its slot, 9 x 20 ms after the first
    assert max(started) - before >= 9 * 0.02 - 0.002


# --- rate_limit auto ------------------------------------------------------------------------------------------
def rate(pacer, action="A"):
    return pacer.stats()[action]["rate"]


def queued_success(pacer, fake, action="A"):
    """One call of action that waited for its slot (the pace held it back), and was answered."""
    pacer.succeeded(action, pacer.wait(action))


def test_a_fixed_rate_never_moves():
    fake = FakeTime()
    pacer = Pacer(rate=10, clock=fake.clock, sleep=fake.sleep)
    sent = pacer.wait("A")
    queued_success(pacer, fake)
    pacer.throttled("A", sent)
    assert rate(pacer) == 10


def test_auto_starts_at_the_default_and_grows_by_half_each_second_of_queued_successes_until_a_throttling():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    pacer.succeeded("A", pacer.wait("A"))  # the first call waits for nothing
    assert rate(pacer) == AUTO_START
    for dummy in range(8):  # a second of calls at 8 a second
        queued_success(pacer, fake)
    assert 11.5 <= rate(pacer) <= 12.0


def test_auto_does_not_grow_when_the_pace_holds_nothing_back():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    for dummy in range(20):  # one call at a time, each long after the one before
        slot = pacer.wait("A")
        fake.now += 1.0
        pacer.succeeded("A", slot)
    assert rate(pacer) == AUTO_START


def pace(pacer, action="A"):
    """The rate the next calls of action go at: the spacing of two slots taken now."""
    first, second = pacer.wait(action), pacer.wait(action)
    return round(1 / (second.at - first.at), 1)


def test_a_throttling_cuts_the_rate_once_for_the_calls_sent_before_the_cut():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    in_flight = [pacer.wait("A") for dummy in range(4)]
    fake.now += 1.0
    for sent in in_flight:  # all four were sent at the old rate: one cut
        pacer.throttled("A", sent)
    assert pace(pacer) == round(AUTO_START * CUT, 1)
    later = pacer.wait("A")
    fake.now += 1.0
    pacer.throttled("A", later)  # sent after the cut: the cut rate is too much as well
    assert pace(pacer) == round(AUTO_START * CUT * CUT, 1)
    assert pacer.stats()["A"]["throttles"] == 5


def test_after_a_throttling_auto_grows_by_growth_calls_a_second_each_second():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    pacer.throttled("A", pacer.wait("A"))
    slot = pacer.wait("A")
    while slot.at < fake.now + 1.0:  # a second of calls, each waiting for its slot
        pacer.succeeded("A", slot)
        slot = pacer.wait("A")
    pace = 1 / (pacer.wait("A").at - slot.at)  # the calls' spacing now
    assert abs(pace - (AUTO_START * CUT + GROWTH)) <= 0.3


def test_each_api_counts_its_calls_retries_and_throttles():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    sent = pacer.wait("A")
    pacer.throttled("A", sent)
    pacer.retried("A")
    fake.now += 1.0
    pacer.succeeded("A", pacer.wait("A"))  # waited for nothing: no growth
    pacer.wait("B")
    assert pacer.stats() == {
        "A": {"calls": 2, "retries": 1, "throttles": 1, "rate": round(AUTO_START * CUT, 1)},
        "B": {"calls": 1, "retries": 0, "throttles": 0, "rate": AUTO_START},
    }


def test_the_rate_reported_is_the_average_pace_since_the_first_throttling_or_how_far_it_rose_unthrottled():
    fake = FakeTime()
    pacer = Pacer(rate=AUTO, clock=fake.clock, sleep=fake.sleep)
    for dummy in range(8):
        queued_success(pacer, fake)
    risen = rate(pacer)
    assert risen > AUTO_START  # never throttled: how far it rose
    pacer.throttled("A", pacer.wait("A"))
    for dummy in range(20):  # it climbs again from the cut: the rate reported is the average its calls went at
        queued_success(pacer, fake)
    assert round(risen * CUT, 1) < rate(pacer) < pace(pacer)
