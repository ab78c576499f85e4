"""sas_alert_handle end to end: real ansible-playbook, real SDK, the emulator's request log."""

from __future__ import annotations

import json
import time

import pytest
from sas_data import (
    ACCESS_KEY_ID,
    ACCESS_KEY_SECRET,
    FAST,
    LENIENT,
    PENDING,
    QUOTA,
    STRICTEST,
    Data,
    action_counts,
    by_id,
    calls,
    handle,
    rules_on_wire,
    sent_ids,
    writes,
)

from sas_emulator.testing import start_emulator

DAY_MS = 86400_000


@pytest.fixture
def data():
    return Data(seed=7, alerts=60)  # the `emulator` fixture's data


def own_emulator(tmp_path, alerts):
    return start_emulator(*QUOTA, "--alerts", str(alerts), "--seed", "7", "--task-delay-ms", "200",
                          "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                          request_log=tmp_path / ("log-%d.jsonl" % alerts))


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_each_operation_with_its_parameters_on_the_wire(emulator, run_play, data, readings):
    emulator.configure(**readings)
    used = set()

    def pick(**conditions):
        alert_id = data.one(exclude=used, **conditions)
        used.add(alert_id)
        return alert_id

    ids = {
        "ignore": pick(op="ignore"),
        "manual_handled": pick(op="manual_handled"),
        "mark_mis_info": pick(op="mark_mis_info"),
        "block_ip": pick(op="block_ip", online=True, allowed=True),
        "block_ip_until": pick(op="block_ip", online=True, allowed=True),
        "kill_and_quara": pick(op="kill_and_quara", online=True, allowed=True, alive=True),
        "virus_quara": pick(op="virus_quara", online=True, allowed=True),
        "virus_quara_bin": pick(op="virus_quara_bin", online=True, allowed=True),
        "quara": pick(op="quara", online=True, allowed=True),
        "kill_process": pick(op="kill_process", online=True, allowed=True, alive=True),
        "cleanup": pick(op="cleanup", online=True, allowed=True),
        "disable_malicious_defense": pick(op="disable_malicious_defense"),
        "advance_mark_mis_info": pick(op="advance_mark_mis_info", name="login_unusual_location"),
    }
    rule = {"field": "loginUser", "operate": "strEqual", "value": "e2e-user", "scope": "part"}
    # a whole second ten days ahead: a block ends within 30 days (issue 8)
    until_s = (int(time.time()) // 86400 + 10) * 86400
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(until_s))
    tasks = [
        handle("ignore", alert_ids=[ids["ignore"]], operation="ignore", remark="known scanner", **FAST),
        handle("manual_handled", alert_ids=[ids["manual_handled"]], operation="manual_handled", **FAST),
        handle("mark_mis_info", alert_ids=[ids["mark_mis_info"]], operation="mark_mis_info", **FAST),
        handle("block_ip", alert_ids=[ids["block_ip"]], operation="block_ip", block_duration="7d", **FAST),
        handle("block_ip_until", alert_ids=[ids["block_ip_until"]], operation="block_ip",
               expire_time=until, **FAST),
        handle("kill_and_quara", alert_ids=[ids["kill_and_quara"]], operation="kill_and_quara",
               sub_operation="killAndQuaraFileByMd5andPath", **FAST),
        handle("virus_quara", alert_ids=[ids["virus_quara"]], operation="virus_quara", **FAST),
        handle("virus_quara_bin", alert_ids=[ids["virus_quara_bin"]], operation="virus_quara_bin", **FAST),
        handle("quara", alert_ids=[ids["quara"]], operation="quara", **FAST),
        handle("kill_process", alert_ids=[ids["kill_process"]], operation="kill_process", **FAST),
        handle("cleanup", alert_ids=[ids["cleanup"]], operation="cleanup", **FAST),
        handle("disable_malicious_defense", alert_ids=[ids["disable_malicious_defense"]],
               operation="disable_malicious_defense", **FAST),
        handle("advance_mark_mis_info", alert_ids=[ids["advance_mark_mis_info"]], operation="advance_mark_mis_info",
               whitelist_rules=[rule], **FAST),
        # The undo operations act on handled alerts, so they need force.
        handle("cancle_manual", alert_ids=[ids["manual_handled"]], operation="cancle_manual", force=True, **FAST),
        handle("rm_mark_mis_info", alert_ids=[ids["advance_mark_mis_info"]], operation="rm_mark_mis_info",
               force=True, **FAST),
    ]
    started_ms = int(time.time() * 1000)
    play = run_play(tasks, emulator=emulator)
    finished_ms = int(time.time() * 1000)
    assert play.rc == 0, play.stdout
    sent = writes(emulator)
    assert len(sent) == len(tasks)
    for task in tasks:
        result = play[task["register"]]
        assert result["changed"] is True, (task["register"], result)
        assert [entry["outcome"] for entry in result["results"]] == ["handled"], (task["register"], result)
        assert result["summary"]["handled"] == 1 and len(result["task_ids"]) == 1

    def expected(op, alert_id, params="{}", **extra):
        return {"OperationCode": op, "OperationParams": params, "SecurityEventIds.1": str(alert_id), **extra}

    by_op = [(entry["params"], entry) for entry in sent]
    assert by_op[0][0] == expected("ignore", ids["ignore"], Remark="known scanner")
    assert by_op[1][0] == expected("manual_handled", ids["manual_handled"])
    assert by_op[2][0] == expected("mark_mis_info", ids["mark_mis_info"])
    block = by_op[3][0]
    expire = json.loads(block["OperationParams"])["expireTime"]
    assert block == expected("block_ip", ids["block_ip"], '{"expireTime":%d}' % expire)
    assert started_ms + 7 * DAY_MS <= expire <= finished_ms + 7 * DAY_MS
    assert by_op[4][0] == expected("block_ip", ids["block_ip_until"], '{"expireTime":%d}' % (until_s * 1000))
    assert by_op[5][0] == expected("kill_and_quara", ids["kill_and_quara"],
                                   '{"subOperation":"killAndQuaraFileByMd5andPath"}')
    assert by_op[6][0] == expected("virus_quara", ids["virus_quara"], '{"subOperation":"quaraFileByMd5andPath"}')
    assert by_op[7][0] == expected("virus_quara_bin", ids["virus_quara_bin"],
                                   '{"subOperation":"quaraFileByMd5andPath"}')
    assert by_op[8][0] == expected("quara", ids["quara"])
    assert by_op[9][0] == expected("kill_process", ids["kill_process"])
    assert by_op[10][0] == expected("cleanup", ids["cleanup"])
    assert by_op[11][0] == expected("disable_malicious_defense", ids["disable_malicious_defense"])
    whitelist = by_op[12][0]
    assert whitelist["MarkBatch"] == "false"
    assert whitelist == expected("advance_mark_mis_info", ids["advance_mark_mis_info"], MarkBatch="false",
                                 MarkMissParam=whitelist["MarkMissParam"])
    assert rules_on_wire(by_op[12][1])[-1] == {"uuid": "part", "field": "loginUser", "operate": "strEqual",
                                               "fieldValue": "e2e-user"}
    assert by_op[13][0] == expected("cancle_manual", ids["manual_handled"])
    assert by_op[14][0] == expected("rm_mark_mis_info", ids["advance_mark_mis_info"])

    names = ("ignore", "mark_mis_info", "block_ip", "cancle_manual", "rm_mark_mis_info")
    after = {name: play[name]["results"][0]["status_after"] for name in names}
    # status_after is read back: a host operation may stay processing (16) under one reading
    assert after == {"ignore": "ignored", "mark_mis_info": "false_positive",
                     "block_ip": "processing" if readings["final_status"] == "processing" else "handled",
                     "cancle_manual": "pending", "rm_mark_mis_info": "pending"}
    assert emulator.alert(ids["block_ip_until"])["blocked_ip_until_ms"] == until_s * 1000


def test_forty_five_ids_go_out_in_batches_of_twenty_and_duplicates_once(tmp_path, run_play):
    emulator = own_emulator(tmp_path, 120)
    try:
        ids = [alert["id"] for alert in Data(seed=7, alerts=120).alerts(op="ignore")][:45]
        assert len(ids) == 45
        play = run_play([handle("result", alert_ids=ids + ids[:3], operation="ignore", **FAST)], emulator=emulator)
        assert play.rc == 0, play.stdout
        result = play["result"]
        assert [entry["id"] for entry in result["results"]] == ids
        assert result["summary"]["handled"] == 45 and len(result["task_ids"]) == 3
        sent = writes(emulator)
        assert [len(sent_ids(entry)) for entry in sent] == [20, 20, 5]
        assert [alert_id for entry in sent for alert_id in sent_ids(entry)] == ids
        assert [entry["task_id"] for entry in sent] == result["task_ids"]
    finally:
        emulator.stop()


def test_a_hundred_alerts_cost_the_minimum_of_calls_and_a_rerun_writes_nothing(tmp_path, run_play):
    emulator = own_emulator(tmp_path, 200)
    try:
        listing = run_play([{"alibabacloud.sas.sas_alert_info": {}, "register": "pending"}], emulator=emulator)
        ids = [alert["id"] for alert in listing["pending"]["alerts"]][:100]
        assert len(ids) == 100
        before = len(emulator.requests())
        task = handle("result", alert_ids=ids, operation="ignore", poll_interval=1, wait_timeout=30)
        play = run_play([task], emulator=emulator)
        assert play.rc == 0, play.stdout
        assert play["result"]["summary"]["handled"] == 100
        first = action_counts(emulator.requests()[before:])
        # 1 listing page holds all 100 statuses, 1 operations lookup each, 5 writes of 20, 1 poll per task,
        # then the statuses read again (status_after, issue 9): the pending page finds none, the handled one all.
        assert first == {"DescribeSuspEvents": 3, "DescribeSecurityEventOperations": 100,
                         "HandleSecurityEvents": 5, "DescribeSecurityEventOperationStatus": 5}, first
        # paced under the emulator's quota of 10 calls a second per API: not one call throttled
        assert [entry for entry in emulator.requests() if entry["error_code"]] == []

        middle = len(emulator.requests())
        again = run_play([task], emulator=emulator)
        assert again.rc == 0, again.stdout
        assert again["result"]["changed"] is False and again["result"]["summary"]["already_handled"] == 100
        second = action_counts(emulator.requests()[middle:])
        # the pending page finds none of them, the newest-handled page finds them all
        assert second == {"DescribeSuspEvents": 2}, second
        print("100 alerts, ignore, wait: %s calls %s; rerun %s calls %s"
              % (sum(first.values()), first, sum(second.values()), second))
    finally:
        emulator.stop()


def test_a_mix_of_outcomes_each_honest(emulator, run_play, data):
    handled = data.one(op="block_ip", online=True, allowed=True)
    handled_host = next(a["host_uuid"] for a in data.raw["alerts"] if a["id"] == handled)
    offline = next(a["id"] for a in data.alerts(op="block_ip", online=True, allowed=True)
                   if a["host_uuid"] != handled_host)
    offline_host = next(a["host_uuid"] for a in data.raw["alerts"] if a["id"] == offline)
    restricted = data.one(op="block_ip", allowed=False)
    not_offered = data.without("block_ip")
    dealt = data.one(status=2)
    emulator.set_agent_online(offline_host, False)

    ids = [handled, dealt, not_offered, restricted, offline, 99999999, handled]
    play = run_play([handle("result", ignore_errors=True, alert_ids=ids, operation="block_ip", block_duration="1d",
                            **FAST)], emulator=emulator)
    result = play["result"]
    assert result["failed"] is True and result["changed"] is True
    outcomes = {alert_id: entry["outcome"] for alert_id, entry in by_id(result).items()}
    assert outcomes == {handled: "handled", dealt: "already_handled", not_offered: "unsupported",
                        restricted: "unsupported", offline: "failed", 99999999: "not_found"}
    assert len(result["results"]) == 6
    entries = by_id(result)
    assert "UserCanOperate is false" in entries[restricted]["reason"]
    assert entries[not_offered]["reason"].startswith("the service does not offer block_ip for this alert")
    assert entries[dealt]["status_before"] == "ignored" and entries[99999999]["status_before"] is None
    assert entries[offline]["error_code"] == "block_ip.AgentOffline"
    assert "agent on the server is offline" in entries[offline]["hint"]
    # status_after is read back: a host operation may stay processing under one reading (issue 9)
    shown = "processing" if emulator.config()["final_status"] == "processing" else "handled"
    assert entries[offline]["status_after"] == "pending" and entries[handled]["status_after"] == shown
    assert entries[handled]["task_id"] == entries[offline]["task_id"] == result["task_ids"][0]
    assert result["summary"] == {"handled": 1, "would_handle": 0, "submitted": 0, "already_handled": 1,
                                 "expired": 0, "unsupported": 2, "not_found": 1, "failed": 1, "timed_out": 0}
    assert result["msg"] == ("1 of 6 alerts did not end handled: 1 failed (block_ip.AgentOffline: 1); "
                             "see results for each alert")
    sent = writes(emulator)
    assert len(sent) == 1 and sent_ids(sent[0]) == [handled, offline]


def test_process_gone_fails_with_a_hint_to_quarantine_instead(emulator, run_play, data):
    gone = data.one(op="kill_and_quara", online=True, allowed=True, alive=False)
    play = run_play([
        handle("kill", ignore_errors=True, alert_ids=[gone], operation="kill_and_quara",
               sub_operation="killAndQuaraFileByMd5andPath", **FAST),
        handle("quarantine", alert_ids="{{ kill.results | selectattr('error_code', 'search', 'ProcessNotExist') "
                                       "| map(attribute='id') | list }}", operation="virus_quara_bin", **FAST),
    ], emulator=emulator)
    failed = play["kill"]["results"][0]
    assert failed["outcome"] == "failed" and failed["error_code"] == "kill_and_quara.ProcessNotExist"
    assert "virus_quara_bin" in failed["hint"]
    assert play["quarantine"]["results"][0]["outcome"] == "handled"


def test_a_stuck_task_times_out_with_its_task_id(emulator, run_play, data):
    alert_id = data.one(op="ignore")
    emulator.set_tasks_stuck(True)
    started = time.monotonic()
    play = run_play([handle("result", ignore_errors=True, alert_ids=[alert_id], operation="ignore",
                            wait_timeout=1.5, poll_interval=0.5)], emulator=emulator)
    result = play["result"]
    task_id = writes(emulator)[0]["task_id"]
    assert result["failed"] is True and result["changed"] is True
    assert result["results"][0]["outcome"] == "timed_out" and result["results"][0]["task_id"] == task_id
    assert result["task_ids"] == [task_id]
    assert "1 timed out (task %d)" % task_id in result["msg"]
    # read 0.25 s after the write, then 0.5 s apart (poll_interval), the last at the deadline, 1.5 s after the write
    assert 1 <= len(calls(emulator, "DescribeSecurityEventOperationStatus")) <= 4
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("mark_miss_param", ["required", "optional"])
def test_whitelist_merge_keeps_every_existing_rule(emulator, run_play, data, mark_miss_param):
    emulator.configure(mark_miss_param=mark_miss_param)
    candidates = data.alerts(op="advance_mark_mis_info", name="login_unusual_location")
    hosts = {}
    for alert in candidates:  # two alerts on different servers: their existing rules differ
        hosts.setdefault(alert["host_uuid"], alert["id"])
    ids = list(hosts.values())[:2]
    assert len(ids) == 2
    before = {alert_id: emulator.alert(alert_id)["whitelist_rules"] for alert_id in ids}
    assert all(before.values()), before
    rules = [{"field": "loginSourceIp", "operate": "inIpSegment", "value": "198.51.100.0/24", "scope": "all"},
             {"field": "loginUser", "operate": "regex", "value": "^deploy-[0-9]+$"}]
    play = run_play([handle("result", alert_ids=ids, operation="advance_mark_mis_info", whitelist_rules=rules,
                            **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert play["result"]["summary"]["handled"] == 2
    new = [{"uuid": "ALL", "field": "loginSourceIp", "operate": "inIpSegment", "fieldValue": "198.51.100.0/24"},
           {"uuid": "part", "field": "loginUser", "operate": "regex", "fieldValue": "^deploy-[0-9]+$"}]
    sent = {sent_ids(entry)[0]: rules_on_wire(entry) for entry in writes(emulator)}
    assert sorted(sent) == sorted(ids)  # one call each: their MarkMissParam differ
    for alert_id in ids:
        existing = [{"uuid": "ALL" if rule["uuid"] == "ALL" else "part", "field": rule["field"],
                     "operate": rule["operate"], "fieldValue": rule["value"]} for rule in before[alert_id]]
        assert sent[alert_id] == existing + new
        after = {(rule["field"], rule["operate"], rule["value"])
                 for rule in emulator.alert(alert_id)["whitelist_rules"]}
        assert {(rule["field"], rule["operate"], rule["value"]) for rule in before[alert_id]} <= after
        assert ("loginUser", "regex", "^deploy-[0-9]+$") in after


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_whitelisting_without_new_rules_sends_the_rules_the_alert_has(emulator, run_play, data, readings):
    # issue 9: "only whitelist this alert" - allowed, and MarkMissParam is sent whether or not it is required;
    # issue 17: never as an empty list, refused (strictest) or taken as "clear the rules" (lenient)
    emulator.configure(**readings)
    with_rules, without_rules = None, None
    for alert in data.alerts(op="advance_mark_mis_info"):
        if emulator.alert(alert["id"])["whitelist_rules"]:
            with_rules = with_rules or alert["id"]
        else:
            without_rules = without_rules or alert["id"]
    assert with_rules and without_rules
    before = emulator.alert(with_rules)["whitelist_rules"]
    play = run_play([handle("result", ignore_errors=True, alert_ids=[with_rules, without_rules],
                            operation="advance_mark_mis_info", **FAST)], emulator=emulator)
    result = play["result"]
    assert result["failed"] is True and result["changed"] is True
    handled, unsent = result["results"]
    assert handled["outcome"] == "handled"
    assert (unsent["outcome"], unsent["task_id"], unsent["status_after"]) == ("failed", None, "pending")
    assert "give whitelist_rules" in unsent["reason"]
    assert result["msg"] == "1 of 2 alerts did not end handled: 1 failed (no error code: 1); see results for each alert"
    [sent] = writes(emulator)
    assert sent_ids(sent) == [with_rules]
    assert [rule["fieldValue"] for rule in rules_on_wire(sent)] == [rule["value"] for rule in before]
    assert emulator.alert(with_rules)["whitelist_rules"] == before
    assert emulator.alert(without_rules)["status"] == PENDING


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_kill_and_quara_without_sub_operation_sends_the_suggestion_or_the_default(emulator, run_play, data,
                                                                                  readings):
    # issue 17, point 2: the lenient set suggests no subOperation; before, every alert then ended unsupported
    emulator.configure(**readings)
    alert_id = data.one(op="kill_and_quara", online=True, allowed=True, alive=True)
    play = run_play([handle("result", alert_ids=[alert_id], operation="kill_and_quara", **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert [entry["outcome"] for entry in play["result"]["results"]] == ["handled"]
    [sent] = writes(emulator)
    assert sent["params"]["OperationParams"] == '{"subOperation":"killAndQuaraFileByMd5andPath"}'
    warned = "the service suggests no subOperation for kill_and_quara on this alert; sent killAndQuaraFileByMd5andPath"
    shown = " ".join((play.stdout + play.stderr).split())  # ansible wraps a long warning
    assert (warned in shown) is (readings["suggested_sub_operation"] == "no")


@pytest.mark.parametrize("readings", [STRICTEST, LENIENT], ids=["strictest", "lenient"])
def test_what_the_listing_says_settles_an_alert_without_asking_its_operations(emulator, run_play, data, readings):
    # issue 17, points 5 and 9: an expired alert ends expired, an alert the service does not let anyone handle
    # (CanBeDealOnLine false) unsupported; neither costs a DescribeSecurityEventOperations call
    emulator.configure(**readings)
    expired = data.one(status=64)
    not_online, handled = [alert["id"] for alert in data.alerts(op="block_ip", online=True, allowed=True)[:2]]
    emulator.patch_alert(not_online, can_be_deal_on_line=False)
    play = run_play([handle("block", alert_ids=[expired, not_online, handled], operation="block_ip",
                            block_duration="1d", **FAST),
                     handle("forced", alert_ids=[expired], operation="ignore", force=True, **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    block = by_id(play["block"])
    assert {alert_id: entry["outcome"] for alert_id, entry in block.items()} == {
        expired: "expired", not_online: "unsupported", handled: "handled"}
    assert (block[expired]["status_before"], block[expired]["status_after"]) == ("expired", "expired")
    assert block[expired]["reason"] == "it expired: the service offers no operation for an expired alert; nothing sent"
    assert "CanBeDealOnLine is false" in block[not_online]["reason"]
    assert play["block"]["summary"]["expired"] == 1 and play["block"]["changed"] is True
    assert [entry["outcome"] for entry in play["forced"]["results"]] == ["expired"]  # force changes nothing
    assert play["forced"]["changed"] is False
    lookups = [int(entry["params"]["SecurityEventId"]) for entry in calls(emulator, "DescribeSecurityEventOperations")]
    assert lookups == [handled]  # one call saved per alert the listing settles
    assert [sent_ids(entry) for entry in writes(emulator)] == [[handled]]


def test_check_mode_predicts_and_writes_nothing(emulator, run_play, data):
    pending = [alert["id"] for alert in data.alerts(op="ignore")][:3]
    dealt = data.one(status=2)
    play = run_play([handle("result", alert_ids=pending + [dealt], operation="ignore", **FAST)], emulator=emulator,
                    check=True, extra_args=["--diff"])
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert result["changed"] is True and result["task_ids"] == []
    assert [entry["outcome"] for entry in result["results"]] == ["would_handle"] * 3 + ["already_handled"]
    assert {entry["status_after"] for entry in result["results"][:3]} == {"ignored"}
    assert writes(emulator) == []
    assert {emulator.alert(alert_id)["status"] for alert_id in pending} == {1}
    assert '"%d": "ignored"' % pending[0] in play.stdout


def test_second_run_changes_nothing_and_diff_shows_statuses(emulator, run_play, data):
    ids = [alert["id"] for alert in data.alerts(op="manual_handled")][:3]
    task = handle("result", alert_ids=ids, operation="manual_handled", **FAST)
    first = run_play([task], emulator=emulator, extra_args=["--diff"])
    assert first.rc == 0, first.stdout
    assert first["result"]["changed"] is True and first["result"]["summary"]["handled"] == 3
    assert '-    "%d": "pending"' % ids[0] in first.stdout and '+    "%d": "handled"' % ids[0] in first.stdout
    assert len(writes(emulator)) == 1

    since = len(emulator.requests())
    second = run_play([task], emulator=emulator, extra_args=["--diff"])
    assert second.rc == 0, second.stdout
    assert second["result"]["changed"] is False
    assert second["result"]["summary"]["already_handled"] == 3
    assert writes(emulator, since) == []


def test_bad_input_fails_naming_the_option_before_any_call(emulator, run_play):
    # The wiring, once, with a block that used to be written (issue 8): the module fails naming the option,
    # changes nothing and makes not one call. Every other bad input is a row of the bad-input table
    # (tests/unit/bad_input_table.py), run in process against the emulator.
    play = run_play([handle("result", ignore_errors=True, alert_ids=[703587941], operation="block_ip",
                            block_duration="99999d")], emulator=emulator)
    result = play["result"]
    assert result["failed"] is True and result["changed"] is False
    assert "block_duration='99999d' is longer than 30 days, the longest block sent: use at most 30d" in result["msg"]
    assert emulator.requests() == []


@pytest.mark.parametrize("fault, extra", [
    ({"fault": "reset_after_commit"}, {}),
    ({"fault": "timeout", "delay_ms": 4000}, {"read_timeout": 1.5}),
])
@pytest.mark.parametrize("reading", [{"status_call": "both_required"}, {"status_call": "either"}],
                         ids=lambda reading: "%s=%s" % next(iter(reading.items())))
def test_a_write_whose_answer_is_lost_is_never_sent_twice(emulator, run_play, data, fault, extra, reading):
    emulator.configure(**reading)
    ids = [alert["id"] for alert in data.alerts(op="ignore")][:3]
    emulator.set_faults([dict({"action": "HandleSecurityEvents", "times": 1}, **fault)])
    play = run_play([handle("result", alert_ids=ids, operation="ignore", **FAST, **extra)], emulator=emulator)
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert [entry["outcome"] for entry in result["results"]] == ["handled"] * 3
    assert all(entry["task_id"] is None for entry in result["results"]) and result["task_ids"] == []
    sent = writes(emulator)
    assert len(sent) == 1 and sent[0]["fault"] == fault["fault"]
    for alert_id in ids:
        assert len(emulator.alert(alert_id)["tasks"]) == 1  # handled exactly once
    # no task id came back: the alerts' results are read from the alerts, never asked by ids alone (issue 9)
    assert calls(emulator, "DescribeSecurityEventOperationStatus") == []


@pytest.mark.parametrize("queue_ms", [0, 1500])
def test_a_host_operation_whose_answer_was_lost_is_never_sent_again(emulator, run_play, data, queue_ms):
    # A queued task may leave the alert pending for a while (TaskStatus Pending): re-sending would block twice.
    emulator.configure(queue_ms=queue_ms)
    [alert_id] = [alert["id"] for alert in data.alerts(op="block_ip", online=True, allowed=True)][:1]
    emulator.set_faults([{"action": "HandleSecurityEvents", "times": 1, "fault": "reset_after_commit"}])
    play = run_play([handle("result", alert_ids=[alert_id], operation="block_ip", block_duration="1d",
                            **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert [entry["outcome"] for entry in play["result"]["results"]] == ["handled"]
    assert len(writes(emulator)) == 1 and len(emulator.alert(alert_id)["tasks"]) == 1


def test_a_throttled_write_is_sent_again_because_it_was_refused(emulator, run_play, data):
    ids = [alert["id"] for alert in data.alerts(op="ignore")][:2]
    emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "throttle", "times": 1}])
    play = run_play([handle("result", alert_ids=ids, operation="ignore", **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert [entry["error_code"] for entry in writes(emulator)] == ["Throttling.User", None]
    assert play["result"]["summary"]["handled"] == 2
    assert play["result"]["task_ids"] == [writes(emulator)[1]["task_id"]]


@pytest.mark.parametrize("bad_id_in_batch", ["refuse", "drop"])
@pytest.mark.parametrize("race, outcome, status_after", [
    ("vanish", "not_found", None),                  # purged meanwhile: not among handled alerts either
    ("handled_elsewhere", "already_handled", "handled"),  # handled from the console meanwhile
    ("restricted", "unsupported", "pending"),       # the edition stopped allowing the operation meanwhile
])
def test_an_alert_changed_by_another_hand_before_the_write(emulator, run_play, data, race, outcome, status_after,
                                                           bad_id_in_batch):
    # issue 9: the service may refuse the whole call for one such alert, or accept it and leave the alert out
    emulator.configure(bad_id_in_batch=bad_id_in_batch)
    first, second = [alert["id"] for alert in data.alerts(op="ignore")][:2]
    emulator.set_faults([{"action": "HandleSecurityEvents", "fault": race, "times": 1}])
    play = run_play([handle("result", alert_ids=[first, second], operation="ignore", **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    entries = by_id(play["result"])
    assert entries[first]["outcome"] == outcome and entries[first]["status_after"] == status_after
    assert entries[first]["error_code"] is None
    assert entries[second]["outcome"] == "handled"
    sent = writes(emulator)
    if bad_id_in_batch == "refuse":  # refused for the first alert; only the second is sent again, once
        assert [sent_ids(entry) for entry in sent] == [[first, second], [second]]
        assert sent[0]["error_code"] is not None and sent[1]["error_code"] is None
    else:  # one task, without the first alert: it is settled at once by reading it again
        assert [sent_ids(entry) for entry in sent] == [[first, second]] and sent[0]["error_code"] is None
        assert entries[first]["task_id"] == entries[second]["task_id"] == sent[0]["task_id"]
    assert len(emulator.alert(second)["tasks"]) == 1
    if race != "vanish":
        assert emulator.alert(first)["tasks"] == []  # no task ever acted on it


@pytest.mark.parametrize("race, outcome", [
    ("vanish", "not_found"),
    # the service stops offering the operation once the alert is handled: that is what it said then
    ("handled_elsewhere", "unsupported"),
])
def test_an_alert_changed_by_another_hand_during_the_lookup(emulator, run_play, data, race, outcome):
    first, second = [alert["id"] for alert in data.alerts(op="ignore")][:2]
    emulator.set_faults([{"action": "DescribeSecurityEventOperations", "fault": race, "times": 1}])
    play = run_play([handle("result", alert_ids=[first, second], operation="ignore", concurrency=1, **FAST)],
                    emulator=emulator)
    assert play.rc == 0, play.stdout
    entries = by_id(play["result"])
    assert entries[first]["outcome"] == outcome
    assert entries[second]["outcome"] == "handled"
    assert all(first not in sent_ids(entry) or entry["error_code"] for entry in writes(emulator))
    assert len(emulator.alert(second)["tasks"]) == 1


def audit_trail(path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_audit_log_names_exactly_the_write_calls_the_service_received(emulator, run_play, data, tmp_path):
    ids = [alert["id"] for alert in data.alerts(op="ignore")][:25]
    assert len(ids) == 25
    emulator.configure(bad_id_in_batch="refuse")  # the trail of the other reading: test_handling (unit)
    # Call 1 is refused (its first alert vanished), call 2 re-sends the other 19 and its answer is lost
    # after the service acted, call 3 is the second batch of 5 and is accepted.
    emulator.set_faults([{"action": "HandleSecurityEvents", "fault": "vanish", "times": 1},
                         {"action": "HandleSecurityEvents", "fault": "reset_after_commit", "times": 1}])
    trail_path = tmp_path / "trail" / "handle.jsonl"
    trail_path.parent.mkdir()
    play = run_play([handle("result", alert_ids=ids, operation="ignore", remark="e2e audit",
                            audit_log=str(trail_path), audit_context={"account": "e2e", "run_id": "run-1"},
                            **FAST)], emulator=emulator)
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert by_id(result)[ids[0]]["outcome"] == "not_found" and result["summary"]["handled"] == 24

    sent = writes(emulator)
    trail = audit_trail(trail_path)
    assert [line["event"] for line in trail] == ["handle_request", "handle_response"] * len(sent)
    requests, responses = trail[::2], trail[1::2]
    assert [line["alert_ids"] for line in requests] == [sent_ids(entry) for entry in sent] == [
        ids[:20], ids[1:20], ids[20:]]
    assert [line["alert_ids"] for line in responses] == [sent_ids(entry) for entry in sent]
    assert [line["attempt"] for line in requests] == [1, 2, 1]
    assert [line["result"] for line in responses] == ["error", "error", "accepted"]

    refused, lost, accepted = responses
    assert refused["error_kind"] == "api" and refused["error_code"] == sent[0]["error_code"] == "SecurityEventNotExists"
    assert refused["request_id"] == sent[0]["request_id"] and refused["task_id"] is None
    assert lost["error_kind"] == "ambiguous" and lost["task_id"] is None and sent[1]["task_id"] is not None
    assert accepted["task_id"] == sent[2]["task_id"] and accepted["request_id"] == sent[2]["request_id"]
    assert [line["task_id"] for line in responses if line["result"] == "accepted"] == result["task_ids"]
    assert {entry["task_id"] for entry in result["results"] if entry["id"] in ids[20:]} == {accepted["task_id"]}
    for line in trail:
        assert line["operation"] == "ignore" and line["operation_params"] == {} and line["remark"] == "e2e audit"
        assert line["account"] == "e2e" and line["run_id"] == "run-1"
        time.strptime(line["time"], "%Y-%m-%dT%H:%M:%S.%fZ")  # UTC, milliseconds, Z
        assert len(line["time"]) == len("2026-05-04T09:12:33.250Z")

    assert trail_path.stat().st_mode & 0o777 == 0o600
    text = trail_path.read_text(encoding="utf-8")
    assert ACCESS_KEY_SECRET not in text and ACCESS_KEY_ID not in text

    # A second run finds nothing pending, sends nothing and adds no line.
    again = run_play([handle("result", alert_ids=ids[1:], operation="ignore", audit_log=str(trail_path), **FAST)],
                     emulator=emulator)
    assert again.rc == 0, again.stdout
    assert again["result"]["changed"] is False and len(writes(emulator)) == 3
    assert audit_trail(trail_path) == trail


def test_audit_log_that_cannot_be_used_fails_before_any_call_and_check_mode_writes_none(emulator, run_play, data,
                                                                                        tmp_path):
    alert_id = data.one(op="ignore")
    missing = tmp_path / "no-such-dir" / "handle.jsonl"
    colliding = tmp_path / "colliding.jsonl"
    play = run_play([
        handle("missing", ignore_errors=True, alert_ids=[alert_id], operation="ignore", audit_log=str(missing)),
        handle("directory", ignore_errors=True, alert_ids=[alert_id], operation="ignore", audit_log=str(tmp_path)),
        handle("collision", ignore_errors=True, alert_ids=[alert_id], operation="ignore", audit_log=str(colliding),
               audit_context={"account": "e2e", "task_id": 1}),
        handle("alone", ignore_errors=True, alert_ids=[alert_id], operation="ignore", audit_context={"a": 1}),
    ], emulator=emulator)
    for name in ("missing", "directory", "collision", "alone"):
        assert play[name]["failed"] is True and play[name]["changed"] is False, (name, play[name])
    assert play["missing"]["msg"] == ("audit_log %s cannot be used: its directory %s does not exist; no call was "
                                      "made" % (missing, missing.parent))
    assert play["directory"]["msg"].startswith("audit_log %s cannot be used: it cannot be opened for appending"
                                               % tmp_path)
    assert play["collision"]["msg"].startswith("audit_context key 'task_id' collides with a field the module "
                                               "writes itself")
    assert "audit_log" in play["alone"]["msg"] and "audit_context" in play["alone"]["msg"]
    assert emulator.requests() == []  # not one call, let alone a write
    assert not missing.parent.exists() and not colliding.exists()

    checked = tmp_path / "check.jsonl"
    play = run_play([handle("result", alert_ids=[alert_id], operation="ignore", audit_log=str(checked), **FAST)],
                    emulator=emulator, check=True)
    assert play.rc == 0, play.stdout
    assert play["result"]["results"][0]["outcome"] == "would_handle"
    assert emulator.requests() and writes(emulator) == [] and not checked.exists()


NO_OUTCOME = {"handled": 0, "would_handle": 0, "submitted": 0, "already_handled": 0, "expired": 0, "unsupported": 0,
              "not_found": 0, "failed": 0, "timed_out": 0}


def test_an_empty_alert_ids_list_is_a_no_op(emulator, run_play, tmp_path):
    trail = tmp_path / "trail.jsonl"
    tasks = [handle("plain", alert_ids=[], operation="ignore"),
             handle("block", alert_ids=[], operation="block_ip", block_duration="7d", wait=False,
                    audit_log=str(trail), audit_context={"account": "e2e"})]
    for check in (False, True):
        play = run_play(tasks, emulator=emulator, check=check, extra_args=["--diff"])
        assert play.rc == 0, play.stdout
        for name in ("plain", "block"):
            result = play[name]
            assert result["changed"] is False and not result.get("failed"), result
            assert result["results"] == [] and result["task_ids"] == [] and result["summary"] == NO_OUTCOME
            assert result["diff"] == {"before": {}, "after": {}}
    assert emulator.requests() == []
    assert not trail.exists()  # checked, but nothing to write

    bare = run_play([handle("bare", alert_ids=[], operation="ignore")])  # no endpoint, region or credentials
    assert bare.rc == 0, bare.stdout
    assert bare["bare"]["results"] == [] and bare["bare"]["summary"] == NO_OUTCOME


def test_a_follow_up_filtered_down_to_nothing_needs_no_guard(emulator, run_play, data):
    # The documented follow-up idiom, without its `when`: every alert was handled, so the selectattr
    # keeps none and the follow-up must neither fail nor call the service.
    ids = [alert["id"] for alert in data.alerts(op="ignore")][:2]
    play = run_play([
        handle("first", alert_ids=ids, operation="ignore", **FAST),
        handle("follow_up", operation="virus_quara_bin", alert_ids=(
            "{{ first.results | selectattr('error_code', 'search', 'ProcessNotExist')"
            " | map(attribute='id') | list }}")),
        handle("retry_failed", operation="ignore", alert_ids=(
            "{{ first.results | selectattr('outcome', 'equalto', 'failed') | map(attribute='id') | list }}")),
    ], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert [entry["outcome"] for entry in play["first"]["results"]] == ["handled", "handled"]
    for name in ("follow_up", "retry_failed"):
        result = play[name]
        assert result["changed"] is False and result["results"] == [] and result["summary"] == NO_OUTCOME, result
    # Every call is the first task's: one write, its task status read, and the statuses read once after it
    # (status_after); a follow-up that called anything would add a status lookup and operations lookups.
    requests = emulator.requests()
    assert action_counts(requests)["HandleSecurityEvents"] == 1
    last_poll = max(index for index, entry in enumerate(requests)
                    if entry["action"] == "DescribeSecurityEventOperationStatus")
    assert {entry["action"] for entry in requests[last_poll + 1:]} <= {"DescribeSuspEvents"}
    assert len(requests) - last_poll - 1 <= 2


def test_groups_in_one_call_each_alert_with_its_group_s_operation(emulator, run_play, data):
    # issue 19: several operations in one run, through one connection (one pacer per API)
    ignored = [data.one(op="ignore")]
    ignored.append(data.one(op="ignore", exclude=ignored))
    blocked = data.one(op="block_ip", online=True, allowed=True, exclude=ignored)
    play = run_play([handle("result", groups=[
        {"operation": "ignore", "alert_ids": ignored, "remark": "noise"},
        {"operation": "block_ip", "alert_ids": [blocked], "block_duration": "1d", "remark": "attacker"}], **FAST)],
        emulator=emulator)
    result = play["result"]
    assert result["changed"] is True and result["summary"]["handled"] == 3
    assert [(entry["id"], entry["operation"], entry["outcome"]) for entry in result["results"]] == [
        (ignored[0], "ignore", "handled"), (ignored[1], "ignore", "handled"), (blocked, "block_ip", "handled")]
    assert [(entry["params"]["OperationCode"], entry["params"]["Remark"], sent_ids(entry))
            for entry in writes(emulator)] == [("ignore", "noise", ignored), ("block_ip", "attacker", [blocked])]
    assert result["task_ids"] == [entry["task_id"] for entry in writes(emulator)]
