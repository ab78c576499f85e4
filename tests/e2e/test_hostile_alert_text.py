"""Alert text from hosts an attacker owns, end to end: server names and IPs planted in the emulator's data reach the
plan shown before "Type yes", the Markdown report and the rulebook's log escaped - no forged line, row or markup,
no terminal escape sequence - and the Jinja planted in them is never evaluated."""

from __future__ import annotations

import json
import shutil
import time
import unicodedata

import pytest
from conftest import base_env
from rulebook_run import rulebook_run
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA
from triage_run import TriageRunner

from sas_emulator import dataset
from sas_emulator.testing import start_emulator

# A line a person would take for the triage's own; the title and colour of their terminal; a right-to-left
# override; HTML, an image beacon and a table row for the Markdown report; Jinja that leaves a file behind.
FORGED_LINE = "New alert 1: serious forged"
HOSTILE = ("web-01\r\n" + FORGED_LINE + "\x1b]0;pwned\x07\x1b[31m\u202e<img src=x onerror=alert(1)>"
           "![b](https://evil.example/beacon.png)| 99 | forged | row |{{ lookup('pipe', 'touch %s') }}")
HOSTILE_IP = "203.0.113.7\n| 98 | forged | row |"
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
POLICY = [{"name": "block-logons", "match": {"alarm_event_type": "Unusual logon"}, "action": "block_ip",
           "params": {"block_duration": "1d"}},
          {"name": "close-the-rest", "match": {"level": ["serious", "suspicious"]}, "action": "manual_handled"}]


def raw_text_in(text: str) -> list:
    """The characters of text a terminal or a viewer would act on (newlines apart)."""
    return [char for char in text if char != "\n" and unicodedata.category(char) in NOT_PRINTABLE]


@pytest.fixture
def hostile(tmp_path):
    """An emulator whose every server is named HOSTILE (and the first has HOSTILE_IP); yields (emulator, marker),
    marker being the file the planted Jinja would create."""
    marker = tmp_path / "jinja-was-evaluated"
    data = dataset.generate(seed=7, alerts=20)
    for index, host in enumerate(data["hosts"]):
        host["instance_name"] = HOSTILE % marker + "-%02d" % index
    data["hosts"][0]["internet_ip"] = HOSTILE_IP
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    emulator = start_emulator(*QUOTA, "--dataset", path, "--task-delay-ms", "200", "--access-key-id", ACCESS_KEY_ID,
                              "--access-key-secret", ACCESS_KEY_SECRET, request_log=tmp_path / "requests.jsonl")
    yield emulator, marker
    emulator.stop()


def test_the_plan_and_the_markdown_report_show_hostile_text_escaped(tmp_path, collections_path, hostile):
    emulator, marker = hostile
    home = tmp_path / "home"
    home.mkdir()
    # YAML results, as many people read them: a raw newline would print as a line of its own there.
    env = dict(base_env(home, collections_path), ANSIBLE_CALLBACK_RESULT_FORMAT="yaml")
    run = TriageRunner(tmp_path, env, POLICY)(emulator, check=True)
    assert run.rc == 0, run.output
    assert not marker.exists(), "the Jinja in a server name was evaluated"
    plan = run.output.split("TASK [alibabacloud.sas.triage : Show the plan]")[1].split("TASK [")[0]
    assert "ON HOSTS: block_ip" in plan and "\\x1b]0;pwned\\x07\\x1b[31m\\u202e<img" in plan, plan
    assert not raw_text_in(run.output) and "\r" not in run.output
    assert not [line for line in run.output.splitlines() if line.lstrip(" -'\"").startswith(FORGED_LINE)]

    [path] = run.reports(".md")
    markdown = path.read_text()
    assert not raw_text_in(markdown)
    lines = markdown.splitlines()
    assert not [line for line in lines if line.startswith(("| 98", "| 99", FORGED_LINE))]
    escaped = ("web-01\\\\r\\\\n" + FORGED_LINE + "\\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[31m\\\\u202e\\<img src=x "
               "onerror=alert\\(1\\)\\>\\!\\[b\\]\\(https\\[:\\]//evil.example/beacon.png\\)\\| 99 \\| forged \\| row "
               "\\|{{ lookup\\('pipe', 'touch %s'\\) }}" % str(marker).replace("_", "\\_"))
    assert escaped in markdown
    report = run.report()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith(("| Alert", "| Outcome", "| Rule"))
            and not line.startswith("| ---")]
    assert len(rows) == len(report["alerts"]) + len(
        [count for count in report["summary"]["by_outcome"].values() if count]) + len(report["summary"]["by_rule"])
    assert {alert["host"]["instance_name"] for alert in report["alerts"] if alert["host"]["instance_name"]} <= {
        HOSTILE % marker + "-%02d" % index for index in range(40)}  # the JSON report keeps the data as it is


@pytest.mark.skipif(shutil.which("ansible-rulebook") is None or shutil.which("java") is None,
                    reason="ansible-rulebook (test-requirements.txt) and Java 17 are needed")
def test_the_rulebook_log_shows_the_label_escaped_and_a_cloud_alert_without_error(tmp_path, collections_path,
                                                                                  hostile):
    emulator, marker = hostile
    with rulebook_run(tmp_path, collections_path, emulator, POLICY, 2) as run:
        output, report_dir = run.log, run.report_dir
        wait_for(lambda: emulator.stats()["calls"].get("DescribeSuspEvents", 0) >= 1, 120, output)
        on_host = emulator.add_alerts(1, level="serious", host_uuid=emulator.hosts()[0]["uuid"])[0]
        cloud = emulator.add_alerts(1, level="serious", name_key="suspicious_api_call")[0]
        wait_for(lambda: len(list(report_dir.glob("triage-*.md"))) >= 2, 120, output)
    text = output.read_text(errors="replace")
    announced = [line for line in text.splitlines() if line.startswith("New alert ")]
    assert len(announced) == 2, text
    escaped = "web-01\\r\\n" + FORGED_LINE + "\\x1b]0;pwned\\x07\\x1b[31m\\u202e<img"
    assert announced[0].startswith("New alert %d: serious " % on_host) and escaped in announced[0], announced
    assert announced[1].startswith("New alert %d: serious " % cloud), announced
    assert announced[1].endswith(" on no server; triaging it"), announced
    assert "Undefined jinja variable" not in text and "ERROR" not in text, text
    assert not raw_text_in(text) and "\r" not in text
    assert not [line for line in text.splitlines() if line.startswith(FORGED_LINE)]
    assert not marker.exists(), "the Jinja in a server name was evaluated"
    for path in report_dir.glob("triage-*.md"):
        assert not raw_text_in(path.read_text())


def wait_for(condition, timeout: float, output) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, output.read_text()
        time.sleep(0.2)
