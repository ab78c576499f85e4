"""sas_alert_info end to end: real ansible-playbook, real SDK, the emulator's request log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA, module_task

from sas_emulator.testing import start_emulator


def info_task(register="result", ignore_errors=False, **options):
    return module_task("sas_alert_info", register, ignore_errors, **options)


def listing_calls(emulator):
    return [entry for entry in emulator.requests() if entry["action"] == "DescribeSuspEvents"]


def test_lists_pending_alerts_in_snake_case(emulator, run_play):
    play = run_play([info_task()], emulator=emulator)
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert result["changed"] is False
    alerts = result["alerts"]
    assert alerts and result["total_count"] == len(alerts)
    assert {alert["status"] for alert in alerts} == {"pending"}
    assert {alert["event_status"] for alert in alerts} == {1}
    for alert in alerts:
        assert all(not re.search("[A-Z]", key) for key in alert), sorted(alert)
        assert isinstance(alert["id"], int) and alert["level"] and alert["alarm_event_type"]
    calls = listing_calls(emulator)
    assert len(calls) == 1
    assert calls[0]["params"]["Dealed"] == "N"
    assert calls[0]["params"]["PageSize"] == "100"
    assert calls[0]["params"]["From"] == "sas" and calls[0]["params"]["Lang"] == "en"
    assert calls[0]["status"] == 200


def test_reads_every_page_and_never_truncates(tmp_path, run_play):
    emulator = start_emulator(*QUOTA, "--alerts", "260", "--seed", "3", "--access-key-id", ACCESS_KEY_ID,
                              "--access-key-secret", ACCESS_KEY_SECRET, request_log=tmp_path / "log.jsonl")
    try:
        play = run_play([info_task(status="all")], emulator=emulator)
        assert play.rc == 0, play.stdout
        result = play["result"]
        ids = [alert["id"] for alert in result["alerts"]]
        assert result["total_count"] == 260 and len(ids) == 260 and len(set(ids)) == 260
        assert result["truncated"] is False
        pages = [call["params"]["CurrentPage"] for call in listing_calls(emulator)]
        assert pages == ["1", "2", "3"]
        # every status by the documented "All", not by leaving the filters out (issue 9)
        assert all("Dealed" not in call["params"] and call["params"]["Status"] == "0"
                   for call in listing_calls(emulator))
    finally:
        emulator.stop()


def test_max_results_caps_on_purpose_and_says_so(emulator, run_play):
    play = run_play([info_task(status="all", max_results=7)], emulator=emulator)
    result = play["result"]
    assert len(result["alerts"]) == 7
    assert result["truncated"] is True and result["total_count"] == 60
    assert [call["params"]["PageSize"] for call in listing_calls(emulator)] == ["7"]


@pytest.mark.parametrize("vocabulary", ["zh", "en", "code"])
def test_filters_reach_the_service(emulator, run_play, vocabulary):
    # issue 9: whichever names ParentEventTypes takes, alert_types select the same alerts
    emulator.configure(alert_type_vocabulary=vocabulary)
    everything = run_play([info_task(status="all")], emulator=emulator)["result"]["alerts"]
    some_host = next(alert["uuid"] for alert in everything if alert.get("uuid"))
    types = sorted({alert["alarm_event_type"] for alert in everything})[:2]
    play = run_play([
        info_task("serious", levels=["serious"], status="all"),
        info_task("on_host", uuids=[some_host], status="all"),
        info_task("typed", alert_types=types, status="all"),
        info_task("handled", status="handled"),
    ], emulator=emulator)
    assert play.rc == 0, play.stdout
    serious = play["serious"]["alerts"]
    assert serious and {alert["level"] for alert in serious} == {"serious"}
    assert len(serious) == sum(1 for alert in everything if alert["level"] == "serious")
    assert {alert["uuid"] for alert in play["on_host"]["alerts"]} == {some_host}
    typed = play["typed"]["alerts"]
    assert {alert["alarm_event_type"] for alert in typed} == set(types)
    assert len(typed) == sum(1 for alert in everything if alert["alarm_event_type"] in types)
    assert all(alert["status"] != "pending" for alert in play["handled"]["alerts"])
    sent = [call["params"] for call in listing_calls(emulator)][1:]
    assert sent[0]["Levels"] == "serious"
    assert sent[1]["Uuids"] == some_host
    # issue 9: the service's vocabulary for ParentEventTypes is uncertain, so types are matched on our side
    assert "ParentEventTypes" not in sent[2]
    assert sent[3]["Dealed"] == "Y" and len(sent) == 4


@pytest.mark.parametrize("id_lookup", ["some", "all"])
def test_alert_ids_with_details_and_missing_ids(emulator, run_play, id_lookup):
    # The calls a lookup costs depend on where the alerts sit in the listings: the count below is the newest-first
    # order's; under any other the results are the same (alert_status.find_alerts), the calls may differ.
    emulator.configure(id_lookup=id_lookup, pending_order="newest")
    everything = run_play([info_task(status="all")], emulator=emulator)["result"]["alerts"]
    assert {alert["status"] for alert in everything} > {"pending"}  # status all holds every status (issue 9)
    wanted = [everything[0]["id"], everything[5]["id"], 99999999, everything[0]["id"]]
    before = len(emulator.requests())
    play = run_play([info_task(alert_ids=wanted, include_details=True, concurrency=2)], emulator=emulator)
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert [alert["id"] for alert in result["alerts"]] == wanted[:2]
    assert result["missing_ids"] == [99999999]
    for alert in result["alerts"]:
        assert alert["detail"]["id"] == alert["id"]
        assert alert["detail"]["status"] == alert["status"]
    calls = emulator.requests()[before:]
    # three ids: the first page of each listing (pending, handled) finds the known ones; the unknown id costs
    # no call of its own, since the listings were read whole (alert_status.find_alerts)
    assert sorted(call["action"] for call in calls) == ["DescribeSuspEventDetail"] * 2 + ["DescribeSuspEvents"] * 2


def test_check_mode_reads_the_same(emulator, run_play):
    play = run_play([info_task()], emulator=emulator, check=True)
    assert play.rc == 0 and play["result"]["alerts"]


def test_throttled_calls_are_retried(emulator, run_play):
    emulator.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 2}])
    play = run_play([info_task()], emulator=emulator)
    assert play.rc == 0, play.stdout
    codes = [call["error_code"] for call in listing_calls(emulator)]
    assert codes == ["Throttling.User", "Throttling.User", None]


def test_wrong_secret_fails_with_the_service_error_and_no_secret(emulator, run_play):
    # From the environment, so neither no_log nor the play's own text can hide it: only the module can.
    wrong = "wrong-Secret-value-9876543210"
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": wrong}
    play = run_play([info_task(ignore_errors=True)], emulator=emulator, env=env,
                    defaults={"endpoint": emulator.url}, extra_args=["-vvv"])
    result = play["result"]
    assert result["failed"] is True
    assert result["error"]["code"] == "SignatureDoesNotMatch"
    assert result["error"]["http_status"] in (400, 403) and result["error"]["request_id"]
    assert "DescribeSuspEvents was refused by the service" in result["msg"]
    assert "Traceback" not in result["msg"]
    assert wrong not in play.stdout + play.stderr + json.dumps(result)
    assert len(listing_calls(emulator)) == 1  # an auth error is not retried


def test_unknown_access_key(emulator, run_play):
    play = run_play([info_task(ignore_errors=True)], emulator=emulator,
                    defaults={"endpoint": emulator.url, "access_key": "nobody", "secret_key": "whatever-secret"})
    assert play["result"]["error"]["code"] == "InvalidAccessKeyId.NotFound"
    assert "check access_key" in play["result"]["msg"]


def test_unreachable_endpoint_fails_in_plain_words(run_play):
    started = time.monotonic()
    play = run_play([info_task(ignore_errors=True, connect_timeout=1)],
                    defaults={"endpoint": "http://127.0.0.1:9", "access_key": "a", "secret_key": "b-secret"})
    result = play["result"]
    assert result["failed"] is True
    assert "could not reach the SAS endpoint" in result["msg"]
    assert result["error"]["code"] is None
    assert time.monotonic() - started < 90


def test_credentials_from_the_environment_as_awx_injects_them(emulator, run_play):
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
           "ALIBABA_CLOUD_SAS_ENDPOINT": emulator.url, "ALIBABA_CLOUD_SECURITY_TOKEN": "",
           "ALIBABA_CLOUD_PROFILE": "", "ALIBABA_CLOUD_REGION_ID": ""}
    play = run_play([info_task()], env=env, defaults={})
    assert play.rc == 0, play.stdout
    assert play["result"]["alerts"]


def test_cli_profile_with_sts_token(tmp_path, run_play):
    token = "STS.e2e-token-value"
    emulator = start_emulator(*QUOTA, "--alerts", "5", "--access-key-id", ACCESS_KEY_ID, "--access-key-secret",
                              ACCESS_KEY_SECRET, "--security-token", token, request_log=tmp_path / "log.jsonl")
    try:
        aliyun = tmp_path / "home" / ".aliyun"
        aliyun.mkdir(parents=True)
        (aliyun / "config.json").write_text(json.dumps({"current": "ops", "profiles": [
            {"name": "ops", "mode": "StsToken", "access_key_id": ACCESS_KEY_ID,
             "access_key_secret": ACCESS_KEY_SECRET, "sts_token": token},
            {"name": "other", "mode": "AK", "access_key_id": "x", "access_key_secret": "y"}]}))
        play = run_play([info_task(profile="ops", status="all"),
                         info_task("missing", profile="nope", ignore_errors=True)],
                        defaults={"endpoint": emulator.url})
        assert play["result"]["total_count"] == 5
        assert play["missing"]["failed"] is True
        assert "profile 'nope' is not in" in play["missing"]["msg"] and "ops" in play["missing"]["msg"]
    finally:
        emulator.stop()


def test_bad_options_fail_before_any_call(emulator, run_play):
    # The wiring, once: the module fails naming the option, and not one call is made. Every other
    # bad input is checked in process (unit tests of sas_alert_info.main()).
    play = run_play([info_task(ignore_errors=True, time_start="yesterday")], emulator=emulator)
    assert play["result"]["failed"] is True
    assert "time_start='yesterday' is not a time" in play["result"]["msg"]
    assert emulator.requests() == []


def test_missing_sdk_is_reported_by_name(tmp_path, emulator, run_play):
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    play = run_play([info_task(ignore_errors=True)], emulator=emulator,
                    extra_args=["-e", "ansible_python_interpreter=%s" % (bare / "bin" / "python")])
    msg = play["result"]["msg"]
    assert "Failed to import the required Python library (alibabacloud-sas20181203" in msg
    assert emulator.requests() == []


def test_ten_thousand_alerts_take_exactly_one_hundred_calls(tmp_path, run_play):
    emulator = start_emulator(*QUOTA, "--alerts", "10000", "--seed", "11", "--access-key-id", ACCESS_KEY_ID,
                              "--access-key-secret", ACCESS_KEY_SECRET, request_log=tmp_path / "log.jsonl")
    try:
        task = info_task(status="all")
        summary = {"ansible.builtin.set_fact": {"summary": {
            "count": "{{ result.alerts | length }}", "total": "{{ result.total_count }}",
            "unique": "{{ result.alerts | map(attribute='id') | unique | length }}"}}, "register": "facts"}
        started = time.monotonic()
        play = run_play([dict(task, no_log=True), summary], emulator=emulator, dump=["facts"])
        elapsed = time.monotonic() - started
        assert play.rc == 0, play.stdout
        facts = play["facts"]["ansible_facts"]["summary"]
        assert {key: int(value) for key, value in facts.items()} == {"count": 10000, "total": 10000, "unique": 10000}
        assert len(listing_calls(emulator)) == 100
        print("10,000 alerts: %d DescribeSuspEvents calls, %.1f s wall" % (len(listing_calls(emulator)), elapsed))
    finally:
        emulator.stop()


def test_no_credentials_anywhere_fails_in_plain_words(emulator, run_play):
    play = run_play([info_task(ignore_errors=True)], emulator=emulator, defaults={"endpoint": emulator.url})
    result = play["result"]
    assert result["failed"] is True
    assert result["msg"].startswith("No usable Alibaba Cloud credentials for DescribeSuspEvents")
    assert emulator.requests() == []


def test_default_chain_reads_the_current_cli_profile(tmp_path, emulator, run_play):
    aliyun = tmp_path / "home" / ".aliyun"
    aliyun.mkdir(parents=True)
    (aliyun / "config.json").write_text(json.dumps({"current": "ops", "profiles": [
        {"name": "ops", "mode": "AK", "access_key_id": ACCESS_KEY_ID, "access_key_secret": ACCESS_KEY_SECRET}]}))
    play = run_play([info_task()], emulator=emulator, defaults={"endpoint": emulator.url})
    assert play.rc == 0, play.stdout
    assert play["result"]["alerts"]


def test_an_empty_alert_ids_list_selects_no_alert_and_makes_no_call(emulator, run_play):
    # alert_ids: [] is "these alerts: none", not "every alert": the same as a filter that matches nothing.
    tasks = [info_task("empty", alert_ids=[]),
             info_task("detailed", alert_ids=[], status="pending", include_details=True, levels=["serious"])]
    for check in (False, True):
        play = run_play(tasks, emulator=emulator, check=check)
        assert play.rc == 0, play.stdout
        for name in ("empty", "detailed"):
            result = play[name]
            assert result["changed"] is False and not result.get("failed"), result
            assert {key: result[key] for key in ("alerts", "total_count", "missing_ids", "truncated")} == {
                "alerts": [], "total_count": 0, "missing_ids": [], "truncated": False}
    assert emulator.requests() == []

    # No endpoint, region or credentials at all: still fine, since no connection is built.
    bare = run_play([info_task("empty", alert_ids=[])])
    assert bare.rc == 0, bare.stdout
    assert bare["empty"]["alerts"] == [] and bare["empty"]["total_count"] == 0


def test_a_time_with_an_offset_is_sent_as_the_service_s_utc8_wall_time(emulator, run_play):
    # issue 17: time_start/time_end take ISO 8601 with an offset or Z; the service reads UTC+8 wall times
    import datetime

    everything = run_play([info_task(status="all")], emulator=emulator)["result"]["alerts"]
    last_time = sorted(alert["last_time"] for alert in everything)[len(everything) // 2]  # UTC+8, as the service
    wall = datetime.datetime.strptime(last_time, "%Y-%m-%d %H:%M:%S")
    in_utc = (wall - datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    in_new_york = (wall - datetime.timedelta(hours=13)).strftime("%Y-%m-%dT%H:%M:%S-05:00")
    play = run_play([info_task("wall", status="all", time_start=last_time),
                     info_task("utc", status="all", time_start=in_utc),
                     info_task("new_york", status="all", time_start=in_new_york, time_end=in_utc)],
                    emulator=emulator)
    assert play.rc == 0, play.stdout
    ids = {name: [alert["id"] for alert in play[name]["alerts"]] for name in ("wall", "utc", "new_york")}
    assert ids["wall"] == ids["utc"] and 0 < len(ids["wall"]) < len(everything)
    assert {alert["last_time"] for alert in play["new_york"]["alerts"]} == {last_time}
    sent = [call["params"] for call in listing_calls(emulator)][1:]
    assert {params["TimeStart"] for params in sent} == {last_time}
    assert sent[-1]["TimeEnd"] == last_time
