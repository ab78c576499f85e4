# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Send, the second step of handling: the writes (HandleSecurityEvents), one batch at a time, each written down in
the audit trail just before and just after the call; a call whose request line cannot be written is not made.

A write whose answer was lost is never sent blindly again (lost_answer.py says what is). A refused write is read
again too and its alerts still pending are sent again, since one alert gone or handled meanwhile
(SecurityEventNotExists, InvalidParam) refuses the whole call. Each batch is sent at most MAX_SEND_ROUNDS times.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    FAILED,
    PLANNED,
    SENT,
    Alert,
    end,
    move,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import lookup_statuses
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import (
    AuditLog,
    AuditLogError,
    request_event,
    response_event,
    stopped_event,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_plan import Batch, gone_ending
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_settle import recheck_operations
from ansible_collections.alibabacloud.sas.plugins.module_utils.lost_answer import (
    may_have_acted,
    stage_after_lost_answer,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    HANDLE_SECURITY_EVENTS,
    handle_params,
    handle_security_events,
)

MAX_SEND_ROUNDS = 3

RUN_KILLED = "the run was killed (the ansible-playbook process that started the module is gone)"
NOT_SENT_RUN_KILLED = "not sent: %s before this alert's write" % RUN_KILLED
STOPPED_RUN_KILLED = "stopped before the next write: %s; these alerts were not sent" % RUN_KILLED

# follow(task_id or None, alerts): hands sent alerts to the settle step; None: the answer was lost.
Follow = Callable[[Optional[int], List[Alert]], None]


class GroupTrail:
    """The audit trail as one group writes it: each line with the group's audit_context, before the module's."""

    def __init__(self, audit: AuditLog, context: Optional[Mapping[str, Any]]):
        self.audit = audit
        self.context = dict(context or {})

    def record(self, event: Mapping[str, Any]) -> None:
        self.audit.record(dict(event, **self.context))

    def record_or_warn(self, event: Mapping[str, Any]) -> None:
        self.audit.record_or_warn(dict(event, **self.context))


def group_trail(audit: Optional[AuditLog], group: Any) -> Optional[GroupTrail]:
    return None if audit is None else GroupTrail(audit, group.audit_context)


class Sender:
    """Sends batches; hands each alert sent to follow, and ends those that cannot be sent."""

    def __init__(self, connection: Any, poll_interval: float, concurrency: int, follow: Follow,
                 sleep: Callable[[float], None], audit: Optional[AuditLog] = None):
        self.connection = connection
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self.follow = follow
        self.sleep = sleep
        self.audit = audit  # None: no trail
        self.writes = 0  # calls made (whatever their answer)

    def send(self, batch: Batch) -> None:
        """One batch: send; after a lost answer or a refusal send again only what recover allows."""
        pending = list(batch.alerts)
        trail = group_trail(self.audit, batch.group)
        error = SasApiError(HANDLE_SECURITY_EVENTS, errors.NOT_SENT, "not sent")
        for attempt in range(1, MAX_SEND_ROUNDS + 1):
            params = handle_params(batch.group.operation, [alert.id for alert in pending], batch.key[0], batch.key[1],
                                   batch.group.remark)
            line = request_event(params, attempt) if trail is not None else None
            if trail is not None and not self.write_down_before(trail, line, pending):
                return
            task_id, refusal = self.write(params, trail, line)
            if task_id is not None:
                for alert in pending:
                    move(alert, SENT, task_id=task_id)
                self.follow(task_id, pending)
                return
            error = refusal or error
            lost = may_have_acted(error)
            if lost:
                self.sleep(self.poll_interval)  # let the service show what it did
            # One id gone or handled meanwhile makes the service refuse the whole call, and a lost call
            # may have acted: read the alerts again, settle or follow what changed, send the rest again.
            resend = self.recover(pending, error, lost)
            if not lost and len(resend) == len(pending):
                break  # refused although nothing changed: the refusal stands
            pending = resend
            if not pending:
                return
        for alert in pending:
            end(alert, FAILED, "HandleSecurityEvents failed: %s" % error.describe(),
                error_code=error.code or error.kind)

    def write(self, params: Dict[str, Any], trail: Optional[GroupTrail],
              line: Optional[Dict[str, Any]]) -> Tuple[Optional[int], Optional[SasApiError]]:
        """One HandleSecurityEvents call: (task id, None) or (None, why not); then its response line."""
        request_id = None
        self.writes += 1
        try:
            task_id, request_id = handle_security_events(self.connection, params)
            error = None
        except SasApiError as exc:
            task_id, error = None, exc
        except BaseException as exc:
            # A bug or an interruption: the call may have gone out, so the trail says so before it propagates.
            if trail is not None:
                trail.record_or_warn(response_event(line, None, exc, request_id))
            raise
        if trail is not None:  # the call is made: a line that cannot be written is only a warning (audit.problems)
            trail.record_or_warn(response_event(line, task_id, error, request_id))
        return task_id, error

    @staticmethod
    def write_down_before(trail: GroupTrail, line: Dict[str, Any], alerts: List[Alert]) -> bool:
        """Write the line before a call; if it cannot be written the call is not made and its alerts fail."""
        try:
            trail.record(line)
        except AuditLogError as exc:
            for alert in alerts:
                end(alert, FAILED, "HandleSecurityEvents not sent: %s" % exc)
            return False
        return True

    def recover(self, alerts: List[Alert], error: SasApiError, lost: bool) -> List[Alert]:
        """After a failed write, read the alerts again; returns those to send again: after a refusal those still
        pending, after a lost answer those lost_answer allows. The others end, or go to follow."""
        try:
            states = lookup_statuses(self.connection, [alert.id for alert in alerts], self.concurrency)
        except SasApiError as read_error:
            for alert in alerts:
                end(alert, FAILED, "HandleSecurityEvents failed (%s) and the alerts could not be read again (%s): "
                    "not re-sent, check them with sas_alert_info" % (error.describe(), read_error.describe()),
                    error_code=error.code or error.kind)
            return []
        resend, followed = [], []
        for alert in alerts:
            state = states[alert.id]
            if state is None or (not lost and not state.pending):
                end(alert, *gone_ending(state, ""))
            elif not lost:
                resend.append(alert)
            else:
                stage = stage_after_lost_answer(alert.operation, alert.state_before or state, state)
                if stage == PLANNED:
                    resend.append(alert)
                else:
                    move(alert, stage, state_before=alert.state_before or state)
                    followed.append(alert)
        if followed:
            self.follow(None, followed)
        if resend and not lost:  # one alert the operation no longer fits must not sink the batch
            resend = recheck_operations(self.connection, resend, "HandleSecurityEvents refused the call (%s)"
                                        % error.describe(), self.concurrency)
        return resend

    def stop(self, alerts: List[Alert]) -> None:
        """The run was killed: the alerts not sent end failed, and the trail says where it stopped (a line per
        group)."""
        groups: Dict[int, Tuple[Any, List[Alert]]] = {}
        for alert in alerts:
            end(alert, FAILED, NOT_SENT_RUN_KILLED)
            groups.setdefault(id(alert.group), (alert.group, []))[1].append(alert)
        for group, not_sent in groups.values():
            trail = group_trail(self.audit, group)
            if trail is not None:
                trail.record_or_warn(stopped_event(group.operation, [alert.id for alert in not_sent],
                                                   STOPPED_RUN_KILLED))
