# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_handle refuses bad input before any call, naming the option: its main() run in process with
the arguments a play gives it; building a connection fails the test (module_runner). One end-to-end
case proves the same through ansible-playbook and the emulator's request log."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from module_runner import ConnectionBuilt, run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_handle

# What the play's module_defaults gave every task.
CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


def refused(options):
    """The module's result for options; it must fail, and change nothing (a failure from the
    argument_spec has no changed key: Ansible reports it as changed=false)."""
    result = run_module(sas_alert_handle, dict(CONNECTION, **options))
    assert result["failed"] is True and result.get("changed", False) is False, result
    return result["msg"]


@pytest.mark.parametrize("options, expected", [
    # argument_spec: choices, mutually_exclusive, element types
    pytest.param({"operation": "ignor"}, "value of operation must be one of: block_ip, kill_and_quara",
                 id="operation-choices"),
    pytest.param({"operation": "block_ip", "block_duration": "1d", "expire_time": "2030-01-01"},
                 "parameters are mutually exclusive: block_duration|expire_time", id="block_duration-and-expire_time"),
    pytest.param({"operation": "ignore", "alert_ids": ["seven"]}, "alert_ids", id="alert_ids-not-int"),
    # handle_request: build_operation_params, check_alert_ids, check_positive, check_concurrency
    pytest.param({"operation": "client_problem_check"}, "operation=client_problem_check is refused",
                 id="refused-operation"),
    pytest.param({"operation": "block_ip"}, "operation=block_ip needs block_duration (6h, 1d, 7d, 30d or any <n>[mhd]) "
                                            "or expire_time (ISO 8601)", id="block_ip-without-duration"),
    pytest.param({"operation": "block_ip", "expire_time": "2020-01-01T00:00:00Z"},
                 "expire_time='2020-01-01T00:00:00Z' is in the past", id="expire_time-in-the-past"),
    pytest.param({"operation": "block_ip", "block_duration": "7w"},
                 "block_duration='7w' is not a duration: use <n>m, <n>h or <n>d", id="block_duration-7w"),
    pytest.param({"operation": "ignore", "sub_operation": "killByMd5andPath"},
                 "sub_operation is only for operation=kill_and_quara/virus_quara/virus_quara_bin; "
                 "operation=ignore takes none", id="sub_operation-on-ignore"),
    pytest.param({"operation": "kill_and_quara", "sub_operation": "kill"},
                 "sub_operation='kill' is not valid for operation=kill_and_quara: use one of "
                 "killAndQuaraFileByMd5andPath, killByMd5andPath", id="kill_and_quara-bad-sub_operation"),
    # an empty alert_ids does nothing, but the other options are still checked
    pytest.param({"operation": "block_ip", "alert_ids": []}, "operation=block_ip needs block_duration",
                 id="empty-alert_ids-still-checked"),
    pytest.param({"operation": "ignore", "alert_ids": [0]},
                 "alert_ids must hold alert ids (integers from 1 to 2^63-1), got 0",
                 id="alert_ids-0"),
    pytest.param({"operation": "ignore", "whitelist_rules": [{"field": "md5", "operate": "strEqual", "value": "x"}]},
                 "whitelist_rules is only for operation=advance_mark_mis_info, not operation=ignore",
                 id="whitelist_rules-on-ignore"),
    pytest.param({"operation": "advance_mark_mis_info", "whitelist_rules": []}, "whitelist_rules=[] holds no rule",
                 id="advance_mark_mis_info-empty-rules"),
    pytest.param({"operation": "ignore", "wait_timeout": 0}, "wait_timeout must be a positive number of seconds, got 0",
                 id="wait_timeout-0"),
    pytest.param({"operation": "ignore", "concurrency": 0}, "concurrency must be between 1 and 32, got 0",
                 id="concurrency-0"),
    # issue 8: NaN and infinity, which type=float accepts
    pytest.param({"operation": "ignore", "wait_timeout": "nan"},
                 "wait_timeout must be a finite number of seconds above 0, got nan", id="wait_timeout-nan"),
    pytest.param({"operation": "ignore", "wait_timeout": "inf"},
                 "wait_timeout must be a finite number of seconds above 0, got inf", id="wait_timeout-inf"),
    pytest.param({"operation": "ignore", "poll_interval": "nan"},
                 "poll_interval must be a finite number of seconds above 0, got nan", id="poll_interval-nan"),
    pytest.param({"operation": "ignore", "poll_interval": "-inf"},
                 "poll_interval must be a finite number of seconds above 0, got -inf", id="poll_interval-minus-inf"),
    pytest.param({"operation": "ignore", "rate_limit": "nan"},
                 "rate_limit must be a finite number of calls a second: 0 (no pacing) or above, got nan",
                 id="rate_limit-nan"),
    pytest.param({"operation": "ignore", "connect_timeout": "inf"},
                 "connect_timeout must be a finite number of seconds above 0, got inf", id="connect_timeout-inf"),
])
def test_bad_input_fails_naming_the_option_before_any_call(module_env, options, expected):
    assert expected in refused(dict({"alert_ids": [703587941]}, **options))


@pytest.mark.parametrize("options", [
    pytest.param({"wait_timeout": 0.5, "poll_interval": "0.1"}, id="wait_timeout-0.5"),
    pytest.param({"rate_limit": 0}, id="rate_limit-0"),
    pytest.param({"connect_timeout": "1.5", "read_timeout": 30}, id="timeouts"),
])
def test_finite_numbers_pass_the_checks(module_env, options):
    # Past every check, the module builds its connection; module_runner stops it there.
    with pytest.raises(ConnectionBuilt):
        run_module(sas_alert_handle, dict(CONNECTION, alert_ids=[703587941], operation="ignore", **options))


def test_a_note_refused_for_permission_leaves_the_module_ok_with_a_warning(module_env, monkeypatch, sas):
    # issue 18, point 7: through main(), as a play runs it - the alerts handled, their notes refused, exit 0
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning: warnings.append(warning))
    alert_ids = sas.pick(2, op="ignore")
    sas.set_faults([{"action": "CreateSuspEventNote", "fault": "no_permission", "rate": 1}])
    options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
               "alert_ids": alert_ids, "operation": "ignore", "note": "ignored by the triage", "poll_interval": 0.1}
    result = run_module(sas_alert_handle, options, connect=connect)
    assert result["failed"] is False and result["changed"] is True
    assert [(r["outcome"], r["note"]) for r in result["results"]] == [("handled", "refused")] * 2
    assert [w for w in warnings if "yundun-sas:CreateSuspEventNote" in w] == warnings and len(warnings) == 1


def whitelist(**fields):
    """sas_alert_handle options whitelisting one alert with one rule: a good rule changed by fields."""
    rule = dict({"field": "loginSourceIp", "operate": "strEqual", "value": "192.0.2.1"}, **fields)
    return {"alert_ids": [703587941], "operation": "advance_mark_mis_info", "whitelist_rules": [rule]}


@pytest.mark.parametrize("fields, expected", [
    # check_rules
    pytest.param({"operate": "regex", "value": "([0-9"},
                 ["whitelist_rules[0].value '([0-9' is not a valid regular expression"], id="regex"),
    pytest.param({"operate": "inIpSegment", "value": "192.0.2.0/33"},
                 ["whitelist_rules[0].value '192.0.2.0/33' is not an IP segment"], id="segment"),
    pytest.param({"value": " "}, ["whitelist_rules[0].value is empty"], id="empty"),
    # argument_spec: the choices of the rule's suboptions
    pytest.param({"operate": "equals"}, ["operate", "inIpSegment"], id="operate"),
    pytest.param({"scope": "everywhere"}, ["scope", "all, part"], id="scope"),
])
def test_bad_rules_are_refused_before_any_call(module_env, fields, expected):
    msg = refused(whitelist(**fields))
    for part in expected:
        assert part in msg, (part, msg)


def test_a_rule_field_the_alert_does_not_have_is_found_by_reading_it_and_nothing_is_written(module_env, sas):
    # Only the service knows an alert's whitelist fields: the module reads them, then refuses before any write.
    [alert_id] = sas.pick(op="advance_mark_mis_info", name="login_unusual_location")
    options = {"endpoint": sas.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET,
               "alert_ids": [alert_id], "operation": "advance_mark_mis_info",
               "whitelist_rules": [{"field": "md5", "operate": "strEqual", "value": "abc"}]}
    result = run_module(sas_alert_handle, options, connect=connect)
    assert result["failed"] is True and result["changed"] is False
    assert "field 'md5' is not one of its whitelist fields (loginSourceIp, loginUser)" in result["msg"]
    assert sas.requests() and sas.writes() == []
