"""Pick alerts for the handling tests from the emulator's own deterministic data, and read its log."""

from __future__ import annotations

import json

from sas_emulator import catalog, dataset, readings
from sas_emulator.dataset import AGENT_OPERATIONS

# Tests import these from here, not from conftest: tests/emulator has a conftest module too.
ACCESS_KEY_ID = "e2eAccessKeyId"
ACCESS_KEY_SECRET = "e2e-Secret-value-0123456789"
# Every e2e emulator enforces the service's quota of 10 calls a second per API (SAS_API.md §4.3).
QUOTA = ("--qps", "10")

PENDING = 1
FAST = {"poll_interval": 0.3, "wait_timeout": 15}  # tasks take 200 ms in the e2e emulator


class Data:
    """The alerts of `--alerts N --seed S`, as the emulator loads them."""

    def __init__(self, seed: int = 7, alerts: int = 60):
        self.raw = dataset.generate(seed=seed, alerts=alerts)
        self.hosts = {host["uuid"]: host for host in self.raw["hosts"]}

    def online(self, alert: dict) -> bool:
        host = self.hosts.get(alert["host_uuid"]) if alert["host_uuid"] else None
        return bool(host and host["agent_online"])

    def alerts(self, status=PENDING, op=None, online=None, alive=None, allowed=None, name=None,
               exclude=()) -> list[dict]:
        """Alerts matching every given condition; allowed: op not restricted (UserCanOperate true)."""
        found = []
        for alert in self.raw["alerts"]:
            operations = catalog.ALERT_NAMES[alert["name_key"]].operations
            if status is not None and alert["status"] != status:
                continue
            if op is not None and op not in operations:
                continue
            if allowed is not None and (op in alert["restricted_ops"]) == allowed:
                continue
            if online is not None and op in AGENT_OPERATIONS and self.online(alert) != online:
                continue
            if alive is not None and alert["process_alive"] != alive:
                continue
            if name is not None and alert["name_key"] != name:
                continue
            if alert["id"] in exclude:
                continue
            found.append(alert)
        return found

    def one(self, **conditions) -> int:
        matches = self.alerts(**conditions)
        assert matches, "the emulator data has no alert with %s" % conditions
        return matches[0]["id"]

    def without(self, op: str, status=PENDING) -> int:
        """A pending alert that does not offer op at all."""
        return next(alert["id"] for alert in self.raw["alerts"]
                    if alert["status"] == status and op not in catalog.ALERT_NAMES[alert["name_key"]].operations)


def module_task(module: str, register: str, ignore_errors: bool = False, **options) -> dict:
    """A play task calling alibabacloud.sas.<module>, its result registered under register."""
    task = {"alibabacloud.sas." + module: options, "register": register}
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def handle(register: str, ignore_errors: bool = False, **options) -> dict:
    return module_task("sas_alert_handle", register, ignore_errors, **options)


def calls(emulator, action: str, since: int = 0) -> list[dict]:
    return [entry for entry in emulator.requests()[since:] if entry["action"] == action]


def writes(emulator, since: int = 0) -> list[dict]:
    return calls(emulator, "HandleSecurityEvents", since)


def sent_ids(entry: dict) -> list[int]:
    params = entry["params"]
    return [int(params["SecurityEventIds.%d" % index]) for index in range(1, len(params) + 1)
            if "SecurityEventIds.%d" % index in params]


def by_id(result: dict) -> dict:
    return {entry["id"]: entry for entry in result["results"]}


def action_counts(entries: list[dict]) -> dict:
    counts: dict = {}
    for entry in entries:
        counts[entry["action"]] = counts.get(entry["action"], 0) + 1
    return counts


def rules_on_wire(entry: dict) -> list:
    return json.loads(entry["params"]["MarkMissParam"])


# issue 9: the emulator plays the strictest reading of each ambiguity by default (SAS_EMULATOR_READINGS may
# change that for a whole run); a test that meets several at once takes both sets.
STRICTEST = {**readings.STRICTEST, "queue_ms": readings.DEFAULT_QUEUE_MS}
# The other reading of each (alert_type_vocabulary, throttle_code and server_error_status have more: their tests
# take each).
LENIENT = {"final_status": "processing", "kill_and_quara_sub_operations": "six", "mark_miss_param": "optional",
           "bad_id_in_batch": "drop", "status_call": "either", "id_lookup": "all", "queue_ms": 300,
           "throttle_code": "Rejected.Throttling", "server_error_status": "502", "suggested_sub_operation": "no",
           "empty_mark_miss_param": "clears", "note_refusal": "as_error", "member_alert_by_id": "found",
           "similar_empty_reads": 0}
