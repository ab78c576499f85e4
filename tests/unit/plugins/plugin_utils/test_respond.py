# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The respond workflow (issue 21): the choice checked before any call, each alert shown with what the service
allows it now and the recommended action, the choice planned as the groups of one sas_alert_handle call, and the
summary in the words of the alert-handler skill."""

from __future__ import annotations

import os

import pytest
from triage_samples import API_CALL, LOGON, LOGON_DETAILS, MINER, NOW_MS, WEBSHELL, make_alert

from ansible_collections.alibabacloud.sas.plugins.filter.triage_handle_groups import triage_handle_groups
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import (
    check_settings,
    plan_response,
    read_choice,
    view_alerts,
    view_lines,
    widen,
)
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond_summary import summarize
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import recommend

STARTED = "2027-01-15T08:00:00Z"
SETTINGS = {"choice": "", "operation": "", "params": {}, "alert_ids": [1], "filters": None, "similar": None,
            "notify": None, "report_dir": "reports", "audit_log": "reports/respond-audit.jsonl"}


def offered(alert_id, *allowed, refused=()):
    """sas_alert_operations_info's entry for one alert: allowed with UserCanOperate true, refused with false."""
    operations = [{"operation_code": code, "user_can_operate": True} for code in allowed]
    operations += [{"operation_code": code, "user_can_operate": False} for code in refused]
    return {"id": alert_id, "found": True, "operations": operations}


def sample_view():
    """Two logons (block_ip allowed on one), a web shell, a cloud API call (review), a handled alert, a missing id."""
    alerts = [make_alert(1, LOGON, details=LOGON_DETAILS), make_alert(2, LOGON), make_alert(3, WEBSHELL),
              make_alert(4, API_CALL), make_alert(5, MINER, status="ignored")]
    operations = [offered(1, "block_ip", "ignore"), offered(2, "ignore", refused=("block_ip",)),
                  offered(3, "quara", "ignore"), offered(4, "ignore"), offered(5, "rm_mark_mis_info")]
    return view_alerts(alerts, operations, missing_ids=[9])


def choice(word, operation=None, params=None):
    checked = read_choice(word, operation, params, now_ms=NOW_MS)
    assert checked["problems"] == []
    return checked


def by_id(entries):
    return {entry["id"]: entry for entry in entries}


@pytest.mark.parametrize("given, chosen", [
    ("1", "recommended"), ("2", "custom"), ("3", "cancel"), (" Recommended ", "recommended"), ("cancel", "cancel"),
    ("", None), (None, None),
])
def test_a_choice_is_a_word_or_the_menu_s_number(given, chosen):
    operation = "ignore" if chosen == "custom" else None
    assert read_choice(given, operation)["choice"] == chosen


@pytest.mark.parametrize("word, operation, params, expected", [
    ("4", None, None, 'sas_respond_choice "4" is none of recommended, custom, cancel (at the prompt: 1, 2 or 3)'),
    ("custom", None, None, "sas_respond_choice=custom needs sas_respond_operation"),
    ("custom", "ignroe", None, 'sas_respond_operation "ignroe" is not an operation code (did you mean ignore?); '
                               "use one of block_ip, "),
    ("custom", "none", None, "(cancel handles nothing)"),
    ("custom", "cancle_manual", None, "sas_respond_operation: action cancle_manual undoes handling"),
    ("custom", "client_problem_check", None, "sas_respond_operation: action client_problem_check is refused"),
    ("custom", "block_ip", None, "sas_respond_params: params: operation=block_ip needs block_duration"),
    ("custom", "block_ip", {"duration": "1d"}, "sas_respond_params: action block_ip does not take 'duration'; "
                                               "it takes remark, block_duration, expire_time"),
    ("custom", "block_ip", "block_duration=99d", "longer than 30 days"),
    ("custom", "ignore", "{not json", 'sas_respond_params "{not json" is not a JSON object'),
    ("custom", "ignore", "remark", "is neither key=value pairs"),
    ("recommended", "ignore", None, "sas_respond_operation and sas_respond_params are for sas_respond_choice=custom"),
])
def test_a_bad_choice_names_the_variable_and_the_valid_values(word, operation, params, expected):
    problems = read_choice(word, operation, params, now_ms=NOW_MS)["problems"]
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("typed, params", [
    ("block_duration=1d", {"block_duration": "1d"}),
    ('block_duration=1d remark="seen by the on-call"', {"block_duration": "1d", "remark": "seen by the on-call"}),
    ('{"block_duration": "6h"}', {"block_duration": "6h"}),
    ({"block_duration": "7d"}, {"block_duration": "7d"}),
])
def test_custom_params_come_as_typed_at_the_prompt_or_as_a_mapping(typed, params):
    assert choice("2", "block_ip", typed)["params"] == params


def test_settings_name_the_alerts_in_one_place_and_resolve_paths(tmp_path):
    checked = check_settings(SETTINGS, cwd=str(tmp_path))
    assert checked["problems"] == []
    assert checked["report_dir"] == os.path.join(str(tmp_path), "reports")
    assert checked["audit_log"] == os.path.join(str(tmp_path), "reports", "respond-audit.jsonl")
    both = check_settings(dict(SETTINGS, filters={"levels": ["serious"]}), cwd=str(tmp_path))["problems"]
    neither = check_settings(dict(SETTINGS, alert_ids=None), cwd=str(tmp_path))["problems"]
    assert check_settings(dict(SETTINGS, similar="same_ip"))["problems"] == []
    assert check_settings(dict(SETTINGS, similar="same-ip"))["problems"] == [
        'sas_respond_similar "same-ip" is none of default, same_ip, same_file_content, same_url (or null, to widen '
        'nothing).']
    assert both == neither == ["Say which alerts in one place: sas_respond_alert_ids (ids) or sas_respond_filters (as "
                               "sas_alert_info takes them), not both and not neither."]


def test_each_alert_has_the_operations_the_service_allows_now_and_the_triage_s_recommendation():
    entries = by_id(sample_view())
    assert entries[2]["allowed"] == ["ignore"]  # block_ip offered, but UserCanOperate false
    assert entries[1]["recommended"] == recommend(make_alert(1, LOGON))
    assert entries[1]["evidence"]["source_ip"] == "198.51.100.179"
    assert entries[9] == {"id": 9, "found": False, "allowed": []}
    lines = view_lines(list(entries.values()), total_count=7)
    assert lines[0] == "Alert list (5 in total), the first 5 of 7 that match: narrow sas_respond_filters for the " \
                       "others:"
    first = lines[1:lines.index("[Alert 2] ID: 2")]
    assert first == [
        "[Alert 1] ID: 1", "- Name: ECS login from unusual location", "- Type: Unusual logon",
        "- Severity: suspicious", "- Asset: web-prod-01 (203.0.113.10)", "- Status: pending",
        "- Time: last 2027-01-15 07:55:00 (UTC+8)", "- Evidence: source IP 198.51.100.179, user deploy",
        "- Allowed now: block_ip, ignore", "- Recommended action: block_ip (block_duration=7d)",
        "- Reason: a logon from an unusual place: block the source IP for 7 days"]
    assert "- Recommended action: block_ip (block_duration=7d) - not allowed now" in lines
    assert "- Recommended action: none - a person reviews it" in lines
    assert lines[-1] == "[Alert 6] ID: 9 - not found: the service does not know it"


def test_alert_text_is_shown_escaped_never_raw():
    hostile = make_alert(1, ("Unusual logon", "login\n[Alert 2] ID: 666\x1b]0;owned\x07"), host="web\u202e10-bew",
                         details=[{"name_display": "Logon user", "value": "root\r\nroot"}])
    lines = view_lines(view_alerts([hostile], [offered(1, "ignore")]))
    assert "- Name: login\\n[Alert 2] ID: 666\\x1b]0;owned\\x07" in lines
    assert "- Asset: web\\u202e10-bew (203.0.113.10)" in lines and "- Evidence: user root\\r\\nroot" in lines
    assert not any(char in line for line in lines for char in "\n\r\x1b\x07\u202e")


def test_similar_alerts_join_the_listed_ones_once_and_say_which_alert_and_scenario_brought_them():
    similar = {"scenario": "same_ip", "alerts": [make_alert(2), make_alert(3), make_alert(5)],  # pending, each once
               "groups": [{"alert_id": 1, "similar_ids": [2, 3, 6]},  # 6 no longer pending: not in alerts
                          {"alert_id": 4, "similar_ids": [3, 1, 5]},
                          {"alert_id": 7, "similar_ids": [], "reason": "Security Center does not know alert 7"}]}
    widened = widen([make_alert(1), make_alert(4)], similar)
    assert [alert["id"] for alert in widened["alerts"]] == [1, 4, 2, 3, 5]
    assert widened["similar_to"] == {"2": {"id": 1, "scenario": "same_ip"}, "3": {"id": 1, "scenario": "same_ip"},
                                     "5": {"id": 4, "scenario": "same_ip"}}
    entries = view_alerts(widened["alerts"], [offered(i, "ignore") for i in (1, 2, 3, 4, 5)], [],
                          widened["similar_to"])
    assert "[Alert 3] ID: 2 - similar to 1 (same_ip)" in view_lines(entries)
    assert widen([make_alert(1)], {"skipped": True}) == {"alerts": [make_alert(1)], "similar_to": {}}


def test_recommended_sends_each_alert_its_own_action_where_the_service_allows_it():
    plan = plan_response(sample_view(), choice("1"), started_at=STARTED)
    assert {entry["id"]: entry["disposition"] for entry in plan["alerts"]} == {
        1: "send", 2: "unsupported", 3: "send", 4: "review", 5: "already_handled", 9: "not_found"}
    assert [(group["action"], group["params"], group["alert_ids"]) for group in plan["groups"]] == [
        ("block_ip", {"block_duration": "7d"}, [1]), ("quara", {}, [3])]
    assert plan["groups"][0]["note"] == "alibabacloud.sas %s respond run of %s: recommended, action block_ip" % (
        COLLECTION_VERSION, STARTED)
    assert plan["groups"][0]["remark"] == "alibabacloud.sas respond: recommended"
    assert plan["lines"] == [
        "Chosen: recommended. Sending 2 alerts in one call:",
        "  block_ip (block_duration=7d) x 1: 1",
        "  quara x 1: 3",
        "  not sent: [Alert 2] block_ip is not allowed now; allowed: ignore",
        "  not sent: [Alert 4] no recommended action: cloud product alerts are case by case: "
        "ignore only after review",
        "  not sent: [Alert 5] no longer pending (ignored)",
        "  not sent: [Alert 9] not found: the service does not know it"]
    # the triage's groups filter takes them as they are: one sas_alert_handle call
    handle = triage_handle_groups(plan["groups"], notes=False)
    assert handle[0] == {"operation": "block_ip", "alert_ids": [1], "block_duration": "7d",
                         "remark": "alibabacloud.sas respond: recommended", "note": None,
                         "audit_context": {"rules": ["respond: recommended"], "fallback_of": []}}


def test_custom_sends_one_operation_to_every_alert_that_allows_it_and_names_what_the_others_allow():
    plan = plan_response(sample_view(), choice("custom", "block_ip", {"block_duration": "1d", "remark": "on-call"}))
    assert [(group["action"], group["alert_ids"], group["remark"]) for group in plan["groups"]] == [
        ("block_ip", [1], "on-call")]
    entries = by_id(plan["alerts"])
    assert entries[3]["disposition"] == "unsupported" and entries[4]["disposition"] == "unsupported"
    assert "  not sent: [Alert 3] block_ip is not allowed now; allowed: quara, ignore" in plan["lines"]


@pytest.mark.parametrize("word, disposition, first_line", [
    ("cancel", "cancelled", "Cancelled: nothing is sent."),
    (None, "not_chosen", "Nothing chosen (no terminal, as under AWX or cron, or an empty answer): nothing was sent. "
                         "To choose unattended: -e sas_respond_choice=recommended | custom | cancel"),
])
def test_cancel_or_no_choice_sends_nothing(word, disposition, first_line):
    plan = plan_response(sample_view(), choice(word))
    assert plan["groups"] == []
    assert {entry["disposition"] for entry in plan["alerts"] if entry["found"]} == {disposition}
    assert plan["lines"][0].startswith(first_line)


def result(alert_id, outcome, operation, error_code=None, **fields):
    entry = {"id": alert_id, "outcome": outcome, "operation": operation, "task_id": 7, "error_code": error_code,
             "status_after": "handled", "reason": None, "hint": None, "note": None}
    entry.update(fields)
    return entry


def test_the_summary_speaks_as_the_skill_does():
    plan = plan_response(sample_view(), choice("1"), started_at=STARTED)
    handled = {"results": [result(1, "handled", "block_ip", "block_ip.Success", note="added"),
                           result(3, "failed", "quara", "quara.AgentOffline",
                                  hint="the agent is offline: handle it once the agent is back")]}
    report = summarize(plan, handled, finished_at="2027-01-15T08:01:00Z")
    assert report["lines"] == [
        "========== Handling Results Summary ==========",
        "✅ Successfully handled: 1",
        "  [Alert 1] block_ip (block_duration=7d) - Success, note added",
        "❌ Handling failed: 1 (quara.AgentOffline)",
        "  [Alert 3] quara - Failed (quara.AgentOffline: the agent is offline: handle it once the agent is back)",
        "🚫 Not supported: 1",
        "  [Alert 2] block_ip is not allowed now; allowed: ignore",
        "👀 Left for a person to review: 1",
        "  [Alert 4] no recommended action: cloud product alerts are case by case: ignore only "
        "after review",
        "↩️ Already handled: 1",
        "  [Alert 5] no longer pending (ignored)",
        "❓ Not found: 1",
        "  [Alert 9] not found: the service does not know it",
        "Total: 6 items, Success 1, Failed 1, Unsupported 1, Review 1, Already handled 1, Not found 1"]
    assert report["summary"]["needs_attention"] == 1
    assert [(alert["id"], alert["error_code"]) for alert in report["needs_attention"]] == [(3, "quara.AgentOffline")]
    entries = by_id(report["alerts"])
    assert entries[3]["error_code"] == "quara.AgentOffline" and entries[1]["note"] == "added"
    assert "disposition" not in entries[1] and entries[2]["outcome"] == "unsupported"


def test_a_call_that_failed_before_any_outcome_is_an_error_for_each_alert_sent():
    plan = plan_response(sample_view(), choice("1"))
    report = summarize(plan, {"failed": True, "msg": "groups[0]: bad\nthing"})
    assert report["summary"]["by_outcome"]["error"] == 2 and report["summary"]["needs_attention"] == 2
    assert "  [Alert 1] block_ip (block_duration=7d) - groups[0]: bad\\nthing" in report["lines"]


def test_check_mode_says_nothing_was_sent_and_the_module_s_unsupported_still_names_what_is_allowed():
    plan = plan_response(sample_view(), choice("1"))
    handled = {"results": [result(1, "would_handle", "block_ip"),
                           result(3, "unsupported", "quara", reason="the service does not allow quara now")]}
    lines = summarize(plan, handled, check_mode=True)["lines"]
    assert lines[0] == "========== Handling Results Summary (check mode: nothing sent) =========="
    assert "🔎 Would handle (check mode, nothing sent): 1" in lines
    assert "  [Alert 3] quara - not supported: the service does not allow quara now; allowed: quara, ignore" in lines


def test_cancel_counts_the_alerts_without_listing_them():
    lines = summarize(plan_response(sample_view(), choice("3")), None)["lines"]
    assert lines[1:] == ["⏹️ Cancelled, nothing sent: 5", "❓ Not found: 1",
                         "  [Alert 9] not found: the service does not know it",
                         "Total: 6 items, Cancelled 5, Not found 1"]
