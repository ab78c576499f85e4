"""State and behaviour of the emulated Security Center: alerts, hosts, handling tasks, whitelist
rules and the clock. No HTTP and no wire format here (responses.py does that).

Handling outcome table (one place; DescribeSuspEvents status codes, HandleSecurityEvents operation
codes; [GUESS] where the docs are silent):

| OperationCode                       | needs agent | final EventStatus on Success |
|-------------------------------------|-------------|------------------------------|
| ignore                              | no          | 2  ignored                   |
| advance_mark_mis_info, mark_mis_info,
  defense_mark_mis_info              | no          | 8  false positive            |
| block_ip, kill_and_quara, quara, virus_quara, virus_quara_bin, kill_process, cleanup,
  stop_container, kill_container_process
                                      | yes         | 32 handled                   |
| manual_handled, offline_handled, disable_malicious_defense
                                      | no          | 32 handled                   |
| rm_mark_mis_info, cancle_manual     | no          | 1  pending again             |
| client_problem_check, rm_defense_mark_mis_info
                                      | c.p.c. yes  | unchanged                    |

An accepted task is first queued (TaskStatus Pending, its alerts still at their status) for the reading
queue_ms, then runs (alerts at 16, TaskStatus Processing). It decides each alert's result when
--task-delay-ms more has passed: `<op>.AgentOffline` when the op needs the agent and the host's agent is
offline; `<op>.ProcessNotExist` for kill_process and the killing sub-operations of kill_and_quara when
the process is gone; else `<op>.Success`. A failed alert returns to the status it had before (pending)
with OperateErrorCode set. Under the reading final_status=processing a host-side operation
(constants.HOST_OPERATIONS) succeeds but leaves its alert at 16. The readings are in readings.py.

Chaos (chaos.py; each decided there, from the seeded randomness, when the result is decided): a task stays
Processing for good (task_stuck_rate); an agent-side op finds the agent offline for that alert, `<op>.AgentOffline`
(agent_offline_rate; the host's agent_online stays as it was); an alert that would succeed fails,
`<op>.Failure` (event_failed_rate). Someone in the console (console_handles) handles random pending alerts
with ignore (2) or manual_handled (32) as the console does, at once.

Notes (CreateSuspEventNote, add_note): any alert, whatever its status, keeps the notes added to it, oldest first,
each with an id that counts up for the life of the backend and the time it was added; a reset drops them with the
alerts they were on.

Alerts arrive while the emulator runs (add_alerts; arrivals.py): pending, first and last seen now, so they list
first, with ids above every id the emulator has held: ids count up for the life of the backend, as task ids do,
and are never reused, not after remove_alert, not after a reset. They arrive in the administrator's account.

Accounts: the caller is a Resource Directory administrator with member accounts (the data set's "members", none
by default). Every alert, host, whitelist rule and handling task belongs to one account. A call that takes
ResourceDirectoryAccountId sees and changes the alerts of that account only (without it, the administrator's
own); an id that names no account of the organisation is refused (NoPermission [GUESS]). The APIs without
the parameter (DescribeSecurityEventOperations, DescribeSecurityEventOperationStatus, DescribeSimilarEventScenarios,
DescribeSimilarSecurityEvents) find a member's alert or task by id as the reading member_alert_by_id says.

Similar alerts (similar.py): a query task holds the group it found when created; its first reads are empty
(reading similar_empty_reads); HandleSimilarSecurityEvents handles its group as one handling task.
"""

from __future__ import annotations

import copy
import ipaddress
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import catalog
from . import constants as C
from .arrivals import check_count
from .chaos import Chaos, ChaosSettings
from .dataset import AGENT_OPERATIONS, new_alert
from .exceptions import (
    HandleNoPermission,
    IllegalParam,
    InvalidParam,
    NoPermission,
    OperationTaskNotExists,
    SasError,
    SecurityEventNotExists,
)
from .readings import Readings
from .similar import SimilarQuery, is_similar, scenarios
from .values import is_count

# The values of the reading pending_order other than shuffled: (sort key, descending).
UNSORTED_ORDERS: dict[str, tuple[Callable[[Alert], Any], bool]] = {
    "newest": (lambda a: (a.last_seen_ms, a.id), True),
    "oldest": (lambda a: (a.last_seen_ms, a.id), False),
    "id": (lambda a: a.id, False),
}

# Final status per operation on success; None keeps the status the alert had (see table above).
OPERATION_FINAL_STATUS: dict[str, int | None] = {
    C.OP_IGNORE: C.STATUS_IGNORED,
    C.OP_ADVANCE_MARK_MIS_INFO: C.STATUS_FALSE_POSITIVE,
    C.OP_MARK_MIS_INFO: C.STATUS_FALSE_POSITIVE,
    C.OP_DEFENSE_MARK_MIS_INFO: C.STATUS_FALSE_POSITIVE,
    C.OP_BLOCK_IP: C.STATUS_HANDLED,
    C.OP_KILL_AND_QUARA: C.STATUS_HANDLED,
    C.OP_QUARA: C.STATUS_HANDLED,
    C.OP_VIRUS_QUARA: C.STATUS_HANDLED,
    C.OP_VIRUS_QUARA_BIN: C.STATUS_HANDLED,
    C.OP_KILL_PROCESS: C.STATUS_HANDLED,
    C.OP_CLEANUP: C.STATUS_HANDLED,
    C.OP_STOP_CONTAINER: C.STATUS_HANDLED,
    C.OP_KILL_CONTAINER_PROCESS: C.STATUS_HANDLED,
    C.OP_MANUAL_HANDLED: C.STATUS_HANDLED,
    C.OP_OFFLINE_HANDLED: C.STATUS_HANDLED,
    C.OP_DISABLE_MALICIOUS_DEFENSE: C.STATUS_HANDLED,
    C.OP_RM_MARK_MIS_INFO: C.STATUS_PENDING,
    C.OP_CANCEL_MANUAL: C.STATUS_PENDING,
    C.OP_CLIENT_PROBLEM_CHECK: None,
    C.OP_RM_DEFENSE_MARK_MIS_INFO: None,
}
KNOWN_OPERATIONS = frozenset(OPERATION_FINAL_STATUS)
# Operations whose alert status they reverse (offered on already-dealt alerts).
WHITELIST_OPERATIONS = frozenset({C.OP_ADVANCE_MARK_MIS_INFO, C.OP_MARK_MIS_INFO, C.OP_DEFENSE_MARK_MIS_INFO})
# Suggested OperationParams shown by DescribeSecurityEventOperations ([GUESS] shapes from HandleSecurityEvents).
BLOCK_IP_DEFAULT_SECONDS = 7 * 86400
# What someone in the console does to a pending alert (chaos): ignore it (2) or mark it handled (32).
CONSOLE_OPERATIONS = (C.OP_MANUAL_HANDLED, C.OP_IGNORE)
# A member's edition when a hand-written data set leaves it out: Ultimate, which allows every operation.
DEFAULT_SAS_VERSION = "7"
# The first id of an added alert when the data set holds none (generated ids start at 700 000 000).
FIRST_ALERT_ID = 700_000_000


@dataclass
class Host:
    uuid: str
    instance_id: str
    instance_name: str
    internet_ip: str = ""
    intranet_ip: str = ""
    region_id: str = "cn-hangzhou"
    os: str = ""
    agent_online: bool = True  # a hand-written dataset may leave it out
    cluster: dict[str, str] | None = None
    account: int = 0  # the account it belongs to (set at load)


@dataclass
class WhitelistRule:
    name_key: str
    uuid: str  # a host UUID (rule for that asset) or "ALL"
    field: str
    operate: str
    value: str
    account: int = 0


@dataclass(frozen=True)
class MemberAccount:
    """A member of the administrator's Resource Directory, as DescribeMonitorAccounts lists it."""

    uid: int
    sas_version: str
    added_s: int  # when it joined the management list, UNIX seconds
    post_basic_service: int


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    time_ms: int


@dataclass
class Alert:
    id: int
    name: catalog.AlertName
    level: str
    host: Host | None
    status: int
    first_seen_ms: int
    last_seen_ms: int
    unique_info: str
    alarm_unique_info: str
    details: list[tuple[str, str]]
    process_alive: bool
    restricted_ops: frozenset[str]
    sale_version: str
    has_trace_info: bool
    container: dict[str, str] | None
    operations_override: tuple[str, ...] | None = None
    last_operation: str | None = None
    operate_time_ms: int | None = None
    operate_error_code: str | None = None
    operate_msg: str | None = None
    blocked_ip_until_ms: int | None = None
    online_handling: bool = True  # CanBeDealOnLine while not expired (patch_alert can_be_deal_on_line)
    notes: tuple[Note, ...] = ()  # a tuple, replaced on each note: a copy listed meanwhile keeps what it saw
    account: int = 0  # the account it belongs to

    @property
    def can_be_deal_on_line(self) -> bool:
        return self.status != C.STATUS_EXPIRED and self.online_handling

    @property
    def type(self) -> catalog.AlertType:
        return catalog.ALERT_TYPES[self.name.type_key]

    @property
    def operations(self) -> tuple[str, ...]:
        return self.operations_override if self.operations_override is not None else self.name.operations

    def detail(self, key: str) -> str | None:
        for k, v in self.details:
            if k == key:
                return v
        return None


@dataclass
class TaskEvent:
    alert_id: int
    previous_status: int
    status: str = C.EVENT_PROCESSING
    error_code: str = ""


@dataclass
class Task:
    id: int
    operation: str
    sub_operation: str | None
    params: dict[str, Any]
    mark_rules: list[dict[str, str]] | None
    remark: str | None
    start_s: float  # when it leaves the queue (reading queue_ms)
    due_s: float
    stuck: bool
    events: list[TaskEvent]
    account: int = 0  # the account whose alerts it handles
    started: bool = False
    done: bool = False
    chaos_decided: bool = False  # task_stuck_rate is drawn once, when the result falls due

    @property
    def status(self) -> str:
        return aggregate_task_status(self.events, queued=not self.started)


def aggregate_task_status(events: list[TaskEvent], queued: bool = False) -> str:
    # [DOC] DescribeSecurityEventOperationStatus: Success = "The task is successful", Failure = "The task
    # failed"; there is no partial state, so one failed alert makes the task not successful -> Failure.
    # Pending = "The task is pending" [SDK]: queued, not started (its alerts read Processing, the only
    # unfinished per-alert value the SDK lists).
    if queued:
        return C.TASK_PENDING
    if any(e.status == C.EVENT_PROCESSING for e in events):
        return C.TASK_PROCESSING
    if any(e.status == C.EVENT_FAILED for e in events):
        return C.TASK_FAILURE
    return C.TASK_SUCCESS


@dataclass
class OperationOffer:
    code: str
    params: dict[str, Any]
    user_can_operate: bool
    rules: list[WhitelistRule] = field(default_factory=list)
    mark_fields: list[tuple[catalog.MarkFieldSpec, str]] = field(default_factory=list)  # (spec, alert's value)


@dataclass
class AlertQuery:
    """DescribeSuspEvents filters, already parsed by the wire layer."""

    account: int | None = None  # the account listed (SasBackend.account); None: every account
    dealed: str | None = None
    statuses: set[int] | None = None
    levels: set[str] | None = None
    uuids: set[str] | None = None
    remark: str | None = None
    name: str | None = None
    alarm_unique_info: str | None = None
    unique_info: str | None = None
    alert_id: int | None = None
    last_time_start_ms: int | None = None
    last_time_end_ms: int | None = None
    operate_time_start_ms: int | None = None
    operate_time_end_ms: int | None = None
    parent_event_types: set[str] | None = None
    event_names: set[str] | None = None
    cluster_id: str | None = None
    assets_types: set[str] | None = None
    operate_error_codes: set[str] | None = None
    tactic_id: str | None = None
    sort_column: str | None = None
    sort_type: str | None = None


@dataclass
class HandleRequest:
    operation: str
    alert_ids: list[int]
    params: dict[str, Any]
    mark_rules: list[dict[str, Any]] | None
    remark: str | None
    account: int | None = None  # the account whose alerts it handles (SasBackend.account)


class SasBackend:
    """One account's Security Center state. Every public method is thread-safe."""

    def __init__(self, dataset: dict[str, Any], *, task_delay_ms: int = 1000,
                 clock: Callable[[], float] = time.time, readings: Readings | None = None,
                 chaos: Chaos | None = None) -> None:
        self.clock = clock
        self.task_delay_ms = task_delay_ms
        # The server passes its EmulatorConfig (a Readings), so POST /_emulator/config reaches here at once.
        self.readings = readings if readings is not None else Readings()
        self.chaos = chaos if chaos is not None else Chaos(ChaosSettings(), seed=0)  # all rates 0: no chaos
        self.tasks_stuck = False
        self._lock = threading.RLock()
        self._next_task_id = 29051101  # like the doc examples' 290511xx; never reset
        self._next_alert_id = FIRST_ALERT_ID  # raised above the data set's ids by _load; never lowered
        self._next_note_id = C.FIRST_NOTE_ID  # never reset
        self._next_similar_id = C.FIRST_SIMILAR_TASK_ID  # never reset
        self.alerts_added = 0  # since the start or the last reset (GET /_emulator/stats)
        self._dataset = copy.deepcopy(dataset)
        self._load(self._dataset)

    # --- state loading ---------------------------------------------------------------------
    def _load(self, data: dict[str, Any]) -> None:
        now_ms = self.now_ms()
        self.account_uid: int = int(data.get("account", {}).get("ali_uid", 1000000000000000))
        self.members = [self._member(m, now_ms) for m in data.get("members", [])]
        self.hosts: dict[str, Host] = {}
        self.alerts: dict[int, Alert] = {}
        self.rules: list[WhitelistRule] = []
        for uid, account in ((self.account_uid, data), *((m["ali_uid"], m) for m in data.get("members", []))):
            self._load_account(uid, account, now_ms)
        self._next_alert_id = max(self._next_alert_id, max(self.alerts, default=0) + 1)
        self.tasks: dict[int, Task] = {}
        self._open_tasks: list[Task] = []
        self.similar_queries: dict[int, SimilarQuery] = {}
        self._similar_tokens: dict[tuple[int, str], int] = {}  # (account, ClientToken) -> its task

    @staticmethod
    def _member(record: dict[str, Any], now_ms: int) -> MemberAccount:
        return MemberAccount(uid=record["ali_uid"], sas_version=str(record.get("sas_version", DEFAULT_SAS_VERSION)),
                             added_s=now_ms // 1000 - int(record.get("added_ago_s", 0)),
                             post_basic_service=int(record.get("post_basic_service", 1)))

    def _load_account(self, uid: int, data: dict[str, Any], now_ms: int) -> None:
        """One account's hosts, alerts and whitelist rules (the administrator's or a member's)."""
        for h in data["hosts"]:
            fields = {k: h.get(k) for k in Host.__dataclass_fields__ if k in h and k != "account"}
            self.hosts[h["uuid"]] = Host(**fields, account=uid)
        for a in data["alerts"]:
            self.alerts[a["id"]] = self._alert_from_record(a, now_ms, uid)
        self.rules += [WhitelistRule(r["name_key"], r["uuid"], r["field"], r["operate"], r["value"], uid)
                       for r in data["whitelist_rules"]]

    # --- accounts ---------------------------------------------------------------------------
    def account(self, resource_directory_account_id: int | None) -> int:
        """The account a call is about: the member its ResourceDirectoryAccountId names, else the administrator's
        own. An id that names no account of the organisation is refused: 403 NoPermission, the refusal every
        SAS page lists for a caller acting beyond its rights ([GUESS]: no page says what a non-member id gets)."""
        if resource_directory_account_id is None or resource_directory_account_id == self.account_uid:
            return self.account_uid
        if any(m.uid == resource_directory_account_id for m in self.members):
            return resource_directory_account_id
        raise NoPermission(f"ResourceDirectoryAccountId {resource_directory_account_id} is not a member account "
                           "of this administrator's multi-account management.")

    def monitor_accounts(self) -> list[MemberAccount]:
        """The member accounts (DescribeMonitorAccounts): the members only, not the administrator."""
        with self._lock:
            return list(self.members)

    def _scope_by_id(self) -> int | None:
        """The account the APIs without ResourceDirectoryAccountId look in (reading member_alert_by_id): the
        administrator's own (refused), or every account (found, None)."""
        return None if self.readings.member_alert_by_id == "found" else self.account_uid

    @staticmethod
    def _in_scope(account: int, scope: int | None) -> bool:
        return scope is None or account == scope

    def _alert_from_record(self, a: dict[str, Any], now_ms: int, account: int | None = None) -> Alert:
        """An alert of the dataset format (ages in seconds) as of now_ms."""
        override = a.get("operations")
        ago = a.get("operate_ago_s")
        return Alert(
            id=a["id"], name=catalog.ALERT_NAMES[a["name_key"]], level=a["level"],
            host=self.hosts.get(a["host_uuid"]) if a.get("host_uuid") else None, status=a["status"],
            first_seen_ms=now_ms - int(a["first_seen_ago_s"]) * 1000,
            last_seen_ms=now_ms - int(a["last_seen_ago_s"]) * 1000,
            unique_info=a["unique_info"], alarm_unique_info=a["alarm_unique_info"],
            details=[(d["key"], d["value"]) for d in a.get("details", [])],
            process_alive=bool(a.get("process_alive")), restricted_ops=frozenset(a.get("restricted_ops") or ()),
            sale_version=str(a.get("sale_version", "1")), has_trace_info=bool(a.get("has_trace_info")),
            container=a.get("container"), operations_override=tuple(override) if override is not None else None,
            last_operation=a.get("last_operation"),
            operate_time_ms=now_ms - int(ago) * 1000 if ago is not None else None,
            operate_error_code=a.get("operate_error_code"), operate_msg=a.get("operate_msg"),
            account=self.account_uid if account is None else account,
        )

    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        """Back to the loaded dataset (or a new one): alerts, rules, tasks, the count of added alerts; task ids
        and alert ids keep counting."""
        with self._lock:
            if dataset is not None:
                self._dataset = copy.deepcopy(dataset)
            self.tasks_stuck = False
            self.alerts_added = 0
            self._load(self._dataset)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # --- clock-driven task completion -------------------------------------------------------
    def _advance(self) -> None:
        now = self.clock()
        still_open = []
        for task in self._open_tasks:
            if not task.started and now >= task.start_s:
                self._start(task)
            if task.started and not task.stuck and now >= task.due_s and not self._stuck_by_chaos(task):
                self._complete(task)
            else:
                still_open.append(task)
        self._open_tasks = still_open

    def _start(self, task: Task) -> None:
        """The task leaves the queue: its alerts go to processing (16)."""
        task.started = True
        for event in task.events:
            alert = self.alerts.get(event.alert_id)
            if alert is not None:
                event.previous_status = alert.status
                alert.status = C.STATUS_PROCESSING

    def _stuck_by_chaos(self, task: Task) -> bool:
        """Drawn once, when the task's result falls due: stuck, it stays Processing (tasks/stuck release frees it)."""
        if task.chaos_decided:
            return False
        task.chaos_decided = True
        task.stuck = self.chaos.task_stuck()
        return task.stuck

    def _complete(self, task: Task) -> None:
        now_ms = self.now_ms()
        for event in task.events:
            alert = self.alerts.get(event.alert_id)
            if alert is None:  # removed by a reset with another dataset
                event.status, event.error_code = C.EVENT_FAILED, f"{task.operation}.{C.RESULT_FAILURE}"
                continue
            result = self._outcome(task, alert)
            event.error_code = f"{task.operation}.{result}"
            self._record_operation(alert, event.error_code, now_ms, task.remark)
            if result != C.RESULT_SUCCESS:
                event.status = C.EVENT_FAILED
                alert.status = event.previous_status
                continue
            event.status = C.EVENT_SUCCESS
            self._apply_effect(task, alert)
            self._settle(alert, task.operation, event.previous_status)
        task.done = True

    def _outcome(self, task: Task, alert: Alert) -> str:
        if task.operation in AGENT_OPERATIONS and not self._agent_reachable(alert):
            return C.RESULT_AGENT_OFFLINE
        if self._kills(task) and not alert.process_alive:
            return C.RESULT_PROCESS_NOT_EXIST
        if self.chaos.event_fails():
            return C.RESULT_FAILURE
        return C.RESULT_SUCCESS

    def _agent_reachable(self, alert: Alert) -> bool:
        """Online in the data set and not dropped by chaos for this alert (a flapping agent: the host record
        stays online, so agent_offline_rate stays the rate of such failures)."""
        return alert.host is not None and alert.host.agent_online and not self.chaos.agent_drops()

    @staticmethod
    def _record_operation(alert: Alert, error_code: str, now_ms: int, remark: str | None) -> None:
        """What DescribeSuspEvents shows of the latest operation: OperateErrorCode, OperateTime, the remark."""
        alert.operate_error_code = error_code
        alert.operate_time_ms = now_ms
        if remark is not None:
            alert.operate_msg = remark

    def _settle(self, alert: Alert, operation: str, previous_status: int) -> None:
        """A successful operation: the alert's final status (the table above) and its last operation."""
        final = OPERATION_FINAL_STATUS[operation]
        if self.readings.final_status == "processing" and operation in C.HOST_OPERATIONS:
            final = C.STATUS_PROCESSING  # the skill: kill_and_quara "may end 32 or 16"
        alert.status = previous_status if final is None else final
        alert.last_operation = operation

    @staticmethod
    def _kills(task: Task) -> bool:
        return task.operation == C.OP_KILL_PROCESS or (
            task.operation == C.OP_KILL_AND_QUARA and task.sub_operation in C.KILLING_SUB_OPERATIONS)

    def _apply_effect(self, task: Task, alert: Alert) -> None:
        if self._kills(task):
            alert.process_alive = False
        elif task.operation == C.OP_BLOCK_IP:
            alert.blocked_ip_until_ms = int(task.params["expireTime"])
        elif task.operation == C.OP_ADVANCE_MARK_MIS_INFO and task.mark_rules is not None:
            self._replace_rules(alert, task.mark_rules)

    def _replace_rules(self, alert: Alert, new_rules: list[dict[str, str]]) -> None:
        # The documented gotcha ([3P]): the new MarkMissParam list REPLACES every rule that applies to this alert.
        host_uuid = alert.host.uuid if alert.host else None
        self.rules = [r for r in self.rules if not self._rule_applies(r, alert)]
        for rule in new_rules:
            scope = C.MARK_SCOPE_ALL if rule["uuid"] == C.MARK_SCOPE_ALL else (host_uuid or C.MARK_SCOPE_ALL)
            self.rules.append(WhitelistRule(alert.name.key, scope, rule["field"], rule["operate"], rule["fieldValue"],
                                            alert.account))

    @staticmethod
    def _rule_applies(rule: WhitelistRule, alert: Alert) -> bool:
        """A rule of the alert's account for its name, on its asset or on all assets (ALL)."""
        host_uuid = alert.host.uuid if alert.host else None
        return (rule.account == alert.account and rule.name_key == alert.name.key
                and rule.uuid in (C.MARK_SCOPE_ALL, host_uuid))

    # --- queries ----------------------------------------------------------------------------
    def list_alerts(self, query: AlertQuery, page: int, page_size: int) -> tuple[list[Alert], int]:
        with self._lock:
            self._advance()
            matched = [a for a in self.alerts.values() if self._matches(a, query)]
            if query.dealed == "Y":
                column = query.sort_column or C.SORT_COLUMN_OPERATE_TIME
                descending = (query.sort_type or "desc") == "desc"
                if column == C.SORT_COLUMN_LAST_TIME:
                    matched.sort(key=lambda a: (a.last_seen_ms, a.id), reverse=descending)
                else:
                    matched.sort(key=lambda a: (a.operate_time_ms or 0, a.id), reverse=descending)
            else:
                self._order_unsorted(matched)
            start = (page - 1) * page_size
            return [copy.copy(a) for a in matched[start:start + page_size]], len(matched)

    def _order_unsorted(self, alerts: list[Alert]) -> None:
        """Order, in place, a listing SortColumn does not order (all but Dealed=Y): by the reading pending_order.
        Each order is total and holds while the alerts listed do, so pages neither overlap nor skip while nothing
        changes; shuffled draws another (seeded) whenever they change, as an unsorted index may."""
        order = self.readings.pending_order
        if order == "shuffled":
            alerts.sort(key=lambda a: a.id)
            listed = ",".join(str(a.id) for a in alerts)
            random.Random(f"sas-emulator/{self.chaos.random.seed}/pending_order/{listed}").shuffle(alerts)
        else:
            key, descending = UNSORTED_ORDERS[order]
            alerts.sort(key=key, reverse=descending)

    def _matches(self, a: Alert, q: AlertQuery) -> bool:
        if q.account is not None and a.account != q.account:
            return False
        if q.dealed == "N" and a.status != C.STATUS_PENDING:
            return False
        if q.dealed == "Y" and a.status == C.STATUS_PENDING:
            return False
        if q.statuses and a.status not in q.statuses:
            return False
        if q.levels and a.level not in q.levels:
            return False
        if q.uuids and (a.host is None or a.host.uuid not in q.uuids):
            return False
        if q.alert_id is not None and a.id != q.alert_id:
            return False
        if q.alarm_unique_info and a.alarm_unique_info != q.alarm_unique_info:
            return False
        if q.unique_info and a.unique_info != q.unique_info:
            return False
        if q.last_time_start_ms is not None and a.last_seen_ms < q.last_time_start_ms:
            return False
        if q.last_time_end_ms is not None and a.last_seen_ms > q.last_time_end_ms:
            return False
        if q.operate_time_start_ms is not None and (a.operate_time_ms or 0) < q.operate_time_start_ms:
            return False
        if q.operate_time_end_ms is not None and (a.operate_time_ms or 0) > q.operate_time_end_ms:
            return False
        # One vocabulary only (reading alert_type_vocabulary); a name in another matches nothing, silently.
        if q.parent_event_types and catalog.type_name(a.type, self.readings.alert_type_vocabulary) \
                not in q.parent_event_types:
            return False
        if q.event_names and not ({a.name.en, a.name.zh, a.name.key} & q.event_names):
            return False
        if q.cluster_id and (not a.container or a.container.get("cluster_id") != q.cluster_id):
            return False
        if q.assets_types and asset_type(a) not in q.assets_types:
            return False
        if q.tactic_id and a.name.tactic != q.tactic_id:
            return False
        if q.operate_error_codes and a.operate_error_code not in q.operate_error_codes:
            return False
        if q.name and (a.host is None or q.name.lower() not in a.host.instance_name.lower()):
            return False
        if q.remark:
            needle = q.remark.lower()
            hay = [a.name.en, a.name.zh, a.type.en, a.type.zh]
            if a.host:
                hay += [a.host.instance_name, a.host.instance_id, a.host.internet_ip, a.host.intranet_ip]
            if not any(needle in h.lower() for h in hay if h):
                return False
        return True

    def get_alert(self, alert_id: int, account: int | None) -> Alert:
        """The alert ``alert_id`` of ``account`` (None: of any account); another account's alert is refused as
        an unknown one."""
        with self._lock:
            self._advance()
            alert = self._alert_in(alert_id, account)
            if alert is None:
                raise SecurityEventNotExists()
            return copy.copy(alert)

    def _alert_in(self, alert_id: int, account: int | None) -> Alert | None:
        alert = self.alerts.get(alert_id)
        return alert if alert is not None and self._in_scope(alert.account, account) else None

    def rules_for(self, alert: Alert) -> list[WhitelistRule]:
        with self._lock:
            return [copy.copy(r) for r in self.rules if self._rule_applies(r, alert)]

    def _offered_codes(self, alert: Alert) -> list[str]:
        """What DescribeSecurityEventOperations lists for the alert in its current state."""
        if not alert.can_be_deal_on_line:
            return []  # "processed only when CanBeDealOnLine is true" [DOC]; expired too (doc: empty list)
        if alert.status == C.STATUS_PENDING:
            return list(alert.operations)
        if alert.status == C.STATUS_FALSE_POSITIVE and alert.last_operation in WHITELIST_OPERATIONS | {None}:
            return [C.OP_RM_MARK_MIS_INFO]
        if alert.status == C.STATUS_HANDLED and alert.last_operation == C.OP_MANUAL_HANDLED:
            return [C.OP_CANCEL_MANUAL]
        return []  # processing, ignored, handled by isolation

    def operations(self, alert_id: int) -> tuple[Alert, list[OperationOffer]]:
        """DescribeSecurityEventOperations, which takes no ResourceDirectoryAccountId: the reading
        member_alert_by_id says whether it finds a member's alert."""
        with self._lock:
            alert = self.get_alert(alert_id, self._scope_by_id())
            offers = []
            for code in self._offered_codes(alert):
                offer = OperationOffer(code, self._suggested_params(code, alert), code not in alert.restricted_ops)
                if code == C.OP_ADVANCE_MARK_MIS_INFO:
                    offer.rules = self.rules_for(alert)
                    offer.mark_fields = [(catalog.MARK_FIELDS[f], alert.detail(catalog.MARK_FIELDS[f].detail_key) or "")
                                         for f in alert.name.mark_fields]
                offers.append(offer)
            return alert, offers

    def _suggested_params(self, code: str, alert: Alert) -> dict[str, Any]:
        if code == C.OP_BLOCK_IP:
            return {"expireTime": self.now_ms() + BLOCK_IP_DEFAULT_SECONDS * 1000}
        if self.readings.suggested_sub_operation == "no":
            return {}  # the operations that take a subOperation suggest none
        if code == C.OP_KILL_AND_QUARA:
            # Kill and quarantine while the process runs; once it is gone, quarantine only where the reading
            # has such a value (six). Under "two" there is none, so the suggestion stays
            # killAndQuaraFileByMd5andPath, which then ends ProcessNotExist ([GUESS]; virus_quara_bin is the way).
            if alert.process_alive or C.SUB_OP_QUARA_FILE not in self._sub_operations(code):
                return {"subOperation": C.SUB_OP_KILL_AND_QUARA}
            return {"subOperation": C.SUB_OP_QUARA_FILE}
        if code in (C.OP_VIRUS_QUARA, C.OP_VIRUS_QUARA_BIN):
            return {"subOperation": C.SUB_OP_QUARA_FILE}
        return {}

    # --- handling ---------------------------------------------------------------------------
    def handle(self, request: HandleRequest, *, drop: bool = False) -> Task:
        """A HandleSecurityEvents task; ``drop`` leaves out the alerts it cannot act on, whatever the reading
        bad_id_in_batch says (HandleSimilarSecurityEvents)."""
        with self._lock:
            self._advance()
            op = request.operation
            if op not in KNOWN_OPERATIONS:
                raise InvalidParam(f"Unknown operation {op!r}.", parameter="OperationCode")
            sub_operation = self._check_params(op, request.params)
            alerts = self._usable_alerts(op, request.alert_ids, request.account,
                                         drop=drop or self.readings.bad_id_in_batch == "drop")
            mark_rules = None
            if op == C.OP_ADVANCE_MARK_MIS_INFO:
                if request.mark_rules == [] and self.readings.empty_mark_miss_param == "refused":
                    raise InvalidParam("MarkMissParam holds no rule.", parameter="MarkMissParam")
                if request.mark_rules is not None:
                    # Replace semantics: the list, even empty (reading empty_mark_miss_param=clears), becomes the
                    # alert's rules.
                    mark_rules = [self._check_rule(rule, alerts) for rule in request.mark_rules]
                elif self.readings.mark_miss_param == "required":
                    raise InvalidParam("advance_mark_mis_info needs the whitelist rules.",
                                       parameter="MarkMissParam")
                # else (reading optional): whitelist the alerts, their rules stay as they are
            now = self.clock()
            start_s = now + self.readings.queue_ms / 1000.0
            task = Task(id=self._next_task_id, operation=op, sub_operation=sub_operation, params=request.params,
                        mark_rules=mark_rules, remark=request.remark, start_s=start_s,
                        due_s=start_s + self.task_delay_ms / 1000.0, stuck=self.tasks_stuck,
                        events=[TaskEvent(a.id, a.status) for a in alerts],
                        account=self.account_uid if request.account is None else request.account)
            self._next_task_id += 1
            self.tasks[task.id] = task
            self._open_tasks.append(task)
            if self.readings.queue_ms == 0:
                self._start(task)  # at once, whatever the clock says
            self._advance()
            return task

    def _usable_alerts(self, op: str, alert_ids: list[int], account: int | None, *, drop: bool) -> list[Alert]:
        """The alerts a HandleSecurityEvents call acts on, of ``account``. An unknown id (another account's
        alert too), one that does not offer the operation
        now, or one the edition does not allow it for refuses the whole call (not ``drop``, unknown ids first) or
        is left out of the task (``drop``; the first refusal stands if none is left)."""
        refusals: list[SasError] = []
        present = []
        for alert_id in alert_ids:
            alert = self._alert_in(alert_id, self.account_uid if account is None else account)
            if alert is not None:
                present.append(alert)
                continue
            refusal = SecurityEventNotExists(f"SecurityEventId {alert_id}.")
            if not drop:
                raise refusal
            refusals.append(refusal)
        usable = []
        for alert in present:
            if op not in self._offered_codes(alert):
                # The alert does not offer this operation in its state: a bad request (InvalidParam),
                # not an authorization problem.
                refusal = InvalidParam(f"Operation {op!r} is not available for security event {alert.id} "
                                       f"(EventStatus {alert.status}).")
            elif op in alert.restricted_ops:
                # UserCanOperate=false (edition limit): 400 NoPermission, HandleSecurityEvents' error table.
                refusal = HandleNoPermission(f"Operation {op!r} is not available in the current edition "
                                             f"for security event {alert.id}.")
            else:
                usable.append(alert)
                continue
            if not drop:
                raise refusal
            refusals.append(refusal)
        if not usable:
            raise refusals[0]
        return usable

    def _sub_operations(self, op: str) -> tuple[str, ...] | None:
        """The subOperation values op accepts (None: it takes none); kill_and_quara's by the reading."""
        if op == C.OP_KILL_AND_QUARA and self.readings.kill_and_quara_sub_operations == "two":
            return C.KILL_AND_QUARA_SUB_OPERATIONS_TWO
        return C.SUB_OPERATIONS.get(op)

    def _check_params(self, op: str, params: dict[str, Any]) -> str | None:
        """OperationParams content (HandleSecurityEvents). Returns the subOperation, if any."""
        if op == C.OP_BLOCK_IP:
            expire = params.get("expireTime")
            if isinstance(expire, str) and expire.isdigit():
                expire = int(expire)
            if not is_count(expire):
                raise InvalidParam("block_ip needs expireTime (epoch milliseconds).", parameter="OperationParams")
            if expire <= self.now_ms():
                raise InvalidParam("expireTime must be in the future.", parameter="OperationParams")
            params["expireTime"] = expire
            return None
        allowed = self._sub_operations(op)
        if allowed is None:
            return None
        sub = params.get("subOperation")
        if sub not in allowed:
            raise InvalidParam(f"subOperation {sub!r} is not valid for {op}; use one of: {', '.join(allowed)}.",
                               parameter="OperationParams")
        return sub

    @staticmethod
    def _check_rule(rule: Any, alerts: list[Alert]) -> dict[str, str]:
        """One MarkMissParam entry, checked against every alert it will apply to."""
        if not isinstance(rule, dict):
            raise _rule_error("Each rule must be a JSON object.")
        values = {k: rule.get(k) for k in ("uuid", "field", "operate", "fieldValue")}
        for key, value in values.items():
            if not isinstance(value, str) or not value:
                raise _rule_error(f'Each rule needs a non-empty string "{key}".')
        for alert in alerts:
            host_uuid = alert.host.uuid if alert.host else None
            if values["uuid"] not in (C.MARK_SCOPE_PART, C.MARK_SCOPE_ALL, host_uuid):
                raise _rule_error(f'uuid must be "part", "ALL" or the asset UUID of event {alert.id}.')
            if values["field"] not in alert.name.mark_fields:
                raise _rule_error(f'field {values["field"]!r} cannot be used for event {alert.id}; '
                                  f"use one of {list(alert.name.mark_fields)}.")
        spec = catalog.MARK_FIELDS[values["field"]]
        if values["operate"] not in spec.operates:
            raise _rule_error(f'operate {values["operate"]!r} is not supported for '
                              f"{spec.name}; use one of {list(spec.operates)}.")
        if values["operate"] == C.MARK_OPERATE_IN_IP_SEGMENT:
            try:
                ipaddress.ip_network(values["fieldValue"], strict=False)
            except ValueError:
                raise _rule_error("inIpSegment needs a CIDR such as 192.0.2.0/24.") from None
        if values["operate"] == C.MARK_OPERATE_REGEX:
            try:
                re.compile(values["fieldValue"])
            except re.error:
                raise _rule_error("fieldValue is not a valid regular expression.") from None
        return values  # type: ignore[return-value]

    def operation_status(self, task_id: int | None, alert_ids: list[int] | None) -> tuple[str, list[TaskEvent]]:
        """DescribeSecurityEventOperationStatus, which takes no ResourceDirectoryAccountId: the reading
        member_alert_by_id says whether it finds a member's task; one it does not find is an unknown one."""
        with self._lock:
            self._advance()
            if task_id is None and not alert_ids:
                raise IllegalParam("Specify TaskId or SecurityEventIds.")
            scope = self._scope_by_id()
            tasks = [t for t in self.tasks.values() if self._in_scope(t.account, scope)]
            if task_id is not None:
                task = next((t for t in tasks if t.id == task_id), None)
                if task is None:
                    raise OperationTaskNotExists()
                events = task.events
                if alert_ids:
                    wanted = set(alert_ids)
                    events = [e for e in events if e.alert_id in wanted]
                return task.status, [copy.copy(e) for e in events]
            found, queued = [], []
            for alert_id in dict.fromkeys(alert_ids or []):
                for task in sorted(tasks, key=lambda t: t.id, reverse=True):
                    event = next((e for e in task.events if e.alert_id == alert_id), None)
                    if event is not None:
                        found.append(copy.copy(event))
                        queued.append(not task.started)
                        break
            if not found:
                raise OperationTaskNotExists()
            # Pending while every alert not finished yet is still queued [GUESS for a mix of tasks].
            unfinished = [q for e, q in zip(found, queued) if e.status == C.EVENT_PROCESSING]
            return aggregate_task_status(found, queued=bool(unfinished) and all(unfinished)), found

    # --- similar alerts (similar.py) ----------------------------------------------------------
    def similar_scenarios(self, alert_id: int) -> list[str]:
        """DescribeSimilarEventScenarios, which takes no ResourceDirectoryAccountId (reading member_alert_by_id)."""
        with self._lock:
            return scenarios(self.get_alert(alert_id, self._scope_by_id()))

    def create_similar_query(self, alert_id: int, scenario: str, account: int,
                             client_token: str | None = None) -> SimilarQuery:
        """CreateSimilarSecurityEventsQueryTask: the group of the alert of ``account`` under ``scenario``, found now.
        A ClientToken sent again by the same account gives back the task it created."""
        with self._lock:
            known = self._similar_tokens.get((account, client_token)) if client_token else None
            if known is not None:
                return copy.copy(self.similar_queries[known])
            alert = self.get_alert(alert_id, account)
            if scenario not in scenarios(alert):
                raise InvalidParam(f"Scenario {scenario!r} does not apply to security event {alert_id}; it offers "
                                   f"{', '.join(scenarios(alert))}.", parameter="SimilarEventScenarioCode")
            group = tuple(sorted(a.id for a in self.alerts.values() if is_similar(alert, a, scenario)))
            query = SimilarQuery(self._next_similar_id, account, alert_id, scenario, group,
                                 self.readings.similar_empty_reads)
            self._next_similar_id += 1
            self.similar_queries[query.id] = query
            if client_token:
                self._similar_tokens[(account, client_token)] = query.id
            return copy.copy(query)

    def _similar_query(self, task_id: int, scope: int | None) -> SimilarQuery:
        query = self.similar_queries.get(task_id)
        if query is None or not self._in_scope(query.account, scope):
            # [GUESS] no page names this error: the service's own refusal of a parameter's content.
            raise InvalidParam(f"No similar-events query task {task_id}.", parameter="TaskId")
        return query

    def similar_page(self, task_id: int, page: int, page_size: int) -> tuple[list[Alert], int]:
        """DescribeSimilarSecurityEvents (no ResourceDirectoryAccountId: reading member_alert_by_id): one page of the
        task's group, by id; empty while the task still retrieves its data (reading similar_empty_reads)."""
        with self._lock:
            self._advance()
            query = self._similar_query(task_id, self._scope_by_id())
            if query.empty_reads_left:
                query.empty_reads_left -= 1
                return [], 0
            found = [self.alerts[i] for i in query.alert_ids if i in self.alerts]
            start = (page - 1) * page_size
            return [copy.copy(a) for a in found[start:start + page_size]], len(found)

    def handle_similar(self, task_id: int, request: HandleRequest) -> Task:
        """HandleSimilarSecurityEvents: one handling task over the query task's group, of the request's account,
        leaving out the alerts that cannot take the operation now [GUESS: it answers no per-alert result]; the
        group's size is not bound by HandleSecurityEvents' 20 ids."""
        with self._lock:
            account = self.account_uid if request.account is None else request.account
            query = self._similar_query(task_id, account)
            request.alert_ids = list(query.alert_ids)
            if not request.alert_ids:
                raise InvalidParam(f"Similar-events query task {task_id} found no alert to handle.", parameter="TaskId")
            return self.handle(request, drop=True)

    # --- notes ------------------------------------------------------------------------------
    def add_note(self, alert_id: int, text: str, account: int | None = None) -> Note:
        """Add a note to one alert of ``account`` (None: the administrator's), in any status; an unknown alert
        (another account's too) is refused as the other calls refuse it ([GUESS]: the CreateSuspEventNote page
        lists no error for it)."""
        with self._lock:
            self._advance()
            alert = self._alert_in(alert_id, self.account_uid if account is None else account)
            if alert is None:
                raise SecurityEventNotExists(f"EventId {alert_id}.")
            note = Note(self._next_note_id, text, self.now_ms())
            self._next_note_id += 1
            alert.notes = (*alert.notes, note)
            return note

    # --- chaos: someone in the console ------------------------------------------------------
    def console_handles(self, count: int) -> int:
        """Handle up to ``count`` random pending alerts at once, as a person in the console: ignore (2) or
        manual_handled (32), recorded like a task's success. Returns how many."""
        with self._lock:
            self._advance()
            pending = sorted(a.id for a in self.alerts.values() if a.status == C.STATUS_PENDING)
            picked = self.chaos.random.sample("console", pending, count)
            now_ms = self.now_ms()
            for alert_id in picked:
                alert = self.alerts[alert_id]
                operation = self.chaos.random.choice("console", CONSOLE_OPERATIONS)
                self._record_operation(alert, f"{operation}.{C.RESULT_SUCCESS}", now_ms, remark=None)
                self._settle(alert, operation, alert.status)
            self.chaos.stats.count("console_handled", len(picked))
            return len(picked)

    # --- alerts arriving while the emulator runs ----------------------------------------------
    def add_alerts(self, count: int = 1, *, level: str | None = None, name_key: str | None = None,
                   host_uuid: str | None = None) -> list[int]:
        """Add ``count`` just-detected pending alerts, first and last seen now (so they list first), with new ids
        above every other, drawn from the seeded "arrivals" stream (dataset.new_alert: the name, the host, the
        details as generated alerts have them). Returns their ids, in the order added. ValueError names a bad
        field and adds nothing."""
        check_count(count)
        with self._lock:
            self._advance()
            hosts = [dict(vars(h)) for h in self.hosts.values() if h.account == self.account_uid]
            records = [self.chaos.random.draw("arrivals", lambda rng: new_alert(
                rng, hosts, level=level, name_key=name_key, host_uuid=host_uuid)) for dummy in range(count)]
            now_ms = self.now_ms()
            for record in records:
                record["id"] = self._next_alert_id
                self._next_alert_id += 1
                self.alerts[record["id"]] = self._alert_from_record(record, now_ms)
            self.alerts_added += count
            return [record["id"] for record in records]

    # --- test hooks (control plane) ---------------------------------------------------------
    def set_tasks_stuck(self, stuck: bool, release: bool = False) -> None:
        with self._lock:
            self.tasks_stuck = stuck
            if release:
                for task in self._open_tasks:
                    task.stuck = False
                self._advance()

    def set_host(self, host_uuid: str, *, agent_online: bool) -> Host:
        with self._lock:
            host = self.hosts.get(host_uuid)
            if host is None:
                raise KeyError(host_uuid)
            host.agent_online = agent_online
            return copy.copy(host)

    def remove_alert(self, alert_id: int) -> None:
        """Forget one alert, as the service does once it is purged (a race for tests)."""
        with self._lock:
            if self.alerts.pop(alert_id, None) is None:
                raise KeyError(alert_id)

    def patch_alert(self, alert_id: int, changes: dict[str, Any]) -> None:
        """Change internal fields of one alert (process_alive, status, restricted_ops, level, can_be_deal_on_line)."""
        with self._lock:
            alert = self.alerts.get(alert_id)
            if alert is None:
                raise KeyError(alert_id)
            for key, value in changes.items():
                if key == "process_alive":
                    alert.process_alive = bool(value)
                elif key == "status" and value in C.EVENT_STATUSES:
                    alert.status = value
                elif key == "restricted_ops":
                    alert.restricted_ops = frozenset(value)
                elif key == "level" and value in C.LEVELS:
                    alert.level = value
                elif key == "can_be_deal_on_line" and isinstance(value, bool):
                    alert.online_handling = value
                else:
                    raise ValueError(f"cannot patch {key!r} = {value!r}")

    def internal_view(self, alert_id: int) -> dict[str, Any]:
        with self._lock:
            self._advance()
            alert = self.alerts.get(alert_id)
            if alert is None:
                raise KeyError(alert_id)
            tasks = [{"task_id": t.id, "operation": t.operation, "status": t.status,
                      "event": next(vars(e) for e in t.events if e.alert_id == alert_id)}
                     for t in self.tasks.values() if any(e.alert_id == alert_id for e in t.events)]
            return {
                "id": alert.id, "account": alert.account, "name_key": alert.name.key, "type_key": alert.name.type_key,
                "name_en": alert.name.en, "level": alert.level, "status": alert.status,
                "host": vars(alert.host) if alert.host else None,
                "process_alive": alert.process_alive, "restricted_ops": sorted(alert.restricted_ops),
                "operations": list(alert.operations), "offered_operations": self._offered_codes(alert),
                "last_operation": alert.last_operation, "operate_error_code": alert.operate_error_code,
                "operate_time_ms": alert.operate_time_ms, "operate_msg": alert.operate_msg,
                "blocked_ip_until_ms": alert.blocked_ip_until_ms,
                "last_seen_ms": alert.last_seen_ms, "first_seen_ms": alert.first_seen_ms,
                "details": dict(alert.details), "whitelist_rules": [vars(r) for r in self.rules_for(alert)],
                "tasks": tasks, "notes": [vars(note) for note in alert.notes],
            }

    def hosts_view(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(vars(h)) for h in self.hosts.values()]


def asset_type(alert: Alert) -> str:
    """AssetsTypeList value of an alert ([GUESS]: ecs / container / cloud)."""
    return alert.name.asset


def _rule_error(detail: str) -> InvalidParam:
    return InvalidParam(detail, parameter="MarkMissParam")
