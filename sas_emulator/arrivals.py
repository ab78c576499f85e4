"""Alerts that arrive while the emulator runs: what a source polling for new alerts (an Event-Driven Ansible
source, say) meets on the real service.

The backend adds them (SasBackend.add_alerts: pending, seen now, ids above every other, drawn from the seeded
"arrivals" stream by dataset.new_alert); this module checks what asks for them: the body of
POST /_emulator/alerts and the rate `new_alerts_per_minute` (the command line's --new-alerts-per-minute,
POST /_emulator/config), which a Repeater thread (chaos.py) plays by adding one alert every 60/N seconds.
"""

from __future__ import annotations

import math
from typing import Any

from .values import is_count, is_number

MAX_ALERTS_PER_CALL = 1000
# One alert a millisecond: above that the thread would only spin, and the alerts would fill the memory.
MAX_ALERTS_PER_MINUTE = 60_000
NEW_ALERT_FIELDS = ("count", "level", "name_key", "host_uuid")


def check_count(count: Any) -> int:
    """How many alerts one call adds; ValueError naming count and what is valid."""
    if not is_count(count) or not 1 <= count <= MAX_ALERTS_PER_CALL:
        raise ValueError(f"count must be an integer from 1 to {MAX_ALERTS_PER_CALL} (alerts to add), got {count!r}")
    return count


def check_new_alerts_per_minute(value: Any) -> float:
    """The arrival rate; ValueError naming new_alerts_per_minute and what is valid."""
    if not is_number(value) or not math.isfinite(value) or not 0 <= value <= MAX_ALERTS_PER_MINUTE:
        raise ValueError(f"new_alerts_per_minute must be a number from 0 (off) to {MAX_ALERTS_PER_MINUTE}, "
                         f"got {value!r}")
    return float(value)


def arrival_period_s(per_minute: float) -> float:
    """Seconds between two arrivals; 0 (no thread) when the rate is 0."""
    return 60.0 / per_minute if per_minute > 0 else 0.0


def parse_new_alerts_body(body: Any) -> dict[str, Any]:
    """A POST /_emulator/alerts body -> the keyword arguments of SasBackend.add_alerts. The shape and count are
    checked here; level, name_key and host_uuid where the catalog and the hosts are (dataset.new_alert)."""
    if not isinstance(body, dict):
        raise ValueError('body must be an object such as {"count": 3, "level": "serious"}')
    for name in body:
        if name not in NEW_ALERT_FIELDS:
            raise ValueError(f"unknown field {name!r}; the fields are {', '.join(NEW_ALERT_FIELDS)}")
    fields = {name: body[name] for name in NEW_ALERT_FIELDS[1:] if body.get(name) is not None}
    return {"count": check_count(body.get("count", 1)), **fields}
