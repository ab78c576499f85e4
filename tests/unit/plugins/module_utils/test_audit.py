# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit trail of the writes: the file, the lines, and Handler.send() writing them around each call."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import re
import stat
import threading

import pytest
from fake_sas import PENDING, FakeSas, operation

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import (
    RESERVED_KEYS,
    AuditLog,
    AuditLogError,
    check_context,
    utc_timestamp,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import Handler, HandleRequest
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import check_rules

SECRET = "unit-Secret-value-9876543210"
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REQUEST_FIELDS = ["time", "event", "operation", "alert_ids", "operation_params", "remark", "whitelist_rules",
                  "attempt"]
RESPONSE_FIELDS = REQUEST_FIELDS + ["task_id", "result", "error_code", "error_kind", "message", "request_id"]


def alerts(count, start=1, ops=None):
    return {alert_id: {"status": PENDING, "ops": ops or [operation("ignore")]}
            for alert_id in range(start, start + count)}


def opened(tmp_path, name="audit.jsonl", **kwargs):
    audit = AuditLog(str(tmp_path / name), **kwargs)
    audit.open()
    return audit


def run(service, audit, check_mode=False, **request):
    request.setdefault("operation", "ignore")
    request.setdefault("operation_params", {})
    handler = Handler(service, HandleRequest(**request), clock=lambda: 0.0, sleep=lambda seconds: None, audit=audit)
    try:
        return handler.run(check_mode)
    finally:
        audit.close()


def lines(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def sent_ids(service):
    return [[int(alert_id) for alert_id in params["security_event_ids"]] for params in service.writes()]


# --- Handler.send() writes the trail ----------------------------------------------------------

def test_two_lines_per_write_call_request_then_response(tmp_path):
    service = FakeSas(alerts(25))
    audit = opened(tmp_path, context={"account": "prod-cn", "run_id": 42})
    report = run(service, audit, alert_ids=list(range(1, 26)), remark="known scanner")
    trail = lines(audit.path)
    assert [line["event"] for line in trail] == ["handle_request", "handle_response"] * 2
    assert [line["alert_ids"] for line in trail[::2]] == sent_ids(service) == [list(range(1, 21)), [21, 22, 23, 24, 25]]
    assert [line["alert_ids"] for line in trail[1::2]] == sent_ids(service)
    assert [line["task_id"] for line in trail[1::2]] == report.task_ids == [100, 101]
    for line in trail[::2]:
        assert list(line) == REQUEST_FIELDS + ["account", "run_id"]
        assert line["operation"] == "ignore" and line["operation_params"] == {} and line["attempt"] == 1
        assert line["remark"] == "known scanner" and line["whitelist_rules"] is None
        assert TIME.match(line["time"]) and line["account"] == "prod-cn" and line["run_id"] == 42
    for line in trail[1::2]:
        assert list(line) == RESPONSE_FIELDS + ["account", "run_id"]
        assert line["result"] == "accepted" and line["attempt"] == 1
        assert line["error_code"] is None and line["error_kind"] is None and line["message"] is None
    assert report.summary["handled"] == 25


def test_the_request_line_is_on_disk_before_the_call_and_the_response_after(tmp_path):
    service = FakeSas(alerts(2))
    audit = opened(tmp_path)
    seen = []
    service.faults.append(("HandleSecurityEvents", lambda params: seen.append(lines(audit.path))))
    run(service, audit, alert_ids=[1, 2])
    assert [[line["event"] for line in trail] for trail in seen] == [["handle_request"]]
    assert [line["event"] for line in lines(audit.path)] == ["handle_request", "handle_response"]


def test_a_lost_answer_gives_an_error_line_then_a_later_attempt_for_what_is_still_pending(tmp_path):
    service = FakeSas(alerts(3))

    def half_done(params):  # alert 1 was handled, then the connection broke
        service.HandleSecurityEvents(params["operation_code"], ["1"], params["operation_params"])
        raise SasApiError("HandleSecurityEvents", errors.AMBIGUOUS, "Read timed out")

    service.faults.append(("HandleSecurityEvents", half_done))
    audit = opened(tmp_path)
    report = run(service, audit, alert_ids=[1, 2, 3])
    trail = lines(audit.path)
    assert [(line["event"], line["attempt"], line["alert_ids"]) for line in trail] == [
        ("handle_request", 1, [1, 2, 3]), ("handle_response", 1, [1, 2, 3]),
        ("handle_request", 2, [2, 3]), ("handle_response", 2, [2, 3])]
    assert sent_ids(service) == [[1, 2, 3], [2, 3]]
    lost = trail[1]
    assert lost["result"] == "error" and lost["task_id"] is None and lost["error_kind"] == "ambiguous"
    assert lost["error_code"] is None and lost["request_id"] is None
    assert lost["message"] == "HandleSecurityEvents could not reach the SAS endpoint: Read timed out"
    assert trail[3]["result"] == "accepted" and trail[3]["task_id"] == 101 == report.task_ids[-1]


def test_a_lost_answer_the_service_acted_on_is_not_sent_again_and_the_trail_says_so(tmp_path):
    service = FakeSas(alerts(3))
    service.lose_answer_after_commit()
    audit = opened(tmp_path)
    run(service, audit, alert_ids=[1, 2, 3])
    trail = lines(audit.path)
    assert [(line["event"], line["attempt"], line["result"] if "result" in line else None) for line in trail] == [
        ("handle_request", 1, None), ("handle_response", 1, "error")]
    assert trail[1]["alert_ids"] == [1, 2, 3] and trail[1]["task_id"] is None


def test_a_refused_call_logs_the_code_and_request_id(tmp_path):
    service = FakeSas(alerts(2))

    def forbidden(params):
        raise SasApiError("HandleSecurityEvents", errors.API, "caller has no permission", code="NoPermission",
                          http_status=403, request_id="REQ-1")

    service.faults.append(("HandleSecurityEvents", forbidden))
    audit = opened(tmp_path)
    run(service, audit, alert_ids=[1, 2])
    response = lines(audit.path)[1]
    assert response["result"] == "error" and response["error_code"] == "NoPermission"
    assert response["error_kind"] == "api" and response["request_id"] == "REQ-1"
    assert response["message"].startswith("HandleSecurityEvents was refused by the service: caller has no "
                                          "permission (code NoPermission, HTTP 403, request id REQ-1)")


def test_whitelist_rules_and_operation_params_are_what_was_sent(tmp_path):
    offered = operation("advance_mark_mis_info", mark_field=[
        {"FiledName": "loginUser", "MarkMisType": "strEqual", "MarkMisValue": "deploy", "Uuid": "ALL"}],
        sources=[{"FiledName": "loginUser", "SupportedMisType": ["strEqual"]}])
    service = FakeSas(alerts(1, ops=[offered]))
    rules = check_rules([{"field": "loginUser", "operate": "strEqual", "value": "ops", "scope": "part"}])
    audit = opened(tmp_path)
    run(service, audit, alert_ids=[1], operation="advance_mark_mis_info", whitelist_rules=rules)
    request = lines(audit.path)[0]
    assert request["whitelist_rules"] == json.loads(service.writes()[0]["mark_miss_param"]) == [
        {"uuid": "ALL", "field": "loginUser", "operate": "strEqual", "fieldValue": "deploy"},
        {"uuid": "part", "field": "loginUser", "operate": "strEqual", "fieldValue": "ops"}]

    service = FakeSas(alerts(1, ops=[operation("block_ip")]))
    audit = opened(tmp_path, "block.jsonl")
    run(service, audit, alert_ids=[1], operation="block_ip", operation_params={"expireTime": 1893456000000})
    assert lines(audit.path)[0]["operation_params"] == {"expireTime": 1893456000000}
    assert service.writes()[0]["operation_params"] == '{"expireTime":1893456000000}'


def test_check_mode_writes_no_line(tmp_path):
    service = FakeSas(alerts(3))
    audit = opened(tmp_path)
    report = run(service, audit, check_mode=True, alert_ids=[1, 2, 3])
    assert report.summary["would_handle"] == 3 and service.writes() == []
    assert os.path.getsize(audit.path) == 0


def test_check_only_creates_nothing_but_still_refuses_a_bad_path(tmp_path):
    path = tmp_path / "audit.jsonl"
    AuditLog(str(path)).open(check_only=True)
    assert not path.exists()
    with pytest.raises(AuditLogError, match="audit_log %s cannot be used: its directory %s does not exist"
                       % (re.escape(str(tmp_path / "nope" / "a.jsonl")), re.escape(str(tmp_path / "nope")))):
        AuditLog(str(tmp_path / "nope" / "a.jsonl")).open(check_only=True)
    with pytest.raises(AuditLogError, match="it is a directory"):
        AuditLog(str(tmp_path)).open(check_only=True)


def test_no_audit_no_file_and_the_same_calls(tmp_path):
    with_trail, without = FakeSas(alerts(3)), FakeSas(alerts(3))
    run(with_trail, opened(tmp_path), alert_ids=[1, 2, 3])
    Handler(without, HandleRequest("ignore", [1, 2, 3], {}), clock=lambda: 0.0, sleep=lambda seconds: None).run(False)
    assert with_trail.log == without.log


def test_a_request_line_that_cannot_be_written_means_no_call(tmp_path):
    service = FakeSas(alerts(2))
    audit = opened(tmp_path)
    os.close(audit._fd)  # the file went away under the module (EBADF on the next write)
    audit._fd = os.open(os.devnull, os.O_RDONLY)
    report = run(service, audit, alert_ids=[1, 2])
    assert service.writes() == []
    assert [result["outcome"] for result in report.results] == ["failed", "failed"]
    assert report.results[0]["reason"].startswith("HandleSecurityEvents not sent: audit_log %s: a handle_request "
                                                  "line could not be written" % audit.path)
    assert audit.problems and "handle_request" in audit.problems[0]


def test_a_response_line_that_cannot_be_written_is_a_problem_not_a_failure(tmp_path):
    service = FakeSas(alerts(2))
    audit = opened(tmp_path)

    def break_the_file(params):
        os.close(audit._fd)
        audit._fd = os.open(os.devnull, os.O_RDONLY)

    service.faults.append(("HandleSecurityEvents", break_the_file))
    report = run(service, audit, alert_ids=[1, 2])
    assert report.summary["handled"] == 2 and len(service.writes()) == 1
    assert [line["event"] for line in lines(audit.path)] == ["handle_request"]
    assert len(audit.problems) == 1 and "a handle_response line could not be written" in audit.problems[0]


def test_an_unexpected_exception_during_the_call_still_gets_a_response_line(tmp_path):
    service = FakeSas(alerts(1))

    def interrupted(params):
        raise KeyboardInterrupt("secret-looking text %s" % SECRET)

    service.faults.append(("HandleSecurityEvents", interrupted))
    audit = opened(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        run(service, audit, alert_ids=[1])
    response = lines(audit.path)[1]
    assert response["event"] == "handle_response" and response["result"] == "error"
    assert response["error_kind"] == "unexpected" and response["task_id"] is None
    assert response["message"] == ("the module stopped during the call (KeyboardInterrupt): the service may have "
                                   "acted on it")


def test_no_secret_in_the_file(tmp_path):
    service = FakeSas(alerts(2))

    def leaky(params):  # an error text that escaped redaction upstream
        raise SasApiError("HandleSecurityEvents", errors.API, "bad signature for key %s" % SECRET,
                          code="SignatureDoesNotMatch", http_status=400)

    service.faults.append(("HandleSecurityEvents", leaky))
    audit = opened(tmp_path, context={"note": "rotated %s" % SECRET}, secrets=(SECRET,))
    run(service, audit, alert_ids=[1, 2])
    text = open(audit.path, encoding="utf-8").read()
    assert SECRET not in text and "********" in text
    assert lines(audit.path)[1]["error_code"] == "SignatureDoesNotMatch"


# --- the file ---------------------------------------------------------------------------------

def test_created_with_mode_0600_whatever_the_umask(tmp_path):
    previous = os.umask(0o002)
    try:
        audit = opened(tmp_path)
        audit.record({"event": "handle_request"})
        audit.close()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(audit.path).st_mode) == 0o600


def test_appends_and_keeps_the_mode_of_an_existing_file(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text('{"earlier": true}\n')
    os.chmod(path, 0o640)
    audit = opened(tmp_path)
    audit.record({"event": "handle_request", "alert_ids": [1]})
    audit.close()
    assert lines(path)[0] == {"earlier": True} and lines(path)[1]["alert_ids"] == [1]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_an_unopenable_path_is_refused_before_any_call_naming_the_option_and_path(tmp_path):
    service = FakeSas(alerts(1))
    missing = str(tmp_path / "no-such-dir" / "audit.jsonl")
    with pytest.raises(AuditLogError) as refused:
        AuditLog(missing).open()
    assert str(refused.value) == ("audit_log %s cannot be used: its directory %s does not exist; no call was made"
                                  % (missing, tmp_path / "no-such-dir"))
    with pytest.raises(AuditLogError, match="^audit_log %s cannot be used: it cannot be opened for appending "
                                            r"\(Is a directory\)" % re.escape(str(tmp_path))):
        AuditLog(str(tmp_path)).open()
    with pytest.raises(AuditLogError, match="^audit_log /dev/null cannot be used: it is not a regular file"):
        AuditLog(os.devnull).open()
    with pytest.raises(AuditLogError, match="^audit_log is empty"):
        AuditLog("")
    assert not os.path.exists(os.path.dirname(missing)) and service.log == []


def test_record_needs_open(tmp_path):
    with pytest.raises(AuditLogError, match="is not open"):
        AuditLog(str(tmp_path / "a.jsonl")).record({"event": "handle_request"})


def test_a_line_waits_for_the_lock_another_writer_holds(tmp_path):
    audit = opened(tmp_path)
    holder = os.open(audit.path, os.O_WRONLY | os.O_APPEND)
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = threading.Thread(target=audit.record, args=({"event": "handle_request"},))
    try:
        writer.start()
        writer.join(0.3)
        assert writer.is_alive() and os.path.getsize(audit.path) == 0  # blocked on the lock, nothing written
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    writer.join(10)
    assert [line["event"] for line in lines(audit.path)] == ["handle_request"]
    audit.close()


def _append_many(path, writer, count):
    audit = AuditLog(path, context={"writer": writer}, sync=False)
    audit.open()
    for index in range(count):
        audit.record({"event": "handle_request", "alert_ids": list(range(index, index + 300))})
    audit.close()


def test_concurrent_writers_never_interleave_a_line(tmp_path):
    path = str(tmp_path / "shared.jsonl")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, writer, 200)) for writer in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    trail = lines(path)  # every line parses: none was cut by another writer
    assert len(trail) == 800
    assert {writer: sum(1 for line in trail if line["writer"] == writer) for writer in range(4)} == {
        0: 200, 1: 200, 2: 200, 3: 200}


# --- the lines --------------------------------------------------------------------------------

def test_context_is_merged_after_the_module_fields(tmp_path):
    audit = opened(tmp_path, context={"account": "prod-cn", "run_id": "r-1", "tags": ["a"]},
                   wall_clock=lambda: 1777885953.25)
    audit.record({"event": "handle_request", "alert_ids": [7]})
    audit.close()
    assert lines(audit.path) == [{"time": "2026-05-04T09:12:33.250Z", "event": "handle_request", "alert_ids": [7],
                                  "account": "prod-cn", "run_id": "r-1", "tags": ["a"]}]


@pytest.mark.parametrize("key", RESERVED_KEYS)
def test_a_context_key_of_the_module_is_refused_by_name(key):
    with pytest.raises(AuditLogError, match="^audit_context key '%s' collides with a field the module writes" % key):
        check_context({"account": "prod-cn", key: "x"})


def test_context_values_must_be_json():
    assert check_context(None) == {}
    with pytest.raises(AuditLogError, match="audit_context must hold JSON values"):
        check_context({"when": object()})


def test_utc_timestamp_has_milliseconds_and_z():
    assert utc_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert utc_timestamp(1777885953.2509) == "2026-05-04T09:12:33.250Z"
