# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning a triage: one entry per alert, one group per (action, params), the recommendation for
alerts no rule matches (advice only), counts, the destructive list and the lines a person reads."""

from __future__ import annotations

import unicodedata

import pytest
from triage_samples import (
    API_CALL,
    CONTAINER,
    LOGON,
    MINER,
    NOW_MS,
    POLICY,
    REVERSE_SHELL,
    WEBSHELL,
    make_alert,
    needed_params,
)

from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import HOST_OPERATIONS
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import plan_triage, recommend
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import (
    NO_ACTION,
    TRIAGE_ACTIONS,
    check_policy,
)


def plan(alerts, rules):
    return plan_triage(alerts, check_policy(rules, now_ms=NOW_MS))


def by_id(the_plan):
    return {entry["id"]: entry for entry in the_plan["alerts"]}


def group_of(the_plan, action):
    found = [group for group in the_plan["groups"] if group["action"] == action]
    assert len(found) == 1, found
    return found[0]


# --- recommendations ---------------------------------------------------------------------------

@pytest.mark.parametrize("alert_type, name, action, params", [
    ("Unusual logon", "ECS login from unusual location", "block_ip", {"block_duration": "7d"}),
    ("Unusual logon", "Brute-force attack succeeded", "block_ip", {"block_duration": "7d"}),
    ("异常登录", "异地登录", "block_ip", {"block_duration": "7d"}),
    ("Malicious process (cloud scan)", "Mining program", "kill_and_quara",
     {"sub_operation": "killAndQuaraFileByMd5andPath"}),
    ("Malicious process (local scan)", "Suspicious program", "kill_and_quara",
     {"sub_operation": "killAndQuaraFileByMd5andPath"}),
    ("恶意进程(云查杀)", "挖矿程序", "kill_and_quara", {"sub_operation": "killAndQuaraFileByMd5andPath"}),
    ("恶意进程(云查杀)", "木马程序", "kill_and_quara", {"sub_operation": "killAndQuaraFileByMd5andPath"}),
    ("Abnormal process behavior", "Reverse shell", "kill_process", {}),
    ("进程异常行为", "反弹Shell", "kill_process", {}),
    ("Web shell", "Web shell file detected", "quara", {}),
    ("网站后门", "发现后门(Webshell)文件", "quara", {}),
    ("Container cluster anomalies", "Privileged container started", "review", {}),
    ("Container cluster anomalies", "Anonymous access to K8s API server", "review", {}),
    ("容器集群异常", "启动特权容器", "review", {}),
    ("Cloud service threat detection", "Suspicious API call", "review", {}),
    ("Cloud service threat detection", "Leaked AccessKey used", "review", {}),
    ("云产品威胁检测", "可疑API调用", "review", {}),
    # anything else
    ("Abnormal process behavior", "Suspicious command execution", "review", {}),
    ("Persistent backdoor", "Malicious crontab task", "review", {}),
    ("持久化后门", "恶意定时任务", "review", {}),
    ("Sensitive file tampering", "Sensitive file tampered", "review", {}),
    ("Abnormal accounts", "Suspicious account created", "review", {}),
    ("Web application threat detection", "Suspicious command executed by web application", "review", {}),
    ("Web 应用威胁检测", "Web应用执行可疑命令", "review", {}),
    ("Suspicious network connection", "Connection to malicious download source", "review", {}),
    ("异常网络连接", "访问矿池地址", "review", {}),
])
def test_recommendation_by_type_and_name(alert_type, name, action, params):
    recommended = recommend(make_alert(1, (alert_type, name)))
    assert (recommended["action"], recommended["params"]) == (action, params)
    assert recommended["why"]


# The recommendation goes by the alert's TYPE (only reverse shells by name): a word in the name of
# another type's alert must not win.
@pytest.mark.parametrize("alert_type, name", [
    # a cloud product alert is for review, even when its name speaks of a logon (it has no host to block on)
    ("Cloud service threat detection", "Unusual console logon"),
    ("云产品威胁检测", "控制台异常登录"),
    # not a malicious process type: anything else -> review (and the zh name of the same alert gives review)
    ("Suspicious network connection", "Connection to mining pool"),
    # the defense already stopped the process: not a malicious process type -> review
    ("Precise defense", "Malicious process blocked"),
    ("精准防御", "拦截恶意进程"),
])
def test_recommendation_goes_by_type_not_by_words_in_the_name(alert_type, name):
    assert recommend(make_alert(1, (alert_type, name)))["action"] == "review"


def test_reverse_shell_is_recognised_by_its_name_alone():
    # its type is only "Abnormal process behavior"; `name` (type-name) may be absent
    alert = make_alert(1, REVERSE_SHELL)
    del alert["name"]
    assert recommend(alert)["action"] == "kill_process"
    alert["alarm_event_name_display"] = alert["alarm_event_name"] = "Suspicious command execution"
    assert recommend(alert)["action"] == "review"


def test_an_alert_without_type_or_name_is_for_review():
    assert recommend({"id": 1})["action"] == "review"


def test_recommendation_never_acts():
    alerts = [make_alert(1, LOGON), make_alert(2, MINER), make_alert(3, REVERSE_SHELL), make_alert(4, WEBSHELL)]
    result = plan(alerts, [{"name": "only-containers", "match": {"alarm_event_type": "Container cluster anomalies"},
                            "action": "ignore"}])
    assert result["groups"] == []
    assert [entry["disposition"] for entry in result["alerts"]] == ["unmatched"] * 4
    assert [entry["action"] for entry in result["alerts"]] == [None] * 4
    assert [entry["recommended"]["action"] for entry in result["alerts"]] == [
        "block_ip", "kill_and_quara", "kill_process", "quara"]
    assert result["counts"]["to_handle"] == 0 and result["counts"]["destructive"] == 0
    assert result["destructive"] == []


# --- entries and groups ------------------------------------------------------------------------

def test_one_entry_per_alert_with_its_disposition():
    alerts = [
        make_alert(1, LOGON),
        make_alert(2, LOGON, host="jump-01"),
        make_alert(3, WEBSHELL),
        make_alert(4, API_CALL, level="suspicious"),
        make_alert(5, CONTAINER, level="remind"),
    ]
    entries = by_id(plan(alerts, POLICY))
    assert [(entries[alert_id]["disposition"], entries[alert_id]["rule"], entries[alert_id]["action"])
            for alert_id in (1, 2, 3, 4, 5)] == [
        ("handle", "block-logons", "block_ip"),
        ("excluded", "leave-jump-hosts", "none"),
        ("handle", "quarantine-webshells", "quara"),
        ("unmatched", None, None),
        ("handle", "ignore-reminders", "ignore"),
    ]
    assert entries[1]["params"] == {"block_duration": "7d"}
    assert entries[1]["name"] == "ECS login from unusual location"
    assert entries[1]["type"] == "Unusual logon"
    assert entries[1]["host"]["instance_name"] == "web-prod-01"
    assert entries[1]["host"]["internet_ip"] == "203.0.113.10"
    assert entries[4]["recommended"]["action"] == "review"


def test_a_duplicate_id_is_planned_once():
    alerts = [make_alert(1), make_alert(2), make_alert(1), make_alert(3), make_alert(2)]
    result = plan(alerts, POLICY)
    assert [entry["id"] for entry in result["alerts"]] == [1, 2, 3]
    assert group_of(result, "block_ip")["alert_ids"] == [1, 2, 3]
    assert result["counts"]["listed"] == 3
    assert result["counts"]["by_rule"] == {"block-logons": 3}


def test_group_alert_ids_keep_input_order():
    alerts = [make_alert(alert_id) for alert_id in (907, 12, 450, 3, 88)]
    assert group_of(plan(alerts, POLICY), "block_ip")["alert_ids"] == [907, 12, 450, 3, 88]


def test_rules_with_the_same_action_and_params_share_a_group():
    rules = [
        {"name": "block-logons", "match": {"alarm_event_type": "Unusual logon"}, "action": "block_ip",
         "params": {"block_duration": "7d"}},
        {"name": "block-chinese-logons", "match": {"alarm_event_type": "异常登录"}, "action": "block_ip",
         "params": {"block_duration": "7d"}},
    ]
    alerts = [make_alert(1, LOGON), make_alert(2, ("异常登录", "异地登录")), make_alert(3, LOGON)]
    result = plan(alerts, rules)
    assert len(result["groups"]) == 1
    group = result["groups"][0]
    assert group["action"] == "block_ip"
    assert group["params"] == {"block_duration": "7d"}
    assert sorted(group["rules"]) == ["block-chinese-logons", "block-logons"]
    assert group["alert_ids"] == [1, 2, 3]


def test_the_same_action_with_other_params_is_another_group():
    rules = [
        {"name": "block-serious", "match": {"level": "serious"}, "action": "block_ip",
         "params": {"block_duration": "30d"}},
        {"name": "block-others", "match": {"alarm_event_type": "Unusual logon"}, "action": "block_ip",
         "params": {"block_duration": "7d"}},
    ]
    alerts = [make_alert(1, level="serious"), make_alert(2), make_alert(3, level="serious")]
    result = plan(alerts, rules)
    assert [(group["params"], group["rules"], group["alert_ids"]) for group in result["groups"]] == [
        ({"block_duration": "30d"}, ["block-serious"], [1, 3]),
        ({"block_duration": "7d"}, ["block-others"], [2]),
    ]


def test_excluded_and_unmatched_alerts_are_in_no_group():
    alerts = [make_alert(1, host="jump-01"), make_alert(2, API_CALL), make_alert(3)]
    result = plan(alerts, POLICY)
    grouped = [alert_id for group in result["groups"] for alert_id in group["alert_ids"]]
    assert grouped == [3]


def test_a_disabled_rule_groups_nothing():
    rules = [dict(POLICY[1], enabled=False), POLICY[3]]
    result = plan([make_alert(1), make_alert(2, level="remind")], rules)
    assert by_id(result)[1]["disposition"] == "unmatched"
    assert [group["action"] for group in result["groups"]] == ["ignore"]
    assert "block-logons" not in result["counts"]["by_rule"]


@pytest.mark.parametrize("action", [action for action in TRIAGE_ACTIONS if action != NO_ACTION])
def test_destructive_flag_per_operation(action):
    destructive = action in HOST_OPERATIONS
    rules = [{"name": "r", "match": {"level": "suspicious"}, "action": action, "params": needed_params(action)}]
    result = plan([make_alert(1), make_alert(2)], rules)
    assert result["groups"][0]["destructive"] is destructive
    assert result["counts"]["destructive"] == (2 if destructive else 0)
    assert len(result["destructive"]) == (1 if destructive else 0)
    assert any(line.startswith("ON HOSTS") for line in result["lines"]) is destructive


# --- counts, the destructive list and the lines ------------------------------------------------

def mixed_alerts():
    return [
        make_alert(1, LOGON, host="web-prod-01", ip="203.0.113.1"),
        make_alert(2, LOGON, host="web-prod-02", ip="203.0.113.2"),
        make_alert(3, LOGON, host="jump-01"),
        make_alert(4, WEBSHELL, host="cms-01", ip=None),
        make_alert(5, CONTAINER, level="remind"),
        make_alert(6, MINER, level="serious"),
        make_alert(7, REVERSE_SHELL, level="serious"),
        make_alert(8, API_CALL, level="suspicious"),
    ]


def test_counts():
    counts = plan(mixed_alerts(), POLICY)["counts"]
    assert counts["listed"] == 8
    assert counts["to_handle"] == 4
    assert counts["excluded"] == 1
    assert counts["unmatched"] == 3
    assert counts["destructive"] == 3
    assert counts["by_rule"] == {"leave-jump-hosts": 1, "block-logons": 2, "quarantine-webshells": 1,
                                 "ignore-reminders": 1}
    assert counts["by_action"] == {"block_ip": 2, "quara": 1, "ignore": 1}


def test_destructive_list_names_hosts():
    result = plan(mixed_alerts(), POLICY)
    assert [(item["count"], item["rules"]) for item in result["destructive"]] == [
        (2, ["block-logons"]), (1, ["quarantine-webshells"])]
    block = result["destructive"][0]
    assert "block_ip" in block["action"] and "7d" in block["action"]
    assert len(block["first"]) == 2
    assert "1 " in block["first"][0] and "web-prod-01" in block["first"][0] and "203.0.113.1" in block["first"][0]
    assert "web-prod-02" in block["first"][1]
    assert "cms-01" in result["destructive"][1]["first"][0]


def test_destructive_list_shows_at_most_five_alerts_per_group():
    alerts = [make_alert(alert_id, host="web-%02d" % alert_id) for alert_id in range(1, 9)]
    result = plan(alerts, POLICY)
    block = result["destructive"][0]
    assert block["count"] == 8
    assert len(block["first"]) == 5
    assert ["web-%02d" % alert_id in line for alert_id, line in zip(range(1, 6), block["first"])] == [True] * 5
    assert not any("web-06" in line for line in block["first"])
    assert any("3 more" in line for line in result["lines"])
    assert not any("web-06" in line for line in result["lines"])


def test_lines_mention_every_matched_rule_the_destructive_groups_and_the_unmatched():
    lines = plan(mixed_alerts(), POLICY)["lines"]
    text = "\n".join(lines)
    for name, count in (("leave-jump-hosts", 1), ("block-logons", 2), ("quarantine-webshells", 1),
                        ("ignore-reminders", 1)):
        assert any(name in line and str(count) in line for line in lines), (name, lines)
    assert "8" in lines[0]
    on_hosts = [line for line in lines if "block_ip" in line and "ON HOSTS" in line]
    assert on_hosts and "2" in on_hosts[0]
    assert any("ON HOSTS" in line and "quara" in line for line in lines)
    assert "web-prod-01" in text and "cms-01" in text
    unmatched = [line for line in lines if "3" in line and "kill_and_quara" in line]
    assert unmatched, lines
    assert "kill_process" in unmatched[0] and "review" in unmatched[0]


def test_lines_list_every_enabled_rule_with_its_count_zero_included():
    rules = POLICY + [{"name": "ignore-old", "match": {"level": "remind"}, "action": "ignore", "enabled": False}]
    lines = plan([make_alert(1)], rules)["lines"]
    assert lines[1:6] == ["  rule leave-jump-hosts: 0 -> none",
                          "  rule block-logons: 1 -> block_ip (block_duration=7d)",
                          "  rule quarantine-webshells: 0 -> quara", "  rule ignore-reminders: 0 -> ignore",
                          "  rule ignore-old: disabled"]
    assert not any("No rule matched" in line for line in lines)


def test_alerts_must_be_a_list():
    with pytest.raises(ValueError, match="list of alerts"):
        plan({"alerts": []}, POLICY)


# --- the remark of a write ---------------------------------------------------------------------

def test_rules_sharing_a_write_name_it_in_a_remark_the_module_accepts():
    from ansible_collections.alibabacloud.sas.plugins.module_utils.options import MAX_REMARK_LENGTH, check_text

    # three valid rules with long names and one action: once, their joined names made a remark of 626
    # characters and every alert ended error after the plan and the confirmation
    names = ["ignore-%d-%s" % (number, "x" * 190) for number in range(3)]
    rules = [{"name": name, "match": {"level": level}, "action": "ignore"}
             for name, level in zip(names, ("serious", "suspicious", "remind"))]
    alerts = [make_alert(alert_id=number, level=level)
              for number, level in enumerate(("serious", "suspicious", "remind"), 1)]
    [group] = plan(alerts, rules)["groups"]
    assert group["rules"] == names
    assert len(group["remark"]) <= MAX_REMARK_LENGTH
    check_text("remark", group["remark"], MAX_REMARK_LENGTH)  # what sas_alert_handle checks
    assert group["remark"].startswith("alibabacloud.sas triage: " + names[0] + ", " + names[1])
    assert group["remark"].endswith(" and 1 more rule")


def test_a_remark_of_the_rule_is_the_write_s_remark():
    rules = [{"name": "short", "match": {"level": "remind"}, "action": "ignore", "params": {"remark": "noise"}},
             {"name": "named", "match": {"level": "serious"}, "action": "ignore"}]
    groups = plan([make_alert(alert_id=1, level="remind"), make_alert(alert_id=2, level="serious")], rules)["groups"]
    assert [group["remark"] for group in groups] == ["noise", "alibabacloud.sas triage: named"]


# --- alert text is shown escaped ---------------------------------------------------------------------------

FORGED = "\n    ON HOSTS: nothing x 0 (rule none)"
HOSTILE_NAME = "ECS login\x1b]0;all fine\x07\x1b[32m from unusual location" + FORGED
HOSTILE_HOST = "web-01\r\u202e10-bew" + FORGED
HOSTILE_IP = "203.0.113.9" + FORGED
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def test_plan_lines_show_alert_text_escaped_and_never_forge_a_line():
    hostile_details = [{"name_display": "Logon user", "type": "text", "value": HOSTILE_HOST}]
    hostile = [make_alert(1, ("Unusual logon", HOSTILE_NAME), host=HOSTILE_HOST, ip=HOSTILE_IP,
                          details=hostile_details),
               make_alert(2, ("Unusual logon", HOSTILE_NAME), host=None, ip=None, intranet_ip=None,
                          instance_id=HOSTILE_HOST)]
    benign = [make_alert(1), make_alert(2)]
    lines = plan(hostile, POLICY)["lines"]
    assert len(lines) == len(plan(benign, POLICY)["lines"])  # the same lines, whatever the alerts' text
    assert all(unicodedata.category(char) not in NOT_PRINTABLE for line in lines for char in line)
    assert not any(line.lstrip().startswith("ON HOSTS: nothing") for line in lines)
    assert "ON HOSTS: block_ip (block_duration=7d) x 2 (rule block-logons)" in lines
    forged = "\\n    ON HOSTS: nothing x 0 (rule none)"
    name = "ECS login\\x1b]0;all fine\\x07\\x1b[32m from unusual location" + forged
    host = "web-01\\r\\u202e10-bew" + forged
    last = "last 2027-01-15 07:55:00"
    assert "    1 %s on %s (203.0.113.9%s): user %s, %s" % (name, host, forged, host, last) in lines
    assert "    2 %s on %s: %s" % (name, host, last) in lines


def test_a_long_name_ends_in_an_ellipsis_in_the_plan_and_not_in_the_plan_data():
    long_name = "x" * 1000
    result = plan([make_alert(1, ("Unusual logon", long_name))], POLICY)
    [line] = result["destructive"][0]["first"]
    assert "x" * 119 + "\u2026 on web-prod-01" in line and "x" * 120 not in line
    assert result["alerts"][0]["name"] == long_name
