"""What a run asked of the service, read from the emulator's request log: calls per API, the floor a quota sets,
and where a run's time went."""

from __future__ import annotations

import math
from collections import Counter

THROTTLED = "Throttling"  # in every throttling code the service answers (Throttling.User, Rejected.Throttling, ...)


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
