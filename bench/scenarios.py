"""The scenarios, each against fresh emulators and measured in the same run: a row each (table.Row), its goal
judged from what was measured, and the reason when it is not met."""

from __future__ import annotations

import json
from collections import Counter
from typing import NamedTuple, Optional

import yaml
from sas_data import FAST

from bench import calls, data, features
from bench.runs import REPO, SERVICE_QUOTA, Run, Workbench
from bench.table import NO_GOAL, REFERENCE, Row, count, seconds, unavailable, verdict
from sas_emulator import dataset
from sas_emulator.constants import STATUS_PENDING

HANDLE = "alibabacloud.sas.sas_alert_handle"
OPERATIONS = "DescribeSecurityEventOperations"
QUOTA = 20  # calls a second per API, the quota-bound scenarios'
UNKNOWN_QUOTA = 7
LATENCY_MS = 40
TRIAGE_GOAL = "<= 1.1x its floor + 6 s, 0 failures"
# The role's own defaults for the wait (the e2e runner shortens them for tests; the benchmark runs what users run).
ROLE_DEFAULTS = yaml.safe_load((REPO / "roles" / "triage" / "defaults" / "main.yml").read_text())
WAIT_DEFAULTS = {name: ROLE_DEFAULTS[name] for name in ("sas_triage_poll_interval", "sas_triage_wait_timeout")}


class Sizes(NamedTuple):
    name: str
    latency: int  # alerts of the latency-bound scenario
    quota: int  # alerts of the quota-bound scenario
    unknown_quota: int
    per_group: int  # the triage's alerts in each of its five groups
    loop: int  # single-alert tasks of the loop
    tasks: int  # tasks of each play of the fixed cost
    check_mode: int  # alerts of the check-mode triage
    members: int  # member accounts of the organisation's triage
    member_alerts: int  # pending alerts of each
    forks: int  # accounts triaged at once
    # The waits users get (the defaults of the module and the role), or the e2e tests' shorter ones: the tiny run
    # counts calls, and polls for a task 0.3 s apart instead of 2 s.
    fast_waits: bool

    def handle_task(self, alert_ids, operation: str = "ignore") -> dict:
        options = dict(FAST if self.fast_waits else {}, alert_ids=alert_ids, operation=operation)
        return {HANDLE: options, "register": "handled"}

    def triage_settings(self) -> dict:
        """The triage's variables: no cap on the alerts handled, and the waits (the e2e runner's are fast)."""
        return dict({} if self.fast_waits else WAIT_DEFAULTS, sas_triage_max_actions=1000000)


# The sizes, where the full run takes fewer to stay within about ten minutes (the row says what the issue's
# size would take at the pace it measured).
ASKED = {"latency": 2000, "loop": 100}
FULL = Sizes("full", latency=1000, quota=1000, unknown_quota=300, per_group=80, loop=25, tasks=10, check_mode=10000,
             members=50, member_alerts=40, forks=10, fast_waits=False)
TINY = Sizes("tiny", latency=5, quota=25, unknown_quota=8, per_group=2, loop=3, tasks=2, check_mode=30,
             members=3, member_alerts=2, forks=2, fast_waits=True)


def fewer_than_asked(sizes: Sizes, key: str, size: int, wall_s: float, unit: str, what: str, why: str = "") -> str:
    """Why a full run takes fewer than the issue asks: how long the asked size would take at this run's pace."""
    asked = ASKED[key]
    if sizes is not FULL or size >= asked:
        return ""
    return " (%s of the %s asked: at %.2f s %s, %s would take %s%s)" % (
        count(size), count(asked), wall_s / size, unit, what, seconds(wall_s / size * asked), why)


def counted(number: float, what: str) -> str:
    """2,000 alerts, 1 alert."""
    return "%s %s%s" % (count(number), what, "" if number == 1 else "s")


def left_over(run: Run, outcomes: dict, alerts: int) -> str:
    """'' when the run ended well with every one of its alerts handled; else what did not: the alerts that ended
    otherwise, by outcome, those without one, or the run's failure."""
    missing = alerts - sum(outcomes.values())
    left = ["%s %s" % (count(number), outcome) for outcome, number in sorted(outcomes.items()) if outcome != "handled"]
    if missing:
        left.append("%s without an outcome" % count(missing))
    return ", ".join(left) or run.failure()


def report_outcomes(run: Run) -> Counter:
    """Outcome -> alerts, from the run's triage report."""
    return Counter(alert["outcome"] for alert in run.registered.get("report", {}).get("alerts", []))


def total(run: Run) -> int:
    return sum(calls.per_api(run.log).values())


def against_floor(run: Run, quota: float, left: str, factor: float, slack_s: float = 0.0) -> tuple:
    """(measured, result) of a run whose goal is at most factor x its floor + slack_s, with nothing left over."""
    if not run.log:
        return seconds(run.wall_s), verdict(False, left or run.failure())
    floor = calls.floor_s(run.log, quota)
    measured = "%s = %.2fx its floor (%s); %s throttled; %s" % (
        seconds(run.wall_s), run.wall_s / floor, floor_of(run, quota), count(calls.throttled(run.log)),
        left or "all handled")
    bound = factor * floor + slack_s
    return measured, verdict(run.wall_s <= bound and not left, left or over(run, bound))


def over(run: Run, bound: float) -> str:
    """Why a run went over its time bound: by how much, and where its time went."""
    went = calls.where_time_went(run.log, run.started, run.wall_s)
    return "%.2f s for at most %.2f s: %s" % (run.wall_s, bound, went)


def latency_bound(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.pending(sizes.latency)
    settings = {"qps": 0, "latency_ms": LATENCY_MS, "task_delay_ms": 0}
    with bench.emulator(alerts, **settings) as emulator:
        script = bench.sequential("latency-script", emulator, poll_interval=1.0)
    with bench.emulator(alerts, **settings) as emulator:
        module = bench.play("latency-module", [sizes.handle_task(data.alert_ids(alerts))], emulator, ("handled",),
                            rate_limit=0)
    ratio = script.wall_s / module.wall_s
    left = script.failure() or left_over(module, module.outcomes("handled"), sizes.latency)
    measured = "sequential SDK script %s (%s calls); one sas_alert_handle %s (%s calls): %.1fx faster; %s" % (
        seconds(script.wall_s), count(total(script)), seconds(module.wall_s), count(total(module)), ratio,
        left or "all handled")
    reason = left or "the module's run: " + calls.where_time_went(module.log, module.started, module.wall_s)
    ratio_met = ratio >= 8 and not left
    scenario = "latency-bound: %s alerts, %d ms a call, tasks done at once, no quota%s" % (
        count(sizes.latency), LATENCY_MS, fewer_than_asked(
            sizes, "latency", sizes.latency, script.wall_s, "an alert", "the script alone",
            "; the ratio only grows with the alerts, the module's start counting for less"))
    return [Row("latency", scenario, measured, ">= 8x faster than the script", verdict(ratio_met, reason),
                {"script": calls.per_api(script.log), "module": calls.per_api(module.log)})]


def quota_bound(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.pending(sizes.quota)
    scenario = "quota-bound: %s alerts, %d calls a second per API, " % (count(sizes.quota), QUOTA)
    fixed = quota_run(bench, sizes, "quota-fixed", alerts, QUOTA, QUOTA)
    rows = [Row("quota-floor", scenario + "the floor", floor_of(fixed, QUOTA), "-", REFERENCE),
            quota_row("quota-fixed", scenario + "rate_limit: %d" % QUOTA, fixed, sizes.quota, QUOTA, 1.1)]
    missing = features.missing_rate_limit_auto(documented)
    if missing:
        return rows + [unavailable("quota-auto", scenario + "rate_limit: auto", "<= 1.25x its floor, 0 failures",
                                   missing)]
    automatic = quota_run(bench, sizes, "quota-auto", alerts, QUOTA, "auto")
    return rows + [auto_row("quota-auto", scenario + "rate_limit: auto", automatic, sizes.quota, QUOTA)]


def floor_of(run: Run, quota: float) -> str:
    if not run.log:
        return "no call: " + run.failure()
    api, busiest = calls.busiest(run.log)
    return "%s %s / %d a second = %s" % (count(busiest), api, quota, seconds(calls.floor_s(run.log, quota)))


def unknown_quota(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    scenario = "unknown quota: %s alerts, %d calls a second per API, rate_limit: auto" % (
        count(sizes.unknown_quota), UNKNOWN_QUOTA)
    missing = features.missing_rate_limit_auto(documented)
    if missing:
        return [unavailable("unknown-auto", scenario, "<= 1.25x its floor, 0 failures", missing)]
    run = quota_run(bench, sizes, "unknown-auto", data.pending(sizes.unknown_quota), UNKNOWN_QUOTA, "auto")
    return [auto_row("unknown-auto", scenario, run, sizes.unknown_quota, UNKNOWN_QUOTA)]


def quota_run(bench: Workbench, sizes: Sizes, label: str, alerts: dict, quota: float, rate_limit) -> Run:
    with bench.emulator(alerts, qps=quota) as emulator:
        return bench.play(label, [sizes.handle_task(data.alert_ids(alerts))], emulator, ("handled",),
                          rate_limit=rate_limit)


def quota_row(key: str, scenario: str, run: Run, alerts: int, quota: float, factor: float) -> Row:
    measured, result = against_floor(run, quota, left_over(run, run.outcomes("handled"), alerts), factor)
    return Row(key, scenario, measured, "<= %sx its floor, 0 failures" % factor, result, {key: calls.per_api(run.log)})


def auto_row(key: str, scenario: str, run: Run, alerts: int, quota: float) -> Row:
    """quota_row for rate_limit auto, with the rate the busiest API's pace ended at."""
    row = quota_row(key, scenario, run, alerts, quota, 1.25)
    return row._replace(measured=row.measured + pace(run))


def pace(run: Run) -> str:
    """'; <API>'s pace ended at N a second', as the module's api_stats says ('' without them)."""
    if not run.log:
        return ""
    api = calls.busiest(run.log)[0]
    stats = ((run.registered.get("handled") or {}).get("api_stats") or {}).get(api) or {}
    return "; %s's pace ended at %s a second" % (api, stats["rate"]) if "rate" in stats else ""


def triage(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.grouped(sizes.per_group)
    scenario = "triage: %s alerts in %d groups (%s), " % (
        count(len(alerts["alerts"])), len(data.GROUPS), ", ".join(action for action, _params, _names in data.GROUPS))
    with bench.emulator(alerts, qps=QUOTA) as emulator:
        quota = bench.triage("triage-quota", emulator, data.policy(), QUOTA, sizes.triage_settings(),
                             measure_modules=True)
    with bench.emulator(alerts, qps=0) as emulator:
        free = bench.triage("triage-free", emulator, data.policy(), 0, sizes.triage_settings(), measure_modules=True)
    handled = len(alerts["alerts"])
    measured, result = against_floor(quota, QUOTA, left_over(quota, report_outcomes(quota), handled), 1.1, 6.0)
    left = left_over(free, report_outcomes(free), handled)
    free_result = verdict(free.wall_s <= 6.0 and not left, left or over(free, 6.0) + "; " + handling_runs(free))
    if not result.startswith("met") and quota.log:
        result += "; " + handling_runs(quota)
    free_measured = "%s; %s" % (seconds(free.wall_s), left or "all handled")
    return [Row("triage-quota", scenario + "%d calls a second per API, rate_limit: %d" % (QUOTA, QUOTA),
                with_phases(quota, measured, result), TRIAGE_GOAL, result, {"triage": calls.per_api(quota.log)}),
            Row("triage-free", scenario + "no quota, no latency, rate_limit: 0",
                with_phases(free, free_measured, free_result), "<= 6 s, 0 failures", free_result,
                {"triage": calls.per_api(free.log)})]


def with_phases(run: Run, measured: str, result: str) -> str:
    """measured, and for a triage that met its goal where its time went (one that missed says so in its result):
    its goals leave the least room, so the phases are the figures to watch."""
    if not result.startswith("met") or not run.log:
        return measured
    return "%s (%s; %s)" % (measured, calls.where_time_went(run.log, run.started, run.wall_s), handling_runs(run))


def handling_runs(run: Run) -> str:
    """How the run's sas_alert_handle processes ran: how many, and whether one after another."""
    handling = sorted(run.module_runs("sas_alert_handle"), key=lambda module: module["started"])
    if not handling:
        return "no sas_alert_handle run"
    overlapping = any(later["started"] < earlier["ended"] for earlier, later in zip(handling, handling[1:]))
    spans = ", ".join(seconds(module["ended"] - module["started"]) for module in handling)
    if len(handling) == 1:
        return "1 sas_alert_handle run (%s)" % spans
    return "%d sas_alert_handle runs %s (%s)" % (len(handling), "side by side" if overlapping else "one after another",
                                                 spans)


def groups_call(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.grouped(sizes.per_group)
    groups = [dict(params, operation=action, alert_ids=ids) for action, params, ids in data.groups_of(alerts)]
    options = dict(FAST if sizes.fast_waits else {}, groups=groups)
    scenario = "the triage's %s alerts in one sas_alert_handle call with groups, %d calls a second, " \
               "rate_limit: %d" % (count(len(alerts["alerts"])), QUOTA, QUOTA)
    missing = features.missing_groups(documented, {key for group in groups for key in group})
    if missing:
        return [unavailable("groups", scenario, TRIAGE_GOAL, missing)]
    with bench.emulator(alerts, qps=QUOTA) as emulator:
        run = bench.play("groups", [{HANDLE: options, "register": "handled"}], emulator, ("handled",),
                         rate_limit=QUOTA)
    left = left_over(run, run.outcomes("handled"), len(alerts["alerts"]))
    measured, result = against_floor(run, QUOTA, left, 1.1, 6.0)
    return [Row("groups", scenario, measured, TRIAGE_GOAL, result, {"groups": calls.per_api(run.log)})]


def loop_vs_one_call(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.pending(sizes.loop)
    ids = data.alert_ids(alerts)
    with bench.emulator(alerts, qps=SERVICE_QUOTA) as emulator:
        loop = bench.play("loop", [dict(sizes.handle_task(["{{ item }}"]), loop=ids)], emulator, ("handled",))
    with bench.emulator(alerts, qps=SERVICE_QUOTA) as emulator:
        one = bench.play("one-call", [sizes.handle_task(ids)], emulator, ("handled",))
    left = left_over(loop, outcomes_of_loop(loop), len(ids)) or left_over(one, one.outcomes("handled"), len(ids))
    measured = "loop %s (%s a task, %s calls); one call %s (%s calls): %.1fx; %s" % (
        seconds(loop.wall_s), seconds(loop.wall_s / len(ids)), count(total(loop)), seconds(one.wall_s),
        count(total(one)), loop.wall_s / one.wall_s, left or "all handled")
    scenario = "a loop: of %s single-alert sas_alert_handle tasks vs one call, module defaults, the service's %d " \
               "calls a second%s" % (count(len(ids)), SERVICE_QUOTA,
                                     fewer_than_asked(sizes, "loop", len(ids), loop.wall_s, "a task", "the loop"))
    return [Row("loop", scenario, measured, "-", NO_GOAL,
                {"loop": calls.per_api(loop.log), "one call": calls.per_api(one.log)})]


def outcomes_of_loop(run: Run) -> Counter:
    """Outcome -> alerts, from every item of a registered loop of sas_alert_handle."""
    items = (run.registered.get("handled") or {}).get("results") or []
    return Counter(result["outcome"] for item in items for result in item.get("results") or [])


def fixed_cost(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    generated = dataset.generate(seed=data.SEED, alerts=50)
    handled_already = next(alert["id"] for alert in generated["alerts"] if alert["status"] != STATUS_PENDING)
    plays = {"empty": [], "ping": [{"ansible.builtin.ping": {}} for dummy in range(sizes.tasks)],
             "sas_alert_handle": [sizes.handle_task([handled_already]) for dummy in range(sizes.tasks)]}
    runs = {}
    for name, tasks in plays.items():
        with bench.emulator(generated) as emulator:
            runs[name] = bench.play("fixed-" + name, tasks, emulator)
    ping, handle = ((runs[name].wall_s - runs["empty"].wall_s) / sizes.tasks for name in ("ping", "sas_alert_handle"))
    measured = "ansible.builtin.ping %s a task; sas_alert_handle on one alert already handled %s a task " \
               "(%.1fx; %s a task): plays of %d tasks, less an empty play (%s)" % (
                   "%.2f s" % ping, "%.2f s" % handle, handle / ping,
                   counted(total(runs["sas_alert_handle"]) / sizes.tasks, "API call"), sizes.tasks,
                   seconds(runs["empty"].wall_s))
    return [Row("fixed-cost", "fixed cost of one task", measured, "-", NO_GOAL,
                {name: calls.per_api(run.log) for name, run in runs.items()})]


def check_mode(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    alerts = data.pending(sizes.check_mode)
    with bench.emulator(alerts) as emulator:
        run = bench.triage("check-mode", emulator, data.policy(), 0, sizes.triage_settings(), check=True,
                           measure_modules=True)
    to_handle = sum(1 for alert in run.registered.get("report", {}).get("alerts", []) if alert.get("action"))
    minimum = calls.listing_pages(sizes.check_mode) + to_handle
    modules: dict = {}  # the collection's modules (Ansible's own, file and copy, are small)
    for module in run.modules:
        if module["module"].startswith("sas_"):
            modules[module["module"]] = max(modules.get(module["module"], 0), module["peak_kb"])
    measured = "%s = %.2fx the minimum (%s: %s + one lookup per alert to handle); %s; peak memory: " \
               "ansible-playbook %s, %s" % (
                   counted(total(run), "call"), total(run) / minimum, count(minimum),
                   counted(calls.listing_pages(sizes.check_mode), "listing page"), seconds(run.wall_s),
                   megabytes(run.peak_kb),
                   ", ".join("%s %s" % (name, megabytes(peak)) for name, peak in sorted(modules.items()))
                   or "modules not read")
    return [Row("check-mode", "check-mode triage: %s alerts, no quota, rate_limit: 0" % count(sizes.check_mode),
                measured, "-", verdict(False, run.failure()) if run.failure() else NO_GOAL,
                {"triage": calls.per_api(run.log), "to handle": {OPERATIONS: to_handle}})]


def organisation(bench: Workbench, sizes: Sizes, documented: dict) -> list:
    org = data.organisation(sizes.members, sizes.member_alerts)
    # The reading under which a member's alerts can be handled at all: DescribeSecurityEventOperations and
    # DescribeSecurityEventOperationStatus take no ResourceDirectoryAccountId (under "refused" nothing is sent).
    with bench.emulator(org, readings={"member_alert_by_id": "found"}) as emulator:
        run = bench.organisation_triage("organisation", emulator, data.policy(), sizes.triage_settings(), sizes.forks)
    members = [str(member["ali_uid"]) for member in org["members"]]
    reports = run.registered.get("reports", {})
    used = calls.per_account(run.log, data.accounts_of_alerts(org))
    least = {member: account_minimum(reports.get(ACCOUNT_HOST % member)) for member in members}
    alerts = sizes.members * sizes.member_alerts
    left = organisation_left(run, [ACCOUNT_HOST % member for member in members], alerts)
    scenario = "organisation: %s member accounts x %s pending alerts through the administrator's keys " \
               "(sas_accounts inventory, include_self: false), forks %d, no quota, the role's defaults " \
               "(rate_limit %s for each account)" % (count(sizes.members), count(sizes.member_alerts), sizes.forks,
                                                     documented.get("rate_limit", {}).get("default", "unknown"))
    measured = "%s (%s); peak memory: ansible-playbook %s; %s; %s" % (
        seconds(run.wall_s), calls.where_time_went(run.log, run.started, run.wall_s) if run.log else "no call",
        megabytes(run.peak_kb), calls_per_account(used, least),
        left or "%s reports and the summary across them written, all %s alerts handled" % (
            count(len(members)), count(alerts)))
    return [Row("organisation", scenario, measured, "-", verdict(False, left) if left else NO_GOAL,
                {"accounts": used, "minimum": least})]


ACCOUNT_HOST = "sas_%s"  # the sas_accounts inventory's host of an account


def account_minimum(report: Optional[dict]) -> Counter:
    """calls.triage_minimum of the account whose report this is (none without a report)."""
    if report is None:
        return Counter()
    alerts = report["alerts"]
    groups = Counter((alert["action"], json.dumps(alert["params"], sort_keys=True))
                     for alert in alerts if alert.get("action"))
    handled = sum(1 for alert in alerts if alert["outcome"] == "handled")
    return calls.triage_minimum(len(alerts), list(groups.values()), handled)


def calls_per_account(used: dict, least: dict) -> str:
    """The calls about the accounts against their minimum, in all and account by account; which APIs went above it;
    and the calls about no account (the inventory's)."""
    made = {account: sum(used.get(account, Counter()).values()) for account in least}
    minimum = {account: sum(per_api.values()) for account, per_api in least.items()}
    ratios = sorted(made[account] / minimum[account] for account in least if minimum[account])
    if not ratios:
        return "%s about the accounts, none with a report to weigh them against" % counted(sum(made.values()), "call")
    low, high = "%.2fx" % ratios[0], "%.2fx" % ratios[-1]
    spread = low if low == high else "%s to %s" % (low, high)
    above = sum((used.get(account, Counter()) - least[account] for account in least), Counter())
    return "%s about the %s accounts = %.2fx their minimum (%s), %s for each account; above it: %s; besides, " \
           "the inventory's %s" % (
               counted(sum(made.values()), "call"), count(len(least)), sum(made.values()) / sum(minimum.values()),
               count(sum(minimum.values())), spread, listed(above), listed(used.get(calls.ADMINISTRATOR, Counter())))


def listed(per_api: Counter) -> str:
    """'12 DescribeSuspEvents, 2 ...', the most called first; 'none'."""
    return ", ".join("%s %s" % (count(number), api) for api, number in per_api.most_common()) or "none"


def organisation_left(run: Run, hosts: list, alerts: int) -> str:
    """'' when every account's report and the one summary across them were written and every alert handled; else
    what was not."""
    reports = run.registered.get("reports", {})
    summaries = run.registered.get("summaries", [])
    missing = [host for host in hosts if host not in reports]
    written = [counted(len(missing), "account") + " without a report"] if missing else []
    if [sorted(entry["host"] for entry in summary["accounts"]) for summary in summaries] != [sorted(hosts)]:
        written.append("not one summary across the %s accounts (%s written)" % (count(len(hosts)),
                                                                                count(len(summaries))))
    outcomes = Counter(alert["outcome"] for report in reports.values() for alert in report["alerts"])
    return ", ".join(part for part in written + [left_over(run, outcomes, alerts)] if part)


def megabytes(kilobytes) -> str:
    return "%d MB" % round(kilobytes / 1024) if kilobytes else "not read"


SCENARIOS = (latency_bound, quota_bound, unknown_quota, triage, groups_call, loop_vs_one_call, fixed_cost, check_mode,
             organisation)
