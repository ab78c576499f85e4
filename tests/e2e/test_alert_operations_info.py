"""sas_alert_operations_info end to end: one DescribeSecurityEventOperations per alert, parsed results."""

from __future__ import annotations

from sas_data import Data, calls, module_task


def ops_task(register="result", ignore_errors=False, **options):
    return module_task("sas_alert_operations_info", register, ignore_errors, **options)


def test_operations_per_alert_in_input_order(emulator, run_play):
    data = Data(seed=7, alerts=60)
    logon = data.one(op="block_ip", allowed=True, name="login_unusual_location")
    restricted = data.one(op="block_ip", allowed=False)
    malware = data.one(op="kill_and_quara")
    expired = data.one(status=64)
    ids = [logon, 99999999, restricted, malware, expired, logon]
    play = run_play([ops_task(alert_ids=ids, concurrency=3)], emulator=emulator, check=True)
    assert play.rc == 0, play.stdout
    result = play["result"]
    assert result["changed"] is False
    alerts = result["alerts"]
    assert [alert["id"] for alert in alerts] == [logon, 99999999, restricted, malware, expired]
    assert [alert["found"] for alert in alerts] == [True, False, True, True, True]
    assert alerts[1]["operations"] == [] and alerts[4]["operations"] == []  # unknown, expired

    codes = {op["operation_code"]: op for op in alerts[0]["operations"]}
    assert list(codes) == ["block_ip", "advance_mark_mis_info", "ignore", "manual_handled"]
    assert isinstance(codes["block_ip"]["operation_params"]["expireTime"], int)  # parsed from its JSON string
    assert codes["block_ip"]["user_can_operate"] is True and codes["ignore"]["operation_params"] == {}
    whitelist = codes["advance_mark_mis_info"]
    assert {field["filed_name"] for field in whitelist["mark_fields_source"]} == {"loginSourceIp", "loginUser"}
    assert "inIpSegment" in next(field["supported_mis_type"] for field in whitelist["mark_fields_source"]
                                 if field["filed_name"] == "loginSourceIp")
    assert any(rule["uuid"] == "ALL" and rule["filed_name"] == "loginUser" for rule in whitelist["mark_field"])
    assert codes["ignore"]["mark_field"] == [] and codes["ignore"]["mark_fields_source"] == []

    assert next(op for op in alerts[2]["operations"] if op["operation_code"] == "block_ip")["user_can_operate"] is False
    assert next(op for op in alerts[3]["operations"]
                if op["operation_code"] == "kill_and_quara")["operation_params"] == {
        "subOperation": "killAndQuaraFileByMd5andPath"}

    lookups = calls(emulator, "DescribeSecurityEventOperations")
    assert sorted(int(call["params"]["SecurityEventId"]) for call in lookups) == sorted(set(ids))
    assert {call["params"]["Lang"] for call in lookups} == {"en"}
    assert [call["error_code"] for call in lookups].count("SecurityEventNotExists") == 1


def test_throttled_lookups_are_retried(emulator, run_play):
    alert_id = Data(seed=7, alerts=60).one(op="ignore")
    emulator.set_faults([{"action": "DescribeSecurityEventOperations", "fault": "throttle", "times": 2}])
    play = run_play([ops_task(alert_ids=[alert_id], lang="zh")], emulator=emulator)
    assert play.rc == 0, play.stdout
    assert play["result"]["alerts"][0]["operations"]
    assert [call["error_code"] for call in calls(emulator, "DescribeSecurityEventOperations")] == [
        "Throttling.User", "Throttling.User", None]


def test_bad_input_fails_before_any_call(emulator, run_play):
    # The wiring, once: the module fails naming the option, and not one call is made. Every other
    # bad input is checked in process (unit tests of sas_alert_operations_info.main()).
    play = run_play([ops_task(ignore_errors=True, alert_ids=[-1])], emulator=emulator)
    assert play["result"]["failed"] is True
    assert "alert_ids must hold alert ids (integers from 1 to 2^63-1), got -1" in play["result"]["msg"]
    assert emulator.requests() == []


def test_an_empty_alert_ids_list_makes_no_call(emulator, run_play):
    for check in (False, True):
        play = run_play([ops_task("empty", alert_ids=[], lang="zh", concurrency=4)], emulator=emulator, check=check)
        assert play.rc == 0, play.stdout
        result = play["empty"]
        assert result["changed"] is False and result["alerts"] == [] and not result.get("failed"), result
    assert emulator.requests() == []

    bare = run_play([ops_task("empty", alert_ids=[])])  # no endpoint, region or credentials at all
    assert bare.rc == 0, bare.stdout
    assert bare["empty"]["alerts"] == []
