# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handle alerts: read first, send only what is pending and allowed, never send anything twice, wait boundedly,
and end every alert in exactly one outcome (alert_state.py).

A request holds one or more groups - an operation with its parameters, for some alerts - and every group goes through
the one connection, so through one pacer per API. Three steps, side by side:
1. plan (handle_plan.py): the statuses of all the alerts (alert_status.lookup_statuses) settle those that must not be
   sent; then, in the background, DescribeSecurityEventOperations for each remaining alert says whether its
   operation is allowed, and with which parameters;
2. send (handle_send.py): as soon as 20 planned alerts share their parameters, HandleSecurityEvents sends them, while
   the lookups go on; the audit trail before and after each write; a lost answer never sent blindly again;
3. settle (handle_settle.py): each task is read soon after it was sent, then less often, while later batches are
   sent; then one status read gives status_after.
So the whole takes about the busiest API's time plus one task, not their sum.

Whitelist rules that do not fit an alert refuse the whole run before any write: the alerts of groups with
whitelist_rules are planned first, before anything is sent. Before any call and before each batch the module checks
that the run that started it still lives (run_watch): once ansible-playbook was killed, the alerts not sent end
failed, the trail says where it stopped, and the alerts already sent end submitted (nobody waits for them).
With a note asked for, each alert gets it in the console as soon as it has ended handled (notes.NotePump).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Any, Callable, Deque, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    FAILED,
    FAILING_OUTCOMES,
    HANDLED,
    LEFT_OUT,
    OUTCOMES,
    PLANNED,
    READ,
    SUCCEEDING_OUTCOMES,
    WOULD_HANDLE,
    Alert,
    end,
    move,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import lookup_statuses
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import AuditLog
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_lookups import Planner
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_plan import (
    NO_RULE_TO_SEND,
    Batch,
    Batcher,
    plan_by_status,
    plan_operation,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_report import HandleReport
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_send import RUN_KILLED, Sender, group_trail
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_settle import (
    Follower,
    end_submitted,
    read_status_after,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import SKIPPED, WOULD_ADD, NotePump, NoteWriter
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import status_after_success
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.run_watch import RunWatch
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import WireRule

# What sas_alert_handle, the triage and the tests import from here.
__all__ = ["FAILED", "FAILING_OUTCOMES", "NO_RULE_TO_SEND", "OUTCOMES", "SUCCEEDING_OUTCOMES", "HandleGroup",
           "HandleReport", "HandleRequest", "Handler", "plan_operation"]


class HandleGroup:
    """One operation, with its parameters, for some alerts (already checked: operation_params, whitelist)."""

    def __init__(self, operation: str, alert_ids: List[int], operation_params: Optional[Dict[str, Any]] = None,
                 whitelist_rules: Optional[List[WireRule]] = None, remark: Optional[str] = None,
                 note: Optional[str] = None, audit_context: Optional[Dict[str, Any]] = None):
        self.operation = operation
        self.alert_ids = list(OrderedDict.fromkeys(alert_ids))  # a duplicate is handled and reported once
        self.operation_params = operation_params or {}
        self.whitelist_rules = whitelist_rules
        self.remark = remark
        self.note = note  # None: no note
        self.audit_context = audit_context  # added to the group's lines of the audit trail


class HandleRequest:
    """What the user asked for: one group (operation, alert_ids and its parameters) or several (groups), and how to
    run them all."""

    def __init__(self, operation: Optional[str] = None, alert_ids: Optional[List[int]] = None,
                 operation_params: Optional[Dict[str, Any]] = None, whitelist_rules: Optional[List[WireRule]] = None,
                 remark: Optional[str] = None, force: bool = False, wait: bool = True, wait_timeout: float = 60.0,
                 poll_interval: float = 2.0, concurrency: int = 8, note: Optional[str] = None,
                 groups: Optional[List[HandleGroup]] = None):
        if groups is None:
            groups = [HandleGroup(operation or "", alert_ids or [], operation_params, whitelist_rules, remark, note)]
        self.groups = groups
        self.force = force
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.concurrency = concurrency
        check_one_group_each(groups)

    @property
    def alert_ids(self) -> List[int]:
        return [alert_id for group in self.groups for alert_id in group.alert_ids]


def check_one_group_each(groups: List[HandleGroup]) -> None:
    """An alert takes one operation in a run: one in two groups is refused (OptionError) before any call."""
    first: Dict[int, int] = {}
    for index, group in enumerate(groups):
        for alert_id in group.alert_ids:
            if first.setdefault(alert_id, index) != index:
                raise OptionError("alert %d is in groups[%d] (%s) and groups[%d] (%s): an alert takes one operation "
                                  "in a run" % (alert_id, first[alert_id], groups[first[alert_id]].operation, index,
                                                group.operation))


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
        self.alerts = [Alert(alert_id, group) for group in request.groups for alert_id in group.alert_ids]
        self.warnings: List[str] = []  # for module.warn
        self.planner = Planner(connection, request.concurrency)
        self.follower = Follower(connection, request.wait_timeout, request.poll_interval, request.concurrency,
                                 clock, sleep)
        self.sender = Sender(connection, request.poll_interval, request.concurrency, self.follower.follow, sleep,
                             audit=audit)

    @property
    def task_ids(self) -> List[int]:
        return [watch.task_id for watch in self.follower.watches if watch.task_id is not None]

    def run(self, check_mode: bool) -> HandleReport:
        """Plan, then (unless check_mode) send and settle. Raises SasApiError only before any write."""
        if not check_mode and not self.run_alive():  # started after the kill, as the next item of a loop: no call
            self.sender.stop(self.alerts)
            return HandleReport(self.alerts, [])
        self.read_statuses()
        candidates = [alert for alert in self.alerts if alert.stage == READ]
        writers = self.note_writers()
        if check_mode:
            self.plan_before_any_write(candidates)
            for alert in candidates:
                if alert.stage == PLANNED:
                    end(alert, WOULD_HANDLE, "check mode: nothing sent",
                        status_after_success(alert.operation, alert.status_before or 0))
            self.note_check_mode(writers)
        else:
            pump = NotePump(lambda alert: writers.get(id(alert.group)), lambda alert: alert.outcome in
                            SUCCEEDING_OUTCOMES, self.request.concurrency)
            if writers:
                pump.start(self.alerts)
            try:
                self.handle(candidates)
            finally:
                self.take_notes(writers, pump.finish(self.alerts) if writers else {})
        return HandleReport(self.alerts, self.task_ids)

    def read_statuses(self) -> None:
        """The plan step's first read: every alert's status settles those that must not be sent."""
        request = self.request
        states = lookup_statuses(self.connection, request.alert_ids, request.concurrency)
        for alert in self.alerts:
            state = states[alert.id]
            if state is not None:
                move(alert, READ, state_before=state)
            ending = plan_by_status(state, request.force)
            if ending is not None:
                end(alert, *ending)

    def plan_before_any_write(self, alerts: List[Alert]) -> None:
        """Plan alerts now; whitelist rules that do not fit, or a lookup refused, stop the run here."""
        self.planner.plan(alerts)
        self.planner.refuse_misfits(alerts)
        if self.planner.refusal is not None:
            raise self.planner.refusal
        self.warnings.extend(self.planner.warnings_of(alerts))

    # --- the three steps side by side ---------------------------------------------------------
    def handle(self, candidates: List[Alert]) -> None:
        """Plan, send and settle the candidates (read, may be sent) side by side."""
        ruled = [alert for alert in candidates if alert.group.whitelist_rules]
        self.plan_before_any_write(ruled)
        self.planner.start([alert for alert in candidates if not alert.group.whitelist_rules])
        try:
            run_lives = self.send_while_planning(candidates)
        finally:
            self.planner.stop()
        self.warnings.extend(self.planner.warnings_of([alert for alert in candidates
                                                       if not alert.group.whitelist_rules]))
        refusal = self.planner.refusal
        if refusal is not None and self.sender.writes == 0:
            raise refusal
        not_sent = [alert for alert in candidates if alert.stage in (READ, PLANNED)]
        if not run_lives or not self.run_alive():
            self.sender.stop(not_sent)
            end_submitted(self.followed(), "%s, so its result was not waited for" % RUN_KILLED)
            return
        if refusal is not None:  # a lookup refused after the first write: nothing more was sent
            for alert in not_sent:
                end(alert, FAILED, "not sent: what the service allows for the alerts could not be read (%s); run "
                    "again" % refusal.describe(), error_code=refusal.code or refusal.kind)
        if not self.request.wait:
            end_submitted(self.followed(), "wait is false, so the result is not known yet")
            return
        self.follower.wait()
        warning = read_status_after(self.connection, [alert for alert in self.followed()
                                                      if alert.outcome in (HANDLED, FAILED) or alert.stage == LEFT_OUT],
                                    self.request.concurrency)
        if warning is not None:
            self.warnings.append(warning)

    def send_while_planning(self, candidates: List[Alert]) -> bool:
        """Send each batch as soon as it is planned, in the alerts' order, and read the tasks that are due meanwhile;
        False once the run was found killed (nothing more is sent then)."""
        batcher, taken = Batcher(), 0
        ready: Deque[Batch] = deque()
        while True:
            planning = self.planner.running  # read first: once it is false, take_planned sees every alert planned
            taken = self.take_planned(candidates, taken, batcher, ready)
            if self.planner.refusal is not None:
                return True  # a lookup was refused: nothing more is sent (handle says what became of the rest)
            if ready:
                if not self.run_alive():
                    return False
                self.sender.send(ready.popleft())
                continue
            if taken == len(candidates) or not planning:
                return True  # all sent, or the planning failed (planner.stop raises why)
            until = self.follower.next_read() if self.request.wait else None
            if until is not None and until <= self.clock():
                self.follower.poll(until)
            else:
                self.wait_for_planner(candidates[taken], until)

    @staticmethod
    def take_planned(candidates: List[Alert], taken: int, batcher: Batcher, ready: Deque[Batch]) -> int:
        """Put the alerts planned since, in their order, into batches: the full ones, and once every candidate is
        planned the rest, into ready. Returns how many candidates are taken."""
        while taken < len(candidates) and candidates[taken].stage != READ:
            if candidates[taken].stage == PLANNED:
                batch = batcher.add(candidates[taken])
                if batch is not None:
                    ready.append(batch)
            taken += 1
        if taken == len(candidates):
            ready.extend(batcher.rest())
        return taken

    def wait_for_planner(self, next_alert: Alert, until: Optional[float]) -> None:
        """Wait until the next alert in line is planned (or the planning ends), at most until the next read is due."""
        with self.planner.changed:
            if self.planner.running and next_alert.stage == READ:
                self.planner.changed.wait(None if until is None else max(0.0, until - self.clock()))

    def followed(self) -> List[Alert]:
        """The alerts sent, in the order they were."""
        return [alert for watch in self.follower.watches for alert in watch.alerts]

    # --- after the handling -------------------------------------------------------------------
    def note_writers(self) -> Dict[int, NoteWriter]:
        """Each group's NoteWriter, by id(group), for the groups that asked for a note."""
        return OrderedDict((id(group), NoteWriter(self.connection, group.note, group.operation,
                                                  self.request.concurrency, audit=group_trail(self.audit, group),
                                                  run_alive=self.run_alive))
                           for group in self.request.groups if group.note is not None)

    def note_check_mode(self, writers: Dict[int, NoteWriter]) -> None:
        """Check mode: each alert that would be handled would get its note; nothing is sent."""
        for alert in self.alerts:
            if id(alert.group) in writers:
                alert.note = WOULD_ADD if alert.outcome in SUCCEEDING_OUTCOMES else SKIPPED

    def take_notes(self, writers: Dict[int, NoteWriter], results: Dict[int, Any]) -> None:
        """Each noted alert's note state from the pump's results (skipped for an alert that got none); one warning
        for each reason notes were refused or failed, whatever the group."""
        if not writers:
            return
        first = next(iter(writers.values()))
        first.warn(results)
        for alert in self.alerts:
            if id(alert.group) in writers:
                alert.note = results[alert.id][0] if alert.id in results else SKIPPED
        self.warnings.extend(first.warnings)
