"""A triage left unattended (issue 18), end to end with the real ansible-playbook against the emulator: rules that
match on details by name, a fallback in the same run where the service's hint says so, failed alerts deferred at
the next scheduled run, notes in the console, and the whole triage in Chinese. The emulator's request log and
state tell what was sent and what it did."""

from __future__ import annotations

import pytest
from sas_data import Data, calls, sent_ids, writes
from triage_run import triage_runner

PENDING = 1
DATA = Data(seed=7, alerts=60)
MALWARE = "malicious_process_cloud"
UNUSUAL_LOGON = "unusual_logon"
KILL = "killAndQuaraFileByMd5andPath"
POLICY = [
    {"name": "kill-and-quarantine-malware", "match": {"alarm_event_type": "Malicious process (cloud scan)"},
     "action": "kill_and_quara", "params": {"sub_operation": KILL},
     "fallback": {"action": "virus_quara_bin", "on": ["ProcessNotExist"]}},
    {"name": "block-root-logons", "match": {"alarm_event_type": "Unusual logon", "details": {"Logon user": "root"}},
     "action": "block_ip", "params": {"block_duration": "1d"}},
]


def pending(type_key: str, **conditions) -> list[dict]:
    from sas_emulator import catalog

    return [alert for alert in DATA.alerts(**conditions)
            if catalog.ALERT_NAMES[alert["name_key"]].type_key == type_key]


def detail(alert: dict, key: str):
    return next((row["value"] for row in alert.get("details", []) if row["key"] == key), None)


def offered(alert: dict, operation: str) -> bool:
    """The service lets the account run operation on the alert (UserCanOperate)."""
    return operation not in alert["restricted_ops"]


# The e2e data (seed 7): malware whose process runs, malware whose process is gone (kill -> ProcessNotExist); one
# host of running malware whose agent the test takes offline (-> AgentOffline); unusual logons by root and by others.
MALWARE_IDS = {alert["id"] for alert in pending(MALWARE) if DATA.online(alert) and offered(alert, "kill_and_quara")}
OFFLINE_HOST = next(alert["host_uuid"] for alert in pending(MALWARE)
                    if alert["id"] in MALWARE_IDS and alert["process_alive"])
OFFLINE = {alert["id"] for alert in pending(MALWARE) if alert["host_uuid"] == OFFLINE_HOST} & MALWARE_IDS
GONE = {alert["id"] for alert in pending(MALWARE) if not alert["process_alive"]} & MALWARE_IDS - OFFLINE
ROOT_LOGONS = {alert["id"] for alert in pending(UNUSUAL_LOGON) if detail(alert, "login_user") == "root"}
OTHER_LOGONS = {alert["id"] for alert in pending(UNUSUAL_LOGON)} - ROOT_LOGONS
BLOCKABLE = {alert["id"] for alert in pending(UNUSUAL_LOGON)
             if alert["id"] in ROOT_LOGONS and offered(alert, "block_ip")}


@pytest.fixture
def triage(tmp_path, collections_path):
    return triage_runner(tmp_path, collections_path, POLICY)


def test_the_data_has_each_case():
    assert GONE and OFFLINE and BLOCKABLE and OTHER_LOGONS
    assert not GONE & OFFLINE and len(BLOCKABLE) < len(ROOT_LOGONS)


def writes_of(emulator, operation: str, since: int = 0) -> list[set]:
    return [set(sent_ids(entry)) for entry in writes(emulator, since) if entry["params"]["OperationCode"] == operation]


def by_id(report: dict) -> dict:
    return {alert["id"]: alert for alert in report["alerts"]}


def test_details_fallback_then_deferral_at_the_next_run(emulator, triage):
    emulator.set_agent_online(OFFLINE_HOST, False)
    run = triage(emulator)
    assert run.rc != 0, run.output  # the malware on the offline host failed: it needs a person
    report = by_id(run.report())

    # details: only the logons by root were blocked, not the others of the same type
    assert set().union(*writes_of(emulator, "block_ip")) == BLOCKABLE
    assert {alert_id for alert_id in ROOT_LOGONS if report[alert_id]["rule"] == "block-root-logons"} == ROOT_LOGONS
    assert {report[alert_id]["outcome"] for alert_id in OTHER_LOGONS} == {"unmatched"}

    # fallback: the alerts whose process was gone were quarantined with virus_quara_bin in the same run, and only
    # those; the offline host's alert (AgentOffline, which the fallback does not name) was not
    assert set().union(*writes_of(emulator, "kill_and_quara")) >= MALWARE_IDS
    assert set().union(*writes_of(emulator, "virus_quara_bin")) == GONE
    for alert_id in GONE:
        entry = report[alert_id]
        assert entry["outcome"] == "handled" and entry["action"] == "kill_and_quara", entry
        assert entry["fallback"]["action"] == "virus_quara_bin"
        assert entry["fallback"]["after"]["outcome"] == "failed"
        assert entry["fallback"]["after"]["error_code"] == "kill_and_quara.ProcessNotExist"
        assert emulator.alert(alert_id)["status"] != PENDING
    for alert_id in OFFLINE:
        assert report[alert_id]["outcome"] == "failed" and report[alert_id]["fallback"] is None
        assert report[alert_id]["error_code"] == "kill_and_quara.AgentOffline"
        assert emulator.alert(alert_id)["operate_error_code"] == "kill_and_quara.AgentOffline"
    markdown = run.reports(".md")[0].read_text()
    assert "kill-and-quarantine-malware: kill\\_and\\_quara, then virus\\_quara\\_bin" in markdown

    # notes: each alert the run handled has one note in the console naming the rule and the action; no other has
    handled = {alert_id for alert_id, entry in report.items() if entry["outcome"] == "handled"}
    assert handled >= GONE | BLOCKABLE
    for alert_id, entry in report.items():
        notes = [note["text"] for note in emulator.alert(alert_id)["notes"]]
        if alert_id not in handled:
            assert notes == [], entry
            continue
        assert len(notes) == 1, (alert_id, notes)
        action = entry["fallback"]["action"] if entry["fallback"] else entry["action"]
        assert notes[0].startswith("alibabacloud.sas ") and "triage run of " in notes[0]
        assert "rule %s, action %s" % (entry["rule"], action) in notes[0], notes[0]
    assert len(calls(emulator, "CreateSuspEventNote")) == len(handled)

    # the next scheduled run: the alert that failed minutes ago is deferred, not sent, and the play passes
    before = len(emulator.requests())
    again = triage(emulator)
    assert again.rc == 0, again.output
    for alert_id in OFFLINE:
        entry = by_id(again.report())[alert_id]
        assert entry["outcome"] == "deferred", entry
        assert entry["error_code"] == "kill_and_quara.AgentOffline" and entry["retry_after"]
        assert "6h" in entry["reason"]
    assert not OFFLINE & {alert_id for ids in writes_of(emulator, "kill_and_quara", before) for alert_id in ids}
    assert again.report()["summary"]["by_outcome"]["deferred"] == len(OFFLINE)
    assert "Deferred, not sent: %d alert" % len(OFFLINE) in again.output

    # sas_triage_retry_failed_after 0: sent again at every run
    before = len(emulator.requests())
    third = triage(emulator, extra={"sas_triage_retry_failed_after": 0})
    assert third.rc != 0
    assert OFFLINE <= {alert_id for ids in writes_of(emulator, "kill_and_quara", before) for alert_id in ids}


def test_check_mode_plans_the_fallback_and_writes_nothing(emulator, triage):
    run = triage(emulator, check=True)
    assert run.rc == 0, run.output
    assert writes(emulator) == [] and calls(emulator, "CreateSuspEventNote") == []
    assert ("rule kill-and-quarantine-malware: %d -> kill_and_quara (sub_operation=%s), on ProcessNotExist "
            "virus_quara_bin" % (len(pending(MALWARE)), KILL)) in run.output
    assert "rule block-root-logons: %d -> block_ip (block_duration=1d)" % len(ROOT_LOGONS) in run.output


def test_the_whole_triage_in_chinese(emulator, triage):
    rules = [{"name": "block-root-logons", "match": {"alarm_event_type": "异常登录", "details": {"登录用户": "root"}},
              "action": "block_ip", "params": {"block_duration": "1d"}}]
    run = triage(emulator, rules=rules, check=True, extra={"sas_triage_lang": "zh"})
    assert run.rc == 0, run.output
    report = run.report()
    assert {alert["id"] for alert in report["alerts"] if alert["rule"] == "block-root-logons"} == ROOT_LOGONS
    assert {alert["id"] for alert in report["alerts"] if alert["outcome"] == "would_handle"} == BLOCKABLE
    # the service's texts came in Chinese, the evidence was read from the Chinese detail names
    entry = by_id(report)[sorted(BLOCKABLE)[0]]
    assert entry["type"] == "异常登录" and entry["evidence"]["user"] == "root" and entry["evidence"]["source_ip"]
    # the English policy matches nothing in a Chinese run, and says so: 0 for each rule
    english = triage(emulator, check=True, extra={"sas_triage_lang": "zh"})
    assert "rule block-root-logons: 0 -> block_ip" in english.output


def test_a_refused_note_is_a_warning_and_changes_no_outcome(emulator, triage):
    emulator.set_faults([{"action": "CreateSuspEventNote", "fault": "no_permission", "rate": 1}])
    rules = [{"name": "block-root-logons", "match": {"alarm_event_type": "Unusual logon",
                                                     "details": {"Logon user": "root"}},
              "action": "block_ip", "params": {"block_duration": "1d"}}]
    run = triage(emulator, rules=rules)
    assert run.rc == 0, run.output
    report = by_id(run.report())
    assert {alert_id for alert_id, entry in report.items() if entry["outcome"] == "handled"} == BLOCKABLE
    assert "yundun-sas:CreateSuspEventNote" in run.output  # the warning names what the RAM policy lacks
    assert calls(emulator, "CreateSuspEventNote")
    assert all(emulator.alert(alert_id)["notes"] == [] for alert_id in BLOCKABLE)


def test_no_note_when_notes_are_off(emulator, triage):
    rules = [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]
    run = triage(emulator, rules=rules, extra={"sas_triage_notes": False})
    assert run.rc == 0, run.output
    assert writes(emulator) and calls(emulator, "CreateSuspEventNote") == []
