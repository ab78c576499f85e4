# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import socket

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials
from ansible_collections.alibabacloud.sas.plugins.module_utils.credentials import (
    DEFAULT_CHAIN,
    ENVIRONMENT,
    EXPLICIT,
    PROFILE,
    CredentialError,
    CredentialSource,
    resolve,
    sdk_config_kwargs,
)

PROFILES = {
    "current": "ak",
    "profiles": [
        {"name": "ak", "mode": "AK", "access_key_id": "profAK", "access_key_secret": "profSecret",
         "region_id": "cn-shanghai"},
        {"name": "nomode", "access_key_id": "nmAK", "access_key_secret": "nmSecret"},
        {"name": "sts", "mode": "StsToken", "access_key_id": "stsAK", "access_key_secret": "stsSecret",
         "sts_token": "STS.profToken"},
        {"name": "sts_notoken", "mode": "StsToken", "access_key_id": "stsAK", "access_key_secret": "stsSecret"},
        {"name": "ak_nosecret", "mode": "AK", "access_key_id": "halfAK"},
        {"name": "ak_emptysecret", "mode": "AK", "access_key_id": "halfAK", "access_key_secret": ""},
        {"name": "role", "mode": "RamRoleArn", "access_key_id": "roleAK", "access_key_secret": "roleSecret",
         "ram_role_arn": "acs:ram::123:role/x", "ram_session_name": "ansible", "expired_seconds": 3600},
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "MyEcsRole"},
        {"name": "sso", "mode": "CloudSSO"},
    ],
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Building credential clients must never open a connection."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r} {kwargs!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def home(tmp_path):
    """A HOME with an aliyun CLI config file; returns (environ, config path)."""
    config_dir = tmp_path / ".aliyun"
    config_dir.mkdir()
    path = config_dir / "config.json"
    path.write_text(json.dumps(PROFILES), encoding="utf-8")
    return {"HOME": str(tmp_path)}, str(path)


# --- 1. explicit keys ------------------------------------------------------------------------

def test_explicit_keys_win_over_everything(home):
    environ = home[0]
    environ.update({"ALIBABA_CLOUD_PROFILE": "ak", "ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret"})
    source = resolve({"access_key": "optAK", "secret_key": "optSecret"}, environ)
    assert source.origin == EXPLICIT
    assert (source.access_key_id, source.access_key_secret, source.security_token) == ("optAK", "optSecret", None)
    assert source.profile is None


def test_explicit_keys_with_token():
    source = resolve({"access_key": "optAK", "secret_key": "optSecret", "security_token": "STS.tok"}, {})
    assert source.origin == EXPLICIT
    assert source.security_token == "STS.tok"


def test_explicit_keys_and_profile_is_an_error(home):
    environ = home[0]
    with pytest.raises(CredentialError) as info:
        resolve({"access_key": "optAK", "secret_key": "optSecret", "profile": "ak"}, environ)
    message = str(info.value)
    assert "profile" in message and "both" in message


def test_one_explicit_key_with_profile_is_still_the_both_error(home):
    environ = home[0]
    with pytest.raises(CredentialError, match="both"):
        resolve({"access_key": "optAK", "profile": "ak"}, environ)


@pytest.mark.parametrize("params, missing, present", [
    ({"access_key": "optAK"}, "secret_key", "access_key"),
    ({"access_key": "optAK", "secret_key": ""}, "secret_key", "access_key"),
    ({"secret_key": "optSecret"}, "access_key", "secret_key"),
    ({"access_key": None, "secret_key": "optSecret"}, "access_key", "secret_key"),
])
def test_only_one_explicit_key_names_the_missing_one(params, missing, present):
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret"}
    with pytest.raises(CredentialError) as info:
        resolve(params, env)
    assert str(info.value).startswith(f"{missing} is missing")


def test_empty_explicit_values_count_as_unset():
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret"}
    source = resolve({"access_key": "", "secret_key": "", "security_token": "", "profile": ""}, env)
    assert source.origin == ENVIRONMENT
    assert source.access_key_id == "envAK"


# --- 2. profile ------------------------------------------------------------------------------

def test_profile_option_ak_mode(home):
    environ, path = home
    environ.update({"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret",
                    "ALIBABA_CLOUD_PROFILE": "sts"})
    source = resolve({"profile": "ak"}, environ)
    assert source.origin == PROFILE
    assert (source.access_key_id, source.access_key_secret, source.security_token) == ("profAK", "profSecret", None)
    assert source.profile == "ak"
    assert source.profile_file == path


def test_profile_without_mode_is_ak(home):
    environ = home[0]
    source = resolve({"profile": "nomode"}, environ)
    assert (source.origin, source.access_key_id, source.access_key_secret) == (PROFILE, "nmAK", "nmSecret")


def test_profile_sts_token_mode(home):
    environ = home[0]
    source = resolve({"profile": "sts"}, environ)
    assert (source.access_key_id, source.access_key_secret, source.security_token) == (
        "stsAK", "stsSecret", "STS.profToken")
    assert source.secrets == ("stsSecret", "STS.profToken")


@pytest.mark.parametrize("name, mode", [("role", "RamRoleArn"), ("ecs", "EcsRamRole")])
def test_profile_sdk_modes_leave_the_keys_to_the_sdk(home, name, mode):
    environ, path = home
    source = resolve({"profile": name}, environ)
    assert source.origin == PROFILE
    assert source.profile == name
    assert source.profile_file == path
    assert (source.access_key_id, source.access_key_secret, source.security_token) == (None, None, None)
    assert source.secrets == ()


def test_profile_from_alibaba_cloud_env(home):
    environ = home[0]
    environ.update({"ALIBABA_CLOUD_PROFILE": "sts", "ALICLOUD_PROFILE": "ak",
                    "ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret"})
    source = resolve({}, environ)
    assert (source.origin, source.profile, source.access_key_id) == (PROFILE, "sts", "stsAK")


def test_profile_from_legacy_env_when_new_one_is_empty(home):
    environ = home[0]
    environ.update({"ALIBABA_CLOUD_PROFILE": "", "ALICLOUD_PROFILE": "ak"})
    source = resolve({"profile": ""}, environ)
    assert (source.origin, source.profile, source.access_key_id) == (PROFILE, "ak", "profAK")


def test_profile_file_missing(tmp_path):
    with pytest.raises(CredentialError) as info:
        resolve({"profile": "ak"}, {"HOME": str(tmp_path)})
    message = str(info.value)
    assert "'ak'" in message
    assert os.path.join(str(tmp_path), ".aliyun", "config.json") in message
    assert "does not exist" in message


def test_profile_not_in_file_lists_the_known_ones(home):
    environ, path = home
    with pytest.raises(CredentialError) as info:
        resolve({"profile": "nope"}, environ)
    message = str(info.value)
    assert f"'nope' is not in {path}" in message
    assert "ak, ak_emptysecret, ak_nosecret, ecs, nomode, role, sso, sts, sts_notoken" in message


def test_profile_file_without_profiles(tmp_path):
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CredentialError, match="no profiles"):
        resolve({"profile": "ak"}, {"HOME": str(tmp_path)})


def test_profile_file_not_json(tmp_path):
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CredentialError, match="cannot read"):
        resolve({"profile": "ak"}, {"HOME": str(tmp_path)})


def test_profile_file_top_level_list_is_a_credential_error(tmp_path):
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CredentialError):
        resolve({"profile": "ak"}, {"HOME": str(tmp_path)})


@pytest.mark.parametrize("name, mode", [
    ("ak_nosecret", "AK"), ("ak_emptysecret", "AK"), ("sts_notoken", "StsToken")])
def test_profile_lacking_keys(home, name, mode):
    environ = home[0]
    with pytest.raises(CredentialError) as info:
        resolve({"profile": name}, environ)
    assert str(info.value).startswith(f"profile {name!r} (mode {mode})")
    assert "lacks its keys" in str(info.value)


def test_profile_unknown_mode(home):
    environ = home[0]
    with pytest.raises(CredentialError) as info:
        resolve({"profile": "sso"}, environ)
    message = str(info.value)
    assert "has mode 'CloudSSO'" in message
    assert "supported modes: AK, StsToken, RamRoleArn" in message


# --- 3. environment keys ---------------------------------------------------------------------

def test_env_keys_with_token(tmp_path):
    environ = {"HOME": str(tmp_path), "ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret", "ALIBABA_CLOUD_SECURITY_TOKEN": "STS.envTok"}
    source = resolve({}, environ)
    assert source.origin == ENVIRONMENT
    assert (source.access_key_id, source.access_key_secret, source.security_token) == (
        "envAK", "envSecret", "STS.envTok")


@pytest.mark.parametrize("key_name, secret_name", [
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"),
    ("ALICLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_SECRET"),
])
def test_legacy_env_keys_with_token(key_name, secret_name):
    environ = {key_name: "oldAK", secret_name: "oldSecret", "ALICLOUD_SECURITY_TOKEN": "STS.oldTok"}
    source = resolve({}, environ)
    assert source.origin == ENVIRONMENT
    assert (source.access_key_id, source.access_key_secret, source.security_token) == (
        "oldAK", "oldSecret", "STS.oldTok")


def test_new_env_names_win_and_empty_ones_are_skipped():
    environ = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "newAK", "ALICLOUD_ACCESS_KEY": "oldAK",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "", "ALICLOUD_SECRET_KEY": "oldSecret",
               "ALIBABA_CLOUD_SECURITY_TOKEN": "", "ALICLOUD_SECURITY_TOKEN": ""}
    source = resolve({}, environ)
    assert (source.access_key_id, source.access_key_secret, source.security_token) == (
        "newAK", "oldSecret", None)


@pytest.mark.parametrize("environ", [
    {"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK"},
    {"ALICLOUD_SECRET_KEY": "envSecret", "ALIBABA_CLOUD_ACCESS_KEY_ID": ""},
])
def test_only_one_env_key_is_an_error(environ):
    with pytest.raises(CredentialError) as info:
        resolve({}, environ)
    missing = "ALIBABA_CLOUD_ACCESS_KEY_SECRET" if environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID") else (
        "ALIBABA_CLOUD_ACCESS_KEY_ID")
    assert str(info.value).startswith(missing + " is not set in the environment")


TOKEN_WITHOUT_KEYS = "security_token is set but access_key/secret_key are not"


@pytest.mark.parametrize("environ", [
    pytest.param({"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret"},
                 id="keys-in-env"),
    pytest.param({"ALIBABA_CLOUD_PROFILE": "ak"}, id="profile-in-env"),
    pytest.param({}, id="default-chain"),
])
def test_token_option_without_key_options_is_an_error(home, environ):
    """issue 8: the token option used to be dropped silently when the keys came from elsewhere."""
    with pytest.raises(CredentialError) as info:
        resolve({"security_token": "STS.optToken"}, dict(home[0], **environ))
    message = str(info.value)
    assert message.startswith(TOKEN_WITHOUT_KEYS)
    assert "set access_key and secret_key too" in message and "ALIBABA_CLOUD_SECURITY_TOKEN" in message
    assert "STS.optToken" not in message


def test_token_option_with_profile_option_is_an_error(home):
    with pytest.raises(CredentialError, match=TOKEN_WITHOUT_KEYS):
        resolve({"security_token": "STS.optToken", "profile": "ak"}, home[0])


def test_env_token_with_env_keys_is_fine():
    source = resolve({"security_token": ""}, {"ALIBABA_CLOUD_ACCESS_KEY_ID": "envAK",
                                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envSecret",
                                              "ALIBABA_CLOUD_SECURITY_TOKEN": "STS.env"})
    assert (source.origin, source.security_token) == (ENVIRONMENT, "STS.env")


def test_env_token_without_keys_is_not_used():
    source = resolve({}, {"ALIBABA_CLOUD_SECURITY_TOKEN": "STS.lonely"})
    assert source.origin == DEFAULT_CHAIN
    assert source.security_token is None


# --- 4. default chain ------------------------------------------------------------------------

def test_nothing_set_is_the_default_chain(tmp_path):
    source = resolve({"access_key": None, "secret_key": None, "profile": None}, {"HOME": str(tmp_path)})
    assert source.origin == DEFAULT_CHAIN
    assert (source.access_key_id, source.access_key_secret, source.profile) == (None, None, None)
    assert source.secrets == ()


def test_all_empty_strings_is_the_default_chain():
    environ = {name: "" for name in credentials.ACCESS_KEY_ENV + credentials.SECRET_KEY_ENV
               + credentials.SECURITY_TOKEN_ENV + credentials.PROFILE_ENV}
    assert resolve({"access_key": "", "secret_key": "", "profile": ""}, environ).origin == DEFAULT_CHAIN


# --- secrets ---------------------------------------------------------------------------------

def test_secrets_hold_secret_and_token_never_the_key_id():
    source = resolve({"access_key": "LTAIkeyid", "secret_key": "s3cretValue", "security_token": "STS.tok"}, {})
    assert source.secrets == ("s3cretValue", "STS.tok")
    assert "LTAIkeyid" not in source.secrets


def test_secrets_without_token():
    assert CredentialSource(EXPLICIT, "LTAIkeyid", "s3cretValue").secrets == ("s3cretValue",)


# --- sdk_config_kwargs -----------------------------------------------------------------------

def test_sdk_kwargs_for_static_keys_build_no_credential_client(monkeypatch):
    import alibabacloud_credentials.client as credential_client

    def forbidden(*args, **kwargs):
        raise AssertionError("no SDK credential client expected for static keys")

    monkeypatch.setattr(credential_client, "Client", forbidden)
    kwargs = sdk_config_kwargs(CredentialSource(EXPLICIT, "optAK", "optSecret", "STS.tok"))
    assert kwargs == {"access_key_id": "optAK", "access_key_secret": "optSecret", "security_token": "STS.tok"}


def test_sdk_kwargs_for_an_ak_profile_are_static(home):
    environ = home[0]
    kwargs = sdk_config_kwargs(resolve({"profile": "ak"}, environ))
    assert kwargs == {"access_key_id": "profAK", "access_key_secret": "profSecret", "security_token": None}


def test_sdk_kwargs_for_a_ram_role_profile_build_a_cli_profile_client(home):
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.provider import CLIProfileCredentialsProvider

    environ, path = home
    kwargs = sdk_config_kwargs(resolve({"profile": "role"}, environ))
    assert list(kwargs) == ["credential"]
    client = kwargs["credential"]
    assert isinstance(client, CredentialClient)
    provider = client.cloud_credential.provider
    assert isinstance(provider, CLIProfileCredentialsProvider)
    assert provider._profile_name == "role"
    assert provider._profile_file == path


def test_sdk_kwargs_for_the_default_chain():
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.provider import DefaultCredentialsProvider

    kwargs = sdk_config_kwargs(CredentialSource(DEFAULT_CHAIN))
    assert list(kwargs) == ["credential"]
    assert isinstance(kwargs["credential"], CredentialClient)
    assert isinstance(kwargs["credential"].cloud_credential.provider, DefaultCredentialsProvider)
