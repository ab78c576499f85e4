# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One alert's way through sas_alert_handle: the stage it is at, moved in one place (move), and the outcome it ends
in, from the one table of outcomes (OUTCOMES).

    new -> read -> planned -> sent -> ended
                      |         `-> left_out -> ended    its finished task did not hold it: its status says why
                      `-> untracked | held_back -> ended  the answer to its write was lost: the alert says how it ended
    every stage -> ended                                  settled as soon as something says how

Each step owns the alerts at its stages - plan: new and read; send: planned; settle: sent, untracked, held_back
and left_out - so an alert is moved by one thread at a time.
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import status_name
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import hint_for

HANDLED = "handled"
WOULD_HANDLE = "would_handle"
SUBMITTED = "submitted"
ALREADY_HANDLED = "already_handled"
EXPIRED = "expired"  # the service let it expire: it offers no operation for it, so nobody can act on it
UNSUPPORTED = "unsupported"
NOT_FOUND = "not_found"
FAILED = "failed"
TIMED_OUT = "timed_out"
# The one table of outcomes: the summary, the RETURN docs and the triage report follow its order.
OUTCOMES = (HANDLED, WOULD_HANDLE, SUBMITTED, ALREADY_HANDLED, EXPIRED, UNSUPPORTED, NOT_FOUND, FAILED, TIMED_OUT)
# A write was (or in check mode would be) accepted for these.
CHANGING_OUTCOMES = (HANDLED, WOULD_HANDLE, SUBMITTED, TIMED_OUT)
# The service handled it (or, in check mode, would): these get the note.
SUCCEEDING_OUTCOMES = (HANDLED, WOULD_HANDLE)
FAILING_OUTCOMES = (FAILED, TIMED_OUT)

NEW = "new"              # asked for: its status is not read yet
READ = "read"            # read, and it may be sent: what the service offers for it is to be read
PLANNED = "planned"      # to be sent: the service offers the operation, its parameters are known (send_key)
SENT = "sent"            # in a task whose id is known: the task says how it ended
UNTRACKED = "untracked"  # in a call whose answer was lost: the alert itself says how it ended
HELD_BACK = "held_back"  # as untracked, and never sent again: its operation acts on the host
LEFT_OUT = "left_out"    # its finished task does not hold it: its status says why
ENDED = "ended"          # it has its outcome, for good
NEXT_STAGES = {
    NEW: (READ, ENDED),
    READ: (PLANNED, ENDED),
    PLANNED: (SENT, UNTRACKED, HELD_BACK, ENDED),
    SENT: (LEFT_OUT, ENDED),
    UNTRACKED: (ENDED,),
    HELD_BACK: (ENDED,),
    LEFT_OUT: (ENDED,),
    ENDED: (),
}
# Sent, with the result not known yet: waited for, or, once nobody waits, submitted.
FOLLOWED_STAGES = (SENT, UNTRACKED, HELD_BACK)


class Ending(NamedTuple):
    """How an alert ends: what a step decided, given to end()."""

    outcome: str
    reason: Optional[str] = None
    status_after: Optional[int] = None  # None: as before (not_found: none)
    error_code: Optional[str] = None


class Alert:
    """One alert of the request: the group that asked for it, its stage, and what the steps learnt about it."""

    def __init__(self, alert_id: int, group: Any):
        self.id = alert_id
        self.group = group  # the HandleGroup: its operation and parameters
        self.stage = NEW
        self.state_before: Optional[AlertState] = None  # as read before any write: what a lost write may change
        self.send_key: Optional[Tuple[str, Optional[str]]] = None  # (OperationParams, MarkMissParam) JSON
        self.task_id: Optional[int] = None
        self.outcome: Optional[str] = None
        self.reason: Optional[str] = None
        self.error_code: Optional[str] = None
        self.hint: Optional[str] = None
        self.status_after: Optional[int] = None
        self.note: Optional[str] = None  # what happened to its note (notes.NOTE_STATES); None when none was asked
        # the codes the service let the caller run on it when looked up (UserCanOperate); None: not looked up
        self.allowed_operations: Optional[List[str]] = None

    @property
    def operation(self) -> str:
        return self.group.operation

    @property
    def status_before(self) -> Optional[int]:
        return None if self.state_before is None else self.state_before.event_status

    def result(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome,
            "operation": self.operation,
            "task_id": self.task_id,
            "error_code": self.error_code,
            "status_before": _name(self.status_before),
            "status_after": _name(self.status_after),
            "reason": self.reason,
            "hint": self.hint,
            "note": self.note,
            "allowed_operations": self.allowed_operations,
        }


def _name(event_status: Optional[int]) -> Optional[str]:
    return None if event_status is None else status_name(event_status)


def move(alert: Alert, stage: str, **learnt: Any) -> None:
    """The one place an alert changes stage: stage must follow its own (NEXT_STAGES); learnt are the facts the step
    found out on the way (state_before, send_key, task_id, or an ending's fields)."""
    if stage not in NEXT_STAGES[alert.stage]:
        raise ValueError("alert %d cannot go from %s to %s" % (alert.id, alert.stage, stage))  # a bug, never data
    for name, value in learnt.items():
        if not hasattr(alert, name):
            raise AttributeError("an alert has no %s" % name)
        setattr(alert, name, value)
    alert.stage = stage


def end(alert: Alert, outcome: str, reason: Optional[str] = None, status_after: Optional[int] = None,
        error_code: Optional[str] = None) -> None:
    """End the alert in outcome, one of OUTCOMES, with all that goes with it: a failing alert's code gets its hint."""
    if outcome not in OUTCOMES:
        raise ValueError("%s is not an outcome" % outcome)
    if outcome == NOT_FOUND:
        status_after = None  # the service no longer has it
    elif status_after is None:
        status_after = alert.status_before
    hint = hint_for(error_code) if error_code is not None and outcome not in SUCCEEDING_OUTCOMES else None
    move(alert, ENDED, outcome=outcome, reason=reason, status_after=status_after, error_code=error_code, hint=hint)
