# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import operation_params as op
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_positive,
)

NOW_MS = 1_800_000_000_000  # 2027-01-15T08:00:00Z


@pytest.mark.parametrize("text, seconds", [
    ("6h", 6 * 3600), ("1d", 86400), ("7d", 7 * 86400), ("30d", 30 * 86400), ("90m", 5400), (" 2h ", 7200),
])
def test_parse_duration(text, seconds):
    assert op.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["0d", "7", "7w", "", "1.5d", "d", "-1h", "7D", "7 days"])
def test_parse_duration_refuses(text):
    with pytest.raises(OptionError, match=r"block_duration=.* is not a duration: use <n>m, <n>h or <n>d"):
        op.parse_duration(text)


@pytest.mark.parametrize("text, expected", [
    ("2027-01-16T08:00:00Z", NOW_MS + 86400_000),
    ("2027-01-16T16:00:00+08:00", NOW_MS + 86400_000),
    ("2027-01-16T08:00:00", NOW_MS + 86400_000),  # no offset: UTC
    ("2027-01-16 08:00:00+00:00", NOW_MS + 86400_000),  # what Ansible makes of a YAML timestamp
    ("2027-01-16", NOW_MS + 16 * 3600_000),
])
def test_parse_expire_time(text, expected):
    assert op.parse_expire_time(text, NOW_MS) == expected


def test_parse_expire_time_refuses_the_past_and_junk():
    with pytest.raises(OptionError, match=r"expire_time='2020-01-01T00:00:00Z' is in the past \(now is "
                                          r"2027-01-15T08:00:00 UTC\)"):
        op.parse_expire_time("2020-01-01T00:00:00Z", NOW_MS)
    with pytest.raises(OptionError, match="is not an ISO 8601 time"):
        op.parse_expire_time("next tuesday", NOW_MS)


def build(operation, operation_params=None, block_duration=None, expire_time=None, sub_operation=None):
    return op.build_operation_params(operation, operation_params, block_duration, expire_time, sub_operation, NOW_MS)


def test_block_ip_gets_expire_time_in_milliseconds():
    assert build("block_ip", block_duration="7d") == {"expireTime": NOW_MS + 7 * 86400_000}
    assert build("block_ip", expire_time="2027-01-16T08:00:00Z") == {"expireTime": NOW_MS + 86400_000}
    assert build("block_ip", operation_params={"expireTime": NOW_MS + 1}) == {"expireTime": NOW_MS + 1}


EXPIRE_TIME_RANGE = "operation_params.expireTime must be a time in epoch milliseconds within the next 30 days"


@pytest.mark.parametrize("kwargs, message", [
    ({}, "operation=block_ip needs block_duration (6h, 1d, 7d, 30d or any <n>[mhd]) or expire_time (ISO 8601)"),
    ({"operation_params": {"expireTime": NOW_MS - 1}}, EXPIRE_TIME_RANGE),
    ({"operation_params": {"expireTime": "soon"}}, EXPIRE_TIME_RANGE),
    ({"expire_time": "2020-01-01"}, "expire_time='2020-01-01' is in the past"),
    ({"sub_operation": "killByMd5andPath", "block_duration": "1d"},
     "sub_operation is only for operation=kill_and_quara/virus_quara/virus_quara_bin; operation=block_ip takes none"),
])
def test_block_ip_refusals(kwargs, message):
    with pytest.raises(OptionError) as caught:
        build("block_ip", **kwargs)
    assert message in str(caught.value)


def test_sub_operations():
    assert build("kill_and_quara", sub_operation="killByMd5andPath") == {"subOperation": "killByMd5andPath"}
    assert build("kill_and_quara", operation_params={"subOperation": "killAndQuaraFileByMd5andPath"}) == {
        "subOperation": "killAndQuaraFileByMd5andPath"}
    # a single valid value is the default
    assert build("virus_quara") == {"subOperation": "quaraFileByMd5andPath"}
    assert build("virus_quara_bin") == {"subOperation": "quaraFileByMd5andPath"}
    # issue 9: left out, each alert takes the subOperation the service suggests for it (handling.plan_sub_operation)
    assert build("kill_and_quara") == {}
    with pytest.raises(OptionError, match=r"sub_operation='kill' is not valid for operation=virus_quara: use one of "
                                          r"quaraFileByMd5andPath, or leave it out"):
        build("virus_quara", sub_operation="kill")


@pytest.mark.parametrize("operation", ["ignore", "quara", "advance_mark_mis_info", "manual_handled"])
def test_operations_without_params_send_an_empty_object(operation):
    assert build(operation) == {}
    assert op.to_json(build(operation)) == "{}"


@pytest.mark.parametrize("kwargs, message", [
    ({"sub_operation": "killByMd5andPath"}, "sub_operation is only for operation=kill_and_quara/virus_quara/"
                                            "virus_quara_bin; operation=ignore takes none"),
    ({"block_duration": "1d"}, "block_duration is only for operation=block_ip, not operation=ignore"),
    ({"expire_time": "2030-01-01"}, "expire_time is only for operation=block_ip, not operation=ignore"),
])
def test_friendly_options_on_the_wrong_operation(kwargs, message):
    with pytest.raises(OptionError) as caught:
        build("ignore", **kwargs)
    assert message in str(caught.value)


def test_unknown_and_refused_operations():
    with pytest.raises(OptionError, match=r"operation='ignor' is not an operation code the service documents; "
                                          r"use one of: block_ip, kill_and_quara"):
        build("ignor")
    with pytest.raises(OptionError, match="operation=client_problem_check is refused: .*cannot be automated"):
        build("client_problem_check")


def test_to_json_is_compact_and_stable():
    assert op.to_json({"subOperation": "x", "a": 1}) == '{"a":1,"subOperation":"x"}'


@pytest.mark.parametrize("operation, before, after", [
    ("ignore", 1, 2), ("advance_mark_mis_info", 1, 8), ("block_ip", 1, 32), ("kill_and_quara", 1, 32),
    ("rm_mark_mis_info", 8, 1), ("rm_defense_mark_mis_info", 8, 8),
])
def test_status_after_success(operation, before, after):
    assert op.status_after_success(operation, before) == after


def test_every_code_has_one_entry_and_the_derived_names_follow_it():
    assert len(op.OPERATIONS_BY_CODE) == len(op.OPERATIONS) == len(op.OPERATION_CHOICES)
    assert set(op.OPERATION_CODES) == {entry.code for entry in op.OPERATIONS if not entry.refused}
    assert set(op.REFUSED_OPERATIONS).isdisjoint(op.OPERATION_CODES) and op.REFUSED_OPERATIONS
    for derived in (op.SUB_OPERATIONS, op.UNDO_OPERATIONS, op.HOST_OPERATIONS):
        assert set(derived) <= set(op.OPERATION_CODES)
    assert not set(op.UNDO_OPERATIONS) & set(op.HOST_OPERATIONS)  # an undo only changes the alert back


@pytest.mark.parametrize("operation", op.REFUSED_OPERATIONS)
def test_a_refused_code_is_refused_with_its_reason(operation):
    with pytest.raises(OptionError) as caught:
        build(operation)
    assert str(caught.value) == "operation=%s is refused: %s" % (operation, op.REFUSED_OPERATIONS[operation])


def test_option_checks():
    assert check_alert_ids([3, 1, 3, 2]) == [3, 1, 2]
    with pytest.raises(OptionError, match=r"alert_ids must hold alert ids \(integers from 1 to 2\^63-1\), got 0, -4"):
        check_alert_ids([1, 0, -4])
    assert check_concurrency(8) == 8
    with pytest.raises(OptionError, match="concurrency must be between 1 and 32, got 0"):
        check_concurrency(0)
    with pytest.raises(OptionError, match="wait_timeout must be a positive number of seconds, got 0"):
        check_positive("wait_timeout", 0)


# Each friendly option given to build_operation_params: the value, and the OperationParams entry it makes.
FRIENDLY_CASES = {
    "block_duration": ("1d", ("expireTime", NOW_MS + 86400_000)),
    "expire_time": ("2027-01-16T08:00:00Z", ("expireTime", NOW_MS + 86400_000)),
}


def _friendly_case(operation, option):
    if option == "sub_operation":
        value = op.SUB_OPERATIONS.get(operation, ("killByMd5andPath",))[-1]
        return value, ("subOperation", value)
    return FRIENDLY_CASES[option]


def _required(operation, option):
    """What else operation needs to build (block_ip a duration, kill_and_quara a sub_operation) beside option."""
    if "block_duration" in op.friendly_options(operation) and option not in ("block_duration", "expire_time"):
        return {"block_duration": "1d"}
    if operation in op.SUB_OPERATIONS and option != "sub_operation":
        return {"sub_operation": op.SUB_OPERATIONS[operation][0]}
    return {}


@pytest.mark.parametrize("operation", op.OPERATION_CODES)
def test_friendly_options_are_exactly_what_build_operation_params_accepts(operation):
    listed = op.friendly_options(operation)
    assert "remark" in listed  # every operation takes a remark
    assert ("whitelist_rules" in listed) is (operation == op.ADVANCE_MARK_MIS_INFO)
    assert set(listed) <= {"remark", "block_duration", "expire_time", "sub_operation", "whitelist_rules"}
    for option in ("block_duration", "expire_time", "sub_operation"):
        value, (key, sent) = _friendly_case(operation, option)
        kwargs = dict(_required(operation, option), **{option: value})
        if option in listed:
            assert build(operation, **kwargs)[key] == sent, (operation, option)
        else:
            with pytest.raises(OptionError, match="%s is only for operation=" % option):
                build(operation, **kwargs)
