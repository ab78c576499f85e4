"""The triage's chat notification (issue 21), end to end: a real triage run against the emulator posts one message
for its account to a local webhook (tests/e2e/chat_receiver.py) with its outcome counts and the alerts that need a
person; a bad notification setting stops the run before any call to the service; a webhook that fails is a warning
and never a failed run; the webhook's URL never reaches the output."""

from __future__ import annotations

import pytest
from chat_receiver import ACCEPTED, PATH_TOKEN, Receiver
from sas_data import Data
from triage_run import triage_runner

RULES = [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]


@pytest.fixture
def triage(tmp_path, collections_path):
    return triage_runner(tmp_path, collections_path, RULES)


@pytest.fixture
def receiver():
    handle = Receiver()
    yield handle
    handle.stop()


def test_a_triage_posts_its_account_s_summary(triage, emulator, receiver):
    receiver.answer = ACCEPTED["generic"]
    run = triage(emulator, extra={"sas_triage_notify": {"url": receiver.url("generic"), "format": "generic"},
                                  "sas_triage_account": "prod-cn"})
    assert run.rc == 0, run.output
    [message] = receiver.requests
    summary = message["body"]["summary"]
    report = run.report()
    assert summary["account"] == "prod-cn"
    assert summary["by_outcome"]["handled"] == report["summary"]["by_outcome"]["handled"] > 0
    assert summary["report"] == str(run.reports(".md")[0])
    assert PATH_TOKEN not in run.output


def test_the_message_lists_the_alerts_that_need_a_person(triage, emulator, receiver):
    """An alert whose agent went offline fails (AgentOffline): the message names it with its code."""
    data = Data(seed=7, alerts=60)
    offline = data.alerts(op="block_ip", online=True, allowed=True)[0]
    emulator.set_agent_online(offline["host_uuid"], False)
    rules = [{"name": "block-on-that-host", "match": {"uuid": offline["host_uuid"]}, "action": "block_ip",
              "params": {"block_duration": "1d"}}]
    receiver.answer = ACCEPTED["generic"]
    run = triage(emulator, rules=rules, extra={
        "sas_triage_notify": {"url": receiver.url("generic"), "format": "generic", "only_when": "needs_attention"}})
    assert run.rc == 2, run.output  # an alert needs a person
    [message] = receiver.requests
    attention = {alert["id"]: alert for alert in message["body"]["summary"]["needs_attention"]}
    assert attention[offline["id"]]["error_code"].endswith("AgentOffline")
    assert attention == {alert["id"]: alert for alert in run.report()["needs_attention"]}


def test_a_bad_notification_setting_stops_the_run_before_any_call(triage, emulator, receiver):
    run = triage(emulator, extra={"sas_triage_notify": {"url": receiver.url("slack"), "format": "telegram"}})
    assert run.rc != 0
    assert "format" in run.output and "telegram" in run.output
    assert emulator.requests() == [] and receiver.requests == []
    assert PATH_TOKEN not in run.output


def test_a_webhook_that_fails_is_a_warning_and_the_triage_succeeds(triage, emulator, receiver):
    receiver.answer = (500, "text/plain", b"server error")
    run = triage(emulator, extra={"sas_triage_notify": {"url": receiver.url("slack"), "format": "slack"}})
    assert run.rc == 0, run.output
    assert len(receiver.requests) == 1
    assert "WARNING: the slack chat notification was not delivered" in run.output
    assert PATH_TOKEN not in run.output
