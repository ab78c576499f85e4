# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-process emulator harness itself: a real connection, the request log, faults, teardown."""

from __future__ import annotations

import socket

import pytest
from emulated_sas import PENDING, emulated_sas

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError


def test_a_real_connection_reaches_the_emulator_and_every_call_is_logged(sas):
    alert_id = next(i for i in sas.alert_ids() if sas.status(i) == PENDING)
    body = sas.connection.call("DescribeSecurityEventOperations", security_event_id=alert_id)
    assert body.security_event_operations_response  # the SDK parsed the emulator's answer
    [record] = sas.requests()
    assert record["action"] == "DescribeSecurityEventOperations"
    assert record["params"]["SecurityEventId"] == str(alert_id)
    assert record["status"] == 200 and record["fault"] is None
    assert "Signature" not in record["params"]
    assert sas.calls("DescribeSecurityEventOperations") == [record]
    assert sas.alert(alert_id)["id"] == alert_id


def test_faults_are_played_and_retried_with_tiny_delays(sas):
    sas.set_faults([{"action": "DescribeSuspEvents", "fault": "throttle", "times": 2}])
    body = sas.connection.call("DescribeSuspEvents", current_page="1", page_size="5")
    assert len(body.susp_events) == 5
    assert [(r["status"], r["fault"]) for r in sas.calls("DescribeSuspEvents")] == \
           [(400, "throttle"), (400, "throttle"), (200, None)]
    assert sas.connection.retries == 2
    assert sas.faults() == []

    sas.set_faults([{"action": "DescribeSuspEvents", "fault": "no_permission"}])
    with pytest.raises(SasApiError):
        sas.connection.call("DescribeSuspEvents", current_page="1", page_size="5")
    sas.set_faults([{"action": "*", "fault": "throttle", "times": 9}])
    sas.clear_faults()
    assert sas.faults() == []
    with pytest.raises(AssertionError, match="400"):
        sas.set_faults([{"action": "*", "fault": "no_such_fault"}])


def test_state_is_set_up_through_the_backend_and_the_server_stops_on_exit():
    with emulated_sas(alerts=5, seed=3) as emulator:
        alert_id = emulator.alert_ids()[0]
        assert emulator.patch_alert(alert_id, status=PENDING)["status"] == PENDING
        assert emulator.configure(task_delay_ms=5)["task_delay_ms"] == 5
        host, port = emulator.server.server_address[:2]
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=1).close()
