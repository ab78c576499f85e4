# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary of one triage run across accounts: each account's state, outcome counts and report paths, the
accounts that failed and those with alerts that need a person first, and its Markdown rendering."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import counted
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import (
    REPORT_OUTCOMES,
    cell,
    outcome_table,
    table,
)

# An account's state in the summary, in the order the summary lists them: the ones a person must look at first.
FAILED = "failed"  # no report, or the run failed before handling (refused credentials, throttled out, ...)
NEEDS_ATTENTION = "needs_attention"  # handled, but some alerts failed, timed out or errored
STOPPED = "stopped"  # stopped before any write on purpose: not confirmed, over sas_triage_max_actions
TRIAGED = "triaged"
ACCOUNT_STATES = (FAILED, NEEDS_ATTENTION, STOPPED, TRIAGED)


def account_entry(host: str, found: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """One account of the summary. found: what the triage role published for the host (its set_stats entry:
    account, failed, stopped, needs_attention, by_outcome, warnings, report paths), or None when the host never
    got as far as a report."""
    if not found:
        return {"host": host, "account": host, "state": FAILED, "stopped": "no report: the run failed on this host "
                "before the triage (see the play's output for this host)", "needs_attention": 0,
                "by_outcome": {}, "warnings": [], "report_json": None, "report_markdown": None}
    entry = {"host": host, "account": found.get("account") or host, "stopped": found.get("stopped") or None,
             "needs_attention": int(found.get("needs_attention") or 0),
             "by_outcome": dict(found.get("by_outcome") or {}), "warnings": list(found.get("warnings") or []),
             "report_json": found.get("report_json"), "report_markdown": found.get("report_markdown")}
    entry["state"] = _state(bool(found.get("failed")), entry)
    return entry


def _state(failed: bool, entry: Dict[str, Any]) -> str:
    if failed:
        return FAILED
    if entry["needs_attention"]:
        return NEEDS_ATTENTION
    return STOPPED if entry["stopped"] else TRIAGED


def build_summary(entries: Iterable[Dict[str, Any]], check_mode: bool, started_at: Optional[str],
                  finished_at: Optional[str]) -> Dict[str, Any]:
    """The run's summary: the accounts in ACCOUNT_STATES order (then by account), the outcome counts over all of
    them and the accounts per state."""
    accounts = sorted(entries, key=lambda entry: (ACCOUNT_STATES.index(entry["state"]), str(entry["account"])))
    by_outcome = {outcome: 0 for outcome in REPORT_OUTCOMES}
    for entry in accounts:
        for outcome, count in entry["by_outcome"].items():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + int(count)
    return {
        "check_mode": bool(check_mode),
        "started_at": started_at,
        "finished_at": finished_at,
        "by_state": {state: [entry["account"] for entry in accounts if entry["state"] == state]
                     for state in ACCOUNT_STATES},
        "by_outcome": by_outcome,
        "needs_attention": sum(entry["needs_attention"] for entry in accounts),
        "accounts": accounts,
    }


def render_summary_markdown(summary: Dict[str, Any]) -> str:
    """The summary for people: a line per state that needs a person, the outcomes over all accounts, then one row
    per account. Every value goes through cell(): an account label or a message cannot make markup."""
    accounts = summary["accounts"]
    by_state = summary["by_state"]
    blocks = [
        "# Security Center triage across %s%s" % (cell(counted(len(accounts), "account")),
                                                  " (dry run, nothing sent)" if summary["check_mode"] else ""),
        "From %s to %s (UTC)." % (cell(summary["started_at"]), cell(summary["finished_at"])),
    ]
    if by_state[FAILED]:
        blocks.append("**Failed:** %s." % ", ".join(cell(account) for account in by_state[FAILED]))
    if by_state[NEEDS_ATTENTION]:
        blocks.append("**Alerts need a person in:** %s." % ", ".join(
            "%s (%s)" % (cell(entry["account"]), cell(entry["needs_attention"]))
            for entry in accounts if entry["state"] == NEEDS_ATTENTION))
    if any(summary["by_outcome"].values()):
        blocks.append(outcome_table(summary["by_outcome"]))
    blocks.append(table(["Account", "State", "Outcomes", "Report", "Why"], [_row(entry) for entry in accounts]))
    return "\n\n".join(blocks) + "\n"


def _row(entry: Dict[str, Any]) -> List[str]:
    outcomes = ", ".join("%s %s" % (cell(count), cell(outcome)) for outcome, count in entry["by_outcome"].items()
                         if count)
    why = [entry["stopped"]] + entry["warnings"] if entry["stopped"] else entry["warnings"]
    return [cell(entry["account"]), cell(entry["state"]), outcomes or cell(None), cell(entry["report_markdown"]),
            "; ".join(cell(reason) for reason in why) or cell(None)]
