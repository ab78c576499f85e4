# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads of the plan step that run beside the writes: DescribeSecurityEventOperations for each alert, one call
each, a bounded number at a time, in a thread of its own; each answer is planned (handle_plan) as it comes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    FAILED,
    PLANNED,
    Alert,
    Ending,
    end,
    move,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState, lookup_among_handled
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_plan import OperationPlan, gone_ending, plan_for
from ansible_collections.alibabacloud.sas.plugins.module_utils.offered_operations import (
    allowed_codes,
    describe_operations,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import DESCRIBE_SECURITY_EVENT_OPERATIONS


class Planner:
    """The operations lookups of the plan step, one call per alert, a bounded number at a time, in a thread of their
    own while the alerts planned are sent; changed is notified after each alert."""

    def __init__(self, connection: Any, concurrency: int):
        self.connection = connection
        self.concurrency = concurrency
        self.changed = threading.Condition()
        self.running = False
        self.stopped = False  # plan no more: the run was killed, or a lookup was refused
        self.refusal: Optional[SasApiError] = None  # a lookup error no retry helps (credentials, permissions)
        self.error: Optional[BaseException] = None  # anything else raised while planning (a bug)
        self.misfits: Dict[int, str] = {}  # alert id -> why whitelist_rules do not fit it
        self.warnings: Dict[int, str] = {}  # alert id -> a warning about what is sent for it
        # Alerts whose lookup spent its retries on transient errors (throttled, unavailable): looked up once more
        # after the others, when a burst of throttling has had time to pass, before they end failed.
        self.unread: List[Alert] = []
        self.last_try = False
        self._thread: Optional[threading.Thread] = None

    def plan(self, alerts: List[Alert]) -> None:
        """Plan alerts now: each looked up, and those whose lookup failed for a transient reason once more."""
        self.connection.map(self.plan_one, alerts, self.concurrency)
        again, self.unread = self.unread, []
        if again and not self.stopped:
            self.last_try = True
            self.connection.map(self.plan_one, again, self.concurrency)

    def start(self, alerts: List[Alert]) -> None:
        """Plan alerts in the background."""
        self.running = True
        self._thread = threading.Thread(target=self._plan_in_background, args=(alerts,), daemon=True)
        self._thread.start()

    def _plan_in_background(self, alerts: List[Alert]) -> None:
        try:
            self.plan(alerts)
        except BaseException as exc:  # raised in the handling run's own thread (stop)
            self.error = exc
        finally:
            with self.changed:
                self.running = False
                self.changed.notify_all()

    def stop(self) -> None:
        """Plan no more, and wait for the lookups under way; raises what the background planning raised."""
        self.stopped = True
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    def plan_one(self, alert: Alert) -> None:
        """One alert: read what the service offers for it, then plan it (handle_plan) - ended, planned, or (whitelist
        rules that do not fit) a misfit."""
        if self.stopped:
            return
        try:
            offered = describe_operations(self.connection, alert.id)
            gone = lookup_among_handled(self.connection, [alert.id], 1)[alert.id] if offered is None else None
        except SasApiError as error:
            if not error.transient:
                self.refusal, self.stopped = self.refusal or error, True
            elif not self.last_try:  # among thousands of lookups on a bad night some fail: once more, at the end
                self.unread.append(alert)
            else:  # and one that fails twice must not sink the others
                end(alert, FAILED, "not sent: what the service allows for it could not be read, twice (%s); run "
                    "again" % error.describe(), error_code=error.code or error.kind)
        else:
            if offered is None:  # the service stopped knowing it since it was read: handled meanwhile, or gone
                end(alert, *self.unknown_ending(gone))
            else:
                alert.allowed_operations = allowed_codes(offered)  # a fact learnt, not a stage: said in every result
                self.take(alert, plan_for(alert, offered))
        finally:
            with self.changed:
                self.changed.notify_all()

    def unknown_ending(self, gone: Optional[AlertState]) -> Ending:
        """How an alert ends that DescribeSecurityEventOperations does not know, gone where it was looked for among
        the handled: a member account's alert may be one it cannot see (nothing sent, and why), else it is gone."""
        unseen = self.connection.member_unseen_by(DESCRIBE_SECURITY_EVENT_OPERATIONS) if gone is None else None
        if unseen:
            return Ending(FAILED, "not sent: %s, and it does not find this alert by its id (SecurityEventNotExists), "
                          "so what the service allows for it cannot be read; handle it in the console, or with the "
                          "member account's own credentials" % unseen)
        return gone_ending(gone, "")

    def take(self, alert: Alert, plan: OperationPlan) -> None:
        if plan.ending is not None:
            end(alert, *plan.ending)
        elif plan.rule_problems:
            self.misfits[alert.id] = "alert %d: %s" % (alert.id, "; ".join(plan.rule_problems))
        else:
            if plan.warning:
                self.warnings[alert.id] = plan.warning
            move(alert, PLANNED, send_key=plan.send_key)

    def refuse_misfits(self, alerts: List[Alert]) -> None:
        """A whitelist rule that does not fit is a mistake in the play: refuse it all, send nothing."""
        misfits = [self.misfits[alert.id] for alert in alerts if alert.id in self.misfits]
        if misfits:
            raise OptionError("whitelist_rules do not fit these alerts, nothing was sent: %s. "
                              "sas_alert_operations_info lists each alert's fields under mark_fields_source"
                              % " | ".join(misfits))

    def warnings_of(self, alerts: List[Alert]) -> List[str]:
        """One warning for all the alerts it is about, in their order."""
        grouped: OrderedDict[str, List[int]] = OrderedDict()
        for alert in alerts:
            if alert.id in self.warnings:
                grouped.setdefault(self.warnings[alert.id], []).append(alert.id)
        return ["%s %s: %s" % ("alerts" if len(ids) > 1 else "alert", ", ".join(map(str, ids)), warning)
                for warning, ids in grouped.items()]
