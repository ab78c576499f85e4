# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handling tasks: their status and each alert's result in them (DescribeSecurityEventOperationStatus).

The status API is always asked with both TaskId and SecurityEventIds (service_calls.operation_status). Alerts
sent in a call whose answer was lost have no task id: lost_answer.py reads their result from the alerts.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import error_hint
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    HANDLE_SECURITY_EVENTS,
    operation_status,
)

# TaskStatus spells failure "Failure", the per-alert Status spells it "Failed" [DOC].
TASK_FINAL_STATUSES = ("Success", "Failure")
EVENT_SUCCESS = "Success"
EVENT_FAILED = "Failed"
EVENT_FINAL_STATUSES = (EVENT_SUCCESS, EVENT_FAILED)

# A final task without one of the alerts sent in it: the service may accept a batch with an unknown or
# refused id and leave that id out of the task [GUESS: no source says either way].
LEFT_OUT_OF_TASK = "not in the task (the service left it out)"


def hint_for(error_code: Optional[str]) -> Optional[str]:
    """What to do about an alert's error code - its result in a handling task ("<operation>.<result>"), or the
    code that refused the HandleSecurityEvents call it was in - or None (errors.HINTS)."""
    return error_hint(error_code, HANDLE_SECURITY_EVENTS)


def is_success_code(error_code: Optional[str]) -> bool:
    """A result code "<operation>[.<detail>].Success" [DOC][3P: advance_mark_mis_info.User.Success]."""
    return error_code is not None and error_code.rsplit(".", 1)[-1] == EVENT_SUCCESS


class AlertResult:
    """One alert's result in a handling task, or read from the alert itself (lost_answer.result_from_alert)."""

    def __init__(self, alert_id: int, status: Optional[str], error_code: Optional[str],
                 reason: Optional[str] = None, event_status: Optional[int] = None, by_another: bool = False):
        self.id = alert_id
        self.status = status
        self.error_code = error_code or None
        self.reason = reason  # why, when the task itself did not say it for this alert
        self.event_status = event_status  # the alert's EventStatus, when it was read from the alert
        self.by_another = by_another  # read from the alert: the result is another operation's, not ours

    @property
    def final(self) -> bool:
        return self.status in EVENT_FINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == EVENT_SUCCESS


class TaskStatus:
    """A task's status and its alerts' statuses, as one read returned them."""

    def __init__(self, task_id: int, task_status: Optional[str], events: Dict[int, AlertResult]):
        self.task_id = task_id
        self.task_status = task_status
        self.events = events

    @property
    def final(self) -> bool:
        return self.task_status in TASK_FINAL_STATUSES

    def left_out(self, alert_id: int) -> bool:
        """The task is final and does not hold the alert: the service left it out."""
        return self.final and alert_id not in self.events


def read_task(connection: Any, task_id: int, alert_ids: List[int]) -> TaskStatus:
    """The status of task_id for alert_ids."""
    response = operation_status(connection, alert_ids, task_id)
    events: Dict[int, AlertResult] = {}
    for entry in (response.security_event_operation_statuses or []) if response else []:
        try:
            alert_id = int(entry.security_event_id)  # a string in the SDK model
        except (TypeError, ValueError):
            continue
        events[alert_id] = AlertResult(alert_id, entry.status, entry.error_code)
    return TaskStatus(task_id, response.task_status if response else None, events)


def task_report(connection: Any, task_id: int, alert_ids: List[int], chunk_size: int) -> Dict[str, Any]:
    """sas_alert_task_info's result: the task's status and each alert's, in input order."""
    events: Dict[int, AlertResult] = {}
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
    # An alert the final task does not hold was left out of it: nothing to wait for.
    finished = task_status in TASK_FINAL_STATUSES and all(alert["final"] or not alert["in_task"] for alert in alerts)
    return {"task_id": task_id, "task_status": task_status, "finished": finished, "alerts": alerts}
