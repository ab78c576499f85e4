# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the credentials come from, in one fixed order.

1. explicit access_key/secret_key (+ security_token) module options;
2. profile (option or ALIBABA_CLOUD_PROFILE) from the aliyun CLI file ~/.aliyun/config.json;
3. environment keys (ALIBABA_CLOUD_ACCESS_KEY_ID/..., legacy ALICLOUD_*);
4. the alibabacloud-credentials default chain (OIDC, ECS RAM role, credentials URI, ...).
An empty string counts as unset: AWX injects empty fields.
"""

from __future__ import annotations

import json
import os
from typing import Mapping, Optional

ACCESS_KEY_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID")
SECRET_KEY_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "ALICLOUD_ACCESS_KEY_SECRET")
SECURITY_TOKEN_ENV = ("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")
PROFILE_ENV = ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
REGION_ENV = ("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION", "ALICLOUD_REGION_ID")
ENDPOINT_ENV = ("ALIBABA_CLOUD_SAS_ENDPOINT", "ALICLOUD_SAS_ENDPOINT")

# aliyun CLI profile modes and how they are served.
STATIC_PROFILE_MODES = ("AK", "StsToken")
SDK_PROFILE_MODES = ("RamRoleArn", "EcsRamRole", "ChainableRamRoleArn", "OIDC")

EXPLICIT = "explicit"
PROFILE = "profile"
ENVIRONMENT = "environment"
DEFAULT_CHAIN = "default_chain"


class CredentialError(Exception):
    """Credentials that cannot work, found before any call."""


class CredentialSource:
    """The resolved source: static keys, or a profile / the default chain for the SDK to serve."""

    def __init__(self, origin: str, access_key_id: Optional[str] = None,
                 access_key_secret: Optional[str] = None, security_token: Optional[str] = None,
                 profile: Optional[str] = None, profile_file: Optional[str] = None):
        self.origin = origin
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token
        self.profile = profile
        self.profile_file = profile_file

    @property
    def secrets(self) -> tuple:
        """Values that must never be shown."""
        return tuple(value for value in (self.access_key_secret, self.security_token) if value)


def first_set(environ: Mapping[str, str], names: tuple) -> Optional[str]:
    """The first non-empty value among the environment variables names."""
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def resolve(params: Mapping, environ: Optional[Mapping[str, str]] = None) -> CredentialSource:
    """Pick the credential source from module params and the environment, in the fixed order."""
    environ = os.environ if environ is None else environ
    access_key = params.get("access_key") or None
    secret_key = params.get("secret_key") or None
    token = params.get("security_token") or None
    profile = params.get("profile") or None

    if access_key or secret_key:
        if profile:
            raise CredentialError(
                "access_key/secret_key and profile are both set: use the keys or the profile, not both")
        if not (access_key and secret_key):
            missing = "secret_key" if access_key else "access_key"
            raise CredentialError("%s is missing: access_key and secret_key go together" % missing)
        return CredentialSource(EXPLICIT, access_key, secret_key, token)
    if token:
        raise CredentialError(
            "security_token is set but access_key/secret_key are not: the token goes with the keys it was "
            "issued for; set access_key and secret_key too, or put the token in ALIBABA_CLOUD_SECURITY_TOKEN "
            "with the keys in the environment")

    profile = profile or first_set(environ, PROFILE_ENV)
    if profile:
        return _from_cli_profile(profile, environ)

    env_key = first_set(environ, ACCESS_KEY_ENV)
    env_secret = first_set(environ, SECRET_KEY_ENV)
    if env_key and env_secret:
        return CredentialSource(ENVIRONMENT, env_key, env_secret, first_set(environ, SECURITY_TOKEN_ENV))
    if env_key or env_secret:
        missing = SECRET_KEY_ENV[0] if env_key else ACCESS_KEY_ENV[0]
        raise CredentialError("%s is not set in the environment: the AccessKey ID and secret go together" % missing)
    return CredentialSource(DEFAULT_CHAIN)


def cli_config_path(environ: Mapping[str, str]) -> str:
    home = environ.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".aliyun", "config.json")


def _from_cli_profile(name: str, environ: Mapping[str, str]) -> CredentialSource:
    path = cli_config_path(environ)
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        raise CredentialError("profile %r was asked for, but %s does not exist" % (name, path)) from None
    except (OSError, ValueError) as exc:
        raise CredentialError("cannot read %s: %s" % (path, exc)) from None
    if not isinstance(config, dict):
        raise CredentialError("%s is not an aliyun CLI config file: its top level is not an object" % path)
    profiles = {entry.get("name"): entry for entry in config.get("profiles") or [] if isinstance(entry, dict)}
    entry = profiles.get(name)
    if entry is None:
        raise CredentialError("profile %r is not in %s; it has: %s"
                              % (name, path, ", ".join(sorted(str(key) for key in profiles)) or "no profiles"))
    mode = entry.get("mode") or "AK"
    if mode in STATIC_PROFILE_MODES:
        key, secret = entry.get("access_key_id"), entry.get("access_key_secret")
        token = entry.get("sts_token") if mode == "StsToken" else None
        if not (key and secret) or (mode == "StsToken" and not token):
            raise CredentialError("profile %r (mode %s) in %s lacks its keys" % (name, mode, path))
        return CredentialSource(PROFILE, key, secret, token, profile=name, profile_file=path)
    if mode in SDK_PROFILE_MODES:
        return CredentialSource(PROFILE, profile=name, profile_file=path)
    raise CredentialError("profile %r in %s has mode %r; supported modes: %s"
                          % (name, path, mode, ", ".join(STATIC_PROFILE_MODES + SDK_PROFILE_MODES)))


def sdk_config_kwargs(source: CredentialSource) -> dict:
    """Keyword arguments for the SDK's Config that carry these credentials."""
    if source.access_key_id:
        return {"access_key_id": source.access_key_id, "access_key_secret": source.access_key_secret,
                "security_token": source.security_token}
    from alibabacloud_credentials.client import Client as CredentialClient

    if source.origin == PROFILE:
        from alibabacloud_credentials.provider import CLIProfileCredentialsProvider

        provider = CLIProfileCredentialsProvider(profile_name=source.profile, profile_file=source.profile_file)
        return {"credential": CredentialClient(provider=provider)}
    # tea-openapi 0.4 does not fall back to the default chain by itself [SDK].
    return {"credential": CredentialClient()}
