# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A member account's alerts through its administrator (issue 20), against the emulator with members: every call that
takes ResourceDirectoryAccountId carries the member's, and under each reading of member_alert_by_id (whether the two
APIs without the parameter find a member's alert or task by its id) every alert ends with what happened to it."""

from __future__ import annotations

import contextlib
import json

import pytest
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET, IGNORED, PENDING, connect_to, emulated_sas
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils import service_calls
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import FAILED, HANDLED
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import Handler, HandleRequest
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import lookup_operations
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import STATUS_FILTERS
from ansible_collections.alibabacloud.sas.plugins.modules import (
    sas_alert_handle,
    sas_alert_operations_info,
    sas_alert_task_info,
)
from sas_emulator import dataset as emulator_dataset

ACCOUNT_PARAMETER = "ResourceDirectoryAccountId"
TAKE_IT = {service_calls.DESCRIBE_SUSP_EVENTS, service_calls.DESCRIBE_SUSP_EVENT_DETAIL,
           service_calls.HANDLE_SECURITY_EVENTS, service_calls.CREATE_SUSP_EVENT_NOTE}


@contextlib.contextmanager
def organisation(reading):
    """The emulator with two member accounts, and a connection about the first; yields (sas, connection, member,
    the member's pending alert ids)."""
    data = emulator_dataset.generate(seed=7, alerts=10, members=2, member_alerts=6)
    member = data["members"][0]
    with emulated_sas(dataset=data, member_alert_by_id=reading) as sas:
        connection = connect_to(sas.url)
        connection.resource_directory_account_id = member["ali_uid"]
        yield sas, connection, member["ali_uid"], sorted(alert["id"] for alert in member["alerts"])


@pytest.fixture(params=["found", "refused"])
def reading(request, no_proxy):
    return request.param


def handle(connection, alert_ids, **request):
    """sas_alert_handle's run (ignore, a note for each alert handled) through connection; returns the report."""
    clock = [1000.0]

    def sleep(seconds):
        clock[0] += seconds

    return Handler(connection, HandleRequest(operation="ignore", alert_ids=alert_ids, operation_params={},
                                             poll_interval=0.2, wait_timeout=30.0, note="triaged", **request),
                   clock=lambda: clock[0], sleep=sleep).run(False)


def account_sent(sas):
    """action -> the set of ResourceDirectoryAccountId values its logged calls carried (None: left out)."""
    sent = {}
    for record in sas.requests():
        value = record["params"].get(ACCOUNT_PARAMETER)
        sent.setdefault(record["action"], set()).add(None if value is None else int(value))
    return sent


def test_every_call_that_takes_the_member_account_carries_it_and_the_others_do_not(no_proxy):
    with organisation("found") as (sas, connection, member, alert_ids):
        report = handle(connection, alert_ids[:2])
        service_calls.susp_event_detail(connection, alert_ids[2])
        assert [result["outcome"] for result in report.results] == [HANDLED, HANDLED]
        assert all(result["note"] == "added" for result in report.results)
        sent = account_sent(sas)
    assert set(sent) == TAKE_IT | {service_calls.DESCRIBE_SECURITY_EVENT_OPERATIONS,
                                   service_calls.DESCRIBE_SECURITY_EVENT_OPERATION_STATUS}
    assert sent == {action: {member} if action in TAKE_IT else {None} for action in sent}


def test_a_member_s_alerts_are_invisible_without_the_account(no_proxy):
    with organisation("found") as (sas, connection, member, alert_ids):
        own = connect_to(sas.url)
        listed = service_calls.susp_events_page(connection, 1, 100, STATUS_FILTERS["pending"])[0]
        own_listed = service_calls.susp_events_page(own, 1, 100, STATUS_FILTERS["pending"])[0]
    assert sorted(alert.id for alert in listed) == alert_ids
    assert not {alert.id for alert in own_listed} & set(alert_ids)


def test_under_found_a_member_s_alerts_are_handled_as_the_administrator_s_own(no_proxy):
    with organisation("found") as (sas, connection, member, alert_ids):
        report = handle(connection, alert_ids)
        writes = sas.writes()
    assert {result["outcome"] for result in report.results} == {HANDLED}
    assert all(result["reason"] is None for result in report.results)
    assert writes and {int(write["params"][ACCOUNT_PARAMETER]) for write in writes} == {member}


def test_under_refused_nothing_is_sent_for_a_member_s_alert_and_each_says_why(no_proxy):
    with organisation("refused") as (sas, connection, member, alert_ids):
        report = handle(connection, alert_ids)
        actions = sas.actions()
        statuses = {alert_id: sas.status(alert_id) for alert_id in alert_ids}
    assert "HandleSecurityEvents" not in actions and "CreateSuspEventNote" not in actions
    assert statuses == dict.fromkeys(alert_ids, PENDING)
    for result in report.results:
        assert (result["outcome"], result["task_id"], result["note"]) == (FAILED, None, "skipped")
        assert result["reason"].startswith("not sent: DescribeSecurityEventOperations takes no "
                                           "ResourceDirectoryAccountId, so it may not look in member account %d, "
                                           "and it does not find this alert by its id" % member)
    assert report.summary[FAILED] == len(alert_ids)


def test_a_task_whose_status_read_is_refused_is_settled_from_its_alerts(no_proxy):
    """The operations found the alerts, then the task's status read is refused: the alerts' own status says how
    they ended (the task ran), read through DescribeSuspEvents with the member account."""
    with organisation("found") as (sas, connection, member, alert_ids):
        sas.on_request("HandleSecurityEvents", lambda params: setattr(sas.backend.readings, "member_alert_by_id",
                                                                      "refused"))
        report = handle(connection, alert_ids[:3])
        refused = [call for call in sas.calls("DescribeSecurityEventOperationStatus") if call["error_code"]]
        statuses = {alert_id: sas.status(alert_id) for alert_id in alert_ids[:3]}
    assert len(refused) == 1  # refused for good: never asked again
    assert [(result["outcome"], result["status_after"]) for result in report.results] == [(HANDLED, "ignored")] * 3
    assert set(statuses.values()) == {IGNORED}
    task_id = report.results[0]["task_id"]
    assert {result["reason"] for result in report.results} == {
        "task %d could not be read (OperationTaskNotExists; DescribeSecurityEventOperationStatus takes no "
        "ResourceDirectoryAccountId, so it may not look in member account %d): the result was read from the alert "
        "(DescribeSuspEvents)" % (task_id, member)}


def test_the_operations_of_a_member_s_alert_not_found_say_why(reading):
    with organisation(reading) as (sas, connection, member, alert_ids):
        found = lookup_operations(connection, alert_ids[:2], 2)
    assert all((found[alert_id] is None) == (reading == "refused") for alert_id in alert_ids[:2])
    assert connection.member_unseen_by(service_calls.DESCRIBE_SECURITY_EVENT_OPERATIONS) == (
        "DescribeSecurityEventOperations takes no ResourceDirectoryAccountId, so it may not look in member account %d"
        % member)
    assert connection.member_unseen_by(service_calls.DESCRIBE_SUSP_EVENTS) is None


def test_sas_alert_operations_info_says_per_alert_why_a_member_s_alert_was_not_found(module_env, reading):
    with organisation(reading) as (sas, connection, member, alert_ids):
        options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                   "resource_directory_account_id": member, "alert_ids": alert_ids[:2]}
        result = run_module(sas_alert_operations_info, options, connect=connect)
    assert result["failed"] is False
    refused = reading == "refused"
    assert [(alert["id"], alert["found"], bool(alert["operations"])) for alert in result["alerts"]] == [
        (alert_id, not refused, not refused) for alert_id in alert_ids[:2]]
    reason = ("DescribeSecurityEventOperations takes no ResourceDirectoryAccountId, so it may not look in member "
              "account %d" % member)
    assert [alert["reason"] for alert in result["alerts"]] == [reason if refused else None] * 2


def test_every_audit_line_of_a_member_s_run_names_the_member(module_env, no_proxy, tmp_path):
    """One trail may hold many accounts' writes: sas_alert_handle puts the member account on each line (and an
    audit_context cannot take the key)."""
    trail = tmp_path / "audit.jsonl"
    with organisation("found") as (sas, connection, member, alert_ids):
        options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                   "resource_directory_account_id": member, "alert_ids": alert_ids[:2], "operation": "ignore",
                   "note": "triaged", "poll_interval": 0.1, "audit_log": str(trail),
                   "audit_context": {"account": "prod"}}
        result = run_module(sas_alert_handle, options, connect=connect)
        spoofed = run_module(sas_alert_handle, dict(options, audit_context={"resource_directory_account_id": 1}),
                             connect=connect)
    assert result["failed"] is False, result
    lines = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]
    assert {line["event"] for line in lines} == {"handle_request", "handle_response", "note_request",
                                                 "note_response"}
    assert {(line["resource_directory_account_id"], line["account"]) for line in lines} == {(member, "prod")}
    assert spoofed["failed"] is True and "resource_directory_account_id" in spoofed["msg"]


def test_the_administrator_s_own_audit_lines_name_no_member(module_env, no_proxy, tmp_path):
    trail = tmp_path / "audit.jsonl"
    with emulated_sas(alerts=10, seed=7) as sas:
        options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                   "alert_ids": sas.pick(1), "operation": "ignore", "poll_interval": 0.1, "audit_log": str(trail)}
        assert run_module(sas_alert_handle, options, connect=connect)["failed"] is False
    assert all("resource_directory_account_id" not in json.loads(line)
               for line in trail.read_text(encoding="utf-8").splitlines())


def test_sas_alert_task_info_on_a_member_s_task_it_may_not_read_says_what_to_read_instead(module_env, no_proxy):
    with organisation("found") as (sas, connection, member, alert_ids):
        task_id = handle(connection, alert_ids[:2]).task_ids[0]
        sas.backend.readings.member_alert_by_id = "refused"  # the same task, read under the other reading
        options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
                   "resource_directory_account_id": member, "task_id": task_id, "alert_ids": alert_ids[:2]}
        result = run_module(sas_alert_task_info, options, connect=connect)
    assert result["failed"] is True, result
    assert result["msg"].endswith(
        "(DescribeSecurityEventOperationStatus takes no ResourceDirectoryAccountId, so it may not look in member "
        "account %d): read the alerts' statuses with alibabacloud.sas.sas_alert_info and its alert_ids instead"
        % member), result["msg"]
