# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_handle's groups (issue 19): several operations, each for its own alerts, in one run through one
connection - its main() run in process as a play runs it (module_runner)."""

from __future__ import annotations

import json

import pytest
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sent_ids
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_handle

CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}
IGNORE = {"operation": "ignore", "alert_ids": [701]}


@pytest.mark.parametrize("options, expected", [
    pytest.param({"groups": [IGNORE], "alert_ids": [702]}, "parameters are mutually exclusive: groups|alert_ids",
                 id="groups-and-alert_ids"),
    pytest.param({"groups": [IGNORE], "remark": "x"}, "parameters are mutually exclusive: groups|remark",
                 id="groups-and-a-top-level-parameter"),
    pytest.param({}, "one of the following is required: alert_ids, groups", id="neither"),
    pytest.param({"groups": [IGNORE, {"operation": "block_ip", "alert_ids": [702], "block_duration": "7w"}]},
                 "groups[1] (operation=block_ip): block_duration='7w' is not a duration", id="a-group-s-parameter"),
    pytest.param({"groups": [{"operation": "block_ip", "alert_ids": [702], "block_duration": "1d",
                              "expire_time": "2030-01-01"}]},
                 "parameters are mutually exclusive: block_duration|expire_time found in groups",
                 id="exclusive-in-a-group"),
    pytest.param({"groups": [IGNORE, {"operation": "manual_handled", "alert_ids": [703, 701]}]},
                 "alert 701 is in groups[0] (ignore) and groups[1] (manual_handled)", id="an-alert-in-two-groups"),
    pytest.param({"groups": [dict(IGNORE, audit_context={"rules": ["r"]})]},
                 "groups[0] (operation=ignore): audit_context needs audit_log", id="group-context-without-trail"),
    pytest.param({"groups": [dict(IGNORE, audit_context={"time": "x"})], "audit_log": "trail.jsonl"},
                 "groups[0] (operation=ignore): audit_context key 'time' collides", id="group-context-reserved-key"),
    pytest.param({"groups": [{"operation": "rm_mark_mis_info", "alert_ids": [701]}]},
                 "operation=rm_mark_mis_info undoes handling", id="undo-without-force"),
])
def test_bad_groups_fail_naming_the_group_before_any_call(module_env, tmp_path, monkeypatch, options, expected):
    monkeypatch.chdir(tmp_path)
    result = run_module(sas_alert_handle, dict(CONNECTION, **options))
    assert result["failed"] is True and result.get("changed", False) is False, result
    assert expected in result["msg"], result["msg"]
    assert not (tmp_path / "trail.jsonl").exists()


def test_empty_groups_make_no_call(module_env):
    result = run_module(sas_alert_handle, dict(CONNECTION, groups=[dict(IGNORE, alert_ids=[])]))
    assert (result["failed"], result["changed"], result["results"], result["task_ids"]) == (False, False, [], [])


def test_groups_in_one_run_each_alert_with_its_group_s_operation_note_and_trail(module_env, sas, tmp_path):
    ignored = sas.pick(2, op="ignore")
    blocked = sas.pick(1, op="block_ip", online=True, exclude=ignored)
    trail = tmp_path / "trail.jsonl"
    options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET, "poll_interval": 0.1,
               "audit_log": str(trail), "audit_context": {"account": "prod"}, "groups": [
                   {"operation": "ignore", "alert_ids": ignored, "remark": "noise", "note": "ignored",
                    "audit_context": {"rules": ["reminders"]}},
                   {"operation": "block_ip", "alert_ids": blocked, "block_duration": "1d",
                    "audit_context": {"rules": ["logons"]}}]}
    result = run_module(sas_alert_handle, options, connect=connect)
    assert result["failed"] is False and result["changed"] is True
    assert [(entry["id"], entry["operation"], entry["outcome"], entry["note"]) for entry in result["results"]] == [
        (ignored[0], "ignore", "handled", "added"), (ignored[1], "ignore", "handled", "added"),
        (blocked[0], "block_ip", "handled", None)]
    assert result["summary"]["handled"] == 3 and len(result["task_ids"]) == 2
    assert [(write["params"]["OperationCode"], sent_ids(write)) for write in sas.writes()] == [
        ("ignore", ignored), ("block_ip", blocked)]
    lines = [json.loads(line) for line in trail.read_text().splitlines()]
    assert {(line["event"], line["operation"], tuple(line["rules"]), line["account"]) for line in lines} == {
        ("handle_request", "ignore", ("reminders",), "prod"), ("handle_response", "ignore", ("reminders",), "prod"),
        ("note_request", "ignore", ("reminders",), "prod"), ("note_response", "ignore", ("reminders",), "prod"),
        ("handle_request", "block_ip", ("logons",), "prod"), ("handle_response", "block_ip", ("logons",), "prod")}
    assert list(lines[0])[-2:] == ["rules", "account"]  # the group's context, then the task's
