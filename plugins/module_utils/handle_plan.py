# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan, the first step of handling, and a pure one: what an alert's status and the operations the service offers
for it say - how it ends without a write (an Ending), or what to send for it (an OperationPlan) - and the batches
the planned alerts go in (Batcher).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    ALREADY_HANDLED,
    EXPIRED,
    FAILED,
    NOT_FOUND,
    UNSUPPORTED,
    Alert,
    Ending,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import (
    OfferedOperation,
    allowed_codes,
    find_operation,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    ADVANCE_MARK_MIS_INFO,
    SUB_OPERATION_KEY,
    SUB_OPERATIONS,
    default_sub_operation,
    suggested_sub_operation,
    to_json,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    MAX_IDS_PER_HANDLE_CALL,
    PROCESSING_STATUS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import (
    WireRule,
    existing_rules,
    mark_miss_param,
    merge_rules,
    rule_problems,
)

SendKey = Tuple[str, Optional[str]]  # (OperationParams JSON, MarkMissParam JSON or None)

# An empty MarkMissParam is refused by one reading of the service and clears the alert's rules under another:
# never sent.
NO_RULE_TO_SEND = ("not sent: the alert has no whitelist rule and whitelist_rules gives none, and an empty rule "
                   "list is refused by the service or clears the rules; give whitelist_rules to whitelist it")


def plan_by_status(state: Optional[AlertState], force: bool) -> Optional[Ending]:
    """How an alert ends by what the listing says, with nothing sent and no operations lookup; None when it goes on
    to the operations lookup."""
    if state is None:
        return Ending(NOT_FOUND, "the service has no alert with this id")
    if state.event_status == PROCESSING_STATUS:
        return Ending(ALREADY_HANDLED, "a handling task is already running on it: nothing sent")
    if state.expired:
        return Ending(EXPIRED, "it expired: the service offers no operation for an expired alert; nothing sent")
    if not state.pending and not force:
        return Ending(ALREADY_HANDLED, "its status is %s, not pending: nothing sent (force acts on it anyway)"
                      % state.status)
    if state.pending and not state.can_be_deal_on_line:
        # "an event can be processed only when CanBeDealOnLine is true" [DOC, HandleSimilarSecurityEvents]; no
        # blocking, whitelisting nor ignoring [SDK, DescribeSuspEventDetail]: its operations are not asked for.
        # What it means for a handled alert (an undo with force) is undocumented: those are asked.
        return Ending(UNSUPPORTED, "the service does not let it be handled (CanBeDealOnLine is false): it offers no "
                                   "operation for it; nothing sent")
    return None


def not_pending_ending(state: AlertState, why: str) -> Ending:
    """An alert found no longer pending after the first read, nothing sent for it: expired, or handled by another
    hand; why says when it was found."""
    if state.expired:
        return Ending(EXPIRED, "it expired meanwhile (%s): the service offers no operation for an expired alert"
                      % why, state.event_status)
    return Ending(ALREADY_HANDLED, "handled meanwhile (now %s): %s" % (state.status, why), state.event_status)


def gone_ending(state: Optional[AlertState], why: str) -> Ending:
    """An alert the service stopped knowing, or no longer pending, when read again: found among the handled, or
    nowhere."""
    if state is None:
        return Ending(NOT_FOUND, "the alert disappeared before it was handled%s" % (" (%s)" % why if why else ""))
    return not_pending_ending(state, why or "nothing sent")


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

    @property
    def ending(self) -> Optional[Ending]:
        """How the alert ends with nothing sent, or None when it is to be sent (or its rules do not fit)."""
        if self.unsupported:
            return Ending(UNSUPPORTED, self.unsupported)
        if self.failure:
            return Ending(FAILED, self.failure)
        return None

    @property
    def send_key(self) -> SendKey:
        """What the alert is sent with; alerts that share it (and their group) share a call."""
        return to_json(self.params), mark_miss_param(self.mark_rules) if self.mark_rules is not None else None


def plan_operation(operations: List[OfferedOperation], operation: str, whitelist_rules: Optional[List[WireRule]],
                   operation_params: Optional[Dict[str, Any]] = None) -> OperationPlan:
    """Is operation allowed for the alert, with which OperationParams and which whitelist rules."""
    params = dict(operation_params or {})
    offered = find_operation(operations, operation)
    if offered is None:
        if not operations:
            return OperationPlan("the service offers no operation for this alert")
        return OperationPlan("the service does not offer %s for this alert; %s" % (operation, allowed_now(operations)))
    if not offered.get("user_can_operate"):
        return OperationPlan("the service does not let you run %s on this alert (UserCanOperate is false: "
                             "the Security Center edition or the alert does not allow it); %s"
                             % (operation, allowed_now(operations)))
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


def allowed_now(operations: List[OfferedOperation]) -> str:
    """What an unsupported alert's reason says the service does allow (its allowed_operations hold the codes)."""
    allowed = allowed_codes(operations)
    return "it allows %s" % ", ".join(allowed) if allowed else "it allows no operation now"


def plan_for(alert: Alert, offered: List[OfferedOperation]) -> OperationPlan:
    """The alert's group's operation planned against the operations the service offers for the alert."""
    group = alert.group
    return plan_operation(offered, group.operation, group.whitelist_rules, group.operation_params)


class Batch(NamedTuple):
    """One HandleSecurityEvents call: alerts of one group that share their send key."""

    group: Any
    key: SendKey
    alerts: List[Alert]


class Batcher:
    """Collects planned alerts into batches of at most MAX_IDS_PER_HANDLE_CALL per group and send key: add gives a
    batch as soon as one is full, rest gives the others in the order they were started."""

    def __init__(self, size: int = MAX_IDS_PER_HANDLE_CALL):
        self.size = size
        self._open: OrderedDict[Tuple[int, SendKey], Batch] = OrderedDict()

    def add(self, alert: Alert) -> Optional[Batch]:
        slot = (id(alert.group), alert.send_key)
        batch = self._open.setdefault(slot, Batch(alert.group, alert.send_key, []))  # type: ignore[arg-type]
        batch.alerts.append(alert)
        return self._open.pop(slot) if len(batch.alerts) >= self.size else None

    def rest(self) -> List[Batch]:
        batches, self._open = list(self._open.values()), OrderedDict()
        return batches
