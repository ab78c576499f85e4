# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for SasConnection: the five SAS actions, SDK-shaped bodies, a call log."""

from __future__ import annotations

from types import SimpleNamespace

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError

PENDING, PROCESSING, IGNORED, FALSE_POSITIVE, HANDLED = 1, 16, 2, 8, 32


def operation(code, can=True, params="{}", mark_field=(), sources=()):
    return {"OperationCode": code, "UserCanOperate": can, "OperationParams": params,
            "MarkField": list(mark_field), "MarkFieldsSource": list(sources)}


class FakeSas:
    """Alerts {id: {"status", "ops", "result"}}; tasks finish after `polls_to_finish` status reads."""

    def __init__(self, alerts, polls_to_finish=1, page_size=100):
        self.alerts = alerts
        self.polls_to_finish = polls_to_finish
        self.page_size = page_size
        self.log = []          # (action, params)
        self.tasks = {}        # task id -> {"ids", "op", "polls"}
        self.next_task = 100
        self.faults = []       # (action, callable(params) -> raises), used once each

    # --- SasConnection interface --------------------------------------------------------------
    def call(self, action, write=False, **params):
        self.log.append((action, params))
        for index, (fault_action, fault) in enumerate(self.faults):
            if fault_action == action:
                del self.faults[index]
                fault(params)
                break
        return getattr(self, action)(**params)

    def map(self, function, items, concurrency):
        return [function(item) for item in items]

    # --- helpers ------------------------------------------------------------------------------
    def actions(self):
        return [action for action, _params in self.log]

    def writes(self):
        return [params for action, params in self.log if action == "HandleSecurityEvents"]

    def lose_answer_after_commit(self):
        """The next HandleSecurityEvents is carried out, but its answer never arrives."""
        def fault(params):
            self.HandleSecurityEvents(**params)
            raise SasApiError("HandleSecurityEvents", errors.AMBIGUOUS, "Connection reset by peer")
        self.faults.append(("HandleSecurityEvents", fault))

    # --- the service --------------------------------------------------------------------------
    def _entry(self, alert_id):
        alert = self.alerts[alert_id]
        return SimpleNamespace(id=alert_id, event_status=alert["status"], operate_error_code=alert.get("code"))

    def DescribeSuspEvents(self, current_page="1", page_size="20", id=None, dealed=None, **_filters):
        matched = [alert_id for alert_id, alert in sorted(self.alerts.items())
                   if (id is None or alert_id == id)
                   and (dealed is None or (dealed == "N") == (alert["status"] == PENDING))]
        size, page = int(page_size), int(current_page)
        chunk = matched[(page - 1) * size:page * size]
        return SimpleNamespace(susp_events=[self._entry(alert_id) for alert_id in chunk], total_count=len(matched))

    def DescribeSecurityEventOperations(self, security_event_id, lang="en"):
        if security_event_id not in self.alerts:
            raise SasApiError("DescribeSecurityEventOperations", errors.API, "Security event not exists.",
                              code="SecurityEventNotExists", http_status=400)
        alert = self.alerts[security_event_id]
        ops = alert["ops"] if alert["status"] == PENDING else alert.get("ops_when_dealt", [])
        return SimpleNamespace(security_event_operations_response=list(ops))

    def HandleSecurityEvents(self, operation_code, security_event_ids, operation_params, **_rest):
        ids = [int(alert_id) for alert_id in security_event_ids]
        if any(alert_id not in self.alerts for alert_id in ids):
            raise SasApiError("HandleSecurityEvents", errors.API, "Security event not exists.",
                              code="SecurityEventNotExists", http_status=400)
        task_id = self.next_task
        self.next_task += 1
        self.tasks[task_id] = {"ids": ids, "op": operation_code, "polls": 0,
                               "before": {alert_id: self.alerts[alert_id]["status"] for alert_id in ids}}
        for alert_id in ids:
            self.alerts[alert_id]["status"] = PROCESSING
            self.alerts[alert_id]["task"] = task_id
        return SimpleNamespace(handle_security_events_response=SimpleNamespace(task_id=task_id))

    def _finish(self, task_id):
        task = self.tasks[task_id]
        for alert_id in task["ids"]:
            result = self.alerts[alert_id].get("result", "Success")
            self.alerts[alert_id]["code"] = "%s.%s" % (task["op"], result)
            self.alerts[alert_id]["status"] = HANDLED if result == "Success" else task["before"][alert_id]

    def DescribeSecurityEventOperationStatus(self, security_event_ids, task_id=None):
        ids = [int(alert_id) for alert_id in security_event_ids]
        task_ids = [task_id] if task_id is not None else sorted({self.alerts[i]["task"] for i in ids})
        for one in task_ids:
            task = self.tasks[one]
            task["polls"] += 1
            if task["polls"] == self.polls_to_finish:
                self._finish(one)
        statuses = []
        for alert_id in ids:
            task = self.tasks[task_id if task_id is not None else self.alerts[alert_id]["task"]]
            if alert_id not in task["ids"]:
                continue  # the service lists only the task's own alerts
            done = task["polls"] >= self.polls_to_finish
            code = self.alerts[alert_id].get("code") if done else None
            status = "Processing" if not done else ("Success" if code.endswith(".Success") else "Failed")
            statuses.append(SimpleNamespace(security_event_id=str(alert_id), status=status, error_code=code))
        return SimpleNamespace(security_event_operation_status_response=SimpleNamespace(
            task_status="Processing" if any(s.status == "Processing" for s in statuses) else "Success",
            security_event_operation_statuses=statuses))
