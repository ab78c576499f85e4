"""The readings (sas_emulator/readings.py): one switch per point where the documents, the SDK and the skill
disagree (SAS_API.md section 8). Each value is proven on the wire through the real SDK; then the switches
themselves: CLI, control plane, validation, kept across a reset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from sas_emu_helpers import (
    REPO_ROOT,
    SpyClient,
    client_error,
    find_pending,
    handle,
    list_alerts,
    make_client,
    offered,
    raw_call,
    task_status,
    wait_task,
)

from sas_emulator import catalog
from sas_emulator.chaos import CHAOS_SETTINGS
from sas_emulator.readings import READING_CHOICES, READING_NAMES, Readings
from sas_emulator.server import EmulatorConfig
from sas_emulator.testing import EmulatorError, EmulatorHandle

KILL_AND_QUARA = "killAndQuaraFileByMd5andPath"
DEFAULT_READINGS = Readings().readings()


def usable(emu: EmulatorHandle, client: SpyClient, op: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Pending alerts offering op with UserCanOperate=true, their host's agent put online."""
    found = [a for a in find_pending(client, **kwargs) if offered(client, a["Id"]).get(op, {}).get("UserCanOperate")]
    for alert in found:
        if alert.get("Uuid"):
            emu.set_agent_online(alert["Uuid"], True)
    return found


def by_id(client: SpyClient, alert_id: int, **kwargs: Any) -> list[dict[str, Any]]:
    """DescribeSuspEvents with Id (and the filters given), as the SDK sends it."""
    body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(id=alert_id, **kwargs)).body
    return [e.to_map() for e in body.susp_events]


def status_of(client: SpyClient, alert_id: int) -> int:
    [alert] = by_id(client, alert_id, status="0")
    return alert["EventStatus"]


def status_call(client: SpyClient, **kwargs: Any) -> Any:
    request = sas_models.DescribeSecurityEventOperationStatusRequest(**kwargs)
    return client.describe_security_event_operation_status(request).body.security_event_operation_status_response


@pytest.fixture
def emu(fresh_emulator: EmulatorHandle) -> EmulatorHandle:
    return fresh_emulator


# --- 1. status_call ------------------------------------------------------------------------------

def test_status_call_both_required_refuses_either_one_alone(emu, client) -> None:
    alert = usable(emu, client, "ignore")[0]
    task_id = handle(client, "ignore", [alert["Id"]])
    error = client_error(lambda: status_call(client, security_event_ids=[str(alert["Id"])]))
    assert (error.code, error.status_code) == ("MissingParameter", 400) and '"TaskId"' in error.data["Message"]
    error = client_error(lambda: status_call(client, task_id=task_id))
    assert error.code == "MissingParameter" and '"SecurityEventIds"' in error.data["Message"]
    assert wait_task(client, task_id).task_status == "Success"  # both: answered


def test_status_call_either_answers_one_or_the_other(emu, client) -> None:
    emu.configure(status_call="either")
    first, second = usable(emu, client, "ignore")[:2]
    task_a = handle(client, "ignore", [first["Id"]])
    task_b = handle(client, "manual_handled", [second["Id"]])
    wait_task(client, task_a)
    wait_task(client, task_b)
    assert [s.security_event_id for s in status_call(client, task_id=task_a).security_event_operation_statuses] == [
        str(first["Id"])]
    by_ids = status_call(client, security_event_ids=[str(first["Id"]), str(second["Id"])])  # each one's latest task
    assert by_ids.task_status == "Success"
    assert {s.security_event_id: s.error_code for s in by_ids.security_event_operation_statuses} == {
        str(first["Id"]): "ignore.Success", str(second["Id"]): "manual_handled.Success"}
    error = client_error(lambda: status_call(client))
    assert (error.code, error.status_code) == ("IllegalParam", 400)


# --- 2. queue_ms ---------------------------------------------------------------------------------

def test_queue_ms_zero_processes_at_once(emu, client) -> None:
    alert = usable(emu, client, "ignore")[0]
    emu.set_tasks_stuck(True)
    task_id = handle(client, "ignore", [alert["Id"]])
    assert task_status(client, task_id).task_status == "Processing" and status_of(client, alert["Id"]) == 16


def test_queue_ms_keeps_a_task_pending_and_its_alerts_at_1(emu, client) -> None:
    emu.configure(queue_ms=400)
    alert = usable(emu, client, "ignore")[0]
    emu.set_tasks_stuck(True)  # once it runs it stays Processing: no race with --task-delay-ms
    task_id = handle(client, "ignore", [alert["Id"]])
    queued = task_status(client, task_id)
    assert queued.task_status == "Pending"
    # per alert the SDK lists Processing, Success, Failed only: a queued alert reads Processing
    assert [(s.security_event_id, s.status, s.error_code) for s in queued.security_event_operation_statuses] == [
        (str(alert["Id"]), "Processing", None)]
    assert status_of(client, alert["Id"]) == 1
    assert alert["Id"] in {a["Id"] for a in list_alerts(client, dealed="N")}  # still listed as pending
    time.sleep(0.5)
    assert task_status(client, task_id).task_status == "Processing" and status_of(client, alert["Id"]) == 16
    emu.set_tasks_stuck(False, release=True)
    done = wait_task(client, task_id)
    assert done.task_status == "Success" and status_of(client, alert["Id"]) == 2


def test_queue_ms_pending_by_ids_alone(emu, client) -> None:
    emu.configure(queue_ms=5000, status_call="either")
    alert = usable(emu, client, "ignore")[0]
    handle(client, "ignore", [alert["Id"]])
    assert status_call(client, security_event_ids=[str(alert["Id"])]).task_status == "Pending"


# --- 3. bad_id_in_batch ----------------------------------------------------------------------------

def bad_batch(client: SpyClient, emu: EmulatorHandle) -> tuple[int, int, int]:
    """(a good pending alert, an unknown id, an alert that does not offer ignore now)."""
    good = usable(emu, client, "ignore")[0]["Id"]
    expired = list_alerts(client, status="64")[0]["Id"]
    return good, 12345, expired


def test_bad_id_in_batch_refuse_refuses_the_whole_call(emu, client) -> None:
    good, unknown, expired = bad_batch(client, emu)
    error = client_error(lambda: handle(client, "ignore", [good, unknown]))
    assert (error.code, error.status_code) == ("SecurityEventNotExists", 400)
    error = client_error(lambda: handle(client, "ignore", [good, expired]))
    assert (error.code, error.status_code) == ("InvalidParam", 400) and str(expired) in error.data["Message"]
    assert status_of(client, good) == 1  # nothing happened


def test_bad_id_in_batch_drop_leaves_the_bad_ids_out_of_the_task(emu, client) -> None:
    emu.configure(bad_id_in_batch="drop")
    good, unknown, expired = bad_batch(client, emu)
    task_id = handle(client, "ignore", [unknown, good, expired])
    done = wait_task(client, task_id, ids=[unknown, good, expired])
    assert done.task_status == "Success"
    assert [(s.security_event_id, s.error_code) for s in done.security_event_operation_statuses] == [
        (str(good), "ignore.Success")]
    assert status_of(client, good) == 2 and status_of(client, expired) == 64
    # nothing good left: the first refusal stands
    error = client_error(lambda: handle(client, "ignore", [unknown, expired]))
    assert error.code == "SecurityEventNotExists"


# --- 4. alert_type_vocabulary ------------------------------------------------------------------------

@pytest.mark.parametrize("vocabulary", ["zh", "en", "code"])
def test_alert_type_vocabulary_matches_in_one_vocabulary_only(emu, client, vocabulary) -> None:
    emu.configure(alert_type_vocabulary=vocabulary)
    everything = list_alerts(client, lang="en")
    web_shell = catalog.ALERT_TYPES["web_shell"]
    expected = {a["Id"] for a in everything if a["AlarmEventType"] == web_shell.en}
    assert expected
    for other in ("zh", "en", "code"):
        name = catalog.type_name(web_shell, other)
        found = list_alerts(client, parent_event_types=name, lang="en")
        assert {a["Id"] for a in found} == (expected if other == vocabulary else set()), (other, name)
        # the alerts' own type stays by Lang
        assert {a["AlarmEventType"] for a in found} <= {web_shell.en}
    assert list_alerts(client, parent_event_types=catalog.OTHER_TYPE.code) == []  # documented, no such alerts


def test_alert_type_codes_are_unique() -> None:
    codes = [t.code for t in catalog.ALERT_TYPES.values()]
    assert len(set(codes)) == len(codes) and catalog.ALERT_TYPES["web_shell"].code == "WEBSHELL"


# --- 5. id_lookup and the Status filter -------------------------------------------------------------

def test_id_lookup_some_finds_a_handled_alert_only_with_status_0_or_dealed_y(emu, client) -> None:
    handled = list_alerts(client, status="32")[0]["Id"]
    pending = find_pending(client)[0]["Id"]
    assert by_id(client, handled) == []
    assert [a["Id"] for a in by_id(client, handled, status="32")] == [handled]  # a Status is honoured
    assert [a["Id"] for a in by_id(client, handled, status="0")] == [handled]
    assert [a["Id"] for a in by_id(client, handled, dealed="Y")] == [handled]
    assert [a["Id"] for a in by_id(client, pending)] == [pending]


def test_id_lookup_all_finds_any_alert_by_id(emu, client) -> None:
    emu.configure(id_lookup="all")
    handled = list_alerts(client, status="32")[0]["Id"]
    assert [a["Id"] for a in by_id(client, handled)] == [handled]
    assert [a["Id"] for a in by_id(client, handled, status="32")] == [handled]
    assert by_id(client, handled, dealed="N") == []


def test_a_listing_without_dealed_or_status_holds_pending_alerts_only_under_some(emu, client) -> None:
    everything = list_alerts(client, status="0")
    assert {a["EventStatus"] for a in everything} > {1}
    assert [a["Id"] for a in list_alerts(client)] == [a["Id"] for a in everything if a["EventStatus"] == 1]
    emu.configure(id_lookup="all")
    assert list_alerts(client) == everything


def test_status_filter_is_one_code(emu, client) -> None:
    everything = list_alerts(client, status="0")
    for code in (1, 2, 8, 32, 64):
        found = list_alerts(client, status=str(code))
        assert {a["Id"] for a in found} == {a["Id"] for a in everything if a["EventStatus"] == code}, code
    assert len(list_alerts(client, status="0")) == len(everything)
    for bad in ("1,2", "3", "all"):
        error = client_error(lambda bad=bad: list_alerts(client, status=bad))
        assert (error.code, error.status_code) == ("InvalidParameter", 400) and '"Status"' in error.data["Message"]


# --- 6. final_status --------------------------------------------------------------------------------

def block(client: SpyClient, alert_id: int) -> Any:
    return wait_task(client, handle(client, "block_ip", [alert_id], {"expireTime": int(time.time() * 1000) + 3600_000}))


def test_final_status_table(emu, client) -> None:
    logon, other = usable(emu, client, "block_ip")[:2]
    done = block(client, logon["Id"])
    assert (done.task_status, done.security_event_operation_statuses[0].error_code) == ("Success", "block_ip.Success")
    assert status_of(client, logon["Id"]) == 32
    wait_task(client, handle(client, "ignore", [other["Id"]]))
    assert status_of(client, other["Id"]) == 2


def test_final_status_processing_leaves_host_operations_at_16(emu, client) -> None:
    emu.configure(final_status="processing")
    logon, other = usable(emu, client, "block_ip")[:2]
    done = block(client, logon["Id"])
    assert (done.task_status, done.security_event_operation_statuses[0].error_code) == ("Success", "block_ip.Success")
    [after] = by_id(client, logon["Id"], status="0")
    assert (after["EventStatus"], after["OperateErrorCode"]) == (16, "block_ip.Success")
    assert offered(client, logon["Id"]) == {}  # processing: nothing to do
    wait_task(client, handle(client, "ignore", [other["Id"]]))  # not host-side: the table
    assert status_of(client, other["Id"]) == 2


# --- 7. mark_miss_param -----------------------------------------------------------------------------

def alert_with_rules(emu: EmulatorHandle, client: SpyClient) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    for candidate in usable(emu, client, "advance_mark_mis_info"):
        rules = emu.alert(candidate["Id"])["whitelist_rules"]
        if rules:
            return candidate, rules
    raise AssertionError("the dataset has a pending alert with whitelist rules")


def test_mark_miss_param_required(emu, client) -> None:
    alert, rules = alert_with_rules(emu, client)
    error = client_error(lambda: handle(client, "advance_mark_mis_info", [alert["Id"]]))
    assert (error.code, error.status_code) == ("InvalidParam", 400) and '"MarkMissParam"' in error.data["Message"]
    assert emu.alert(alert["Id"])["whitelist_rules"] == rules
    # [] is a list of no rules: refused or taken as "clear the rules", by the reading empty_mark_miss_param
    # (test_offer_readings.py)


def test_mark_miss_param_optional_whitelists_and_keeps_the_rules(emu, client) -> None:
    emu.configure(mark_miss_param="optional")
    alert, rules = alert_with_rules(emu, client)
    done = wait_task(client, handle(client, "advance_mark_mis_info", [alert["Id"]]))
    assert done.task_status == "Success"
    assert done.security_event_operation_statuses[0].error_code == "advance_mark_mis_info.Success"
    assert status_of(client, alert["Id"]) == 8 and emu.alert(alert["Id"])["whitelist_rules"] == rules


# --- 8. kill_and_quara_sub_operations ------------------------------------------------------------------

def suggested(client: SpyClient, alert_id: int) -> str:
    return json.loads(offered(client, alert_id)["kill_and_quara"]["OperationParams"])["subOperation"]


def test_kill_and_quara_two_sub_operations(emu, client) -> None:
    first, second, third = usable(emu, client, "kill_and_quara")[:3]
    emu.patch_alert(first["Id"], process_alive=True)
    assert suggested(client, first["Id"]) == KILL_AND_QUARA
    emu.patch_alert(first["Id"], process_alive=False)
    assert suggested(client, first["Id"]) == KILL_AND_QUARA  # no quarantine-only value in this reading [GUESS]
    for sub in ("quaraFileByMd5andPath", "killAndQuaraFileByPidAndMd5andPath", "killProcessByPidandPathandCmdline"):
        error = client_error(lambda sub=sub: handle(client, "kill_and_quara", [second["Id"]], {"subOperation": sub}))
        assert (error.code, error.status_code) == ("InvalidParam", 400)
        assert f"subOperation {sub!r}" in error.data["Message"]
    for alert, sub in ((second, "killByMd5andPath"), (third, KILL_AND_QUARA)):
        emu.patch_alert(alert["Id"], process_alive=True)
        done = wait_task(client, handle(client, "kill_and_quara", [alert["Id"]], {"subOperation": sub}))
        assert (done.task_status, status_of(client, alert["Id"])) == ("Success", 32)


def test_kill_and_quara_six_sub_operations(emu, client) -> None:
    emu.configure(kill_and_quara_sub_operations="six")
    first, second = usable(emu, client, "kill_and_quara")[:2]
    emu.patch_alert(first["Id"], process_alive=True)
    assert suggested(client, first["Id"]) == KILL_AND_QUARA
    emu.patch_alert(first["Id"], process_alive=False)
    assert suggested(client, first["Id"]) == "quaraFileByMd5andPath"  # the process is gone: quarantine only
    done = wait_task(client, handle(client, "kill_and_quara", [first["Id"]], {"subOperation": "quaraFileByMd5andPath"}))
    assert (done.task_status, status_of(client, first["Id"])) == ("Success", 32)
    emu.patch_alert(second["Id"], process_alive=True)
    done = wait_task(client, handle(client, "kill_and_quara", [second["Id"]],
                                    {"subOperation": "killAndQuaraFileByPidAndMd5andPath"}))
    assert done.task_status == "Success"
    error = client_error(lambda: handle(client, "kill_and_quara", [second["Id"]], {"subOperation": "nuke"}))
    assert error.code == "InvalidParam" and "subOperation 'nuke'" in error.data["Message"]


# --- 9. leniency removed: ids only as SecurityEventIds.N --------------------------------------------------

@pytest.mark.parametrize("action", ["HandleSecurityEvents", "DescribeSecurityEventOperationStatus"])
@pytest.mark.parametrize("form", ["json", "comma", "single"])
def test_ids_only_as_the_sdk_sends_them(emu, client, action, form) -> None:
    first, second = [a["Id"] for a in find_pending(client)[:2]]
    value = {"json": json.dumps([first, second]), "comma": f"{first},{second}", "single": str(first)}[form]
    query = {"SecurityEventIds": value, "TaskId": "1"} if action != "HandleSecurityEvents" else {
        "SecurityEventIds": value, "OperationCode": "ignore", "OperationParams": "{}"}
    status, _headers, body = raw_call(emu, action, query)
    error = json.loads(body)
    assert (status, error["Code"]) == (400, "InvalidParameter") and '"SecurityEventIds"' in error["Message"]
    assert status_of(client, first) == 1


# --- pending_order ---------------------------------------------------------------------------------------

def pending_in_pages(client: SpyClient, page_size: int = 9) -> list[tuple[int, int]]:
    """(LastTimeStamp, Id) of every pending alert, in the order of the pages of DescribeSuspEvents Dealed=N."""
    listed: list[tuple[int, int]] = []
    for page in range(1, 100):
        body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(
            dealed="N", current_page=str(page), page_size=str(page_size))).body
        listed += [(e.last_time_stamp, e.id) for e in body.susp_events]
        if page * page_size >= body.total_count:
            return listed
    raise AssertionError("more than 99 pages")


SORTED_ORDERS = {
    "newest": lambda listed: sorted(listed, reverse=True),
    "oldest": sorted,
    "id": lambda listed: sorted(listed, key=lambda stamped: stamped[1]),
}


@pytest.mark.parametrize("order", READING_CHOICES["pending_order"])
def test_pending_order_orders_the_pending_listing(emu, client, order) -> None:
    assert emu.configure(pending_order=order)["pending_order"] == order
    listed = pending_in_pages(client)
    assert len(set(listed)) == len(listed) == len(find_pending(client)) > 9  # pages neither overlap nor skip
    assert pending_in_pages(client, page_size=13) == listed  # it holds while the alerts do
    orders = {name: arrange(listed) for name, arrange in SORTED_ORDERS.items()}
    assert [name for name, ordered in orders.items() if ordered == listed] == ([order] if order in orders else [])
    [added] = emu.add_alerts(1)
    after = [alert_id for _stamp, alert_id in pending_in_pages(client)]
    others = [alert_id for alert_id in after if alert_id != added]
    if order == "shuffled":  # drawn again: the alerts that were listed are in another order
        assert others != [alert_id for _stamp, alert_id in listed]
    else:  # newest first, the new alert lists first; oldest first or by id, last
        assert after.index(added) == (0 if order == "newest" else len(after) - 1)


def test_pending_order_leaves_the_handled_listing_to_sort_column(emu, client) -> None:
    def handled() -> list[int]:
        return [e["Id"] for e in list_alerts(client, dealed="Y")]

    by_sort_column = handled()
    for order in READING_CHOICES["pending_order"]:
        emu.configure(pending_order=order)
        assert handled() == by_sort_column, order


# --- the switches themselves ------------------------------------------------------------------------------

def test_config_reports_the_readings_and_a_reset_keeps_them(emu) -> None:
    config = emu.config()
    assert {k: config[k] for k in READING_NAMES} == DEFAULT_READINGS == {
        "status_call": "both_required", "queue_ms": 0, "bad_id_in_batch": "refuse", "alert_type_vocabulary": "zh",
        "id_lookup": "some", "final_status": "table", "mark_miss_param": "required",
        "kill_and_quara_sub_operations": "two", "throttle_code": "Throttling.User", "server_error_status": "503",
        "pending_order": "oldest", "suggested_sub_operation": "yes", "empty_mark_miss_param": "refused",
        "note_refusal": "in_body", "member_alert_by_id": "refused", "similar_empty_reads": 1}
    answer = emu.configure(status_call="either", queue_ms=25, final_status="processing")
    assert (answer["status_call"], answer["queue_ms"], answer["final_status"]) == ("either", 25, "processing")
    emu.reset()
    config = emu.config()
    assert (config["status_call"], config["queue_ms"], config["final_status"]) == ("either", 25, "processing")
    assert set(config) == {"latency_ms", "task_delay_ms", "qps", *CHAOS_SETTINGS, "new_alerts_per_minute",
                           *READING_NAMES}


@pytest.mark.parametrize("settings, named", [
    ({"status_call": "sometimes"}, "'sometimes'"),
    ({"id_lookup": "none"}, "id_lookup"),
    ({"queue_ms": -1}, "queue_ms"),
    ({"queue_ms": "5"}, "queue_ms"),
    ({"queue_ms": True}, "queue_ms"),
    ({"alert_type_vocabulary": "fr"}, "alert_type_vocabulary"),
    ({"strictness": "max"}, "'strictness'"),
    ({"bad_id_in_batch": "drop", "final_status": "sometimes"}, "final_status"),  # all or nothing
])
def test_config_refuses_an_unknown_reading_or_value(emu, settings, named) -> None:
    with pytest.raises(EmulatorError, match="400") as caught:
        emu.configure(**settings)
    assert named in str(caught.value)
    assert {k: emu.config()[k] for k in READING_NAMES} == DEFAULT_READINGS  # nothing changed


def test_readings_on_the_command_line(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "5", "--reading", "status_call=either", "--reading", "queue_ms=30",
                       "--reading", "kill_and_quara_sub_operations=six")
    config = emu.config()
    assert (config["status_call"], config["queue_ms"], config["kill_and_quara_sub_operations"]) == ("either", 30, "six")
    assert config["id_lookup"] == "some"  # the others keep their defaults
    client = make_client(emu)
    alert = find_pending(client)[0]
    task_id = handle(client, "ignore", [alert["Id"]])
    assert status_call(client, task_id=task_id).task_status in ("Pending", "Processing")  # either: TaskId alone


@pytest.mark.parametrize("argument, message", [
    ("status_call", "is not NAME=VALUE"),
    ("status_call=sometimes", "status_call: unknown value 'sometimes'"),
    ("queue_ms=soon", "queue_ms"),
    ("strictness=max", "unknown reading 'strictness'"),
])
def test_bad_readings_on_the_command_line_exit_2(argument, message) -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(REPO_ROOT)
    result = subprocess.run([sys.executable, "-m", "sas_emulator", "--port", "0", "--reading", argument],
                            capture_output=True, text=True, timeout=30, env=env, check=False)
    assert result.returncode == 2 and message in result.stderr


def test_emulator_config_checks_readings_in_process() -> None:
    assert EmulatorConfig(status_call="either").status_call == "either"
    with pytest.raises(ValueError, match="status_call"):
        EmulatorConfig(status_call="sometimes")
    with pytest.raises(ValueError, match="queue_ms"):
        EmulatorConfig(queue_ms=-5)
