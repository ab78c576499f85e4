"""The five actions through the real SDK: listing, filters, paging, details, operations, handling."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest
from alibabacloud_sas20181203 import models as sas_models
from sas_emu_helpers import (
    SpyClient,
    client_error,
    find_pending,
    handle,
    list_alerts,
    make_client,
    offered,
    task_status,
    wait_task,
    zh_type,
)

from sas_emulator import catalog

ZH_TYPES = {t.zh for t in catalog.ALERT_TYPES.values()}
EN_TYPES = {t.en for t in catalog.ALERT_TYPES.values()}


def usable(client: SpyClient, op: str, **kwargs) -> list[dict]:
    """Pending alerts that offer ``op`` with UserCanOperate=true."""
    return [a for a in find_pending(client, **kwargs)
            if offered(client, a["Id"]).get(op, {}).get("UserCanOperate")]


def on_online_host(emulator, alert: dict) -> dict:
    emulator.set_agent_online(alert["Uuid"], True)
    return alert


# --- DescribeSuspEvents -----------------------------------------------------------------------

def test_list_defaults(client: SpyClient) -> None:
    body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest()).body
    # neither Dealed nor Status: the pending alerts only, under the strictest reading of id_lookup
    assert (body.current_page, body.page_size, body.total_count) == (1, 20, len(list_alerts(client, dealed="N")))
    body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(status="0")).body
    assert (body.current_page, body.page_size, body.total_count) == (1, 20, 60)
    assert body.count == len(body.susp_events) == 20
    # Lang defaults to zh, like the service
    assert {e.alarm_event_type_display for e in body.susp_events} <= ZH_TYPES


def test_paging_is_complete_and_stable(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "250", "--seed", "3", "--reading", "pending_order=newest")
    client = make_client(emu)
    seen: list[int] = []
    for page, expected in ((1, 100), (2, 100), (3, 50)):
        body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(
            current_page=str(page), page_size="100", status="0")).body
        assert (body.total_count, body.current_page, body.page_size, body.count) == (250, page, 100, expected)
        seen += [e.id for e in body.susp_events]
    assert len(seen) == len(set(seen)) == 250
    stamps = [(e["LastTimeStamp"], e["Id"]) for e in list_alerts(client, status="0")]
    assert stamps == sorted(stamps, reverse=True)  # LastTime desc, then Id desc
    body = client.describe_susp_events(
        sas_models.DescribeSuspEventsRequest(current_page="4", page_size="100", status="0")).body
    assert body.count == 0 and body.susp_events == [] and body.total_count == 250


@pytest.mark.parametrize("page_size", ["101", "0", "ten"])
def test_bad_page_size_is_an_error_not_a_clamp(client: SpyClient, page_size: str) -> None:
    error = client_error(lambda: client.describe_susp_events(sas_models.DescribeSuspEventsRequest(page_size=page_size)))
    assert (error.code, error.status_code) == ("InvalidParameter", 400)
    assert '"PageSize"' in error.data["Message"]


def test_dealed_splits_pending_from_the_rest(client: SpyClient) -> None:
    pending, dealt = list_alerts(client, dealed="N"), list_alerts(client, dealed="Y")
    assert pending and dealt and len(pending) + len(dealt) == 60
    assert {a["EventStatus"] for a in pending} == {1}
    assert 1 not in {a["EventStatus"] for a in dealt} and {2, 32} <= {a["EventStatus"] for a in dealt}


def test_filters(client: SpyClient) -> None:
    everything = list_alerts(client, lang="en")
    some = next(a for a in everything if a.get("InternetIp"))

    levels = list_alerts(client, levels="serious,remind")
    assert levels and {a["Level"] for a in levels} <= {"serious", "remind"}
    assert len(levels) == sum(a["Level"] in ("serious", "remind") for a in everything)

    by_host = list_alerts(client, uuids=some["Uuid"])
    assert by_host and {a["Uuid"] for a in by_host} == {some["Uuid"]}

    assert {a["Id"] for a in list_alerts(client, remark=some["InternetIp"])} >= {some["Id"]}
    assert all(some["InstanceName"] in a["InstanceName"] for a in list_alerts(client, name=some["InstanceName"]))
    assert [a["Id"] for a in list_alerts(client, status="0", id=some["Id"])] == [some["Id"]]
    assert [a["Id"] for a in list_alerts(client, alarm_unique_info=some["AlarmUniqueInfo"])] == [some["Id"]]

    # ParentEventTypes: zh names by default (reading alert_type_vocabulary, tests/emulator/test_readings.py)
    zh_name = zh_type(some["AlarmEventType"])
    same_type = {a["Id"] for a in everything if a["AlarmEventType"] == some["AlarmEventType"]}
    assert same_type == {a["Id"] for a in list_alerts(client, parent_event_types=zh_name)}
    assert some["Id"] in {a["Id"] for a in list_alerts(client, event_names=some["AlarmEventName"])}

    expired = list_alerts(client, status="64")
    assert expired and all(a["EventStatus"] == 64 and a["CanBeDealOnLine"] is False for a in expired)

    tactic = list_alerts(client, tactic_id="TA0001")  # sent in the form body
    assert tactic and all(a["TacticItems"][0]["TacticId"] == "TA0001" for a in tactic)


def test_time_window_filters_last_time(client: SpyClient) -> None:
    everything = list_alerts(client)
    middle = sorted(everything, key=lambda a: a["LastTimeStamp"])[len(everything) // 2]
    moment = datetime.strptime(middle["LastTime"], "%Y-%m-%d %H:%M:%S")
    start = (moment - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    end = moment.strftime("%Y-%m-%d %H:%M:%S")
    window = list_alerts(client, time_start=start, time_end=end)
    assert middle["Id"] in {a["Id"] for a in window}
    assert all(start <= a["LastTime"] <= end for a in window) and len(window) < len(everything)
    error = client_error(lambda: list_alerts(client, time_start="yesterday"))
    assert error.code == "InvalidParameter" and '"TimeStart"' in error.data["Message"]


def test_lang_switches_display_names(client: SpyClient) -> None:
    en = list_alerts(client, lang="en")[0]
    zh = next(a for a in list_alerts(client, lang="zh") if a["Id"] == en["Id"])
    assert en["AlarmEventTypeDisplay"] in EN_TYPES and zh["AlarmEventTypeDisplay"] in ZH_TYPES
    assert en["AlarmEventNameDisplay"] != zh["AlarmEventNameDisplay"]


def test_sorting_when_dealed(client: SpyClient) -> None:
    asc = list_alerts(client, dealed="Y", sort_column="lastTime", sort_type="asc")
    assert [a["LastTimeStamp"] for a in asc] == sorted(a["LastTimeStamp"] for a in asc)
    by_operate = list_alerts(client, dealed="Y")  # default operateTime desc
    times = [a.get("OperateTime", 0) for a in by_operate]
    assert times == sorted(times, reverse=True)


# --- DescribeSuspEventDetail / DescribeSecurityEventOperations -------------------------------------

def test_detail(client: SpyClient) -> None:
    alert = list_alerts(client, lang="en")[0]
    body = client.describe_susp_event_detail(sas_models.DescribeSuspEventDetailRequest(
        suspicious_event_id=alert["Id"], from_="sas", lang="en")).body
    assert body.id == alert["Id"] and body.event_name == alert["AlarmEventNameDisplay"]
    assert body.event_status == str(alert["EventStatus"]) and body.uuid == alert.get("Uuid")
    assert [d.value for d in body.details] == [d["Value"] for d in alert["Details"]]


@pytest.mark.parametrize("request_kwargs, code, parameter", [
    ({"suspicious_event_id": 1}, "MissingParameter", "From"),
    ({"from_": "sas"}, "MissingParameter", "SuspiciousEventId"),
    ({"suspicious_event_id": "abc", "from_": "sas"}, "InvalidParameter", "SuspiciousEventId"),
    ({"suspicious_event_id": 1, "from_": "sas"}, "SecurityEventNotExists", None),
])
def test_detail_errors(client: SpyClient, request_kwargs, code, parameter) -> None:
    error = client_error(lambda: client.describe_susp_event_detail(
        sas_models.DescribeSuspEventDetailRequest(**request_kwargs)))
    assert (error.code, error.status_code) == (code, 400)
    if parameter:
        assert f'"{parameter}"' in error.data["Message"]


def test_operations_follow_the_alert_type(client: SpyClient) -> None:
    logon = find_pending(client, type_en="Unusual logon")[0]
    ops = offered(client, logon["Id"])
    assert {"block_ip", "advance_mark_mis_info", "ignore", "manual_handled"} <= set(ops)
    assert json.loads(ops["block_ip"]["OperationParams"])["expireTime"] > time.time() * 1000
    fields = {f["FiledName"]: f for f in ops["advance_mark_mis_info"]["MarkFieldsSource"]}
    assert "loginSourceIp" in fields and "inIpSegment" in fields["loginSourceIp"]["SupportedMisType"]
    assert fields["loginSourceIp"]["MarkMisValue"] in [d["Value"] for d in logon["Details"]]
    malware = find_pending(client, type_en="Malicious process (cloud scan)")[0]
    assert {"kill_and_quara", "virus_quara", "advance_mark_mis_info"} <= set(offered(client, malware["Id"]))
    for cloud in find_pending(client, type_en="Cloud service threat detection"):
        assert set(offered(client, cloud["Id"])) == {"ignore", "manual_handled"}


def test_operations_errors(client: SpyClient) -> None:
    expired = list_alerts(client, status="64")[0]
    assert offered(client, expired["Id"]) == {}  # doc: empty list for expired alerts
    error = client_error(lambda: offered(client, 12345))
    assert (error.code, error.status_code, error.data["Message"]) == (
        "SecurityEventNotExists", 400, "Security event not exists.")
    error = client_error(lambda: client.describe_security_event_operations(
        sas_models.DescribeSecurityEventOperationsRequest()))
    assert error.code == "MissingParameter" and '"SecurityEventId"' in error.data["Message"]


# --- HandleSecurityEvents / DescribeSecurityEventOperationStatus ------------------------------------

def test_handle_is_asynchronous(client: SpyClient) -> None:
    alert = usable(client, "ignore")[0]
    task_id = handle(client, "ignore", [alert["Id"]], remark="triaged by test")
    [now] = list_alerts(client, status="0", id=alert["Id"])
    assert now["EventStatus"] == 16  # processing
    assert alert["Id"] not in {a["Id"] for a in list_alerts(client, dealed="N")}
    status = task_status(client, task_id)
    assert status.task_status == "Processing"
    assert [(s.security_event_id, s.status) for s in status.security_event_operation_statuses] == [
        (str(alert["Id"]), "Processing")]
    done = wait_task(client, task_id)
    assert done.task_status == "Success"
    assert [(s.status, s.error_code) for s in done.security_event_operation_statuses] == [("Success", "ignore.Success")]
    [after] = list_alerts(client, status="0", id=alert["Id"])
    assert after["EventStatus"] == 2 and after["OperateErrorCode"] == "ignore.Success"
    assert after["OperateMsg"] == "triaged by test" and after["OperateTime"] >= now["LastTimeStamp"]
    assert offered(client, alert["Id"]) == {}


@pytest.mark.parametrize("operation, params, final", [
    ("manual_handled", {}, 32),
    ("block_ip", None, 32),
    ("kill_and_quara", {"subOperation": "killAndQuaraFileByMd5andPath"}, 32),
    ("quara", {}, 32),
    ("kill_process", {}, 32),
])
def test_final_status_per_operation(fresh_emulator, client: SpyClient, operation, params, final) -> None:
    alert = on_online_host(fresh_emulator, usable(client, operation)[0])
    fresh_emulator.patch_alert(alert["Id"], process_alive=True)
    if params is None:
        params = {"expireTime": int(time.time() * 1000) + 3600_000}
    done = wait_task(client, handle(client, operation, [alert["Id"]], params))
    assert done.task_status == "Success"
    assert done.security_event_operation_statuses[0].error_code == f"{operation}.Success"
    assert list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == final


def test_offline_agent_fails_and_returns_to_pending(fresh_emulator, client: SpyClient) -> None:
    alert = usable(client, "block_ip")[0]
    fresh_emulator.set_agent_online(alert["Uuid"], False)
    expire = int(time.time() * 1000) + 7 * 86400_000
    done = wait_task(client, handle(client, "block_ip", [alert["Id"]], {"expireTime": expire}))
    assert done.task_status == "Failure"
    [event] = done.security_event_operation_statuses
    assert (event.status, event.error_code) == ("Failed", "block_ip.AgentOffline")
    [after] = list_alerts(client, status="0", id=alert["Id"])
    assert after["EventStatus"] == 1 and after["OperateErrorCode"] == "block_ip.AgentOffline"
    assert alert["Id"] in {a["Id"] for a in list_alerts(client, dealed="N")}
    # whitelisting is server side: no agent needed
    assert wait_task(client, handle(client, "ignore", [alert["Id"]])).task_status == "Success"


def test_gone_process_then_quarantine_the_file(fresh_emulator, client: SpyClient) -> None:
    alert = on_online_host(fresh_emulator, usable(client, "kill_and_quara")[0])
    fresh_emulator.patch_alert(alert["Id"], process_alive=False)
    done = wait_task(client, handle(client, "kill_and_quara", [alert["Id"]],
                                    {"subOperation": "killAndQuaraFileByMd5andPath"}))
    assert done.security_event_operation_statuses[0].error_code == "kill_and_quara.ProcessNotExist"
    assert list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == 1
    done = wait_task(client, handle(client, "virus_quara_bin", [alert["Id"]],
                                    {"subOperation": "quaraFileByMd5andPath"}))
    assert done.task_status == "Success" and list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == 32


def test_partial_failure_is_task_failure(fresh_emulator, client: SpyClient) -> None:
    candidates = usable(client, "block_ip")
    first = candidates[0]
    second = next(a for a in candidates if a["Uuid"] != first["Uuid"])
    fresh_emulator.set_agent_online(first["Uuid"], True)
    fresh_emulator.set_agent_online(second["Uuid"], False)
    expire = int(time.time() * 1000) + 3600_000
    done = wait_task(client, handle(client, "block_ip", [first["Id"], second["Id"]], {"expireTime": expire}))
    assert done.task_status == "Failure"
    assert {s.security_event_id: s.status for s in done.security_event_operation_statuses} == {
        str(first["Id"]): "Success", str(second["Id"]): "Failed"}


def test_at_most_twenty_ids(client: SpyClient, fresh_emulator) -> None:
    pending = [a["Id"] for a in usable(client, "ignore")]
    assert len(pending) >= 21
    error = client_error(lambda: handle(client, "ignore", pending[:21]))
    assert error.code == "InvalidParameter" and '"SecurityEventIds"' in error.data["Message"]
    assert all(a["EventStatus"] == 1 for a in list_alerts(client, dealed="N") if a["Id"] in pending[:21])
    done = wait_task(client, handle(client, "ignore", pending[:20]))
    assert done.task_status == "Success" and len(done.security_event_operation_statuses) == 20


@pytest.mark.parametrize("kwargs, code, parameter", [
    ({"operation_code": None}, "MissingParameter", "OperationCode"),
    ({"ids": []}, "MissingParameter", "SecurityEventIds"),
    # what the strings hold is the service's business: InvalidParam, not the gateway's InvalidParameter
    ({"ids": ["x1"]}, "InvalidParam", "SecurityEventIds.1"),
    ({"operation_code": "deal_susp_event"}, "InvalidParam", "OperationCode"),
    ({"operation_params": "{not json"}, "InvalidParam", "OperationParams"),
    ({"ids": [1]}, "SecurityEventNotExists", None),
])
def test_handle_request_errors(client: SpyClient, kwargs, code, parameter) -> None:
    alert = usable(client, "ignore")[0]
    request = sas_models.HandleSecurityEventsRequest(
        operation_code=kwargs.get("operation_code", "ignore"),
        security_event_ids=[str(i) for i in kwargs.get("ids", [alert["Id"]])],
        operation_params=kwargs.get("operation_params", "{}"))
    error = client_error(lambda: client.handle_security_events(request))
    assert (error.code, error.status_code) == (code, 400)
    if parameter:
        assert f'"{parameter}"' in error.data["Message"]
    assert list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == 1  # nothing happened


def test_operation_params_are_checked(fresh_emulator, client: SpyClient) -> None:
    logon = usable(client, "block_ip")[0]
    error = client_error(lambda: client.handle_security_events(sas_models.HandleSecurityEventsRequest(
        operation_code="block_ip", security_event_ids=[str(logon["Id"])])))
    assert error.code == "InvalidParam" and '"OperationParams"' in error.data["Message"]
    past = int(time.time() * 1000) - 1000
    error = client_error(lambda: handle(client, "block_ip", [logon["Id"]], {"expireTime": past}))
    assert error.code == "InvalidParam" and "future" in error.data["Message"]
    malware = usable(client, "kill_and_quara")[0]
    error = client_error(lambda: handle(client, "kill_and_quara", [malware["Id"]], {"subOperation": "nuke"}))
    assert (error.code, error.status_code) == ("InvalidParam", 400) and "subOperation 'nuke'" in error.data["Message"]


def test_operation_not_offered_and_edition_limits(fresh_emulator, client: SpyClient) -> None:
    webshell = find_pending(client, type_en="Web shell")[0]
    error = client_error(lambda: handle(client, "block_ip", [webshell["Id"]],
                                        {"expireTime": int(time.time() * 1000) + 60_000}))
    assert (error.code, error.status_code) == ("InvalidParam", 400)
    fresh_emulator.patch_alert(webshell["Id"], restricted_ops=["quara"])
    assert offered(client, webshell["Id"])["quara"]["UserCanOperate"] is False
    error = client_error(lambda: handle(client, "quara", [webshell["Id"]]))
    # 400: the error table of HandleSecurityEvents (SAS_API.md section 8, row 10)
    assert (error.code, error.status_code, error.data["Message"].split(" ", 4)[:4]) == (
        "NoPermission", 400, ["caller", "has", "no", "permission"])


def test_whitelist_rules_are_replaced_not_merged(fresh_emulator, client: SpyClient) -> None:
    alert, existing = None, []
    for candidate in usable(client, "advance_mark_mis_info"):
        existing = offered(client, candidate["Id"])["advance_mark_mis_info"]["MarkField"]
        if existing:
            alert = candidate
            break
    assert alert is not None, "the dataset has a pending alert with whitelist rules"
    source = offered(client, alert["Id"])["advance_mark_mis_info"]["MarkFieldsSource"][0]
    new_rule = {"uuid": "part", "field": source["FiledName"], "operate": "strEqual",
                "fieldValue": source["MarkMisValue"]}
    task = handle(client, "advance_mark_mis_info", [alert["Id"]], mark_miss_param=json.dumps([new_rule]),
                  mark_batch="false")
    assert wait_task(client, task).task_status == "Success"
    [after] = list_alerts(client, status="0", id=alert["Id"])
    assert after["EventStatus"] == 8 and after["CanCancelFault"] is True
    # the old rules are gone: the service replaces the list (SAS_API.md §3.4)
    rules = fresh_emulator.alert(alert["Id"])["whitelist_rules"]
    assert [(r["field"], r["operate"], r["value"], r["uuid"]) for r in rules] == [
        (new_rule["field"], "strEqual", new_rule["fieldValue"], alert["Uuid"])]
    # cancel the false positive, then merge old + new on purpose
    assert set(offered(client, alert["Id"])) == {"rm_mark_mis_info"}
    assert wait_task(client, handle(client, "rm_mark_mis_info", [alert["Id"]])).task_status == "Success"
    shown = offered(client, alert["Id"])["advance_mark_mis_info"]["MarkField"]
    assert [(m["FiledName"], m["MarkMisValue"], m["Uuid"]) for m in shown] == [
        (new_rule["field"], new_rule["fieldValue"], alert["Uuid"])]
    merged = [{"uuid": m["Uuid"], "field": m["FiledName"], "operate": m["MarkMisType"], "fieldValue": m["MarkMisValue"]}
              for m in existing] + [new_rule]
    wait_task(client, handle(client, "advance_mark_mis_info", [alert["Id"]], mark_miss_param=json.dumps(merged)))
    assert len(fresh_emulator.alert(alert["Id"])["whitelist_rules"]) == len(existing) + 1


@pytest.mark.parametrize("mark_miss_param, needle", [
    (None, "InvalidParam"),  # reading mark_miss_param=required (tests/emulator/test_readings.py)
    ("[{", "Not valid JSON"),
    ('[{"uuid": "part", "field": "nope", "operate": "strEqual", "fieldValue": "x"}]', "cannot be used"),
    ('[{"uuid": "part", "field": "FIELD", "operate": "approximately", "fieldValue": "x"}]', "not supported"),
    ('[{"uuid": "elsewhere", "field": "FIELD", "operate": "strEqual", "fieldValue": "x"}]', "uuid"),
    ('{"uuid": "part", "field": "FIELD", "operate": "strEqual"}', "non-empty string \"fieldValue\""),
])
def test_whitelist_rule_validation(client: SpyClient, mark_miss_param, needle) -> None:
    alert = usable(client, "advance_mark_mis_info")[0]
    field = offered(client, alert["Id"])["advance_mark_mis_info"]["MarkFieldsSource"][0]["FiledName"]
    kwargs = {"mark_miss_param": mark_miss_param.replace("FIELD", field)} if mark_miss_param else {}
    error = client_error(lambda: handle(client, "advance_mark_mis_info", [alert["Id"]], **kwargs))
    assert needle in f"{error.code} {error.data['Message']}" and '"MarkMissParam"' in error.data["Message"]
    assert (error.code, error.status_code) == ("InvalidParam", 400)


def test_manual_handled_can_be_cancelled(client: SpyClient) -> None:
    alert = usable(client, "manual_handled")[0]
    wait_task(client, handle(client, "manual_handled", [alert["Id"]]))
    assert list(offered(client, alert["Id"])) == ["cancle_manual"]  # sic
    wait_task(client, handle(client, "cancle_manual", [alert["Id"]]))
    assert list_alerts(client, status="0", id=alert["Id"])[0]["EventStatus"] == 1


def test_operation_status_lookups(client: SpyClient) -> None:
    """Both TaskId and SecurityEventIds (reading status_call=both_required; the other reading is in
    test_readings.py)."""
    first, second = usable(client, "ignore")[:2]
    task_a = handle(client, "ignore", [first["Id"], second["Id"]])
    wait_task(client, task_a)
    both = task_status(client, task_a, [first["Id"]])
    assert [(s.security_event_id, s.error_code) for s in both.security_event_operation_statuses] == [
        (str(first["Id"]), "ignore.Success")]
    error = client_error(lambda: task_status(client, 1, [first["Id"]]))
    assert (error.code, error.data["Message"]) == (
        "OperationTaskNotExists", "The specified operation task does not exist")
    error = client_error(lambda: client.describe_security_event_operation_status(
        sas_models.DescribeSecurityEventOperationStatusRequest()))
    assert (error.code, error.status_code) == ("MissingParameter", 400) and '"TaskId"' in error.data["Message"]
