"""The inventory plugin alibabacloud.sas.sas_accounts through the real ansible-inventory and ansible-playbook, on the
installed collection, against an emulated organisation: an administrator with member accounts (issue 20)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml
from conftest import REPO, base_env
from sas_data import ACCESS_KEY_ID, ACCESS_KEY_SECRET, QUOTA

from sas_emulator.testing import start_emulator

MEMBERS, MEMBER_ALERTS = 3, 4


@pytest.fixture
def organisation(tmp_path):
    handle = start_emulator(*QUOTA, "--alerts", "5", "--seed", "7", "--members", str(MEMBERS),
                            "--member-alerts", str(MEMBER_ALERTS),
                            "--access-key-id", ACCESS_KEY_ID, "--access-key-secret", ACCESS_KEY_SECRET,
                            request_log=tmp_path / "requests.jsonl")
    yield handle
    handle.stop()


@pytest.fixture
def env(tmp_path, collections_path):
    """The administrator's keys in the environment, as AWX's credential type injects them."""
    home = tmp_path / "home"
    home.mkdir()
    return dict(base_env(home, collections_path), ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY_ID,
                ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true")


def inventory_file(tmp_path, **options) -> str:
    path = tmp_path / "org.sas_accounts.yml"
    path.write_text(yaml.safe_dump(dict({"plugin": "alibabacloud.sas.sas_accounts"}, **options)))
    return str(path)


def inventory_list(inventory: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["ansible-inventory", "-i", inventory, "--list"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def hosts_of(listed: dict) -> dict:
    """Each host's variables; ansible-core 2.19 lists a string a plugin set as {"__ansible_unsafe": text}."""
    return {name: {key: plain(value) for key, value in variables.items()}
            for name, variables in listed["_meta"]["hostvars"].items()}


def plain(value):
    return value["__ansible_unsafe"] if isinstance(value, dict) and set(value) == {"__ansible_unsafe"} else value


def test_ansible_inventory_lists_every_account_of_the_organisation(tmp_path, organisation, env):
    accounts = organisation.accounts()
    # The keys in the file too, the strongest case: they list the accounts and reach no host.
    process = inventory_list(inventory_file(tmp_path, endpoint=organisation.url, access_key=ACCESS_KEY_ID,
                                            secret_key=ACCESS_KEY_SECRET), env)
    assert process.returncode == 0, process.stderr
    listed = json.loads(process.stdout)
    hosts = hosts_of(listed)
    members = {"sas_%s" % member: member for member in accounts["members"]}
    administrator = "sas_%s" % accounts["administrator"]
    assert len(members) == MEMBERS and sorted(hosts) == sorted([administrator, *members])
    assert sorted(listed["sas_accounts"]["hosts"]) == sorted(hosts)
    for name, account in members.items():
        assert hosts[name]["ansible_connection"] == "local"
        assert hosts[name]["sas_connection"]["resource_directory_account_id"] == account
        assert hosts[name]["sas_connection"]["endpoint"] == organisation.url
        assert hosts[name]["sas_account_id"] == str(account) and hosts[name]["sas_edition"]
    assert "resource_directory_account_id" not in hosts[administrator]["sas_connection"]
    output = process.stdout + process.stderr
    for secret in (ACCESS_KEY_SECRET, ACCESS_KEY_ID):
        assert secret not in output
    assert [entry["action"] for entry in organisation.requests()] == ["DescribeMonitorAccounts"]


def test_the_shipped_example_with_the_endpoint_from_the_environment(tmp_path, organisation, env):
    example = tmp_path / "org.sas_accounts.yml"
    shutil.copy(REPO / "playbooks" / "inventory" / "org.sas_accounts.yml", example)
    process = inventory_list(str(example), dict(env, ALIBABA_CLOUD_SAS_ENDPOINT=organisation.url))
    assert process.returncode == 0, process.stderr
    listed = json.loads(process.stdout)
    assert len(hosts_of(listed)) == MEMBERS + 1
    assert any(group.startswith("sas_edition_") for group in listed["all"]["children"])


def test_the_members_hosts_reach_each_member_s_alerts_through_the_administrator(tmp_path, organisation, env):
    """The hosts work as they are: each member's listing carries its ResourceDirectoryAccountId."""
    play = tmp_path / "count.yml"
    play.write_text(yaml.safe_dump([{
        "hosts": "sas_accounts", "gather_facts": False,
        "module_defaults": {"group/alibabacloud.sas.sas": "{{ sas_connection }}"},
        "tasks": [{"alibabacloud.sas.sas_alert_info": {"status": "pending"}, "register": "pending"},
                  {"ansible.builtin.copy": {"content": "{{ pending.alerts | length }}",
                                            "dest": str(tmp_path) + "/{{ inventory_hostname }}.count"}}],
    }]))
    inventory = inventory_file(tmp_path, endpoint=organisation.url, include_self=False)
    process = subprocess.run(["ansible-playbook", "-i", inventory, str(play)], env=env, capture_output=True,
                             text=True, timeout=600, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    members = organisation.accounts()["members"]
    assert {path.stem: int(path.read_text()) for path in tmp_path.glob("*.count")} == {
        "sas_%s" % member: MEMBER_ALERTS for member in members}
    listings = [entry for entry in organisation.requests() if entry["action"] == "DescribeSuspEvents"]
    assert sorted({entry["params"].get("ResourceDirectoryAccountId") for entry in listings}) == sorted(
        str(member) for member in members)


def test_refused_credentials_stop_the_inventory_naming_the_call_never_the_secret(tmp_path, organisation, env):
    wrong = "e2e-Wrong-Secret-9d1f"
    process = inventory_list(inventory_file(tmp_path, endpoint=organisation.url),
                             dict(env, ALIBABA_CLOUD_ACCESS_KEY_SECRET=wrong))
    assert process.returncode != 0
    message = " ".join(process.stderr.split())
    assert "alibabacloud.sas.sas_accounts: cannot list the member accounts at %s" % organisation.url in message
    assert "DescribeMonitorAccounts was refused by the service" in message
    assert wrong not in process.stdout + process.stderr


def test_ansible_doc_shows_the_plugin(env):
    process = subprocess.run(["ansible-doc", "-t", "inventory", "alibabacloud.sas.sas_accounts"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert process.returncode == 0, process.stderr
    for option in ("include_self", "other_site", "keyed_groups", "cache_plugin", "ALIBABA_CLOUD_REGION_ID"):
        assert option in process.stdout, option
