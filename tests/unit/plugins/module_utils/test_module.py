# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.module import (
    env_fallback_non_empty,
    sas_argument_spec,
)

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
    assert spec["region"]["fallback"] == (env_fallback_non_empty, list(REGION))
    assert spec["endpoint"]["fallback"] == (env_fallback_non_empty, list(credentials.ENDPOINT_ENV))
