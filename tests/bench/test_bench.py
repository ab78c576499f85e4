"""The benchmark (bench/) at its tiny size, as `make bench` runs it at full size: every scenario gives its row, and
the calls each run made, read from the emulator's request log, are exactly the work asked for. Never a time."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench import calls, features, scenarios  # noqa: E402
from bench.__main__ import BEGIN, END, main, only, update_doc  # noqa: E402
from bench.module_memory import module_name  # noqa: E402
from bench.runs import Workbench  # noqa: E402
from bench.table import NO_GOAL, NOT_AVAILABLE, REFERENCE, Row, markdown  # noqa: E402

SIZES = scenarios.TINY
LISTING = "DescribeSuspEvents"
OPERATIONS = "DescribeSecurityEventOperations"
WRITES = "HandleSecurityEvents"
TASK_STATUS = "DescribeSecurityEventOperationStatus"
NOTES = "CreateSuspEventNote"
TRIAGE_ALERTS = SIZES.per_group * len(scenarios.data.GROUPS)


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    workbench = Workbench(tmp_path_factory.mktemp("bench"))
    yield workbench
    workbench.close()


@pytest.fixture(scope="module")
def documented(bench) -> dict:
    return bench.handle_options()


def rows_of(scenario, bench, documented) -> dict:
    """The rows of one scenario at the tiny size, by key; each with a verdict."""
    rows = {row.key: row for row in scenario(bench, SIZES, documented)}
    for row in rows.values():
        assert row.result.startswith(("met", "not met: ", NOT_AVAILABLE, NO_GOAL, REFERENCE)), row
    return rows


def test_the_sequential_script_makes_one_call_of_each_step_per_alert_and_one_call_far_fewer(bench, documented):
    row = rows_of(scenarios.latency_bound, bench, documented)["latency"]
    # tasks are done at once in this scenario: one status read each
    assert row.calls["script"] == {LISTING: 1, OPERATIONS: SIZES.latency, WRITES: SIZES.latency,
                                   TASK_STATUS: SIZES.latency}
    assert (row.calls["module"][OPERATIONS], row.calls["module"][WRITES]) == (SIZES.latency, 1)
    assert "all handled" in row.measured


def test_under_a_quota_one_call_looks_each_alert_up_once_and_writes_twenty_a_call(bench, documented):
    rows = rows_of(scenarios.quota_bound, bench, documented)
    assert list(rows) == ["quota-floor", "quota-fixed", "quota-auto"]
    fixed = rows["quota-fixed"].calls["quota-fixed"]
    assert (fixed[OPERATIONS], fixed[WRITES]) == (SIZES.quota, math.ceil(SIZES.quota / 20))
    assert "all handled" in rows["quota-fixed"].measured
    assert_auto_runs_exactly_when_documented(rows["quota-auto"], SIZES.quota, documented)


def test_an_unknown_quota_is_met_with_auto_exactly_when_documented(bench, documented):
    row = rows_of(scenarios.unknown_quota, bench, documented)["unknown-auto"]
    assert_auto_runs_exactly_when_documented(row, SIZES.unknown_quota, documented)


def assert_auto_runs_exactly_when_documented(row, alerts: int, documented: dict) -> None:
    missing = features.missing_rate_limit_auto(documented)
    assert row.result.startswith(NOT_AVAILABLE) is bool(missing), row
    if not missing:
        assert (row.calls[row.key][OPERATIONS], row.calls[row.key][WRITES]) == (alerts, math.ceil(alerts / 20))


def test_the_triage_looks_up_writes_and_notes_each_group_exactly(bench, documented):
    rows = rows_of(scenarios.triage, bench, documented)
    for key in ("triage-quota", "triage-free"):
        triage = rows[key].calls["triage"]
        assert (triage[OPERATIONS], triage[WRITES], triage[NOTES]) == (TRIAGE_ALERTS, len(scenarios.data.GROUPS),
                                                                       TRIAGE_ALERTS), key
        assert "all handled" in rows[key].measured
        # where the time went, in the measure when the goal was met, else in the reason
        phases = rows[key].measured if rows[key].result == "met" else rows[key].result
        assert "before the first %s" % OPERATIONS in phases and "1 sas_alert_handle run (" in phases, rows[key]


def test_the_groups_call_runs_exactly_when_ansible_doc_documents_groups(bench, documented):
    row = rows_of(scenarios.groups_call, bench, documented)["groups"]
    keys = {"operation", "alert_ids", "block_duration"}
    assert row.result.startswith(NOT_AVAILABLE) is bool(features.missing_groups(documented, keys)), row
    if not row.result.startswith(NOT_AVAILABLE):
        assert (row.calls["groups"][OPERATIONS], row.calls["groups"][WRITES]) == (TRIAGE_ALERTS, 5)


def test_a_loop_writes_once_per_item_and_one_call_once(bench, documented):
    row = rows_of(scenarios.loop_vs_one_call, bench, documented)["loop"]
    loop, one = row.calls["loop"], row.calls["one call"]
    assert (loop[OPERATIONS], loop[WRITES]) == (SIZES.loop, SIZES.loop)
    assert (one[OPERATIONS], one[WRITES]) == (SIZES.loop, 1)


def test_the_fixed_cost_plays_read_and_never_write(bench, documented):
    runs = rows_of(scenarios.fixed_cost, bench, documented)["fixed-cost"].calls
    assert runs["empty"] == {} and runs["ping"] == {}
    assert set(runs["sas_alert_handle"]) == {LISTING}  # one alert already handled: its status, nothing else


def test_check_mode_writes_nothing_and_looks_up_each_alert_once(bench, documented):
    row = rows_of(scenarios.check_mode, bench, documented)["check-mode"]
    assert row.result == NO_GOAL
    triage = row.calls["triage"]
    assert WRITES not in triage and NOTES not in triage
    # every alert matches a rule of the bench's policy, so each is to handle and looked up once
    assert row.calls["to handle"][OPERATIONS] == triage[OPERATIONS] == SIZES.check_mode
    assert "ansible-playbook " in row.measured and "sas_alert_handle " in row.measured  # both peaks were read


def test_an_organisation_is_triaged_account_by_account_through_the_administrators_keys(bench, documented):
    row = rows_of(scenarios.organisation, bench, documented)["organisation"]
    assert row.result == NO_GOAL, row
    assert "%d reports and the summary across them written, all %d alerts handled" % (
        SIZES.members, SIZES.members * SIZES.member_alerts) in row.measured
    assert "ansible-playbook " in row.measured and " MB" in row.measured  # its peak was read
    accounts, minimum = dict(row.calls["accounts"]), row.calls["minimum"]
    # the inventory's listing is the one call about no member: every other carried its member's account id, or
    # looked up its alert or read its task
    assert accounts.pop(calls.ADMINISTRATOR) == {"DescribeMonitorAccounts": 1}
    org = scenarios.data.organisation(SIZES.members, SIZES.member_alerts)
    for member in org["members"]:
        used = accounts.pop(str(member["ali_uid"]))
        # the bench's policy sends each member's alerts in one write per group (none holds more than 20)
        writes = sum(1 for _action, _params, ids in scenarios.data.groups_of(member) if ids)
        assert minimum[str(member["ali_uid"])] == {LISTING: 1, OPERATIONS: SIZES.member_alerts, WRITES: writes,
                                                   TASK_STATUS: writes, NOTES: SIZES.member_alerts}
        assert (used[OPERATIONS], used[WRITES], used[NOTES]) == (SIZES.member_alerts, writes, SIZES.member_alerts)
        assert used[TASK_STATUS] >= writes and used[LISTING] >= 1
    assert accounts == {}


def test_calls_are_counted_for_the_account_they_are_about():
    member = {"ResourceDirectoryAccountId": "1001"}
    log = [{"action": "DescribeMonitorAccounts", "params": {}, "error_code": None},
           {"action": LISTING, "params": member, "error_code": None},
           {"action": WRITES, "params": dict(member, SecurityEventIds="7"), "error_code": None, "task_id": 55},
           {"action": OPERATIONS, "params": {"SecurityEventId": "7"}, "error_code": None},
           {"action": OPERATIONS, "params": {"SecurityEventId": "7"}, "error_code": "Throttling.User"},
           {"action": TASK_STATUS, "params": {"TaskId": "55"}, "error_code": None}]
    assert calls.per_account(log, {"7": "1001"}) == {
        "1001": {LISTING: 1, WRITES: 1, OPERATIONS: 1, TASK_STATUS: 1},
        calls.ADMINISTRATOR: {"DescribeMonitorAccounts": 1}}


def test_the_minimum_of_a_triage_writes_each_group_twenty_alerts_a_call():
    assert calls.triage_minimum(listed=140, groups=[25, 15], handled=39) == {
        LISTING: 2, OPERATIONS: 40, WRITES: 3, TASK_STATUS: 3, NOTES: 39}


def test_every_scenario_is_run_and_its_table_written_into_the_document(tmp_path):
    assert {scenario.__name__ for scenario in scenarios.SCENARIOS} == {
        "latency_bound", "quota_bound", "unknown_quota", "triage", "groups_call", "loop_vs_one_call", "fixed_cost",
        "check_mode", "organisation"}
    doc = tmp_path / "performance.md"
    doc.write_text("# P\n\n%s\nold table\n%s\n\n## After\n" % (BEGIN, END))
    rows = [Row("k", "a | b", "1 s", "-", NO_GOAL)]
    update_doc(doc, markdown(rows))
    text = doc.read_text()
    assert "old table" not in text and text.endswith("%s\n\n## After\n" % END)
    assert "| a \\| b | 1 s | - | %s |" % NO_GOAL in text


def test_only_runs_the_scenarios_named_in_the_order_of_the_full_run():
    assert only("groups_call,triage") == (scenarios.triage, scenarios.groups_call)
    with pytest.raises(argparse.ArgumentTypeError, match="no scenario triag "):
        only("triag,triage")


def test_only_never_writes_the_document(tmp_path, capsys):
    doc = tmp_path / "performance.md"
    with pytest.raises(SystemExit):
        main(["--only", "triage", "--doc", str(doc), "--work", str(tmp_path)])
    assert "--doc writes the table of a full run" in capsys.readouterr().err
    assert not doc.exists() and list(tmp_path.iterdir()) == []  # refused before any run


@pytest.mark.parametrize("doc, missing", [
    ({"rate_limit": {"type": "float"}}, "rate_limit is of type float"),
    ({"rate_limit": {"type": "raw", "description": ["Calls a second, or C(auto)."]}}, ""),
    ({"rate_limit": {"type": "str", "choices": ["auto", "off"]}}, ""),
    ({"rate_limit": {"type": "raw", "description": ["automatic pacing"]}}, "names no value auto"),
])
def test_rate_limit_auto_is_read_from_the_documentation(doc, missing):
    found = features.missing_rate_limit_auto(doc)
    assert (missing in found and bool(found)) if missing else found == ""


def test_groups_are_read_from_the_documentation():
    assert "no option groups" in features.missing_groups({}, {"operation"})
    doc = {"groups": {"suboptions": {"operation": {}, "alert_ids": {}}}}
    assert features.missing_groups(doc, {"operation", "alert_ids"}) == ""
    assert "not block_duration" in features.missing_groups(doc, {"operation", "block_duration"})


def test_the_floor_counts_only_calls_the_quota_let_through():
    log = [{"action": OPERATIONS, "error_code": None, "ts": 0.0}] * 40 + [
        {"action": OPERATIONS, "error_code": "Throttling.User", "ts": 0.0}] * 9 + [
        {"action": WRITES, "error_code": None, "ts": 0.0}] * 2
    assert calls.busiest(log) == (OPERATIONS, 40) and calls.floor_s(log, 20) == 2.0 and calls.throttled(log) == 9


def test_module_names_come_from_the_ansiballz_file():
    assert module_name(["/root/.ansible/tmp/x/AnsiballZ_sas_alert_handle.py"]) == "sas_alert_handle"
    assert module_name([]) == ""


def test_where_the_time_went_is_read_around_the_busiest_api():
    log = [{"action": OPERATIONS, "error_code": None, "ts": ts} for ts in (1.0, 2.0, 3.0)] + [
        {"action": NOTES, "error_code": None, "ts": ts} for ts in (4.0, 5.0)]
    assert calls.where_time_went(log, started=0.0, wall_s=6.0) == (
        "1.0 s before the first %s, 2.0 s of them, 3.0 s after the last (2 %s)" % (OPERATIONS, NOTES))
