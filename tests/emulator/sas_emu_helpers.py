"""Helpers shared by the emulator tests (a module of its own so test files can import it)."""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_sas20181203.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_openapi.utils import Utils

from sas_emulator import catalog
from sas_emulator.testing import EmulatorHandle

REPO_ROOT = Path(__file__).resolve().parents[2]
# The alert ids each task of handle() was sent with: the status call needs both (reading status_call).
TASK_ALERT_IDS: dict[int, list[str]] = {}


def zh_type(type_en: str) -> str:
    """The zh name of an alert type: ParentEventTypes matches zh names only by default."""
    return next(t.zh for t in catalog.ALERT_TYPES.values() if t.en == type_en)


class SpyClient:
    """The real SDK client; remembers the raw JSON body of each answer (before from_map)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.raw_bodies: list[dict[str, Any]] = []
        original = client.call_api

        def call_api(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.raw_bodies.append(copy.deepcopy(result["body"]))
            return result

        client.call_api = call_api  # type: ignore[method-assign]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    @property
    def last_raw(self) -> dict[str, Any]:
        return self.raw_bodies[-1]


def client_error(call: Any) -> ClientException:
    """The ClientException (a 4xx answer) that call() raises; fails the test if it raises none."""
    try:
        call()
    except ClientException as error:
        return error
    raise AssertionError("the call was not refused")


def make_client(emu: EmulatorHandle, **overrides: Any) -> SpyClient:
    settings = {"access_key_id": emu.access_key_id, "access_key_secret": emu.access_key_secret,
                "endpoint": emu.endpoint, "protocol": "http", "read_timeout": 10000, "connect_timeout": 3000}
    settings.update(overrides)
    return SpyClient(Client(Config(**settings)))


def list_alerts(client: SpyClient, **kwargs: Any) -> list[dict[str, Any]]:
    """Every alert matching the filters, through the SDK (all pages)."""
    alerts, page = [], 1
    while True:
        request = sas_models.DescribeSuspEventsRequest(current_page=str(page), page_size="100", **kwargs)
        body = client.describe_susp_events(request).body
        alerts += [e.to_map() for e in body.susp_events]
        if page * 100 >= body.total_count:
            return alerts
        page += 1


def find_pending(client: SpyClient, name_en: str | None = None, type_en: str | None = None,
                 with_op: str | None = None) -> list[dict[str, Any]]:
    """Pending alerts by (English) alert name or type, optionally offering an operation."""
    kwargs: dict[str, Any] = {"lang": "en", "dealed": "N"}
    if name_en:
        kwargs["event_names"] = name_en
    if type_en:
        kwargs["parent_event_types"] = zh_type(type_en)
    found = list_alerts(client, **kwargs)
    if with_op:
        found = [a for a in found if with_op in offered(client, a["Id"])]
    return found


def offered(client: SpyClient, alert_id: int) -> dict[str, dict[str, Any]]:
    request = sas_models.DescribeSecurityEventOperationsRequest(security_event_id=alert_id, lang="en")
    body = client.describe_security_event_operations(request).body
    return {op.operation_code: op.to_map() for op in body.security_event_operations_response}


def task_status(client: SpyClient, task_id: int, ids: list[Any] | None = None) -> Any:
    """DescribeSecurityEventOperationStatus with TaskId and SecurityEventIds (the ids handle() sent)."""
    ids = [str(i) for i in ids] if ids is not None else TASK_ALERT_IDS[task_id]
    request = sas_models.DescribeSecurityEventOperationStatusRequest(task_id=task_id, security_event_ids=ids)
    return client.describe_security_event_operation_status(request).body.security_event_operation_status_response


def wait_task(client: SpyClient, task_id: int, timeout: float = 5.0, ids: list[Any] | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        status = task_status(client, task_id, ids)
        if status.task_status not in ("Pending", "Processing") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def handle(client: SpyClient, operation: str, ids: list[Any], params: dict[str, Any] | None = None,
           **kwargs: Any) -> int:
    request = sas_models.HandleSecurityEventsRequest(
        operation_code=operation, security_event_ids=[str(i) for i in ids],
        operation_params=json.dumps(params if params is not None else {}), **kwargs)
    task_id = client.handle_security_events(request).body.handle_security_events_response.task_id
    TASK_ALERT_IDS[task_id] = [str(i) for i in ids]
    return task_id


def raw_call(emu: EmulatorHandle, action: str, query: dict[str, str] | None = None, *,
             secret: str | None = None, access_key_id: str | None = None, body: bytes = b"",
             header_overrides: dict[str, str | None] | None = None, sign: bool = True,
             algorithm: str = "ACS3-HMAC-SHA256") -> tuple[int, dict[str, str], bytes]:
    """A hand-built request signed by the SDK's own signer (Utils.get_authorization)."""
    query = dict(query or {})
    headers: dict[str, str] = {
        "host": emu.endpoint, "x-acs-version": "2018-12-03", "x-acs-action": action,
        "user-agent": "emulator-tests", "x-acs-date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": os.urandom(16).hex(), "accept": "application/json",
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    for name, value in (header_overrides or {}).items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    if sign:
        request = SimpleNamespace(pathname="/", method="POST", query=query, headers=headers)
        headers["Authorization"] = Utils.get_authorization(
            request, "ACS3-HMAC-SHA256", hashlib.sha256(body).hexdigest(),
            access_key_id or emu.access_key_id, secret or emu.access_key_secret)
        if algorithm != "ACS3-HMAC-SHA256":
            headers["Authorization"] = headers["Authorization"].replace("ACS3-HMAC-SHA256", algorithm, 1)
    connection = http.client.HTTPConnection(emu.host, emu.port, timeout=10)
    try:
        connection.request("POST", "/?" + urlencode(query) if query else "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """``python -m sas_emulator *args`` to its end, without proxy variables."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run([sys.executable, "-m", "sas_emulator", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)
