"""alert_table end to end: sas_alert_info and sas_alert_operations_info against the emulator, printed by a debug task
as lines a person reads - in the default (JSON) and the YAML result format -, a hostile server name included."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA, module_task

from sas_emulator import dataset
from sas_emulator.testing import start_emulator

# A forged line of the table, then the terminal's title and colour, a right-to-left override.
HOSTILE = "web-01\r\n702173475  serious  forged\x1b]0;pwned\x07\x1b[31m\u202e"
NOT_PRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


@pytest.fixture
def hostile_emulator(tmp_path):
    data = dataset.generate(seed=7, alerts=12)
    for host in data["hosts"]:
        host["instance_name"] = HOSTILE
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    emulator = start_emulator(*QUOTA, "--dataset", path, "--access-key-id", ACCESS_KEY_ID, "--access-key-secret",
                              ACCESS_KEY_SECRET, request_log=tmp_path / "requests.jsonl")
    yield emulator
    emulator.stop()


def table_play():
    return [
        module_task("sas_alert_info", "info", status="all"),
        module_task("sas_alert_operations_info", "ops",
                    alert_ids="{{ info.alerts[:4] | map(attribute='id') | list }}"),
        {"name": "alerts",
         "ansible.builtin.debug": {"msg": "{{ info.alerts[:4] | alibabacloud.sas.alert_table(ops) }}"}},
        {"name": "operations", "ansible.builtin.debug": {"msg": "{{ ops | alibabacloud.sas.alert_table }}"}},
    ]


def shown_lines(stdout: str, task: str) -> list:
    """The lines of the debug task's msg as the default callback prints them (a JSON list of strings)."""
    section = stdout.split("TASK [%s]" % task)[1].split("TASK [")[0]
    result = json.loads(section[section.index("{"):section.rindex("}") + 1])
    return result["msg"]


def test_alerts_and_their_allowed_operations_print_as_aligned_lines(emulator, run_play):
    play = run_play(table_play(), emulator=emulator)
    assert play.rc == 0, play.stdout
    alerts, ops = play["info"]["alerts"][:4], play["ops"]["alerts"]
    lines = shown_lines(play.stdout, "alerts")
    assert lines[0].split() == ["ID", "LEVEL", "TYPE", "NAME", "SERVER", "LAST", "SEEN", "(UTC+8)", "STATUS",
                                "ALLOWED", "NOW"]
    assert len(lines) == 5
    for line, alert, offered in zip(lines[1:], alerts, ops):
        allowed = [op["operation_code"] for op in offered["operations"] if op["user_can_operate"]]
        assert line.startswith("%d  " % alert["id"])
        for value in (alert["level"], alert["alarm_event_type"], alert["last_time"], alert["status"]):
            assert value in line
        assert line.endswith(", ".join(allowed) or "none"), line
    column = lines[0].index("STATUS")
    assert {line[column:].split()[0] for line in lines[1:]} <= {alert["status"] for alert in alerts}

    operations = shown_lines(play.stdout, "operations")
    assert operations[0].split() == ["ID", "ALLOWED", "NOW", "NOT", "ALLOWED"] and len(operations) == 5
    print("\n".join(lines + [""] + operations))


def test_a_hostile_server_name_stays_on_its_line_in_both_result_formats(hostile_emulator, run_play):
    for result_format in ("json", "yaml"):
        play = run_play(table_play(), emulator=hostile_emulator, env={"ANSIBLE_CALLBACK_RESULT_FORMAT": result_format})
        assert play.rc == 0, play.stdout
        printed = play.stdout.split("TASK [alerts]")[1].split("PLAY RECAP")[0]
        assert not [char for char in printed if char != "\n" and unicodedata.category(char) in NOT_PRINTABLE]
        assert "\r" not in play.stdout and "\x1b" not in play.stdout
        assert not [line for line in printed.splitlines() if line.lstrip(" -\"'").startswith("702173475")]
        if result_format == "json":
            lines = shown_lines(play.stdout, "alerts")
            assert all("web-01\\r\\n702173475  serious  forged\\x1b]0;pwned\\x07" in line
                       for line in lines[1:])
