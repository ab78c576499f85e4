# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit trail of sas_alert_handle: one JSON line just before and one just after each write call
(HandleSecurityEvents: handle_request, handle_response; CreateSuspEventNote: note_request, note_response).

A run killed at any moment leaves a trail that names every alert it may have written: a request
line without its response line is a call whose answer nobody saw. The trail is a record for
people; the module never reads it back (the next run reads the service).
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import json
import os
import stat
import threading
import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, redact

REQUEST_EVENT = "handle_request"
RESPONSE_EVENT = "handle_response"
NOTE_REQUEST_EVENT = "note_request"
NOTE_RESPONSE_EVENT = "note_response"
ACCEPTED = "accepted"
ERROR = "error"
# error_kind of a response line when the module itself raised (not a SasApiError): the call may have gone out.
UNEXPECTED = "unexpected"

# The module's own keys, in the order a line shows them; audit_context may not reuse one.
REQUEST_KEYS = ("time", "event", "operation", "alert_ids", "operation_params", "remark", "whitelist_rules",
                "attempt")
RESPONSE_KEYS = ("task_id", "result", "error_code", "error_kind", "message", "request_id")
NOTE_KEYS = ("note_text",)  # not "note": a natural audit_context key, which earlier versions let users take
# The member account the calls were about (resource_directory_account_id), on every line of a member's run: one
# trail may hold the writes of many accounts, and the service's request log is the member's, not the caller's.
MEMBER_KEY = "resource_directory_account_id"
RESERVED_KEYS = REQUEST_KEYS + RESPONSE_KEYS + NOTE_KEYS + (MEMBER_KEY,)

FILE_MODE = 0o600
# O_APPEND: every write lands at the end, even with other processes appending; CLOEXEC: no child inherits it;
# NOFOLLOW: a link planted at the path is refused, not followed; NONBLOCK: a FIFO there cannot stall the open
# (no effect on the regular file the trail must be).
OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
# What an unfit path is, by the first letter of stat.filemode().
FILE_KINDS = {"l": "a symbolic link (never followed)", "d": "a directory", "p": "a FIFO (named pipe)",
              "s": "a socket", "c": "a device", "b": "a device"}
# Characters str.splitlines() ends a line at that json.dumps(ensure_ascii=False) leaves raw (it escapes
# the others, all below U+0020): escaped, a record is one line for every reader.
LINE_BREAK_ESCAPES = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class AuditLogError(Exception):
    """audit_log or audit_context cannot be used; the message names the option (and the path)."""


def check_context(context: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """audit_context as the fields to add to every line; a key of the module's own is refused."""
    fields = dict(context or {})
    for key in fields:
        if key in RESERVED_KEYS:
            raise AuditLogError("audit_context key %r collides with a field the module writes itself (%s): "
                                "rename it" % (key, ", ".join(RESERVED_KEYS)))
    try:
        json.dumps(fields)
    except (TypeError, ValueError) as exc:
        raise AuditLogError("audit_context must hold JSON values (strings, numbers, lists, dicts): %s" % exc) from None
    return fields


def json_line(fields: Mapping[str, Any]) -> str:
    """fields as one line of JSON: non-ASCII text kept readable, every line break escaped."""
    return json.dumps(fields, ensure_ascii=False).translate(LINE_BREAK_ESCAPES)


def unfit_file(info: os.stat_result) -> Optional[str]:
    """Why the existing file of info (an lstat or fstat) may not hold the trail, and what to do; None if fit."""
    kind = FILE_KINDS.get(stat.filemode(info.st_mode)[0])
    if kind is not None:
        return "it is %s, not a regular file; give the path of a regular file" % kind
    if info.st_uid != os.geteuid():
        return ("it is owned by uid %d, not by uid %d that runs the module; give a path of your own, or have its "
                "owner remove it" % (info.st_uid, os.geteuid()))
    if info.st_nlink != 1:
        return ("it has %d hard links, so another name writes the same file; remove the other links, or give "
                "another path" % info.st_nlink)
    return None


def utc_timestamp(seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds and Z, e.g. 2026-05-04T09:12:33.250Z."""
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def request_event(params: Mapping[str, Any], attempt: int) -> Dict[str, Any]:
    """The request line's fields, read from the HandleSecurityEvents parameters as they are sent."""
    mark_miss_param = params.get("mark_miss_param")
    return {
        "event": REQUEST_EVENT,
        "operation": params["operation_code"],
        "alert_ids": [int(alert_id) for alert_id in params["security_event_ids"]],
        "operation_params": json.loads(params["operation_params"]),
        "remark": params.get("remark"),
        "whitelist_rules": json.loads(mark_miss_param) if mark_miss_param else None,
        "attempt": attempt,
    }


def response_event(request: Mapping[str, Any], task_id: Optional[int], error: Optional[BaseException],
                   request_id: Optional[str] = None) -> Dict[str, Any]:
    """The response line: the request's fields again (a line stands alone), then the result.

    error is the SasApiError of the call, or anything else the module raised during it (UNEXPECTED).
    """
    return dict(request, event=RESPONSE_EVENT, task_id=task_id, **call_result(error, request_id))


def call_result(error: Optional[BaseException], request_id: Optional[str]) -> Dict[str, Any]:
    """The result fields of a line written after a write call: accepted, or the error (see response_event)."""
    fields = {"result": ACCEPTED if error is None else ERROR, "error_code": None, "error_kind": None,
              "message": None, "request_id": request_id}
    if isinstance(error, SasApiError):
        fields.update(error_code=error.code, error_kind=error.kind, request_id=error.request_id or request_id,
                      message=error.describe())  # describe() holds no secret (errors.py redacts)
    elif error is not None:
        # Only the class name: the text of an arbitrary exception was never checked for secrets.
        fields.update(error_kind=UNEXPECTED, message="the module stopped during the call (%s): the service may "
                                                     "have acted on it" % type(error).__name__)
    return fields


def note_request_event(operation: str, alert_id: int, note: str) -> Dict[str, Any]:
    """The line before a CreateSuspEventNote call: the operation the alert was handled with, the alert (in
    alert_ids, as every line names its alerts) and the note sent."""
    return {"event": NOTE_REQUEST_EVENT, "operation": operation, "alert_ids": [int(alert_id)], "note_text": note}


def note_response_event(request: Mapping[str, Any], error: Optional[BaseException],
                        request_id: Optional[str] = None) -> Dict[str, Any]:
    """The line after a CreateSuspEventNote call: the request's fields again, then the result (call_result)."""
    return dict(request, event=NOTE_RESPONSE_EVENT, **call_result(error, request_id))


# The line written when the module stops sending because its run was killed (run_watch): the alerts of the
# batches it did not send, and why.
STOPPED_EVENT = "handle_stopped"


def stopped_event(operation: str, alert_ids: Iterable[int], why: str) -> Dict[str, Any]:
    """The stop line's fields: the operation, the alerts not sent, and why in message."""
    return {"event": STOPPED_EVENT, "operation": operation, "alert_ids": [int(alert_id) for alert_id in alert_ids],
            "message": why}


class AuditLog:
    """An append-only JSON-lines file: open() checks it before any call, record() writes one line."""

    def __init__(self, path: str, context: Optional[Mapping[str, Any]] = None, secrets: Iterable[str] = (),
                 wall_clock: Callable[[], float] = time.time, sync: bool = True):
        if not path:
            raise AuditLogError("audit_log is empty: give the path of a file, or leave the option out")
        self.path = os.path.join(os.getcwd(), path)  # a relative path is in the working directory; not normalised
        self.context = check_context(context)
        self.secrets = tuple(secrets)  # cut out of every line, a guard behind fields that hold none
        self.member_account: Optional[int] = None  # the member account of the calls, known once connected
        self.wall_clock = wall_clock
        self.sync = sync
        self.problems: List[str] = []  # lines that could not be written, for the module's warnings
        self._fd: Optional[int] = None
        # Notes are written from several threads of one process, which flock does not keep apart (one open file).
        self._lock = threading.Lock()

    def open(self, check_only: bool = False) -> None:
        """Open for appending (create with mode 0600), or with check_only only check that it could be.

        Either way a link, a FIFO, a device, another user's file or a hard-linked one is refused.
        """
        if check_only:
            self._check_writable()  # check mode: nothing is created, opened or changed
            return
        try:
            fd = os.open(self.path, OPEN_FLAGS, FILE_MODE)
        except OSError as exc:
            raise self._refusal(exc) from None
        try:
            info = os.fstat(fd)  # the file opened, whatever the path names by now
            self._refuse_unfit(info)
            self._make_private(fd, info)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _refuse_unfit(self, info: os.stat_result) -> None:
        problem = unfit_file(info)
        if problem is not None:
            raise self._refused(problem)

    def _make_private(self, fd: int, info: os.stat_result) -> None:
        """Mode 0600 on the open file, whatever mode it had."""
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            try:
                os.fchmod(fd, FILE_MODE)  # the trail names alerts and hosts: only its owner reads it
            except OSError as exc:
                raise self._refused("its mode %04o cannot be set to 0600 (%s); set it yourself"
                                    % (stat.S_IMODE(info.st_mode), exc.strerror or exc)) from None

    def _check_writable(self) -> None:
        """What open() would refuse, found without opening, creating or following anything."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            self._check_directory()
            return
        except OSError as exc:
            raise self._refusal(exc) from None
        self._refuse_unfit(info)
        if not os.access(self.path, os.W_OK, follow_symlinks=False):
            raise self._refused("it is not writable; make it writable for its owner, or give another path")

    def _check_directory(self) -> None:
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            raise self._refused("its directory %s does not exist" % directory)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise self._refused("its directory %s is not writable" % directory)

    def _refusal(self, exc: OSError) -> AuditLogError:
        """The refusal for an open() or lstat() that failed: the kind of file there, else the system's reason."""
        directory = os.path.dirname(self.path)
        if isinstance(exc, FileNotFoundError) and not os.path.isdir(directory):
            return self._refused("its directory %s does not exist" % directory)
        try:
            problem = unfit_file(os.lstat(self.path))  # a link (ELOOP), a FIFO with no reader (ENXIO), ...
        except OSError:
            problem = None
        if problem is None:
            problem = "%s; give a path the user running the module can write" % (exc.strerror or exc)
        return self._refused("it cannot be opened for appending: %s" % problem)

    def _refused(self, why: str) -> AuditLogError:
        return AuditLogError("audit_log %s cannot be used: %s; no call was made" % (self.path, why))

    def record(self, event: Mapping[str, Any]) -> None:
        """Append one line: the time, event's fields, then the audit_context fields. AuditLogError if it fails."""
        if self._fd is None:
            raise AuditLogError("audit_log %s is not open" % self.path)
        line: Dict[str, Any] = {"time": utc_timestamp(self.wall_clock())}
        line.update(event)
        if self.member_account is not None:
            line[MEMBER_KEY] = self.member_account
        line.update(self.context)
        text = redact(json_line(line), self.secrets) + "\n"
        # backslashreplace turns a lone surrogate into its JSON escape instead of failing the line
        data = text.encode("utf-8", "backslashreplace")
        try:
            with self._lock:
                self._append(data)
            if self.sync:
                os.fsync(self._fd)  # the request line must survive a host crash during the call it announces
        except OSError as exc:
            problem = "audit_log %s: a %s line could not be written (%s)" % (
                self.path, event.get("event"), exc.strerror or exc)
            self.problems.append(problem)
            raise AuditLogError(problem) from None

    def record_or_warn(self, event: Mapping[str, Any]) -> None:
        """record(), for a line after a call was made: one that cannot be written stops nothing, it is only a
        warning (problems)."""
        try:
            self.record(event)
        except AuditLogError:
            pass

    def _append(self, data: bytes) -> None:
        """Write data at the end of the file, whole, whatever other processes append meanwhile."""
        fd = self._fd
        # Other forks may append to the same file: the lock keeps each line whole.
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            written = os.write(fd, data)
            while written < len(data):  # a short write (disk nearly full): finish the line while locked
                more = os.write(fd, data[written:])
                if not more:
                    raise OSError(errno.ENOSPC, "short write")
                written += more
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
