# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alert_table: sas_alert_info's and sas_alert_operations_info's alerts as aligned lines for a terminal, hostile
text shown as visible escapes, Chinese names aligned by their width on screen."""

from __future__ import annotations

import unicodedata

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.filter import alert_table as alert_table_filter
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.alert_table import alert_table, width

LOGON = {"id": 702173474, "level": "serious", "alarm_event_type": "Unusual logon",
         "alarm_event_name_display": "ECS login from unusual location", "instance_name": "web-01",
         "internet_ip": "192.0.2.7", "intranet_ip": "10.0.0.7", "last_time": "2026-05-04 17:12:33",
         "status": "pending", "details": [{"name_display": "Logon source IP", "value": "198.51.100.9"}]}
# A forged line of the table, then the terminal's title and colour, a right-to-left override and a cursor move.
HOSTILE_NAME = "x\n702173475  remind  forged\x1b]0;pwned\x07\x1b[31m\u202egpj.exe\x1b[2J\x9b1A"
ZH = {"id": 702173480, "level": "remind", "alarm_event_type": "异常登录", "alarm_event_name_display": "ECS异地登录",
      "instance_name": "数据库", "intranet_ip": "10.0.0.2", "last_time": "2026-05-04 09:40:02", "status": "ignored"}
OPERATIONS = [
    {"id": 702173474, "found": True, "operations": [
        {"operation_code": "block_ip", "user_can_operate": True},
        {"operation_code": "advance_mark_mis_info", "user_can_operate": True},
        {"operation_code": "kill_and_quara", "user_can_operate": False}]},
    {"id": 702173499, "found": False, "operations": []},
    {"id": 702173480, "found": True, "operations": []},
]


def raw_characters(text: str) -> list:
    return [char for char in text if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]


def test_alerts_are_a_header_and_one_aligned_line_each():
    lines = alert_table([LOGON, ZH])
    assert lines == [
        "ID         LEVEL    TYPE           NAME                             SERVER              LAST SEEN (UTC+8)"
        "    STATUS",
        "702173474  serious  Unusual logon  ECS login from unusual location  web-01 (192.0.2.7)  2026-05-04 17:12:33"
        "  pending",
        "702173480  remind   异常登录       ECS异地登录                      数据库 (10.0.0.2)   2026-05-04 09:40:02"
        "  ignored",
    ]
    # every column starts at the same place on the screen, wide characters counted twice
    starts = [[width(line[:line.index(cell)]) for cell in cells] for line, cells in zip(lines[1:], (
        ("serious", "Unusual", "ECS login", "web-01", "2026", "pending"),
        ("remind", "异常", "ECS异地", "数据库", "2026", "ignored")))]
    assert starts[0] == starts[1]


def test_hostile_text_stays_on_its_line_and_reaches_no_terminal():
    lines = alert_table([dict(LOGON, alarm_event_name_display=HOSTILE_NAME, instance_name="db\r\x1b[1A")])
    assert len(lines) == 2
    assert not raw_characters("".join(lines))
    assert "  x\\n702173475  remind  forged\\x1b]0;pwned\\x07\\x1b[\u2026  " in lines[1]  # 50 long at most
    assert "db\\r\\x1b[1A (192.0.2.7)" in lines[1]


def test_long_values_end_in_an_ellipsis():
    [_header, line] = alert_table([dict(LOGON, alarm_event_name_display="n" * 500, instance_name="s" * 500)])
    assert "n" * 49 + "\u2026" in line and "n" * 50 not in line
    assert "s" * 49 + "\u2026" in line and len(line) < 250


def test_the_operations_allowed_now_join_each_alert_by_id():
    lines = alert_table([LOGON, ZH, dict(LOGON, id=1)], OPERATIONS)
    assert lines[0].endswith("STATUS   ALLOWED NOW")
    assert lines[1].endswith("pending  block_ip, advance_mark_mis_info")
    assert lines[2].endswith("ignored  none")
    assert lines[3].endswith("pending  not looked up")


def test_operations_alone_say_what_is_allowed_and_what_is_not():
    assert alert_table(OPERATIONS) == [
        "ID         ALLOWED NOW                      NOT ALLOWED",
        "702173474  block_ip, advance_mark_mis_info  kill_and_quara",
        "702173499  not found                        -",
        "702173480  none                             -",
    ]


def test_no_alerts_is_one_line():
    assert alert_table([]) == ["no alerts"]


def test_the_filter_takes_the_list_or_the_registered_result():
    registered = {"changed": False, "alerts": [LOGON], "total_count": 1}
    ops = {"changed": False, "alerts": OPERATIONS}
    assert alert_table_filter.alert_table(registered) == alert_table([LOGON])
    assert alert_table_filter.alert_table(registered, ops) == alert_table([LOGON], OPERATIONS)
    assert "alert_table" in alert_table_filter.FilterModule().filters()
    for bad in ("alerts", [1, 2], {"msg": "failed"}):
        with pytest.raises(AnsibleFilterError, match="takes the alerts of sas_alert_info or sas_alert_operations_info"):
            alert_table_filter.alert_table(bad)
