# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base every alibabacloud.sas module uses: shared options, SDK check, client, errors."""

from __future__ import annotations

import importlib.util
import os
from typing import Any, NoReturn, Optional

from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, missing_required_lib

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    UNVERIFIED_TLS_WARNING,
    EndpointError,
    SasConnection,
    check_where,
    connect,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, redact
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_aliases,
    check_positive,
    check_rate_limit,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.pacing import DEFAULT_CALLS_PER_SECOND

SDK_PACKAGES = {
    "alibabacloud_sas20181203": "alibabacloud-sas20181203",
    "alibabacloud_tea_openapi": "alibabacloud-tea-openapi",
    "alibabacloud_credentials": "alibabacloud-credentials",
    "darabonba": "darabonba-core",
}


def env_fallback_non_empty(*names: str) -> str:
    """Like env_fallback, but an empty variable counts as unset (AWX injects empty fields)."""
    value = credentials.first_set(os.environ, names)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


def sas_argument_spec() -> dict:
    """The options every module shares; documented once in the alibabacloud.sas.sas doc fragment."""
    return dict(
        access_key=dict(type="str", aliases=["alicloud_access_key", "access_key_id"], no_log=False),
        secret_key=dict(type="str", aliases=["alicloud_secret_key", "access_key_secret"], no_log=True),
        security_token=dict(type="str", no_log=True),
        region=dict(type="str", aliases=["region_id"],
                    fallback=(env_fallback_non_empty, list(credentials.REGION_ENV))),
        profile=dict(type="str"),
        endpoint=dict(type="str", fallback=(env_fallback_non_empty, list(credentials.ENDPOINT_ENV))),
        validate_certs=dict(type="bool", default=True),
        connect_timeout=dict(type="float", default=5.0),
        read_timeout=dict(type="float", default=10.0),
        rate_limit=dict(type="float", default=DEFAULT_CALLS_PER_SECOND),
    )


class SasModule(AnsibleModule):
    """AnsibleModule with the shared options merged in and a lazily built SAS connection."""

    def __init__(self, argument_spec: Optional[dict] = None, **kwargs: Any):
        spec = sas_argument_spec()
        spec.update(argument_spec or {})
        self._validated = False
        super().__init__(argument_spec=spec, **kwargs)
        self._validated = True
        missing = [pip for name, pip in SDK_PACKAGES.items() if importlib.util.find_spec(name) is None]
        if missing:
            self.fail_json(msg=missing_required_lib(" and ".join(missing)))
        try:
            self.params.update(check_aliases(self.argument_spec, getattr(self, "_raw_params", {})))
            for name in ("connect_timeout", "read_timeout"):
                check_positive(name, self.params[name])
            check_rate_limit(self.params["rate_limit"])
        except OptionError as error:
            self.fail_json(msg=str(error))
        self._connection: Optional[SasConnection] = None
        self._secrets: tuple = ()

    def fail_json(self, msg: Optional[str] = None, **kwargs: Any) -> NoReturn:
        # AnsibleModule's own validation reports only its first error, and for a list element that is not a
        # mapping that one does not name the option (the next one does): report every distinct error.
        validation = getattr(self, "validation_result", None)
        if not getattr(self, "_validated", True) and validation is not None:
            messages = list(validation.errors.messages)
            if len(messages) > 1 and msg in messages:
                msg = "; ".join(dict.fromkeys(messages))
        super().fail_json(msg=msg, **kwargs)

    def _load_params(self) -> None:
        """Keep the arguments as given: alias resolution overwrites an option with its alias's value."""
        super()._load_params()
        self._raw_params = dict(self.params)

    @property
    def connection(self) -> SasConnection:
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def connection_to(self, endpoint: str) -> SasConnection:
        """Another connection, to endpoint, with the same credentials and settings (the other data site)."""
        return self._connect(endpoint)

    def _connect(self, endpoint: Optional[str] = None) -> SasConnection:
        params = self.params
        endpoint, region = endpoint or params["endpoint"] or None, params["region"] or None
        try:
            source = credentials.resolve(params)
            self._secrets = source.secrets
            check_where(endpoint, region)
        except (credentials.CredentialError, OptionError, EndpointError) as exc:
            self.fail_json(msg=str(exc))
        if not params["validate_certs"]:
            self.warn(UNVERIFIED_TLS_WARNING)
        try:
            return connect(endpoint, region, credentials.sdk_config_kwargs(source),
                           params["connect_timeout"], params["read_timeout"], params["validate_certs"],
                           secrets=source.secrets, max_connections=max(8, params.get("concurrency") or 0),
                           rate_limit=params["rate_limit"])
        except Exception as exc:  # the SDK's own constructor checks, e.g. a malformed credentials file
            self.fail_json(msg="cannot set up the SAS client: %s" % redact(str(exc), self._secrets))

    def fail_api(self, error: SasApiError, **result: Any) -> NoReturn:
        """Fail with one structured error; result keeps whatever the module had done so far."""
        self.fail_json(msg=error.describe(), error=error.to_result(), **result)
