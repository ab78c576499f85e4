"""What a run asked of the service, read from the emulator's request log: calls per API, the floor a quota sets,
and where a run's time went."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

THROTTLED = "Throttling"  # in every throttling code the service answers (Throttling.User, Rejected.Throttling, ...)
MEMBER = "ResourceDirectoryAccountId"
ADMINISTRATOR = "administrator"  # per_account's key for the calls about no member account


def refused_by_quota(entry: dict) -> bool:
    return THROTTLED in (entry.get("error_code") or "")


def per_api(log: list) -> Counter:
    """Calls per API that the service took (a call refused by the quota did no work and used none of it)."""
    return Counter(entry["action"] for entry in log if not refused_by_quota(entry))


def throttled(log: list) -> int:
    return sum(1 for entry in log if refused_by_quota(entry))


def busiest(log: list) -> tuple:
    """(API, calls) of the API the run called most."""
    return per_api(log).most_common(1)[0]


def floor_s(log: list, quota: float) -> float:
    """The least time the busiest API's calls take under a quota of that many calls a second per API."""
    return busiest(log)[1] / quota


def where_time_went(log: list, started: float, wall_s: float) -> str:
    """The run's time around its busiest API: before that API's first call, its calls, after its last call, and
    the calls made after it."""
    api, _calls = busiest(log)
    times = sorted(entry["ts"] for entry in log if entry["action"] == api and not refused_by_quota(entry))
    before, during = times[0] - started, times[-1] - times[0]
    after = per_api([entry for entry in log if entry["ts"] > times[-1]])
    return "%.1f s before the first %s, %.1f s of them, %.1f s after the last%s" % (
        before, api, during, wall_s - before - during,
        " (%s)" % ", ".join("%d %s" % (number, name) for name, number in after.most_common()) if after else "")


def listing_pages(alerts: int, page_size: int = 100) -> int:
    return max(1, math.ceil(alerts / page_size))


def write_calls(alerts: int, per_call: int = 20) -> int:
    return math.ceil(alerts / per_call)


def per_account(log: list, account_of_alert: dict) -> dict:
    """Account -> calls per API the service took about it. A call about a member carries its
    ResourceDirectoryAccountId; the two APIs that take none (SDK 10.3.2) count for the account of the alert they
    look up (SecurityEventId, through account_of_alert) or of the write that started the task they read (TaskId).
    The rest (the inventory's DescribeMonitorAccounts) count for ADMINISTRATOR."""
    task_account = {str(entry["task_id"]): entry["params"].get(MEMBER) for entry in log if entry.get("task_id")}
    accounts: dict = defaultdict(Counter)
    for entry in log:
        if refused_by_quota(entry):
            continue
        params = entry["params"]
        account = (params.get(MEMBER) or account_of_alert.get(params.get("SecurityEventId"))
                   or task_account.get(params.get("TaskId")) or ADMINISTRATOR)
        accounts[account][entry["action"]] += 1
    return dict(accounts)


def triage_minimum(listed: int, groups: list, handled: int) -> Counter:
    """The least calls per API a triage of one account can make: its listing pages, one
    DescribeSecurityEventOperations per alert to handle, ceil(n / 20) HandleSecurityEvents for each group of n alerts
    sharing an operation and its parameters, one DescribeSecurityEventOperationStatus per write (each task read once,
    done), one CreateSuspEventNote per alert handled."""
    writes = sum(write_calls(size) for size in groups)
    return Counter({"DescribeSuspEvents": listing_pages(listed), "DescribeSecurityEventOperations": sum(groups),
                    "HandleSecurityEvents": writes, "DescribeSecurityEventOperationStatus": writes,
                    "CreateSuspEventNote": handled})
