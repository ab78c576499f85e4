# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary across accounts: every host of the play is an account of the summary exactly once, in the order a
person must look at them, and the Markdown escapes what it shows."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.filter.triage_summary import PUBLISHED, triage_summary
from ansible_collections.alibabacloud.sas.plugins.filter.triage_summary_markdown import triage_summary_markdown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import REPORT_OUTCOMES
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_summary import (
    ACCOUNT_STATES,
    FAILED,
    NEEDS_ATTENTION,
    STOPPED,
    TRIAGED,
)


def published(account, handled=0, failed=0, stopped="", run_failed=False, warnings=()):
    return {PUBLISHED: {
        "account": account, "failed": run_failed, "stopped": stopped or None, "needs_attention": failed,
        "by_outcome": {"handled": handled, "failed": failed}, "warnings": list(warnings),
        "report_json": "reports/triage-%s.json" % account, "report_markdown": "reports/triage-%s.md" % account}}


HOSTVARS = {
    "sas_1001": published("1001", handled=3),
    "sas_1002": published("1002", handled=1, failed=2),
    "sas_1003": published("1003", stopped="the run failed before handling: InvalidAccessKeyId.NotFound",
                          run_failed=True),
    "sas_1004": published("1004", stopped="not confirmed: no answer"),
    "sas_1005": {"inventory_hostname": "sas_1005"},  # failed before it published anything
}


def test_every_host_is_one_account_in_the_order_a_person_reads_them():
    summary = triage_summary(list(HOSTVARS), HOSTVARS, check_mode=False, started_at="s", finished_at="f")
    states = [(entry["account"], entry["state"]) for entry in summary["accounts"]]
    assert states == [("1003", FAILED), ("sas_1005", FAILED), ("1002", NEEDS_ATTENTION), ("1004", STOPPED),
                      ("1001", TRIAGED)]
    assert summary["by_state"] == {FAILED: ["1003", "sas_1005"], NEEDS_ATTENTION: ["1002"], STOPPED: ["1004"],
                                   TRIAGED: ["1001"]}
    assert list(summary["by_state"]) == list(ACCOUNT_STATES)
    assert summary["by_outcome"]["handled"] == 4 and summary["by_outcome"]["failed"] == 2
    assert set(REPORT_OUTCOMES) <= set(summary["by_outcome"])
    assert summary["needs_attention"] == 2
    missing = summary["accounts"][1]
    assert missing["report_markdown"] is None and "no report" in missing["stopped"]


def test_a_host_missing_from_hostvars_is_still_an_account():
    summary = triage_summary(["gone"], {})
    assert [(entry["account"], entry["state"]) for entry in summary["accounts"]] == [("gone", FAILED)]


def test_markdown_names_failed_accounts_and_those_that_need_a_person_first():
    text = triage_summary_markdown(triage_summary(list(HOSTVARS), HOSTVARS, check_mode=True))
    lines = text.splitlines()
    assert lines[0] == "# Security Center triage across 5 accounts (dry run, nothing sent)"
    assert "**Failed:** 1003, sas\\_1005." in lines
    assert "**Alerts need a person in:** 1002 (2)." in lines
    rows = [line for line in lines if line.startswith("| 100") or line.startswith("| sas")]
    assert [row.split(" | ")[1] for row in rows] == ["failed", "failed", "needs\\_attention", "stopped", "triaged"]
    assert "InvalidAccessKeyId.NotFound" in rows[0]


def test_markdown_escapes_an_account_label_and_a_message():
    hostvars = {"h": published("x | [y](http://evil)\n# z", stopped="<b>not confirmed</b>")}
    text = triage_summary_markdown(triage_summary(["h"], hostvars))
    assert "\n# z" not in text and "](http" not in text and "<b>" not in text
    lines = text.splitlines()
    assert not any(line.startswith("# z") for line in lines)
    assert len([line for line in lines if line.startswith("| ")]) == 3  # the accounts table: header, rule, one row


def test_bad_input_names_what_the_filters_take():
    with pytest.raises(AnsibleFilterError, match="ansible_play_hosts_all"):
        triage_summary("sas_1001", HOSTVARS)
    with pytest.raises(AnsibleFilterError, match="triage_summary returns"):
        triage_summary_markdown({"alerts": []})
