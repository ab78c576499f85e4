# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alerts as lines a person reads in a terminal: sas_alert_info's alerts (id, level, type, name, server, last seen,
status, and with sas_alert_operations_info's answer the operations allowed now) or sas_alert_operations_info's
alerts alone (the operations each allows), in aligned columns under a header line.

Every value goes through shown(): alert text from a host an attacker owns cannot start a line of its own, move the
cursor, recolour or retitle the terminal, or reverse what is read.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import shown
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import host_name_ip

Column = Tuple[str, Callable[[Dict[str, Any]], Any], int]  # header, the value of an entry, its length at most
GAP = "  "
NO_ALERTS = "no alerts"


def alert_table(entries: Sequence[Dict[str, Any]], operations: Optional[Sequence[Dict[str, Any]]] = None) -> List[str]:
    """The lines of entries: alerts of sas_alert_info (with the allowed operations of sas_alert_operations_info's
    alerts when given), or sas_alert_operations_info's alerts alone."""
    if not entries:
        return [NO_ALERTS]
    if all("operations" in entry for entry in entries):
        return lines(OPERATIONS_COLUMNS, entries)
    columns = ALERT_COLUMNS
    if operations is not None:
        offered = {entry.get("id"): entry for entry in operations}
        columns = ALERT_COLUMNS + (("ALLOWED NOW", lambda alert: allowed_now(offered.get(alert.get("id"))), 120),)
    return lines(columns, entries)


def lines(columns: Sequence[Column], entries: Sequence[Dict[str, Any]]) -> List[str]:
    """A header line and one line per entry, each column as wide as its widest value."""
    rows = [[header for header, _value, _limit in columns]]
    rows += [[shown(value(entry), limit=limit) for _header, value, limit in columns] for entry in entries]
    widths = [max(width(row[index]) for row in rows) for index in range(len(columns))]
    return [GAP.join(cell + " " * (widths[index] - width(cell)) for index, cell in enumerate(row)).rstrip()
            for row in rows]


def width(text: str) -> int:
    """Columns text takes in a terminal: East Asian wide characters two, combining marks none."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in text)


def server(alert: Dict[str, Any]) -> str:
    name, address = host_name_ip(alert)  # sas_alert_info keeps the host's fields on the alert itself
    return "%s (%s)" % (name, address) if name and address else name or address or ""


def allowed_now(entry: Optional[Dict[str, Any]]) -> str:
    """The operations the service allows for an alert now; "not found", or "none" when it offers nothing."""
    if entry is None:
        return "not looked up"
    if not entry.get("found", True):
        return "not found"
    return ", ".join(operation_codes(entry, allowed=True)) or "none"


def not_allowed(entry: Dict[str, Any]) -> str:
    """The operations the service lists but you may not run (the edition or the alert does not allow them)."""
    return ", ".join(operation_codes(entry, allowed=False))


def operation_codes(entry: Dict[str, Any], allowed: bool) -> List[str]:
    return [str(operation.get("operation_code")) for operation in entry.get("operations") or []
            if bool(operation.get("user_can_operate")) is allowed]


ALERT_COLUMNS: Tuple[Column, ...] = (
    ("ID", lambda alert: alert.get("id"), 20),
    ("LEVEL", lambda alert: alert.get("level"), 12),
    ("TYPE", lambda alert: alert.get("alarm_event_type"), 40),
    ("NAME", lambda alert: alert.get("alarm_event_name_display"), 50),
    ("SERVER", server, 60),
    ("LAST SEEN (UTC+8)", lambda alert: alert.get("last_time"), 20),
    ("STATUS", lambda alert: alert.get("status"), 22),
)
OPERATIONS_COLUMNS: Tuple[Column, ...] = (
    ("ID", lambda entry: entry.get("id"), 20),
    ("ALLOWED NOW", allowed_now, 120),
    ("NOT ALLOWED", not_allowed, 120),
)
