"""Which hosts the playbook alibabacloud.sas.triage triages without sas_triage_hosts: localhost when the inventory
has no other host, and none at all, with a message that says what to set, when it has others (issue 18)."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from triage_run import triage_runner

LOCAL = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
RULES = [{"name": "ignore-reminders", "match": {"level": "remind"}, "action": "ignore"}]


@pytest.fixture
def triage(tmp_path, collections_path):
    return triage_runner(tmp_path, collections_path, RULES)


def write_inventory(path, groups: dict) -> str:
    path.write_text(yaml.safe_dump(groups))
    return str(path)


def accounts_inventory(path, emulator) -> str:
    """One account, connected to the emulator, in the group sas_accounts (as the shipped example has it)."""
    connection = {"endpoint": emulator.url, "access_key": ACCESS_KEY_ID, "secret_key": ACCESS_KEY_SECRET}
    return write_inventory(path, {"sas_accounts": {"vars": LOCAL, "hosts": {"prod-cn": {"sas_connection": connection}},
                                                   "children": {"empty_group": {}}},
                                  "other_servers": {"hosts": {"web-1": {}}}})


def run(triage, emulator=None, inventory=None, extra=None, check=True):
    """The triage's ansible-playbook run with `-i inventory` and no sas_triage_hosts unless extra gives it."""
    command, report_dir = triage.command(emulator, check=check, extra=extra)
    if inventory is not None:
        command += ["-i", inventory]
    process = subprocess.run(command, env=triage.env, capture_output=True, text=True, timeout=600, check=False)
    return process.returncode, process.stdout + process.stderr, report_dir


def test_an_inventory_of_accounts_without_sas_triage_hosts_stops_before_it_starts(
        tmp_path, emulator, triage):
    rc, output, report_dir = run(triage, inventory=accounts_inventory(tmp_path / "inventory.yml", emulator))
    assert rc != 0
    message = " ".join(output.split())
    assert "sas_triage_hosts is not set and the inventory has hosts" in message, output
    assert "-e sas_triage_hosts=<group or host pattern>" in message
    assert "Its groups with hosts: other_servers, sas_accounts." in message  # not all, not an empty group
    assert "TASK [" not in output and "PLAY [" not in output
    assert emulator.requests() == []
    assert not report_dir.exists()


def test_sas_triage_hosts_picks_the_accounts_of_such_an_inventory(tmp_path, emulator, triage):
    inventory = accounts_inventory(tmp_path / "inventory.yml", emulator)
    rc, output, report_dir = run(triage, inventory=inventory, extra={"sas_triage_hosts": "sas_accounts"})
    assert rc == 0, output[-3000:]
    (report,) = report_dir.glob("triage-*.json")
    assert report.name.startswith("triage-prod-cn-")
    assert emulator.requests()


@pytest.mark.parametrize("inventory", [
    None,
    {"all": {"hosts": {"localhost": LOCAL}}},  # as AWX's single-account inventory and ansible-rulebook give it
    "accounts, with sas_triage_hosts=localhost",
])
def test_localhost_is_triaged_without_an_inventory_or_with_localhost_alone(
        tmp_path, emulator, triage, inventory):
    extra = None
    if inventory == "accounts, with sas_triage_hosts=localhost":
        inventory, extra = accounts_inventory(tmp_path / "inventory.yml", emulator), {"sas_triage_hosts": "localhost"}
    elif inventory is not None:
        inventory = write_inventory(tmp_path / "inventory.yml", inventory)
    rc, output, report_dir = run(triage, emulator, inventory=inventory, extra=extra)
    assert rc == 0, output[-3000:]
    (report,) = report_dir.glob("triage-*.json")
    assert report.name.startswith("triage-localhost-")
    assert emulator.requests()
