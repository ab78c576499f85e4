"""The role alibabacloud.sas.notify end to end: real ansible-playbook runs post a run's summary to a local HTTP receiver
(a thread of the test) in each format; the receiver checks the message and DingTalk's signature; a receiver that
fails or does not answer is a warning and the run succeeds; the webhook URL and the secret never reach the output."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from chat_receiver import ACCEPTED, PATH_TOKEN, QUERY_TOKEN, SECRET, Receiver

HOSTILE = "<!channel> [click](http://evil.example) `rm -rf` \nForged line\x1b[31m @all"
SUMMARY = {
    "account": "prod-cn",
    "check_mode": False,
    "by_outcome": {"handled": 3, "failed": 1, "timed_out": 0},
    "needs_attention": [{"id": 702173474, "name": HOSTILE, "outcome": "failed",
                         "error_code": "kill_and_quara.AgentOffline", "hint": "the agent is offline",
                         "host": {"instance_name": "web-01", "internet_ip": "192.0.2.7"}}],
    "report": "reports/triage-prod-cn-20260504T091500Z.md",
}
QUIET = dict(SUMMARY, by_outcome={"handled": 3}, needs_attention=[])


@pytest.fixture
def receiver():
    handle = Receiver()
    yield handle
    handle.stop()


def notify_task(receiver, fmt, summary=None, **setting):
    notify = dict({"url": receiver.url(fmt), "format": fmt}, **setting)
    if fmt == "dingtalk":
        notify.setdefault("secret", SECRET)
    return {"name": "notify", "ansible.builtin.include_role": {"name": "alibabacloud.sas.notify"},
            "vars": {"sas_notify": notify, "sas_notify_summary": summary or SUMMARY}}


def assert_no_secret(play, *more):
    output = play.stdout + play.stderr
    for secret in (PATH_TOKEN, QUERY_TOKEN, SECRET) + more:
        assert secret not in output, "a secret reached ansible's output: %s" % secret


def expected_signature(timestamp: str) -> str:
    digest = hmac.new(SECRET.encode(), ("%s\n%s" % (timestamp, SECRET)).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize("fmt", ["slack", "dingtalk", "teams", "generic"])
def test_one_message_per_run_reaches_the_receiver_in_its_format(receiver, run_play, fmt):
    receiver.answer = ACCEPTED[fmt]
    play = run_play([notify_task(receiver, fmt)], dump=[], extra_args=["-vvv"])
    assert play.rc == 0, play.stdout
    assert "WARNING" not in play.stdout
    [request] = receiver.requests
    body = request["body"]
    assert request["content_type"].startswith("application/json")
    print("%s message as the receiver saw it:\n%s" % (fmt, json.dumps(body, indent=2, ensure_ascii=False)))
    text = json.dumps(body, ensure_ascii=False)
    assert "prod-cn" in text and "AgentOffline" in text and "triage-prod-cn-20260504T091500Z" in text
    signature = None
    if fmt == "slack":
        assert body["text"] == "Security Center alert triage: prod-cn: 3 handled, 1 failed"
        texts = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
        assert "\u2022 702173474 &lt;!channel&gt; [click](http://evil.example) `rm -rf` \\nForged line\\x1b[31m @all" \
            " on web-01 192.0.2.7: failed kill_and_quara.AgentOffline - the agent is offline" in texts
    elif fmt == "dingtalk":
        assert body["msgtype"] == "markdown" and body["at"] == {"isAtAll": False}
        assert "\\<\\!channel\\> \\[click\\]\\(http\\[:\\]//evil.example\\)" in body["markdown"]["text"]
        query = parse_qs(urlsplit(request["path"]).query)
        assert urlsplit(request["path"]).path == "/robot/send" and query["access_token"] == [QUERY_TOKEN]
        [timestamp], [signature] = query["timestamp"], query["sign"]
        assert abs(int(timestamp) - time.time() * 1000) < 120000
        assert signature == expected_signature(timestamp)  # parse_qs has URL-decoded it once
        assert "sign=" + unquote_plus(request["path"].split("sign=")[1]) == "sign=" + signature
    elif fmt == "teams":
        [attachment] = body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert attachment["content"]["type"] == "AdaptiveCard"
    else:
        assert body["summary"]["needs_attention"][0]["name"] == HOSTILE and body["summary"]["needs_person"] is True
    if fmt != "dingtalk":
        assert request["path"] == "/services/" + PATH_TOKEN
    assert_no_secret(play, *([signature] if signature else []))


def test_only_when_needs_attention_posts_nothing_for_a_quiet_run_and_a_dry_run_says_so(receiver, run_play):
    quiet = run_play([notify_task(receiver, "slack", QUIET, only_when="needs_attention")], dump=[])
    assert quiet.rc == 0, quiet.stdout
    assert receiver.requests == []

    dry = run_play([notify_task(receiver, "slack", dict(SUMMARY, check_mode=True), only_when="needs_attention")],
                   dump=[], check=True)
    assert dry.rc == 0, dry.stdout
    [request] = receiver.requests  # posted in check mode too
    assert request["body"]["text"].startswith("Security Center alert triage: prod-cn (dry run, nothing sent)")


def test_no_url_posts_nothing(receiver, run_play):
    play = run_play([{"name": "notify", "ansible.builtin.include_role": {"name": "alibabacloud.sas.notify"},
                      "vars": {"sas_notify": {"format": "slack"}, "sas_notify_summary": SUMMARY}}], dump=[])
    assert play.rc == 0, play.stdout
    assert receiver.requests == []


@pytest.mark.parametrize("fmt, answer, delay, warning", [
    ("slack", (500, "text/plain", ("server error at /services/" + PATH_TOKEN).encode()), 0,
     "WARNING: the slack chat notification was not delivered (HTTP 500); the run goes on"),
    ("teams", ACCEPTED["teams"], 4,
     "WARNING: the teams chat notification was not delivered (no answer within 1 s (timeout)); the run goes on"),
    ("dingtalk", (200, "application/json", b'{"errcode":310000,"errmsg":"sign not match"}'), 0,
     "WARNING: the dingtalk chat notification was not delivered (DingTalk errcode 310000: a security setting refused"
     " it - keyword, IP address or signature (the secret)); the run goes on"),
])
def test_a_webhook_that_fails_or_does_not_answer_is_a_warning_and_the_run_succeeds(receiver, run_play, fmt, answer,
                                                                                   delay, warning):
    receiver.answer, receiver.delay = answer, delay
    started = time.monotonic()
    play = run_play([notify_task(receiver, fmt, timeout=1), {"name": "after", "ansible.builtin.debug": {
        "msg": "the play went on"}}], dump=[], extra_args=["-vvv"])
    assert play.rc == 0, play.stdout
    assert warning in play.stdout, play.stdout
    assert "the play went on" in play.stdout and "failed=0" in play.stdout
    assert len(receiver.requests) == 1
    assert time.monotonic() - started < 60
    assert_no_secret(play)


def test_an_unreachable_webhook_is_a_warning(run_play):
    # port 9 (discard) on loopback: nothing listens, the connection is refused
    notify = {"url": "http://127.0.0.1:9/services/" + PATH_TOKEN, "format": "generic", "timeout": 2}
    play = run_play([{"name": "notify", "ansible.builtin.include_role": {"name": "alibabacloud.sas.notify"},
                      "vars": {"sas_notify": notify, "sas_notify_summary": SUMMARY}}], dump=[], extra_args=["-vvv"])
    assert play.rc == 0, play.stdout
    assert "WARNING: the generic chat notification was not delivered (connection refused)" in play.stdout
    assert_no_secret(play)


def test_a_bad_setting_names_the_option_not_the_url(receiver, run_play):
    play = run_play([notify_task(receiver, "irc")], dump=[], extra_args=["-vvv"])
    assert play.rc != 0
    assert "format" in play.stdout and "irc" in play.stdout
    assert receiver.requests == []
    assert_no_secret(play)
