# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage filters as a playbook calls them: registered by name, policy errors as
AnsibleFilterError naming the rule, and policy -> plan -> handling results -> report."""

from __future__ import annotations

import datetime

import pytest
from ansible.errors import AnsibleFilterError
from triage_samples import CONTAINER, WEBSHELL, make_alert

from ansible_collections.alibabacloud.sas.plugins.filter import (
    triage_markdown,
    triage_plan,
    triage_policy,
    triage_report,
    triage_settings,
)

# Not triage_samples.POLICY: this one matches a list of types (Chinese logons are blocked too), has a
# description, and its three rules are what the "#4" in the error tests and the defaults test count on.
POLICY = [
    {"name": "leave-jump-hosts", "match": {"instance_name_regex": "^jump-"}, "action": "none"},
    {"name": "block-logons", "match": {"alarm_event_type": ["Unusual logon", "异常登录"]}, "action": "block_ip",
     "params": {"block_duration": "7d"}},
    {"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore", "description": "noise"},
]


@pytest.mark.parametrize("module, name", [
    (triage_policy, "triage_policy"),
    (triage_plan, "triage_plan"),
    (triage_report, "triage_report"),
    (triage_markdown, "triage_markdown"),
])
def test_filters_are_registered_by_name(module, name):
    filters = module.FilterModule().filters()
    assert list(filters) == [name]
    assert filters[name] is getattr(module, name)


def test_triage_policy_returns_the_rules_as_data_with_defaults():
    assert triage_policy.triage_policy(POLICY) == [
        {"name": "leave-jump-hosts", "match": {"instance_name_regex": "^jump-"}, "action": "none", "params": {},
         "fallback": None, "enabled": True, "description": None},
        {"name": "block-logons", "match": {"alarm_event_type": ["Unusual logon", "异常登录"]}, "action": "block_ip",
         "params": {"block_duration": "7d"}, "fallback": None, "enabled": True, "description": None},
        {"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore", "params": {}, "fallback": None,
         "enabled": True, "description": "noise"},
    ]


@pytest.mark.parametrize("bad, parts", [
    ({"name": "typo", "match": {"level": "remind"}, "action": "ignor"}, ["'typo'", "'ignor'"]),
    ({"name": "camel", "match": {"AlarmEventType": "x"}, "action": "ignore"}, ["'camel'", "'AlarmEventType'"]),
    ({"name": "regex", "match": {"instance_name_regex": "("}, "action": "ignore"}, ["'regex'", "instance_name_regex"]),
    ({"name": "wrong-param", "match": {"level": "remind"}, "action": "ignore", "params": {"block_duration": "7d"}},
     ["'wrong-param'", "'block_duration'"]),
    ({"match": {"level": "remind"}, "action": "ignore"}, ["#4", "no name"]),
    ({"name": "block-logons", "match": {"level": "remind"}, "action": "ignore"}, ["#2", "#4", "'block-logons'"]),
])
@pytest.mark.parametrize("apply", [
    pytest.param(triage_policy.triage_policy, id="triage_policy"),
    pytest.param(lambda rules: triage_plan.triage_plan([make_alert(1)], rules), id="triage_plan"),
])
def test_policy_errors_are_filter_errors_naming_the_rule(apply, bad, parts):
    with pytest.raises(AnsibleFilterError) as caught:
        apply(POLICY + [bad])
    message = str(caught.value)
    assert "triage policy" in message
    for part in parts:
        assert part in message, "%r not in %r" % (part, message)


def test_triage_plan_refuses_what_is_not_a_list_of_alerts():
    with pytest.raises(AnsibleFilterError, match="list of alerts"):
        triage_plan.triage_plan({"alerts": [make_alert(1)]}, POLICY)


def test_triage_report_refuses_what_is_not_a_plan():
    with pytest.raises(AnsibleFilterError, match="triage_plan"):
        triage_report.triage_report([make_alert(1)], [])


@pytest.mark.parametrize("not_a_report", [None, "report", {"alerts": []}, [{"summary": {}, "alerts": []}]])
def test_triage_markdown_refuses_what_is_not_a_report(not_a_report):
    with pytest.raises(AnsibleFilterError, match="the report that alibabacloud.sas.triage_report returns"):
        triage_markdown.triage_markdown(not_a_report)


# Whole policies as the triage role's sas_triage_rules holds them: the role's first task runs them
# through this filter, so a malformed one stops the play before any call (proved end to end once).
@pytest.mark.parametrize("rules, names", [
    pytest.param([{"name": "x", "match": {"level": "serious"}, "action": "ignore", "acton": "ignore"}],
                 ["'x'", "acton"], id="unknown-key"),
    pytest.param([{"name": "x", "match": {"level": "serious"}, "action": "ignroe"}],
                 ["'x'", "ignroe", "did you mean ignore"], id="unknown-action"),
    pytest.param([{"name": "x", "match": {"name_regex": "("}, "action": "ignore"}],
                 ["'x'", "name_regex", "regular expression"], id="bad-regex"),
    pytest.param([{"name": "x", "match": {"level": "serious"}, "action": "ignore",
                   "params": {"block_duration": "7d"}}], ["'x'", "block_duration", "remark"],
                 id="param-the-action-does-not-take"),
    pytest.param([{"match": {"level": "serious"}, "action": "ignore"}], ["rule #1", "no name"], id="no-name"),
    pytest.param([{"name": "x", "match": {"level": "serious"}, "action": "ignore"},
                  {"name": "x", "match": {"level": "remind"}, "action": "ignore"}], ["#1", "#2", "'x'"],
                 id="duplicate-name"),
    pytest.param([{"name": "x", "match": {"levle": "serious"}, "action": "ignore"}],
                 ["'x'", "levle", "did you mean level"], id="match-key-typo"),
    pytest.param([{"name": "x", "match": {"level": "serious"}, "action": "block_ip",
                   "params": {"block_duration": "7x"}}], ["'x'", "block_duration", "7x"], id="bad-block_duration"),
])
def test_a_malformed_policy_is_refused_naming_the_rule_and_the_problem(rules, names):
    with pytest.raises(AnsibleFilterError) as caught:
        triage_policy.triage_policy(rules)
    message = str(caught.value)
    assert "triage policy" in message
    for name in names:
        assert name in message, (name, message)


def test_expire_time_in_the_past_is_refused_by_the_filter():
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rule = {"name": "until", "match": {"level": "serious"}, "action": "block_ip", "params": {"expire_time": past}}
    with pytest.raises(AnsibleFilterError, match="'until'.*in the past"):
        triage_policy.triage_policy([rule])
    rule["params"]["expire_time"] = future
    assert triage_policy.triage_policy([rule])[0]["params"] == {"expire_time": future}


def test_policy_plan_handle_report():
    alerts = [
        make_alert(11),
        make_alert(12, ("异常登录", "异地登录"), host="db-master"),
        make_alert(13, host="jump-01"),
        make_alert(14, CONTAINER, level="remind"),
        make_alert(15, ("网站后门", "发现后门(Webshell)文件"), level="serious"),
        make_alert(11),  # listed twice
    ]
    plan = triage_plan.triage_plan(alerts, POLICY)
    assert [(item["action"], item["alert_ids"], item["destructive"]) for item in plan["groups"]] == [
        ("block_ip", [11, 12], True), ("ignore", [14], False)]
    assert plan["counts"]["unmatched"] == 1
    assert plan["alerts"][-1]["recommended"]["action"] == "quara"

    # what `register: handled` holds after `loop: "{{ plan.groups }}"` - one module call per group
    handled = [
        {"item": plan["groups"][0], "changed": True, "failed": True, "msg": "1 of 2 alerts failed",
         "results": [{"id": 11, "outcome": "handled", "task_id": 77, "status_before": "pending",
                      "status_after": "handled", "reason": None, "error_code": None, "hint": None},
                     {"id": 12, "outcome": "failed", "task_id": None, "status_before": "pending",
                      "status_after": "pending", "reason": "agent offline", "error_code": "BlockIp.AgentOffline",
                      "hint": "start the agent"}]},
        {"item": plan["groups"][1], "failed": True, "msg": "HandleSecurityEvents failed: Throttling",
         "error": {"code": "Throttling.User"}},
    ]
    report = triage_report.triage_report(plan, handled, account="prod", check_mode=False,
                                         started_at="2027-01-15T08:00:00Z", finished_at="2027-01-15T08:02:00Z",
                                         policy_file="/srv/policy.yml", policy_sha256="ab" * 32,
                                         awx_job_id=42, awx_user_name="alice")
    by_id = {alert["id"]: alert for alert in report["alerts"]}
    assert [alert["id"] for alert in report["alerts"]] == [11, 12, 13, 14, 15]
    assert {alert_id: alert["outcome"] for alert_id, alert in by_id.items()} == {
        11: "handled", 12: "failed", 13: "excluded", 14: "error", 15: "unmatched"}
    assert by_id[14]["error_code"] == "Throttling.User" and "Throttling" in by_id[14]["reason"]
    assert "quara" in by_id[15]["reason"]
    assert report["account"] == "prod"
    assert report["provenance"]["policy_sha256"] == "ab" * 32
    assert (report["provenance"]["user"], report["provenance"]["awx_job_id"]) == ("alice", "42")
    assert report["summary"]["needs_attention"] == 2
    assert report["summary"]["by_rule"]["block-logons"] == {"handled": 1, "failed": 1}
    markdown = triage_markdown.triage_markdown(report)
    assert markdown.startswith("# Security Center triage: prod\n\nFrom 2027-01-15T08:00:00Z to 2027-01-15T08:02:00Z "
                               "(UTC), 5 alerts listed, **2 need attention**.\n\nPolicy /srv/policy.yml (sha256 ")
    assert "\n| 12 异地登录 | suspicious | db-master 203.0.113.10 | last 2027-01-15 07:55:00 | block-logons: " \
           "block\\_ip | agent offline; BlockIp.AgentOffline; start the agent |\n" in markdown


def test_triage_report_filter_passes_the_stop_reason():
    plan = triage_plan.triage_plan([make_alert(21), make_alert(22, level="remind", host="web-2")], POLICY)
    handled = [{"item": item, "skipped": True, "changed": False} for item in plan["groups"]]
    report = triage_report.triage_report(plan, handled, stopped="not confirmed")
    assert [alert["outcome"] for alert in report["alerts"]] == ["not_run", "not_run"]
    assert all("not confirmed" in alert["reason"] for alert in report["alerts"])
    assert report["stopped"] == "not confirmed"


def test_triage_plan_takes_what_triage_policy_returns():
    # the role checks the policy first and plans with the checked rules
    rules = POLICY + [{"name": "off", "match": {"level_regex": "^seri"}, "action": "ignore", "enabled": False}]
    checked = triage_policy.triage_policy(rules)
    assert triage_policy.triage_policy(checked) == checked
    alerts = [make_alert(31), make_alert(32, host="jump-02"), make_alert(33, WEBSHELL, level="serious")]
    assert triage_plan.triage_plan(alerts, checked) == triage_plan.triage_plan(alerts, rules)
    assert [entry["disposition"] for entry in triage_plan.triage_plan(alerts, checked)["alerts"]] == [
        "handle", "excluded", "unmatched"]


def test_triage_settings_shows_each_unknown_alert_type_as_an_ansible_warning(monkeypatch, tmp_path):
    shown_warnings = []
    monkeypatch.setattr(triage_settings.Display, "warning", lambda self, message: shown_warnings.append(message))
    rules = POLICY + [{"name": "site-wording", "match": {"alarm_event_type": "Logon from unusual place"},
                       "action": "ignore"}]
    checked = triage_settings.triage_settings({"rules": rules, "max_actions": 10, "report_dir": str(tmp_path),
                                               "audit_log": str(tmp_path / "audit.jsonl")})
    assert checked["problems"] == [] and len(checked["rules"]) == 4
    assert shown_warnings == ["triage policy: %s." % warning for warning in checked["warnings"]]
    assert len(shown_warnings) == 1 and "'Logon from unusual place'" in shown_warnings[0]
