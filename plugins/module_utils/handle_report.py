# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What sas_alert_handle returns: every alert's result, the count of each outcome, the tasks, the diff."""

from __future__ import annotations

from collections import OrderedDict
from typing import Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import (
    CHANGING_OUTCOMES,
    FAILED,
    FAILING_OUTCOMES,
    OUTCOMES,
    TIMED_OUT,
    Alert,
)


class HandleReport:
    """Every alert's result, the counts and the tasks: what the module returns."""

    def __init__(self, alerts: List[Alert], task_ids: List[int]):
        self.results = [alert.result() for alert in alerts]
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
