# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handle alerts: read first, send only what is pending and allowed, never send anything twice,
wait boundedly, and end every alert in exactly one outcome.

The order of calls:
1. statuses (alert_status.lookup_statuses): expired -> expired, not pending -> already_handled, unknown ->
   not_found, CanBeDealOnLine false -> unsupported (no operations lookup: the service offers none);
2. DescribeSecurityEventOperations for each remaining alert: operation missing or
   UserCanOperate false -> unsupported; nothing the request can send (no whitelist rule at all) -> failed,
   nothing sent; an alert gone meanwhile is looked up among handled alerts;
3. HandleSecurityEvents, at most 20 ids a call, one call per distinct OperationParams/MarkMissParam;
4. DescribeSecurityEventOperationStatus per task, always with TaskId and SecurityEventIds, until every
   alert is final or wait_timeout passes; an alert that a final task does not hold has failed;
5. statuses again, one lookup for every alert that ended handled or failed: its status_after.
A write whose answer was lost is never sent blindly again. After one poll_interval the alerts are read
again; an alert on which nothing happened since the first read (same status, no newer OperateTime or
OperateErrorCode) is re-sent only if the operation acts on the alert alone: the lost call may sit in a
queued task, and an operation on the host (block_ip, kill_and_quara, ...) must not run twice. The other
alerts of the lost call have no task id: they are followed by reading the alerts (tasks.result_from_alert).
A refused write is read again too and its alerts still pending are re-sent, since one alert gone or
handled meanwhile (SecurityEventNotExists, InvalidParam) refuses the whole call.
With an audit log (audit.py), each write call is written down just before it is made and its
result just after; a call whose request line cannot be written is not made.
Before any call and before each batch the module checks that the run that started it still lives
(run_watch): once ansible-playbook was killed, the alerts not sent end failed, the trail says where it
stopped, and the alerts already sent end submitted (nobody waits for them).
Last, with a note asked for, each alert that ended handled gets it in the console (notes.py).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import (
    AlertState,
    lookup_among_handled,
    lookup_statuses,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.api import (
    MAX_IDS_PER_HANDLE_CALL,
    PROCESSING_STATUS,
    status_name,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import (
    AuditLog,
    AuditLogError,
    request_event,
    response_event,
    stopped_event,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import SKIPPED, NoteWriter
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    ADVANCE_MARK_MIS_INFO,
    HOST_OPERATIONS,
    SUB_OPERATION_KEY,
    SUB_OPERATIONS,
    default_sub_operation,
    status_after_success,
    suggested_sub_operation,
    to_json,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.operations import (
    Operation,
    find_operation,
    lookup_operations,
    lookup_operations_each,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.run_watch import RunWatch
from ansible_collections.alibabacloud.sas.plugins.module_utils.sas_api import (
    HANDLE_SECURITY_EVENTS,
    handle_params,
    handle_security_events,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import (
    LEFT_OUT_OF_TASK,
    EventStatus,
    changed_since,
    hint_for,
    wait_for_tasks,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import (
    WireRule,
    existing_rules,
    mark_miss_param,
    merge_rules,
    rule_problems,
)

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

RUN_KILLED = "the run was killed (the ansible-playbook process that started the module is gone)"
NOT_SENT_RUN_KILLED = "not sent: %s before this alert's write" % RUN_KILLED
STOPPED_RUN_KILLED = "stopped before the next write: %s; these alerts were not sent" % RUN_KILLED

# A batch is sent at most this often: once, then again only for alerts untouched after a lost answer
# (never for an operation on the host) or still pending after the service refused it.
MAX_SEND_ROUNDS = 3

SendKey = Tuple[str, Optional[str]]  # (OperationParams JSON, MarkMissParam JSON or None)


class HandleRequest:
    """What the user asked for, already checked (see operation_params and whitelist)."""

    def __init__(self, operation: str, alert_ids: List[int], operation_params: Dict[str, Any],
                 whitelist_rules: Optional[List[WireRule]] = None, remark: Optional[str] = None,
                 force: bool = False, wait: bool = True, wait_timeout: float = 60.0,
                 poll_interval: float = 2.0, concurrency: int = 8, note: Optional[str] = None):
        self.operation = operation
        self.alert_ids = list(OrderedDict.fromkeys(alert_ids))  # a duplicate is handled and reported once
        self.operation_params = operation_params
        self.whitelist_rules = whitelist_rules
        self.remark = remark
        self.force = force
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        self.note = note  # None: no note


class AlertOutcome:
    """One alert's way through the module; ends in exactly one outcome."""

    def __init__(self, alert_id: int):
        self.id = alert_id
        self.outcome: Optional[str] = None
        self.state_before: Optional[AlertState] = None  # as read before any write: what a lost write may change
        self.status_after: Optional[int] = None
        self.task_id: Optional[int] = None
        self.error_code: Optional[str] = None
        self.reason: Optional[str] = None
        self.hint: Optional[str] = None
        self.note: Optional[str] = None  # what happened to its note (notes.NOTE_STATES); None when none was asked

    @property
    def status_before(self) -> Optional[int]:
        return None if self.state_before is None else self.state_before.event_status

    def end(self, outcome: str, reason: Optional[str] = None, status_after: Optional[int] = None,
            error_code: Optional[str] = None) -> None:
        """Its outcome, and all that goes with it: an alert ended again (settled once more after a read)
        keeps nothing of the first end."""
        self.outcome = outcome
        self.reason = reason
        if outcome == NOT_FOUND:
            self.status_after = None  # the service no longer has it
        else:
            self.status_after = self.status_before if status_after is None else status_after
        self.error_code = error_code
        self.hint = hint_for(error_code) if error_code is not None else None

    def result(self, operation: str) -> Dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome,
            "operation": operation,
            "task_id": self.task_id,
            "error_code": self.error_code,
            "status_before": _name(self.status_before),
            "status_after": _name(self.status_after),
            "reason": self.reason,
            "hint": self.hint,
            "note": self.note,
        }


def _name(event_status: Optional[int]) -> Optional[str]:
    return None if event_status is None else status_name(event_status)


def plan_by_status(alert: AlertOutcome, state: Optional[AlertState], force: bool) -> bool:
    """Settle, by what the listing says, alerts that must not be sent; True if the alert goes on to the
    operations lookup."""
    if state is None:
        alert.end(NOT_FOUND, "the service has no alert with this id")
        return False
    alert.state_before = state
    if state.event_status == PROCESSING_STATUS:
        alert.end(ALREADY_HANDLED, "a handling task is already running on it: nothing sent")
    elif state.expired:
        alert.end(EXPIRED, "it expired: the service offers no operation for an expired alert; nothing sent")
    elif not state.pending and not force:
        alert.end(ALREADY_HANDLED, "its status is %s, not pending: nothing sent (force acts on it anyway)"
                  % state.status)
    elif state.pending and not state.can_be_deal_on_line:
        # "an event can be processed only when CanBeDealOnLine is true" [DOC, HandleSimilarSecurityEvents]; no
        # blocking, whitelisting nor ignoring [SDK, DescribeSuspEventDetail]: its operations are not asked for.
        # What it means for a handled alert (an undo with force) is undocumented: those are asked.
        alert.end(UNSUPPORTED, "the service does not let it be handled (CanBeDealOnLine is false): it offers no "
                               "operation for it; nothing sent")
    else:
        return True
    return False


def end_not_pending(alert: AlertOutcome, state: AlertState, why: str) -> None:
    """An alert found no longer pending after the first read, nothing sent for it: expired, or handled by another
    hand; why says when it was found."""
    if state.expired:
        alert.end(EXPIRED, "it expired meanwhile (%s): the service offers no operation for an expired alert" % why,
                  status_after=state.event_status)
    else:
        alert.end(ALREADY_HANDLED, "handled meanwhile (now %s): %s" % (state.status, why),
                  status_after=state.event_status)


class OperationPlan:
    """What the alert's operations say about sending operation to it: its OperationParams, and for
    advance_mark_mis_info its MarkMissParam rules (existing ones first). unsupported: why the service does not
    allow it; failure: why the request cannot be sent for this alert as given (it ends failed, nothing sent)."""

    def __init__(self, unsupported: Optional[str] = None, rule_problems: Optional[List[str]] = None,
                 mark_rules: Optional[List[WireRule]] = None, params: Optional[Dict[str, Any]] = None,
                 warning: Optional[str] = None, failure: Optional[str] = None):
        self.unsupported = unsupported
        self.failure = failure
        self.rule_problems = rule_problems or []
        self.mark_rules = mark_rules
        self.params = params
        self.warning = warning


# An empty MarkMissParam is refused by one reading of the service and clears the alert's rules under another:
# never sent.
NO_RULE_TO_SEND = ("not sent: the alert has no whitelist rule and whitelist_rules gives none, and an empty rule "
                   "list is refused by the service or clears the rules; give whitelist_rules to whitelist it")


def plan_operation(operations: List[Operation], operation: str, whitelist_rules: Optional[List[WireRule]],
                   operation_params: Optional[Dict[str, Any]] = None) -> OperationPlan:
    """Is operation allowed for the alert, with which OperationParams and which whitelist rules."""
    params = dict(operation_params or {})
    offered = find_operation(operations, operation)
    if offered is None:
        codes = [entry.get("operation_code") for entry in operations]
        if not codes:
            return OperationPlan("the service offers no operation for this alert")
        return OperationPlan("the service does not offer %s for this alert; it offers %s"
                             % (operation, ", ".join(str(code) for code in codes)))
    if not offered.get("user_can_operate"):
        return OperationPlan("the service does not let you run %s on this alert (UserCanOperate is false: "
                             "the Security Center edition or the alert does not allow it)" % operation)
    if operation in SUB_OPERATIONS:
        return plan_sub_operation(operation, params, offered.get("operation_params"))
    if operation != ADVANCE_MARK_MIS_INFO:
        return OperationPlan(params=params)
    problems = rule_problems(whitelist_rules or [], offered.get("mark_fields_source") or [])
    if problems:
        return OperationPlan(rule_problems=problems)
    # Without new rules the alert is whitelisted with the rules it has: the service replaces the list, and
    # one reading of it requires MarkMissParam, so the existing rules are always sent - and without any, nothing.
    rules = merge_rules(existing_rules(offered.get("mark_field") or []), whitelist_rules or [])
    if not rules:
        return OperationPlan(failure=NO_RULE_TO_SEND)
    return OperationPlan(mark_rules=rules, params=params)


def plan_sub_operation(operation: str, params: Dict[str, Any], offered_params: Any) -> OperationPlan:
    """The subOperation for one alert: the user's; else the one the service suggests for it; else, when it suggests
    none, the operation's default.

    Sources list two or six subOperation values for kill_and_quara; the service's own suggestion for
    the alert is the one value sure to be accepted, so a different choice of the user's gets a warning, and so
    does the default where the operation has other values to choose from.
    """
    suggested = suggested_sub_operation(offered_params)
    known = suggested if suggested in SUB_OPERATIONS[operation] else None
    chosen = params.get(SUB_OPERATION_KEY)
    if chosen is not None:
        warning = None
        if known is not None and known != chosen:
            warning = ("sub_operation=%s is not the one the service suggests for this alert (%s); sent as given"
                       % (chosen, known))
        return OperationPlan(params=params, warning=warning)
    if suggested is None:
        default = default_sub_operation(operation)
        warning = None if len(SUB_OPERATIONS[operation]) == 1 else (
            "the service suggests no subOperation for %s on this alert; sent %s, the default (give sub_operation "
            "to choose)" % (operation, default))
        return OperationPlan(params=dict(params, **{SUB_OPERATION_KEY: default}), warning=warning)
    if known is None:
        return OperationPlan("the service suggests a subOperation for %s on this alert that this collection does "
                             "not know: give sub_operation" % operation)
    return OperationPlan(params=dict(params, **{SUB_OPERATION_KEY: known}))


def batches(sends: OrderedDict[int, SendKey]) -> List[Tuple[SendKey, List[int]]]:
    """Alerts that share OperationParams and MarkMissParam, at most MAX_IDS_PER_HANDLE_CALL a call."""
    groups: OrderedDict[SendKey, List[int]] = OrderedDict()
    for alert_id, key in sends.items():
        groups.setdefault(key, []).append(alert_id)
    return [(key, ids[start:start + MAX_IDS_PER_HANDLE_CALL])
            for key, ids in groups.items() for start in range(0, len(ids), MAX_IDS_PER_HANDLE_CALL)]


def may_have_acted(error: SasApiError) -> bool:
    """Whether the service may have processed a write that ended in error."""
    if error.kind in (errors.NOT_SENT, errors.CREDENTIALS):
        return False
    return not (error.kind == errors.API and (error.http_status or 500) < 500)


class HandleReport:
    """Every alert's result, the counts and the tasks: what the module returns."""

    def __init__(self, operation: str, alerts: List[AlertOutcome], task_ids: List[int]):
        self.results = [alert.result(operation) for alert in alerts]
        self.summary = OrderedDict((outcome, 0) for outcome in OUTCOMES)
        for result in self.results:
            self.summary[result["outcome"]] += 1
        self.task_ids = task_ids
        self.changed = any(self.summary[outcome] for outcome in CHANGING_OUTCOMES)
        self.failed = any(self.summary[outcome] for outcome in FAILING_OUTCOMES)

    def diff(self) -> Dict[str, Dict[str, Optional[str]]]:
        return {
            "before": OrderedDict((str(result["id"]), result["status_before"]) for result in self.results),
            "after": OrderedDict((str(result["id"]), result["status_after"]) for result in self.results),
        }

    def failure_message(self) -> str:
        failed = [result for result in self.results if result["outcome"] == FAILED]
        timed_out = [result for result in self.results if result["outcome"] == TIMED_OUT]
        parts = []
        if failed:
            codes: OrderedDict[str, int] = OrderedDict()
            for result in failed:
                code = result["error_code"] or "no error code"
                codes[code] = codes.get(code, 0) + 1
            parts.append("%d failed (%s)" % (len(failed), ", ".join("%s: %d" % item for item in codes.items())))
        if timed_out:
            tasks = sorted({result["task_id"] for result in timed_out if result["task_id"] is not None})
            parts.append("%d timed out (task %s)" % (len(timed_out), ", ".join(str(task) for task in tasks) or
                                                     "id unknown"))
        return "%s of %d alerts did not end handled: %s; see results for each alert" % (
            len(failed) + len(timed_out), len(self.results), ", ".join(parts))


class Handler:
    """One run of sas_alert_handle against one connection."""

    def __init__(self, connection: Any, request: HandleRequest,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 audit: Optional[AuditLog] = None, run_alive: Optional[Callable[[], bool]] = None):
        self.connection = connection
        self.request = request
        self.audit = audit  # None: no trail
        # asked before any call and before each batch; by default this process's run (run_watch), noted now
        self.run_alive = run_alive if run_alive is not None else RunWatch.start().alive
        self.clock = clock
        self.sleep = sleep
        self.alerts = OrderedDict((alert_id, AlertOutcome(alert_id)) for alert_id in request.alert_ids)
        self.task_ids: List[int] = []
        self.warnings: List[str] = []  # for module.warn
        self.watches: List[Tuple[int, List[int]]] = []  # (task id, the alerts sent in it)
        # Alerts of a call whose answer was lost, so without a task id: each with its state before the write.
        self.untracked: OrderedDict[int, AlertState] = OrderedDict()
        self.held_back: Set[int] = set()  # of those, the ones not re-sent because the operation acts on the host

    def run(self, check_mode: bool) -> HandleReport:
        """Plan, then (unless check_mode) send and wait. Raises SasApiError only before any write."""
        if check_mode:
            for alert_id in self.plan():
                alert = self.alerts[alert_id]
                alert.end(WOULD_HANDLE, "check mode: nothing sent",
                          status_after=status_after_success(self.request.operation, alert.status_before or 0))
        elif not self.run_alive():  # started after the kill, as the next item of a loop: no call at all
            self.stop_sending(list(self.alerts))
        else:
            sent_all = self.send_while_run_lives(batches(self.plan()))
            self.settle_sent(run_killed=not sent_all)
        self.add_notes(check_mode)
        return HandleReport(self.request.operation, list(self.alerts.values()), self.task_ids)

    def add_notes(self, check_mode: bool) -> None:
        """The note asked for, on each alert that ended in SUCCEEDING_OUTCOMES (notes.py); the others' is skipped."""
        request = self.request
        if request.note is None:
            return
        writer = NoteWriter(self.connection, request.note, request.operation, request.concurrency, audit=self.audit,
                            run_alive=self.run_alive)
        states = writer.add([alert.id for alert in self.alerts.values() if alert.outcome in SUCCEEDING_OUTCOMES],
                            check_mode)
        for alert in self.alerts.values():
            alert.note = states.get(alert.id, SKIPPED)
        self.warnings.extend(writer.warnings)

    # --- before any write ------------------------------------------------------------------
    def plan(self) -> OrderedDict[int, SendKey]:
        """Read statuses and operations; returns the alerts to send, each with its send key."""
        request = self.request
        states = lookup_statuses(self.connection, request.alert_ids, request.concurrency)
        candidates = [alert_id for alert_id in request.alert_ids
                      if plan_by_status(self.alerts[alert_id], states[alert_id], request.force)]
        operations = lookup_operations_each(self.connection, candidates, request.concurrency) if candidates else {}
        self.settle_vanished([alert_id for alert_id in candidates if operations[alert_id] is None])

        sends: OrderedDict[int, SendKey] = OrderedDict()
        problems = []
        warnings: OrderedDict[str, List[int]] = OrderedDict()  # one warning for all the alerts it is about
        for alert_id in candidates:
            offered = operations[alert_id]
            if offered is None:
                continue
            if isinstance(offered, SasApiError):
                self.alerts[alert_id].end(
                    FAILED, "not sent: what the service allows for it could not be read (%s); run again"
                    % offered.describe(), error_code=offered.code or offered.kind)
                continue
            plan = self.plan_alert(offered)
            if plan.unsupported:
                self.alerts[alert_id].end(UNSUPPORTED, plan.unsupported)
            elif plan.failure:
                self.alerts[alert_id].end(FAILED, plan.failure)
            elif plan.rule_problems:
                problems.append("alert %d: %s" % (alert_id, "; ".join(plan.rule_problems)))
            else:
                if plan.warning:
                    warnings.setdefault(plan.warning, []).append(alert_id)
                sends[alert_id] = (to_json(plan.params),
                                   mark_miss_param(plan.mark_rules) if plan.mark_rules is not None else None)
        self.warnings.extend("%s %s: %s" % ("alerts" if len(ids) > 1 else "alert", ", ".join(map(str, ids)), warning)
                             for warning, ids in warnings.items())
        if problems:
            # A whitelist rule that does not fit is a mistake in the play: refuse it all, send nothing.
            raise OptionError("whitelist_rules do not fit these alerts, nothing was sent: %s. "
                              "sas_alert_operations_info lists each alert's fields under mark_fields_source"
                              % " | ".join(problems))
        return sends

    def plan_alert(self, offered: List[Operation]) -> OperationPlan:
        """The request's operation planned against the operations the service offers for one alert."""
        request = self.request
        return plan_operation(offered, request.operation, request.whitelist_rules, request.operation_params)

    def settle_vanished(self, alert_ids: List[int]) -> None:
        """Alerts the service stopped knowing after they were read: handled meanwhile, or gone."""
        if not alert_ids:
            return
        for alert_id, state in lookup_among_handled(self.connection, alert_ids, self.request.concurrency).items():
            alert = self.alerts[alert_id]
            if state is None:
                alert.end(NOT_FOUND, "the alert disappeared before it was handled")
            else:
                end_not_pending(alert, state, "nothing sent")

    # --- writes ----------------------------------------------------------------------------
    def send_while_run_lives(self, todo: List[Tuple[SendKey, List[int]]]) -> bool:
        """Send the batches, each only once the run is seen alive; False once it was killed (then nobody waits
        for the results either)."""
        for index, (key, alert_ids) in enumerate(todo):
            if not self.run_alive():
                self.stop_sending([alert_id for _key, ids in todo[index:] for alert_id in ids])
                return False
            self.send(key, alert_ids)
        return self.run_alive()

    def stop_sending(self, not_sent: List[int]) -> None:
        """The run was killed: the alerts not sent yet end failed, and the trail says where it stopped."""
        for alert_id in not_sent:
            self.alerts[alert_id].end(FAILED, NOT_SENT_RUN_KILLED)
        self.audit_note(stopped_event(self.request.operation, not_sent, STOPPED_RUN_KILLED))

    def send(self, key: SendKey, alert_ids: List[int]) -> None:
        """One batch: send; after a lost answer or a refusal re-send only what recover allows."""
        params_json, mark_json = key
        pending = list(alert_ids)
        error = SasApiError(HANDLE_SECURITY_EVENTS, errors.NOT_SENT, "not sent")
        for attempt in range(1, MAX_SEND_ROUNDS + 1):
            params = self.handle_params(pending, params_json, mark_json)
            trail = request_event(params, attempt) if self.audit is not None else None
            if trail is not None and not self.audit_request(trail, pending):
                return
            task_id, refusal = self.write(params, trail)
            if task_id is not None:
                self.submitted(task_id, pending)
                return
            error = refusal or error
            lost = may_have_acted(error)
            if lost:
                self.sleep(self.request.poll_interval)  # let the service show what it did
            # One id gone or handled meanwhile makes the service refuse the whole call, and a lost call
            # may have acted: read the alerts again, settle or follow what changed, send the rest again.
            resend = self.recover(pending, error, lost)
            if not lost and len(resend) == len(pending):
                break  # refused although nothing changed: the refusal stands
            pending = resend
            if not pending:
                return
        for alert_id in pending:
            self.alerts[alert_id].end(FAILED, "HandleSecurityEvents failed: %s" % error.describe(),
                                      error_code=error.code or error.kind)

    def write(self, params: Dict[str, Any],
              trail: Optional[Dict[str, Any]]) -> Tuple[Optional[int], Optional[SasApiError]]:
        """One HandleSecurityEvents call: (task id, None) or (None, why not); then its response line."""
        request_id = None
        try:
            task_id, request_id = handle_security_events(self.connection, params)
            error = None
        except SasApiError as exc:
            task_id, error = None, exc
        except BaseException as exc:
            # A bug or an interruption: the call may have gone out, so the trail says so before it propagates.
            self.audit_response(trail, None, exc, request_id)
            raise
        self.audit_response(trail, task_id, error, request_id)
        return task_id, error

    def audit_request(self, trail: Dict[str, Any], alert_ids: List[int]) -> bool:
        """Write the line before a call; if it cannot be written the call is not made (False)."""
        try:
            self.audit.record(trail)  # type: ignore[union-attr]
        except AuditLogError as exc:
            for alert_id in alert_ids:
                self.alerts[alert_id].end(FAILED, "HandleSecurityEvents not sent: %s" % exc)
            return False
        return True

    def audit_response(self, trail: Optional[Dict[str, Any]], task_id: Optional[int],
                       error: Optional[BaseException], request_id: Optional[str]) -> None:
        """Write the line after a call. The call is made, so a failure is only a warning (audit.problems)."""
        if trail is not None:
            self.audit_note(response_event(trail, task_id, error, request_id))

    def audit_note(self, event: Dict[str, Any]) -> None:
        """Write a line that stops nothing if it fails: only a warning (audit.problems); no trail, no line."""
        if self.audit is not None:
            self.audit.record_or_warn(event)

    def handle_params(self, alert_ids: List[int], params_json: str, mark_json: Optional[str]) -> Dict[str, Any]:
        """HandleSecurityEvents parameters for alert_ids (sas_api.handle_params), as sent and audited."""
        return handle_params(self.request.operation, alert_ids, params_json, mark_json, self.request.remark)

    def submitted(self, task_id: int, alert_ids: List[int]) -> None:
        self.task_ids.append(task_id)
        self.watches.append((task_id, alert_ids))
        for alert_id in alert_ids:
            self.alerts[alert_id].task_id = task_id

    def recover(self, alert_ids: List[int], error: SasApiError, lost: bool) -> List[int]:
        """After a failed write, read the alerts again; returns those to send again: after a refusal those still
        pending, after a lost answer those may_resend_after_lost_answer allows."""
        try:
            states = lookup_statuses(self.connection, alert_ids, self.request.concurrency)
        except SasApiError as read_error:
            for alert_id in alert_ids:
                self.alerts[alert_id].end(
                    FAILED, "HandleSecurityEvents failed (%s) and the alerts could not be read again (%s): "
                    "not re-sent, check them with sas_alert_info" % (error.describe(), read_error.describe()),
                    error_code=error.code or error.kind)
            return []
        resend = []
        for alert_id in alert_ids:
            state = states[alert_id]
            alert = self.alerts[alert_id]
            if state is None:
                alert.end(NOT_FOUND, "the alert disappeared before it was handled")
            elif lost:
                if self.may_resend_after_lost_answer(alert, state):
                    resend.append(alert_id)
            elif state.pending:
                resend.append(alert_id)
            else:
                end_not_pending(alert, state, "nothing sent")
        if resend and not lost:  # one alert the operation no longer fits must not sink the batch
            resend = self.end_unsupported(resend, "HandleSecurityEvents refused the call (%s)" % error.describe())
        return resend

    def end_unsupported(self, alert_ids: List[int], why: str) -> List[int]:
        """Ask the service again which operations alert_ids allow (one call each); those that no longer allow
        this one end unsupported, why saying what showed it. Returns the others."""
        try:
            operations = lookup_operations(self.connection, alert_ids, self.request.concurrency)
        except SasApiError:
            return alert_ids
        others = []
        for alert_id in alert_ids:
            offered = operations[alert_id]
            plan = None if offered is None else self.plan_alert(offered)
            if plan is not None and plan.unsupported:
                self.alerts[alert_id].end(UNSUPPORTED, "%s: %s" % (why, plan.unsupported))
            else:
                others.append(alert_id)
        return others

    def may_resend_after_lost_answer(self, alert: AlertOutcome, state: AlertState) -> bool:
        """True to send the alert again after a lost answer; otherwise it is followed by reading it (untracked).

        Only an alert on which nothing happened since it was first read goes again, and only for an
        operation on the alert itself: the lost call may sit in a queued task (TaskStatus Pending) that
        leaves the alert pending for a while, and block_ip or kill_and_quara must not run twice.
        """
        before = alert.state_before or state
        untouched = not changed_since(before, state)
        if untouched and self.request.operation not in HOST_OPERATIONS:
            return True
        if untouched:
            self.held_back.add(alert.id)
        self.untracked[alert.id] = before
        return False

    # --- after the writes ------------------------------------------------------------------
    def settle_sent(self, run_killed: bool = False) -> None:
        """Turn every sent alert into handled, failed, timed_out or (without wait, or once the run was killed)
        submitted."""
        request = self.request
        sent = [(alert_id, task_id) for task_id, ids in self.watches for alert_id in ids]
        sent += [(alert_id, None) for alert_id in self.untracked]
        if run_killed or not request.wait:
            not_known = ("%s, so its result was not waited for" % RUN_KILLED if run_killed
                         else "wait is false, so the result is not known yet")
            for alert_id, task_id in sent:
                reason = "sent; " + not_known if task_id is not None else self.lost_answer_reason(alert_id, not_known)
                self.alerts[alert_id].end(SUBMITTED, reason, status_after=PROCESSING_STATUS)
            return
        results = wait_for_tasks(self.connection, self.watches, request.wait_timeout, request.poll_interval,
                                 request.concurrency, untracked=self.untracked, clock=self.clock,
                                 sleep=self.sleep, operation=request.operation) if sent else {}
        for alert_id, task_id in sent:
            self.settle(self.alerts[alert_id], task_id, results.get(alert_id))
        self.read_status_after([alert_id for alert_id, _task in sent
                                if self.alerts[alert_id].outcome in (HANDLED, FAILED)])

    def settle(self, alert: AlertOutcome, task_id: Optional[int], result: Optional[EventStatus]) -> None:
        """End one sent alert by its last result (None: nothing was read for it)."""
        if result is not None and result.by_another:
            alert.end(ALREADY_HANDLED, "handled meanwhile by another hand (%s); the answer to HandleSecurityEvents "
                      "was lost, so whether %s reached it is not known" % (result.error_code, self.request.operation),
                      status_after=result.event_status)
            return
        if result is not None and result.succeeded:
            alert.end(HANDLED, result.reason,
                      status_after=status_after_success(self.request.operation, alert.status_before or 0))
            alert.error_code = result.error_code
        elif result is not None and result.final:
            alert.end(FAILED, result.reason or "the handling task failed for this alert",
                      error_code=result.error_code or "Failed")
        else:
            within = "within wait_timeout=%ss" % self.request.wait_timeout
            reason = ("no final status from task %d %s; follow up with sas_alert_task_info" % (task_id, within)
                      if task_id is not None else self.lost_answer_reason(alert.id, "no result " + within))
            last_read = result.event_status if result is not None else None
            alert.end(TIMED_OUT, reason, status_after=PROCESSING_STATUS if last_read is None else last_read)

    def lost_answer_reason(self, alert_id: int, why: str) -> str:
        """Why an alert of a call whose answer was lost has no result, and where to look."""
        if alert_id in self.held_back:
            return ("the answer to HandleSecurityEvents was lost and %s acts on the host, so it was not sent again; "
                    "%s: check the alert with sas_alert_info or in the console" % (self.request.operation, why))
        return ("the answer to HandleSecurityEvents was lost, so its task id is unknown; %s: check the alert "
                "with sas_alert_info" % why)

    def settle_left_out(self, alert: AlertOutcome, state: Optional[AlertState]) -> None:
        """An alert its final task left out (a service that drops a bad id from a batch instead of refusing
        the call) ends as a refused call would end it: gone, handled by another hand, or failed if pending."""
        if state is None:
            alert.end(NOT_FOUND, "the alert disappeared before it was handled (left out of task %s)" % alert.task_id)
        elif not state.pending:
            end_not_pending(alert, state, "left out of task %s" % alert.task_id)
        else:
            alert.status_after = state.event_status  # still pending: see end_unsupported

    def read_status_after(self, alert_ids: List[int]) -> None:
        """status_after as the service shows it (one lookup for all), not as predicted: an operation may leave
        another status than the table says. Where it cannot be read, the prediction stays, with a warning.
        The same read settles the alerts a final task left out."""
        if not alert_ids:
            return
        try:
            states = lookup_statuses(self.connection, alert_ids, self.request.concurrency)
            why = "the service did not list them"
        except SasApiError as error:
            states, why = {}, "they could not be read again (%s)" % error.describe()
        unread, left_out = [], []
        for alert_id in alert_ids:
            alert, state = self.alerts[alert_id], states.get(alert_id)
            if alert.reason == LEFT_OUT_OF_TASK and alert_id in states:
                self.settle_left_out(alert, state)
                if alert.outcome == FAILED:
                    left_out.append(alert_id)
            elif state is None or state.event_status is None:
                unread.append(alert_id)
            else:
                alert.status_after = state.event_status
        if unread:
            self.warnings.append("status_after of alerts %s is predicted, not read: %s"
                                 % (", ".join(str(alert_id) for alert_id in unread), why))
        if left_out:  # still pending: failed, unless the operation no longer fits them
            self.end_unsupported(left_out, LEFT_OUT_OF_TASK)
