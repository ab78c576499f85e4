# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Notes in the console: one CreateSuspEventNote for each alert the run handled, sent as soon as the alert's
handling has ended so (NotePump, side by side with the rest of the run), so that someone who looks at the alert
in the console sees who handled it and why.

A note is not the handling: a note the service refuses, for permission (the RAM policy lacks
yundun-sas:CreateSuspEventNote) or otherwise, is a warning, never a failure, and never changes the alert's
outcome. Notes are write calls: at most `concurrency` at once, paced and retried by the connection like any
write (a throttled note is sent again; one whose answer was lost is not, since it may have been added), each
written down in the audit trail just before and just after the call, and none sent once the run was killed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.audit import (
    AuditLog,
    AuditLogError,
    note_request_event,
    note_response_event,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError, check_text
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    CREATE_SUSP_EVENT_NOTE,
    create_susp_event_note,
)

ADDED = "added"
WOULD_ADD = "would_add"
REFUSED = "refused"
FAILED = "failed"
SKIPPED = "skipped"
# The one table of what happened to an alert's note (results[].note; null when no note was asked), in the order
# the RETURN docs describe them.
NOTE_STATES = (ADDED, WOULD_ADD, REFUSED, FAILED, SKIPPED)

RAM_ACTION = "yundun-sas:%s" % CREATE_SUSP_EVENT_NOTE
# [GUESS] The API page gives no limit; the remark's (options.MAX_REMARK_LENGTH), which the emulator takes too.
MAX_NOTE_LENGTH = 500

# (state, why a note was refused or failed: the call's error, or the audit trail's that kept it from being sent)
NoteResult = Tuple[str, Optional[Exception]]


def check_note(note: Optional[str]) -> Optional[str]:
    """The note option: None (no note), or printable text of at most MAX_NOTE_LENGTH; blank is refused."""
    if note is not None and not note.strip():
        raise OptionError("note is empty: give the text of the note, or leave note out to add none")
    return check_text("note", note, MAX_NOTE_LENGTH)


class NoteWriter:
    """Adds one note to each of a run's handled alerts; warnings collects what the module should warn about."""

    def __init__(self, connection: Any, note: str, operation: str, concurrency: int,
                 audit: Optional[AuditLog] = None, run_alive: Callable[[], bool] = lambda: True):
        self.connection = connection
        self.note = note
        self.operation = operation  # the handling the notes are about, for the audit trail
        self.concurrency = concurrency
        self.audit = audit
        self.run_alive = run_alive
        self.warnings: List[str] = []

    def add(self, alert_ids: List[int], check_mode: bool) -> Dict[int, str]:
        """The note state of each alert; check mode sends nothing."""
        if check_mode:
            return OrderedDict((alert_id, WOULD_ADD) for alert_id in alert_ids)
        results = OrderedDict(zip(alert_ids, self.connection.map(self.add_one, alert_ids, self.concurrency)))
        self.warn(results)
        return OrderedDict((alert_id, state) for alert_id, (state, _error) in results.items())

    def add_one(self, alert_id: int) -> NoteResult:
        """One note, written down before and after the call; not sent once the run was killed, nor when its line
        before the call cannot be written (as a handling call would not be)."""
        if not self.run_alive():
            return SKIPPED, None
        trail = note_request_event(self.operation, alert_id, self.note)
        if self.audit is not None:
            try:
                self.audit.record(trail)
            except AuditLogError as exc:
                return FAILED, exc
        request_id = error = None
        try:
            request_id = create_susp_event_note(self.connection, alert_id, self.note)
        except SasApiError as exc:
            error = exc
        except BaseException as exc:
            # A bug or an interruption: the call may have gone out, so the trail says so before it propagates.
            self.write_down(note_response_event(trail, exc))
            raise
        self.write_down(note_response_event(trail, error, request_id))
        if error is None:
            return ADDED, None
        return (REFUSED if error.permission_refused else FAILED), error

    def write_down(self, event: Dict[str, Any]) -> None:
        if self.audit is not None:
            self.audit.record_or_warn(event)

    def warn(self, results: Dict[int, NoteResult]) -> None:
        """One warning for the notes refused for permission, one for each other reason a note failed."""
        refused = [alert_id for alert_id, (state, _error) in results.items() if state == REFUSED]
        if refused:
            self.warnings.append(
                "%s: the service refused the note for permission, so the RAM policy lacks %s (the alerts were "
                "handled; only their notes are missing)" % (_alerts(refused), RAM_ACTION))
        failed: OrderedDict[str, Tuple[Exception, List[int]]] = OrderedDict()
        for alert_id, (state, error) in results.items():
            if state == FAILED and error is not None:
                failed.setdefault(_reason(error), (error, []))[1].append(alert_id)
        self.warnings.extend("%s: no note added: %s" % (_alerts(ids), _described(first))
                             for first, ids in failed.values())


class NotePump:
    """Sends each alert's note as soon as its handling has ended in a success, while the run goes on: the notes'
    calls then overlap the lookups and task reads of the other alerts instead of following them all.

    writer_of(alert) is the alert's NoteWriter, or None for no note; succeeded(alert) whether it ended so. At most
    concurrency notes are in flight; the connection paces them under CreateSuspEventNote's own quota."""

    def __init__(self, writer_of: Callable[[Any], Optional[NoteWriter]], succeeded: Callable[[Any], bool],
                 concurrency: int, interval: float = 0.1):
        self.writer_of = writer_of
        self.succeeded = succeeded
        self.interval = interval
        self.pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
        self.sent: Dict[int, Future] = OrderedDict()  # alert id -> its note's call
        self.finished = threading.Event()
        self.watcher: Optional[threading.Thread] = None

    def start(self, alerts: List[Any]) -> None:
        """Watch alerts (their outcomes are set by the run's own thread) until finish."""
        self.watcher = threading.Thread(target=self._watch, args=(alerts,), name="sas-notes", daemon=True)
        self.watcher.start()

    def _watch(self, alerts: List[Any]) -> None:
        while not self.finished.wait(self.interval):
            self._send_ended(alerts)

    def _send_ended(self, alerts: List[Any]) -> None:
        for alert in alerts:
            writer = self.writer_of(alert)
            if writer is not None and alert.id not in self.sent and self.succeeded(alert):
                self.sent[alert.id] = self.pool.submit(writer.add_one, alert.id)

    def finish(self, alerts: List[Any]) -> Dict[int, NoteResult]:
        """The rest of the notes, once the run has ended every alert; each sent note's result, in sending order."""
        self.finished.set()
        if self.watcher is not None:
            self.watcher.join()
        try:
            self._send_ended(alerts)
            return OrderedDict((alert_id, future.result()) for alert_id, future in self.sent.items())
        finally:
            self.pool.shutdown(wait=True)


def _reason(error: Exception) -> str:
    """What one warning stands for: the error's code or kind (the first error's words speak for the others)."""
    if isinstance(error, SasApiError):
        return error.code or error.kind
    return type(error).__name__


def _described(error: Exception) -> str:
    return error.describe() if isinstance(error, SasApiError) else "not sent, %s" % error


def _alerts(alert_ids: List[int]) -> str:
    return "%s %s" % ("alerts" if len(alert_ids) > 1 else "alert", ", ".join(str(alert_id) for alert_id in alert_ids))
