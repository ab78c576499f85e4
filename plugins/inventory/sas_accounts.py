# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.sas.sas_accounts: the accounts of a Security Center multi-account organisation, one host each."""

from __future__ import annotations

DOCUMENTATION = r"""
name: sas_accounts
short_description: The accounts of a Security Center multi-account organisation, one inventory host each
version_added: 0.2.0
description:
  - Lists the member accounts that a Resource Directory administrator manages in Security Center's multi-account
    management (C(DescribeMonitorAccounts)), with the administrator's credentials, and yields one inventory host
    per account - the administrator's own account too, unless I(include_self=false) - in the group
    C(sas_accounts), ready for the playbook C(alibabacloud.sas.triage) (C(-e sas_triage_hosts=sas_accounts)).
  - Each host has C(ansible_connection=local), C(ansible_python_interpreter) set to the Python that runs Ansible
    (the modules run on the controller, with its SDK), and C(sas_connection), the connection options of the
    collection's modules for that account - C(resource_directory_account_id) for a member (not for the
    administrator's own host), the region or endpoint, and the connection options this file gives, except the
    credentials (I(access_key), I(secret_key), I(security_token)), which never reach the inventory - the modules
    take them from the environment or the profile, as this plugin does.
  - Host variables - C(sas_account_id) (the account id, as the service lists it), C(sas_administrator) (whether
    it is the administrator's own account), C(sas_version) (the edition's code, C(SasVersion)) and C(sas_edition)
    (its name - C(free), C(enterprise), C(advanced), C(anti_virus), C(ultimate); null for a code this plugin does not
    know, and for the administrator's own account, which the listing does not describe), C(sas_site) (the data site
    the host's calls reach - C(mainland) or C(outside_mainland), null for an endpoint of your own).
  - Host names are C(sas_<account id>); with I(other_site), the hosts of the other data site are
    C(sas_<account id>_other_site). The administrator's own host is named with its account id, which each member
    of the listing names, and C(sas_self) when the administrator manages no member.
  - The inventory file must be named C(*.sas_accounts.yml) or C(*.sas_accounts.yaml) and set
    I(plugin) to C(alibabacloud.sas.sas_accounts).
  - A refused call (credentials, permission) or one still throttled after the retries stops the inventory with an
    error that names the call and the site; ansible-playbook then goes on without these hosts unless the
    inventory setting C(any_unparsed_is_failed) is true (C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true)), which
    makes such a run fail at once.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
extends_documentation_fragment:
  - constructed
  - inventory_cache
requirements:
  - python >= 3.9
  - alibabacloud-sas20181203 >= 9.3.3
  - alibabacloud-tea-openapi >= 0.4.4
  - alibabacloud-credentials >= 1.0.2
  - darabonba-core >= 1.0.8
notes:
  - The Python packages above are those of the collection's C(requirements.txt), needed on the controller.
  - The RAM policy of the administrator's credentials needs C(yundun-sas:DescribeMonitorAccounts).
  - With I(cache), only the listing is kept (account ids, editions, the administrator's id), never a credential.
options:
  plugin:
    description:
      - The name of this plugin - C(alibabacloud.sas.sas_accounts).
    type: str
    required: true
  include_self:
    description:
      - Also yield a host for the administrator's own account (no C(resource_directory_account_id)).
    type: bool
    default: true
  other_site:
    description:
      - Security Center keeps the alerts of servers in mainland China at one data site and those of every other
        region at another, and one connection reads one site. With C(true), each account also gets a host for the
        other site, C(sas_<account id>_other_site), listed by a C(DescribeMonitorAccounts) call at that site.
      - The other site is the official one I(region) does not select (its host's C(sas_connection) gets that
        site's own region, C(cn-shanghai) or C(ap-southeast-1)), or I(other_site_endpoint), as the modules'
        C(check_other_site) reaches it. With I(endpoint) set, I(other_site_endpoint) is required - only you know
        which site your endpoint is.
    type: bool
    default: false
  other_site_endpoint:
    description:
      - The endpoint of the other data site, for I(other_site) (a full URL, as I(endpoint)).
    type: str
  access_key:
    description:
      - Alibaba Cloud AccessKey ID of the administrator.
      - Credentials are looked up as the modules of this collection look them up, the first that is set wins
        (an empty value counts as unset) - I(access_key) and I(secret_key) (with I(security_token));
        I(profile) (or C(ALIBABA_CLOUD_PROFILE)) from the aliyun CLI file C(~/.aliyun/config.json); the
        environment variables C(ALIBABA_CLOUD_ACCESS_KEY_ID), C(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and
        C(ALIBABA_CLOUD_SECURITY_TOKEN) (or the legacy C(ALICLOUD_*) ones); then the C(alibabacloud-credentials)
        default chain (OIDC, ECS RAM role, credentials URI).
      - Keys given here list the accounts only - they are never put on a host, so the modules of the play need
        the same credentials from the environment or a profile. Prefer the environment or a profile.
    type: str
    aliases: [alicloud_access_key, access_key_id]
  secret_key:
    description:
      - The administrator's AccessKey secret, with I(access_key); on no host, in no output or error.
    type: str
    aliases: [alicloud_secret_key, access_key_secret]
  security_token:
    description:
      - The administrator's STS security token, with I(access_key) and I(secret_key); on no host either.
    type: str
  region:
    description:
      - Region of the administrator's Security Center instance, for example C(cn-shanghai) or C(ap-southeast-1) -
        it selects the data site, C(cn-*) regions the mainland one, every other region the one outside.
      - Required unless I(endpoint) is set. Every host's C(sas_connection) gets it (the other site's hosts, that
        site's own region).
    type: str
    aliases: [region_id]
    env:
      - name: ALIBABA_CLOUD_REGION_ID
      - name: ALICLOUD_REGION
      - name: ALICLOUD_REGION_ID
  profile:
    description:
      - Name of a profile in the aliyun CLI file C(~/.aliyun/config.json). Given here, every host's
        C(sas_connection) names it too.
      - If not set, C(ALIBABA_CLOUD_PROFILE) (or the legacy C(ALICLOUD_PROFILE)) is used, as the modules use it.
      - Mutually exclusive with I(access_key) and I(secret_key).
    type: str
  endpoint:
    description:
      - Full URL of the SAS API endpoint, for example C(http://127.0.0.1:18080) for the emulator; it overrides the
        site I(region) selects, for the listing and on every host.
    type: str
    env:
      - name: ALIBABA_CLOUD_SAS_ENDPOINT
      - name: ALICLOUD_SAS_ENDPOINT
  validate_certs:
    description:
      - Whether the listing and every host's modules check the endpoint's TLS certificate (test endpoints only).
    type: bool
    default: true
  connect_timeout:
    description:
      - Seconds the listing and every host's modules wait for a connection, from 0.1 to 600.
    type: float
    default: 5
  read_timeout:
    description:
      - Seconds the listing and every host's modules wait for the answer to one request, from 0.1 to 600.
      - A throttled, unavailable or unreachable listing is tried again as the modules try their calls again, with
        jittered exponential backoff, at most 6 attempts and 60 seconds.
    type: float
    default: 10
  rate_limit:
    description:
      - The modules' I(rate_limit) for every host - calls a second to each API at most, or C(auto); C(0) turns
        pacing off. Every host calls with the administrator's credentials, so hosts triaged at the same time may
        share one quota.
    type: raw
    default: 8
"""

EXAMPLES = r"""
# org.sas_accounts.yml: every member account of the organisation, and the administrator's own, with the
# administrator's credentials from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ...) or a profile.
plugin: alibabacloud.sas.sas_accounts
region: cn-shanghai

# The accounts with servers outside mainland China too: one more host each, for the other data site.
# plugin: alibabacloud.sas.sas_accounts
# profile: security-admin
# region: cn-shanghai
# other_site: true

# Members only, grouped by edition, the listing cached for an hour.
# plugin: alibabacloud.sas.sas_accounts
# region: ap-southeast-1
# include_self: false
# keyed_groups:
#   - key: sas_edition | default('unknown', true)
#     prefix: sas_edition
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/sas_accounts
# cache_timeout: 3600
"""

from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import AnsibleFallbackNotFound
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    MAINLAND_SITE,
    OUTSIDE_MAINLAND_SITE,
    ClientSetupError,
    ConnectionSettings,
    EndpointError,
    check_where,
    other_site_for_region,
    where_to_call,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.credentials import CredentialError
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import missing_sdk_packages
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    CONNECTION_OPTIONS,
    OptionError,
    check_aliases,
    connection_option_errors,
    sas_argument_spec,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DESCRIBE_MONITOR_ACCOUNTS,
    monitor_accounts,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import EDITIONS

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 templates every inventory string

    def trust_as_template(value: str) -> str:
        return value


display = Display()

NAME = "alibabacloud.sas.sas_accounts"
GROUP = "sas_accounts"
# The connection option this plugin sets on each member's host: its own calls are the administrator's.
PER_HOST_OPTIONS = ("resource_directory_account_id",)
# The options that say where the calls go: each site's own.
WHERE_OPTIONS = ("region", "endpoint")
# The options that carry credentials: never put on a host. The key id goes with its secret, so it stays out too.
KEY_OPTIONS = ("access_key", "secret_key", "security_token")
SITE_NAMES = {MAINLAND_SITE: "mainland", OUTSIDE_MAINLAND_SITE: "outside_mainland"}
# The region a host of the other site is given: the site's own (connection.site_for_region maps it back).
SITE_REGIONS = {MAINLAND_SITE: "cn-shanghai", OUTSIDE_MAINLAND_SITE: "ap-southeast-1"}
OTHER_SITE_SUFFIX = "_other_site"
# The administrator's host when no member names the administrator's account id (OperatorUid).
SELF = "self"
LOCAL_PYTHON = "{{ ansible_playbook_python }}"


def inventory_connection_options() -> List[str]:
    """The connection options this plugin takes: the modules', but the one it sets per host."""
    return [name for name in CONNECTION_OPTIONS if name not in PER_HOST_OPTIONS]


class Site(NamedTuple):
    """A data site to list the accounts of: where its calls go, and the suffix of its hosts' names."""

    region: Optional[str]
    endpoint: Optional[str]
    suffix: str = ""

    @property
    def where(self) -> Dict[str, str]:
        """Its region and endpoint options, those set."""
        return {name: value for name, value in zip(WHERE_OPTIONS, (self.region, self.endpoint)) if value}

    @property
    def url(self) -> str:
        protocol, host = where_to_call(self.endpoint, self.region)
        return "%s://%s" % (protocol, host)

    @property
    def name(self) -> Optional[str]:
        """mainland or outside_mainland, by the API host called; None for an endpoint of one's own."""
        return SITE_NAMES.get(where_to_call(self.endpoint, self.region)[1])


class AccountHost(NamedTuple):
    name: str
    variables: Dict[str, Any]


def modules_fallback(name: str, default: Any) -> Any:
    """The value the modules take for option name when it is not given: its environment fallback (the first
    non-empty variable, options.env_fallback_non_empty), else default."""
    fallback = CONNECTION_OPTIONS[name].spec.get("fallback")
    if fallback is None:
        return default
    function, variables = fallback
    try:
        return function(*variables)
    except AnsibleFallbackNotFound:
        return default


def sites(params: Mapping[str, Any], other_site: bool, other_site_endpoint: Optional[str]) -> List[Site]:
    """The site the connection options reach, and with other_site the other one, as other_site.other_site_endpoint
    chooses it: the endpoint given, else the official site region does not select, reached by that site's region."""
    here = Site(params["region"] or None, params["endpoint"] or None)
    if not other_site:
        return [here]
    if other_site_endpoint:
        return [here, Site(here.region, other_site_endpoint, OTHER_SITE_SUFFIX)]
    if here.endpoint:
        raise AnsibleParserError("%s: other_site with endpoint set needs other_site_endpoint: only you know which "
                                 "site your endpoint is" % NAME)
    return [here, Site(SITE_REGIONS[other_site_for_region(here.region or "")], None, OTHER_SITE_SUFFIX)]


def listing_of(body: Any) -> Dict[str, Any]:
    """The accounts of a DescribeMonitorAccounts body, as plain data (the cache keeps it):
    {administrator: id or None, members: [{account_id, sas_version}]}. AccountIds and AccountIdInfos are read
    together, each id once; the administrator's own id (OperatorUid) is never a member."""
    infos = {str(info.account_id): info for info in body.account_id_infos or [] if info and info.account_id}
    administrator = next((str(info.operator_uid) for info in infos.values() if info.operator_uid), None)
    ids = dict.fromkeys([str(account_id) for account_id in body.account_ids or []] + list(infos))
    return {"administrator": administrator,
            "members": [{"account_id": account_id, "sas_version": sas_version(infos.get(account_id))}
                        for account_id in ids if account_id != administrator]}


def sas_version(info: Any) -> Optional[str]:
    value = getattr(info, "sas_version", None)
    return None if value is None else str(value)


def inherited_connection(params: Mapping[str, Any]) -> Dict[str, Any]:
    """The connection options every host's sas_connection gets: those set, but the credentials and where to call
    (each site's own)."""
    return {name: params[name] for name in inventory_connection_options()
            if name not in KEY_OPTIONS + WHERE_OPTIONS and params[name] not in (None, "")}


def account_hosts(site: Site, listing: Mapping[str, Any], connection: Mapping[str, Any],
                  include_self: bool) -> Iterator[AccountHost]:
    """The hosts of one site's listing: the administrator's own first (with include_self), then each member."""
    if include_self:
        yield account_host(site, listing["administrator"], None, dict(connection))
    for member in listing["members"]:
        account_id = member["account_id"]
        yield account_host(site, account_id, member["sas_version"],
                           dict(connection, resource_directory_account_id=account_number(account_id)))


def account_host(site: Site, account_id: Optional[str], version: Optional[str],
                 connection: Dict[str, Any]) -> AccountHost:
    variables = {
        "ansible_connection": "local",
        # The modules run on the controller, with the Python that runs Ansible (it has the SDK).
        "ansible_python_interpreter": trust_as_template(LOCAL_PYTHON),
        "sas_connection": dict(connection, **site.where),
        "sas_account_id": account_id,
        "sas_administrator": "resource_directory_account_id" not in connection,
        "sas_version": version,
        "sas_edition": EDITIONS.get(version or ""),
        "sas_site": site.name,
    }
    return AccountHost("sas_%s%s" % (account_id or SELF, site.suffix), variables)


def account_number(account_id: str) -> int:
    """A member's id as resource_directory_account_id takes it; anything else the service sent is refused, never
    made a host name."""
    if not account_id.isascii() or not account_id.isdigit():
        raise AnsibleParserError("%s: %s listed a member account id that is not a number: %r"
                                 % (NAME, DESCRIBE_MONITOR_ACCOUNTS, account_id))
    return int(account_id)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = NAME

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(("sas_accounts.yml", "sas_accounts.yaml"))

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        raw = self._read_config_data(path)
        params = self._connection_params(raw)
        plan = sites(params, self.get_option("other_site"), self.get_option("other_site_endpoint"))
        listings = self._listings(path, cache, params, plan)
        connection = inherited_connection(params)
        for site in plan:
            for host in account_hosts(site, listings[site.url], connection, self.get_option("include_self")):
                self._add(host)

    def _connection_params(self, raw: Mapping[str, Any]) -> Dict[str, Any]:
        """The connection options as the modules resolve and check them: the file's value, else the modules'
        environment fallback (Ansible's own would take the last variable set, an empty one too)."""
        params = {}
        for name in inventory_connection_options():
            value, origin = self.get_option_and_origin(name)
            params[name] = value if origin == "Direct" else modules_fallback(name, value)
        params.update({name: None for name in PER_HOST_OPTIONS})  # the administrator's own calls
        try:
            params.update(check_aliases(sas_argument_spec(), raw))
            errors = connection_option_errors(params)
            if errors:
                raise OptionError("; ".join(errors))
            check_where(params["endpoint"], params["region"])
        except (OptionError, EndpointError) as error:
            raise AnsibleParserError("%s: %s" % (NAME, error)) from None
        return params

    def _listings(self, path: str, cache: bool, params: Mapping[str, Any], plan: List[Site]) -> Dict[str, Any]:
        """Each site's listing by its URL, from the cache when it is on and holds every site."""
        key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        if use_cache and cache:
            cached = self._cache.get(key) or {}
            if all(site.url in cached for site in plan):
                return cached
        listings = {site.url: list_accounts(params, site) for site in plan}
        if use_cache:
            self._cache[key] = listings
        return listings

    def _add(self, host: AccountHost) -> None:
        self.inventory.add_group(GROUP)
        self.inventory.add_host(host.name, group=GROUP)
        for name, value in host.variables.items():
            self.inventory.set_variable(host.name, name, value)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), host.variables, host.name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), host.variables, host.name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host.variables, host.name, strict=strict)


def list_accounts(params: Mapping[str, Any], site: Site) -> Dict[str, Any]:
    """One DescribeMonitorAccounts call at site, with the administrator's credentials; AnsibleParserError names
    what failed, never a secret."""
    missing = missing_sdk_packages()
    if missing:
        raise AnsibleParserError("%s needs the Python packages %s on the controller: pip install them (the "
                                 "collection's requirements.txt lists them)" % (NAME, " and ".join(missing)))
    try:
        settings = ConnectionSettings(dict(params, region=site.region, endpoint=site.endpoint))
        body = monitor_accounts(settings.connect(display.warning))
    except (CredentialError, OptionError, EndpointError, ClientSetupError) as error:
        raise AnsibleParserError("%s: %s" % (NAME, error)) from None
    except SasApiError as error:
        raise AnsibleParserError("%s: cannot list the member accounts at %s: %s"
                                 % (NAME, site.url, error.describe())) from None
    return listing_of(body)
