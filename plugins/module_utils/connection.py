# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK client, and every call made through it: retries, error classification, fan-out."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, List, Mapping, Optional, Tuple, TypeVar
from urllib.parse import urlsplit

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, from_sdk_exception, redact
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import check_region
from ansible_collections.alibabacloud.sas.plugins.module_utils.pacing import Pacer, Rate
from ansible_collections.alibabacloud.sas.plugins.module_utils.retries import RetryPolicy, call_with_retries
from ansible_collections.alibabacloud.sas.plugins.module_utils.sdk import load_client_and_models
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION

USER_AGENT = "AlibabaCloud-Ansible-SAS/%s" % COLLECTION_VERSION

T = TypeVar("T")
R = TypeVar("R")


# Security Center keeps an account's data in one of two sites, each with one API host: mainland China, and outside
# it [DOC]. The SDK maps the regions of its table to these two, but any other region (na-south-1, ap-southeast-8, a
# new one) to sas.<region>.aliyuncs.com, a host that does not exist [SDK]. So the site is chosen here, by one rule
# for every region: cn-* regions to the mainland site, the others to the one outside. This agrees with every entry of
# the SDK's table; cn-hongkong goes to the mainland site as there, while the Terraform provider sends it to the other
# site [3P]: endpoint reaches that one (docs/service-assumptions.md).
MAINLAND_SITE = "tds.cn-shanghai.aliyuncs.com"
OUTSIDE_MAINLAND_SITE = "tds.ap-southeast-1.aliyuncs.com"
MAINLAND_REGION_PREFIX = "cn-"


class EndpointError(ValueError):
    """An endpoint option the SDK could not use."""


def site_for_region(region: str) -> str:
    """The API host of the Security Center site that keeps the data of region."""
    return MAINLAND_SITE if region.startswith(MAINLAND_REGION_PREFIX) else OUTSIDE_MAINLAND_SITE


def other_site_for_region(region: str) -> str:
    """The API host of the site that does not keep region's data (an account may have servers at both)."""
    return OUTSIDE_MAINLAND_SITE if site_for_region(region) == MAINLAND_SITE else MAINLAND_SITE


def where_to_call(endpoint: Optional[str], region: Optional[str]) -> Tuple[str, str]:
    """(protocol, host[:port]): the endpoint if given, else the site of region (check_where has checked them)."""
    if endpoint:
        return parse_endpoint(endpoint)
    return "https", site_for_region(region or "")


def parse_endpoint(endpoint: str) -> Tuple[str, str]:
    """(protocol, host[:port]) from a URL such as http://127.0.0.1:18080 or a bare host name."""
    text = endpoint.strip()
    if "://" not in text:
        text = "https://" + text
    if "@" in re.split(r"[/?#]", text.split("://", 1)[1], maxsplit=1)[0]:
        # Checked first, and the endpoint not echoed: it would show the password.
        raise EndpointError("endpoint must not hold credentials (user:password@): give keys with "
                            "access_key/secret_key, a profile or the environment")
    invalid = EndpointError("endpoint %r is not valid: give a URL such as https://tds.cn-shanghai.aliyuncs.com "
                            "or http://127.0.0.1:18080" % endpoint)
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise invalid from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EndpointError("endpoint %r must not have a path or query: the API lives at /" % endpoint)
    try:
        port = parts.port  # raises on a port that is not a number, or above 65535
    except ValueError:
        port = -1
    if port is None and parts.netloc.endswith(":"):
        port = -1  # "host:" with no number
    if port is not None and not 1 <= port <= 65535:
        raise EndpointError("endpoint %r has an invalid port: the endpoint port must be 1-65535" % endpoint)
    return parts.scheme, parts.netloc


def check_where(endpoint: Optional[str], region: Optional[str]) -> None:
    """A region or an endpoint to call, and an endpoint the SDK can use; OptionError or EndpointError."""
    check_region(endpoint, region)
    if endpoint:
        parse_endpoint(endpoint)


# Warned by every caller that turns certificate checks off (modules and the event source alike).
UNVERIFIED_TLS_WARNING = ("validate_certs is false: the endpoint's TLS certificate is not checked, so anyone on the "
                          "network path could read and change these calls; keep it for test endpoints only")


def takes_account(request: Any) -> bool:
    """Whether an SDK request model has ResourceDirectoryAccountId: the SDK's models are the one list of the APIs
    that take it (DescribeSecurityEventOperations and DescribeSecurityEventOperationStatus do not, SDK 10.3.2)."""
    return hasattr(request, "resource_directory_account_id")


def _snake(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


class SasConnection:
    """One SDK client, shared by every call (and thread) of a module run."""

    def __init__(self, client: Any, runtime: Any, models: Any, policy: RetryPolicy,
                 secrets: Iterable[str] = (), pacer: Optional[Pacer] = None,
                 resource_directory_account_id: Optional[int] = None):
        self.client = client
        # The Resource Directory member account the calls are about (None: the caller's own), sent on each API
        # whose SDK request takes it (takes_account).
        self.resource_directory_account_id = resource_directory_account_id
        self.endpoint = getattr(client, "_endpoint", None)  # host[:port]
        self.url = "%s://%s" % (getattr(client, "_protocol", None) or "https", self.endpoint) if self.endpoint else None
        self._runtime = runtime
        self._models = models
        self._policy = policy
        self._pacer = pacer or Pacer(rate=0)
        self._secrets = tuple(secrets)

    def call(self, action: str, write: bool = False, **params: Any) -> Any:
        """Call action with wire-named-in-snake_case params; returns the response body model. An action the SDK
        gives no request model (DescribeMonitorAccounts) takes no params: its method takes the runtime alone."""
        model = getattr(self._models, action + "Request", None)  # None: the action takes no parameter
        request = model(**params) if model is not None else None
        if self.resource_directory_account_id is not None and takes_account(request):
            request.resource_directory_account_id = self.resource_directory_account_id
        method = getattr(self.client, _snake(action) + "_with_options")
        arguments = (self._runtime,) if request is None else (request, self._runtime)

        def once() -> Any:
            slot = self._pacer.wait(action)
            try:
                body = method(*arguments).body
            except Exception as exc:  # every SDK stack raises differently; errors.py sorts it out
                error = from_sdk_exception(exc, action, self._secrets, self.url)
                if error.throttled:
                    self._pacer.throttled(action, slot)
                raise error from None
            self._pacer.succeeded(action, slot)
            return body

        return call_with_retries(once, self._policy, write=write, on_retry=self._count_retry)

    @property
    def calls(self) -> int:
        """API requests sent, retries included (the pacer counts them per API)."""
        return sum(stats["calls"] for stats in self._pacer.stats().values())

    @property
    def retries(self) -> int:
        return sum(stats["retries"] for stats in self._pacer.stats().values())

    def member_unseen_by(self, action: str) -> Optional[str]:
        """Why action may not find an alert or task of the member account the connection is about by its id: its
        request takes no ResourceDirectoryAccountId. None for the caller's own account, or an action that takes it."""
        member = self.resource_directory_account_id
        if member is None or takes_account(getattr(self._models, action + "Request")()):
            return None
        return "%s takes no ResourceDirectoryAccountId, so it may not look in member account %d" % (action, member)

    def _count_retry(self, error: SasApiError, delay: float) -> None:
        self._pacer.retried(error.action)

    def api_stats(self) -> dict:
        """Per API called: calls (retries included), retries, throttles and the rate its pace settled at."""
        return self._pacer.stats()

    def map(self, function: Callable[[T], R], items: List[T], concurrency: int) -> List[R]:
        """function over items with at most concurrency calls in flight; results in input order."""
        if concurrency <= 1 or len(items) <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
            return list(pool.map(function, items))


def connect(endpoint: Optional[str], region: Optional[str], credential_kwargs: dict,
            connect_timeout: float, read_timeout: float, validate_certs: bool,
            policy: Optional[RetryPolicy] = None, secrets: Iterable[str] = (),
            max_connections: int = 8, rate_limit: Rate = 0.0,
            resource_directory_account_id: Optional[int] = None) -> SasConnection:
    """Build the SDK client. Imports the SDK here, not at module load: it is the costly part."""
    from alibabacloud_tea_openapi.models import Config
    from darabonba.runtime import RuntimeOptions

    Client, models = load_client_and_models()

    config = Config(region_id=region, user_agent=USER_AGENT, max_idle_conns=max_connections,
                    **credential_kwargs)
    config.protocol, config.endpoint = where_to_call(endpoint, region)
    timeouts = {"connect_timeout": int(connect_timeout * 1000), "read_timeout": int(read_timeout * 1000)}
    config.connect_timeout, config.read_timeout = timeouts["connect_timeout"], timeouts["read_timeout"]
    runtime = RuntimeOptions(ignore_ssl=not validate_certs, max_idle_conns=max_connections, **timeouts)
    return SasConnection(Client(config), runtime, models, policy or RetryPolicy(), secrets, Pacer(rate_limit),
                         resource_directory_account_id)


class ClientSetupError(Exception):
    """The SDK refused to build its client from options that passed every check (a malformed credentials file)."""


class ConnectionSettings:
    """The one builder of SAS connections, for the modules and the event source alike.

    Built from the connection options (options.CONNECTION_OPTIONS, each checked already), it resolves the
    credentials as the aliyun CLI does and checks where to call, before any call and before the SDK is loaded:
    CredentialError, OptionError or EndpointError name the option that cannot work. endpoint, if given, is called
    instead of the option's (the other data site). connect() builds the connection.
    """

    def __init__(self, params: Mapping[str, Any], endpoint: Optional[str] = None):
        self.params = params
        self.credentials = credentials.resolve(params)
        self.endpoint: Optional[str] = endpoint or params["endpoint"] or None
        self.region: Optional[str] = params["region"] or None
        check_where(self.endpoint, self.region)

    @property
    def secrets(self) -> Tuple[str, ...]:
        return self.credentials.secrets

    def connect(self, warn: Callable[[str], None], max_connections: int = 8) -> SasConnection:
        """The connection; warn gets what the user must know (certificates unchecked). ClientSetupError if the SDK
        refuses its client."""
        params = self.params
        if not params["validate_certs"]:
            warn(UNVERIFIED_TLS_WARNING)
        try:
            return connect(self.endpoint, self.region, credentials.sdk_config_kwargs(self.credentials),
                           params["connect_timeout"], params["read_timeout"], params["validate_certs"],
                           secrets=self.secrets, max_connections=max_connections, rate_limit=params["rate_limit"],
                           resource_directory_account_id=params["resource_directory_account_id"])
        except Exception as exc:  # the SDK's own constructor checks, e.g. a malformed credentials file
            raise ClientSetupError("cannot set up the SAS client: %s" % redact(str(exc), self.secrets)) from None
