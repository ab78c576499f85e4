# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacer: calls of one action spaced 1/rate apart, across threads; actions independent."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.pacing import Pacer


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))


def test_calls_of_one_action_are_spaced_evenly():
    fake = FakeTime()
    pacer = Pacer(rate=10, clock=fake.clock, sleep=fake.sleep)
    waits = [round(pacer.wait("DescribeSecurityEventOperations"), 6) for dummy in range(4)]
    assert waits == [0.0, 0.1, 0.2, 0.3]
    assert fake.sleeps == [0.1, 0.2, 0.3]


def test_each_action_has_its_own_quota():
    fake = FakeTime()
    pacer = Pacer(rate=5, clock=fake.clock, sleep=fake.sleep)
    assert pacer.wait("DescribeSuspEvents") == 0.0
    assert pacer.wait("HandleSecurityEvents") == 0.0
    assert round(pacer.wait("DescribeSuspEvents"), 6) == 0.2


def test_time_that_passed_counts():
    fake = FakeTime()
    pacer = Pacer(rate=10, clock=fake.clock, sleep=fake.sleep)
    pacer.wait("A")
    fake.now += 0.5
    assert pacer.wait("A") == 0.0
    fake.now += 0.05
    assert round(pacer.wait("A"), 6) == 0.05


@pytest.mark.parametrize("rate", [0, 0.0])
def test_rate_zero_never_waits(rate):
    fake = FakeTime()
    pacer = Pacer(rate=rate, clock=fake.clock, sleep=fake.sleep)
    assert [pacer.wait("A") for dummy in range(5)] == [0.0] * 5
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
