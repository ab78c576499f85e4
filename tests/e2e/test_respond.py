"""The respond workflow end to end (issue 21): the collection playbook alibabacloud.sas.respond, run with the real
ansible-playbook against the emulator - unattended and at a terminal (a pseudo-terminal the test types into). The
emulator's request log says what was written and which notes were created."""

from __future__ import annotations

import io
import json
import subprocess
import time
from pathlib import Path

import pexpect  # ansible-runner's own dependency
import pytest
from chat_receiver import ACCEPTED, PATH_TOKEN, Receiver
from conftest import base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, Data, calls, sent_ids, writes

DATA = Data(seed=7, alerts=60)  # the e2e emulator's alerts
# A logon whose source IP may be blocked, a web shell that may be quarantined, a miner the service does not let
# this account kill (UserCanOperate false), a cloud API call (no recommended action: a person reviews it).
LOGON = DATA.one(name="login_unusual_location", op="block_ip", allowed=True, online=True)
WEBSHELL = DATA.one(name="webshell_file", op="quara", allowed=True, online=True)
MINER = DATA.one(name="mining_program", op="kill_and_quara", allowed=False)
API_CALL = DATA.one(name="suspicious_api_call")
ALERTS = [LOGON, WEBSHELL, MINER, API_CALL]


class Respond:
    """What one run left: its exit code and output, the report it wrote, the audit trail."""

    def __init__(self, process: subprocess.CompletedProcess, work: Path):
        self.rc = process.returncode
        self.output = (process.stdout or "") + (process.stderr or "")
        self.reports = sorted((work / "reports").glob("respond-2*.json"))
        self.audit_log = work / "reports" / "respond-audit.jsonl"

    def report(self) -> dict:
        assert len(self.reports) == 1, (self.reports, self.output[-3000:])
        return json.loads(self.reports[0].read_text())

    def outcomes(self) -> dict:
        return {alert["id"]: alert["outcome"] for alert in self.report()["alerts"]}

    def audit(self) -> list[dict]:
        return [json.loads(line) for line in self.audit_log.read_text().splitlines()] if self.audit_log.exists() \
            else []


@pytest.fixture
def respond(tmp_path, collections_path, emulator):
    """respond(check=False, runner=subprocess.run, **variables) -> Respond: one run in tmp_path, where its relative
    report directory lands."""
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(home, collections_path)

    def run(check: bool = False, runner=subprocess.run, **variables) -> Respond:
        variables = {"sas_connection": {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID,
                                        "secret_key": ACCESS_KEY_SECRET},
                     "sas_respond_alert_ids": ALERTS, "sas_respond_poll_interval": 0.3,
                     "sas_respond_wait_timeout": 20, **variables}
        extra = tmp_path / "vars.json"
        extra.write_text(json.dumps(variables))
        command = ["ansible-playbook", "alibabacloud.sas.respond", "-e", "@%s" % extra] + (["--check"] if check else [])
        process = runner(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
                         stdin=subprocess.DEVNULL)
        return Respond(process, tmp_path)

    return run


def notes(emulator) -> dict:
    """{alert id: note text} of every CreateSuspEventNote call the emulator took."""
    return {int(entry["params"]["EventId"]): entry["params"]["Note"]
            for entry in calls(emulator, "CreateSuspEventNote")}


def written(emulator) -> dict:
    """{operation code: alert ids sent with it} from the request log."""
    sent: dict = {}
    for entry in writes(emulator):
        sent.setdefault(entry["params"]["OperationCode"], []).extend(sent_ids(entry))
    return sent


def test_recommended_unattended_handles_what_each_alert_allows_and_sums_up_as_the_skill(respond, emulator):
    run = respond(sas_respond_choice="recommended")
    assert run.rc == 0, run.output[-3000:]
    assert written(emulator) == {"block_ip": [LOGON], "quara": [WEBSHELL]}
    assert run.outcomes() == {LOGON: "handled", WEBSHELL: "handled", MINER: "unsupported", API_CALL: "review"}
    # the view, before the choice: each alert with what it allows now and its recommended action
    assert "[Alert 3] ID: %d" % MINER in run.output
    assert "- Recommended action: kill_and_quara (sub_operation=killAndQuaraFileByMd5andPath) - not allowed now" \
        in run.output
    assert "- Recommended action: none - a person reviews it" in run.output
    for line in ("========== Handling Results Summary ==========", "✅ Successfully handled: 2",
                 "  [Alert %d] block_ip (block_duration=7d) - Success, note added" % LOGON,
                 "🚫 Not supported: 1",
                 "  [Alert %d] kill_and_quara is not allowed now; allowed: advance_mark_mis_info, ignore, "
                 "manual_handled" % MINER, "👀 Left for a person to review: 1",
                 "Total: 4 items, Success 2, Unsupported 1, Review 1"):
        assert line in run.output, line
    # a console note on each alert handled, naming the run and the choice; the trail names every write
    assert set(notes(emulator)) == {LOGON, WEBSHELL}
    assert all(" respond run of " in note and ": recommended, action " in note for note in notes(emulator).values())
    requested = [line for line in run.audit() if line["event"] == "handle_request"]
    assert sorted(i for line in requested for i in line["alert_ids"]) == sorted([LOGON, WEBSHELL])
    assert {(line["workflow"], line["choice"]) for line in run.audit()} == {("respond", "recommended")}
    assert emulator.alert(LOGON)["last_operation"] == "block_ip" and emulator.alert(MINER)["tasks"] == []


def test_custom_sends_the_operation_only_where_it_is_allowed_and_names_what_the_others_allow(respond, emulator):
    run = respond(sas_respond_choice="custom", sas_respond_operation="quara", sas_respond_notes=False,
                  sas_respond_params={"remark": "seen by the on-call"})
    assert run.rc == 0, run.output[-3000:]
    assert written(emulator) == {"quara": [WEBSHELL]}
    assert writes(emulator)[0]["params"]["Remark"] == "seen by the on-call"
    assert run.outcomes() == {LOGON: "unsupported", WEBSHELL: "handled", MINER: "unsupported",
                              API_CALL: "unsupported"}
    assert "  [Alert %d] quara is not allowed now; allowed: block_ip, advance_mark_mis_info, ignore, " \
           "manual_handled" % LOGON in run.output
    assert notes(emulator) == {}  # sas_respond_notes: false


def test_cancel_writes_nothing(respond, emulator):
    run = respond(sas_respond_choice="cancel")
    assert run.rc == 0, run.output[-3000:]
    assert writes(emulator) == [] and notes(emulator) == {}
    assert set(run.outcomes().values()) == {"cancelled"} and "⏹️ Cancelled, nothing sent: 4" in run.output


def test_without_a_terminal_or_a_choice_it_shows_the_alerts_and_writes_nothing(respond, emulator):
    run = respond()
    assert run.rc == 0, run.output[-3000:]
    assert "- Allowed now: quara, advance_mark_mis_info, ignore, manual_handled" in run.output
    assert "To choose unattended: -e sas_respond_choice=recommended | custom | cancel" in run.output
    assert writes(emulator) == [] and notes(emulator) == {} and run.reports == []
    assert {entry["action"] for entry in emulator.requests()} == {"DescribeSuspEvents",
                                                                  "DescribeSecurityEventOperations"}


def test_check_mode_shows_the_plan_and_writes_nothing(respond, emulator):
    run = respond(check=True, sas_respond_choice="recommended")
    assert run.rc == 0, run.output[-3000:]
    assert writes(emulator) == [] and notes(emulator) == {}
    assert "  [Alert %d] block_ip (block_duration=7d) - would be sent" % LOGON in run.output
    assert run.reports[0].name.endswith("-check.json") and run.report()["check_mode"] is True
    assert run.audit() == []


def test_similar_alerts_are_taken_in_before_the_choice_and_handled_one_by_one(respond, emulator):
    webshells = [alert["id"] for alert in DATA.alerts(name="webshell_file")]  # pending ones, the same name: default
    listed = [WEBSHELL, next(i for i in webshells if i != WEBSHELL)]
    run = respond(sas_respond_alert_ids=listed, sas_respond_similar="default", sas_respond_choice="recommended",
                  sas_respond_similar_wait_timeout=3)
    assert run.rc == 0, run.output[-3000:]
    assert sorted(written(emulator)["quara"]) == sorted(webshells) and len(webshells) > 2
    for other in set(webshells) - set(listed):
        assert "ID: %d - similar to %d (default)" % (other, WEBSHELL) in run.output
    assert "ID: %d - similar to" % listed[1] not in run.output  # listed already: taken in once, as listed
    assert calls(emulator, "HandleSimilarSecurityEvents") == []  # the collection's handler, alert by alert
    assert run.report()["alerts"][2]["similar_to"] == {"id": WEBSHELL, "scenario": "default"}
    # One sas_alert_similar_info run for both listed alerts, not a loop of one per alert.
    similar_task = run.output.split("Find the pending alerts similar to the listed ones")[1].split("TASK [")[0]
    assert similar_task.count("localhost") == 1 and "item=" not in similar_task, similar_task
    assert sorted(int(call["params"]["SecurityEventId"]) for call in calls(emulator, "DescribeSimilarEventScenarios")) \
        == sorted(listed)


def test_the_summary_is_posted_to_the_chat(respond, emulator):
    receiver = Receiver()
    try:
        receiver.answer = ACCEPTED["slack"]
        run = respond(sas_respond_choice="recommended", sas_respond_account="prod-cn",
                      sas_respond_notify={"url": receiver.url("slack"), "format": "slack"})
    finally:
        receiver.stop()
    assert run.rc == 0, run.output[-3000:]
    [posted] = receiver.requests
    text = posted["body"]["text"]
    assert text.startswith("Security Center alert response: prod-cn"), text
    assert "2 handled, 1 unsupported, 1 review" in text, text
    assert run.reports[0].name in json.dumps(posted["body"]) and PATH_TOKEN not in run.output


@pytest.mark.parametrize("variables, message", [
    ({"sas_respond_choice": "4"}, 'sas_respond_choice "4" is none of recommended, custom, cancel'),
    ({"sas_respond_choice": "custom", "sas_respond_operation": "block_ip", "sas_respond_params": {"days": 7}},
     "sas_respond_params: action block_ip does not take 'days'; it takes remark, block_duration, expire_time"),
])
def test_a_bad_choice_stops_before_any_call(respond, emulator, variables, message):
    run = respond(**variables)
    assert run.rc != 0 and message in run.output, run.output[-3000:]
    assert emulator.requests() == []


def on_a_terminal(*answers: tuple[str, str]):
    """A subprocess.run stand-in: the play runs on a pseudo-terminal of its own, as in a person's shell, and each
    answer is typed once its prompt has shown."""

    def run(command, env, cwd, timeout, **_ignored):
        seen = io.StringIO()
        child = pexpect.spawn(command[0], command[1:], env=env, cwd=str(cwd), timeout=timeout, encoding="utf-8",
                              codec_errors="replace")
        child.logfile_read = seen
        unanswered = list(answers)
        try:
            while unanswered:
                child.expect_exact(unanswered[0][0])
                time.sleep(1)  # ansible flushes the terminal's input once it has printed the prompt
                child.sendline(unanswered.pop(0)[1])
            child.expect(pexpect.EOF)
        except (pexpect.EOF, pexpect.TIMEOUT):
            pass
        child.close(force=True)
        text = seen.getvalue() + ("\nUNANSWERED %r" % unanswered if unanswered else "")
        return subprocess.CompletedProcess(command, child.exitstatus, text, "")

    return run


MENU = "Please select (enter number)"


def test_at_a_terminal_1_handles_with_the_recommended_actions(respond, emulator):
    run = respond(runner=on_a_terminal((MENU, "1")))
    assert "UNANSWERED" not in run.output, run.output[-3000:]
    assert "1. ✅ Handle all using the recommended methods" in run.output and "3. ❌ Cancel" in run.output
    assert run.rc == 0, run.output[-3000:]
    assert written(emulator) == {"block_ip": [LOGON], "quara": [WEBSHELL]}
    assert "✅ Successfully handled: 2" in run.output and run.report()["choice"] == "recommended"


def test_at_a_terminal_2_asks_for_the_operation_and_its_parameters(respond, emulator):
    run = respond(runner=on_a_terminal((MENU, "2"), ("Operation code", "ignore"),
                                       ("Enter for none", 'remark="seen by the on-call"')))
    assert "UNANSWERED" not in run.output and run.rc == 0, run.output[-3000:]
    assert written(emulator) == {"ignore": ALERTS}
    assert {entry["params"]["Remark"] for entry in writes(emulator)} == {"seen by the on-call"}
    assert "✅ Successfully handled: 4" in run.output
