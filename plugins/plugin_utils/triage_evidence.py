# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An alert's evidence: what a person must see to judge a write on a host - the source IP a block_ip blocks,
the file a quarantine acts on, the process a kill acts on, the user who logged on - and when the alert
first and last occurred. It is taken from the alert's `details` (DescribeSuspEvents Details: name_display,
type, value, value_display), never from the host fields: those are the server's own."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import NAME_LENGTH, shown

# Each piece of evidence and the detail rows that hold it, by their name_display in English and Chinese (the
# alert's language). By name, never by position: the rows and their order differ by alert kind. Not by type
# either: the service gives every such row the type "text".
EVIDENCE_DETAILS = {
    "source_ip": ("Logon source IP", "登录源IP", "Call source IP", "调用源IP"),
    "user": ("Logon user", "登录用户"),
    "file_path": ("File path", "文件路径"),
    "md5": ("File MD5", "文件MD5", "MD5"),
    "cmdline": ("Command line", "命令行"),
}
# How each piece reads on a line, in this order; the alert's times end the line.
EVIDENCE_LABELS = {"source_ip": "source IP", "user": "user", "file_path": "file", "md5": "md5",
                   "cmdline": "process", "first_time": "first", "last_time": "last"}
_KEY_BY_NAME = {name.casefold(): key for key, names in EVIDENCE_DETAILS.items() for name in names}


def evidence(alert: Dict[str, Any]) -> Dict[str, Optional[str]]:
    """{source_ip, user, file_path, md5, cmdline, first_time, last_time}: each the alert's value, or None."""
    found: Dict[str, Optional[str]] = dict.fromkeys(EVIDENCE_DETAILS)
    for detail in alert.get("details") or []:
        if not isinstance(detail, dict):
            continue
        key = _KEY_BY_NAME.get(str(detail.get("name_display") or "").strip().casefold())
        value = detail.get("value") if detail.get("value") not in (None, "") else detail.get("value_display")
        if key and found[key] is None and value not in (None, ""):
            found[key] = str(value)
    found.update(first_time=alert.get("occurrence_time"), last_time=alert.get("last_time"))
    return found


def evidence_line(found: Dict[str, Optional[str]], markdown: bool = False) -> str:
    """The evidence on one line, every value shown escaped: source IP 198.51.100.7, user deploy, first
    2026-12-01 10:00:00, last 2026-12-02 08:00:00 ("-" when there is none)."""
    pieces: List[str] = ["%s %s" % (label, shown(found[key], markdown, NAME_LENGTH))
                         for key, label in EVIDENCE_LABELS.items() if found.get(key)]
    return ", ".join(pieces) or shown(None)
