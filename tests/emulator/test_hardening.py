"""The emulator under a hostile client: bodies bounded and read only after the header checks, malformed
lengths answered, connections bounded and timed, the control plane closed to web pages, start-up file
options that say what is wrong. Every socket here has a short timeout: a test fails, it never hangs."""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sas_emu_helpers import find_pending, make_client, run_cli

from sas_emulator.dataset import generate
from sas_emulator.server import MAX_BODY_BYTES, EmulatorConfig, EmulatorServer
from sas_emulator.testing import EmulatorHandle

WAIT_S = 5.0  # far above any answer the emulator owes at once
TWO_HUNDRED_MB = 200 * 1024 * 1024
API = {"x-acs-action": "DescribeSuspEvents", "x-acs-version": "2018-12-03"}
JSON = {"Content-Type": "application/json"}
FAULT = json.dumps({"rules": [{"action": "*", "fault": "throttle", "times": 1}]}).encode()


def head(port: int, method: str, path: str, headers: dict[str, str]) -> bytes:
    """A request head; Host is 127.0.0.1:port unless headers name one."""
    fields = {"Host": f"127.0.0.1:{port}", **headers}
    lines = [f"{method} {path} HTTP/1.1", *(f"{name}: {value}" for name, value in fields.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(sock: socket.socket) -> http.client.HTTPResponse:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response


def exchange(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> http.client.HTTPResponse:
    """One request as given (a body shorter than announced, or none, stays so) and the answer's head."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
    try:
        sock.sendall(head(port, method, path, headers) + body)
        return answer(sock)
    finally:
        sock.close()  # the response keeps its own file object


def control(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> http.client.HTTPResponse:
    return exchange(port, method, "/_emulator/" + path, {**headers, "Content-Length": str(len(body))}, body)


def error_of(response: http.client.HTTPResponse) -> str:
    return json.loads(response.read())["error"]


# --- bodies: bounded, and read only once the headers pass ----------------------------------------------

@pytest.mark.parametrize("path, headers", [("/", API), ("/_emulator/faults", JSON)])
def test_a_body_announced_above_the_bound_is_refused_before_it_is_read(
        emulator: EmulatorHandle, path: str, headers: dict[str, str]) -> None:
    """200 MB announced, none sent: the answer comes at once (the emulator read 200 MB into memory before)."""
    response = exchange(emulator.port, "POST", path, {**headers, "Content-Length": str(TWO_HUNDRED_MB)})
    assert (response.status, response.getheader("Connection")) == (413, "close")
    assert str(MAX_BODY_BYTES) in error_of(response)


def test_a_body_above_the_bound_is_refused_before_the_client_sends_it(emulator: EmulatorHandle) -> None:
    headers = {**API, "Content-Length": str(MAX_BODY_BYTES + 1), "Expect": "100-continue"}
    assert exchange(emulator.port, "POST", "/", headers).status == 413  # not 100 Continue


@pytest.mark.parametrize("length, status", [
    ("abc", 400), ("-5", 400), ("+5", 400), ("1_0", 400), ("1e3", 400), ("", 400),
    ("1000000000000", 413), ("9" * 5000, 413),
])
@pytest.mark.parametrize("path", ["/", "/_emulator/health"])
def test_a_malformed_or_huge_content_length_gets_a_clean_answer(emulator: EmulatorHandle, path: str, length: str,
                                                                status: int) -> None:
    response = exchange(emulator.port, "POST", path, {"Content-Length": length})
    assert (response.status, response.getheader("Connection")) == (status, "close")
    assert ("Content-Length" if status == 400 else str(MAX_BODY_BYTES)) in error_of(response)
    assert "Traceback" not in emulator.stderr()


def test_two_lengths_or_a_chunked_body_are_refused(emulator: EmulatorHandle) -> None:
    sock = socket.create_connection(("127.0.0.1", emulator.port), timeout=WAIT_S)
    with sock:
        sock.sendall(head(emulator.port, "POST", "/", {"Content-Length": "5"})[:-2] + b"Content-Length: 6\r\n\r\n")
        assert answer(sock).status == 400
    response = exchange(emulator.port, "POST", "/", {"Transfer-Encoding": "chunked"}, b"5\r\nhello\r\n0\r\n\r\n")
    assert (response.status, response.getheader("Connection")) == (411, "close")


@pytest.mark.parametrize("authorization, code", [
    (None, "IncompleteSignature"),
    ("garbage", "IncompleteSignature"),
    ("ACS3-HMAC-SHA256 Credential=nobody,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
     "x-acs-signature-nonce;x-acs-version,Signature=00", "InvalidAccessKeyId.NotFound"),
])
def test_an_unsigned_body_is_never_read(emulator: EmulatorHandle, authorization: str | None, code: str) -> None:
    """1000 bytes announced, none sent: the refusal comes at once, without waiting for them."""
    headers = {**API, "Content-Length": "1000", **({"Authorization": authorization} if authorization else {})}
    response = exchange(emulator.port, "POST", "/", headers)
    assert json.loads(response.read())["Code"] == code
    assert response.getheader("Connection") == "close"  # the body left unread is not taken for a request


# --- the control plane: the user's own tools, not a web page in their browser -----------------------------

@pytest.mark.parametrize("headers", [{"Content-Type": "text/plain"}, {"Content-Type": "multipart/form-data"}, {}])
def test_a_control_post_must_be_json(fresh_emulator: EmulatorHandle, headers: dict[str, str]) -> None:
    """text/plain is what a web page may POST to any site without a CORS preflight."""
    response = control(fresh_emulator.port, "POST", "faults", headers, FAULT)
    assert response.status == 415 and "application/json" in error_of(response)
    assert control(fresh_emulator.port, "POST", "reset", headers).status == 415
    assert fresh_emulator.control("GET", "faults")["rules"] == []


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost:3000"},  # another local app: the same site, another origin
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Host": "evil.example"},  # DNS rebinding: the page's own name, pointed at 127.0.0.1
    {"Host": "127.0.0.1.evil.example"},
    {"Host": ""},
])
@pytest.mark.parametrize("method, path, body", [("POST", "faults", FAULT), ("DELETE", "faults", b""),
                                                ("GET", "stats", b"")])
def test_a_cross_origin_control_call_is_refused(fresh_emulator: EmulatorHandle, headers: dict[str, str],
                                                method: str, path: str, body: bytes) -> None:
    fresh_emulator.set_faults([{"action": "*", "fault": "throttle", "times": 1}])
    if headers.get("Host"):
        headers = {"Host": f"{headers['Host']}:{fresh_emulator.port}"}
    response = control(fresh_emulator.port, method, path, {**JSON, **headers}, body)
    assert response.status == 403 and error_of(response)
    assert len(fresh_emulator.control("GET", "faults")["rules"]) == 1  # neither added nor cleared


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
@pytest.mark.parametrize("from_a_page", [False, True])
def test_the_emulators_own_names_and_origin_drive_it_and_a_rebound_name_does_not(
        fresh_emulator: EmulatorHandle, host: str, from_a_page: bool) -> None:
    """A page whose DNS name now points at 127.0.0.1 calls the emulator as its own origin (DNS rebinding)."""
    def call(authority: str) -> http.client.HTTPResponse:
        headers = {"Host": authority, **JSON}
        if from_a_page:  # fetch() from a page of that origin
            headers.update({"Origin": f"http://{authority}", "Sec-Fetch-Site": "same-origin"})
        return control(fresh_emulator.port, "POST", "faults", headers, FAULT)

    assert call(f"rebound.example:{fresh_emulator.port}").status == 403
    response = call(f"{host}:{fresh_emulator.port}")
    assert response.status == 200 and len(json.loads(response.read())["rules"]) == 1


def test_an_alert_is_read_by_get_and_changed_by_post_only(fresh_emulator: EmulatorHandle) -> None:
    alert_id = find_pending(make_client(fresh_emulator))[0]["Id"]
    for method in ("DELETE", "PUT"):
        assert control(fresh_emulator.port, method, f"alerts/{alert_id}", JSON).status == 404


# --- connections: bounded and timed -----------------------------------------------------------------------

@contextmanager
def serving(**settings: float) -> Iterator[EmulatorServer]:
    """An emulator in this process (its threads can be counted) with these settings."""
    server = EmulatorServer(EmulatorConfig(port=0, qps=0, **settings), generate(seed=1, alerts=3))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(WAIT_S)


def trickle(sockets: list[socket.socket], seconds: float) -> list[float | None]:
    """Send each socket one more byte of its request every 0.1 s (slowloris) for up to ``seconds``; when the
    server closed each one, in seconds from now (None: still open)."""
    started, closed = time.monotonic(), [None] * len(sockets)
    while time.monotonic() - started < seconds and None in closed:
        for index, sock in enumerate(sockets):
            if closed[index] is not None:
                continue
            try:
                sock.send(b"a")
                if select.select([sock], [], [], 0)[0] and not sock.recv(4096):
                    closed[index] = time.monotonic() - started
            except OSError:
                closed[index] = time.monotonic() - started
        time.sleep(0.1)
    return closed


def test_connections_beyond_the_bound_wait_and_a_trickled_request_is_cut_off() -> None:
    with serving(max_connections=3, request_timeout_s=1.0) as server:
        port = server.server_address[1]
        threads = threading.active_count()
        slow = [socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) for dummy in range(3)]
        for sock in slow:
            sock.sendall(b"POST / HTTP/1.1\r\nX-Slow: ")
        waiting = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        waiting.sendall(head(port, "GET", "/_emulator/health", {}))
        try:
            assert trickle(slow, 0.5) == [None] * 3
            assert threading.active_count() - threads == 3  # the fourth connection holds no thread
            assert None not in trickle(slow, WAIT_S)  # cut off at the deadline, though never quiet
            assert answer(waiting).status == 200  # served once a slot was free
        finally:
            for sock in (*slow, waiting):
                sock.close()


def test_a_body_that_does_not_arrive_in_time_is_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    known_key = ("ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
                 "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00")
    with serving(request_timeout_s=0.5) as server:
        sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=WAIT_S)
        with sock:
            sock.sendall(head(server.server_address[1], "POST", "/",
                              {**API, "Authorization": known_key, "Content-Length": "10"}) + b"Ta")
            assert sock.recv(4096) == b""  # closed without an answer
        assert server.stats.snapshot()["statuses"] == {"DescribeSuspEvents": {"0": 1}}
    assert "internal error" not in capsys.readouterr().err


def test_the_bounds_are_checked() -> None:
    for settings in ({"max_connections": 0}, {"max_connections": True}, {"request_timeout_s": 0},
                     {"request_timeout_s": float("nan")}):
        with pytest.raises(ValueError):
            EmulatorConfig(**settings)


# --- start-up file options --------------------------------------------------------------------------------

def test_a_request_log_it_cannot_open_is_named(tmp_path: Path) -> None:
    missing = run_cli("--port", "0", "--alerts", "2", "--request-log", str(tmp_path / "missing" / "log.jsonl"))
    directory = run_cli("--port", "0", "--alerts", "2", "--request-log", str(tmp_path))
    for result, reason in ((missing, f"no directory {tmp_path / 'missing'}"), (directory, "Is a directory")):
        assert result.returncode == 2 and "--request-log" in result.stderr and reason in result.stderr
        assert "cannot listen" not in result.stderr and result.stdout == ""


def test_other_start_up_files_are_named_without_a_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "chaos.json"
    binary.write_bytes(b"\xff\xfe{}")
    dump = run_cli("--alerts", "2", "--dump-dataset", str(tmp_path / "missing" / "data.json"))
    chaos = run_cli("--port", "0", "--alerts", "2", "--chaos", f"@{binary}")
    dataset = run_cli("--port", "0", "--dataset", str(binary))
    for result, option in ((dump, "--dump-dataset"), (chaos, "--chaos"), (dataset, "dataset")):
        assert result.returncode == 2 and option in result.stderr and "Traceback" not in result.stderr
