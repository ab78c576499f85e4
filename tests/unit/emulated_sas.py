# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SAS emulator in process (moto style), for unit tests of the module_utils logic.

    with emulated_sas(alerts=40, seed=7, task_delay_ms=0) as sas:     # or the `sas` fixture (conftest.py)
        first, second = sas.pick(2, op="block_ip", online=True)        # alerts from the deterministic data
        sas.patch_alert(first, process_alive=False)                    # or set up state through sas.backend
        sas.set_faults([{"action": "HandleSecurityEvents", "fault": "reset_after_commit"}])
        Handler(sas.connection, request, clock=..., sleep=...).run(False)
        sas.calls("HandleSecurityEvents")    # request-log entries: action, params (wire names), status, ...
        sas.alert(first)["status"]           # the backend's internal view

The emulator's real EmulatorServer serves on 127.0.0.1 (a free port) in a daemon thread, and
``.connection`` is a real SasConnection (SDK client, signing, retries with tiny delays) to it: the
unit tests and the end-to-end tests play against the one model of the service. Only loopback is
used; the SDK ignores NO_PROXY, so callers must drop the proxy variables (the fixtures do).
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ansible_collections.alibabacloud.sas.plugins.module_utils import connection as sas_connection  # noqa: E402
from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials  # noqa: E402
from ansible_collections.alibabacloud.sas.plugins.module_utils.retries import RetryPolicy  # noqa: E402
from sas_emulator import dataset as emulator_dataset  # noqa: E402
from sas_emulator.backend import AlertQuery  # noqa: E402
from sas_emulator.backend import HandleRequest as ServiceHandleRequest  # noqa: E402
from sas_emulator.server import EmulatorConfig, EmulatorServer  # noqa: E402
from sas_emulator.testing import control_call  # noqa: E402

ACCESS_KEY_ID = "testAK"
ACCESS_KEY_SECRET = "testSecret"

# Real attempts, tiny delays: a retried call costs milliseconds, not seconds.
FAST_RETRIES = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.005, max_elapsed=5.0)

# Wire statuses of an alert (SAS EventStatus), for tests' set-up and assertions.
PENDING, IGNORED, FALSE_POSITIVE, PROCESSING, HANDLED = 1, 2, 8, 16, 32


class _MemoryLog:
    """Stands in for the server's RequestLog: keeps every API call's record in memory."""

    def __init__(self) -> None:
        self._records: list[str] = []
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # the shape the log file has
        with self._lock:
            self._records.append(line)

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            lines = list(self._records)
        return [json.loads(line) for line in lines]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def close(self) -> None:
        pass


class EmulatedSas:
    """A running in-process emulator and a SasConnection to it."""

    def __init__(self, server: EmulatorServer, connection: sas_connection.SasConnection, log: _MemoryLog,
                 dataset: dict[str, Any]) -> None:
        self.server = server
        self.connection = connection
        self.backend = server.backend
        self.dataset = dataset
        self.url = server.url
        self._log = log
        self._hooks: list[list[Any]] = []
        dispatch = server.responses.dispatch

        def hooked(action: str, params: dict[str, str], request_id: str) -> dict[str, Any]:
            for hook in list(self._hooks):
                if hook[0] == action:
                    hook[2] -= 1
                    if hook[2] <= 0:
                        self._hooks.remove(hook)
                    hook[1](dict(params))
                    break
            return dispatch(action, params, request_id)

        server.responses.dispatch = hooked  # type: ignore[method-assign]

    # --- request log ----------------------------------------------------------------------
    def requests(self) -> list[dict[str, Any]]:
        """Every API call so far, oldest first: dicts with action, params (wire names), status,
        error_code, request_id, task_id, fault (like sas_emulator.testing.EmulatorHandle.requests())."""
        return self._log.records()

    def calls(self, action: str) -> list[dict[str, Any]]:
        return [record for record in self.requests() if record["action"] == action]

    def actions(self) -> list[str]:
        return [record["action"] for record in self.requests()]

    def clear_requests(self) -> None:
        self._log.clear()

    def writes(self) -> list[dict[str, Any]]:
        return self.calls("HandleSecurityEvents")

    def on_request(self, action: str, callback: Any, times: int = 1) -> None:
        """Run callback(params) in the server when the next ``times`` calls of action arrive, after the
        gateway checks and faults and before the service acts on them: the moment the call is made."""
        self._hooks.append([action, callback, times])

    # --- state ------------------------------------------------------------------------------
    def alert(self, alert_id: int | str) -> dict[str, Any]:
        """The backend's internal view of one alert (status, operate_error_code, tasks, ...)."""
        return self.backend.internal_view(int(alert_id))

    def status(self, alert_id: int | str) -> int:
        return self.alert(alert_id)["status"]

    def kept_rules(self, alert_id: int | str) -> list[dict[str, str]]:
        """The alert's whitelist rules now, as the MarkMissParam entries that keep them (uuid ALL or part)."""
        return [{"uuid": "ALL" if rule["uuid"] == "ALL" else "part", "field": rule["field"],
                 "operate": rule["operate"], "fieldValue": rule["value"]}
                for rule in self.alert(alert_id)["whitelist_rules"]]

    def alert_ids(self) -> list[int]:
        return sorted(self.backend.alerts)

    def pick(self, count: int = 1, *, status: int | None = PENDING, op: str | None = None,
             allowed: bool | None = True, online: bool | None = None, alive: bool | None = None,
             name: str | None = None, lacks: str | None = None, exclude: Any = ()) -> list[int]:
        """``count`` alert ids, lowest first, whose current state matches every condition given: status;
        op offered by DescribeSecurityEventOperations now; allowed: op not restricted (UserCanOperate);
        online: its host's agent is online (no host counts as offline); alive: its process runs;
        name: the emulator's name_key; lacks: an operation it does not offer now.
        Fails the test if the data has too few."""
        found = []
        for alert_id in self.alert_ids():
            view = self.alert(alert_id)
            if alert_id in exclude or (status is not None and view["status"] != status):
                continue
            if op is not None and (op not in view["offered_operations"]
                                   or (allowed is not None and (op in view["restricted_ops"]) == allowed)):
                continue
            if online is not None and bool(view["host"] and view["host"]["agent_online"]) != online:
                continue
            if alive is not None and view["process_alive"] != alive:
                continue
            if name is not None and view["name_key"] != name:
                continue
            if lacks is not None and lacks in view["offered_operations"]:
                continue
            found.append(alert_id)
            if len(found) == count:
                return found
        raise AssertionError(f"the emulator data has {len(found)} alerts, not {count}, with status={status} op={op} "
                             f"allowed={allowed} online={online} alive={alive} name={name}")

    def listing(self, dealed: str | None = None) -> list[int]:
        """Every alert id in the order DescribeSuspEvents lists them (Dealed N: pending; Y: handled, newest
        handled first), straight from the backend."""
        alerts, _total = self.backend.list_alerts(AlertQuery(dealed=dealed), 1, 10 ** 9)
        return [alert.id for alert in alerts]

    def unknown_id(self) -> int:
        """An id the service does not know."""
        return max(self.backend.alerts, default=0) + 1_000_000

    # --- control plane (the same validation as POST /_emulator/...) ------------------------------
    def control(self, method: str, path: str, payload: Any = None) -> Any:
        return control_call(self.url, method, path, payload)

    def set_faults(self, rules: list[dict[str, Any]]) -> Any:
        """Rules as for POST /_emulator/faults, e.g. {"action": "HandleSecurityEvents", "fault": "throttle",
        "times": 2}; faults: throttle, unavailable, internal_error, no_permission, drop, timeout (delay_ms),
        reset_after_commit, handled_elsewhere, vanish."""
        return self.control("POST", "faults", {"rules": rules})["rules"]

    def clear_faults(self) -> Any:
        return self.control("DELETE", "faults")

    def faults(self) -> list[dict[str, Any]]:
        """The rules not used up yet."""
        return self.control("GET", "faults")["rules"]

    def configure(self, **settings: Any) -> dict[str, Any]:
        """latency_ms, task_delay_ms, qps."""
        return self.control("POST", "config", settings)

    def set_tasks_stuck(self, stuck: bool = True, release: bool = False) -> None:
        self.backend.set_tasks_stuck(stuck, release=release)

    def patch_alert(self, alert_id: int | str, **changes: Any) -> dict[str, Any]:
        """process_alive, status, restricted_ops, level."""
        self.backend.patch_alert(int(alert_id), changes)
        return self.alert(alert_id)

    def handle_elsewhere(self, operation: str, alert_ids: list[int], params: dict[str, Any] | None = None) -> int:
        """Handle alerts as the console would meanwhile (a task of the backend, no API call); the task id."""
        task = self.backend.handle(ServiceHandleRequest(operation, [int(i) for i in alert_ids], dict(params or {}),
                                                        None, None))
        return task.id

    def set_agent_online(self, host_uuid: str, online: bool) -> None:
        self.backend.set_host(host_uuid, agent_online=online)

    def stats(self) -> dict[str, Any]:
        return self.server.stats.snapshot()


def sent_ids(record: dict[str, Any]) -> list[int]:
    """The alert ids of one logged HandleSecurityEvents or DescribeSecurityEventOperationStatus call."""
    params = record["params"]
    ids, index = [], 1
    while "SecurityEventIds.%d" % index in params:
        ids.append(int(params["SecurityEventIds.%d" % index]))
        index += 1
    return ids


def connect_to(url: str, policy: RetryPolicy | None = None, read_timeout: float = 5.0,
               rate_limit: float = 0.0) -> sas_connection.SasConnection:
    """A real SasConnection to an emulator at url, the way module.py builds one."""
    source = credentials.resolve({"access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET}, environ={})
    return sas_connection.connect(url, None, credentials.sdk_config_kwargs(source), connect_timeout=2.0,
                                  read_timeout=read_timeout, validate_certs=True, policy=policy or FAST_RETRIES,
                                  secrets=source.secrets, rate_limit=rate_limit)


@contextlib.contextmanager
def emulated_sas(alerts: int = 40, seed: int = 7, task_delay_ms: int = 0, qps: float = 0,
                 dataset: dict[str, Any] | None = None, *, policy: RetryPolicy | None = None,
                 read_timeout: float = 5.0, **config: Any) -> Iterator[EmulatedSas]:
    """Start the emulator in a thread and yield an EmulatedSas; ``config`` goes to EmulatorConfig
    (latency_ms, security_token, ...). ``policy``/``read_timeout`` shape the SasConnection."""
    data = dataset if dataset is not None else emulator_dataset.generate(seed=seed, alerts=alerts)
    emulator_config = EmulatorConfig(host="127.0.0.1", port=0, access_key_id=ACCESS_KEY_ID,
                                     access_key_secret=ACCESS_KEY_SECRET, task_delay_ms=task_delay_ms, qps=qps,
                                     **config)
    server = EmulatorServer(emulator_config, data)
    log = _MemoryLog()
    server.request_log = log
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              name="sas-emulator", daemon=True)
    thread.start()
    try:
        connection = connect_to(server.url, policy=policy, read_timeout=read_timeout)
        yield EmulatedSas(server, connection, log, data)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
