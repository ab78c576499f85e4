"""Start and stop the emulator as a real subprocess, for tests of anything that talks to it.

    from sas_emulator.testing import start_emulator
    with start_emulator("--alerts", "30", "--task-delay-ms", "100") as emu:
        client = Client(Config(access_key_id=emu.access_key_id, access_key_secret=emu.access_key_secret,
                               endpoint=emu.endpoint, protocol="http"))
        emu.set_faults([{"action": "*", "fault": "throttle", "times": 1}])
        emu.set_chaos(faults=[{"action": "*", "fault": "unavailable", "rate": 0.05}], event_failed_rate=0.02)
        new_ids = emu.add_alerts(3, level="serious")  # alerts arriving now, listed first
        ...
        emu.requests()  # parsed request-log lines
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

READY_RE = re.compile(r"^SAS emulator listening on (http://([^:/\s]+):(\d+))\s*$")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# Control-plane calls must never go through a proxy (the SDK's own proxy gotcha: it ignores NO_PROXY).
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


class EmulatorError(RuntimeError):
    """The emulator did not start or a control-plane call failed."""


def _option(args: tuple[str, ...], name: str, default: str | None = None) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def control_call(url: str, method: str, path: str, payload: Any = None) -> Any:
    """One control-plane call (/_emulator/...) of the emulator at url; EmulatorError if it refuses it."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"{url}/_emulator/{path.lstrip('/')}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with _NO_PROXY_OPENER.open(request, timeout=10) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise EmulatorError(f"{method} /_emulator/{path}: {exc.code} {detail}") from exc


class EmulatorHandle:
    """A running emulator process."""

    def __init__(self, process: subprocess.Popen[str], url: str, request_log_path: str, args: tuple[str, ...],
                 stderr_path: str, workdir: str | None = None) -> None:
        self.process = process
        self.workdir = workdir
        self.url = url
        match = READY_RE.match(f"SAS emulator listening on {url}")
        assert match is not None
        self.host, self.port = match.group(2), int(match.group(3))
        self.endpoint = f"{self.host}:{self.port}"
        self.request_log_path = request_log_path
        self.stderr_path = stderr_path
        self.access_key_id = _option(args, "--access-key-id", "testAK")
        self.access_key_secret = _option(args, "--access-key-secret", "testSecret")
        self.security_token = _option(args, "--security-token")

    # --- control plane -------------------------------------------------------------------------
    def control(self, method: str, path: str, payload: Any = None) -> Any:
        return control_call(self.url, method, path, payload)

    def set_faults(self, rules: list[dict[str, Any]]) -> Any:
        return self.control("POST", "faults", {"rules": rules})

    def clear_faults(self) -> Any:
        return self.control("DELETE", "faults")

    def set_tasks_stuck(self, stuck: bool = True, release: bool = False) -> Any:
        return self.control("POST", "tasks/stuck", {"stuck": stuck, "release": release})

    def alert(self, alert_id: int | str) -> dict[str, Any]:
        return self.control("GET", f"alerts/{alert_id}")

    def patch_alert(self, alert_id: int | str, **changes: Any) -> dict[str, Any]:
        return self.control("POST", f"alerts/{alert_id}", changes)

    def accounts(self) -> dict[str, Any]:
        """{"administrator": its account id, "members": the member account ids} (--members)."""
        return self.control("GET", "accounts")

    def hosts(self) -> list[dict[str, Any]]:
        return self.control("GET", "hosts")["hosts"]

    def set_agent_online(self, host_uuid: str, online: bool) -> dict[str, Any]:
        return self.control("POST", f"hosts/{host_uuid}", {"agent_online": online})

    def add_alerts(self, count: int = 1, **fields: Any) -> list[int]:
        """Alerts arriving now (POST /_emulator/alerts): ``count`` new pending alerts, listed first; fields are
        level, name_key and host_uuid, else drawn from the seeded sequence. Returns their ids."""
        return self.control("POST", "alerts", {"count": count, **fields})["ids"]

    def stats(self) -> dict[str, Any]:
        return self.control("GET", "stats")

    def configure(self, **settings: Any) -> dict[str, Any]:
        """latency_ms, task_delay_ms, qps, the chaos settings (jitter_ms, task_stuck_rate, event_failed_rate,
        agent_offline_rate), new_alerts_per_minute and the readings (readings.py), e.g.
        configure(status_call="either")."""
        return self.control("POST", "config", settings)

    def set_chaos(self, **settings: Any) -> dict[str, Any]:
        """POST /_emulator/chaos: faults (replace the rules), jitter_ms, the rates, console; answers as chaos().
        e.g. set_chaos(faults=[{"action": "*", "fault": "throttle", "rate": 0.1}], event_failed_rate=0.05)."""
        return self.control("POST", "chaos", settings)

    def chaos(self) -> dict[str, Any]:
        """The chaos now (GET /_emulator/chaos), as a body set_chaos accepts."""
        return self.control("GET", "chaos")

    def set_console(self, interval_ms: int, alerts: int = 1) -> dict[str, Any]:
        """Someone in the console handles ``alerts`` random pending alerts every interval_ms; 0 stops it."""
        return self.control("POST", "console", {"interval_ms": interval_ms, "alerts": alerts})

    def config(self) -> dict[str, Any]:
        """The settings and readings now (GET /_emulator/config)."""
        return self.control("GET", "config")

    def reset(self) -> Any:
        """Back to the start dataset and start chaos (reseeded; the console stops unless the command line started
        it); added alerts are gone, ids keep counting; clears faults, stats, QPS buckets (not the request log, not
        the rest of the config)."""
        return self.control("POST", "reset")

    # --- request log ---------------------------------------------------------------------------
    def requests(self) -> list[dict[str, Any]]:
        path = Path(self.request_log_path)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def stderr(self) -> str:
        path = Path(self.stderr_path)
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    # --- lifetime -------------------------------------------------------------------------------
    def stop(self, timeout: float = 10.0) -> int | None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.process.stdout:
            self.process.stdout.close()
        # The temporary directory goes unless it holds the request log, which callers may read after stop.
        if self.workdir and not Path(self.request_log_path).resolve().is_relative_to(Path(self.workdir).resolve()):
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.process.returncode

    def __enter__(self) -> EmulatorHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_emulator(*args: str | os.PathLike[str], env: dict[str, str] | None = None,
                   request_log: str | os.PathLike[str] | None = None, timeout: float = 20.0,
                   python: str | None = None) -> EmulatorHandle:
    """Start ``python -m sas_emulator --port 0 --request-log <file> *args`` and wait for the ready line.

    ``request_log`` (or ``--request-log`` in ``args``) picks the log file, else a temporary one;
    ``--port`` in ``args`` wins over 0. ``env`` is added to a copy of os.environ without proxy
    variables.
    """
    args = tuple(str(a) for a in args)
    workdir = tempfile.mkdtemp(prefix="sas-emulator-")
    command = [python or sys.executable, "-m", "sas_emulator"]
    if _option(args, "--port") is None:
        command += ["--port", "0"]
    log_path = _option(args, "--request-log")
    if log_path is None and request_log is not None:
        log_path = str(request_log)
        command += ["--request-log", log_path]
    if log_path is None:
        log_path = os.path.join(workdir, "requests.jsonl")
        command += ["--request-log", log_path]
    command += list(args)
    child_env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), child_env.get("PYTHONPATH")) if p)
    child_env["PYTHONUNBUFFERED"] = "1"
    child_env.update(env or {})
    stderr_path = os.path.join(workdir, "stderr.log")
    with open(stderr_path, "w", encoding="utf-8") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                   env=child_env, text=True, encoding="utf-8")
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(0.01, remaining))
        except queue.Empty:
            line = ""
        if line:
            match = READY_RE.match(line.strip())
            if match:
                return EmulatorHandle(process, match.group(1), log_path, args, stderr_path, workdir)
            continue
        if line is None or remaining <= 0:
            process.kill()
            process.wait()
            detail = Path(stderr_path).read_text(encoding="utf-8", errors="replace")
            raise EmulatorError(f"emulator did not start ({' '.join(command)}): {detail.strip()[-2000:]}")
