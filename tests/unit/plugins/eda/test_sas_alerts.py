# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The alibabacloud.sas.sas_alerts event source: main() run with an asyncio.Queue against the in-process emulator
(a real SDK connection), alerts arriving through the emulator's backend while it polls."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FAST_RETRIES, HANDLED, PENDING
from module_runner import run_module

from ansible_collections.alibabacloud.sas.extensions.eda.plugins.event_source import sas_alerts
from ansible_collections.alibabacloud.sas.plugins.module_utils import connection as sas_connection
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import BAD_RESPONSE, SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.listing import pending_listing_request
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_info
from sas_emulator import dataset as emulator_dataset
from sas_emulator.readings import READING_CHOICES

INTERVAL = 0.05
LOGGER = "alibabacloud.sas.sas_alerts"
INTERVAL_BOUNDS = sas_alerts.INTERVAL_BOUNDS
ALERT_TRACKER = sas_alerts.AlertTracker
# A server name from a host an attacker owns: a forged log line, a terminal title and colour, a bidi override.
HOSTILE_SERVER = "web-01\nNew alert 1: serious forged\x1b]0;pwned\x07\x1b[31m\u202e{{ lookup('pipe', 'id') }}"
HOSTILE_SHOWN = "web-01\\nNew alert 1: serious forged\\x1b]0;pwned\\x07\\x1b[31m\\u202e{{ lookup('pipe', 'id') }}"


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    """Polls INTERVAL apart, below the shortest interval a rulebook may set: the tests wait for polls."""
    monkeypatch.setattr(sas_alerts, "INTERVAL_BOUNDS", (INTERVAL, INTERVAL_BOUNDS[1]))


class CountingTracker(sas_alerts.AlertTracker):
    """The source's AlertTracker, counting its polls so that tests wait for polls rather than for time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = False  # the first poll (the baseline) got through
        self.polls = 0  # polls finished after the baseline, failed ones included
        self.lock = threading.Lock()

    def poll(self, stop=None):
        if not self.started:
            found = super().poll(stop)
            self.started = True
            return found
        try:
            return super().poll(stop)
        finally:
            with self.lock:
                self.polls += 1


class Harness:
    """Runs main() as a task; what it built (connections, trackers) is recorded."""

    def __init__(self):
        self.trackers = []
        self.connects = 0

    def start(self, args):
        return Run(self, args)


class Run:
    def __init__(self, harness, args):
        self.harness = harness
        self.queue = asyncio.Queue()
        self.task = asyncio.create_task(sas_alerts.main(self.queue, args))
        self.events = []

    @property
    def tracker(self):
        return self.harness.trackers[-1]

    async def until(self, predicate, timeout=5.0, what="the condition"):
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.task.done():
                self.task.result()  # raises what main() raised
                raise AssertionError("main() returned")
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for %s" % what)
            await asyncio.sleep(0.005)

    async def started(self):
        await self.until(lambda: self.harness.trackers and self.tracker.started, what="the baseline")

    async def polls(self, count=1):
        """Wait until count more polls have finished."""
        await self.started()
        target = self.tracker.polls + count
        await self.until(lambda: self.tracker.polls >= target, what="%d polls" % count)

    def take(self):
        """The events put on the queue since the last take."""
        taken = []
        while not self.queue.empty():
            taken.append(self.queue.get_nowait())
        self.events += taken
        return taken

    def ids(self):
        return [event["sas_alert"]["id"] for event in self.take()]

    async def stop(self):
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(self.task, 5)


@pytest.fixture
def harness(monkeypatch, module_env):
    """main() with the modules' connection and the emulator's fast retries (real attempts, tiny delays)."""
    recorder = Harness()

    def fast_connect(*args, **kwargs):
        if "policy" not in kwargs:  # the source's connection (the emulator fixture's comes with its own policy)
            recorder.connects += 1
            kwargs["policy"] = FAST_RETRIES
        return connect(*args, **kwargs)

    def tracker(*args, **kwargs):
        made = CountingTracker(*args, **kwargs)
        recorder.trackers.append(made)
        return made

    monkeypatch.setattr(sas_connection, "connect", fast_connect)
    monkeypatch.setattr(sas_alerts, "AlertTracker", tracker)
    return recorder


def source_args(sas, **extra):
    return dict({"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                 "interval": INTERVAL, "rate_limit": 0}, **extra)


def pages_read(sas):
    """The CurrentPage of each DescribeSuspEvents call since the log was cleared."""
    return [int(call["params"]["CurrentPage"]) for call in sas.calls("DescribeSuspEvents")]


# --- new alerts, each once -------------------------------------------------------------------------------

def test_old_alerts_are_not_sent_and_each_new_one_is_sent_once(start_sas, harness):
    sas = start_sas(alerts=300)
    pending_at_start = set(sas.listing("N"))
    assert len(pending_at_start) > 200  # three pages

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(3)
        assert run.ids() == []
        sent = []

        one = sas.backend.add_alerts(1)
        await run.polls(2)
        sent += run.ids()
        assert sent == one

        several = [alert_id for _one in range(4) for alert_id in sas.backend.add_alerts(1)]
        several += sas.backend.add_alerts(3)  # these three share a LastTime
        await run.polls(2)
        batch = run.ids()
        assert sorted(batch) == sorted(several)
        sent += batch

        sas.clear_requests()
        many = sas.backend.add_alerts(150)  # more than a page
        await run.polls(3)
        batch = run.ids()
        assert sorted(batch) == sorted(many)
        sent += batch
        await run.polls(5)
        assert run.ids() == []
        await run.stop()
        return sent, one + several + many

    sent, added = asyncio.run(scenario())
    assert sorted(sent) == sorted(added) and len(set(sent)) == len(sent)
    assert not pending_at_start & set(sent)


def renumbered(sas, alert_id, new_id):
    """The alert under another id (straight in the backend): no source says a new alert's id is the highest."""
    with sas.backend._lock:
        alert = sas.backend.alerts.pop(alert_id)
        alert.id = new_id
        sas.backend.alerts[new_id] = alert
    return new_id


def seen_before_every_other(sas, alert_id):
    """The alert as the service may list it when its agent reported late: first and last seen before any other."""
    with sas.backend._lock:
        alert = sas.backend.alerts[alert_id]
        alert.first_seen_ms = alert.last_seen_ms = min(other.last_seen_ms for other in sas.backend.alerts.values()) - 1
    return alert_id


# --- under every order of the pending listing (the emulator's reading pending_order) -------------------------

PENDING_ORDERS = READING_CHOICES["pending_order"]


def all_pending(count):
    """A data set of count alerts, every one pending."""
    data = emulator_dataset.generate(seed=7, alerts=count)
    for alert in data["alerts"]:
        alert["status"] = PENDING
    return data


def sent_once_each(sas, harness, arrive):
    """Start the source, let arrive() add alerts (it returns their ids), poll: (the ids added, the ids sent)."""
    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        assert run.ids() == []
        added = arrive()
        await run.polls(2)
        sent = run.ids()
        await run.polls(3)  # the listing reshuffled, or not: nothing again
        sent += run.ids()
        await run.stop()
        return added, sent

    return asyncio.run(scenario())


@pytest.mark.parametrize("order", PENDING_ORDERS)
def test_new_alerts_are_sent_once_whatever_the_order_of_the_pending_listing(start_sas, harness, order):
    sas = start_sas(dataset=all_pending(250), pending_order=order)
    added, sent = sent_once_each(sas, harness, lambda: sas.backend.add_alerts(5))
    assert sorted(sent) == sorted(added)
    first_page = set(sas.listing("N")[:100])
    # but newest first, they are not all on the first page, where a poll that stops at a page with nothing new
    # would have stopped
    assert (order == "newest") == (set(added) <= first_page)


@pytest.mark.parametrize("order", PENDING_ORDERS)
def test_a_new_alert_whose_id_is_below_the_old_ones_is_still_new(start_sas, harness, order):
    sas = start_sas(dataset=all_pending(250), pending_order=order)
    lowest = min(sas.backend.alerts)
    added, sent = sent_once_each(sas, harness, lambda: [renumbered(sas, sas.backend.add_alerts(1)[0], lowest - 1000)])
    assert sent == added


@pytest.mark.parametrize("order", PENDING_ORDERS)
def test_a_new_alert_last_seen_before_every_other_is_still_new(start_sas, harness, order):
    """An agent that reports late: the alert is new to the source but older than any TimeStart window."""
    sas = start_sas(dataset=all_pending(250), pending_order=order)
    added, sent = sent_once_each(sas, harness, lambda: [seen_before_every_other(sas, sas.backend.add_alerts(1)[0])])
    assert sent == added


def test_each_poll_reads_every_page_once(start_sas, harness):
    sas = start_sas(dataset=all_pending(250))

    async def scenario():
        run = harness.start(source_args(sas))
        await run.started()
        sas.clear_requests()
        await run.polls(3)
        first = pages_read(sas)
        sas.backend.add_alerts(51)  # 301 alerts: four pages
        await run.polls(2)
        sas.clear_requests()
        await run.polls(2)
        await run.stop()
        return first, pages_read(sas)

    before, after = asyncio.run(scenario())
    assert before[:9] == [1, 2, 3] * 3
    assert after[:8] == [1, 2, 3, 4] * 2


def test_alerts_added_while_a_poll_reads_its_pages_are_sent_once(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        first = sas.backend.add_alerts(120)
        arrived = []

        def between_pages(params):  # the moment page 2 is asked for: two more arrive, pushing the rest down
            if params.get("CurrentPage") == "2" and not arrived:
                arrived.extend(sas.backend.add_alerts(2))

        sas.on_request("DescribeSuspEvents", between_pages, times=50)
        await run.until(lambda: arrived, what="the second page")
        await run.polls(3)
        ids = run.ids()
        assert sorted(ids) == sorted(first + arrived) and len(ids) == len(set(ids))
        await run.stop()

    asyncio.run(scenario())


def test_alerts_sharing_one_last_time_are_told_apart_by_id(start_sas, harness):
    sas = start_sas(alerts=40)
    frozen = sas.backend.now_ms() / 1000.0 + 5  # every alert added from now on has this LastTime

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        sas.backend.clock = lambda: frozen
        sent, added = [], []
        for count in (2, 1, 3, 110):
            added += sas.backend.add_alerts(count)
            await run.polls(2)
            sent += run.ids()
            assert sorted(sent) == sorted(added)
        await run.stop()
        return sent

    sent = asyncio.run(scenario())
    assert len(sent) == len(set(sent)) == 116


def test_emit_existing_sends_every_pending_alert_once_then_the_new_ones(start_sas, harness):
    sas = start_sas(alerts=300)
    pending = sas.listing("N")

    async def scenario():
        run = harness.start(source_args(sas, emit_existing=True))
        await run.polls(3)
        existing = run.ids()
        new = sas.backend.add_alerts(2)
        await run.polls(3)
        later = run.ids()
        await run.stop()
        return existing, new, later

    existing, new, later = asyncio.run(scenario())
    assert sorted(existing) == sorted(pending) and len(existing) == len(set(existing))
    assert later == new


def test_a_member_account_s_pending_alerts_with_the_member_in_each_event_s_meta(start_sas, harness):
    # issue 20: resource_directory_account_id polls a member's alerts through the administrator's credentials
    data = emulator_dataset.generate(seed=7, alerts=10, members=2, member_alerts=4)
    member = data["members"][1]
    sas = start_sas(dataset=data)

    async def scenario():
        run = harness.start(source_args(sas, emit_existing=True, resource_directory_account_id=member["ali_uid"]))
        await run.polls(1)
        events = run.take()
        await run.stop()
        return events

    events = asyncio.run(scenario())
    assert sorted(event["sas_alert"]["id"] for event in events) == sorted(alert["id"] for alert in member["alerts"])
    assert {event["meta"]["resource_directory_account_id"] for event in events} == {member["ali_uid"]}
    assert {call["params"]["ResourceDirectoryAccountId"] for call in sas.calls("DescribeSuspEvents")} == {
        str(member["ali_uid"])}


# --- the event ------------------------------------------------------------------------------------------

def test_the_event_holds_the_alert_as_sas_alert_info_returns_it(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas, region="cn-shanghai"))
        await run.polls(1)
        new = sas.backend.add_alerts(3)
        await run.polls(2)
        events = run.take()
        await run.stop()
        return new, events

    new, events = asyncio.run(scenario())
    module = run_module(sas_alert_info, {"endpoint": sas.url, "access_key": ACCESS_KEY_ID,
                                         "secret_key": ACCESS_KEY_SECRET, "alert_ids": new},
                        connect=lambda *args, **kwargs: sas.connection)
    assert module["failed"] is False and module["missing_ids"] == []
    assert [event["sas_alert"] for event in events] == module["alerts"]  # the same dicts, oldest first
    for event in events:
        meta = event["meta"]
        assert meta["source"] == {"type": "alibabacloud.sas.sas_alerts"}
        assert meta["endpoint"] == sas.url.split("://", 1)[1]
        assert meta["region"] == "cn-shanghai"
        assert meta["resource_directory_account_id"] is None  # the credentials' own account
        polled_at = datetime.datetime.fromisoformat(meta["polled_at"].replace("Z", "+00:00"))
        assert abs((datetime.datetime.now(datetime.timezone.utc) - polled_at).total_seconds()) < 60
        assert set(event) == {"sas_alert", "sas_alert_label", "meta"}
        alert = event["sas_alert"]
        assert event["sas_alert_label"] == "%d: %s %s - %s on %s" % (
            alert["id"], alert["level"], alert["alarm_event_type_display"], alert["alarm_event_name_display"],
            alert["instance_name"])
        assert ACCESS_KEY_SECRET not in json.dumps(event, ensure_ascii=False)


def test_a_hostile_server_name_is_in_the_event_as_it_is_and_in_its_label_escaped(start_sas, harness):
    sas = start_sas(alerts=40)
    with sas.backend._lock:
        host = next(host for host in sas.backend.hosts.values() if host.cluster is None)
        host.instance_name = HOSTILE_SERVER

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        new = sas.backend.add_alerts(1, host_uuid=host.uuid)
        await run.polls(2)
        events = run.take()
        await run.stop()
        return new, events

    new, [event] = asyncio.run(scenario())
    assert event["sas_alert"]["id"] == new[0]
    assert event["sas_alert"]["instance_name"] == HOSTILE_SERVER  # the data as the service gave it
    label = event["sas_alert_label"]
    assert label.startswith("%d: " % new[0]) and label.endswith(" on " + HOSTILE_SHOWN)
    assert not any(char in label for char in "\n\x1b\x07\u202e")


@pytest.mark.parametrize("alert, label", [
    pytest.param({"id": 7, "level": "serious", "alarm_event_type": "Unusual logon",
                  "alarm_event_name_display": "ECS login\r\nfrom unusual location", "instance_name": HOSTILE_SERVER},
                 "7: serious Unusual logon - ECS login\\r\\nfrom unusual location on " + HOSTILE_SHOWN, id="hostile"),
    pytest.param({"id": 8, "level": "suspicious", "alarm_event_type": "Cloud service threat detection",
                  "alarm_event_name_display": "Suspicious API call", "instance_name": None},
                 "8: suspicious Cloud service threat detection - Suspicious API call on no server", id="no-server"),
    pytest.param({"id": 9, "level": "remind", "alarm_event_type": "Web shell", "alarm_event_name": "x" * 500,
                  "instance_id": "i-\u200bbp1"},
                 "9: remind Web shell - %s\u2026 on i-\\u200bbp1" % ("x" * 119), id="long-name-zero-width-id"),
])
def test_the_label_is_one_line_with_every_field_escaped(alert, label):
    assert sas_alerts.alert_label(alert) == label


def test_a_failed_poll_is_logged_with_the_service_text_escaped(start_sas, harness, caplog, monkeypatch):
    sas = start_sas(alerts=40)
    answer = "<html>\x1b]0;pwned\x07\nWARNING forged line</html>"
    failures = [SasApiError("DescribeSuspEvents", BAD_RESPONSE, answer)]
    poll = ALERT_TRACKER.poll

    def failing_once(self, stop=None):
        if failures:
            raise failures.pop()
        return poll(self, stop)

    monkeypatch.setattr(ALERT_TRACKER, "poll", failing_once)

    async def scenario():
        run = harness.start(source_args(sas))
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            await run.polls(2)
        await run.stop()

    asyncio.run(scenario())
    [warning] = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert "<html>\\x1b]0;pwned\\x07\\nWARNING forged line</html>" in warning
    assert "\n" not in warning and "\x1b" not in warning


def test_the_event_passes_ansible_rulebooks_meta_filter():
    insert_meta_info = pytest.importorskip("ansible_rulebook.event_filter.insert_meta_info")
    event = sas_alerts.event_for(_Alert(7, 1), {"endpoint": "tds.example", "region": None}, "2026-01-01T00:00:00Z")
    event = insert_meta_info.main(event, source_name="my alerts", source_type="alibabacloud.sas.sas_alerts")
    assert event["meta"]["source"] == {"type": "alibabacloud.sas.sas_alerts", "name": "my alerts"}
    assert event["meta"]["polled_at"] == "2026-01-01T00:00:00Z" and "received_at" in event["meta"]


# --- filters ------------------------------------------------------------------------------------------

def test_levels_are_asked_of_the_service_and_only_those_alerts_sent(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas, levels=["serious", "suspicious"]))
        await run.polls(1)
        serious = sas.backend.add_alerts(2, level="serious")
        sas.backend.add_alerts(3, level="remind")
        suspicious = sas.backend.add_alerts(1, level="suspicious")
        await run.polls(2)
        events = run.take()
        await run.stop()
        return serious + suspicious, events

    wanted, events = asyncio.run(scenario())
    assert sorted(event["sas_alert"]["id"] for event in events) == sorted(wanted)
    assert {event["sas_alert"]["level"] for event in events} == {"serious", "suspicious"}
    assert {call["params"].get("Levels") for call in sas.calls("DescribeSuspEvents")} == {"serious,suspicious"}


def test_alert_types_match_on_this_side_as_sas_alert_info_does(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        # by English name, by Chinese name in another spacing and case: as the module's alert_types
        run = harness.start(source_args(sas, alert_types=["unusual LOGON", "网站后门"]))
        await run.polls(1)
        logons = sas.backend.add_alerts(2, name_key="login_unusual_location")
        sas.backend.add_alerts(2, name_key="mining_program")
        shells = sas.backend.add_alerts(1, name_key="webshell_file")
        await run.polls(2)
        events = run.take()
        await run.stop()
        return logons + shells, events

    wanted, events = asyncio.run(scenario())
    assert sorted(event["sas_alert"]["id"] for event in events) == sorted(wanted)
    assert {event["sas_alert"]["alarm_event_type"] for event in events} == {"Unusual logon", "Web shell"}
    assert not any("ParentEventTypes" in call["params"] for call in sas.calls("DescribeSuspEvents"))


# --- faults ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["throttle", "unavailable", "drop"])
def test_a_poll_that_fails_after_retries_is_logged_and_the_next_one_loses_nothing(
        start_sas, harness, caplog, fault):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        new = sas.backend.add_alerts(3)
        # FAST_RETRIES makes 4 attempts: the first poll gives up, the next one gets through on its third try
        sas.set_faults([{"action": "DescribeSuspEvents", "fault": fault, "times": 6}])
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            await run.until(lambda: not sas.faults(), what="the faults to be used up")
            await run.polls(3)
        more = sas.backend.add_alerts(1)
        await run.polls(2)
        ids = run.ids()
        await run.stop()
        return new + more, ids

    added, ids = asyncio.run(scenario())
    assert sorted(ids) == sorted(added)
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "this poll failed, the next one is in 0.05 seconds" in warnings[0]
    assert "DescribeSuspEvents" in warnings[0] and ACCESS_KEY_SECRET not in warnings[0]
    faulted = [call for call in sas.calls("DescribeSuspEvents") if call["fault"]]
    assert len(faulted) == 6


def test_faults_the_retries_ride_out_log_nothing(start_sas, harness, caplog):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        new = sas.backend.add_alerts(2)
        sas.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 3}])
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            await run.polls(2)
        ids = run.ids()
        await run.stop()
        return new, ids

    new, ids = asyncio.run(scenario())
    assert ids == new
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize("credentials, expected", [
    pytest.param({"secret_key": "not-the-Secret-value"},
                 ["SignatureDoesNotMatch", "check secret_key: it does not belong to this AccessKey ID"],
                 id="wrong-secret"),
    pytest.param({"access_key": "unknownAccessKeyId", "secret_key": "not-the-Secret-value"},
                 ["InvalidAccessKeyId.NotFound", "check access_key: the service does not know this AccessKey ID"],
                 id="unknown-key"),
])
def test_credentials_the_service_refuses_stop_the_source_at_once(start_sas, harness, credentials, expected):
    sas = start_sas(alerts=40)

    async def scenario():
        started = time.monotonic()
        with pytest.raises(sas_alerts.SourceAccessError) as raised:
            await asyncio.wait_for(sas_alerts.main(asyncio.Queue(), source_args(sas, **credentials)), 5)
        return raised.value, time.monotonic() - started

    error, took = asyncio.run(scenario())
    message = str(error)
    for part in ["alibabacloud.sas.sas_alerts", "DescribeSuspEvents was refused by the service"] + expected:
        assert part in message, (part, message)
    assert "not-the-Secret-value" not in message and ACCESS_KEY_SECRET not in message
    assert len(sas.calls("DescribeSuspEvents")) == 1  # not retried
    assert took < 3


def test_a_permission_the_service_refuses_later_stops_the_source(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        sas.set_faults([{"action": "DescribeSuspEvents", "fault": "no_permission"}])
        with pytest.raises(sas_alerts.SourceAccessError, match="the RAM policy lacks yundun-sas:DescribeSuspEvents"):
            await asyncio.wait_for(run.task, 5)

    asyncio.run(scenario())


# --- arguments ----------------------------------------------------------------------------------------

CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


@pytest.mark.parametrize("args, expected", [
    pytest.param({"interval": 0}, ["interval must be a positive number of seconds, got 0"], id="interval-0"),
    pytest.param({"interval": -5}, ["interval must be a positive number of seconds"], id="interval-negative"),
    pytest.param({"interval": "nan"}, ["interval must be a finite number of seconds above 0, got nan"],
                 id="interval-nan"),
    pytest.param({"interval": "soon"}, ["argument 'interval' is of type str", "float"], id="interval-not-a-number"),
    pytest.param({"levels": ["urgent"]}, ["levels must be one or more of: serious, suspicious, remind",
                                          "urgent"], id="levels-unknown"),
    pytest.param({"levels": []}, ["levels=[] is empty", "leave the option out to not filter"], id="levels-empty"),
    pytest.param({"alert_types": [" "]}, ["alert_types=[' '] is empty"], id="alert_types-blank"),
    pytest.param({"emit_existing": "perhaps"}, ["emit_existing", "bool"], id="emit_existing-not-bool"),
    pytest.param({"lang": "fr"}, ["lang must be one of: en, zh, got: fr"], id="lang-unknown"),
    pytest.param({"intervall": 5}, ["unknown argument intervall", "interval", "emit_existing"], id="unknown-argument"),
    pytest.param({"rate_limit": -1}, ["rate_limit must be 0 (no pacing) or a positive number"], id="rate_limit"),
    pytest.param({"read_timeout": 0}, ["read_timeout must be a positive number of seconds"], id="read_timeout"),
    pytest.param({"endpoint": "ftp://127.0.0.1:1"}, ["endpoint 'ftp://127.0.0.1:1' is not valid"], id="endpoint"),
    pytest.param({"endpoint": None}, ["region is required (or endpoint)"], id="no-region-nor-endpoint"),
    pytest.param({"secret_key": None}, ["secret_key is missing: access_key and secret_key go together"],
                 id="secret_key-missing"),
    pytest.param({"alicloud_secret_key": "another-Secret"},
                 ["secret_key and its alias alicloud_secret_key are both set, to different values"],
                 id="aliases-differ"),
    pytest.param({"interval": 0, "levels": ["urgent"]}, ["interval", "levels"], id="every-error-named"),
])
def test_bad_arguments_are_refused_before_any_call(harness, args, expected):
    with pytest.raises(sas_alerts.SourceArgumentError) as raised:
        asyncio.run(asyncio.wait_for(sas_alerts.main(asyncio.Queue(), dict(CONNECTION, **args)), 5))
    message = str(raised.value)
    assert message.startswith("alibabacloud.sas.sas_alerts: ")
    for part in expected:
        assert part in message, (part, message)
    assert "unit-Secret-value" not in message and "another-Secret" not in message
    assert harness.connects == 0 and harness.trackers == []


@pytest.mark.parametrize("args, expected", [
    pytest.param({"interval": 0.5}, "interval must be from 1 to 86400 seconds, got 0.5", id="interval-below-1s"),
    pytest.param({"interval": 1e300}, "interval must be from 1 to 86400 seconds, got 1e+300", id="interval-1e300"),
    pytest.param({"interval": True}, "interval must be a number, got the boolean true", id="interval-true"),
    pytest.param({"rate_limit": False}, "rate_limit must be auto or a number of calls a second, got the boolean "
                 "false", id="rate_limit-false"),
    pytest.param({"read_timeout": 1e-9}, "read_timeout must be from 0.1 to 600 seconds, got 1e-09",
                 id="read_timeout-1e-9"),
    pytest.param({"connect_timeout": 86400}, "connect_timeout must be from 0.1 to 600 seconds, got 86400.0",
                 id="connect_timeout-a-day"),
    pytest.param({"connect_timeout": True}, "connect_timeout must be a number, got the boolean true",
                 id="connect_timeout-true"),
])
def test_numbers_out_of_their_range_and_booleans_are_refused(monkeypatch, module_env, args, expected):
    monkeypatch.setattr(sas_alerts, "INTERVAL_BOUNDS", INTERVAL_BOUNDS)  # the bounds a rulebook gets
    with pytest.raises(sas_alerts.SourceArgumentError) as raised:
        sas_alerts.Settings.from_args(dict(CONNECTION, **args))
    assert str(raised.value) == "alibabacloud.sas.sas_alerts: " + expected


@pytest.mark.parametrize("args", [{"interval": 1}, {"interval": 86400}, {"interval": "30"},
                                  {"read_timeout": 0.1, "connect_timeout": 600}])
def test_numbers_at_their_bounds_are_taken(monkeypatch, module_env, args):
    monkeypatch.setattr(sas_alerts, "INTERVAL_BOUNDS", INTERVAL_BOUNDS)
    settings = sas_alerts.Settings.from_args(dict(CONNECTION, **args))
    assert all(settings.params[name] == float(value) for name, value in args.items())


def test_the_documentation_parses_and_names_every_argument():
    documentation = yaml.safe_load(sas_alerts.DOCUMENTATION)
    assert sorted(documentation["options"]) == sorted(sas_alerts.source_argument_spec())
    assert "from 1 to 86400" in " ".join(documentation["options"]["interval"]["description"])
    assert isinstance(yaml.safe_load(sas_alerts.EXAMPLES), list)


def test_the_environment_gives_what_the_arguments_leave_out(start_sas, harness, monkeypatch):
    sas = start_sas(alerts=40)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SAS_ENDPOINT", sas.url)
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "ap-southeast-1")

    async def scenario():
        # eda_feedback_queue: what ansible-rulebook adds to the rulebook's arguments
        run = harness.start({"interval": INTERVAL, "eda_feedback_queue": asyncio.Queue()})
        await run.polls(1)
        new = sas.backend.add_alerts(1)
        await run.polls(2)
        events = run.take()
        await run.stop()
        return new, events

    new, events = asyncio.run(scenario())
    assert [event["sas_alert"]["id"] for event in events] == new
    assert events[0]["meta"]["region"] == "ap-southeast-1"


# --- lifecycle ----------------------------------------------------------------------------------------

def test_cancelling_between_polls_ends_it(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas, interval=30))
        await run.started()
        started = time.monotonic()
        await run.stop()
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 0.5


def test_cancelling_during_a_poll_ends_it_at_once_and_sends_nothing_after(start_sas, harness):
    sas = start_sas(alerts=40)

    async def scenario():
        run = harness.start(source_args(sas))
        await run.polls(1)
        sas.backend.add_alerts(250)  # the next poll needs three pages
        sas.set_faults([{"action": "DescribeSuspEvents", "fault": "timeout", "delay_ms": 700}])
        await run.until(lambda: not sas.faults(), what="the slow call")
        started = time.monotonic()
        await run.stop()
        took = time.monotonic() - started
        calls = len(sas.calls("DescribeSuspEvents"))
        await asyncio.sleep(0.9)  # the slow answer arrives: its poll reads no further page, and is dropped
        return took, run.take(), len(sas.calls("DescribeSuspEvents")) - calls

    took, events, calls_after = asyncio.run(scenario())
    assert took < 0.3
    assert events == []
    assert calls_after == 0


def test_a_restart_does_not_replay_what_was_pending(start_sas, harness):
    sas = start_sas(alerts=40)

    async def first_run():
        run = harness.start(source_args(sas))
        await run.polls(1)
        new = sas.backend.add_alerts(3)
        await run.polls(2)
        ids = run.ids()
        await run.stop()
        return new, ids

    async def second_run():
        run = harness.start(source_args(sas))
        await run.polls(3)
        replayed = run.ids()
        newer = sas.backend.add_alerts(1)
        await run.polls(2)
        ids = run.ids()
        await run.stop()
        return replayed, newer, ids

    new, ids = asyncio.run(first_run())
    assert ids == new
    replayed, newer, ids = asyncio.run(second_run())
    assert replayed == []
    assert ids == newer


# --- the tracker alone (sas.connection: the same SDK client, fast retries) ----------------------------------

def tracker_for(sas, **kwargs):
    request = pending_listing_request(levels=None, alert_types=None, lang="en")
    return sas_alerts.AlertTracker(sas.connection, request, **kwargs)


def ids_of(alerts):
    return [alert.id for alert in alerts]


@pytest.mark.parametrize("order", PENDING_ORDERS)
def test_an_alert_handled_while_a_poll_reads_does_not_hide_another(start_sas, order):
    sas = start_sas(dataset=all_pending(100), pending_order=order)
    tracker = tracker_for(sas)
    tracker.poll()
    added = sas.backend.add_alerts(150)
    handled = sas.listing("N")[0]

    def between_pages(params):  # page 1 read: its first alert is handled, and the next page's first moves up
        if params.get("CurrentPage") == "2":
            sas.patch_alert(handled, status=HANDLED)

    sas.on_request("DescribeSuspEvents", between_pages, times=2)
    sas.clear_requests()
    first = ids_of(tracker.poll())
    # the TotalCount changed between pages: the listing was read again from the start, and nothing was hidden
    assert pages_read(sas) == [1, 2, 3, 1, 2, 3]
    assert sorted(first) == sorted(added)  # handled after it was read as pending, it counts too
    sas.patch_alert(handled, status=PENDING)  # its handling undone: listed again, not new
    assert tracker.poll() == []


def test_memory_holds_the_pending_listing_and_the_latest_departures(start_sas):
    sas = start_sas(alerts=40)
    tracker = tracker_for(sas, max_remembered=5)
    tracker.poll()
    added = sas.backend.add_alerts(8)
    assert ids_of(tracker.poll()) == added
    for alert_id in added:
        sas.patch_alert(alert_id, status=HANDLED)
    assert tracker.poll() == []
    remembered = set(tracker.departed)
    assert len(remembered) == 5 and remembered <= set(added)
    assert tracker.pending == set(sas.listing("N"))
    # listed again (their handling undone): those remembered are not new, the 3 forgotten are sent again
    for alert_id in added:
        sas.patch_alert(alert_id, status=PENDING)
    assert sorted(ids_of(tracker.poll())) == sorted(set(added) - remembered)
    assert tracker.poll() == []


# --- loading ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("other_collections", [False, True], ids=["alone", "another-ansible_collections-first"])
def test_ansible_rulebook_can_load_it_from_the_installed_collection(tmp_path, other_collections):
    """ansible-rulebook runs the file with runpy.run_path, and the collections root is not on sys.path: the source
    imports the collection's module_utils from the root it sits under and leaves sys.path alone, also when another
    ansible_collections (pip's ansible package puts one in site-packages) was imported first."""
    # the repository's build/collections link (conftest.py), as the collection sits when installed
    link = Path(__file__).resolve().parents[4] / "build" / "collections" / "ansible_collections" / "alibabacloud"
    path = str(link / "sas" / "extensions" / "eda" / "plugins" / "event_source" / "sas_alerts.py")
    assert os.path.lexists(path)
    (tmp_path / "site" / "ansible_collections" / "alibabacloud" / "other").mkdir(parents=True)
    code = ("import asyncio, runpy, sys\n"
            "assert not any(p.endswith('collections') for p in sys.path), sys.path\n"
            "if sys.argv[2] == 'True':\n"
            "    sys.path.append('site')\n"
            "    import ansible_collections.alibabacloud.other\n"
            "before = list(sys.path)\n"
            "plugin = runpy.run_path(sys.argv[1])\n"
            "assert sys.path == before, sys.path\n"
            "print(asyncio.iscoroutinefunction(plugin['main']), plugin['SOURCE'])\n")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-I", "-c", code, path, str(other_collections)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "alibabacloud.sas.sas_alerts"]


class _Alert:
    """The fields of a DescribeSuspEvents model event_for reads."""

    def __init__(self, alert_id, status):
        self.id, self.event_status, self.last_time_stamp = alert_id, status, 0

    def to_map(self):
        return {"Id": self.id, "EventStatus": self.event_status, "LastTimeStamp": self.last_time_stamp}
