# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operation codes of HandleSecurityEvents and the OperationParams each one needs.

Sources are sections of shared/SAS_API.md: [SDK]/[DOC] facts unless marked [3P] or [GUESS].
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.api import (
    FALSE_POSITIVE_STATUS,
    HANDLED_STATUS,
    IGNORED_STATUS,
    PENDING_STATUS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError

# §3.3 OperationCode values.
BLOCK_IP = "block_ip"
KILL_AND_QUARA = "kill_and_quara"
VIRUS_QUARA = "virus_quara"
VIRUS_QUARA_BIN = "virus_quara_bin"  # [3P]: quarantine when the process is already gone
QUARA = "quara"
KILL_PROCESS = "kill_process"
CLEANUP = "cleanup"
IGNORE = "ignore"
MANUAL_HANDLED = "manual_handled"
CANCEL_MANUAL = "cancle_manual"  # sic: the API's spelling
ADVANCE_MARK_MIS_INFO = "advance_mark_mis_info"
MARK_MIS_INFO = "mark_mis_info"
RM_MARK_MIS_INFO = "rm_mark_mis_info"
DEFENSE_MARK_MIS_INFO = "defense_mark_mis_info"
RM_DEFENSE_MARK_MIS_INFO = "rm_defense_mark_mis_info"
DISABLE_MALICIOUS_DEFENSE = "disable_malicious_defense"
OFFLINE_HANDLED = "offline_handled"
STOP_CONTAINER = "stop_container"  # [3P]
KILL_CONTAINER_PROCESS = "kill_container_process"  # [3P]
CLIENT_PROBLEM_CHECK = "client_problem_check"

# What sas_alert_handle accepts; the service still decides per alert (DescribeSecurityEventOperations).
OPERATION_CODES = (
    BLOCK_IP, KILL_AND_QUARA, VIRUS_QUARA, VIRUS_QUARA_BIN, QUARA, KILL_PROCESS, CLEANUP, IGNORE,
    MANUAL_HANDLED, CANCEL_MANUAL, ADVANCE_MARK_MIS_INFO, MARK_MIS_INFO, RM_MARK_MIS_INFO,
    DEFENSE_MARK_MIS_INFO, RM_DEFENSE_MARK_MIS_INFO, DISABLE_MALICIOUS_DEFENSE, OFFLINE_HANDLED,
    STOP_CONTAINER, KILL_CONTAINER_PROCESS,
)
# Documented codes that are refused, and why ([3P]: "not supported via CLI", console only).
REFUSED_OPERATIONS = {
    CLIENT_PROBLEM_CHECK: "it starts an agent troubleshooting session that a person runs from the Security "
                          "Center console; it cannot be automated",
}
# Operations that act on alerts already handled: they need force, since only pending alerts are sent.
UNDO_OPERATIONS = (CANCEL_MANUAL, RM_MARK_MIS_INFO, RM_DEFENSE_MARK_MIS_INFO)

# Operations that act on the server or container itself (block, kill, quarantine, clean, stop,
# disable a defense); the triage lists them apart in its plan, since they touch production hosts.
HOST_OPERATIONS = (
    BLOCK_IP, KILL_AND_QUARA, VIRUS_QUARA, VIRUS_QUARA_BIN, QUARA, KILL_PROCESS, CLEANUP,
    STOP_CONTAINER, KILL_CONTAINER_PROCESS, DISABLE_MALICIOUS_DEFENSE,
)

# §3.3 subOperation values: kill_and_quara [DOC zh HandleSecurityEvents]; virus_quara [SDK
# HandleSimilarSecurityEvents comment]; virus_quara_bin [3P] (one fixed value).
QUARA_FILE = "quaraFileByMd5andPath"
SUB_OPERATIONS = {
    KILL_AND_QUARA: (
        "killAndQuaraFileByMd5andPath",
        "killByMd5andPath",
        "killAndQuaraFileByPidAndMd5andPath",
        QUARA_FILE,
        "killProcessByPidandPathandCmdline",
        "killContainerProcessByMd5AndPath",
    ),
    VIRUS_QUARA: (QUARA_FILE,),
    VIRUS_QUARA_BIN: (QUARA_FILE,),
}

# §3.3 OperationParams keys.
EXPIRE_TIME_KEY = "expireTime"  # block_ip: epoch milliseconds when the block ends
SUB_OPERATION_KEY = "subOperation"


def friendly_options(operation: str) -> tuple:
    """The sas_alert_handle options, beside alert_ids and operation, that operation takes."""
    options = ["remark"]
    if operation == BLOCK_IP:
        options += ["block_duration", "expire_time"]
    if operation in SUB_OPERATIONS:
        options.append("sub_operation")
    if operation == ADVANCE_MARK_MIS_INFO:
        options.append("whitelist_rules")
    return tuple(options)


# §3.1 EventStatus an alert has once the operation succeeded ([GUESS] beyond ignore -> ignored and
# the whitelist operations -> false_positive; the emulator's backend.py uses the same table).
# None: unchanged.
STATUS_AFTER_SUCCESS = {
    IGNORE: IGNORED_STATUS,
    ADVANCE_MARK_MIS_INFO: FALSE_POSITIVE_STATUS,
    MARK_MIS_INFO: FALSE_POSITIVE_STATUS,
    DEFENSE_MARK_MIS_INFO: FALSE_POSITIVE_STATUS,
    RM_MARK_MIS_INFO: PENDING_STATUS,
    CANCEL_MANUAL: PENDING_STATUS,
    RM_DEFENSE_MARK_MIS_INFO: None,
}  # every other operation: HANDLED_STATUS

_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


def refuse_unknown_operation(operation: str) -> None:
    """Raise OptionError unless operation is one sas_alert_handle may send."""
    if operation in REFUSED_OPERATIONS:
        raise OptionError("operation=%s is refused: %s" % (operation, REFUSED_OPERATIONS[operation]))
    if operation not in OPERATION_CODES:
        raise OptionError("operation=%r is not an operation code the service documents; use one of: %s"
                          % (operation, ", ".join(OPERATION_CODES)))


def parse_duration(text: str) -> int:
    """Seconds in a block duration such as 6h, 1d, 7d, 30d or 90m."""
    match = _DURATION.match(str(text))
    if not match or int(match.group(1)) < 1:
        raise OptionError("block_duration=%r is not a duration: use <n>m, <n>h or <n>d with n at least 1, "
                          "for example 6h, 1d, 7d or 30d" % (text,))
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_expire_time(text: str, now_ms: int) -> int:
    """Epoch milliseconds of an ISO 8601 time in the future (no offset means UTC)."""
    value = str(text).strip()
    if value[-1:] in ("Z", "z"):  # fromisoformat before Python 3.11 does not take Z
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise OptionError("expire_time=%r is not an ISO 8601 time: use for example 2026-12-31T23:00:00+08:00 "
                          "(no offset means UTC), or block_duration" % (text,)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    millis = int(moment.timestamp() * 1000)
    if millis <= now_ms:
        now = datetime.datetime.fromtimestamp(now_ms / 1000.0, datetime.timezone.utc)
        raise OptionError("expire_time=%r is in the past (now is %s UTC): give a future time, or use "
                          "block_duration" % (text, now.strftime("%Y-%m-%dT%H:%M:%S")))
    return millis


def build_operation_params(operation: str, operation_params: Optional[Dict[str, Any]],
                           block_duration: Optional[str], expire_time: Optional[str],
                           sub_operation: Optional[str], now_ms: int) -> Dict[str, Any]:
    """OperationParams for operation from the raw dict or its friendly forms, checked as §3.3 says."""
    refuse_unknown_operation(operation)
    params = dict(operation_params or {})
    if operation != BLOCK_IP:
        for option, value in (("block_duration", block_duration), ("expire_time", expire_time)):
            if value is not None:
                raise OptionError("%s is only for operation=block_ip, not operation=%s" % (option, operation))
    if sub_operation is not None and operation not in SUB_OPERATIONS:
        raise OptionError("sub_operation is only for operation=%s; operation=%s takes none"
                          % ("/".join(SUB_OPERATIONS), operation))

    if operation == BLOCK_IP:
        if block_duration is not None:
            params[EXPIRE_TIME_KEY] = now_ms + parse_duration(block_duration) * 1000
        elif expire_time is not None:
            params[EXPIRE_TIME_KEY] = parse_expire_time(expire_time, now_ms)
        expire = params.get(EXPIRE_TIME_KEY)
        if expire is None:
            raise OptionError("operation=block_ip needs block_duration (6h, 1d, 7d, 30d or any <n>[mhd]) or "
                              "expire_time (ISO 8601)")
        if isinstance(expire, bool) or not isinstance(expire, int) or expire <= now_ms:
            raise OptionError("operation_params.expireTime must be a future time in epoch milliseconds, got %r"
                              % (expire,))
    elif operation in SUB_OPERATIONS:
        allowed = SUB_OPERATIONS[operation]
        chosen = sub_operation or params.get(SUB_OPERATION_KEY) or (allowed[0] if len(allowed) == 1 else None)
        if chosen not in allowed:
            given = "" if chosen is None else " (got %r)" % (chosen,)
            raise OptionError("operation=%s needs sub_operation, one of: %s%s"
                              % (operation, ", ".join(allowed), given))
        params[SUB_OPERATION_KEY] = chosen
    return params


def to_json(value: Any) -> str:
    """The compact JSON the service's examples use (§1.6), keys in a stable order."""
    return json.dumps(value, separators=(",", ":"), sort_keys=isinstance(value, dict))


def status_after_success(operation: str, status_before: int) -> int:
    """The EventStatus the alert has once operation succeeded on it."""
    if operation not in STATUS_AFTER_SUCCESS:
        return HANDLED_STATUS
    after = STATUS_AFTER_SUCCESS[operation]
    return status_before if after is None else after
