# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage policy: which rules are accepted, which are refused (and how the refusal reads),
and how a checked rule matches alerts as sas_alert_info returns them."""

from __future__ import annotations

import pytest
from triage_samples import NOW_MS, WEBSHELL, make_alert, needed_params

from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    UNDO_OPERATIONS,
    friendly_options,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import EVENT_STATUS_NAMES
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import (
    NO_ACTION,
    TRIAGE_ACTIONS,
    PolicyError,
    check_policy,
    policy_warnings,
)


def rule(name="r", match=None, action="ignore", **fields):
    raw = {"name": name, "match": {"level": "remind"} if match is None else match, "action": action}
    raw.update(fields)
    return raw


def check(rules):
    return check_policy(rules, now_ms=NOW_MS)


def first_match(rules, alert):
    """The name of the rule that decides for alert: the first enabled one that matches."""
    return next((checked.name for checked in check(rules) if checked.enabled and checked.matches(alert)), None)


# --- accepted policies ------------------------------------------------------------------------

def test_a_full_policy_is_accepted_in_order_with_defaults():
    rules = check([
        rule("block-logons", {"alarm_event_type": "Unusual logon", "level": ["serious", "suspicious"]}, "block_ip",
             params={"block_duration": "7d", "remark": "triage"}, description="block them"),
        rule("jump-hosts", {"instance_name_regex": "^jump-"}, "none"),
        rule("old", {"level": "remind"}, "ignore", enabled=False),
        rule("malware", {"alarm_event_type": "Malicious process (cloud scan)"}, "kill_and_quara",
             params={"sub_operation": "killAndQuaraFileByMd5andPath"}),
        rule("whitelist", {"alarm_event_name_display": "Suspicious command execution"}, "advance_mark_mis_info",
             params={"whitelist_rules": [{"field": "cmdline", "operate": "contains", "value": "backup.sh",
                                          "scope": "all"}]}),
        rule("until", {"uuid": "uuid-a"}, "block_ip", params={"expire_time": "2027-02-01T00:00:00Z"}),
    ])
    assert [checked.name for checked in rules] == ["block-logons", "jump-hosts", "old", "malware", "whitelist",
                                                   "until"]
    assert [checked.enabled for checked in rules] == [True, True, False, True, True, True]
    assert rules[0].params == {"block_duration": "7d", "remark": "triage"}
    assert rules[0].description == "block them"
    assert rules[1].action == "none" and rules[1].params == {}
    assert rules[1].to_dict() == {"name": "jump-hosts", "match": {"instance_name_regex": "^jump-"}, "action": "none",
                                  "params": {}, "fallback": None, "enabled": True, "description": None}


def test_no_rules_is_an_empty_policy():
    assert check([]) == []


@pytest.mark.parametrize("action", TRIAGE_ACTIONS)
def test_every_action_is_accepted_with_what_it_needs(action):
    params = {} if action == NO_ACTION else needed_params(action)
    assert check([rule(action=action, params=params)])[0].params == params


NEEDY_ACTIONS = [action for action in TRIAGE_ACTIONS if action != NO_ACTION and needed_params(action)]


@pytest.mark.parametrize("action", NEEDY_ACTIONS)
def test_an_action_without_what_it_needs_is_refused_naming_it(action):
    needed = next(iter(needed_params(action)))
    with pytest.raises(PolicyError, match=r"rule 'r': params: .*needs %s" % needed):
        check([rule(action=action)])
    assert needed in friendly_options(action)


@pytest.mark.parametrize("action, params", [
    ("ignore", {"remark": "noise"}),
    ("block_ip", {"block_duration": "90m", "remark": "x"}),
    ("kill_and_quara", {"sub_operation": "killByMd5andPath", "remark": "x"}),
    ("virus_quara", {"sub_operation": "quaraFileByMd5andPath"}),
    ("quara", {"remark": "x"}),
])
def test_params_the_action_takes_are_accepted(action, params):
    assert check([rule(action=action, params=params)])[0].params == params


# --- malformed policies ------------------------------------------------------------------------

MALFORMED = [
    pytest.param({"actions": "ignore"}, "rule 'bad'", ["unknown key", "'actions'"], id="unknown-rule-key"),
    pytest.param({"action": "ignor"}, "rule 'bad'", ["unknown action", "'ignor'"], id="unknown-action"),
    pytest.param({"action": "client_problem_check"}, "rule 'bad'", ["client_problem_check", "refused"],
                 id="refused-action"),
    pytest.param({"match": {"instance_name_regex": "web-(prod"}}, "rule 'bad'",
                 ["instance_name_regex", "web-(prod", "regular expression"], id="bad-regex"),
    pytest.param({"match": {}}, "rule 'bad'", ["match"], id="empty-match"),
    pytest.param({"match": None}, "rule 'bad'", ["match"], id="no-match"),
    pytest.param({"match": {"hostname": "web-1"}}, "rule 'bad'", ["'hostname'", "not an alert field"],
                 id="match-key-not-a-field"),
    pytest.param({"match": {"hostname_regex": "web"}}, "rule 'bad'", ["'hostname_regex'", "not an alert field"],
                 id="regex-key-not-a-field"),
    pytest.param({"match": {"AlarmEventType": "Unusual logon"}}, "rule 'bad'", ["'AlarmEventType'"],
                 id="match-key-in-camel-case"),
    pytest.param({"match": {"level": []}}, "rule 'bad'", ["match.level"], id="empty-one-of-list"),
    pytest.param({"action": "ignore", "params": {"block_duration": "7d"}}, "rule 'bad'",
                 ["ignore", "'block_duration'"], id="block_duration-on-ignore"),
    pytest.param({"action": "ignore", "params": {"sub_operation": "killByMd5andPath"}}, "rule 'bad'",
                 ["ignore", "'sub_operation'"], id="sub_operation-on-ignore"),
    pytest.param({"action": "block_ip", "params": {"block_duration": "7d", "whitelist_rules": []}}, "rule 'bad'",
                 ["block_ip", "'whitelist_rules'"], id="whitelist_rules-on-block_ip"),
    pytest.param({"action": "block_ip", "params": {"block_duration": "7d", "sub_operation": "killByMd5andPath"}},
                 "rule 'bad'", ["block_ip", "'sub_operation'"], id="sub_operation-on-block_ip"),
    pytest.param({"action": "ignore", "params": {"duration": "7d"}}, "rule 'bad'", ["'duration'"],
                 id="unknown-param"),
    pytest.param({"action": "none", "params": {"remark": "x"}}, "rule 'bad'", ["none", "params"],
                 id="params-on-none"),
    pytest.param({"action": "block_ip", "params": {"block_duration": "7x"}}, "rule 'bad'",
                 ["block_duration", "'7x'"], id="bad-block_duration"),
    pytest.param({"action": "block_ip", "params": {"expire_time": "2020-01-01T00:00:00Z"}}, "rule 'bad'",
                 ["expire_time", "2020-01-01T00:00:00Z", "in the past"], id="expire_time-in-the-past"),
    pytest.param({"action": "block_ip", "params": {"expire_time": "next tuesday"}}, "rule 'bad'",
                 ["expire_time", "next tuesday"], id="expire_time-not-a-time"),
    pytest.param({"action": "block_ip"}, "rule 'bad'", ["block_ip", "block_duration"], id="block_ip-without-duration"),
    pytest.param({"action": "kill_and_quara", "params": {"sub_operation": "killEverything"}}, "rule 'bad'",
                 ["sub_operation", "'killEverything'"], id="kill_and_quara-bad-sub_operation"),
    pytest.param({"action": "advance_mark_mis_info", "params": {"whitelist_rules": []}}, "rule 'bad'",
                 ["whitelist_rules must be a non-empty list"], id="advance_mark_mis_info-empty-whitelist_rules"),
    pytest.param({"action": "advance_mark_mis_info", "params": {"whitelist_rules": [
        {"field": "cmdline", "operate": "like", "value": "x"}]}}, "rule 'bad'", ["operate", "'like'"],
        id="whitelist-rule-bad-operate"),
    pytest.param({"action": "advance_mark_mis_info", "params": {"whitelist_rules": [
        {"field": "cmdline", "operate": "contains", "value": "x", "scop": "all"}]}}, "rule 'bad'",
        ["whitelist_rules[0]", "'scop'"], id="whitelist-rule-unknown-key"),
    pytest.param({"action": "advance_mark_mis_info", "params": {"whitelist_rules": [
        {"field": "cmdline", "operate": "regex", "value": "(x"}]}}, "rule 'bad'", ["whitelist_rules[0]", "(x"],
        id="whitelist-rule-bad-regex"),
    pytest.param({"action": "ignore", "params": {"remark": ""}}, "rule 'bad'", ["remark"], id="empty-remark"),
    pytest.param({"action": "ignore", "params": "remark"}, "rule 'bad'", ["params"], id="params-not-a-mapping"),
    pytest.param({"enabled": "no"}, "rule 'bad'", ["enabled", "'no'"], id="enabled-not-a-bool"),
    pytest.param({"action": None}, "rule 'bad'", ["action"], id="no-action"),
    pytest.param({"match": {"level": "critical"}}, "rule 'bad'",
                 ["match.level 'critical' is not a value sas_alert_info gives", "serious, suspicious, remind"],
                 id="level-critical"),
    pytest.param({"match": {"level": ["serious", "high"]}}, "rule 'bad'", ["match.level 'high'"],
                 id="level-one-of-unknown"),
    pytest.param({"match": {"status": "open"}}, "rule 'bad'", ["match.status 'open'", "pending"],
                 id="status-unknown"),
    pytest.param({"match": {"status": "pendng"}}, "rule 'bad'", ["(did you mean pending?)"], id="status-typo"),
    pytest.param({"match": {"event_status": 3}}, "rule 'bad'", ["match.event_status 3"], id="event_status-unknown"),
    pytest.param({"action": "block_ip", "params": {"block_duration": 7}}, "rule 'bad'",
                 ["params.block_duration must be non-empty text, got 7"], id="block_duration-a-number"),
    pytest.param({"action": "kill_and_quara", "params": {"sub_operation": ["killByMd5andPath"]}}, "rule 'bad'",
                 ["params.sub_operation must be non-empty text"], id="sub_operation-a-list"),
    pytest.param({"action": "ignore", "params": {"remark": 5}}, "rule 'bad'", ["params.remark must be non-empty text"],
                 id="remark-a-number"),
    pytest.param({"action": "advance_mark_mis_info", "params": {"whitelist_rules": "cmdline contains x"}},
                 "rule 'bad'", ["whitelist_rules must be a non-empty list"], id="whitelist_rules-text"),
]


@pytest.mark.parametrize("change, names, problem", MALFORMED)
def test_malformed_rule_is_refused_naming_rule_and_problem(change, names, problem):
    bad = rule("bad")
    bad.update(change)
    rules = [rule("fine", {"level": "serious"}, "ignore"), bad]
    with pytest.raises(PolicyError) as caught:
        check(rules)
    message = str(caught.value)
    assert names in message
    for part in problem:
        assert part in message, "%r not in %r" % (part, message)


@pytest.mark.parametrize("rules, parts", [
    pytest.param([rule("a"), {"match": {"level": "remind"}, "action": "ignore"}], ["#2", "no name"], id="no-name"),
    pytest.param([rule("a"), rule("", action="ignore")], ["#2", "no name"], id="empty-name"),
    pytest.param([rule("a"), rule("b"), rule("a")], ["#1", "#3", "'a'"], id="duplicate-name"),
    pytest.param([rule("a"), "ignore everything"], ["#2", "not a mapping"], id="rule-not-a-mapping"),
    pytest.param([rule("a"), ["ignore"]], ["#2", "not a mapping"], id="rule-is-a-list"),
    pytest.param({"name": "a", "match": {"level": "remind"}, "action": "ignore"}, ["must be a list", "dict"],
                 id="rules-not-a-list"),
    pytest.param("ignore everything", ["must be a list"], id="rules-are-text"),
])
def test_malformed_policy_structure_is_refused(rules, parts):
    with pytest.raises(PolicyError) as caught:
        check(rules)
    for part in parts:
        assert part in str(caught.value), "%r not in %r" % (part, str(caught.value))


def test_a_bad_rule_further_down_is_named_not_the_first():
    with pytest.raises(PolicyError, match=r"rule 'third': unknown action 'blok_ip' \(did you mean block_ip\?\)"):
        check([rule("first"), rule("second"), rule("third", action="blok_ip")])


def test_every_mistake_of_every_rule_is_reported_at_once():
    with pytest.raises(PolicyError) as caught:
        check([rule("first", {"level": "critical", "hostname": "web"}, "block_ip", params={"block_duration": 7}),
               rule("fine"),
               rule("third", {"status": "open"}, "blok_ip", enabled="yes", extra=1),
               {"match": {"level": "remind"}, "action": "ignore"},
               rule("fine")])
    assert caught.value.problems == [
        "rule 'first': match.level 'critical' is not a value sas_alert_info gives; it gives serious, suspicious, "
        "remind",
        "rule 'first': match key 'hostname' is not an alert field (did you mean name?) (sas_alert_info returns "
        "fields such as level, alarm_event_type, alarm_event_name_display, instance_name, uuid, status, details)",
        "rule 'first': params.block_duration must be non-empty text, got 7",
        "rule 'third': unknown key 'extra'; a rule takes name, match, action, params, fallback, enabled, description",
        "rule 'third': enabled must be true or false, got 'yes'",
        "rule 'third': unknown action 'blok_ip' (did you mean block_ip?); use one of " + ", ".join(TRIAGE_ACTIONS),
        "rule 'third': match.status 'open' is not a value sas_alert_info gives; it gives "
        + ", ".join(EVENT_STATUS_NAMES.values()),
        "rule #4 has no name: give each rule a unique name",
        "rules #2 and #5 are both named 'fine': give each rule its own name",
    ]
    assert str(caught.value) == "; ".join(caught.value.problems)


def test_two_rules_without_a_name_are_two_missing_names_not_a_repeated_one():
    with pytest.raises(PolicyError) as caught:
        check([rule(""), rule("")])
    assert caught.value.problems == ["rule #1 has no name: give each rule a unique name",
                                     "rule #2 has no name: give each rule a unique name"]


def test_known_values_are_accepted_as_text_or_numbers():
    [checked] = check([rule("ok", {"level": ["serious", "remind"], "status": "pending", "event_status": "1"})])
    assert checked.matches(make_alert(1, level="remind"))


def test_an_unknown_alert_type_is_a_warning_not_an_error():
    checked = check([rule("site-wording", {"alarm_event_type": ["Unusual logon", "Unusal logon", "异常登录"]}),
                     rule("regex", {"alarm_event_type_regex": "anything"}),
                     rule("known", {"alarm_event_type_display": "Web shell"})])
    assert policy_warnings(checked) == [
        "rule 'site-wording': match.alarm_event_type 'Unusal logon' is none of the alert types this collection knows "
        "(did you mean Unusual logon?); the service's wording differs by site and language, so the rule is kept: "
        "check that it matches what sas_alert_info returns"]


@pytest.mark.parametrize("action", UNDO_OPERATIONS)
def test_undo_actions_are_refused_even_though_sas_alert_handle_knows_them(action):
    with pytest.raises(PolicyError, match="rule 'undo': action %s undoes handling" % action):
        check([rule("undo", action=action)])


# --- matching ----------------------------------------------------------------------------------

def test_scalar_means_equal():
    rules = [rule("serious", {"level": "serious"})]
    assert first_match(rules, make_alert(level="serious")) == "serious"
    assert first_match(rules, make_alert(level="suspicious")) is None


def test_list_means_one_of():
    rules = [rule("loud", {"level": ["serious", "suspicious"]})]
    assert first_match(rules, make_alert(level="serious")) == "loud"
    assert first_match(rules, make_alert(level="suspicious")) == "loud"
    assert first_match(rules, make_alert(level="remind")) is None


def test_regex_is_a_search_not_a_full_match():
    rules = [rule("prod", {"instance_name_regex": "prod"})]
    assert first_match(rules, make_alert(host="web-prod-01")) == "prod"
    assert first_match(rules, make_alert(host="web-staging-01")) is None
    anchored = [rule("jump", {"instance_name_regex": "^jump-"})]
    assert first_match(anchored, make_alert(host="jump-01")) == "jump"
    assert first_match(anchored, make_alert(host="web-jump-01")) is None


def test_regex_on_a_chinese_alert_name():
    rules = [rule("backdoor", {"alarm_event_name_display_regex": "后门|Webshell"})]
    assert first_match(rules, make_alert(kind=("网站后门", "发现后门(Webshell)文件"))) == "backdoor"
    assert first_match(rules, make_alert(kind=("异常登录", "异地登录"))) is None


# The pattern is the user's, the text is the attacker's: a server named to make a backtracking engine
# run for ever. In a child process, so that a regression fails after the timeout instead of hanging.
CATASTROPHIC = """
import sys, time
from triage_samples import make_alert
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy
rules = check_policy([{"name": "names", "match": {"instance_name_regex": "^([a-z0-9]+-?)+$"}, "action": "ignore"}])
started = time.monotonic()
matched = rules[0].matches({"instance_name": "a" * %d + "!"})
print(matched, time.monotonic() - started)
"""


@pytest.mark.parametrize("length", [40, 100_000])
def test_a_catastrophic_pattern_on_a_crafted_name_returns_at_once(length):
    import subprocess
    import sys
    from pathlib import Path
    here = Path(__file__).resolve()
    code = "import sys; sys.path[:0] = %r\n" % [str(here.parents[2]), *sys.path] + CATASTROPHIC % length
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("matching ^([a-z0-9]+-?)+$ against a %d-character crafted name did not return in 30 s" % length)
    assert done.returncode == 0, done.stderr
    matched, seconds = done.stdout.split()
    assert matched == "False" and float(seconds) < 1.0


@pytest.mark.parametrize("pattern, why", [
    (r"(web)-\1", "backreference"),
    (r"^(?!bastion-)", "lookaround"),
])
def test_a_pattern_re2_cannot_bound_is_refused_naming_the_rule(pattern, why):
    with pytest.raises(PolicyError) as refused:
        check([rule("tricky", {"instance_name_regex": pattern})])
    message = str(refused.value)
    assert "rule 'tricky'" in message and "match.instance_name_regex" in message and "RE2" in message, why


def test_all_conditions_must_hold():
    rules = [rule("both", {"level": "serious", "alarm_event_type": "Unusual logon", "internet_ip_regex": r"^203\."})]
    assert first_match(rules, make_alert(level="serious")) == "both"
    assert first_match(rules, make_alert(level="suspicious")) is None
    assert first_match(rules, make_alert(level="serious", kind=WEBSHELL)) is None
    assert first_match(rules, make_alert(level="serious", ip="198.51.100.7")) is None


def test_a_missing_field_never_matches():
    alert = make_alert()
    del alert["internet_ip"]
    assert first_match([rule("ip", {"internet_ip_regex": "."})], alert) is None
    assert first_match([rule("ip", {"internet_ip": "203.0.113.10"})], alert) is None


def test_numbers_compare_with_their_text():
    # YAML gives 101 where a rule writer may have quoted "101"
    assert first_match([rule("by-id", {"id": "101"})], make_alert(alert_id=101)) == "by-id"
    assert first_match([rule("by-id", {"id": [7, 101]})], make_alert(alert_id=101)) == "by-id"
    assert first_match([rule("by-status", {"event_status": 1})], make_alert()) == "by-status"
    assert first_match([rule("by-id", {"id": 102})], make_alert(alert_id=101)) is None


def test_the_first_enabled_matching_rule_decides():
    rules = [
        rule("not-this", {"level": "remind"}, "ignore"),
        rule("disabled", {"level": "serious"}, "ignore", enabled=False),
        rule("exclude-jump", {"instance_name_regex": "^jump-"}, "none"),
        rule("block", {"alarm_event_type": "Unusual logon"}, "block_ip", params={"block_duration": "7d"}),
        rule("catch-all", {"level": ["serious", "suspicious", "remind"]}, "manual_handled"),
    ]
    assert first_match(rules, make_alert(level="serious", host="jump-01")) == "exclude-jump"
    assert first_match(rules, make_alert(level="serious")) == "block"
    assert first_match(rules, make_alert(level="serious", kind=WEBSHELL)) == "catch-all"
    assert first_match(rules, make_alert(level="remind")) == "not-this"


def test_a_disabled_rule_is_still_checked():
    with pytest.raises(PolicyError, match="rule 'off'"):
        check([rule("off", action="ignor", enabled=False)])


# --- matching on details (by a detail's displayed name) ------------------------------------------

def logon_details(user="root", cmdline=None, language="en"):
    names = {"en": ("Logon source IP", "Logon user", "Command line"),
             "zh": ("登录源IP", "登录用户", "命令行")}[language]
    rows = [{"name_display": names[0], "type": "text", "value": "198.51.100.179", "value_display": "198.51.100.179"},
            {"name_display": names[1], "type": "text", "value": user, "value_display": user}]
    if cmdline is not None:
        rows.append({"name_display": names[2], "type": "text", "value": cmdline, "value_display": cmdline})
    return make_alert(details=rows)


def test_details_match_a_named_row_by_value_or_one_of_values():
    assert first_match([rule("root", {"details": {"Logon user": "root"}})], logon_details()) == "root"
    assert first_match([rule("root", {"details": {"Logon user": "root"}})], logon_details("deploy")) is None
    # a value another row has is no match: the name decides which row
    assert first_match([rule("ip", {"details": {"Logon user": "198.51.100.179"}})], logon_details()) is None
    assert first_match([rule("admins", {"details": {"Logon user": ["admin", "root"]}})], logon_details()) == "admins"
    # the name as the service shows it, case and surrounding spaces aside; in the run's language
    assert first_match([rule("r", {"details": {" logon USER ": "root"}})], logon_details()) == "r"
    assert first_match([rule("r", {"details": {"登录用户": "root"}})], logon_details(language="zh")) == "r"
    assert first_match([rule("r", {"details": {"Logon user": "root"}})], logon_details(language="zh")) is None


def test_details_regex_and_every_named_detail_must_hold():
    rules = [rule("curl-sh", {"details": {"Logon user": "root"},
                              "details_regex": {"Command line": r"curl .*[|] *(ba)?sh"}})]
    assert first_match(rules, logon_details(cmdline="curl http://x | bash")) == "curl-sh"
    assert first_match(rules, logon_details("deploy", cmdline="curl http://x | bash")) is None
    assert first_match(rules, logon_details(cmdline="wget http://x")) is None
    assert first_match(rules, logon_details()) is None  # no Command line row: no match
    assert first_match(rules, make_alert()) is None  # no details at all


def test_details_are_given_back_as_written():
    match = {"details": {"Logon user": ["root", "admin"]}, "details_regex": {"Command line": "curl"},
             "level": "serious"}
    assert check([rule("d", match)])[0].to_dict()["match"] == match


@pytest.mark.parametrize("match, message", [
    ({"details": "root"}, "match.details must be a mapping from a detail's displayed name"),
    ({"details": {}}, "match.details must be a mapping"),
    ({"details": ["Logon user", "root"]}, "match.details must be a mapping"),
    ({"details_regex": "curl"}, "match.details_regex must be a mapping from a detail's displayed name (as in the "
                                "alert's details, in the run's language) to a regular expression"),
    ({"details": {"Logon user": {"is": "root"}}}, "match.details.Logon user must be a value, a list of values"),
    ({"details": {"Logon user": []}}, "match.details.Logon user must be a non-empty list of values"),
    ({"details": {"": "root"}}, "match.details has a name ''"),
    ({"details_regex": {"Command line": "(curl"}}, "match.details_regex.Command line '(curl' is not a regular "
                                                   "expression RE2 accepts"),
])
def test_malformed_details_are_refused_naming_the_rule_and_the_detail(match, message):
    with pytest.raises(PolicyError) as refused:
        check([rule("by-detail", match)])
    assert "rule 'by-detail': " + message in str(refused.value)


def test_every_mistake_in_details_is_named_at_once():
    with pytest.raises(PolicyError) as refused:
        check([rule("d", {"details": {"A": [], "B": {"x": 1}}, "details_regex": {"C": "(x"}})])
    assert len(refused.value.problems) == 3


# --- fallback: what to do when the action fails with given result codes -------------------------------------

KILL = {"sub_operation": "killAndQuaraFileByMd5andPath"}


def test_a_fallback_is_checked_like_an_action_and_kept():
    checked = check([rule("malware", action="kill_and_quara", params=KILL,
                          fallback={"action": "virus_quara_bin", "on": ["ProcessNotExist", " AgentOffline "]})])[0]
    assert checked.fallback == {"action": "virus_quara_bin", "params": {}, "on": ["ProcessNotExist", "AgentOffline"]}
    assert checked.to_dict()["fallback"] == checked.fallback
    # the same action with other params is a fallback too
    assert check([rule("m", action="kill_and_quara", params=KILL, fallback={
        "action": "kill_and_quara", "params": {"sub_operation": "quaraFileByMd5andPath"}, "on": ["x"]})])[0].fallback


@pytest.mark.parametrize("fallback, message", [
    ("virus_quara_bin", "fallback must be a mapping {action, params, on}"),
    ({"action": "virus_quara_bin"}, "fallback.on must be a non-empty list of result codes"),
    ({"action": "virus_quara_bin", "on": "ProcessNotExist"}, "fallback.on must be a non-empty list"),
    ({"action": "virus_quara_bin", "on": [""]}, "fallback.on must be a non-empty list"),
    ({"action": "virus_quara", "on": ["x"], "when": "y"}, "fallback: unknown key 'when'; a fallback takes action, "
                                                          "params, on"),
    ({"action": "virus_quara_bim", "on": ["x"]}, "fallback: unknown action 'virus_quara_bim' (did you mean "
                                                 "virus_quara_bin?)"),
    ({"action": "none", "on": ["x"]}, "fallback: action none would do nothing"),
    ({"action": "rm_mark_mis_info", "on": ["x"]}, "fallback: action rm_mark_mis_info undoes handling"),
    ({"action": "block_ip", "on": ["x"]}, "fallback: params: operation=block_ip needs block_duration"),
    ({"action": "quara", "params": {"sub_operation": "x"}, "on": ["x"]},
     "fallback: action quara does not take 'sub_operation'"),
    ({"action": "kill_and_quara", "params": KILL, "on": ["x"]}, "fallback repeats the rule's own action and params"),
])
def test_a_malformed_fallback_is_refused_naming_the_rule(fallback, message):
    with pytest.raises(PolicyError) as refused:
        check([rule("malware", action="kill_and_quara", params=KILL, fallback=fallback)])
    assert "rule 'malware': " + message in str(refused.value)


def test_a_rule_that_sends_nothing_has_no_fallback():
    with pytest.raises(PolicyError, match="fallback: action none sends nothing, so nothing can fail"):
        check([rule("jump", action="none", fallback={"action": "ignore", "on": ["x"]})])


def test_a_fallback_written_in_yaml_takes_its_bare_on_key():
    # YAML 1.1 (PyYAML, Ansible) reads `on:` as the boolean true: the policy as a person writes it must work
    import yaml

    rules = yaml.safe_load("""
- name: malware
  match: {level: serious}
  action: kill_and_quara
  params: {sub_operation: killAndQuaraFileByMd5andPath}
  fallback: {action: virus_quara_bin, on: [ProcessNotExist]}
""")
    assert True in rules[0]["fallback"]
    assert check(rules)[0].fallback == {"action": "virus_quara_bin", "params": {}, "on": ["ProcessNotExist"]}
