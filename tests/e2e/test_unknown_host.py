"""An endpoint whose host name does not resolve (issue 17, point 7): the module fails at once, with no retries,
naming the endpoint. The name is under .invalid (RFC 2606): no DNS server on the Internet is asked about it."""

from __future__ import annotations

import socket
import time

import pytest
from sas_data import module_task

UNKNOWN = "https://sas-test.invalid"
KEYS = {"access_key": "a", "secret_key": "b-secret"}


@pytest.fixture
def resolver_says_no_such_name():
    try:
        socket.getaddrinfo("sas-test.invalid", 443)
    except socket.gaierror as error:
        if error.errno == socket.EAI_AGAIN:
            pytest.skip("this machine's resolver does not answer: a missing name cannot be told from a DNS outage")
        return
    pytest.skip("this machine's resolver claims sas-test.invalid exists")


def timed(run_play, defaults):
    started = time.monotonic()
    play = run_play([module_task("sas_alert_info", "result", ignore_errors=True, connect_timeout=5)],
                    defaults=defaults)
    return play["result"], time.monotonic() - started


def test_an_endpoint_whose_host_does_not_resolve_fails_at_once_naming_it(run_play, resolver_says_no_such_name):
    # the same play failing before any call (no region, no endpoint): what ansible-playbook itself costs
    _refused, overhead = timed(run_play, KEYS)
    result, elapsed = timed(run_play, {**KEYS, "endpoint": UNKNOWN})
    assert result["failed"] is True
    assert result["msg"].startswith("DescribeSuspEvents could not reach the SAS endpoint %s: its host name does not "
                                    "resolve, so the call was not tried again" % UNKNOWN), result["msg"]
    assert result["error"]["code"] is None
    # before issue 17: six attempts with backoff, 7 to 12 s more than the overhead
    assert elapsed - overhead < 1.5, (elapsed, overhead)
