# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.module_utils.basic import AnsibleFallbackNotFound
from module_runner import run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    env_fallback_non_empty,
    sas_argument_spec,
)
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_info

REGION = credentials.REGION_ENV


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in REGION:
        monkeypatch.delenv(name, raising=False)


def test_first_non_empty_variable_wins(monkeypatch):
    monkeypatch.setenv("ALICLOUD_REGION", "cn-hangzhou")
    monkeypatch.setenv("ALICLOUD_REGION_ID", "cn-beijing")
    assert env_fallback_non_empty(*REGION) == "cn-hangzhou"


def test_empty_variable_is_skipped(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "")
    monkeypatch.setenv("ALICLOUD_REGION", "ap-southeast-1")
    assert env_fallback_non_empty(*REGION) == "ap-southeast-1"


def test_first_name_has_priority(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-shanghai")
    monkeypatch.setenv("ALICLOUD_REGION", "ap-southeast-1")
    assert env_fallback_non_empty(*REGION) == "cn-shanghai"


def test_none_set_raises_fallback_not_found():
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback_non_empty(*REGION)


def test_only_empty_values_raise_fallback_not_found(monkeypatch):
    for name in REGION:
        monkeypatch.setenv(name, "")
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback_non_empty(*REGION)


def test_secret_options_are_no_log():
    spec = sas_argument_spec()
    assert spec["secret_key"]["no_log"] is True
    assert spec["security_token"]["no_log"] is True
    assert spec["access_key"]["no_log"] is False


class Connected(BaseException):
    """Raised instead of building the client: carries the endpoint and region a module would use."""


def connect_to_nothing(endpoint, region, *args, **kwargs):
    raise Connected(endpoint, region)


@pytest.mark.parametrize("environ, where", [
    ({"ALIBABA_CLOUD_REGION_ID": "", "ALICLOUD_REGION": "ap-southeast-1"}, (None, "ap-southeast-1")),
    ({"ALIBABA_CLOUD_SAS_ENDPOINT": "", "ALICLOUD_SAS_ENDPOINT": "http://127.0.0.1:18080"},
     ("http://127.0.0.1:18080", None)),
])
def test_a_module_takes_region_and_endpoint_from_the_environment_skipping_empty_variables(
        module_env, monkeypatch, environ, where):
    # AWX injects every field of its credential, the empty ones too.
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(Connected) as connected:
        run_module(sas_alert_info, {"access_key": "a", "secret_key": "b-secret"}, connect=connect_to_nothing)
    assert connected.value.args == where
