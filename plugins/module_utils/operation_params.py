# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operation codes of HandleSecurityEvents and the OperationParams each one needs.

Sources: the HandleSecurityEvents reference and the SDK unless marked [3P] or [GUESS] (tags: service_facts.py).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, NamedTuple, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    FALSE_POSITIVE_STATUS,
    HANDLED_STATUS,
    IGNORED_STATUS,
    PENDING_STATUS,
)

# The subOperation values of kill_and_quara ([DOC] zh HandleSecurityEvents), of virus_quara ([SDK]
# HandleSimilarSecurityEvents comment) and of virus_quara_bin ([3P], one fixed value).
QUARA_FILE = "quaraFileByMd5andPath"
_KILL_AND_QUARA_SUB_OPERATIONS = (
    "killAndQuaraFileByMd5andPath",
    "killByMd5andPath",
    "killAndQuaraFileByPidAndMd5andPath",
    QUARA_FILE,
    "killProcessByPidandPathandCmdline",
    "killContainerProcessByMd5AndPath",
)
# The one operation the code branches on by name: it takes whitelist rules (MarkMissParam).
ADVANCE_MARK_MIS_INFO = "advance_mark_mis_info"

# OperationParams keys.
EXPIRE_TIME_KEY = "expireTime"  # an operation that takes block_duration: epoch milliseconds when it ends
SUB_OPERATION_KEY = "subOperation"


class Operation(NamedTuple):
    """One OperationCode of HandleSecurityEvents and what sas_alert_handle knows about it."""

    code: str
    source: str  # who names the code: SDK, DOC (API reference), 3P (third-party material only)
    status_after: Optional[int] = HANDLED_STATUS  # EventStatus once it succeeded; None: unchanged
    sub_operations: Tuple[str, ...] = ()  # subOperation values, the default first (default_sub_operation)
    options: Tuple[str, ...] = ()  # sas_alert_handle options it takes beside remark (and sub_operation)
    acts_on_host: bool = False  # acts on the server or container; the triage lists these apart
    undo: bool = False  # undoes handling: it acts on alerts no longer pending, so it needs force
    refused: Optional[str] = None  # why sas_alert_handle refuses to send it; None: accepted


# Every operation code, one entry each; everything else in this module is derived from it. The
# status_after values are [GUESS] beyond ignore -> ignored and the whitelist operations ->
# false_positive; the emulator keeps its own table and a unit test checks that the two agree.
OPERATIONS: Tuple[Operation, ...] = (
    Operation("block_ip", "SDK DOC 3P", options=("block_duration", "expire_time"), acts_on_host=True),
    Operation("kill_and_quara", "SDK DOC 3P", sub_operations=_KILL_AND_QUARA_SUB_OPERATIONS, acts_on_host=True),
    Operation("virus_quara", "SDK DOC 3P", sub_operations=(QUARA_FILE,), acts_on_host=True),
    # quarantine when the process is already gone
    Operation("virus_quara_bin", "3P", sub_operations=(QUARA_FILE,), acts_on_host=True),
    Operation("quara", "SDK DOC", acts_on_host=True),
    Operation("kill_process", "SDK DOC", acts_on_host=True),
    Operation("cleanup", "SDK DOC", acts_on_host=True),
    Operation("ignore", "SDK DOC", status_after=IGNORED_STATUS),
    Operation("manual_handled", "SDK DOC"),
    Operation("cancle_manual", "SDK 3P", status_after=PENDING_STATUS, undo=True),  # sic: the API's spelling
    Operation(ADVANCE_MARK_MIS_INFO, "SDK DOC 3P", status_after=FALSE_POSITIVE_STATUS, options=("whitelist_rules",)),
    Operation("mark_mis_info", "DOC 3P", status_after=FALSE_POSITIVE_STATUS),
    Operation("rm_mark_mis_info", "SDK DOC", status_after=PENDING_STATUS, undo=True),
    Operation("defense_mark_mis_info", "SDK 3P", status_after=FALSE_POSITIVE_STATUS),
    Operation("rm_defense_mark_mis_info", "SDK", status_after=None, undo=True),
    Operation("disable_malicious_defense", "SDK DOC", acts_on_host=True),
    Operation("offline_handled", "SDK DOC"),
    Operation("stop_container", "3P", acts_on_host=True),
    Operation("kill_container_process", "3P", acts_on_host=True),
    # [3P]: "not supported via CLI"; console only
    Operation("client_problem_check", "SDK DOC", status_after=None,
              refused="it starts an agent troubleshooting session that a person runs from the Security Center "
                      "console; it cannot be automated"),
)
OPERATIONS_BY_CODE = {operation.code: operation for operation in OPERATIONS}

# The choices of sas_alert_handle's operation: refused codes too, so that the module says why it
# refuses one rather than only that it is not a choice.
OPERATION_CHOICES = tuple(operation.code for operation in OPERATIONS)
# What sas_alert_handle sends; the service still decides per alert (DescribeSecurityEventOperations).
OPERATION_CODES = tuple(operation.code for operation in OPERATIONS if operation.refused is None)
REFUSED_OPERATIONS = {operation.code: operation.refused for operation in OPERATIONS if operation.refused}
UNDO_OPERATIONS = tuple(operation.code for operation in OPERATIONS if operation.undo)
HOST_OPERATIONS = tuple(operation.code for operation in OPERATIONS if operation.acts_on_host)
SUB_OPERATIONS = {operation.code: operation.sub_operations for operation in OPERATIONS if operation.sub_operations}


def friendly_options(operation: str) -> Tuple[str, ...]:
    """The sas_alert_handle options, beside alert_ids and operation, that operation takes."""
    entry = OPERATIONS_BY_CODE[operation]
    return ("remark",) + entry.options + (("sub_operation",) if entry.sub_operations else ())


def operations_taking(option: str) -> Tuple[str, ...]:
    """The operation codes that take a friendly option, such as block_duration or sub_operation."""
    return tuple(code for code in OPERATION_CODES if option in friendly_options(code))


_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
# [GUESS] No source states the longest block the service takes; blocks end within 30 days here, so that a
# typo (99999d, year 9999) never becomes a block for ever. A longer block belongs in an IP blocking policy.
MAX_BLOCK_DAYS = 30
MAX_BLOCK_MILLIS = MAX_BLOCK_DAYS * 86400 * 1000
# Beside MAX_BLOCK_MILLIS: the clock of the host that built an expireTime may run ahead of this one.
_CLOCK_SLACK_MILLIS = 60 * 1000


def refuse_unknown_operation(operation: str) -> None:
    """Raise OptionError unless operation is one sas_alert_handle may send."""
    if operation in REFUSED_OPERATIONS:
        raise OptionError("operation=%s is refused: %s" % (operation, REFUSED_OPERATIONS[operation]))
    if operation not in OPERATION_CODES:
        raise OptionError("operation=%r is not an operation code the service documents; use one of: %s"
                          % (operation, ", ".join(OPERATION_CODES)))


def duration_seconds(text: Any) -> Optional[int]:
    """Seconds in <n>m, <n>h or <n>d (90m, 6h, 7d), or None when text is no such duration."""
    match = _DURATION.match(str(text))
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)] if match else None


def parse_duration(text: str) -> int:
    """Seconds in a block duration such as 6h, 1d, 7d, 30d or 90m, at most MAX_BLOCK_DAYS."""
    seconds = duration_seconds(text)
    if not seconds:
        raise OptionError("block_duration=%r is not a duration: use <n>m, <n>h or <n>d with n at least 1, "
                          "for example 6h, 1d, 7d or 30d" % (text,))
    if seconds > MAX_BLOCK_MILLIS // 1000:
        raise OptionError("block_duration=%r is longer than %d days, the longest block sent: use at most %dd"
                          % (text, MAX_BLOCK_DAYS, MAX_BLOCK_DAYS))
    return seconds


def parse_expire_time(text: str, now_ms: int) -> int:
    """Epoch milliseconds of an ISO 8601 time in the future (no offset means UTC)."""
    value = str(text).strip()
    if value[-1:] in ("Z", "z"):  # fromisoformat before Python 3.11 does not take Z
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        millis = int(moment.timestamp() * 1000)
    except (ValueError, OverflowError):
        raise OptionError("expire_time=%r is not an ISO 8601 time: use for example 2026-12-31T23:00:00+08:00 "
                          "(no offset means UTC), or block_duration" % (text,)) from None
    now = datetime.datetime.fromtimestamp(now_ms / 1000.0, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if millis <= now_ms:
        raise OptionError("expire_time=%r is in the past (now is %s UTC): give a future time, or use "
                          "block_duration" % (text, now))
    if millis > now_ms + MAX_BLOCK_MILLIS:
        raise OptionError("expire_time=%r is more than %d days from now (now is %s UTC), beyond the longest block "
                          "sent: give an earlier time" % (text, MAX_BLOCK_DAYS, now))
    return millis


def params_keys(operation: str) -> Tuple[str, ...]:
    """The OperationParams keys operation takes (HandleSecurityEvents OperationParams)."""
    takes = friendly_options(operation)
    return ((EXPIRE_TIME_KEY,) if "block_duration" in takes else ()) + \
        ((SUB_OPERATION_KEY,) if "sub_operation" in takes else ())


def check_params_keys(operation: str, params: Dict[str, Any]) -> None:
    """Refuse an OperationParams key operation does not take: the service would ignore it, or worse."""
    allowed = params_keys(operation)
    takes = ", ".join(allowed) if allowed else "none (leave operation_params out)"
    for key in params:
        if key not in allowed:
            raise OptionError("operation_params.%s is not a parameter of operation=%s; it takes %s"
                              % (key, operation, takes))


def check_force(operation: str, force: bool) -> None:
    """An operation that undoes handling acts only on alerts no longer pending: without force it could do nothing."""
    if OPERATIONS_BY_CODE[operation].undo and not force:
        raise OptionError("operation=%s undoes handling, so it acts on alerts that are no longer pending: set "
                          "force=true to run it" % operation)


def build_operation_params(operation: str, operation_params: Optional[Dict[str, Any]],
                           block_duration: Optional[str], expire_time: Optional[str],
                           sub_operation: Optional[str], now_ms: int) -> Dict[str, Any]:
    """OperationParams for operation from the raw dict or its friendly forms, checked as HandleSecurityEvents says."""
    refuse_unknown_operation(operation)
    takes = friendly_options(operation)
    params = dict(operation_params or {})
    check_params_keys(operation, params)
    for option, value in (("block_duration", block_duration), ("expire_time", expire_time)):
        if value is not None and option not in takes:
            raise OptionError("%s is only for operation=%s, not operation=%s"
                              % (option, "/".join(operations_taking(option)), operation))
    if sub_operation is not None and "sub_operation" not in takes:
        raise OptionError("sub_operation is only for operation=%s; operation=%s takes none"
                          % ("/".join(operations_taking("sub_operation")), operation))

    if "block_duration" in takes:  # an operation that ends: OperationParams.expireTime
        if block_duration is not None:
            params[EXPIRE_TIME_KEY] = now_ms + parse_duration(block_duration) * 1000
        elif expire_time is not None:
            params[EXPIRE_TIME_KEY] = parse_expire_time(expire_time, now_ms)
        expire = params.get(EXPIRE_TIME_KEY)
        if expire is None:
            raise OptionError("operation=%s needs block_duration (6h, 1d, 7d, 30d or any <n>[mhd]) or "
                              "expire_time (ISO 8601)" % operation)
        if isinstance(expire, bool) or not isinstance(expire, int) or not now_ms < expire <= \
                now_ms + MAX_BLOCK_MILLIS + _CLOCK_SLACK_MILLIS:
            raise OptionError("operation_params.expireTime must be a time in epoch milliseconds within the next "
                              "%d days (now is %d), got %r" % (MAX_BLOCK_DAYS, now_ms, expire))
    elif "sub_operation" in takes:
        allowed = OPERATIONS_BY_CODE[operation].sub_operations
        chosen = sub_operation or params.get(SUB_OPERATION_KEY) or \
            (default_sub_operation(operation) if len(allowed) == 1 else None)
        if chosen is None:
            return params  # each alert takes the one the service suggests for it (handling.plan_sub_operation)
        if chosen not in allowed:
            raise OptionError("sub_operation=%r is not valid for operation=%s: use one of %s, or leave it out to "
                              "use the one the service suggests for each alert"
                              % (chosen, operation, ", ".join(allowed)))
        params[SUB_OPERATION_KEY] = chosen
    return params


def default_sub_operation(operation: str) -> str:
    """The subOperation sent when neither the user nor the service names one: the first of the operation's values
    (kill_and_quara: killAndQuaraFileByMd5andPath, the default of the [3P] alert-handling workflow)."""
    return OPERATIONS_BY_CODE[operation].sub_operations[0]


def suggested_sub_operation(offered_params: Any) -> Optional[str]:
    """The subOperation the service suggests for one alert (its DescribeSecurityEventOperations OperationParams),
    known to this collection or not; None when it suggests none (no document says it always does)."""
    value = offered_params.get(SUB_OPERATION_KEY) if isinstance(offered_params, dict) else None
    return None if value in (None, "") else str(value)


def to_json(value: Any) -> str:
    """The compact JSON the service's examples use, keys in a stable order."""
    return json.dumps(value, separators=(",", ":"), sort_keys=isinstance(value, dict))


def status_after_success(operation: str, status_before: int) -> int:
    """The EventStatus the alert has once operation succeeded on it."""
    entry = OPERATIONS_BY_CODE.get(operation)
    after = HANDLED_STATUS if entry is None else entry.status_after
    return status_before if after is None else after
