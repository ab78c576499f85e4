"""What an alert offers and takes (issue 17), on the wire through the real SDK: the readings
suggested_sub_operation (does DescribeSecurityEventOperations suggest a subOperation?) and empty_mark_miss_param
(MarkMissParam "[]": refused, or the alert's rules cleared), each value; and an alert whose CanBeDealOnLine is
false, which offers nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException
from sas_emu_helpers import SpyClient, find_pending, handle, list_alerts, offered, wait_task

from sas_emulator.constants import SUB_OPERATIONS
from sas_emulator.testing import EmulatorHandle


def refusal(call) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def listed(client: SpyClient, alert_id: int) -> dict[str, Any]:
    body = client.describe_susp_events(sas_models.DescribeSuspEventsRequest(id=alert_id, status="0")).body
    [alert] = [entry.to_map() for entry in body.susp_events]
    return alert


def offering(client: SpyClient, *codes: str) -> dict[str, Any]:
    """A pending alert that offers every one of codes."""
    return next(alert for alert in find_pending(client) if set(codes) <= set(offered(client, alert["Id"])))


# --- suggested_sub_operation ---------------------------------------------------------------------------

@pytest.mark.parametrize("reading", ["yes", "no"])
def test_suggested_sub_operation_says_whether_the_operations_suggest_one(fresh_emulator, client, reading) -> None:
    fresh_emulator.configure(suggested_sub_operation=reading)
    for code in SUB_OPERATIONS:
        alert = offering(client, code)
        params = json.loads(offered(client, alert["Id"])[code]["OperationParams"])
        if reading == "yes":
            assert params["subOperation"] in SUB_OPERATIONS[code], code
        else:
            assert params == {}, code
    block = offering(client, "block_ip")  # the other suggestions stay
    assert "expireTime" in json.loads(offered(client, block["Id"])["block_ip"]["OperationParams"])


# --- empty_mark_miss_param -----------------------------------------------------------------------------

def whitelisted_with_rules(emu: EmulatorHandle, client: SpyClient) -> tuple[int, list[dict[str, Any]]]:
    for alert in find_pending(client, with_op="advance_mark_mis_info"):
        rules = emu.alert(alert["Id"])["whitelist_rules"]
        if rules:
            return alert["Id"], rules
    raise AssertionError("the dataset has a pending alert with whitelist rules")


def test_an_empty_mark_miss_param_is_refused(fresh_emulator, client) -> None:
    alert_id, rules = whitelisted_with_rules(fresh_emulator, client)
    error = refusal(lambda: handle(client, "advance_mark_mis_info", [alert_id], mark_miss_param="[]"))
    assert (error.code, error.status_code) == ("InvalidParam", 400) and "MarkMissParam" in error.data["Message"]
    assert fresh_emulator.alert(alert_id)["whitelist_rules"] == rules and listed(client, alert_id)["EventStatus"] == 1


def test_an_empty_mark_miss_param_clears_the_rules(fresh_emulator, client) -> None:
    fresh_emulator.configure(empty_mark_miss_param="clears")
    alert_id, _rules = whitelisted_with_rules(fresh_emulator, client)
    done = wait_task(client, handle(client, "advance_mark_mis_info", [alert_id], mark_miss_param="[]"))
    assert done.task_status == "Success" and listed(client, alert_id)["EventStatus"] == 8
    assert fresh_emulator.alert(alert_id)["whitelist_rules"] == []


# --- CanBeDealOnLine -----------------------------------------------------------------------------------

def test_an_alert_that_cannot_be_dealt_with_online_offers_nothing(fresh_emulator, client) -> None:
    # "an event can be processed only when CanBeDealOnLine is true" [DOC]; expired alerts list it false
    expired = list_alerts(client, status="64")[0]
    assert expired["CanBeDealOnLine"] is False and offered(client, expired["Id"]) == {}
    alert = offering(client, "ignore", "block_ip")
    assert alert["CanBeDealOnLine"] is True
    fresh_emulator.patch_alert(alert["Id"], can_be_deal_on_line=False)
    assert listed(client, alert["Id"])["CanBeDealOnLine"] is False and offered(client, alert["Id"]) == {}
    for operation, params in (("ignore", {}), ("block_ip", {"expireTime": 4102444800000})):
        error = refusal(lambda operation=operation, params=params: handle(client, operation, [alert["Id"]], params))
        assert error.code == "InvalidParam", operation  # an operation not offered, as for any alert
    fresh_emulator.patch_alert(alert["Id"], can_be_deal_on_line=True)
    assert "ignore" in offered(client, alert["Id"])
