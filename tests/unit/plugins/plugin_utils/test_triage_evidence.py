# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An alert's evidence - source IP, user, file, process, first and last time - from its details, by name."""

from __future__ import annotations

from triage_samples import LOGON, LOGON_DETAILS, MINER, NOW_MS, POLICY, make_alert

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_evidence import evidence, evidence_line
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import plan_triage
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import check_policy


def detail(name, value):
    return {"name_display": name, "type": "text", "value": value, "value_display": value}


def test_a_logon_s_evidence_is_its_source_ip_and_user_not_the_server_s_ip():
    found = evidence(make_alert(1, LOGON, ip="203.0.113.10", details=LOGON_DETAILS,
                                occurrence_time="2027-01-15 07:50:00"))
    assert found == {"source_ip": "198.51.100.179", "user": "deploy", "file_path": None, "md5": None,
                     "cmdline": None, "first_time": "2027-01-15 07:50:00", "last_time": "2027-01-15 07:55:00"}
    assert evidence_line(found) == ("source IP 198.51.100.179, user deploy, first 2027-01-15 07:50:00, "
                                    "last 2027-01-15 07:55:00")


def test_evidence_is_found_by_name_in_either_language_whatever_the_order():
    details = [detail("进程ID", "4242"), detail("命令行", "/tmp/.x/xmrig -o pool"), detail("文件MD5", "d41d8c"),
               detail("病毒名", "CoinMiner"), detail("文件路径", "/tmp/.x/xmrig")]
    found = evidence(make_alert(1, MINER, details=details))
    assert (found["file_path"], found["md5"], found["cmdline"]) == ("/tmp/.x/xmrig", "d41d8c", "/tmp/.x/xmrig -o pool")
    assert found["source_ip"] is None and found["user"] is None  # the process ID and the virus name are no evidence


def test_no_details_no_evidence_but_the_times():
    found = evidence(make_alert(1, LOGON, details=None, last_time=None))
    assert set(found.values()) == {None}
    assert evidence_line(found) == "-"
    assert evidence(make_alert(1, LOGON, details=["not a row", {"value": "no name"}]))["source_ip"] is None


def test_the_plan_shows_what_a_block_blocks_on_each_destructive_line():
    alerts = [make_alert(1, LOGON, host="web-prod-01", ip="203.0.113.10", details=LOGON_DETAILS)]
    plan = plan_triage(alerts, check_policy(POLICY, now_ms=NOW_MS))
    assert plan["alerts"][0]["evidence"]["source_ip"] == "198.51.100.179"
    assert ("    1 ECS login from unusual location on web-prod-01 (203.0.113.10): source IP 198.51.100.179, "
            "user deploy, last 2027-01-15 07:55:00") in plan["lines"]


def test_evidence_text_is_shown_escaped_and_markdown_inert():
    found = evidence(make_alert(1, LOGON, details=[detail("Command line", "sh -c 'x'\n| forged | row |"),
                                                   detail("Logon source IP", "[x](https://evil.example)")]))
    assert evidence_line(found, markdown=True) == ("source IP \\[x\\]\\(https\\[:\\]//evil.example\\), process "
                                                   "sh -c 'x'\\\\n\\| forged \\| row \\|, last 2027-01-15 07:55:00")
