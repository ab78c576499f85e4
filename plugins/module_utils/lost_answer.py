# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A write whose answer was lost (timeout, connection reset): the whole policy, in one place.

It is never sent blindly again. After one poll_interval its alerts are read again; an alert on which nothing
happened since the first read (same status, no newer OperateTime or OperateErrorCode) is sent again only if the
operation acts on the alert alone: the lost call may sit in a queued task, and an operation on the host (block_ip,
kill_and_quara, ...) must not run twice. The other alerts of the lost call have no task id: their result is read
from the alerts themselves (result_from_alert) until it is final.
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import HELD_BACK, PLANNED, UNTRACKED
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import HOST_OPERATIONS
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import PROCESSING_STATUS
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import (
    EVENT_FAILED,
    EVENT_SUCCESS,
    AlertResult,
    is_success_code,
)

READ_FROM_ALERT = "the answer to HandleSecurityEvents was lost, so its task is unknown: the result was read " \
                  "from the alert (DescribeSuspEvents)"


def may_have_acted(error: SasApiError) -> bool:
    """Whether the service may have processed a write that ended in error: then its answer was lost."""
    if error.kind in (errors.NOT_SENT, errors.CREDENTIALS):
        return False
    return not (error.kind == errors.API and (error.http_status or 500) < 500)


def stage_after_lost_answer(operation: str, before: AlertState, now: AlertState) -> str:
    """Where an alert of a lost call goes once read again: planned (sent again) only if nothing happened to it since
    it was first read and the operation acts on the alert alone; held_back if nothing happened but the operation acts
    on the host (the lost call may sit in a queued task that leaves the alert pending for a while); untracked if
    something happened (its result is read from the alert)."""
    if changed_since(before, now):
        return UNTRACKED
    return HELD_BACK if operation in HOST_OPERATIONS else PLANNED


def lost_answer_reason(held_back: bool, operation: str, why: str) -> str:
    """Why an alert of a call whose answer was lost has no result, and where to look."""
    if held_back:
        return ("the answer to HandleSecurityEvents was lost and %s acts on the host, so it was not sent again; "
                "%s: check the alert with sas_alert_info or in the console" % (operation, why))
    return ("the answer to HandleSecurityEvents was lost, so its task id is unknown; %s: check the alert "
            "with sas_alert_info" % why)


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


def result_from_alert(before: AlertState, now: Optional[AlertState], operation: Optional[str] = None,
                      reason: str = READ_FROM_ALERT) -> AlertResult:
    """An alert's result, read from the alert after a write of operation whose answer was lost (or whose task
    cannot be read: reason says which); final or not.

    A new code of another operation ("<operation>.<result>") is someone else's result: final, by_another -
    the alert was handled by another hand, perhaps before the write arrived. A new "*.Success" code is
    success, even while the status reads processing (a host operation may leave it at 16). Otherwise
    processing means wait; another status means the operation acted; the same status with a new code means
    it failed (a failed task puts the alert back); nothing new means wait - the task may be queued
    (TaskStatus Pending leaves the alert pending) or the write never arrived. An alert not found is waited
    for too: a lookup by id may miss some statuses.
    """
    if now is None:
        return AlertResult(before.id, None, None)
    code = now.operate_error_code if shows_new_result(before, now) else None
    if code and operation and code.split(".", 1)[0] != operation:
        return AlertResult(before.id, EVENT_SUCCESS if is_success_code(code) else EVENT_FAILED, code,
                           reason=reason, event_status=now.event_status, by_another=True)
    if is_success_code(code):
        status: Optional[str] = EVENT_SUCCESS
    elif now.event_status == PROCESSING_STATUS:
        status = None
    elif now.event_status != before.event_status:
        status = EVENT_SUCCESS
    else:
        status = EVENT_FAILED if code else None
    return AlertResult(before.id, status, code, reason=reason, event_status=now.event_status)
