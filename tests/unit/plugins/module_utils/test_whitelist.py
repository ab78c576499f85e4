# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import (
    check_rules,
    existing_rules,
    mark_miss_param,
    merge_rules,
    rule_problems,
    wire_rule,
)

SOURCES = [
    {"filed_name": "loginSourceIp",
     "supported_mis_type": ["contains", "notContains", "regex", "strEqual", "strNotEqual", "inIpSegment"]},
    {"filed_name": "loginUser", "supported_mis_type": ["contains", "strEqual"]},
]


def rule(field="loginSourceIp", operate="strEqual", value="192.0.2.7", scope="part"):
    return {"field": field, "operate": operate, "value": value, "scope": scope}


def test_check_rules_builds_wire_rules():
    assert check_rules([rule(), rule("loginUser", "regex", "^ops-[0-9]+$", "all"),
                        rule(operate="inIpSegment", value="198.51.100.0/24")]) == [
        {"uuid": "part", "field": "loginSourceIp", "operate": "strEqual", "fieldValue": "192.0.2.7"},
        {"uuid": "ALL", "field": "loginUser", "operate": "regex", "fieldValue": "^ops-[0-9]+$"},
        {"uuid": "part", "field": "loginSourceIp", "operate": "inIpSegment", "fieldValue": "198.51.100.0/24"},
    ]


@pytest.mark.parametrize("bad, message", [
    (rule(operate="regex", value="([a-z"), r"whitelist_rules\[1\]\.value '\(\[a-z' is not a valid regular expression"),
    (rule(operate="inIpSegment", value="198.51.100.0/33"),
     r"whitelist_rules\[1\]\.value '198.51.100.0/33' is not an IP segment: use a CIDR"),
    (rule(operate="inIpSegment", value="office"), "is not an IP segment"),
    (rule(value="  "), r"whitelist_rules\[1\]\.value is empty"),
    (rule(field=""), r"whitelist_rules\[1\]\.field is empty"),
    (rule(operate="equals"), r"whitelist_rules\[1\]\.operate='equals' is not valid: use one of contains, "),
    (rule(scope="everywhere"), r"whitelist_rules\[1\]\.scope='everywhere' is not valid: use all or part"),
])
def test_check_rules_refuses_bad_rules(bad, message):
    with pytest.raises(OptionError, match=message):
        check_rules([rule(), bad])


def test_rule_problems_against_the_alert_fields():
    rules = check_rules([rule(), rule("loginUser", "regex", "x"), rule("md5", "strEqual", "abc")])
    assert rule_problems(rules, SOURCES) == [
        "operate 'regex' is not supported for field 'loginUser' (use contains, strEqual)",
        "field 'md5' is not one of its whitelist fields (loginSourceIp, loginUser)",
    ]
    assert rule_problems(rules[:1], SOURCES) == []
    assert rule_problems(rules[:1], []) == ["field 'loginSourceIp' is not one of its whitelist fields (none)"]


def test_existing_rules_keep_scope_operate_and_value():
    mark_field = [
        {"filed_name": "loginSourceIp", "mark_mis_type": "strEqual", "mark_mis_value": "203.0.113.9", "uuid": "ALL"},
        {"filed_name": "loginUser", "mark_mis_type": "contains", "mark_mis_value": "deploy",
         "uuid": "4b3c8a57-0c5a-4bf4-8c1b-0f5e7a7c1d2e"},
        {"filed_name": "loginUser", "mark_mis_value": "root", "uuid": "ALL"},  # no operate: strEqual [3P]
        {"filed_name": None, "mark_mis_value": "x"},  # incomplete: nothing to keep
    ]
    assert existing_rules(mark_field) == [
        wire_rule("ALL", "loginSourceIp", "strEqual", "203.0.113.9"),
        wire_rule("part", "loginUser", "contains", "deploy"),
        wire_rule("ALL", "loginUser", "strEqual", "root"),
    ]


def test_merge_keeps_existing_first_and_drops_duplicates():
    old = [wire_rule("ALL", "loginSourceIp", "strEqual", "203.0.113.9"),
           wire_rule("part", "loginUser", "contains", "d")]
    new = [wire_rule("part", "loginUser", "contains", "d"), wire_rule("ALL", "loginSourceIp", "strEqual", "192.0.2.1"),
           wire_rule("ALL", "loginSourceIp", "strEqual", "192.0.2.1")]
    assert merge_rules(old, new) == old + [wire_rule("ALL", "loginSourceIp", "strEqual", "192.0.2.1")]
    assert merge_rules([], new) == new[:2]


def test_mark_miss_param_is_the_documented_json_array():
    text = mark_miss_param([wire_rule("ALL", "loginSourceIp", "strEqual", "59.82.1.1")])
    assert text == '[{"uuid":"ALL","field":"loginSourceIp","operate":"strEqual","fieldValue":"59.82.1.1"}]'
    assert json.loads(text)[0]["fieldValue"] == "59.82.1.1"
