# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handling tasks: read their status (DescribeSecurityEventOperationStatus)
and wait, bounded, until every alert in them has a final status."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, error_hint
from ansible_collections.alibabacloud.sas.plugins.module_utils.sas_api import HANDLE_SECURITY_EVENTS, operation_status

# TaskStatus spells failure "Failure", the per-alert Status spells it "Failed" [DOC].
TASK_FINAL_STATUSES = ("Success", "Failure")
EVENT_SUCCESS = "Success"
EVENT_FAILED = "Failed"
EVENT_FINAL_STATUSES = (EVENT_SUCCESS, EVENT_FAILED)


def hint_for(error_code: Optional[str]) -> Optional[str]:
    """What to do about an alert's error code - its result in a handling task ("<operation>.<result>"), or the
    code that refused the HandleSecurityEvents call it was in - or None (errors.HINTS)."""
    return error_hint(error_code, HANDLE_SECURITY_EVENTS)


class EventStatus:
    """One alert's state inside a handling task."""

    def __init__(self, alert_id: int, status: Optional[str], error_code: Optional[str]):
        self.id = alert_id
        self.status = status
        self.error_code = error_code or None

    @property
    def final(self) -> bool:
        return self.status in EVENT_FINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == EVENT_SUCCESS


class TaskStatus:
    """A task's status and its alerts' statuses, as one read returned them."""

    def __init__(self, task_id: Optional[int], task_status: Optional[str], events: Dict[int, EventStatus]):
        self.task_id = task_id
        self.task_status = task_status
        self.events = events

    def finished(self, alert_ids: List[int]) -> bool:
        """Every alert of alert_ids has a final status."""
        return all(alert_id in self.events and self.events[alert_id].final for alert_id in alert_ids)


def read_task(connection: Any, task_id: Optional[int], alert_ids: List[int]) -> TaskStatus:
    """The status of task_id for alert_ids; without task_id, of the latest task of each alert."""
    response = operation_status(connection, alert_ids, task_id)
    events: Dict[int, EventStatus] = {}
    for entry in (response.security_event_operation_statuses or []) if response else []:
        try:
            alert_id = int(entry.security_event_id)  # a string in the SDK model
        except (TypeError, ValueError):
            continue
        events[alert_id] = EventStatus(alert_id, entry.status, entry.error_code)
    return TaskStatus(task_id, response.task_status if response else None, events)


Watch = Tuple[Optional[int], List[int]]


def wait_for_tasks(connection: Any, watches: List[Watch], wait_timeout: float, poll_interval: float,
                   concurrency: int, clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep) -> Dict[int, EventStatus]:
    """Poll each (task id, alert ids) until all its alerts are final or wait_timeout has passed.

    The first poll comes after one poll_interval (no task is done at once) and the last one at the
    deadline, so a task that ends just in time is seen. A watch whose status cannot be read is left
    as it was: its alerts end without a final status.
    """
    latest: Dict[int, EventStatus] = {}
    open_watches = [watch for watch in watches if watch[1]]
    deadline = clock() + wait_timeout
    while open_watches:
        sleep(max(0.0, min(poll_interval, deadline - clock())))

        def poll(watch: Watch) -> Optional[TaskStatus]:
            try:
                return read_task(connection, watch[0], watch[1])
            except SasApiError:  # retried already; the alerts stay without a final status
                return None

        still_open = []
        for watch, status in zip(open_watches, connection.map(poll, open_watches, concurrency)):
            if status is not None:
                latest.update((alert_id, status.events[alert_id]) for alert_id in watch[1]
                              if alert_id in status.events)
            if status is None or not status.finished(watch[1]):
                still_open.append(watch)
        open_watches = still_open
        if clock() >= deadline:
            break
    return latest


def task_report(connection: Any, task_id: int, alert_ids: List[int], chunk_size: int) -> Dict[str, Any]:
    """sas_alert_task_info's result: the task's status and each alert's, in input order."""
    events: Dict[int, EventStatus] = {}
    task_status = None
    for start in range(0, len(alert_ids), chunk_size):
        status = read_task(connection, task_id, alert_ids[start:start + chunk_size])
        task_status = task_status or status.task_status
        events.update(status.events)
    alerts = []
    for alert_id in alert_ids:
        event = events.get(alert_id)
        alerts.append({
            "id": alert_id,
            "in_task": event is not None,
            "status": event.status if event else None,
            "final": bool(event and event.final),
            "error_code": event.error_code if event else None,
            "hint": hint_for(event.error_code) if event and not event.succeeded else None,
        })
    finished = task_status in TASK_FINAL_STATUSES and all(alert["final"] or not alert["in_task"] for alert in alerts)
    return {"task_id": task_id, "task_status": task_status, "finished": finished, "alerts": alerts}
