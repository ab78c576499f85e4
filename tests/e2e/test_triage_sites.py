"""Both data sites (issue 17, point 8): an account with servers in and outside mainland China has alerts behind
two endpoints; the triage reads one and says how many are pending at the other. Two emulators play the sites."""

from __future__ import annotations

import pytest
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA, Data, writes
from triage_run import triage_runner

from sas_emulator.testing import start_emulator

POLICY = [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]


@pytest.fixture
def other_site(tmp_path):
    """The other data site: the same account's credentials, alerts of its own."""
    handle = start_emulator(*QUOTA, "--alerts", "25", "--seed", "11", "--access-key-id", ACCESS_KEY_ID,
                            "--access-key-secret", ACCESS_KEY_SECRET, request_log=tmp_path / "other-site.jsonl")
    yield handle
    handle.stop()


@pytest.fixture
def triage(tmp_path, collections_path):
    return triage_runner(tmp_path, collections_path, POLICY)


def pending(emulator, seed: int = 11, alerts: int = 25) -> int:
    """The pending alerts of `--alerts 25 --seed 11`, as the emulator's state has them now."""
    ids = [alert["id"] for alert in Data(seed=seed, alerts=alerts).raw["alerts"]]
    return sum(1 for alert_id in ids if emulator.alert(alert_id)["status"] == 1)


def test_the_report_and_the_summary_name_the_other_site_s_pending_alerts(emulator, other_site, triage):
    run = triage(emulator, extra={"sas_triage_other_site_endpoint": other_site.url})
    assert run.rc == 0, run.output[-3000:]
    report = run.report()
    expected = pending(other_site)
    assert expected > 0
    assert report["other_site"] == {"checked": True, "endpoint": other_site.url, "pending": expected, "reason": None}
    [warning] = report["warnings"]
    assert "%d pending alerts that this run did not read" % expected in warning and other_site.url in warning
    markdown = run.reports(".md")[0].read_text()
    assert "**Warning:** the other data site" in markdown and "holds %d pending alerts" % expected in markdown
    assert "WARNING: the other data site" in run.output  # the summary line
    # one cheap read at the other site, nothing written there
    assert [(call["action"], call["params"]["PageSize"], call["params"]["Dealed"])
            for call in other_site.requests()] == [("DescribeSuspEvents", "1", "N")]
    assert writes(other_site) == [] and writes(emulator)


def test_with_an_endpoint_of_its_own_the_other_site_is_not_guessed(emulator, triage):
    run = triage(emulator, check=True)
    assert run.rc == 0, run.output[-3000:]
    report = run.report()
    assert report["other_site"]["checked"] is False and "endpoint is set" in report["other_site"]["reason"]
    assert report["warnings"] == [] and "WARNING" not in run.output


def test_a_refusal_at_the_other_site_is_said_and_the_triage_goes_on(emulator, triage, tmp_path):
    stranger = start_emulator(*QUOTA, "--alerts", "5", "--seed", "3", "--access-key-id", "someone-else",
                              "--access-key-secret", "someone-else-secret", request_log=tmp_path / "stranger.jsonl")
    try:
        run = triage(emulator, extra={"sas_triage_other_site_endpoint": stranger.url})
    finally:
        stranger.stop()
    assert run.rc == 0, run.output[-3000:]
    other = run.report()["other_site"]
    assert other["checked"] is False and other["pending"] is None and "InvalidAccessKeyId" in other["reason"]
    assert ACCESS_KEY_SECRET not in run.output
