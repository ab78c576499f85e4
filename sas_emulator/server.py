"""HTTP front of the emulator: POP request handling (version, action, signature, QPS, faults),
the request log, injected latency, chaos (faults at a rate, jitter; chaos.py holds the rest), alerts arriving
at a rate (arrivals.py) and the unsigned loopback-only control plane under /_emulator/.

The SDK keeps HTTP/1.1 keep-alive sessions per host:port [SDK], so the server is a
ThreadingHTTPServer speaking HTTP/1.1 and always sends Content-Length.

Teams run it on their own machines, where anything else may talk to it, so it is bounded: a body is at most
MAX_BODY_BYTES and is read only once the headers pass every check they allow, at most max_connections
connections hold a thread, a request must arrive within request_timeout_s, and the control plane answers
neither other hosts nor web pages in the user's browser (cross-site requests, DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from . import constants as C
from .arrivals import arrival_period_s, check_new_alerts_per_minute, parse_new_alerts_body
from .backend import SasBackend
from .chaos import (
    CHAOS_SETTINGS,
    Chaos,
    ChaosSettings,
    ConsoleHand,
    Repeater,
    check_chaos_setting,
    check_console,
    check_fault_rate,
)
from .exceptions import (
    InternalError,
    InvalidActionNotFound,
    InvalidSignatureMethod,
    InvalidVersion,
    MissingParameter,
    NoPermission,
    SasError,
    ServiceError,
    ServiceUnavailable,
    ThrottlingUser,
)
from .readings import READING_NAMES, THROTTLE_MESSAGES, Readings, check_reading
from .responses import SasResponses, error_body, new_request_id, refusal_body
from .signing import Credentials, Verifier
from .values import is_count, is_number

CONTROL_PREFIX = "/_emulator/"
FAULT_THROTTLE = "throttle"
FAULT_UNAVAILABLE = "unavailable"
FAULT_INTERNAL_ERROR = "internal_error"
FAULT_NO_PERMISSION = "no_permission"
FAULT_DROP = "drop"
FAULT_TIMEOUT = "timeout"
FAULT_RESET_AFTER_COMMIT = "reset_after_commit"
# Races: someone else acts on the call's first alert just before the call is processed.
FAULT_HANDLED_ELSEWHERE = "handled_elsewhere"  # handled from the console meanwhile (status 32)
FAULT_VANISH = "vanish"                        # gone from the service meanwhile
FAULT_RESTRICTED = "restricted"                # the edition stops allowing the call's operation on it
RACE_FAULTS = (FAULT_HANDLED_ELSEWHERE, FAULT_VANISH, FAULT_RESTRICTED)
FAULTS = (FAULT_THROTTLE, FAULT_UNAVAILABLE, FAULT_INTERNAL_ERROR, FAULT_NO_PERMISSION, FAULT_DROP, FAULT_TIMEOUT,
          FAULT_RESET_AFTER_COMMIT, *RACE_FAULTS)
# Where a call names its alerts, first one first.
ALERT_ID_PARAMS = ("SecurityEventIds.1", "SecurityEventId", "SuspiciousEventId", "Id", "EventId")
ERROR_FAULTS: dict[str, type[SasError]] = {
    FAULT_THROTTLE: ThrottlingUser,
    FAULT_UNAVAILABLE: ServiceUnavailable,
    FAULT_INTERNAL_ERROR: InternalError,
    FAULT_NO_PERMISSION: NoPermission,
}
DEFAULT_TIMEOUT_FAULT_MS = 30_000
# Never written to the request log (legacy RPC carries them in the query string).
SECRET_PARAMS = frozenset({"Signature", "SecurityToken", "AccessKeySecret"})
# The SDK sends these APIs' parameters in the query; a body holds a form field or two (DescribeSuspEvents'
# TacticId) [SDK]. Control-plane bodies are small JSON objects.
MAX_BODY_BYTES = 1 << 20
# What a control call's Sec-Fetch-Site may say: a request of a page of the emulator itself, or typed by hand.
OWN_FETCH_SITES = ("same-origin", "none")


def refused_in_body(action: str, error: SasError, readings: Readings) -> bool:
    """Whether error is answered as a 200 body with Success false (reading note_refusal): CreateSuspEventNote's
    refusals by the service itself; the gateway's (signature, parameters, throttling, 5xx) stay error answers."""
    return (action == C.ACTION_CREATE_SUSP_EVENT_NOTE and readings.note_refusal == "in_body"
            and isinstance(error, ServiceError))


def as_played(error: SasError, readings: Readings) -> SasError:
    """error as the readings play it: a throttled call (the quota, the throttle fault) with the code and message of
    throttle_code, ServiceUnavailable (the unavailable fault) with the HTTP status of server_error_status."""
    if isinstance(error, ThrottlingUser):
        error.code, error.message = readings.throttle_code, THROTTLE_MESSAGES[readings.throttle_code]
    elif isinstance(error, ServiceUnavailable):
        error.status = int(readings.server_error_status)
    return error


@dataclass
class FaultRule:
    action: str
    fault: str
    times: int | None = 1  # None for a rule with a rate
    rate: float | None = None  # fires on each matching call with this probability, never used up
    retry_after_ms: int | None = None
    delay_ms: int | None = None  # timeout fault only: how long to hold the answer

    @classmethod
    def parse(cls, raw: Any) -> FaultRule:
        if not isinstance(raw, dict):
            raise ValueError("each rule must be an object")
        action, fault = raw.get("action", "*"), raw.get("fault")
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)}")
        if action != "*" and action not in C.SUPPORTED_ACTIONS:
            raise ValueError(f"action must be '*' or one of {', '.join(C.SUPPORTED_ACTIONS)}")
        rate = raw.get("rate")
        if rate is not None and raw.get("times") is not None:
            raise ValueError("give rate or times, not both: rate fires on each matching call with that "
                             "probability; times fails the next N matching calls")
        times = None if rate is not None else raw.get("times", 1)
        retry_after = raw.get("retry_after_ms")
        delay = raw.get("delay_ms")
        for name, value in (("times", times), ("retry_after_ms", retry_after), ("delay_ms", delay)):
            if value is not None and (not is_count(value) or value < 0):
                raise ValueError(f"{name} must be a non-negative integer")
        return cls(action, fault, times, None if rate is None else check_fault_rate(rate), retry_after, delay)

    @property
    def live(self) -> bool:
        return self.rate is not None or (self.times or 0) > 0


def parse_fault_rules(rules: Any, field_name: str) -> list[FaultRule]:
    """A list of fault rules; a ValueError names the field and the rule's index."""
    if not isinstance(rules, list):
        raise ValueError(f"{field_name} must be a list of fault rules")
    parsed = []
    for index, raw in enumerate(rules):
        try:
            parsed.append(FaultRule.parse(raw))
        except ValueError as exc:
            raise ValueError(f"{field_name}[{index}]: {exc}") from None
    return parsed


class FaultInjector:
    """Matching calls fail as asked (POST /_emulator/faults): the next N of them, or each with a probability
    drawn by ``fires`` (the seeded chaos randomness). Rules are tried in order; at most one fault per call."""

    def __init__(self, fires: Callable[[float], bool]) -> None:
        self._fires = fires
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules.extend(r for r in rules if r.live)

    def replace(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules = [r for r in rules if r.live]

    def clear(self) -> None:
        self.replace([])

    def take(self, action: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.action not in ("*", action):
                    continue
                if rule.rate is not None:
                    if self._fires(rule.rate):
                        return rule
                    continue
                rule.times = (rule.times or 0) - 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                return rule
            return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]


class TokenBuckets:
    """Per-action token bucket (the real quota is per API per account)."""

    def __init__(self, qps: float, clock=time.monotonic) -> None:
        self.qps = qps
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, action: str) -> bool:
        if self.qps <= 0:
            return True
        capacity = max(1.0, float(self.qps))  # a burst of at least one call, even below 1 QPS
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(action, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * self.qps)
            if tokens < 1.0:
                self._buckets[action] = (tokens, now)
                return False
            self._buckets[action] = (tokens - 1.0, now)
            return True

    def reset(self, qps: float | None = None) -> None:
        with self._lock:
            if qps is not None:
                self.qps = qps
            self._buckets.clear()


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class RequestLogError(Exception):
    """The request log cannot be opened; the message says why (a missing directory, a directory, ...)."""


class RequestLog:
    """One JSON line per API call, flushed at once; never headers, secrets or tokens."""

    def __init__(self, path: str | None) -> None:
        self._file = self._open(path) if path else None
        self._lock = threading.Lock()

    @staticmethod
    def _open(path: str) -> TextIO:
        try:
            return open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        except FileNotFoundError:
            raise RequestLogError(f"cannot create {path}: no directory {os.path.dirname(path) or '.'}") from None
        except OSError as exc:
            raise RequestLogError(f"cannot append to {path}: {exc.strerror}") from None

    def write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            return
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            with self._lock:
                self._file.close()
                self._file = None


@dataclass
class Stats:
    calls: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: dict[str, dict[str, int]] = field(default_factory=dict)
    faults: dict[str, dict[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, action: str, status: int, error_code: str | None, fault: str | None) -> None:
        with self.lock:
            self.calls[action] = self.calls.get(action, 0) + 1
            by_status = self.statuses.setdefault(action, {})
            by_status[str(status)] = by_status.get(str(status), 0) + 1
            if error_code:
                by_code = self.errors.setdefault(action, {})
                by_code[error_code] = by_code.get(error_code, 0) + 1
            if fault:
                by_fault = self.faults.setdefault(action, {})
                by_fault[fault] = by_fault.get(fault, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"total": sum(self.calls.values()), "calls": dict(self.calls),
                    "statuses": json.loads(json.dumps(self.statuses)), "errors": json.loads(json.dumps(self.errors)),
                    "faults": json.loads(json.dumps(self.faults))}

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()
            self.statuses.clear()
            self.errors.clear()
            self.faults.clear()


# Settings POST /_emulator/config changes besides the readings and the chaos settings (non-negative numbers).
RUNTIME_SETTINGS = ("latency_ms", "task_delay_ms", "qps")
# Alerts added every minute by a thread (arrivals.py); 0 is off.
ARRIVAL_SETTING = "new_alerts_per_minute"
CHAOS_FIELDS = ("faults", *CHAOS_SETTINGS, "console")


@dataclass
class ChaosPlan:
    """A --chaos / POST /_emulator/chaos body, checked whole before any of it applies; None: left as it is."""

    faults: list[FaultRule] | None = None  # replace the rules
    settings: dict[str, Any] = field(default_factory=dict)
    console: tuple[int, int] | None = None  # (interval_ms, alerts); (0, 0) stops it

    @classmethod
    def parse(cls, body: Any) -> ChaosPlan:
        if not isinstance(body, dict):
            raise ValueError(f"chaos must be a JSON object with the fields {', '.join(CHAOS_FIELDS)}")
        for name in body:
            if name not in CHAOS_FIELDS:
                raise ValueError(f"unknown chaos field {name!r}; the fields are {', '.join(CHAOS_FIELDS)}")
        plan = cls(settings={name: check_chaos_setting(name, body[name]) for name in CHAOS_SETTINGS if name in body})
        if "faults" in body:
            plan.faults = parse_fault_rules(body["faults"], "faults")
        if "console" in body:
            plan.console = check_console(body["console"])
        return plan


@dataclass
class EmulatorConfig(ChaosSettings, Readings):
    """Server settings, the chaos settings (chaos.py) and the readings (readings.py); the last two are
    keyword-only fields, checked at construction."""

    host: str = "127.0.0.1"
    port: int = 18080
    access_key_id: str = "testAK"
    access_key_secret: str = "testSecret"
    security_token: str | None = None
    latency_ms: int = 0
    task_delay_ms: int = 1000
    qps: float = 0
    request_log: str | None = None
    verbose: bool = False
    seed: int = 1  # of the chaos randomness and the arriving alerts (the CLI passes the data set's seed)
    new_alerts_per_minute: float = 0.0
    # Connections served at once, a thread each (an idle keep-alive connection too); more wait to be accepted.
    # Above what a rehearsal opens: a module keeps at most 32 calls in flight, the SDK pools 40 per host.
    max_connections: int = 128
    # The time a connection has to deliver each whole request (line, headers, body) from the end of the
    # previous answer, and to take each part of an answer: the keep-alive idle time, and the end of a client
    # that trickles its request (slowloris).
    request_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        Readings.__post_init__(self)
        ChaosSettings.__post_init__(self)
        self.new_alerts_per_minute = check_new_alerts_per_minute(self.new_alerts_per_minute)
        if not is_count(self.max_connections) or self.max_connections < 1:
            raise ValueError("max_connections must be an integer >= 1")
        if not is_number(self.request_timeout_s) or not 0 < self.request_timeout_s < math.inf:
            raise ValueError("request_timeout_s must be a number of seconds above 0")


class TimedConnection(socket.socket):
    """An accepted connection whose reads of one request share a deadline, so a client that trickles its
    request a byte at a time is cut off when the deadline passes, not only when it goes quiet."""

    patience_s: float  # EmulatorConfig.request_timeout_s
    _deadline: float | None = None

    @classmethod
    def adopt(cls, accepted: socket.socket, patience_s: float) -> TimedConnection:
        connection = cls(fileno=accepted.detach())
        connection.patience_s = patience_s
        connection.settimeout(patience_s)
        return connection

    def await_request(self) -> None:
        self._deadline = time.monotonic() + self.patience_s

    def request_received(self) -> None:
        self._deadline = None
        self.settimeout(self.patience_s)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        if self._deadline is not None:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.settimeout(remaining)
        return super().recv_into(buffer, nbytes, flags)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # a held "timeout" answer must not block shutdown
    allow_reuse_address = True
    request_queue_size = 128  # the listen backlog, where connections beyond max_connections wait

    def __init__(self, config: EmulatorConfig, dataset: dict[str, Any], chaos: ChaosPlan | None = None) -> None:
        """``chaos`` is the chaos to start with, and to return to on reset (besides what config holds)."""
        self.config = config
        self.chaos = Chaos(config, seed=config.seed)
        self.backend = SasBackend(dataset, task_delay_ms=config.task_delay_ms, readings=config, chaos=self.chaos)
        self.responses = SasResponses(self.backend)
        self.verifier = Verifier(Credentials(config.access_key_id, config.access_key_secret, config.security_token))
        self.faults = FaultInjector(self.chaos.fault_fires)
        self.console = ConsoleHand(self.backend.console_handles)
        self.arrivals = Repeater("sas-emulator-arrivals")
        self.buckets = TokenBuckets(config.qps)
        self.request_log = RequestLog(config.request_log)
        self.stats = Stats()
        self._slots = threading.BoundedSemaphore(config.max_connections)
        self._closing = threading.Event()
        super().__init__((config.host, config.port), RequestHandler)
        self.set_chaos(chaos or ChaosPlan())  # once bound: a failed bind leaves no console thread behind
        self._start_chaos = self.chaos_body()
        self.start_arrivals()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def set_chaos(self, plan: ChaosPlan) -> None:
        if plan.faults is not None:
            self.faults.replace(plan.faults)
        for name, value in plan.settings.items():
            setattr(self.config, name, value)  # the Chaos object reads its rates from this config
        if plan.console is not None:
            self.console.start(*plan.console)

    def chaos_body(self) -> dict[str, Any]:
        """The chaos now, as a body POST /_emulator/chaos accepts."""
        return {"faults": self.faults.snapshot(), **self.config.chaos_settings(), "console": self.console.settings()}

    def start_arrivals(self) -> None:
        """(Re)start the thread adding one alert every 60/N seconds, N = config.new_alerts_per_minute (0: none)."""
        self.arrivals.start(arrival_period_s(self.config.new_alerts_per_minute), self.backend.add_alerts)

    def reset(self) -> None:
        """Back to the loaded data set and to the chaos the server started with, reseeded; stats cleared.
        The readings and the rest of the config stay, new_alerts_per_minute too: alerts go on arriving."""
        self.console.stop()  # first: no console tick or arrival between the reset and the reseed
        self.arrivals.stop()
        self.backend.reset()
        self.buckets.reset()
        self.stats.clear()
        self.chaos.reset()
        self.set_chaos(ChaosPlan.parse(self._start_chaos))
        self.start_arrivals()

    def names_this_server(self, authority: str) -> bool:
        """A Host header naming this server by a loopback name or address or the address it listens on: what
        a page whose DNS name was pointed at 127.0.0.1 (DNS rebinding) cannot send."""
        try:
            name = urlsplit("//" + authority).hostname
        except ValueError:
            return False
        return name is not None and (name in ("localhost", self.server_address[0]) or is_loopback(name))

    # --- connections: accepted one at a time, at most max_connections served at once --------------
    def get_request(self) -> tuple[TimedConnection, Any]:
        accepted, address = super().get_request()
        return TimedConnection.adopt(accepted, self.config.request_timeout_s), address

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start the connection's thread once a slot is free; meanwhile nothing else is accepted, so the
        connections beyond max_connections wait in the listen backlog, holding no thread."""
        while not self._slots.acquire(timeout=0.2):
            if self._closing.is_set():
                self.shutdown_request(request)
                return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._closing.set()  # stop waiting for a slot
        super().shutdown()

    def server_close(self) -> None:
        self.console.stop()
        self.arrivals.stop()
        super().server_close()
        self.request_log.close()


class _Dropped(Exception):
    """Close the connection without an answer."""


class _Refusal(Exception):
    """A request refused before its body is read: an HTTP status and why (never a request value)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorServer
    connection: TimedConnection
    timeout = None  # the TimedConnection keeps the time (EmulatorConfig.request_timeout_s)
    # Headers and body go out in two writes; with Nagle on, keep-alive clients wait ~40 ms per call.
    disable_nagle_algorithm = True
    _unread = 0  # bytes of the request's body not read yet

    # --- plumbing -----------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.config.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def handle_one_request(self) -> None:
        self.connection.await_request()
        super().handle_one_request()

    def handle_expect_100(self) -> bool:
        # A body refused before the client sends it (curl asks first for bodies over 1 MiB).
        try:
            self._body_length()
        except _Refusal as refusal:
            self._refuse_unframed(refusal)
            return False
        return super().handle_expect_100()

    def _body_length(self) -> int:
        """The length the headers declare, checked before any of the body is read."""
        if "Transfer-Encoding" in self.headers:
            raise _Refusal(411, "send the body with a Content-Length: this emulator reads no chunked body")
        declared = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if not declared:
            return 0
        text = min(declared)
        if len(declared) > 1 or not (text.isascii() and text.isdigit()):
            raise _Refusal(400, "Content-Length must be one non-negative integer")
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(MAX_BODY_BYTES)) or int(digits) > MAX_BODY_BYTES:
            raise _Refusal(413, f"the body may hold at most {MAX_BODY_BYTES} bytes")
        return int(digits)

    def _refuse_unframed(self, refusal: _Refusal) -> None:
        self.close_connection = True  # where its body ends is unknown, so no next request can be read
        self._send_json(refusal.status, {"error": refusal.reason})

    def _read_body(self) -> bytes:
        try:
            body = self.rfile.read(self._unread) if self._unread else b""
        except OSError:  # it did not arrive in time, or the client went: no answer is owed
            raise _Dropped() from None
        self._unread = 0
        self.connection.request_received()
        return body

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self.send_response(status)
            if self.close_connection or self._unread:  # a body left unread would be read as the next request
                self.send_header("Connection", "close")
            self.send_header("Content-Type", C.JSON_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. read timeout)
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._route("POST")

    def do_GET(self) -> None:  # noqa: N802
        self._route("GET")

    def do_DELETE(self) -> None:  # noqa: N802
        self._route("DELETE")

    def do_PUT(self) -> None:  # noqa: N802
        self._route("PUT")

    def _route(self, method: str) -> None:
        try:
            self._unread = self._body_length()
        except _Refusal as refusal:
            self._refuse_unframed(refusal)
            return
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._control(method, path)
        else:
            self._api(method)

    # --- the API ------------------------------------------------------------------------------
    def _api(self, method: str) -> None:
        server = self.server
        request_id = new_request_id()
        split = urlsplit(self.path)
        query = parse_qsl(split.query, keep_blank_values=True, errors="replace")
        params = dict(query)
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        action = (headers.get("x-acs-action") or [params.get("Action", "")])[-1].strip()
        record: dict[str, Any] = {
            "ts": time.time(), "action": action, "params": loggable(params),
            "status": 0, "error_code": None, "request_id": request_id, "task_id": None, "fault": None,
        }
        status, response, extra_headers, fault, hold_s = 200, None, {}, None, 0.0
        try:
            self._check_gateway(method, split.path, headers, params, action)
            body = self._read_body()  # only now: an unsigned body is never read
            params.update(self._form_params(body))
            record["params"] = loggable(params)
            server.verifier.verify(method, split.path, query, headers, body)
            if not server.buckets.allow(action):
                raise ThrottlingUser()
            fault = self._take_fault(action)
            if fault is not None:
                record["fault"] = fault.fault
                if fault.fault == FAULT_DROP:
                    raise _Dropped()
                if fault.fault in ERROR_FAULTS:
                    retry = {"x-acs-retry-after": str(fault.retry_after_ms)} if fault.retry_after_ms else None
                    raise ERROR_FAULTS[fault.fault](headers=retry)
                if fault.fault in RACE_FAULTS:
                    self._race(fault.fault, params)
            response = server.responses.dispatch(action, params, request_id)
            task = response.get("HandleSecurityEventsResponse", {}).get("TaskId")
            record["task_id"] = task
            if fault is not None and fault.fault == FAULT_RESET_AFTER_COMMIT:
                raise _Dropped()  # the work is done, the answer is lost
            if fault is not None and fault.fault == FAULT_TIMEOUT:
                # The work is done (and logged) at once; only the answer comes too late.
                hold_s = (fault.delay_ms if fault.delay_ms is not None else DEFAULT_TIMEOUT_FAULT_MS) / 1000
        except _Dropped:
            self._finish_record(record, 0)
            self._drop()
            return
        except SasError as exc:
            exc = as_played(exc, server.config)
            if refused_in_body(action, exc, server.config):
                response = refusal_body(exc, request_id)  # status stays 200
            else:
                status, response, extra_headers = exc.status, error_body(exc, request_id), exc.headers
            record["error_code"] = exc.code
        except Exception as exc:  # a bug in the emulator must still answer like the service would
            sys.stderr.write(f"sas_emulator: internal error on {action}: {exc!r}\n")
            err = InternalError()
            status, response, extra_headers = err.status, error_body(err, request_id), {}
            record["error_code"] = err.code
        self._finish_record(record, status)
        delay = hold_s + server.config.latency_ms / 1000 + server.chaos.jitter_s()
        if delay > 0:
            time.sleep(delay)
        self._send_json(status, response, {"x-acs-request-id": request_id, **extra_headers})

    def _take_fault(self, action: str) -> FaultRule | None:
        fault = self.server.faults.take(action)
        if fault is not None and fault.rate is not None:
            self.server.chaos.stats.count_fault(fault.fault)
        return fault

    def _race(self, fault: str, params: dict[str, str]) -> None:
        """What another hand does to the call's first alert just before the service reads it."""
        alert_id = next((params[name] for name in ALERT_ID_PARAMS if params.get(name, "").isdigit()), None)
        if alert_id is None:
            return
        backend = self.server.backend
        try:
            if fault == FAULT_VANISH:
                backend.remove_alert(int(alert_id))
            elif fault == FAULT_RESTRICTED:
                restricted = backend.internal_view(int(alert_id))["restricted_ops"]
                operation = params.get("OperationCode")
                added = [operation] if operation else []
                backend.patch_alert(int(alert_id), {"restricted_ops": [*restricted, *added]})
            else:
                backend.patch_alert(int(alert_id), {"status": C.STATUS_HANDLED})
        except KeyError:
            pass  # not an alert of this data set: nothing to race with

    def _finish_record(self, record: dict[str, Any], status: int) -> None:
        record["status"] = status
        self.server.request_log.write(record)
        self.server.stats.record(record["action"] or "(none)", status, record["error_code"], record["fault"])

    def _form_params(self, body: bytes) -> list[tuple[str, str]]:
        if not body or self.headers.get_content_type() != "application/x-www-form-urlencoded":
            return []
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)

    def _check_gateway(self, method: str, path: str, headers: dict[str, list[str]], params: dict[str, str],
                       action: str) -> None:
        """What the POP gateway can check from the headers and the query, before the body is read (the
        signature with the body and the quota come after). Action and Version: the x-acs-* headers or the query."""
        if "Signature" in params and "authorization" not in headers:
            raise InvalidSignatureMethod("Legacy RPC signatures (Signature=..., HMAC-SHA1) are not supported by this "
                                         f"emulator; use the default {C.SIGNATURE_ALGORITHM} signer.")
        version = (headers.get("x-acs-version") or [params.get("Version", "")])[-1].strip()
        if not version:
            raise MissingParameter("Version")
        if version != C.API_VERSION:
            raise InvalidVersion(f"Sas supports {C.API_VERSION}, got {version!r}.")
        if not action:
            raise MissingParameter("Action")
        if action not in C.SUPPORTED_ACTIONS or path != "/" or method not in ("POST", "GET"):
            raise InvalidActionNotFound()
        # Signed by a known key, as far as the headers tell; Verifier.verify checks the signature with the body.
        self.server.verifier.credential(headers)

    # --- the control plane ----------------------------------------------------------------------
    def _control(self, method: str, path: str) -> None:
        try:
            self._check_control(method)
        except _Refusal as refusal:
            self._send_json(refusal.status, {"error": refusal.reason})
            return
        try:
            raw = self._read_body()
        except _Dropped:
            self._drop()
            return
        try:
            payload = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            self._send_json(400, {"error": f"body is not JSON: {exc}"})
            return
        parts = [p for p in path[len(CONTROL_PREFIX):].split("/") if p]
        try:
            status, body = self._control_route(method, parts, payload)
        except (ValueError, TypeError) as exc:
            status, body = 400, {"error": str(exc)}
        except KeyError as exc:
            status, body = 404, {"error": f"not found: {exc}"}
        self._send_json(status, body)

    def _check_control(self, method: str) -> None:
        """Only the user's own tools on this machine drive the emulator, never a web page in their browser:
        a page may POST text/plain across sites without a CORS preflight (CSRF), or point its DNS name at
        127.0.0.1 and call the emulator as its own origin (DNS rebinding). Checked before the body is read."""
        if not is_loopback(self.client_address[0]):
            raise _Refusal(403, "the control plane answers loopback clients only")
        host = self.headers.get("Host", "")
        if not self.server.names_this_server(host):
            raise _Refusal(403, "the Host header must name the emulator by a loopback name or address "
                                "(localhost, 127.0.0.1) or the address it listens on")
        origin = self.headers.get("Origin")
        if ((origin is not None and origin.lower() != f"http://{host}".lower())
                or self.headers.get("Sec-Fetch-Site", "none") not in OWN_FETCH_SITES):
            raise _Refusal(403, "the control plane refuses cross-origin calls (a web page is not the user)")
        if method == "POST" and self.headers.get_content_type() != "application/json":
            raise _Refusal(415, "a control POST must have Content-Type: application/json")

    def _control_route(self, method: str, parts: list[str], payload: Any) -> tuple[int, Any]:
        server = self.server
        backend = server.backend
        route = (method, parts[0] if parts else "")
        if route == ("GET", "health"):
            return 200, {"ok": True, "url": server.url}
        if parts == ["faults"]:
            if method == "DELETE":
                server.faults.clear()
                return 200, {"rules": []}
            if method == "POST":
                rules = payload.get("rules") if isinstance(payload, dict) else None
                if not isinstance(rules, list):
                    raise ValueError('body must be {"rules": [...]}')
                server.faults.add(parse_fault_rules(rules, "rules"))
            if method in ("POST", "GET"):
                return 200, {"rules": server.faults.snapshot()}
        if parts == ["tasks", "stuck"] and method == "POST":
            stuck = payload.get("stuck") if isinstance(payload, dict) else None
            if not isinstance(stuck, bool):
                raise ValueError('body must be {"stuck": true|false}')
            backend.set_tasks_stuck(stuck, release=bool(payload.get("release")))
            return 200, {"stuck": stuck}
        if parts == ["alerts"] and method == "POST":
            return 200, {"ids": backend.add_alerts(**parse_new_alerts_body(payload))}
        if len(parts) == 2 and parts[0] == "alerts" and method in ("POST", "GET"):
            alert_id = int(parts[1])
            if method == "POST":
                if not isinstance(payload, dict):
                    raise ValueError("body must be an object")
                backend.patch_alert(alert_id, payload)
            return 200, backend.internal_view(alert_id)
        if route == ("GET", "accounts"):
            return 200, {"administrator": backend.account_uid, "members": [m.uid for m in backend.monitor_accounts()]}
        if parts == ["hosts"] and method == "GET":
            return 200, {"hosts": backend.hosts_view()}
        if len(parts) == 2 and parts[0] == "hosts" and method == "POST":
            online = payload.get("agent_online") if isinstance(payload, dict) else None
            if not isinstance(online, bool):
                raise ValueError('body must be {"agent_online": true|false}')
            return 200, vars(backend.set_host(parts[1], agent_online=online))
        if route == ("GET", "stats"):
            return 200, {**server.stats.snapshot(), "alerts_added": backend.alerts_added,
                         "chaos": server.chaos.stats.snapshot()}
        if route == ("POST", "reset"):
            server.reset()
            return 200, {"reset": True}
        if parts == ["chaos"] and method in ("POST", "GET"):
            if method == "POST":
                server.set_chaos(ChaosPlan.parse(payload))
            return 200, server.chaos_body()
        if parts == ["console"] and method in ("POST", "GET"):
            if method == "POST":
                server.console.start(*check_console(payload))
            return 200, server.console.settings()
        if route == ("POST", "config"):
            return 200, self._configure(payload)
        if route == ("GET", "config"):
            return 200, self._settings()
        raise KeyError("/".join(parts) or "/")

    def _configure(self, payload: Any) -> dict[str, Any]:
        """Every value is checked before any is applied: a 400 changes nothing."""
        server = self.server
        if not isinstance(payload, dict):
            raise ValueError("body must be an object")
        checked = {}  # readings and chaos settings: the backend and the chaos read them from the config
        for key, value in payload.items():
            if key in READING_NAMES:
                checked[key] = check_reading(key, value)
                continue
            if key in CHAOS_SETTINGS:
                checked[key] = check_chaos_setting(key, value)
                continue
            if key == ARRIVAL_SETTING:
                checked[key] = check_new_alerts_per_minute(value)
                continue
            if key not in RUNTIME_SETTINGS:
                names = (*RUNTIME_SETTINGS, *CHAOS_SETTINGS, ARRIVAL_SETTING, *READING_NAMES)
                raise ValueError(f"unknown setting {key!r}; the settings are {', '.join(names)}")
            if not is_number(value) or value < 0:
                raise ValueError(f"{key} must be a non-negative number")
        for key, value in checked.items():
            setattr(server.config, key, value)
        if "latency_ms" in payload:
            server.config.latency_ms = int(payload["latency_ms"])
        if "task_delay_ms" in payload:
            server.config.task_delay_ms = server.backend.task_delay_ms = int(payload["task_delay_ms"])
        if "qps" in payload:
            server.config.qps = payload["qps"]
            server.buckets.reset(payload["qps"])
        if ARRIVAL_SETTING in payload:
            server.start_arrivals()
        return self._settings()

    def _settings(self) -> dict[str, Any]:
        config = self.server.config
        return {"latency_ms": config.latency_ms, "task_delay_ms": config.task_delay_ms, "qps": config.qps,
                **config.chaos_settings(), ARRIVAL_SETTING: config.new_alerts_per_minute, **config.readings()}


def loggable(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k not in SECRET_PARAMS}


def write_ready_line(server: EmulatorServer) -> None:
    sys.stdout.write(f"SAS emulator listening on {server.url}\n")
    sys.stdout.flush()


def beyond_loopback(server: EmulatorServer) -> bool:
    """Bound to an address other hosts may reach (0.0.0.0, a LAN address, ...)."""
    return not is_loopback(server.server_address[0])


def write_exposure_warning(server: EmulatorServer) -> None:
    """On stderr, when the server listens beyond loopback: it is a test double with well-known keys."""
    if beyond_loopback(server):
        sys.stderr.write(
            f"sas_emulator: WARNING: listening on {server.server_address[0]}, beyond loopback: other hosts can "
            f"reach it. It accepts the test keys (access key id {server.config.access_key_id}) and is a test "
            "double, not for exposure; bind 127.0.0.1 (the default) unless you must.\n")
        sys.stderr.flush()
