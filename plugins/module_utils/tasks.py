# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handling tasks: read their status (DescribeSecurityEventOperationStatus)
and wait, bounded, until every alert in them has a final status.

The status API is always asked with both TaskId and SecurityEventIds (sas_api.operation_status). Alerts
sent in a call whose answer was lost have no task id; they are followed by reading the alerts themselves
(DescribeSuspEvents, alert_status.lookup_statuses) and comparing each with its state before the write
(result_from_alert).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState, lookup_statuses
from ansible_collections.alibabacloud.sas.plugins.module_utils.api import PROCESSING_STATUS
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, error_hint
from ansible_collections.alibabacloud.sas.plugins.module_utils.sas_api import HANDLE_SECURITY_EVENTS, operation_status

# TaskStatus spells failure "Failure", the per-alert Status spells it "Failed" [DOC].
TASK_FINAL_STATUSES = ("Success", "Failure")
EVENT_SUCCESS = "Success"
EVENT_FAILED = "Failed"
EVENT_FINAL_STATUSES = (EVENT_SUCCESS, EVENT_FAILED)

# A final task without one of the alerts sent in it: the service may accept a batch with an unknown or
# refused id and leave that id out of the task [GUESS: no source says either way].
LEFT_OUT_OF_TASK = "not in the task (the service left it out)"
READ_FROM_ALERT = "the answer to HandleSecurityEvents was lost, so its task is unknown: the result was read " \
                  "from the alert (DescribeSuspEvents)"


def hint_for(error_code: Optional[str]) -> Optional[str]:
    """What to do about an alert's error code - its result in a handling task ("<operation>.<result>"), or the
    code that refused the HandleSecurityEvents call it was in - or None (errors.HINTS)."""
    return error_hint(error_code, HANDLE_SECURITY_EVENTS)


class EventStatus:
    """One alert's state inside a handling task."""

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

    def __init__(self, task_id: int, task_status: Optional[str], events: Dict[int, EventStatus]):
        self.task_id = task_id
        self.task_status = task_status
        self.events = events

    @property
    def final(self) -> bool:
        return self.task_status in TASK_FINAL_STATUSES

    def result(self, alert_id: int) -> Optional[EventStatus]:
        """The alert's status in the task; once the task is final, an alert it does not hold has failed."""
        event = self.events.get(alert_id)
        if event is None and self.final:
            return EventStatus(alert_id, EVENT_FAILED, None, reason=LEFT_OUT_OF_TASK)
        return event

    def finished(self, alert_ids: List[int]) -> bool:
        """Every alert of alert_ids has a final status (or was left out of the final task)."""
        results = [self.result(alert_id) for alert_id in alert_ids]
        return all(result is not None and result.final for result in results)


def read_task(connection: Any, task_id: int, alert_ids: List[int]) -> TaskStatus:
    """The status of task_id for alert_ids."""
    response = operation_status(connection, alert_ids, task_id)
    events: Dict[int, EventStatus] = {}
    for entry in (response.security_event_operation_statuses or []) if response else []:
        try:
            alert_id = int(entry.security_event_id)  # a string in the SDK model
        except (TypeError, ValueError):
            continue
        events[alert_id] = EventStatus(alert_id, entry.status, entry.error_code)
    return TaskStatus(task_id, response.task_status if response else None, events)


# --- an alert whose task id is unknown: its result read from the alert ----------------------------
def shows_new_result(before: AlertState, now: AlertState) -> bool:
    """Whether the alert shows a handling result newer than before: a later OperateTime, or, where the
    time is not known, another OperateErrorCode. Times are the service's own, so no clock is compared."""
    now_time, before_time = now.operate_time, before.operate_time
    if now_time:  # 0 or absent: never handled, or not carried
        return not before_time or now_time > before_time
    return bool(now.operate_error_code) and now.operate_error_code != before.operate_error_code


def changed_since(before: AlertState, now: AlertState) -> bool:
    """Whether anything happened to the alert since before: another status or a newer result."""
    return now.event_status != before.event_status or shows_new_result(before, now)


def is_success_code(error_code: Optional[str]) -> bool:
    """A result code "<operation>[.<detail>].Success" [DOC][3P: advance_mark_mis_info.User.Success]."""
    return error_code is not None and error_code.rsplit(".", 1)[-1] == EVENT_SUCCESS


def result_from_alert(before: AlertState, now: Optional[AlertState],
                      operation: Optional[str] = None) -> EventStatus:
    """An alert's result, read from the alert after a write of operation whose answer was lost; final or not.

    A new code of another operation ("<operation>.<result>") is someone else's result: final, by_another -
    the alert was handled by another hand, perhaps before the write arrived. A new "*.Success" code is
    success, even while the status reads processing (a host operation may leave it at 16). Otherwise
    processing means wait; another status means the operation acted; the same status with a new code means
    it failed (a failed task puts the alert back); nothing new means wait - the task may be queued
    (TaskStatus Pending leaves the alert pending) or the write never arrived. An alert not found is waited
    for too: a lookup by id may miss some statuses.
    """
    if now is None:
        return EventStatus(before.id, None, None)
    code = now.operate_error_code if shows_new_result(before, now) else None
    if code and operation and code.split(".", 1)[0] != operation:
        return EventStatus(before.id, EVENT_SUCCESS if is_success_code(code) else EVENT_FAILED, code,
                           reason=READ_FROM_ALERT, event_status=now.event_status, by_another=True)
    if is_success_code(code):
        status: Optional[str] = EVENT_SUCCESS
    elif now.event_status == PROCESSING_STATUS:
        status = None
    elif now.event_status != before.event_status:
        status = EVENT_SUCCESS
    else:
        status = EVENT_FAILED if code else None
    return EventStatus(before.id, status, code, reason=READ_FROM_ALERT, event_status=now.event_status)


# --- waiting ----------------------------------------------------------------------------------
Watch = Tuple[int, List[int]]  # (task id, the alert ids sent in it)


def poll_tasks(connection: Any, watches: List[Watch], concurrency: int,
               latest: Dict[int, EventStatus]) -> List[Watch]:
    """Read each task once, record its alerts' statuses in latest; returns the watches not finished."""
    def poll(watch: Watch) -> Optional[TaskStatus]:
        try:
            return read_task(connection, watch[0], watch[1])
        except SasApiError:  # retried already; the alerts stay without a final status
            return None

    still_open = []
    for watch, status in zip(watches, connection.map(poll, watches, concurrency)):
        if status is not None:
            for alert_id in watch[1]:
                result = status.result(alert_id)
                if result is not None:
                    latest[alert_id] = result
        if status is None or not status.finished(watch[1]):
            still_open.append(watch)
    return still_open


def poll_alerts(connection: Any, untracked: Dict[int, AlertState], concurrency: int,
                latest: Dict[int, EventStatus], operation: Optional[str] = None) -> Dict[int, AlertState]:
    """Read the alerts whose task id is unknown once (result_from_alert), record their results in latest;
    returns those without a final result, each with its state before the write."""
    try:
        states = lookup_statuses(connection, list(untracked), concurrency)
    except SasApiError:  # retried already; the alerts stay without a final status
        return untracked
    still_open = {}
    for alert_id, before in untracked.items():
        result = result_from_alert(before, states.get(alert_id), operation)
        latest[alert_id] = result
        if not result.final:
            still_open[alert_id] = before
    return still_open


def wait_for_tasks(connection: Any, watches: List[Watch], wait_timeout: float, poll_interval: float,
                   concurrency: int, untracked: Optional[Mapping[int, AlertState]] = None,
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep,
                   operation: Optional[str] = None) -> Dict[int, EventStatus]:
    """Poll each (task id, alert ids), and read each untracked alert (id -> its state before the write of
    operation, for alerts whose task id is unknown), until all are final or wait_timeout has passed.

    The first poll comes after one poll_interval (no task is done at once) and the last one at the
    deadline, so a task that ends just in time is seen. A status that cannot be read is left as it was:
    its alerts end without a final status.
    """
    latest: Dict[int, EventStatus] = {}
    open_watches = [watch for watch in watches if watch[1]]
    open_alerts = dict(untracked or {})
    deadline = clock() + wait_timeout
    while open_watches or open_alerts:
        sleep(max(0.0, min(poll_interval, deadline - clock())))
        if open_watches:
            open_watches = poll_tasks(connection, open_watches, concurrency, latest)
        if open_alerts:
            open_alerts = poll_alerts(connection, open_alerts, concurrency, latest, operation)
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
    # An alert the final task does not hold was left out of it: nothing to wait for.
    finished = task_status in TASK_FINAL_STATUSES and all(alert["final"] or not alert["in_task"] for alert in alerts)
    return {"task_id": task_id, "task_status": task_status, "finished": finished, "alerts": alerts}
