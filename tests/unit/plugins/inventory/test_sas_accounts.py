# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin alibabacloud.sas.sas_accounts (issue 20): its options held to the modules' connection
options, the hosts it makes of a DescribeMonitorAccounts listing, and the plugin itself against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.alibabacloud.sas.plugins.inventory import sas_accounts
from ansible_collections.alibabacloud.sas.plugins.inventory.sas_accounts import Site
from ansible_collections.alibabacloud.sas.plugins.module_utils import connection
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import CONNECTION_OPTIONS

PLUGIN_DIR = Path(sas_accounts.__file__).parent
ADMIN = "1000000000000001"
MEMBER, OTHER_MEMBER = "2000000000000002", "2000000000000003"
SECRET = "unit-Secret-value-7f3a"


def documented_options():
    return yaml.safe_load(sas_accounts.DOCUMENTATION)["options"]


# --- the options: the modules' connection options, one definition ----------------------------
def test_the_plugin_takes_every_connection_option_of_the_modules_but_the_one_it_sets_per_host():
    documented = documented_options()
    expected = set(CONNECTION_OPTIONS) - set(sas_accounts.PER_HOST_OPTIONS)
    assert expected == set(sas_accounts.inventory_connection_options())
    assert expected <= set(documented)
    assert not set(sas_accounts.PER_HOST_OPTIONS) & set(documented)


@pytest.mark.parametrize("name", sas_accounts.inventory_connection_options())
def test_each_connection_option_is_documented_as_the_table_defines_it(name):
    option, spec = documented_options()[name], CONNECTION_OPTIONS[name].spec
    assert option["type"] == spec["type"]
    assert option.get("default") == spec.get("default")
    assert sorted(option.get("aliases", [])) == sorted(spec.get("aliases", []))
    fallback = spec.get("fallback")
    assert [entry["name"] for entry in option.get("env", [])] == (list(fallback[1]) if fallback else [])


def test_every_secret_option_stays_off_the_hosts():
    secrets = {name for name, option in CONNECTION_OPTIONS.items() if option.spec.get("no_log")}
    assert secrets <= set(sas_accounts.KEY_OPTIONS)
    params = {name: "value-of-" + name for name in CONNECTION_OPTIONS}
    inherited = sas_accounts.inherited_connection(params)
    assert not set(inherited) & set(sas_accounts.KEY_OPTIONS)
    assert set(inherited) == set(CONNECTION_OPTIONS) - set(sas_accounts.KEY_OPTIONS + sas_accounts.WHERE_OPTIONS
                                                           + sas_accounts.PER_HOST_OPTIONS)


@pytest.mark.parametrize("environ, region", [
    ({"ALIBABA_CLOUD_REGION_ID": "cn-hangzhou", "ALICLOUD_REGION": "ap-southeast-1"}, "cn-hangzhou"),
    ({"ALIBABA_CLOUD_REGION_ID": "", "ALICLOUD_REGION": "ap-southeast-1"}, "ap-southeast-1"),
    ({"ALIBABA_CLOUD_REGION_ID": "cn-hangzhou", "ALICLOUD_REGION_ID": ""}, "cn-hangzhou"),
    ({}, None),
])
def test_an_option_left_out_takes_the_modules_environment_fallback(monkeypatch, environ, region):
    for name in ("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION", "ALICLOUD_REGION_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert sas_accounts.modules_fallback("region", None) == region
    assert sas_accounts.modules_fallback("read_timeout", 10.0) == 10.0  # no fallback: the default


# --- the listing and its hosts ----------------------------------------------------------------
def monitor_accounts_body(account_ids, infos):
    return SimpleNamespace(account_ids=account_ids, account_id_infos=[SimpleNamespace(**info) for info in infos])


def test_the_listing_reads_ids_and_infos_together_each_member_once_and_never_the_administrator():
    body = monitor_accounts_body([MEMBER, ADMIN], [
        {"account_id": MEMBER, "operator_uid": ADMIN, "sas_version": "7"},
        {"account_id": OTHER_MEMBER, "operator_uid": ADMIN, "sas_version": 6},
    ])
    assert sas_accounts.listing_of(body) == {"administrator": ADMIN, "members": [
        {"account_id": MEMBER, "sas_version": "7"}, {"account_id": OTHER_MEMBER, "sas_version": "6"}]}
    empty = SimpleNamespace(account_ids=None, account_id_infos=None)  # the SDK's model of an empty answer
    assert sas_accounts.listing_of(empty) == {"administrator": None, "members": []}


LISTING = {"administrator": ADMIN, "members": [{"account_id": MEMBER, "sas_version": "7"},
                                               {"account_id": OTHER_MEMBER, "sas_version": "42"}]}
CONNECTION = {"profile": "security-admin", "rate_limit": 5.0, "validate_certs": True}


def hosts_of(site, listing=None, include_self=True):
    return {host.name: host.variables
            for host in sas_accounts.account_hosts(site, listing or LISTING, CONNECTION, include_self)}


def test_a_member_s_host_carries_its_account_for_the_modules_and_the_administrator_s_does_not():
    hosts = hosts_of(Site("cn-hangzhou", None))
    assert list(hosts) == ["sas_" + ADMIN, "sas_" + MEMBER, "sas_" + OTHER_MEMBER]
    member, admin = hosts["sas_" + MEMBER], hosts["sas_" + ADMIN]
    assert member["sas_connection"] == dict(CONNECTION, region="cn-hangzhou",
                                            resource_directory_account_id=int(MEMBER))
    assert admin["sas_connection"] == dict(CONNECTION, region="cn-hangzhou")
    assert (member["ansible_connection"], member["sas_account_id"], member["sas_administrator"]) == (
        "local", MEMBER, False)
    assert (admin["sas_account_id"], admin["sas_administrator"], admin["sas_edition"]) == (ADMIN, True, None)
    assert (member["sas_version"], member["sas_edition"], member["sas_site"]) == ("7", "ultimate", "mainland")
    assert hosts["sas_" + OTHER_MEMBER]["sas_edition"] is None  # a code this plugin does not know
    assert member["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"


def test_include_self_false_yields_the_members_only_and_no_member_names_the_administrator_sas_self():
    assert list(hosts_of(Site("cn-hangzhou", None), include_self=False)) == ["sas_" + MEMBER, "sas_" + OTHER_MEMBER]
    assert list(hosts_of(Site(None, "http://127.0.0.1:9"), {"administrator": None, "members": []})) == ["sas_self"]


def test_a_member_id_that_is_not_a_number_is_refused_not_made_a_host_name():
    listing = {"administrator": ADMIN, "members": [{"account_id": "1; {{ lookup('pipe', 'id') }}",
                                                    "sas_version": "7"}]}
    with pytest.raises(AnsibleParserError, match="not a number"):
        hosts_of(Site("cn-hangzhou", None), listing)


def test_the_other_site_is_the_official_one_the_region_does_not_select_reached_by_its_own_region():
    here, other = sas_accounts.sites({"region": "cn-hangzhou", "endpoint": None}, True, None)
    assert (here.region, here.url, here.name) == ("cn-hangzhou", "https://tds.cn-shanghai.aliyuncs.com", "mainland")
    assert (other.region, other.endpoint, other.url, other.name) == (
        "ap-southeast-1", None, "https://tds.ap-southeast-1.aliyuncs.com", "outside_mainland")
    hosts = hosts_of(other)
    assert list(hosts) == ["sas_%s_other_site" % account for account in (ADMIN, MEMBER, OTHER_MEMBER)]
    assert hosts["sas_%s_other_site" % MEMBER]["sas_connection"]["region"] == "ap-southeast-1"
    assert sas_accounts.sites({"region": "eu-central-1", "endpoint": None}, True, None)[1].region == "cn-shanghai"


def test_with_an_endpoint_the_other_site_must_be_named():
    params = {"region": None, "endpoint": "http://127.0.0.1:9"}
    assert sas_accounts.sites(params, False, None) == [Site(None, "http://127.0.0.1:9")]
    with pytest.raises(AnsibleParserError, match="other_site_endpoint"):
        sas_accounts.sites(params, True, None)
    other = sas_accounts.sites(params, True, "http://127.0.0.1:10")[1]
    member = hosts_of(other)["sas_%s_other_site" % MEMBER]
    assert (other.endpoint, other.name, member["sas_connection"]["endpoint"]) == (
        "http://127.0.0.1:10", None, "http://127.0.0.1:10")


# --- the plugin, against the emulator ---------------------------------------------------------
@pytest.fixture
def organisation(start_sas, module_env):
    from sas_emulator import dataset

    return start_sas(dataset=dataset.generate(seed=7, alerts=3, members=3))


@pytest.fixture
def parse(tmp_path):
    """parse(options) -> InventoryData: the plugin, loaded as Ansible loads it, on a file of these options."""
    inventory_loader.add_directory(str(PLUGIN_DIR))

    def run(options, name="org.sas_accounts.yml"):
        path = tmp_path / name
        # The name it is loaded under here, from its directory (ansible-inventory loads it under sas_accounts.NAME).
        path.write_text(yaml.safe_dump(dict({"plugin": "sas_accounts"}, **options)))
        plugin = inventory_loader.get("sas_accounts")
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=True)
        if options.get("cache"):
            plugin.update_cache_if_changed()  # as InventoryManager does after parse
        return inventory

    return run


def emulator_options(sas, **options):
    return dict({"endpoint": sas.url, "access_key": "testAK", "secret_key": "testSecret"}, **options)


def host_vars(inventory):
    return {name: host.vars for name, host in inventory.hosts.items()}


def test_the_plugin_lists_the_members_of_the_emulated_organisation(organisation, parse):
    members = [str(member["ali_uid"]) for member in organisation.dataset["members"]]
    keyed_groups = [{"key": "sas_edition", "prefix": "edition"}]
    inventory = parse(emulator_options(organisation, read_timeout=4, keyed_groups=keyed_groups))
    hosts = host_vars(inventory)
    administrator = [name for name, variables in hosts.items() if variables["sas_administrator"]]
    assert len(administrator) == 1 and sorted(hosts) == sorted(administrator + ["sas_" + m for m in members])
    assert sorted(inventory.groups["sas_accounts"].hosts, key=str) == sorted(inventory.hosts.values(), key=str)
    member = hosts["sas_" + members[0]]
    assert member["sas_connection"] == {"endpoint": organisation.url, "validate_certs": True, "connect_timeout": 5.0,
                                        "read_timeout": 4.0, "rate_limit": 8,
                                        "resource_directory_account_id": int(members[0])}
    assert any(name.startswith("edition_") for name in inventory.groups)  # keyed_groups (Constructable)
    assert len(organisation.calls("DescribeMonitorAccounts")) == 1


def test_no_secret_reaches_the_inventory(organisation, parse, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "testAK")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testSecret")
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", SECRET)
    with_keys = host_vars(parse(emulator_options(organisation, security_token=SECRET)))
    from_environment = host_vars(parse({"endpoint": organisation.url}))
    text = json.dumps([with_keys, from_environment], default=str)
    assert with_keys == from_environment
    assert "testSecret" not in text and SECRET not in text and "testAK" not in text


def test_refused_credentials_are_an_error_naming_the_call_and_never_the_secret(organisation, parse):
    with pytest.raises(AnsibleParserError) as raised:
        parse(emulator_options(organisation, secret_key=SECRET))
    message = str(raised.value)
    assert "DescribeMonitorAccounts was refused by the service" in message and organisation.url in message
    assert SECRET not in message


def test_a_call_throttled_beyond_the_retries_is_an_error_naming_it(organisation, parse, monkeypatch):
    from emulated_sas import FAST_RETRIES

    monkeypatch.setattr(connection, "RetryPolicy", lambda: FAST_RETRIES)
    organisation.set_faults([{"action": "DescribeMonitorAccounts", "fault": "throttle", "times": 100}])
    with pytest.raises(AnsibleParserError, match="DescribeMonitorAccounts was refused.*Throttling"):
        parse(emulator_options(organisation, rate_limit=0))
    assert len(organisation.calls("DescribeMonitorAccounts")) == FAST_RETRIES.max_attempts


def test_bad_connection_options_are_refused_before_any_call(organisation, parse):
    with pytest.raises(AnsibleParserError, match="connect_timeout must be from 0.1 to 600 seconds"):
        parse(emulator_options(organisation, connect_timeout=0.01))
    with pytest.raises(AnsibleParserError, match="region is required"):
        parse({"access_key": "testAK", "secret_key": "testSecret"})
    with pytest.raises(AnsibleParserError, match="access_key and its alias access_key_id"):
        parse(emulator_options(organisation, access_key_id="otherAK"))
    assert organisation.calls("DescribeMonitorAccounts") == []


def test_the_cache_keeps_the_listing_and_no_secret(organisation, parse, tmp_path):
    cache_dir = tmp_path / "cache"
    options = emulator_options(organisation, cache=True, cache_plugin="jsonfile",
                               cache_connection=str(cache_dir))
    first = host_vars(parse(options))
    assert host_vars(parse(options)) == first
    assert len(organisation.calls("DescribeMonitorAccounts")) == 1
    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert "testSecret" not in cached and "testAK" not in cached
