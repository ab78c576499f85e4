# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""parse_endpoint, and the real SDK client driven through SasConnection against a local stub server."""

from __future__ import annotations

import ast
import functools
import inspect
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ansible_collections.alibabacloud.sas.plugins.module_utils import (
    connection,
    errors,
    retries,
    service_calls,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    EndpointError,
    SasConnection,
    _snake,
    connect,
    parse_endpoint,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.credentials import (
    EXPLICIT,
    CredentialSource,
    sdk_config_kwargs,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.retries import (
    RetryPolicy,
)

GALAXY_YML = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")
ACCESS_KEY = "testAK"
SECRET = "testSecretValue123"

DESCRIBE_BODY = {
    "RequestId": "req-ok-1",
    "TotalCount": 1,
    "CurrentPage": 1,
    "PageSize": 20,
    "Count": 1,
    "SuspEvents": [{"Id": 7, "EventStatus": 1, "Level": "serious", "clusterId": "c1",
                    "Details": [{"NameDisplay": "File", "Type": "text", "Value": "/tmp/x"}]}],
}
THROTTLED = {"RequestId": "req-thr", "Code": "Throttling.User",
             "Message": "Request was denied due to user flow control."}
NO_PERMISSION = {"RequestId": "req-403", "HostId": "tds.cn-shanghai.aliyuncs.com", "Code": "NoPermission",
                 "Message": "caller has no permission", "Recommend": "https://api.aliyun.com/troubleshoot"}


# --- parse_endpoint / _snake -----------------------------------------------------------------

@pytest.mark.parametrize("endpoint, expected", [
    ("http://127.0.0.1:18080", ("http", "127.0.0.1:18080")),
    ("tds.cn-shanghai.aliyuncs.com", ("https", "tds.cn-shanghai.aliyuncs.com")),
    ("127.0.0.1:18080", ("https", "127.0.0.1:18080")),
    ("https://tds.ap-southeast-1.aliyuncs.com/", ("https", "tds.ap-southeast-1.aliyuncs.com")),
    ("  https://tds.ap-southeast-1.aliyuncs.com  ", ("https", "tds.ap-southeast-1.aliyuncs.com")),
    ("HTTP://localhost:8080", ("http", "localhost:8080")),
    ("http://[::1]:18080", ("http", "[::1]:18080")),
    ("https://127.0.0.1:443", ("https", "127.0.0.1:443")),
    ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
    ("http://127.0.0.1:1", ("http", "127.0.0.1:1")),
    ("http://127.0.0.1:65535", ("http", "127.0.0.1:65535")),
])
def test_parse_endpoint(endpoint, expected):
    assert parse_endpoint(endpoint) == expected


@pytest.mark.parametrize("endpoint, fragment", [
    ("https://tds.cn-shanghai.aliyuncs.com/api", "must not have a path or query"),
    ("https://tds.cn-shanghai.aliyuncs.com/?x=1", "must not have a path or query"),
    ("https://tds.cn-shanghai.aliyuncs.com#frag", "must not have a path or query"),
    ("ftp://tds.cn-shanghai.aliyuncs.com", "is not valid"),
    ("http://", "is not valid"),
    ("", "is not valid"),
    ("http://127.0.0.1:port", "invalid port"),
    ("http://127.0.0.1:99999", "invalid port"),
    # issue 8: port 0 used to become port 80
    ("http://127.0.0.1:0", "the endpoint port must be 1-65535"),
    ("http://127.0.0.1:65536", "the endpoint port must be 1-65535"),
    ("http://127.0.0.1:-1", "the endpoint port must be 1-65535"),
    ("http://127.0.0.1:", "the endpoint port must be 1-65535"),
    ("http://[::1", "is not valid"),
])
def test_parse_endpoint_rejects(endpoint, fragment):
    with pytest.raises(EndpointError) as info:
        parse_endpoint(endpoint)
    assert fragment in str(info.value)
    assert repr(endpoint) in str(info.value)


@pytest.mark.parametrize("endpoint", [
    "http://admin:pa55-word@127.0.0.1:18080",
    "admin:pa55-word@tds.cn-shanghai.aliyuncs.com",
    "https://admin:pa55-word@",
    "ftp://admin:pa55-word@127.0.0.1:0/path",
    "https://admin@tds.cn-shanghai.aliyuncs.com",
])
def test_parse_endpoint_refuses_credentials_without_echoing_them(endpoint):
    with pytest.raises(EndpointError) as info:
        parse_endpoint(endpoint)
    assert str(info.value) == ("endpoint must not hold credentials (user:password@): give keys with "
                               "access_key/secret_key, a profile or the environment")
    assert "pa55" not in str(info.value)


def test_parse_endpoint_at_sign_in_a_query_is_not_credentials():
    with pytest.raises(EndpointError, match="must not have a path or query"):
        parse_endpoint("https://tds.cn-shanghai.aliyuncs.com?x=a@b")


@pytest.mark.parametrize("action, snake", [
    ("DescribeSuspEvents", "describe_susp_events"),
    ("DescribeSuspEventDetail", "describe_susp_event_detail"),
    ("HandleSecurityEvents", "handle_security_events"),
    ("DescribeSecurityEventOperationStatus", "describe_security_event_operation_status"),
])
def test_snake(action, snake):
    assert _snake(action) == snake


# The actions the collection calls, by their wire names (the service's; a typo breaks the real call).
CALLED_ACTIONS = ("DescribeSuspEvents", "DescribeSuspEventDetail", "DescribeSecurityEventOperations",
                  "HandleSecurityEvents", "DescribeSecurityEventOperationStatus", "CreateSuspEventNote",
                  "DescribeMonitorAccounts", "DescribeSimilarEventScenarios", "CreateSimilarSecurityEventsQueryTask",
                  "DescribeSimilarSecurityEvents")
# The actions whose SDK method takes no request, only the runtime: connection.call sends them no parameter.
NO_REQUEST_MODEL = ("DescribeMonitorAccounts",)


def test_these_are_exactly_the_actions_service_calls_calls():
    tree = ast.parse(Path(service_calls.__file__).read_text(encoding="utf-8"))
    called = {getattr(service_calls, node.args[0].id) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "call"}
    assert sorted(called) == sorted(CALLED_ACTIONS)


@pytest.mark.parametrize("action", CALLED_ACTIONS)
def test_every_action_maps_to_an_sdk_method_and_request_model(action):
    from alibabacloud_sas20181203 import models
    from alibabacloud_sas20181203.client import Client

    method = getattr(Client, _snake(action) + "_with_options")
    if action in NO_REQUEST_MODEL:
        assert not hasattr(models, action + "Request")
        assert list(inspect.signature(method).parameters) == ["self", "runtime"]
    else:
        assert isinstance(getattr(models, action + "Request")(), models.__dict__[action + "Request"])


# --- the stub SAS endpoint -------------------------------------------------------------------

class Stub:
    """Scripted answers, one per request; afterwards the DescribeSuspEvents success body."""

    def __init__(self):
        self.script = []
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()

    def answer(self, status, body, headers=None):
        self.script.append(("answer", status, body, headers or {}))

    def hang(self):
        self.script.append(("hang", None, None, {}))

    def drop(self):
        self.script.append(("drop", None, None, {}))

    def next(self):
        with self.lock:
            return self.script.pop(0) if self.script else ("answer", 200, DESCRIBE_BODY, {})


def make_handler(stub):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with stub.lock:
                stub.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                      "body": body})
            mode, status, payload, headers = stub.next()
            if mode == "drop":  # close without any answer
                self.close_connection = True
                return
            if mode == "hang":  # answer nothing until the test is over
                stub.release.wait(10)
                return
            data = payload.encode("utf-8") if isinstance(payload, str) else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json;charset=utf-8"))
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (read timeout) is expected


@pytest.fixture
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALIBABA_CLOUD_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stub(no_proxy):
    stub = Stub()
    server = QuietServer(("127.0.0.1", 0), make_handler(stub))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stub.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    yield stub
    stub.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def sleeps(monkeypatch):
    """Sleeps between retries are recorded, not slept."""
    recorded = []
    monkeypatch.setattr(retries.time, "sleep", lambda seconds: None)
    # call_with_retries binds time.sleep as a default argument at import, so hand it the fake directly.
    monkeypatch.setattr(connection, "call_with_retries",
                        functools.partial(retries.call_with_retries, sleep=recorded.append))
    return recorded


POLICY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.002, max_elapsed=10.0)


def make_connection(endpoint, read_timeout=5.0, policy=POLICY, secrets=(SECRET,)):
    source = CredentialSource(EXPLICIT, ACCESS_KEY, SECRET)
    return connect(endpoint, None, sdk_config_kwargs(source), connect_timeout=2.0, read_timeout=read_timeout,
                   validate_certs=True, policy=policy, secrets=secrets)


def galaxy_version():
    with open(GALAXY_YML, encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


# --- connect + call --------------------------------------------------------------------------

def test_connect_builds_a_client_for_the_endpoint(no_proxy):
    conn = make_connection("http://127.0.0.1:18080")
    assert isinstance(conn, SasConnection)
    assert conn.endpoint == "127.0.0.1:18080"
    assert conn.client._protocol == "http"
    assert (conn.calls, conn.retries) == (0, 0)


@pytest.mark.parametrize("region, endpoint", [
    ("cn-hangzhou", "tds.cn-shanghai.aliyuncs.com"),
    ("cn-beijing", "tds.cn-shanghai.aliyuncs.com"),
    ("cn-hongkong", "tds.cn-shanghai.aliyuncs.com"),
    ("ap-southeast-1", "tds.ap-southeast-1.aliyuncs.com"),
    ("eu-central-1", "tds.ap-southeast-1.aliyuncs.com"),
    ("us-west-1", "tds.ap-southeast-1.aliyuncs.com"),
])
def test_connect_with_region_only_uses_the_sdk_endpoint_map(no_proxy, region, endpoint):
    conn = connect(None, region, {"access_key_id": "a", "access_key_secret": "b", "security_token": None},
                   5.0, 10.0, True)
    assert conn.endpoint == endpoint
    assert conn.client._protocol == "https"  # the site is chosen by our rule (test_regions.py), over HTTPS


def test_successful_call_sends_user_agent_and_action(stub, sleeps):
    conn = make_connection(stub.endpoint)
    body = conn.call("DescribeSuspEvents", current_page=1, page_size=20, from_="sas", lang="en")
    assert body.total_count == 1
    assert body.request_id == "req-ok-1"
    assert body.susp_events[0].id == 7
    assert body.susp_events[0].cluster_id == "c1"
    assert (conn.calls, conn.retries) == (1, 0)
    assert sleeps == []

    assert len(stub.requests) == 1
    request = stub.requests[0]
    headers = request["headers"]
    assert f"AlibabaCloud-Ansible-SAS/{galaxy_version()}" in headers["user-agent"]
    assert headers["x-acs-action"] == "DescribeSuspEvents"
    assert headers["x-acs-version"] == "2018-12-03"
    assert headers["authorization"].startswith(f"ACS3-HMAC-SHA256 Credential={ACCESS_KEY},")
    assert SECRET not in json.dumps(request["headers"]) + request["path"]
    query = parse_qs(urlsplit(request["path"]).query)
    assert query == {"CurrentPage": ["1"], "PageSize": ["20"], "From": ["sas"], "Lang": ["en"]}


def test_throttled_twice_then_ok_is_retried(stub, sleeps):
    stub.answer(400, THROTTLED)
    stub.answer(400, THROTTLED)
    conn = make_connection(stub.endpoint)
    body = conn.call("DescribeSuspEvents", current_page=1, page_size=20)
    assert body.request_id == "req-ok-1"
    assert conn.calls == 3
    assert conn.retries == 2
    assert len(stub.requests) == 3
    assert len(sleeps) == 2


def test_throttled_write_is_retried(stub, sleeps):
    stub.answer(400, THROTTLED)
    stub.answer(200, {"RequestId": "req-handle", "HandleSecurityEventsResponse": {"TaskId": 98765}})
    conn = make_connection(stub.endpoint)
    body = conn.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1", "2"])
    assert body.handle_security_events_response.task_id == 98765
    assert (conn.calls, conn.retries) == (2, 1)
    assert [r["headers"]["x-acs-action"] for r in stub.requests] == ["HandleSecurityEvents"] * 2


def test_server_retry_after_header_sets_the_delay_floor(stub, sleeps):
    stub.answer(429, {"RequestId": "r", "Code": "Throttling", "Message": "later"}, {"x-acs-retry-after": "1500"})
    conn = make_connection(stub.endpoint)
    conn.call("DescribeSuspEvents", current_page=1)
    assert sleeps == [1.5]
    assert (conn.calls, conn.retries) == (2, 1)


def test_throttled_until_max_attempts_raises(stub, sleeps):
    for dummy in range(POLICY.max_attempts):
        stub.answer(400, THROTTLED)
    conn = make_connection(stub.endpoint)
    with pytest.raises(SasApiError) as info:
        conn.call("DescribeSuspEvents", current_page=1)
    assert info.value.code == "Throttling.User"
    assert (conn.calls, conn.retries) == (4, 3)
    assert len(stub.requests) == 4


def test_no_permission_is_raised_after_one_call(stub, sleeps):
    stub.answer(403, NO_PERMISSION)
    conn = make_connection(stub.endpoint)
    with pytest.raises(SasApiError) as info:
        conn.call("DescribeSuspEvents", current_page=1, page_size=20)
    error = info.value
    assert error.kind == errors.API
    assert error.action == "DescribeSuspEvents"
    assert error.code == "NoPermission"
    assert error.http_status == 403
    assert error.request_id == "req-403"
    assert error.message == "caller has no permission"
    assert error.recommend == "https://api.aliyun.com/troubleshoot"
    assert (conn.calls, conn.retries) == (1, 0)
    assert len(stub.requests) == 1
    assert sleeps == []


def test_secret_in_an_error_body_is_redacted(stub, sleeps):
    stub.answer(400, {"RequestId": "r", "Code": "SignatureDoesNotMatch",
                      "Message": f"expected signature made with {SECRET}"})
    conn = make_connection(stub.endpoint)
    with pytest.raises(SasApiError) as info:
        conn.call("DescribeSuspEvents", current_page=1)
    assert SECRET not in info.value.describe()
    assert info.value.message == "expected signature made with ********"


def test_server_error_is_retried_for_reads_only(stub, sleeps):
    unavailable = {"RequestId": "r5", "Code": "ServiceUnavailable", "Message": "busy"}
    stub.answer(503, unavailable)
    conn = make_connection(stub.endpoint)
    conn.call("DescribeSuspEvents", current_page=1)
    assert (conn.calls, conn.retries) == (2, 1)

    stub.answer(503, unavailable)
    write = make_connection(stub.endpoint)
    with pytest.raises(SasApiError) as info:
        write.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1"])
    assert (info.value.http_status, info.value.code) == (503, "ServiceUnavailable")
    assert (write.calls, write.retries) == (1, 0)


def test_server_error_with_an_empty_json_body_is_retried_for_reads(stub, sleeps):
    stub.answer(503, {})
    conn = make_connection(stub.endpoint)
    body = conn.call("DescribeSuspEvents", current_page=1)
    assert body.request_id == "req-ok-1"
    assert (conn.calls, conn.retries) == (2, 1)


def test_html_answer_is_bad_response_and_retried_for_reads(stub, sleeps):
    stub.answer(502, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
    stub.answer(502, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
    conn = make_connection(stub.endpoint, policy=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001))
    with pytest.raises(SasApiError) as info:
        conn.call("DescribeSuspEvents", current_page=1)
    assert info.value.kind == errors.BAD_RESPONSE
    assert "502 Bad Gateway" in info.value.message
    assert (conn.calls, conn.retries) == (2, 1)


def test_dropped_connection_is_ambiguous_and_not_resent_for_writes(stub, sleeps):
    stub.drop()
    conn = make_connection(stub.endpoint)
    with pytest.raises(SasApiError) as info:
        conn.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1"])
    assert info.value.kind == errors.AMBIGUOUS, info.value.message
    assert (conn.calls, len(stub.requests)) == (1, 1)


def test_read_timeout_is_ambiguous(stub, sleeps):
    stub.hang()
    conn = make_connection(stub.endpoint, read_timeout=0.3)
    with pytest.raises(SasApiError) as info:
        conn.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1"])
    assert info.value.kind == errors.AMBIGUOUS
    assert "timed out" in info.value.message
    assert conn.calls == 1


def test_connection_refused_is_not_sent_and_retried_even_for_writes(no_proxy, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conn = make_connection(f"http://127.0.0.1:{port}",
                           policy=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001))
    with pytest.raises(SasApiError) as info:
        conn.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1"])
    assert info.value.kind == errors.NOT_SENT, info.value.message
    assert (conn.calls, conn.retries) == (3, 2)


# --- map -------------------------------------------------------------------------------------

def test_map_keeps_input_order_and_limits_concurrency():
    conn = SasConnection(client=object(), runtime=None, models=None, policy=POLICY)
    active, peak, lock = [0], [0], threading.Lock()
    barrier = threading.Event()

    def work(item):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        barrier.wait(0.05)
        with lock:
            active[0] -= 1
        return item * 10

    assert conn.map(work, list(range(12)), concurrency=3) == [i * 10 for i in range(12)]
    assert 1 < peak[0] <= 3


def test_map_serial_when_concurrency_is_one():
    conn = SasConnection(client=object(), runtime=None, models=None, policy=POLICY)
    threads = set()

    def work(item):
        threads.add(threading.get_ident())
        return -item

    assert conn.map(work, [1, 2, 3], concurrency=1) == [-1, -2, -3]
    assert threads == {threading.get_ident()}


# --- api_stats and rate_limit auto (issue 19) ------------------------------------------------

def test_api_stats_count_each_api_s_calls_retries_and_throttles(stub, sleeps):
    stub.answer(400, THROTTLED)
    stub.answer(400, THROTTLED)
    conn = make_connection(stub.endpoint)
    conn.call("DescribeSuspEvents", current_page=1, page_size=20)
    conn.call("DescribeSuspEventDetail", suspicious_event_id=7)
    assert conn.api_stats() == {
        "DescribeSuspEventDetail": {"calls": 1, "retries": 0, "throttles": 0, "rate": 0.0},
        "DescribeSuspEvents": {"calls": 3, "retries": 2, "throttles": 2, "rate": 0.0},
    }


def test_auto_finds_a_quota_it_does_not_know_and_every_call_gets_through(start_sas):
    from emulated_sas import connect_to

    quota = 4
    sas = start_sas(alerts=40, qps=quota)
    conn = connect_to(sas.url, policy=RetryPolicy(max_attempts=6, base_delay=0.2, max_delay=2.0), rate_limit="auto")
    alert_ids = sas.alert_ids()[:16]
    details = conn.map(lambda alert_id: service_calls.susp_event_detail(conn, alert_id), alert_ids, concurrency=4)
    assert [detail.id for detail in details] == alert_ids
    log = sas.calls("DescribeSuspEventDetail")
    throttled = [record for record in log if "Throttling" in (record["error_code"] or "")]
    stats = conn.api_stats()["DescribeSuspEventDetail"]
    assert (stats["calls"], stats["throttles"], stats["retries"]) == (len(log), len(throttled), len(throttled))
    assert throttled and stats["rate"] < 8  # it started above the quota, was throttled and cut its rate
