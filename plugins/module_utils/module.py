# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base every alibabacloud.sas module uses: shared options, SDK check, client, errors."""

from __future__ import annotations

import importlib.util
from typing import Any, List, NoReturn, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    ClientSetupError,
    ConnectionSettings,
    EndpointError,
    SasConnection,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.credentials import CredentialError
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_aliases,
    connection_option_errors,
    sas_argument_spec,
)

SDK_PACKAGES = {
    "alibabacloud_sas20181203": "alibabacloud-sas20181203",
    "alibabacloud_tea_openapi": "alibabacloud-tea-openapi",
    "alibabacloud_credentials": "alibabacloud-credentials",
    "darabonba": "darabonba-core",
}


def missing_sdk_packages() -> List[str]:
    """The pip names of the SDK packages this Python cannot import (the modules, the event source and the
    inventory plugin each say so in their own words)."""
    return [pip for name, pip in SDK_PACKAGES.items() if importlib.util.find_spec(name) is None]


class SasModule(AnsibleModule):
    """AnsibleModule with the shared options merged in and a lazily built SAS connection."""

    def __init__(self, argument_spec: Optional[dict] = None, **kwargs: Any):
        spec = sas_argument_spec()
        spec.update(argument_spec or {})
        self._validated = False
        super().__init__(argument_spec=spec, **kwargs)
        self._validated = True
        missing = missing_sdk_packages()
        if missing:
            self.fail_json(msg=missing_required_lib(" and ".join(missing)))
        try:
            self.params.update(check_aliases(self.argument_spec, getattr(self, "_raw_params", {})))
        except OptionError as error:
            self.fail_json(msg=str(error))
        errors = connection_option_errors(self.params)
        if errors:
            self.fail_json(msg="; ".join(errors))
        self._connection: Optional[SasConnection] = None
        self._secrets: tuple = ()  # the credentials' secrets, known once connected

    def exit_json(self, **result: Any) -> NoReturn:
        super().exit_json(**self._with_api_stats(result))

    def fail_json(self, msg: Optional[str] = None, **kwargs: Any) -> NoReturn:
        # AnsibleModule's own validation reports only its first error, and for a list element that is not a
        # mapping that one does not name the option (the next one does): report every distinct error.
        validation = getattr(self, "validation_result", None)
        if not getattr(self, "_validated", True) and validation is not None:
            messages = list(validation.errors.messages)
            if len(messages) > 1 and msg in messages:
                msg = "; ".join(dict.fromkeys(messages))
        super().fail_json(msg=msg, **self._with_api_stats(kwargs))

    def _with_api_stats(self, result: dict) -> dict:
        """result with api_stats, the calls of each API the run made, if it made any."""
        connection = getattr(self, "_connection", None)
        return dict(result, api_stats=connection.api_stats()) if connection is not None else result

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
        try:
            settings = ConnectionSettings(self.params, endpoint)
            self._secrets = settings.secrets
            return settings.connect(self.warn, max_connections=max(8, self.params.get("concurrency") or 0))
        except (CredentialError, OptionError, EndpointError, ClientSetupError) as error:
            self.fail_json(msg=str(error))

    def fail_api(self, error: SasApiError, **result: Any) -> NoReturn:
        """Fail with one structured error; result keeps whatever the module had done so far."""
        self.fail_json(msg=error.describe(), error=error.to_result(), **result)
