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
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET, sent_ids
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import (
    RESERVED_KEYS,
    AuditLog,
    AuditLogError,
    check_context,
    request_event,
    response_event,
    utc_timestamp,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import Handler, HandleRequest
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import check_rules
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_handle

SECRET = "unit-Secret-value-9876543210"
SAS_OPTIONS = {"access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET, "wait_timeout": 5, "poll_interval": 0.1}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REQUEST_FIELDS = ["time", "event", "operation", "alert_ids", "operation_params", "remark", "whitelist_rules",
                  "attempt"]
RESPONSE_FIELDS = REQUEST_FIELDS + ["task_id", "result", "error_code", "error_kind", "message", "request_id"]


def opened(tmp_path, name="audit.jsonl", **kwargs):
    audit = AuditLog(str(tmp_path / name), **kwargs)
    audit.open()
    return audit


def run(sas, audit, check_mode=False, connection=None, meanwhile=None, **request):
    """Handler.run against the emulator; meanwhile() runs at the Handler's first sleep."""
    request.setdefault("operation", "ignore")
    request.setdefault("operation_params", {})
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if meanwhile is not None and len(waits) == 1:
            meanwhile()

    handler = Handler(connection or sas.connection, HandleRequest(**request), clock=lambda: 0.0, sleep=sleep,
                      audit=audit)
    try:
        return handler.run(check_mode)
    finally:
        audit.close()


def lines(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def sent(sas):
    """The alert ids of each HandleSecurityEvents the emulator got."""
    return [sent_ids(write) for write in sas.writes()]


def break_the_file(audit):
    """The file went away under the module (EBADF on the next write)."""
    os.close(audit._fd)
    audit._fd = os.open(os.devnull, os.O_RDONLY)


# --- Handler.send() writes the trail ----------------------------------------------------------

def test_two_lines_per_write_call_request_then_response(sas, tmp_path):
    alert_ids = sas.pick(21)
    audit = opened(tmp_path, context={"account": "prod-cn", "run_id": 42})
    report = run(sas, audit, alert_ids=alert_ids, remark="known scanner")
    trail = lines(audit.path)
    assert [line["event"] for line in trail] == ["handle_request", "handle_response"] * 2
    assert [line["alert_ids"] for line in trail[::2]] == sent(sas) == [alert_ids[:20], alert_ids[20:]]
    assert [line["alert_ids"] for line in trail[1::2]] == sent(sas)
    assert [line["task_id"] for line in trail[1::2]] == report.task_ids == [write["task_id"] for write in sas.writes()]
    assert {write["params"]["Remark"] for write in sas.writes()} == {"known scanner"}
    for line in trail[::2]:
        assert list(line) == REQUEST_FIELDS + ["account", "run_id"]
        assert line["operation"] == "ignore" and line["operation_params"] == {} and line["attempt"] == 1
        assert line["remark"] == "known scanner" and line["whitelist_rules"] is None
        assert TIME.match(line["time"]) and line["account"] == "prod-cn" and line["run_id"] == 42
    for line in trail[1::2]:
        assert list(line) == RESPONSE_FIELDS + ["account", "run_id"]
        assert line["result"] == "accepted" and line["attempt"] == 1
        assert line["error_code"] is None and line["error_kind"] is None and line["message"] is None
    assert [line["request_id"] for line in trail[1::2]] == [write["request_id"] for write in sas.writes()]
    assert report.summary["handled"] == 21


def test_the_request_line_is_on_disk_before_the_call_and_the_response_after(sas, tmp_path):
    audit = opened(tmp_path)
    seen = []
    sas.on_request("HandleSecurityEvents", lambda params: seen.append(lines(audit.path)))  # as the service gets it
    run(sas, audit, alert_ids=sas.pick(2))
    assert [[line["event"] for line in trail] for trail in seen] == [["handle_request"]]
    assert [line["event"] for line in lines(audit.path)] == ["handle_request", "handle_response"]


def test_a_lost_answer_gives_an_error_line_then_a_later_attempt_for_what_is_still_pending(sas, tmp_path):
    first, second, third = alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "drop"}])
    audit = opened(tmp_path)
    # the connection broke; meanwhile the first alert was handled (as if the lost call had got that far)
    report = run(sas, audit, alert_ids=alert_ids, meanwhile=lambda: sas.handle_elsewhere("ignore", [first]))
    trail = lines(audit.path)
    assert [(line["event"], line["attempt"], line["alert_ids"]) for line in trail] == [
        ("handle_request", 1, alert_ids), ("handle_response", 1, alert_ids),
        ("handle_request", 2, [second, third]), ("handle_response", 2, [second, third])]
    assert sent(sas) == [alert_ids, [second, third]]
    lost = trail[1]
    assert lost["result"] == "error" and lost["task_id"] is None and lost["error_kind"] == "ambiguous"
    assert lost["error_code"] is None and lost["request_id"] is None
    assert lost["message"].startswith("HandleSecurityEvents could not reach the SAS endpoint: ")
    assert trail[3]["result"] == "accepted" and trail[3]["task_id"] == sas.writes()[1]["task_id"] == report.task_ids[-1]


def test_a_lost_answer_the_service_acted_on_is_not_sent_again_and_the_trail_says_so(sas, tmp_path):
    alert_ids = sas.pick(3)
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "reset_after_commit"}])
    audit = opened(tmp_path)
    run(sas, audit, alert_ids=alert_ids)
    trail = lines(audit.path)
    assert [(line["event"], line["attempt"], line["result"] if "result" in line else None) for line in trail] == [
        ("handle_request", 1, None), ("handle_response", 1, "error")]
    assert trail[1]["alert_ids"] == alert_ids and trail[1]["task_id"] is None
    [write] = sas.writes()
    assert write["task_id"] is not None  # the service did make a task; only its answer was lost


def test_a_refused_call_logs_the_code_and_request_id(sas, tmp_path):
    sas.set_faults([{"action": "HandleSecurityEvents", "fault": "no_permission"}])
    audit = opened(tmp_path)
    run(sas, audit, alert_ids=sas.pick(2))
    response = lines(audit.path)[1]
    [write] = sas.writes()
    assert response["result"] == "error" and response["error_code"] == "NoPermission"
    assert response["error_kind"] == "api" and response["request_id"] == write["request_id"]
    assert response["message"].startswith("HandleSecurityEvents was refused by the service: ")
    assert "(code NoPermission, HTTP 403, request id %s)" % write["request_id"] in response["message"]


def test_whitelist_rules_and_operation_params_are_what_was_sent(sas, tmp_path):
    alert_id = sas.pick(op="advance_mark_mis_info", name="login_unusual_location")[0]
    existing = sas.kept_rules(alert_id)
    assert existing  # the data has rules for it: they must be sent again
    rules = check_rules([{"field": "loginUser", "operate": "strEqual", "value": "ops", "scope": "part"}])
    audit = opened(tmp_path)
    run(sas, audit, alert_ids=[alert_id], operation="advance_mark_mis_info", whitelist_rules=rules)
    request = lines(audit.path)[0]
    assert request["whitelist_rules"] == json.loads(sas.writes()[0]["params"]["MarkMissParam"]) == existing + [
        {"uuid": "part", "field": "loginUser", "operate": "strEqual", "fieldValue": "ops"}]

    sas.clear_requests()
    blocked = sas.pick(op="block_ip", online=True)[0]
    audit = opened(tmp_path, "block.jsonl")
    run(sas, audit, alert_ids=[blocked], operation="block_ip", operation_params={"expireTime": 1893456000000})
    assert lines(audit.path)[0]["operation_params"] == {"expireTime": 1893456000000}
    assert sas.writes()[0]["params"]["OperationParams"] == '{"expireTime":1893456000000}'
    assert lines(audit.path)[1]["result"] == "accepted"


def test_check_mode_writes_no_line(sas, tmp_path):
    audit = opened(tmp_path)
    report = run(sas, audit, check_mode=True, alert_ids=sas.pick(3))
    assert report.summary["would_handle"] == 3 and sas.writes() == []
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


def wire_calls(sas):
    return sorted(json.dumps([record["action"], record["params"]], sort_keys=True) for record in sas.requests())


def test_no_audit_no_file_and_the_same_calls(start_sas, tmp_path):
    with_trail, without = start_sas(), start_sas()  # the same data, the same task ids
    alert_ids = with_trail.pick(3)
    run(with_trail, opened(tmp_path), alert_ids=alert_ids)
    Handler(without.connection, HandleRequest("ignore", alert_ids, {}), clock=lambda: 0.0,
            sleep=lambda seconds: None).run(False)
    assert wire_calls(with_trail) == wire_calls(without)
    assert len(with_trail.writes()) == 1
    assert os.listdir(tmp_path) == ["audit.jsonl"]


def test_a_request_line_that_cannot_be_written_means_no_call(sas, tmp_path):
    audit = opened(tmp_path)
    break_the_file(audit)
    report = run(sas, audit, alert_ids=sas.pick(2))
    assert sas.writes() == []
    assert [result["outcome"] for result in report.results] == ["failed", "failed"]
    assert report.results[0]["reason"].startswith("HandleSecurityEvents not sent: audit_log %s: a handle_request "
                                                  "line could not be written" % audit.path)
    assert audit.problems and "handle_request" in audit.problems[0]


def test_a_response_line_that_cannot_be_written_is_a_problem_not_a_failure(sas, tmp_path):
    audit = opened(tmp_path)
    sas.on_request("HandleSecurityEvents", lambda params: break_the_file(audit))  # while the call is out
    report = run(sas, audit, alert_ids=sas.pick(2))
    assert report.summary["handled"] == 2 and len(sas.writes()) == 1
    assert [line["event"] for line in lines(audit.path)] == ["handle_request"]
    assert len(audit.problems) == 1 and "a handle_response line could not be written" in audit.problems[0]


class Interrupted:
    """The real connection, except that HandleSecurityEvents raises KeyboardInterrupt on the client side.

    A tiny stub on purpose: what is tested is the module's own handling of an exception that is not
    an API error (Ctrl-C, a bug) while a write is out, and no service, emulated or real, raises in the
    client's thread.
    """

    def __init__(self, connection):
        self.connection = connection

    def call(self, action, write=False, **params):
        if action == "HandleSecurityEvents":
            raise KeyboardInterrupt("secret-looking text %s" % SECRET)
        return self.connection.call(action, write=write, **params)

    def map(self, function, items, concurrency):
        return self.connection.map(function, items, concurrency)


def test_an_unexpected_exception_during_the_call_still_gets_a_response_line(sas, tmp_path):
    audit = opened(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        run(sas, audit, connection=Interrupted(sas.connection), alert_ids=sas.pick(1))
    response = lines(audit.path)[1]
    assert response["event"] == "handle_response" and response["result"] == "error"
    assert response["error_kind"] == "unexpected" and response["task_id"] is None
    assert response["message"] == ("the module stopped during the call (KeyboardInterrupt): the service may have "
                                   "acted on it")
    assert SECRET not in open(audit.path, encoding="utf-8").read()


def test_no_secret_in_the_file(sas, tmp_path):
    # a secret in the remark (it goes on the wire) and in the context is cut out of every line
    audit = opened(tmp_path, context={"note": "rotated %s" % SECRET}, secrets=(SECRET,))
    run(sas, audit, alert_ids=sas.pick(2), remark="key %s" % SECRET)
    assert sas.writes()[0]["params"]["Remark"] == "key %s" % SECRET
    text = open(audit.path, encoding="utf-8").read()
    assert SECRET not in text and text.count("********") == 4


def test_no_secret_of_an_error_text_in_the_file(tmp_path):
    # An error text that escaped redaction upstream: no emulated service echoes a secret, so the line is
    # built from such an error directly.
    audit = opened(tmp_path, secrets=(SECRET,))
    trail = request_event({"operation_code": "ignore", "security_event_ids": ["1", "2"], "operation_params": "{}"},
                          1)
    leaky = SasApiError("HandleSecurityEvents", errors.API, "bad signature for key %s" % SECRET,
                        code="SignatureDoesNotMatch", http_status=400)
    audit.record(trail)
    audit.record(response_event(trail, None, leaky, None))
    audit.close()
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


def test_appends_to_an_existing_file_and_sets_it_to_mode_0600(tmp_path):
    path = tmp_path / "audit.jsonl"
    path.write_text('{"earlier": true}\n')
    os.chmod(path, 0o644)
    AuditLog(str(path)).open(check_only=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644  # check mode changes nothing
    audit = opened(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # already when opened, before any line
    assert not os.get_inheritable(audit._fd)  # close-on-exec
    audit.record({"event": "handle_request", "alert_ids": [1]})
    audit.close()
    assert lines(path)[0] == {"earlier": True} and lines(path)[1]["alert_ids"] == [1]


def test_an_unopenable_path_is_refused_before_any_call_naming_the_option_and_path(tmp_path):
    missing = str(tmp_path / "no-such-dir" / "audit.jsonl")
    with pytest.raises(AuditLogError) as refused:
        AuditLog(missing).open()
    assert str(refused.value) == ("audit_log %s cannot be used: its directory %s does not exist; no call was made"
                                  % (missing, tmp_path / "no-such-dir"))
    with pytest.raises(AuditLogError) as refused:
        AuditLog(str(tmp_path)).open()
    assert str(refused.value) == ("audit_log %s cannot be used: it cannot be opened for appending: it is a directory, "
                                  "not a regular file; give the path of a regular file; no call was made" % tmp_path)
    with pytest.raises(AuditLogError) as refused:
        AuditLog(os.devnull).open()
    assert str(refused.value) == ("audit_log /dev/null cannot be used: it is a device, not a regular file; give the "
                                  "path of a regular file; no call was made")
    with pytest.raises(AuditLogError, match="^audit_log is empty"):
        AuditLog("")
    assert not os.path.exists(os.path.dirname(missing))


def test_record_needs_open(tmp_path):
    with pytest.raises(AuditLogError, match="is not open"):
        AuditLog(str(tmp_path / "a.jsonl")).record({"event": "handle_request"})


# --- the file: a regular file of the user's own, and nothing else -------------------------------

def refused_at_once(audit, check_only=False, unblock=lambda: None):
    """The message of open()'s refusal; open() runs in a thread that must end within 5 s (unblock frees it)."""
    outcome = []

    def attempt():
        try:
            audit.open(check_only)
        except Exception as exc:  # handed to the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():
        unblock()
        thread.join(5)
        pytest.fail("open(check_only=%s) of %s blocked" % (check_only, audit.path))
    assert outcome and isinstance(outcome[0], AuditLogError), outcome
    assert audit._fd is None
    return str(outcome[0])


def refusal(path, why):
    return "audit_log %s cannot be used: %s; no call was made" % (path, why)


def test_a_fifo_is_refused_at_once_with_or_without_a_reader(tmp_path):
    path = tmp_path / "audit.jsonl"
    os.mkfifo(path)
    reader = None

    def unblock():  # a reader lets a blocked open() of the old code return
        nonlocal reader
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)

    try:
        fifo = "it is a FIFO (named pipe), not a regular file; give the path of a regular file"
        assert refused_at_once(AuditLog(str(path)), unblock=unblock) == refusal(
            path, "it cannot be opened for appending: " + fifo)
        assert refused_at_once(AuditLog(str(path)), check_only=True, unblock=unblock) == refusal(path, fifo)
        if reader is None:
            unblock()
        assert refused_at_once(AuditLog(str(path))) == refusal(path, fifo)  # opened (a reader is there), not kept
    finally:
        if reader is not None:
            os.close(reader)


@pytest.mark.parametrize("check_only", [False, True], ids=["open", "check_only"])
def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path, check_only):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    os.chmod(victim, 0o644)
    link = tmp_path / "audit.jsonl"
    link.symlink_to(victim)
    message = refused_at_once(AuditLog(str(link)), check_only)
    assert message.startswith("audit_log %s cannot be used: " % link)
    assert "it is a symbolic link (never followed), not a regular file; give the path of a regular file" in message
    assert victim.read_text() == "precious\n" and stat.S_IMODE(os.stat(victim).st_mode) == 0o644


@pytest.mark.parametrize("check_only", [False, True], ids=["open", "check_only"])
def test_a_dangling_symbolic_link_is_refused_and_nothing_created(tmp_path, check_only):
    link = tmp_path / "audit.jsonl"
    link.symlink_to(tmp_path / "planted")
    assert "it is a symbolic link (never followed)" in refused_at_once(AuditLog(str(link)), check_only)
    assert sorted(os.listdir(tmp_path)) == ["audit.jsonl"] and os.path.islink(link)


@pytest.mark.parametrize("check_only", [False, True], ids=["open", "check_only"])
def test_a_hard_linked_file_is_refused(tmp_path, check_only):
    other = tmp_path / "other"
    other.write_text("")
    path = tmp_path / "audit.jsonl"
    os.link(other, path)
    assert refused_at_once(AuditLog(str(path)), check_only) == refusal(
        path, "it has 2 hard links, so another name writes the same file; remove the other links, or give another "
              "path")
    assert other.read_text() == ""


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
@pytest.mark.parametrize("check_only", [False, True], ids=["open", "check_only"])
def test_a_file_of_another_user_is_refused(tmp_path, check_only):
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    os.chmod(path, 0o666)
    os.chown(path, 65534, 65534)  # nobody
    assert refused_at_once(AuditLog(str(path)), check_only) == refusal(
        path, "it is owned by uid 65534, not by uid 0 that runs the module; give a path of your own, or have its "
              "owner remove it")
    assert path.read_text() == "" and stat.S_IMODE(os.stat(path).st_mode) == 0o666


def test_a_relative_path_is_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    audit = AuditLog("audit.jsonl")
    assert audit.path == str(tmp_path / "audit.jsonl")  # what every message names
    audit.open()
    audit.record({"event": "handle_request"})
    audit.close()
    assert os.listdir(tmp_path) == ["audit.jsonl"] and len(lines(tmp_path / "audit.jsonl")) == 1
    os.mkdir("sub")
    assert AuditLog("sub/../sub").path == str(tmp_path / "sub/../sub")  # not normalised: the kernel resolves it


def test_the_module_writes_a_bare_file_name_in_its_working_directory(module_env, sas, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    alert_ids = sas.pick(2)
    result = run_module(sas_alert_handle, dict(SAS_OPTIONS, endpoint=sas.url, alert_ids=alert_ids,
                                               operation="ignore", audit_log="audit.jsonl"), connect=connect)
    assert result["failed"] is False and result["summary"]["handled"] == 2
    assert [line["alert_ids"] for line in lines(tmp_path / "audit.jsonl")] == [alert_ids, alert_ids]


def test_the_module_refuses_a_link_before_any_call(module_env, sas, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "victim").write_text("")
    (tmp_path / "audit.jsonl").symlink_to(tmp_path / "victim")
    result = run_module(sas_alert_handle, dict(SAS_OPTIONS, endpoint=sas.url, alert_ids=sas.pick(2),
                                               operation="ignore", audit_log="audit.jsonl"), connect=connect)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("audit_log %s cannot be used: " % (tmp_path / "audit.jsonl"))
    assert "symbolic link" in result["msg"] and sas.requests() == []
    assert (tmp_path / "victim").read_text() == ""


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


# Every character str.splitlines() ends a line at, asked of Python itself.
LINE_BREAKS = "".join(character for character in map(chr, range(0x110000)) if character.splitlines() == [""])


def test_a_line_break_in_any_text_is_escaped_so_a_record_is_one_line(tmp_path):
    assert set("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029") <= set(LINE_BREAKS)
    remark = "line%sbreaks in Zürich 服务器" % "x".join(LINE_BREAKS)
    context = {"note": "a\u2028b\x85c\u2029d", "tags": ["\u2028"]}
    audit = opened(tmp_path, context=context)
    audit.record({"event": "handle_request", "remark": remark})
    audit.record({"event": "handle_response", "remark": remark})
    audit.close()
    text = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2  # also what lines() asserts, record by record
    assert [(line["remark"], line["note"], line["tags"]) for line in lines(audit.path)] == [
        (remark, context["note"], context["tags"])] * 2
    assert "Zürich 服务器" in text and "\\u2028" in text  # other non-ASCII text stays readable


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
