# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A policy file is data: read from where the path says, parsed safely, never templated, and it
sets the policy and nothing else. The triage's settings are checked whole before any call."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
from triage_samples import NOW_MS

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.policy_file import MAX_BYTES, read_policy_file
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import PolicyError
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_settings import check_settings

RULE = "sas_triage_rules:\n  - {name: ignore-reminders, match: {level: remind}, action: ignore}\n"
TEMPLATED = "{{ lookup('pipe', 'touch /tmp/sas-policy-templated') }}"


def write(directory, text, name="policy.yml"):
    path = directory / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def refused(path, cwd=None):
    with pytest.raises(PolicyError) as error:
        read_policy_file(str(path), cwd=cwd)
    return str(error.value)


def settings(**given):
    values = {"policy_file": "", "rules": None, "max_actions": 100, "report_dir": "reports",
              "audit_log": "reports/triage-audit.jsonl"}
    values.update(given)
    return values


# --- read as data -----------------------------------------------------------------------------

def test_a_relative_path_is_taken_from_the_working_directory(tmp_path):
    write(tmp_path, RULE)
    read = read_policy_file("./policy.yml", cwd=str(tmp_path))
    assert read.path == str(tmp_path / "policy.yml")
    assert read.rules == [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]
    assert read.sha256 == hashlib.sha256(RULE.encode()).hexdigest()


def test_a_relative_path_without_cwd_is_the_process_working_directory(tmp_path, monkeypatch):
    write(tmp_path, RULE)
    monkeypatch.chdir(tmp_path)
    assert read_policy_file("policy.yml").path == str(tmp_path / "policy.yml")


def test_templates_stay_text(tmp_path):
    text = "sas_triage_rules:\n  - name: \"%s\"\n    match: {level: remind}\n    action: ignore\n" % TEMPLATED
    assert read_policy_file(str(write(tmp_path, text))).rules[0]["name"] == TEMPLATED


def test_aliases_that_stay_small_are_fine(tmp_path):
    text = ("sas_triage_rules:\n"
            "  - {name: a, match: &serious {level: serious}, action: ignore}\n"
            "  - {name: b, match: *serious, action: ignore}\n")
    rules = read_policy_file(str(write(tmp_path, text))).rules
    assert rules[1]["match"] == {"level": "serious"}


@pytest.mark.parametrize("text, expected", [
    pytest.param(RULE + "sas_triage_confirm: false\n",
                 ["unknown key 'sas_triage_confirm'", "sets only sas_triage_rules"], id="sets-confirm"),
    pytest.param(RULE + "sas_connection: {endpoint: 'http://203.0.113.9'}\n", ["unknown key 'sas_connection'"],
                 id="sets-endpoint"),
    pytest.param(RULE.replace("sas_triage_rules", "sas_triage_rule"),
                 ["unknown key 'sas_triage_rule'", "did you mean sas_triage_rules?"], id="typo"),
    pytest.param("", ["must be a mapping", "an empty file"], id="empty-file"),
    pytest.param("# only a comment\n", ["an empty file"], id="only-comments"),
    pytest.param("sas_triage_rules: null\n", ["non-empty list of rules, got nothing"], id="rules-null"),
    pytest.param("sas_triage_rules: []\n", ["non-empty list of rules, got an empty list"], id="rules-empty"),
    pytest.param("- {name: a}\n", ["must be a mapping", "got list"], id="a-list"),
    pytest.param("sas_triage_rules: [\n", ["is not valid YAML", "line"], id="not-yaml"),
    pytest.param(RULE + "sas_triage_rules: []\n", ["key 'sas_triage_rules' appears twice", "lines 1 and 3"],
                 id="repeated-key"),
    pytest.param("sas_triage_rules:\n  - {name: a, name: b, match: {level: remind}, action: ignore}\n",
                 ["key 'name' appears twice"], id="repeated-rule-key"),
    pytest.param("sas_triage_rules: !!python/object/apply:os.system ['id']\n", ["is not valid YAML"],
                 id="python-object"),
    pytest.param("sas_triage_rules: !unsafe '{{ x }}'\n", ["is not valid YAML"], id="ansible-tag"),
    pytest.param("sas_triage_rules: &a [*a]\n", ["an alias refers to a value that holds it"], id="recursive-alias"),
    pytest.param(b"sas_triage_rules: \xff\xfe\n", ["is not UTF-8 text (byte 18)"], id="not-utf8"),
])
def test_a_file_that_is_not_a_policy_is_refused(tmp_path, text, expected):
    message = refused(write(tmp_path, text))
    assert str(tmp_path / "policy.yml") in message
    for fragment in expected:
        assert fragment in message


def test_a_billion_laughs_is_refused_without_expanding_it(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += ["a%d: &a%d [%s]" % (n, n, ", ".join(["*a%d" % (n - 1)] * 10)) for n in range(1, 9)]
    message = refused(write(tmp_path, "\n".join(lines) + "\n"))
    assert "once its aliases are expanded" in message


def test_a_file_too_big_is_refused(tmp_path):
    assert "more than the %d bytes" % MAX_BYTES in refused(write(tmp_path, RULE + "#" * MAX_BYTES))


def test_a_missing_file_names_the_directory_it_was_looked_for_in(tmp_path):
    message = refused("policies/example.yml", cwd=str(tmp_path))
    assert str(tmp_path / "policies" / "example.yml") in message and "no such file" in message


def test_a_directory_is_refused(tmp_path):
    assert "is a directory" in refused(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_says_so(tmp_path):
    path = write(tmp_path, RULE)
    path.chmod(0)
    assert "permission denied" in refused(path)


def test_a_fifo_is_refused_at_once(tmp_path):
    path = tmp_path / "policy.yml"
    os.mkfifo(path)
    outcome = {}
    reader = threading.Thread(target=lambda: outcome.setdefault("message", refused(path)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock the reader so the test run can end
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO as the policy file blocked")
    assert "not a regular file" in outcome["message"]


# --- the run's settings ------------------------------------------------------------------------

def test_settings_from_a_file_resolve_every_path_from_the_working_directory(tmp_path):
    write(tmp_path, RULE)
    checked = check_settings(settings(policy_file="policy.yml"), cwd=str(tmp_path), now_ms=NOW_MS)
    assert checked["problems"] == []
    assert checked["rules"][0]["name"] == "ignore-reminders"
    assert checked["policy_file"] == str(tmp_path / "policy.yml") and len(checked["policy_sha256"]) == 64
    assert checked["report_dir"] == str(tmp_path / "reports")
    assert checked["audit_log"] == str(tmp_path / "reports" / "triage-audit.jsonl")
    assert checked["max_actions"] == 100


def test_a_bare_audit_file_name_is_in_the_working_directory(tmp_path):
    checked = check_settings(settings(rules=[{"name": "r", "match": {"level": "remind"}, "action": "ignore"}],
                                      audit_log="audit.jsonl"), cwd=str(tmp_path))
    assert checked["problems"] == [] and checked["audit_log"] == str(tmp_path / "audit.jsonl")


@pytest.mark.parametrize("given, expected", [
    pytest.param({}, "no policy: set sas_triage_policy_file", id="no-policy"),
    pytest.param({"rules": []}, "sas_triage_rules must be a non-empty list of rules, got an empty list",
                 id="empty-rules"),
    pytest.param({"policy_file": "policy.yml", "rules": [{"name": "r"}]}, "give the policy in one place",
                 id="both"),
    pytest.param({"policy_file": "policy.yml", "rules": []}, "give the policy in one place", id="both-empty-rules"),
    pytest.param({"max_actions": True}, "sas_triage_max_actions must be a whole number, 0 or more", id="cap-true"),
    pytest.param({"max_actions": -1}, "got -1", id="cap-negative"),
    pytest.param({"max_actions": "inf"}, "got 'inf'", id="cap-inf"),
    pytest.param({"max_actions": float("inf")}, "got inf", id="cap-float-inf"),
    pytest.param({"max_actions": 2.5}, "got 2.5", id="cap-fraction"),
    pytest.param({"report_dir": ""}, "sas_triage_report_dir must be a path", id="report-dir-empty"),
    pytest.param({"audit_log": "."}, "sas_triage_audit_log", id="audit-log-a-directory"),
])
def test_a_setting_that_cannot_work_is_named(tmp_path, given, expected):
    write(tmp_path, RULE)
    if "policy_file" not in given and "rules" not in given and given:
        given = dict(given, policy_file="policy.yml")
    checked = check_settings(settings(**given), cwd=str(tmp_path), now_ms=NOW_MS)
    assert any(expected in problem for problem in checked["problems"]), checked["problems"]


def test_every_problem_is_named_at_once(tmp_path):
    checked = check_settings(settings(max_actions=-1, report_dir=""), cwd=str(tmp_path))
    assert len(checked["problems"]) == 3  # no policy, the cap, the report directory


def test_every_mistake_of_the_policy_is_a_problem_of_its_own_and_an_unknown_type_a_warning(tmp_path):
    write(tmp_path, "sas_triage_rules:\n"
                    "  - {name: crit, match: {level: critical}, action: ignore}\n"
                    "  - {name: typed, match: {alarm_event_type: Unusal logon}, action: ignore}\n"
                    "  - {name: blocker, match: {status: open}, action: block_ip, params: {block_duration: 7}}\n")
    checked = check_settings(settings(policy_file="policy.yml", max_actions=-1), cwd=str(tmp_path), now_ms=NOW_MS)
    assert [problem.split(":")[:2] for problem in checked["problems"]] == [
        ["triage policy", " rule 'crit'"], ["triage policy", " rule 'blocker'"], ["triage policy", " rule 'blocker'"],
        ["sas_triage_max_actions must be a whole number, 0 or more (the most alerts one run may handle), got -1."]]
    assert "match.status 'open'" in checked["problems"][1] and "params.block_duration" in checked["problems"][2]


def test_an_unknown_alert_type_is_a_warning_of_an_accepted_policy(tmp_path):
    write(tmp_path, "sas_triage_rules:\n  - {name: typed, match: {alarm_event_type: 异地登录}, action: ignore}\n")
    checked = check_settings(settings(policy_file="policy.yml"), cwd=str(tmp_path), now_ms=NOW_MS)
    assert checked["problems"] == [] and checked["rules"][0]["name"] == "typed"
    assert len(checked["warnings"]) == 1 and "rule 'typed': match.alarm_event_type '异地登录'" in checked["warnings"][0]


def test_cap_given_as_text_on_the_command_line_is_a_number(tmp_path):
    write(tmp_path, RULE)
    assert check_settings(settings(policy_file="policy.yml", max_actions="50"), cwd=str(tmp_path))["max_actions"] == 50


def test_a_bad_rule_in_the_file_is_named(tmp_path):
    write(tmp_path, "sas_triage_rules:\n  - {name: blocker, match: {level: remind}, action: block}\n")
    problems = check_settings(settings(policy_file="policy.yml"), cwd=str(tmp_path))["problems"]
    assert problems == ["triage policy: rule 'blocker': unknown action 'block' (did you mean block_ip?); use one of "
                        + problems[0].split("use one of ")[1]]


def test_the_shipped_example_policy_is_accepted_as_written():
    # read from the file as users copy it, so YAML's own readings (a bare `on` is true) are met here first
    example = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "playbooks", "policies", "example.yml")
    checked = check_settings({"policy_file": os.path.abspath(example), "max_actions": 100, "report_dir": "r",
                              "audit_log": "r/a", "retry_failed_after": "6h"}, now_ms=NOW_MS)
    assert checked["problems"] == [] and checked["warnings"] == []
    fallback = next(rule["fallback"] for rule in checked["rules"] if rule["fallback"])
    assert fallback == {"action": "virus_quara_bin", "params": {}, "on": ["ProcessNotExist"]}
