# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settle, the third step of handling: the reads that give each sent alert its outcome.

Each task is read with its id and its alerts (tasks.read_task) soon after it was sent - FIRST_POLL seconds after, for
a task may take 0.2 s - then ever less often, the wait doubling up to poll_interval. The alerts of a call whose answer
was lost are read themselves (lost_answer.result_from_alert) on the same schedule, and so are those of a task whose
status read is refused for good (a member account's task, which DescribeSecurityEventOperationStatus may not find). A
final result ends its alert; an alert that a finished task does not hold was left out of it, and its status says why
(read_status_after). What has no final result once wait_timeout has passed since the last write ends timed_out; the
last read lands on that deadline, so that a task that ends just in time is seen. A status that cannot be read is left
as it was.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    ALREADY_HANDLED,
    FAILED,
    FOLLOWED_STAGES,
    HANDLED,
    HELD_BACK,
    LEFT_OUT,
    SENT,
    SUBMITTED,
    TIMED_OUT,
    UNSUPPORTED,
    Alert,
    Ending,
    end,
    move,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import lookup_statuses
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_plan import gone_ending, plan_for
from ansible_collections.alibabacloud.sas.plugins.module_utils.lost_answer import (
    READ_FROM_ALERT,
    lost_answer_reason,
    result_from_alert,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import lookup_operations
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import status_after_success
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DESCRIBE_SECURITY_EVENT_OPERATION_STATUS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import PROCESSING_STATUS
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import (
    LEFT_OUT_OF_TASK,
    AlertResult,
    TaskStatus,
    read_task,
)

FIRST_POLL = 0.25  # seconds after the write: a task may be done in 0.2 s


def result_ending(alert: Alert, result: AlertResult) -> Ending:
    """How a sent alert ends by its final result."""
    if result.by_another:
        return Ending(ALREADY_HANDLED, "handled meanwhile by another hand (%s), so whether %s reached it is not "
                      "known: %s" % (result.error_code, alert.operation, result.reason), result.event_status)
    if result.succeeded:
        return Ending(HANDLED, result.reason, status_after_success(alert.operation, alert.status_before or 0),
                      result.error_code)
    return Ending(FAILED, result.reason or "the handling task failed for this alert", None,
                  result.error_code or "Failed")


def timed_out_ending(alert: Alert, last: Optional[AlertResult], wait_timeout: float) -> Ending:
    """How a sent alert without a final result ends once wait_timeout has passed; last is what was last read."""
    within = "within wait_timeout=%ss" % wait_timeout
    if alert.task_id is not None:
        reason = "no final status from task %d %s; follow up with sas_alert_task_info" % (alert.task_id, within)
    else:
        reason = lost_answer_reason(alert.stage == HELD_BACK, alert.operation, "no result " + within)
    last_read = last.event_status if last is not None else None
    return Ending(TIMED_OUT, reason, PROCESSING_STATUS if last_read is None else last_read)


def end_submitted(alerts: List[Alert], not_known: str) -> None:
    """Nobody waits for the sent alerts (wait is false, or the run was killed): they end submitted. An alert already
    found left out of its task has failed."""
    for alert in alerts:
        if alert.stage == LEFT_OUT:
            end(alert, FAILED, LEFT_OUT_OF_TASK, error_code="Failed")
        elif alert.stage in FOLLOWED_STAGES:
            reason = ("sent; " + not_known if alert.task_id is not None
                      else lost_answer_reason(alert.stage == HELD_BACK, alert.operation, not_known))
            end(alert, SUBMITTED, reason, PROCESSING_STATUS)


class Watch:
    """Sent alerts read together: those of one task, or (task_id None) of one call whose answer was lost."""

    def __init__(self, task_id: Optional[int], alerts: List[Alert], due: float, delay: float):
        self.task_id = task_id
        # Why its alerts are read themselves: its answer was lost, or its task cannot be read; None: its task is read.
        self.read_from_alerts: Optional[str] = READ_FROM_ALERT if task_id is None else None
        self.alerts = alerts
        self.due = due  # when to read next
        self.delay = delay  # the wait before that read, doubled after each read up to poll_interval
        self.last: Dict[int, AlertResult] = {}  # each alert's last result read

    @property
    def open(self) -> bool:
        return any(alert.stage in FOLLOWED_STAGES for alert in self.alerts)


class Follower:
    """Reads what was sent until each alert has its outcome; the handling run says when (poll) and how long (wait)."""

    def __init__(self, connection: Any, wait_timeout: float, poll_interval: float, concurrency: int,
                 clock: Callable[[], float], sleep: Callable[[float], None]):
        self.connection = connection
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self.clock = clock
        self.sleep = sleep
        self.watches: List[Watch] = []
        self.last_write: Optional[float] = None
        self.deadline: Optional[float] = None  # known once every write is made

    def follow(self, task_id: Optional[int], alerts: List[Alert]) -> None:
        """Follow alerts just sent (in task task_id, or in a call whose answer was lost)."""
        self.last_write = self.clock()
        delay = min(FIRST_POLL, self.poll_interval)
        self.watches.append(Watch(task_id, alerts, self.last_write + delay, delay))

    @property
    def open_watches(self) -> List[Watch]:
        return [watch for watch in self.watches if watch.open]

    def next_read(self) -> Optional[float]:
        """When the next read is due (at the latest the deadline); None when nothing is followed."""
        dues = [watch.due for watch in self.open_watches]
        if not dues:
            return None
        return min(dues) if self.deadline is None else min(*dues, self.deadline)

    def writes_done(self) -> None:
        """Every write is made: the wait ends wait_timeout after the last one."""
        self.deadline = (self.last_write if self.last_write is not None else self.clock()) + self.wait_timeout

    def poll(self, until: float) -> None:
        """Read the watches due by until (all of them once until is the deadline), end what is final, and put the
        next read of the others further off."""
        final_round = self.deadline is not None and until >= self.deadline
        due = [watch for watch in self.open_watches if final_round or watch.due <= until]
        tasks = [watch for watch in due if watch.read_from_alerts is None]
        for watch, status in zip(tasks, self.connection.map(self.read_task, tasks, self.concurrency)):
            if status is not None:
                self.take_task(watch, status)
        self.read_alerts([watch for watch in due if watch.read_from_alerts is not None])
        now = max(self.clock(), until)
        for watch in due:
            watch.delay = min(watch.delay * 2, self.poll_interval)
            watch.due = now + watch.delay

    def wait(self) -> None:
        """Once every write is made: read until each alert has a final result or the deadline has passed; those
        still without one end timed_out."""
        self.writes_done()
        while True:
            until = self.next_read()
            if until is None:
                return
            self.sleep(max(0.0, until - self.clock()))
            self.poll(until)
            if until >= self.deadline:  # type: ignore[operator]
                break
        for watch in self.open_watches:
            for alert in watch.alerts:
                if alert.stage in FOLLOWED_STAGES:
                    end(alert, *timed_out_ending(alert, watch.last.get(alert.id), self.wait_timeout))

    def read_task(self, watch: Watch) -> Optional[TaskStatus]:
        """The task's status; None if it could not be read (retried already): its alerts stay without a final result,
        and once the service refuses the read for good they are read themselves from then on."""
        try:
            return read_task(self.connection, watch.task_id, [alert.id for alert in watch.alerts])  # type: ignore
        except SasApiError as error:
            if not error.transient:
                watch.read_from_alerts = self.unreadable_task_reason(watch.task_id, error)  # type: ignore[arg-type]
            return None

    def unreadable_task_reason(self, task_id: int, error: SasApiError) -> str:
        unseen = self.connection.member_unseen_by(DESCRIBE_SECURITY_EVENT_OPERATION_STATUS)
        return "task %d could not be read (%s%s): the result was read from the alert (DescribeSuspEvents)" % (
            task_id, error.code or error.kind, "; " + unseen if unseen else "")

    @staticmethod
    def take_task(watch: Watch, status: TaskStatus) -> None:
        for alert in watch.alerts:
            if alert.stage != SENT:
                continue
            if status.left_out(alert.id):
                move(alert, LEFT_OUT)
                continue
            result = status.events.get(alert.id)
            if result is not None:
                watch.last[alert.id] = result
                if result.final:
                    end(alert, *result_ending(alert, result))

    def read_alerts(self, watches: List[Watch]) -> None:
        """The alerts of calls whose answer was lost, read once (one lookup for all), each against its state before
        the write."""
        followed = [(watch, alert) for watch in watches for alert in watch.alerts if alert.stage in FOLLOWED_STAGES]
        if not followed:
            return
        try:
            states = lookup_statuses(self.connection, [alert.id for _watch, alert in followed], self.concurrency)
        except SasApiError:  # retried already; the alerts stay without a final result
            return
        for watch, alert in followed:
            result = result_from_alert(alert.state_before, states.get(alert.id), alert.operation,  # type: ignore
                                       watch.read_from_alerts)
            watch.last[alert.id] = result
            if result.final:
                end(alert, *result_ending(alert, result))


def recheck_operations(connection: Any, alerts: List[Alert], why: str, concurrency: int) -> List[Alert]:
    """Ask the service again which operations the alerts allow (one call each); those that no longer allow their
    operation end unsupported, why saying what showed it. Returns the others."""
    try:
        operations = lookup_operations(connection, [alert.id for alert in alerts], concurrency)
    except SasApiError:
        return alerts
    others = []
    for alert in alerts:
        offered = operations[alert.id]
        plan = None if offered is None else plan_for(alert, offered)
        if plan is not None and plan.unsupported:
            end(alert, UNSUPPORTED, "%s: %s" % (why, plan.unsupported))
        else:
            others.append(alert)
    return others


def read_status_after(connection: Any, alerts: List[Alert], concurrency: int) -> Optional[str]:
    """status_after of the alerts that ended handled or failed, as the service shows it (one lookup for all), not as
    predicted: an operation may leave another status than the table says. The same read settles the alerts their
    finished task left out: gone, handled by another hand, no longer allowed, or else failed. Returns a warning
    naming the alerts whose status could not be read (their prediction stays), or None."""
    if not alerts:
        return None
    try:
        states = lookup_statuses(connection, [alert.id for alert in alerts], concurrency)
        why = "the service did not list them"
    except SasApiError as error:
        states, why = {}, "they could not be read again (%s)" % error.describe()
    unread, still_pending = [], []
    for alert in alerts:
        state = states.get(alert.id)
        if alert.stage == LEFT_OUT and alert.id in states:
            if state is None or not state.pending:
                end(alert, *gone_ending(state, "left out of task %s" % alert.task_id))
            else:
                still_pending.append(alert)
        elif state is None or state.event_status is None:
            unread.append(alert)
        else:
            alert.status_after = state.event_status
    # Left out, still pending: failed, unless the operation no longer fits them.
    for alert in recheck_operations(connection, still_pending, LEFT_OUT_OF_TASK, concurrency) if still_pending else []:
        end(alert, FAILED, LEFT_OUT_OF_TASK, states[alert.id].event_status, "Failed")  # type: ignore[union-attr]
    for alert in unread:
        if alert.stage == LEFT_OUT:
            end(alert, FAILED, LEFT_OUT_OF_TASK, error_code="Failed")
    if not unread:
        return None
    return "status_after of alerts %s is predicted, not read: %s" % (", ".join(str(alert.id) for alert in unread), why)
