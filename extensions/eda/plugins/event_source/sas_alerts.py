# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.sas.sas_alerts: an Event-Driven Ansible source of new Security Center (SAS) alerts."""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Receive events for new Alibaba Cloud Security Center (SAS) alerts
description:
  - An ansible-rulebook event source that polls Security Center (DescribeSuspEvents) every I(interval) seconds
    and puts one event on the queue for each new pending alert.
  - Each event is a mapping of C(sas_alert), C(sas_alert_label) and C(meta). C(sas_alert) is the alert
    exactly as the C(alibabacloud.sas.sas_alert_info) module returns it (every field in snake_case, its status by
    name). C(sas_alert_label) is the alert on one line for a log - its id, level, type, name and server (or
    C(no server)) - with every control, bidi and zero-width character shown as a visible escape such as C(\n) or
    C(\x1b). C(meta) holds C(source.type) (C(alibabacloud.sas.sas_alerts)), C(endpoint) (the API host called),
    C(region), C(resource_directory_account_id) (null for the credentials' own account) and C(polled_at) (when
    the poll that found the alert started, ISO 8601 UTC); never a credential.
  - The alert's text fields (server and alert names, paths, command lines) come from hosts an attacker may own.
    ansible-rulebook hands the whole event to the playbook it runs as C(ansible_eda.event), where a field put
    in a template is evaluated - a server named C({{ lookup('pipe', 'id') }}) runs a command. Pass a playbook
    the alert's C(id) only and let it read the alert with C(alibabacloud.sas.sas_alert_info); never template
    another field of the event; print C(sas_alert_label), not the raw fields.
  - The alerts pending when the source starts are its baseline. They are not sent unless I(emit_existing) is
    true, so a restart does not replay them. After that, each alert is sent once, when the service first lists
    it as pending; it is not sent again when it is seen again (its C(last_time) moves on, or its handling is
    undone). Only an alert pending again after more than 10,000 other alerts left the pending listing since it
    left is sent a second time.
  - Each poll reads every page of the pending alerts, one DescribeSuspEvents call per 100 alerts pending of the
    requested I(levels), since the order of that listing is not documented and a new alert may be on any page.
  - Calls are retried and paced as the modules' are (throttling, server errors and lost connections are tried
    again with jittered backoff). A poll that still fails is logged as a warning and tried again at the next
    interval; the source keeps running. Credentials or permissions the service refuses, and bad arguments,
    stop the source at once with an error that names the problem.
  - Needs the Python packages of the collection's C(requirements.txt) (the Security Center SDK) and
    ansible-core where ansible-rulebook runs.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
options:
  access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - Credentials are looked up as the modules of this collection look them up, the first that is set wins
        (an empty value counts as unset) - I(access_key) and I(secret_key) (with I(security_token));
        I(profile) from the aliyun CLI file C(~/.aliyun/config.json); the environment variables
        C(ALIBABA_CLOUD_ACCESS_KEY_ID), C(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and C(ALIBABA_CLOUD_SECURITY_TOKEN)
        (or the legacy C(ALICLOUD_*) ones); then the C(alibabacloud-credentials) default chain (OIDC,
        ECS RAM role, credentials URI).
    type: str
    aliases: [alicloud_access_key, access_key_id]
  secret_key:
    description:
      - Alibaba Cloud AccessKey secret, with I(access_key). Never shown in events, logs or errors.
    type: str
    aliases: [alicloud_secret_key, access_key_secret]
  security_token:
    description:
      - STS security token, with I(access_key) and I(secret_key).
    type: str
  region:
    description:
      - Region of the Security Center instance, for example C(cn-shanghai) or C(ap-southeast-1).
      - If not set, C(ALIBABA_CLOUD_REGION_ID) (or the legacy C(ALICLOUD_REGION)) is used.
      - Required unless I(endpoint) is set.
    type: str
    aliases: [region_id]
  profile:
    description:
      - Name of a profile in the aliyun CLI file C(~/.aliyun/config.json).
      - If not set, C(ALIBABA_CLOUD_PROFILE) (or the legacy C(ALICLOUD_PROFILE)) is used.
      - Mutually exclusive with I(access_key) and I(secret_key).
    type: str
  endpoint:
    description:
      - Full URL of the SAS API endpoint, for example C(https://tds.cn-shanghai.aliyuncs.com) or
        C(http://127.0.0.1:18080) for the emulator. Overrides the endpoint chosen by I(region).
      - If not set, C(ALIBABA_CLOUD_SAS_ENDPOINT) is used.
    type: str
  validate_certs:
    description:
      - Whether to check the endpoint's TLS certificate. Only turn off for a test endpoint.
    type: bool
    default: true
  connect_timeout:
    description:
      - Seconds to wait for a connection to the endpoint, from 0.1 to 600.
    type: float
    default: 5
  read_timeout:
    description:
      - Seconds to wait for an answer to one API request, from 0.1 to 600.
    type: float
    default: 10
  rate_limit:
    description:
      - Calls a second made to DescribeSuspEvents at most; C(0) turns pacing off.
      - C(auto) finds the quota as the modules' C(auto) does - it starts at 8 calls a second, raises the rate while
        the calls succeed and cuts it at each throttled call, which is tried again.
    type: raw
    default: 8
  resource_directory_account_id:
    description:
      - The Resource Directory member account whose alerts to poll, with Security Center's multi-account
        management (the modules' I(resource_directory_account_id)); leave it out for the credentials' own account.
        Each event's C(meta) names it.
    type: int
  interval:
    description:
      - Seconds between two polls, from 1 to 86400 (a day).
    type: float
    default: 60
  levels:
    description:
      - Only alerts of these severity levels (as the module's I(levels)).
    type: list
    elements: str
    choices: [serious, suspicious, remind]
  alert_types:
    description:
      - Only alerts of these types, by English name, Chinese name or code, compared on this side with each
        alert's C(alarm_event_type) and C(alarm_event_type_display) as the module's I(alert_types) are.
    type: list
    elements: str
  emit_existing:
    description:
      - Also send an event for each alert already pending when the source starts.
    type: bool
    default: false
  lang:
    description:
      - Language of the names and descriptions in the alerts.
    type: str
    choices: [en, zh]
    default: en
"""

EXAMPLES = r"""
- name: Handle new serious alerts
  hosts: localhost
  sources:
    - alibabacloud.sas.sas_alerts:
        region: cn-shanghai
        profile: security-ops
        interval: 60
        levels: [serious]
  rules:
    - name: Block the source of a brute-force logon
      condition: event.sas_alert.alarm_event_type == "Unusual logon"
      action:
        run_playbook:
          name: playbooks/block_ip.yml
          # The alert's id only: the playbook reads the alert (sas_alert_info alert_ids) and never templates
          # ansible_eda.event, whose text fields an attacker can fill with Jinja.
          extra_vars:
            alert_id: "{{ event.sas_alert.id }}"

- name: Every pending web shell, those of before the start too
  hosts: localhost
  sources:
    - alibabacloud.sas.sas_alerts:
        endpoint: http://127.0.0.1:18080
        alert_types: [Web shell]
        emit_existing: true
  rules:
    - name: Print it
      condition: event.sas_alert is defined
      action:
        debug:
          # The label, escaped: the raw fields could rewrite the log with newlines and terminal escapes.
          msg: "New web shell {{ event.sas_alert_label }}"
"""

import asyncio
import datetime
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple


def _collections_root(path: str) -> Optional[str]:
    """The directory holding ansible_collections/ for this file at
    <root>/ansible_collections/alibabacloud/sas/extensions/eda/plugins/event_source/sas_alerts.py, or None."""
    for candidate in (os.path.abspath(path), os.path.realpath(path)):
        parts = candidate.split(os.sep)
        if len(parts) > 8 and parts[-8:-5] == ["ansible_collections", "alibabacloud", "sas"]:
            return os.sep.join(parts[:-8]) or os.sep
    return None


class _ThisCollection(importlib.abc.MetaPathFinder):
    """Finds this collection's package, and the namespace packages above it, under root - and nothing else."""

    PACKAGES = ("ansible_collections", "ansible_collections.alibabacloud", "ansible_collections.alibabacloud.sas")

    def __init__(self, root: str):
        self.root = root

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname not in self.PACKAGES:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)  # a namespace package
        spec.submodule_search_locations = [os.path.join(self.root, *fullname.split("."))]
        return spec


# The shared code is the collection's module_utils, imported by its full name. ansible-rulebook runs this file with
# runpy.run_path from the installed collection and makes no collection importable. ansible.eda met this and stopped
# sharing code between its sources (its commit d06a0c1, "Temporarily stop using a utils module"), which would copy
# thousands of lines here; Ansible's own collection loader (init_plugin_loader) breaks ansible-rulebook, whose files
# its path hook claims (site-packages/ansible_rulebook starts with site-packages/ansible). So when the import fails,
# a finder placed after every other one answers for this collection's own package names from the collections root
# this file sits under: sys.path and every other import are left as they are.
try:
    from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
except ImportError:
    _ROOT = _collections_root(__file__)
    if _ROOT is None:
        raise
    sys.meta_path.append(_ThisCollection(_ROOT))
    from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import listing_pages
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    ClientSetupError,
    ConnectionSettings,
    EndpointError,
    SasConnection,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, redact
from ansible_collections.alibabacloud.sas.plugins.module_utils.listing import (
    ListingRequest,
    TypeFilter,
    alert_result,
    is_known_type,
    pending_listing_request,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import missing_sdk_packages
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_aliases,
    check_positive,
    connection_option_errors,
    sas_argument_spec,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import FetchPage, read_all_pages
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import LANGUAGES, LEVELS, MAX_PAGE_SIZE
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import NAME_LENGTH, shown

SOURCE = "alibabacloud.sas.sas_alerts"
# A fixed name: ansible-rulebook runs this file as "<run_path>", which would be this logger's name otherwise.
logger = logging.getLogger(SOURCE)

# ansible-rulebook adds its own arguments (eda_feedback_queue) to those of the rulebook: not ours to check.
RULEBOOK_ARGUMENT_PREFIX = "eda_"

# Ids of alerts that left the pending listing, kept so that one listed again is not sent again (AlertTracker).
MAX_REMEMBERED = 10000
# Seconds between two polls: each poll is a call against the account's DescribeSuspEvents quota, and polls a day
# apart are slower than the scheduled triage the source is there to outrun.
INTERVAL_BOUNDS = (1.0, 86400.0)


def source_argument_spec() -> dict:
    """The modules' shared options (same names, aliases, defaults and environment fallbacks), and the source's."""
    spec = sas_argument_spec()
    spec.update(
        interval=dict(type="float", default=60.0),
        levels=dict(type="list", elements="str", choices=list(LEVELS)),
        alert_types=dict(type="list", elements="str"),
        emit_existing=dict(type="bool", default=False),
        lang=dict(type="str", choices=list(LANGUAGES), default="en"),
    )
    return spec


class SourceArgumentError(ValueError):
    """An argument of the source that cannot work; raised before any call."""


class SourceAccessError(RuntimeError):
    """The service refuses the credentials or their permissions: polling again cannot help."""


class Settings:
    """The source's arguments, every one checked; connect() builds the SAS connection from them."""

    def __init__(self, params: Dict[str, Any], request: ListingRequest, connection: ConnectionSettings,
                 secrets: Tuple[str, ...]):
        self.params = params
        self.request = request
        self.connection = connection
        self.secrets = secrets
        self.interval: float = params["interval"]
        self.emit_existing: bool = params["emit_existing"]
        self.endpoint: Optional[str] = connection.endpoint
        self.region: Optional[str] = connection.region

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Settings:
        """Check every argument, as the modules check theirs; SourceArgumentError names each bad one."""
        from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

        if args is None:
            args = {}
        if not isinstance(args, Mapping):
            raise SourceArgumentError("%s: the source's arguments must be a mapping, got %s"
                                      % (SOURCE, type(args).__name__))
        raw = {name: value for name, value in args.items() if not str(name).startswith(RULEBOOK_ARGUMENT_PREFIX)}
        spec = source_argument_spec()
        # Every value given for a no_log option, under any of its names: cut out of every message.
        secrets = tuple(str(raw[name]) for option, entry in spec.items() if entry.get("no_log")
                        for name in [option] + list(entry.get("aliases") or ()) if raw.get(name))
        result = ArgumentSpecValidator(spec).validate(dict(raw))
        messages = []
        unknown = sorted(str(name) for name in result.unsupported_parameters)
        if unknown:
            names = sorted(spec) + sorted(alias for entry in spec.values() for alias in entry.get("aliases") or ())
            messages.append("unknown argument%s %s: the arguments of %s are %s" % (
                "s" if len(unknown) > 1 else "", ", ".join(unknown), SOURCE, ", ".join(names)))
        messages += [str(error) for error in result.errors if type(error).__name__ != "UnsupportedError"]
        params = result.validated_parameters

        def check(function: Callable[..., Any], *values: Any) -> Any:
            try:
                return function(*values)
            except (OptionError, credentials.CredentialError, EndpointError) as error:
                messages.append(str(error))
                return None

        # Each check on its own, so that every bad argument is named at once; a number that is not one was
        # named above already.
        check(lambda: params.update(check_aliases(spec, raw)))
        # type=float reads true as 1: a boolean given for a number is a mistake.
        booleans = [name for name, entry in spec.items()
                    if entry.get("type") == "float" and isinstance(raw.get(name), bool)]
        messages += ["%s must be a number, got the boolean %s" % (name, str(raw[name]).lower()) for name in booleans]
        named = set(booleans) | {name for name, entry in spec.items()
                                 if entry.get("type") == "float" and not _is_number(params[name])}
        if "interval" not in named:
            check(check_positive, "interval", params["interval"], INTERVAL_BOUNDS)
        messages += connection_option_errors(params, skip=named)
        # sas_alert_info's own checks and filters: levels and alert_types neither empty nor blank, pending alerts.
        request = check(pending_listing_request, params["levels"], params["alert_types"], params["lang"])
        # The modules' order: the credentials, then where to call.
        connection = check(ConnectionSettings, params)
        if messages:
            text = "; ".join(dict.fromkeys(messages))
            raise SourceArgumentError("%s: %s" % (SOURCE, redact(text, secrets)))
        missing = missing_sdk_packages()
        if missing:
            raise SourceArgumentError("%s needs the Python packages %s on the host that runs ansible-rulebook: "
                                      "pip install them (the collection's requirements.txt lists them)"
                                      % (SOURCE, " and ".join(missing)))
        return cls(params, request, connection, tuple(secrets) + connection.secrets)

    def connect(self) -> SasConnection:
        """The SAS connection: the modules' SDK client, retries and pacing (connection.ConnectionSettings)."""
        try:
            return self.connection.connect(logger.warning)
        except ClientSetupError as error:
            raise SourceArgumentError("%s: %s" % (SOURCE, error)) from None

    def log_unknown_types(self) -> None:
        for alert_type in self.request.alert_types:
            if not is_known_type(alert_type):
                logger.warning("alert_types: %r is none of the type names this collection knows; it is compared "
                               "as written with each alert's alarm_event_type and alarm_event_type_display",
                               alert_type)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Stopped(Exception):
    """The source was cancelled: the poll in its thread ends before its next page."""


def _stamp(alert: Any) -> Optional[int]:
    """When the alert was last seen, in epoch milliseconds (LastTimeStamp), or None if the service left it out."""
    value = getattr(alert, "last_time_stamp", None)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class AlertTracker:
    """Which pending alerts are new: each poll reads the whole pending listing, every page (read_all_pages).

    The order of that listing (SortColumn orders handled alerts only [SDK]), how long after its LastTime the
    service first lists an alert (so how wide a TimeStart window must be) and where a new alert's id falls are
    all undocumented: no shorter read is sure to see every new alert (docs/eda.md, "What one poll costs").
    Identity is the alert id: an alert is sent once, and not again when it is listed again.

    - pending: the ids listed at the last poll. A poll keeps the alerts listed that are neither pending nor
      departed: the new ones. The first poll knows none: it lists the alerts pending at the start (the
      baseline), which main() sends only with emit_existing.
    - departed: ids listed before and not at the last poll, the latest max_remembered departures. An alert
      listed again after it left (its handling undone, or missed by one poll) is not new.
    - An alert handled while a poll reads its pages shifts the rest, and the one at a page boundary can be
      missed: read_all_pages reads a listing whose TotalCount changed again from the start, and an alert still
      missed is still pending at the next poll, which lists it (departed remembers it meanwhile).

    Memory: the ids the pending listing holds (each poll reads them anyway), max_remembered more, and the new
    alerts' models (at the start, every pending one's). poll() makes blocking calls (run it in a thread).
    """

    def __init__(self, connection: Any, request: ListingRequest, page_size: int = MAX_PAGE_SIZE,
                 max_remembered: int = MAX_REMEMBERED):
        self.connection = connection
        self.request = request
        self.page_size = page_size
        self.max_remembered = max_remembered
        self.types = TypeFilter(request.alert_types) if request.alert_types else None
        self.pending: Set[int] = set()
        self.departed: OrderedDict[int, None] = OrderedDict()  # the oldest departure first

    def is_known(self, alert_id: int) -> bool:
        return alert_id in self.pending or alert_id in self.departed

    def poll(self, stop: Optional[threading.Event] = None) -> List[Any]:
        """The alerts listed as pending that no poll listed before, of the requested types, oldest first."""
        listed: Set[int] = set()

        def new(alert: Any) -> bool:  # each alert of the listing once
            listed.add(alert.id)
            return not self.is_known(alert.id)

        found = read_all_pages(self._fetch_page(stop), key=lambda alert: alert.id, page_size=self.page_size,
                               keep=new).items
        self._remember(listed)
        return self._wanted(found)

    def _fetch_page(self, stop: Optional[threading.Event]) -> FetchPage:
        pages = listing_pages(self.connection, self.request.filters, self.request.lang)

        def fetch(page: int, size: int) -> Tuple[List[Any], int]:
            if stop is not None and stop.is_set():
                raise _Stopped()
            return pages(page, size)
        return fetch

    def _remember(self, listed: Set[int]) -> None:
        """listed is what is pending now: what was pending and is not has departed."""
        for alert_id in self.pending - listed:
            self.departed[alert_id] = None
        for alert_id in listed:
            self.departed.pop(alert_id, None)
        while len(self.departed) > self.max_remembered:
            self.departed.popitem(last=False)
        self.pending = listed

    def _wanted(self, alerts: List[Any]) -> List[Any]:
        """alerts of the requested types, oldest first (the order they were seen in)."""
        kept = [alert for alert in alerts if self.types is None or self.types.matches(alert)]
        return sorted(kept, key=lambda alert: (_stamp(alert) or 0, alert.id))


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def event_for(alert: Any, meta: Mapping[str, Any], polled_at: str) -> Dict[str, Any]:
    """One event: the alert as sas_alert_info returns it, its label, and where and when it was read.

    meta.source is a mapping, not a string: ansible-rulebook's insert_meta_info filter, which every source gets,
    writes meta.source.name (the rulebook's name for the source) into it, and fails on a string.
    """
    result = alert_result(alert)
    return {"sas_alert": result, "sas_alert_label": alert_label(result),
            "meta": dict(meta, source={"type": SOURCE}, polled_at=polled_at)}


def alert_label(alert: Mapping[str, Any]) -> str:
    """The alert on one line for a rulebook's log, every field shown escaped (the fields are attacker-controlled
    text): 704368261: serious Unusual logon - ECS login from unusual location on web-prod-01."""
    server = alert.get("instance_name") or alert.get("instance_id") or alert.get("uuid")
    return "%s: %s %s - %s on %s" % (
        shown(alert.get("id")), shown(alert.get("level"), limit=NAME_LENGTH),
        shown(alert.get("alarm_event_type_display") or alert.get("alarm_event_type"), limit=NAME_LENGTH),
        shown(alert.get("alarm_event_name_display") or alert.get("alarm_event_name"), limit=NAME_LENGTH),
        shown(server, limit=NAME_LENGTH) if server else "no server")


def _in_thread(function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
    """function(*args) in a daemon thread of its own, as an awaitable.

    Not asyncio.to_thread: the default executor's threads are joined at interpreter exit and by asyncio.run, so
    a poll retrying an endpoint that does not answer (up to a minute) would hold up the shutdown of
    ansible-rulebook after the source was cancelled. A cancelled poll's thread ends at its next page
    (the stop event) and its result is dropped.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: Optional[BaseException]) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            outcome: Tuple[Any, Optional[BaseException]] = (function(*args), None)
        except BaseException as error:  # handed to the awaiting coroutine
            outcome = (None, error)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name="sas_alerts poll", daemon=True).start()
    return future


async def main(queue: asyncio.Queue, args: Dict[str, Any]) -> None:
    """Poll DescribeSuspEvents every interval seconds and put one event on queue per new pending alert."""
    settings = Settings.from_args(args)  # every argument checked before any call
    settings.log_unknown_types()
    stop = threading.Event()
    try:
        connection = await _in_thread(settings.connect)  # imports the SDK: slow enough to keep off the loop
        tracker = AlertTracker(connection, settings.request)
        meta = {"endpoint": connection.endpoint or settings.endpoint, "region": settings.region,
                "resource_directory_account_id": settings.params["resource_directory_account_id"]}
        baseline = True  # the first poll that gets through lists the alerts pending at the start
        while True:
            polled_at = _now()
            try:
                alerts = await _in_thread(tracker.poll, stop)
                if baseline:
                    baseline = False
                    logger.info("%d alerts pending at the start%s; polling every %s seconds",
                                len(alerts), ", sending them" if settings.emit_existing else "", settings.interval)
                    alerts = alerts if settings.emit_existing else []
            except SasApiError as error:
                if error.access_refused:
                    raise SourceAccessError("%s: %s" % (SOURCE, error.describe())) from None
                logger.warning("this poll failed, the next one is in %s seconds: %s",
                               settings.interval, shown(error.describe()))
                alerts = []
            for alert in alerts:
                await queue.put(event_for(alert, meta, polled_at))
            await asyncio.sleep(settings.interval)
    finally:
        stop.set()


if __name__ == "__main__":
    # Run it alone, the events printed:
    #   python sas_alerts.py '{"endpoint": "http://127.0.0.1:18080", "interval": 5, "emit_existing": true}'
    # with the credentials in the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ...) or in the arguments.
    import json

    class MockQueue(asyncio.Queue):
        """A queue that prints what is put on it."""

        async def put(self, item: Any) -> None:
            # in ASCII: no character of the alert's text reaches the terminal as it is
            print(json.dumps(item, default=str))  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(main(MockQueue(), json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
    except KeyboardInterrupt:
        pass
