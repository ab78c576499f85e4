"""Readings: one switch per point where Alibaba's documents, the SDK and the [3P] skill disagree or are
silent. The first value of each is the strictest reading and the default.

``Readings`` is the base of ``server.EmulatorConfig``, so each switch is a config field; the backend and the
wire layer read them from that one object, so ``POST /_emulator/config`` changes them at once and
``POST /_emulator/reset`` keeps them. Where the behaviour of a reading lives:

| reading                       | lives in     | what it changes                                            |
|-------------------------------|--------------|------------------------------------------------------------|
| status_call                   | responses.py | DescribeSecurityEventOperationStatus: both ids required?   |
| queue_ms                      | backend.py   | how long an accepted task stays Pending, its alerts at 1   |
| bad_id_in_batch               | backend.py   | one bad id refuses the whole call, or is left out          |
| alert_type_vocabulary         | backend.py   | the one vocabulary ParentEventTypes matches in             |
| id_lookup                     | responses.py | DescribeSuspEvents, no Dealed or Status: pending only?     |
| final_status                  | backend.py   | host-side operations end at the table's status, or at 16   |
| mark_miss_param               | backend.py   | advance_mark_mis_info without MarkMissParam: refused?      |
| kill_and_quara_sub_operations | backend.py   | the subOperation values kill_and_quara takes: two or six   |
| throttle_code                 | server.py    | the code and message of a throttled call (quota, fault)    |
| server_error_status           | server.py    | the HTTP status ServiceUnavailable comes with              |
| pending_order                 | backend.py   | the order of a listing SortColumn does not order           |
| suggested_sub_operation       | backend.py   | do the operations suggest a subOperation for the alert?    |
| empty_mark_miss_param         | backend.py   | MarkMissParam "[]": refused, or the alert's rules cleared  |
| note_refusal                  | server.py    | a refused note: a 200 body with Success false, or an error |
| member_alert_by_id            | backend.py   | the APIs without ResourceDirectoryAccountId: a member's?   |
| similar_empty_reads           | backend.py   | reads of a similar-events query task answered empty        |
The sources of each reading are in the README's "Readings" table.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .exceptions import ThrottlingUser
from .values import is_count

# The forms a throttled call may take (HTTP 400 each), code -> message: Throttling.User, Throttling and
# Throttling.Api are the gateway's common error codes [DOC]; Rejected.Throttling is the code Alibaba Cloud's KMS
# clients retry on, "QPS Limit Exceeded" [3P]. The Terraform provider retries any code holding "Throttling" [3P].
THROTTLE_MESSAGES = {
    ThrottlingUser.code: ThrottlingUser.message,
    "Rejected.Throttling": "QPS Limit Exceeded",
    "Throttling": "Request was denied due to request throttling.",
    "Throttling.Api": "Request was denied due to api flow control.",
}

# name -> its values, strictest (the default) first; the INTEGER_READINGS are integers >= 0 instead.
READING_CHOICES: dict[str, tuple[str, ...]] = {
    "status_call": ("both_required", "either"),
    "bad_id_in_batch": ("refuse", "drop"),
    "alert_type_vocabulary": ("zh", "en", "code"),
    "id_lookup": ("some", "all"),
    "final_status": ("table", "processing"),
    "mark_miss_param": ("required", "optional"),
    "kill_and_quara_sub_operations": ("two", "six"),
    "throttle_code": tuple(THROTTLE_MESSAGES),
    # ServiceUnavailable at 503 [DOC]; a gateway or load balancer in front answers 502 or 504, some services 500.
    "server_error_status": ("503", "502", "504", "500"),
    # SortColumn/SortType order handled alerts only [SDK]: a pending listing's order is undocumented. The default,
    # oldest first, puts a new alert on the last page: the order that broke a reader stopping at a page with nothing
    # new. shuffled is stricter still for paging, but reshuffles at every change, which a chaos run makes constant.
    "pending_order": ("oldest", "newest", "id", "shuffled"),
    # No document says DescribeSecurityEventOperations suggests a subOperation. The default is the suggestion the
    # emulator always made; neither is stricter: a client that always sends the default loses under yes, where
    # the suggestion (quarantine only once the process is gone) succeeds and the default fails.
    "suggested_sub_operation": ("yes", "no"),
    # The service replaces an alert's rules with MarkMissParam [3P]; whether an empty list is refused or clears them
    # is undocumented.
    "empty_mark_miss_param": ("refused", "clears"),
    # CreateSuspEventNote answers Success, Code and HttpStatusCode in its body ("Code 200 means success, another value
    # failure") [DOC], and its page lists error codes with HTTP statuses [DOC]: how the service refuses a note is not
    # said. in_body, the default, is stricter: a client that only catches errors would count a refused note as added.
    "note_refusal": ("in_body", "as_error"),
    # DescribeSecurityEventOperations, DescribeSecurityEventOperationStatus, DescribeSimilarEventScenarios and
    # DescribeSimilarSecurityEvents take no ResourceDirectoryAccountId [SDK 10.3.2], unlike the other alert APIs:
    # whether they find a member's alert or task by its id alone is not documented. refused, the default, is
    # stricter: a client that relies on it cannot handle a member's alerts.
    "member_alert_by_id": ("refused", "found"),
}
STRICTEST = {name: values[0] for name, values in READING_CHOICES.items()}  # the defaults
INTEGER_READINGS = ("queue_ms", "similar_empty_reads")
DEFAULT_QUEUE_MS = 0  # [GUESS] no delay: clients that poll on a fake clock cannot wait out a real-time queue
# CreateSimilarSecurityEventsQueryTask is a task (New, RetrievingData, ... [SDK]), and no API reports its status:
# whether DescribeSimilarSecurityEvents answers at once is undocumented. The default, the first read of a task empty,
# is stricter than none: a client that takes the first answer for the group finds no similar alert. Counted in reads,
# not in time, so a client polling on a fake clock meets it too.
DEFAULT_SIMILAR_EMPTY_READS = 1


@dataclass(kw_only=True)
class Readings:
    status_call: str = STRICTEST["status_call"]
    queue_ms: int = DEFAULT_QUEUE_MS
    bad_id_in_batch: str = STRICTEST["bad_id_in_batch"]
    alert_type_vocabulary: str = STRICTEST["alert_type_vocabulary"]
    id_lookup: str = STRICTEST["id_lookup"]
    final_status: str = STRICTEST["final_status"]
    mark_miss_param: str = STRICTEST["mark_miss_param"]
    kill_and_quara_sub_operations: str = STRICTEST["kill_and_quara_sub_operations"]
    throttle_code: str = STRICTEST["throttle_code"]
    server_error_status: str = STRICTEST["server_error_status"]
    pending_order: str = STRICTEST["pending_order"]
    suggested_sub_operation: str = STRICTEST["suggested_sub_operation"]
    empty_mark_miss_param: str = STRICTEST["empty_mark_miss_param"]
    note_refusal: str = STRICTEST["note_refusal"]
    member_alert_by_id: str = STRICTEST["member_alert_by_id"]
    similar_empty_reads: int = DEFAULT_SIMILAR_EMPTY_READS

    def __post_init__(self) -> None:
        for name in READING_NAMES:
            setattr(self, name, check_reading(name, getattr(self, name)))

    def readings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in READING_NAMES}


READING_NAMES = tuple(f.name for f in fields(Readings))


def check_reading(name: str, value: Any) -> Any:
    """The value of reading ``name``, checked; ValueError naming the reading or the value when either is
    unknown (the control plane answers it as a 400)."""
    if name in INTEGER_READINGS:
        if not is_count(value) or value < 0:
            raise ValueError(f"reading {name}: {value!r} is not an integer >= 0")
        return value
    choices = READING_CHOICES.get(name)
    if choices is None:
        raise ValueError(f"unknown reading {name!r}; the readings are {', '.join(READING_NAMES)}")
    if value not in choices:
        raise ValueError(f"reading {name}: unknown value {value!r}; use one of {', '.join(choices)}")
    return value


def parse_assignment(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` (the --reading option) -> (name, checked value); ValueError naming what is wrong."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"{text!r} is not NAME=VALUE")
    name, value = name.strip(), value.strip()
    if name in INTEGER_READINGS and value.isdigit():
        return name, check_reading(name, int(value))
    return name, check_reading(name, value)
