"""Event-driven triage end to end: the real ansible-rulebook runs the collection's rulebook, whose event
source polls the emulator; alerts added through the control plane must be triaged within three poll
intervals, each exactly once, and an alert the policy does not match left alone. The pending listing is
served oldest first over three pages, so the new alerts are on its last page."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from rulebook_run import rulebook_run
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sent_ids, writes

from sas_emulator.testing import start_emulator

INTERVAL = 8  # seconds between polls: one poll's wait plus one playbook run fit well within three
POLICY = [{"name": "close-serious", "match": {"level": "serious"}, "action": "manual_handled"}]

pytestmark = pytest.mark.skipif(shutil.which("ansible-rulebook") is None or shutil.which("java") is None,
                                reason="ansible-rulebook (test-requirements.txt) and Java 17 are needed")


@pytest.fixture
def rulebook(tmp_path, collections_path):
    """ansible-rulebook with alibabacloud.sas.triage_new_alerts against a fresh emulator; yields
    (emulator, process, report_dir)."""
    emulator = start_emulator("--alerts", "300", "--seed", "7", "--task-delay-ms", "200",
                              "--reading", "pending_order=oldest",
                              "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                              request_log=tmp_path / "requests.jsonl")
    try:
        with rulebook_run(tmp_path, collections_path, emulator, POLICY, INTERVAL, print_events=True) as run:
            yield emulator, run.process, run.report_dir, run.log
    finally:
        emulator.stop()


def baseline_read(emulator) -> bool:
    """The source has read the alerts pending at its start (every page): it listed them, then went quiet for
    a second (its polls are INTERVAL apart). An alert added while it reads them is one of them."""
    calls = [entry for entry in emulator.requests() if entry["action"] == "DescribeSuspEvents"
             and entry["params"].get("Dealed") == "N"]
    return bool(calls) and time.time() - calls[-1]["ts"] > 1


def wait_for(condition, timeout: float, output) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, output.read_text()
        time.sleep(0.2)


def test_each_new_alert_is_triaged_once_within_three_polls(rulebook):
    emulator, process, report_dir, output = rulebook
    # The source is up once it has polled; what was pending then is old and left to the schedule.
    wait_for(lambda: baseline_read(emulator), 120, output)
    assert process.poll() is None, output.read_text()
    matching = emulator.add_alerts(2, level="serious")
    # a cloud-product alert: no server to name in the rulebook's log line
    other = emulator.add_alerts(1, level="suspicious", name_key="ak_leak_use")
    added = time.monotonic()

    def handled() -> set[int]:
        return {alert_id for entry in writes(emulator) if entry["status"] == 200 for alert_id in sent_ids(entry)}

    wait_for(lambda: set(matching) <= handled(), 3 * INTERVAL + 60, output)
    elapsed = time.monotonic() - added
    assert elapsed <= 3 * INTERVAL, "handled %.1f s after it arrived: more than three poll intervals" % elapsed
    print("both matching alerts handled %.1f s after they arrived (poll interval %d s)" % (elapsed, INTERVAL))
    # each triage ends with its report (after waiting for its task: a queued one leaves the alert pending)
    wait_for(lambda: len(list(report_dir.glob("triage-*.json"))) >= 3, 60, output)
    for alert_id in matching:
        assert emulator.alert(alert_id)["status"] != 1
    time.sleep(2 * INTERVAL)  # more polls: nothing is triaged again
    sent = [alert_id for entry in writes(emulator) for alert_id in sent_ids(entry)]
    assert sorted(sent) == sorted(matching), "each matching alert once, nothing else"
    assert emulator.alert(other[0])["status"] == 1 and emulator.alert(other[0])["tasks"] == []
    # the triage ran for each new alert alone: one report each, the suspicious one unmatched
    reports = sorted(report_dir.glob("triage-*.json"))
    outcomes = {alert["id"]: alert["outcome"] for path in reports
                for alert in json.loads(path.read_text())["alerts"]}
    assert outcomes == {matching[0]: "handled", matching[1]: "handled", other[0]: "unmatched"}
    assert len(reports) == 3, [path.name for path in reports]
    log = output.read_text()
    assert "New alert %d: suspicious Cloud service threat detection" % other[0] in log
    assert "ERROR" not in log, log
