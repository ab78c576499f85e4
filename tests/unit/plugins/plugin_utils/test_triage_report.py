# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage report: every planned alert exactly once, its outcome taken from the registered loop
results of sas_alert_handle (or why it was not sent), and the counts per outcome, action and rule."""

from __future__ import annotations

import unicodedata

import pytest
from ansible.release import __version__ as ANSIBLE_CORE_VERSION
from triage_samples import CONTAINER, LOGON, LOGON_DETAILS, NOW_MS, POLICY, REVERSE_SHELL, WEBSHELL, make_alert

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils import triage_report
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import plan_triage
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import (
    ATTENTION_OUTCOMES,
    REPORT_OUTCOMES,
    build_report,
    provenance,
    render_markdown,
    report_order,
    summarize,
)


def make_plan():
    alerts = [
        make_alert(1, LOGON),  # block-logons
        make_alert(2, LOGON, host="web-prod-02", details=LOGON_DETAILS,
                   occurrence_time="2027-01-15 07:50:00"),  # block-logons
        make_alert(3, LOGON, host="jump-01"),  # leave-jump-hosts (none)
        make_alert(4, WEBSHELL),  # quarantine-webshells
        make_alert(5, CONTAINER, level="remind"),  # ignore-reminders
        make_alert(6, REVERSE_SHELL, level="serious"),  # unmatched -> kill_process
        make_alert(7, LOGON, host="web-prod-03"),  # block-logons
    ]
    return plan_triage(alerts, check_policy(POLICY, now_ms=NOW_MS))


def group(plan, action):
    return next(item for item in plan["groups"] if item["action"] == action)


def result(alert_id, outcome, **fields):
    """One entry of sas_alert_handle's `results`."""
    entry = {"id": alert_id, "outcome": outcome, "operation": "x", "task_id": None, "error_code": None,
             "status_before": "pending", "status_after": "pending", "reason": None, "hint": None}
    entry.update(fields)
    return entry


def call(item, results, failed=False, **fields):
    """One registered loop result of the handling task."""
    entry = {"item": item, "changed": bool(results), "failed": failed, "results": results}
    entry.update(fields)
    return entry


def report_of(plan, handled, **context):
    return build_report(plan, handled, context)


def outcomes(report):
    return {alert["id"]: alert["outcome"] for alert in report["alerts"]}


def handled_all(plan):
    return [
        call(group(plan, "block_ip"), [
            result(1, "handled", task_id=9001, status_after="handled"),
            result(2, "failed", error_code="BlockIp.AgentOffline", reason="agent offline", hint="start the agent"),
            result(7, "timed_out", task_id=9001, reason="task still running"),
        ]),
        call(group(plan, "quara"), [result(4, "already_handled", status_before="handled", status_after="handled")]),
        call(group(plan, "ignore"), [result(5, "handled", status_after="ignored")]),
    ]


def test_every_planned_alert_is_in_the_report_exactly_once():
    plan = make_plan()
    report = report_of(plan, handled_all(plan))
    assert [alert["id"] for alert in report["alerts"]] == [1, 2, 3, 4, 5, 6, 7]
    assert report["summary"]["alerts"] == 7


def test_outcomes_come_from_the_module_results():
    plan = make_plan()
    report = report_of(plan, handled_all(plan))
    assert outcomes(report) == {1: "handled", 2: "failed", 3: "excluded", 4: "already_handled", 5: "handled",
                                6: "unmatched", 7: "timed_out"}
    alerts = {alert["id"]: alert for alert in report["alerts"]}
    assert alerts[1]["task_id"] == 9001
    assert alerts[1]["status_after"] == "handled"
    assert alerts[2]["error_code"] == "BlockIp.AgentOffline"
    assert alerts[2]["reason"] == "agent offline"
    assert alerts[2]["hint"] == "start the agent"
    assert alerts[4]["status_before"] == "handled"
    assert alerts[5]["status_after"] == "ignored"
    assert alerts[1]["rule"] == "block-logons" and alerts[1]["action"] == "block_ip"
    assert alerts[1]["params"] == {"block_duration": "7d"}
    assert alerts[1]["host"]["instance_name"] == "web-prod-01"


def test_the_alerts_that_need_a_person_are_those_of_the_attention_outcomes_in_report_order():
    plan = make_plan()
    report = report_of(plan, handled_all(plan))
    attention = report["needs_attention"]
    assert attention == triage_report.attention_alerts(report["alerts"])
    assert [(alert["id"], alert["outcome"]) for alert in attention] == [(2, "failed"), (7, "timed_out")]
    assert list(attention[0]) == list(triage_report.ATTENTION_KEYS)
    assert (attention[0]["error_code"], attention[0]["hint"], attention[0]["rule"]) == (
        "BlockIp.AgentOffline", "start the agent", "block-logons")


def test_unmatched_and_excluded_alerts_say_why():
    plan = make_plan()
    alerts = {alert["id"]: alert for alert in report_of(plan, handled_all(plan))["alerts"]}
    assert alerts[6]["outcome"] == "unmatched"
    assert "kill_process" in alerts[6]["reason"]
    assert alerts[6]["recommended"]["action"] == "kill_process"
    assert alerts[3]["outcome"] == "excluded"
    assert "leave-jump-hosts" in alerts[3]["reason"]


def test_a_skipped_loop_item_is_not_run_with_the_stop_reason():
    plan = make_plan()
    handled = [{"item": item, "skipped": True, "skip_reason": "Conditional result was False", "changed": False}
               for item in plan["groups"]]
    report = report_of(plan, handled, stopped="not confirmed")
    assert outcomes(report) == {1: "not_run", 2: "not_run", 3: "excluded", 4: "not_run", 5: "not_run",
                                6: "unmatched", 7: "not_run"}
    reasons = {alert["reason"] for alert in report["alerts"] if alert["outcome"] == "not_run"}
    assert len(reasons) == 1 and "not confirmed" in reasons.pop()
    assert report["stopped"] == "not confirmed"
    assert report["summary"]["by_outcome"]["not_run"] == 5
    assert report["summary"]["needs_attention"] == 0


def test_a_skipped_loop_item_without_a_stop_reason_is_still_not_run():
    plan = make_plan()
    handled = [{"item": item, "skipped": True, "changed": False} for item in plan["groups"]]
    report = report_of(plan, handled)
    assert outcomes(report)[1] == "not_run"
    assert outcomes(report)[4] == "not_run"


def test_nothing_handled_because_the_run_stopped():
    plan = make_plan()
    report = report_of(plan, None, stopped="over the cap of 2 destructive alerts")
    assert [alert["outcome"] for alert in report["alerts"]] == [
        "not_run", "not_run", "excluded", "not_run", "not_run", "unmatched", "not_run"]
    assert "over the cap" in report["alerts"][0]["reason"]


def test_a_failed_call_without_results_is_an_error_for_each_of_its_alerts():
    plan = make_plan()
    failed = {"item": group(plan, "block_ip"), "failed": True, "changed": False,
              "msg": "HandleSecurityEvents failed: NoPermission: you are not authorized",
              "error": {"code": "NoPermission", "message": "you are not authorized"}}
    handled = [failed] + handled_all(plan)[1:]
    report = report_of(plan, handled)
    alerts = {alert["id"]: alert for alert in report["alerts"]}
    for alert_id in (1, 2, 7):
        assert alerts[alert_id]["outcome"] == "error"
        assert alerts[alert_id]["error_code"] == "NoPermission"
        assert "you are not authorized" in alerts[alert_id]["reason"]
    assert alerts[4]["outcome"] == "already_handled"
    assert alerts[5]["outcome"] == "handled"
    assert report["summary"]["by_outcome"]["error"] == 3
    assert report["summary"]["needs_attention"] == 3


def test_summary_lists_every_outcome_and_what_needs_attention():
    plan = make_plan()
    summary = report_of(plan, handled_all(plan))["summary"]
    expected = {outcome: 0 for outcome in OUTCOMES + ("deferred", "unmatched", "excluded", "not_run", "error")}
    expected.update(handled=2, failed=1, timed_out=1, already_handled=1, excluded=1, unmatched=1)
    assert summary["by_outcome"] == expected
    assert summary["needs_attention"] == 2  # failed + timed_out + error
    assert summary["by_action"]["block_ip"] == {"handled": 1, "failed": 1, "timed_out": 1}
    assert summary["by_action"]["quara"] == {"already_handled": 1}
    assert summary["by_action"]["ignore"] == {"handled": 1}
    assert summary["by_rule"] == {"block-logons": {"handled": 1, "failed": 1, "timed_out": 1},
                                  "leave-jump-hosts": {"excluded": 1},
                                  "quarantine-webshells": {"already_handled": 1},
                                  "ignore-reminders": {"handled": 1}}
    assert sum(summary["by_outcome"].values()) == summary["alerts"] == 7


@pytest.mark.parametrize("outcome", ["failed", "timed_out"])
def test_needs_attention_counts_failing_outcomes(outcome):
    plan = make_plan()
    handled = [call(group(plan, "quara"), [result(4, outcome)])]
    handled += [{"item": item, "skipped": True} for item in plan["groups"] if item["action"] != "quara"]
    summary = report_of(plan, handled, stopped="not confirmed")["summary"]
    assert summary["needs_attention"] == 1
    assert summary["by_outcome"][outcome] == 1


def test_check_mode_results_and_context():
    plan = make_plan()
    handled = [call(item, [result(alert_id, "would_handle") for alert_id in item["alert_ids"]])
               for item in plan["groups"]]
    report = report_of(plan, handled, check_mode=True, account="prod", started_at="2027-01-15T08:00:00Z",
                       finished_at="2027-01-15T08:01:00Z")
    assert report["check_mode"] is True
    assert report["account"] == "prod"
    assert (report["started_at"], report["finished_at"]) == ("2027-01-15T08:00:00Z", "2027-01-15T08:01:00Z")
    assert report["summary"]["by_outcome"]["would_handle"] == 5
    assert report["summary"]["by_outcome"]["handled"] == 0
    assert report["summary"]["needs_attention"] == 0


# --- the Markdown report -----------------------------------------------------------------------------------

MARKUP_TOKENS = {"link_open", "image", "html_inline", "html_block", "code_inline", "code_block", "fence",
                 "em_open", "strong_open", "s_open", "heading_open", "hr", "blockquote_open", "bullet_list_open",
                 "ordered_list_open"}
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
# Alert text from a host an attacker owns, and a policy and an account named to break Markdown.
FORGED_ROW = "\r\n| 99 forged | serious | trusted-01 | allow: ignore | - |"
HOSTILE = "<img src=x onerror=alert(1)>![b](https://evil.example/beacon.png)\x1b]0;pwned\x07\u202e`x`" + FORGED_ROW
HOSTILE_POLICY = [
    {"name": "leave *jump* hosts _alone_", "match": {"instance_name_regex": "^jump-"}, "action": "none"},
    {"name": "block|logons <b>![x](https://evil.example/r.png)", "match": {"alarm_event_type": "Unusual logon"},
     "action": "block_ip", "params": {"block_duration": "7d"}},
]


def parse(markdown):
    markdown_it = pytest.importorskip("markdown_it")  # with ansible-lint (rich), as in test-requirements.txt
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def blocks(tokens):
    """(kind, text) of each heading and table row, in order, as a reader sees them; a row's text is its cells'."""
    def text(inline):
        return "".join(child.content for child in inline.children)

    found, row = [], None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            found.append((token.tag, text(tokens[index + 1])))
        elif token.type == "tr_open":
            row = []
            found.append(("tr", row))
        elif token.type == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
            row.append(text(token))
    return found


def markup_in(tokens):
    inline = [child for token in tokens if token.type == "inline" for child in token.children]
    return {token.type for token in list(tokens) + inline} & MARKUP_TOKENS


def test_the_markdown_report_has_a_summary_the_rules_and_a_section_per_outcome_attention_first():
    plan = make_plan()
    report = report_of(plan, handled_all(plan), account="prod", started_at="2027-01-15T08:00:00Z",
                       finished_at="2027-01-15T08:01:00Z",
                       provenance=provenance("/srv/triage/policy.yml", "9f" * 32, 42, "alice"))
    markdown = render_markdown(report)
    provenance_line = ("Policy /srv/triage/policy.yml (sha256 %s), alibabacloud.sas %s, ansible-core %s, run by alice "
                       "in AWX job 42." % ("9f" * 32, COLLECTION_VERSION, ANSIBLE_CORE_VERSION))
    assert markdown.startswith(
        "# Security Center triage: prod\n\n"
        "From 2027-01-15T08:00:00Z to 2027-01-15T08:01:00Z (UTC), 7 alerts listed, **2 need attention**.\n\n"
        + provenance_line + "\n\n"
        "| Outcome | Alerts |\n| --- | ---: |\n| failed | 1 |\n| timed\\_out | 1 |\n| handled | 2 |\n"
        "| already\\_handled | 1 |\n| unmatched | 1 |\n| excluded | 1 |\n\n"
        "| Rule | Outcomes |\n| --- | --- |\n| block-logons | 1 handled, 1 failed, 1 timed\\_out |\n")
    found = blocks(parse(markdown))
    headings = [text for kind, text in found if kind.startswith("h")]
    assert headings == ["Security Center triage: prod", "failed (1)", "timed_out (1)", "handled (2)",
                        "already_handled (1)", "unmatched (1)", "excluded (1)"]
    rows = [row for kind, row in found if kind == "tr"]
    assert ["2 ECS login from unusual location", "suspicious", "web-prod-02 203.0.113.10",
            "source IP 198.51.100.179, user deploy, first 2027-01-15 07:50:00, last 2027-01-15 07:55:00",
            "block-logons: block_ip", "agent offline; BlockIp.AgentOffline; start the agent"] in rows
    assert ["7 ECS login from unusual location", "suspicious", "web-prod-03 203.0.113.10",
            "last 2027-01-15 07:55:00", "block-logons: block_ip", "task still running; task 9001"] in rows
    assert ["6 Reverse shell", "serious", "web-prod-01 203.0.113.10", "last 2027-01-15 07:55:00", "kill_process",
            "a reverse shell gives an attacker control: kill the process, then quarantine its file"] in rows
    assert ["Alert", "Level", "Host", "Evidence", "Recommended", "Why"] in rows
    assert markdown.endswith(" |\n") and not markup_in(parse(markdown)) - {"heading_open", "strong_open"}


def test_a_stopped_dry_run_says_so_before_the_tables():
    report = report_of(make_plan(), None, stopped="not confirmed", check_mode=True, account="prod")
    markdown = render_markdown(report)
    assert markdown.startswith("# Security Center triage: prod (dry run, nothing sent)\n\n")
    assert "\n\n**Stopped before handling:** not confirmed.\n\n| Outcome | Alerts |\n" in markdown
    assert [text for kind, text in blocks(parse(markdown)) if kind == "h2"] == [
        "not_run (5)", "unmatched (1)", "excluded (1)"]


def test_every_report_outcome_is_in_the_order_those_that_need_a_person_first():
    order = report_order({outcome: 0 for outcome in REPORT_OUTCOMES})
    assert sorted(order) == sorted(REPORT_OUTCOMES)
    assert order[:len(ATTENTION_OUTCOMES) + 1] == list(ATTENTION_OUTCOMES) + ["not_run"]


def test_an_expired_alert_has_its_own_outcome_and_section_and_needs_no_attention():
    # issue 17, point 5: the service let it expire and offers nothing for it - said, and nobody can act on it
    plan = make_plan()
    handled = handled_all(plan)
    handled[1] = call(group(plan, "quara"), [result(4, "expired", status_before="expired", status_after="expired",
                                                    reason="it expired: nothing sent")])
    report = report_of(plan, handled)
    assert outcomes(report)[4] == "expired" and report["summary"]["by_outcome"]["expired"] == 1
    assert "expired" in REPORT_OUTCOMES and "expired" not in ATTENTION_OUTCOMES
    assert report["summary"]["needs_attention"] == 2  # the failed and the timed-out alerts, as before
    order = report_order(report["summary"]["by_outcome"])
    assert order.index("already_handled") < order.index("expired") < order.index("unsupported")
    headings = [text for kind, text in blocks(parse(render_markdown(report))) if kind == "h2"]
    assert "expired (1)" in headings and headings.index("expired (1)") > headings.index("handled (2)")


def alerts_with(outcomes):
    """A report with one alert of each outcome, as build_report writes them."""
    alerts = [dict(id=index, name="alert %d" % index, type="t", level="remind", host={"instance_name": "h"},
                   evidence={}, rule="r", action="ignore", params={},
                   recommended={"action": "review", "params": {}, "why": "w"},
                   outcome=outcome, reason=None, error_code=None, hint=None, task_id=None)
              for index, outcome in enumerate(outcomes, 1)]
    return {"account": "a", "provenance": provenance(), "check_mode": False, "started_at": "s", "finished_at": "f",
            "stopped": None, "other_site": None, "warnings": [], "summary": summarize(alerts), "alerts": alerts}


def test_each_outcome_has_its_section(monkeypatch):
    # an outcome added to the one list of outcomes, or counted without being in it, is never left out
    monkeypatch.setattr(triage_report, "REPORT_OUTCOMES", REPORT_OUTCOMES + ("quarantined_later",))
    outcomes = list(REPORT_OUTCOMES) + ["quarantined_later", "not_in_any_list"]
    headings = [text for kind, text in blocks(parse(render_markdown(alerts_with(outcomes)))) if kind == "h2"]
    assert sorted(headings) == sorted("%s (1)" % outcome for outcome in outcomes)
    assert headings[-2:] == ["quarantined_later (1)", "not_in_any_list (1)"]


def test_alert_text_in_the_markdown_report_is_shown_escaped_and_forges_nothing():
    hostile_details = [{"name_display": "Logon source IP", "type": "text", "value": HOSTILE},
                       {"name_display": "命令行", "type": "text", "value": HOSTILE}]
    alerts = [make_alert(1, ("Unusual logon", HOSTILE), level="serious" + FORGED_ROW, host=HOSTILE, ip=HOSTILE,
                         details=hostile_details, last_time=HOSTILE),
              make_alert(2, ("Unusual logon", HOSTILE), host="jump-01", ip=None, intranet_ip=HOSTILE),
              make_alert(3, ("Suspicious program", HOSTILE), host=None, ip=None, intranet_ip=None,
                         instance_id=HOSTILE)]
    plan = plan_triage(alerts, check_policy(HOSTILE_POLICY, now_ms=NOW_MS))
    handled = [call(group(plan, "block_ip"), [result(1, "failed", error_code=HOSTILE, reason=HOSTILE, hint=HOSTILE,
                                                     task_id=HOSTILE)])]
    report = report_of(plan, handled, account="prod" + HOSTILE, started_at="- " + HOSTILE,
                       finished_at="    1. " + HOSTILE, stopped=HOSTILE)
    markdown = render_markdown(report)
    assert not any(unicodedata.category(char) in NOT_PRINTABLE for char in markdown.replace("\n", ""))
    tokens = parse(markdown)
    assert not markup_in(tokens) - {"heading_open", "strong_open"}
    assert [token.tag for token in tokens if token.type == "heading_open"] == ["h1", "h2", "h2", "h2"]
    found = blocks(tokens)
    rows = [row for kind, row in found if kind == "tr"]
    assert {len(row) for row in rows} == {2, 6}
    shown_text = "<img src=x onerror=alert(1)>![b](https[:]//evil.example/beacon.png)\\x1b]0;pwned\\x07\\u202e`x`" \
                 "\\r\\n| 99 forged | serious | trusted-01 | allow: ignore | - |"
    [evidence] = [row[3] for row in rows if row[0].startswith("1 ")]
    cut = shown_text[:100]  # each value of the evidence ends in an ellipsis past 120 characters
    assert evidence.startswith("source IP " + cut) and ", process " + cut in evidence and ", last " + cut in evidence
    assert evidence.count("\u2026") == 3
    assert ["1 " + shown_text, "serious\\r\\n| 99 forged | serious | trusted-01 | allow: ignore | - |",
            "%s %s" % (shown_text, shown_text), evidence,
            "block|logons <b>![x](https[:]//evil.example/r.png): block_ip",
            "; ".join([shown_text] * 3 + ["task " + shown_text])] in rows
    assert ["2 " + shown_text, "suspicious", "jump-01 " + shown_text, "last 2027-01-15 07:55:00",
            "leave *jump* hosts _alone_: none",
            "rule leave *jump* hosts _alone_ leaves it alone"] in rows
    assert ["3 " + shown_text, "suspicious", shown_text, "last 2027-01-15 07:55:00", "review",
            "no default for this type: review it in the console"] in rows
    assert found[0] == ("h1", "Security Center triage: prod" + shown_text)
    assert len(rows) == 4 + 3 + 3 * 2  # the outcomes' and the rules' tables, one per outcome: no row forged


def test_the_other_site_s_pending_alerts_are_a_warning_escaped_in_the_markdown():
    from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import other_site_warning

    assert other_site_warning(None) is None
    assert other_site_warning({"checked": False, "endpoint": None, "pending": None,
                               "reason": "endpoint is set"}) is None
    assert other_site_warning({"checked": True, "endpoint": "https://tds.ap-southeast-1.aliyuncs.com", "pending": 0,
                               "reason": None}) is None
    report = alerts_with(["handled"])
    report["warnings"] = [other_site_warning({"checked": True, "endpoint": "https://tds.ap-southeast-1.aliyuncs.com",
                                              "pending": 3, "reason": None})]
    markdown = render_markdown(report)
    assert "**Warning:** the other data site \\(https" in markdown and ") holds 3 pending alerts" in markdown


# --- provenance: which policy decided, with what, and who ran it ----------------------------------------------

def test_the_report_records_the_policy_the_versions_and_the_awx_launcher():
    plan = make_plan()
    report = report_of(plan, None, provenance=provenance("/srv/triage/policy.yml", "9f" * 32, 42, "alice"))
    assert report["provenance"] == {
        "policy_file": "/srv/triage/policy.yml", "policy_sha256": "9f" * 32, "collection_version": COLLECTION_VERSION,
        "ansible_core_version": ANSIBLE_CORE_VERSION, "user": "alice", "awx_job_id": "42"}


def test_outside_awx_the_user_is_the_local_one_and_rules_given_as_a_variable_have_no_file(monkeypatch):
    monkeypatch.setattr(triage_report.getpass, "getuser", lambda: "bob")
    found = provenance(None, None, None, "alice")  # a launcher without a job is no AWX run
    assert (found["user"], found["awx_job_id"], found["policy_file"]) == ("bob", None, None)
    assert triage_report.provenance_line(found) == (
        "Policy given as sas\\_triage\\_rules, alibabacloud.sas %s, ansible-core %s, run by bob."
        % (COLLECTION_VERSION, ANSIBLE_CORE_VERSION))

    def no_such_user():
        raise KeyError("uid 1000")

    monkeypatch.setattr(triage_report.getpass, "getuser", no_such_user)
    assert provenance()["user"] is None
    assert report_of(make_plan(), None)["provenance"]["collection_version"] == COLLECTION_VERSION


def test_the_provenance_line_is_shown_escaped():
    found = provenance("policy\n# forged.yml", "[x](https://evil.example)", "7", "<b>eve</b>")
    assert triage_report.provenance_line(found) == (
        "Policy policy\\\\n\\# forged.yml (sha256 \\[x\\]\\(https\\[:\\]//evil.example\\)), alibabacloud.sas %s, "
        "ansible-core %s, run by \\<b\\>eve\\</b\\> in AWX job 7." % (COLLECTION_VERSION, ANSIBLE_CORE_VERSION))
