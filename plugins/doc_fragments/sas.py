# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection and authentication options shared by every alibabacloud.sas module.
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - Credentials are looked up in this order, the first that is set wins
        (an empty value counts as unset) -
        I(access_key) and I(secret_key) (with I(security_token));
        I(profile) from the aliyun CLI file C(~/.aliyun/config.json);
        the environment variables C(ALIBABA_CLOUD_ACCESS_KEY_ID), C(ALIBABA_CLOUD_ACCESS_KEY_SECRET)
        and C(ALIBABA_CLOUD_SECURITY_TOKEN) (or the legacy C(ALICLOUD_ACCESS_KEY), C(ALICLOUD_SECRET_KEY),
        C(ALICLOUD_SECURITY_TOKEN));
        then the C(alibabacloud-credentials) default chain (OIDC, ECS RAM role, credentials URI).
    type: str
    aliases: [alicloud_access_key, access_key_id]
  secret_key:
    description:
      - Alibaba Cloud AccessKey secret. Never shown in output, logs or errors.
      - Goes with I(access_key).
    type: str
    aliases: [alicloud_secret_key, access_key_secret]
  security_token:
    description:
      - STS security token, for temporary credentials given with I(access_key) and I(secret_key).
      - Refused without I(access_key) and I(secret_key); with keys from the environment, set
        C(ALIBABA_CLOUD_SECURITY_TOKEN) instead.
    type: str
  region:
    description:
      - Region of the Security Center instance, for example C(cn-shanghai) or C(ap-southeast-1).
      - Selects the data site of Security Center, which holds the alerts of the servers in that region - the
        regions of mainland China (C(cn-*), C(cn-hongkong) included, as in the SDK's endpoint table) use
        C(tds.cn-shanghai.aliyuncs.com), every other region, also one the SDK does not know yet,
        C(tds.ap-southeast-1.aliyuncs.com). Set I(endpoint) to reach the other site.
      - If not set, the value of C(ALIBABA_CLOUD_REGION_ID) (or the legacy C(ALICLOUD_REGION)) is used.
      - Required unless I(endpoint) is set.
    type: str
    aliases: [region_id]
  profile:
    description:
      - Name of a profile in the aliyun CLI file C(~/.aliyun/config.json).
      - Modes C(AK) and C(StsToken) are read directly; C(RamRoleArn), C(ChainableRamRoleArn), C(EcsRamRole)
        and C(OIDC) go through the C(alibabacloud-credentials) profile provider, as the aliyun CLI does.
      - If not set, the value of C(ALIBABA_CLOUD_PROFILE) (or the legacy C(ALICLOUD_PROFILE)) is used.
      - Mutually exclusive with I(access_key) and I(secret_key).
    type: str
  endpoint:
    description:
      - Full URL of the SAS API endpoint, scheme and port included, for example
        C(https://tds.cn-shanghai.aliyuncs.com) or C(http://127.0.0.1:18080) for the emulator.
      - The port, if given, must be 1-65535; the URL must not hold credentials (C(user:password@)).
      - Overrides the endpoint chosen by I(region).
      - If not set, the value of C(ALIBABA_CLOUD_SAS_ENDPOINT) is used.
    type: str
  validate_certs:
    description:
      - Whether to check the endpoint's TLS certificate. Only turn off for a test endpoint; the modules warn
        when it is off.
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
      - Throttled, unavailable and unreachable calls are retried with jittered exponential backoff,
        at most 6 attempts and 60 seconds per call.
    type: float
    default: 10
  rate_limit:
    description:
      - How fast the module calls each API - at most this many calls a second, spread evenly over its threads, or
        C(auto).
      - Security Center's quota is per API and per account. The default is an estimate - the quota page gives
        10 calls a second for most Security Center APIs but no value for these alert APIs - with headroom for
        the console and other tools. Jobs that run at the same time under one account share the quota, so give
        each a part of it. C(0) turns pacing off (throttled calls are still retried).
      - C(auto) finds each API's quota as the module runs - it starts at 8 calls a second, raises the rate while
        the calls succeed and cuts it at each throttled call, which is tried again. It takes what the quota leaves,
        so the console and other tools of the account get throttled answers more often while it runs.
      - The result's C(api_stats) gives, per API called, C(calls) made (retries included), C(retries), C(throttles)
        (answers refused for the rate of calls) and C(rate), the calls a second the pace settled at - with C(auto),
        its average since the first throttled answer, about the quota.
    type: raw
    default: 8
  resource_directory_account_id:
    description:
      - The Resource Directory member account whose alerts the module reads and handles, with Security Center's
        multi-account management; leave it out for the credentials' own account.
      - The credentials are those of the resource directory's management account or of Security Center's delegated
        administrator account (or of a RAM user or role of it), which must manage the member in Security Center;
        its RAM policy needs the same C(yundun-sas) actions as for the account's own alerts.
      - Sent as C(ResourceDirectoryAccountId) on every call whose API takes it - C(DescribeSuspEvents),
        C(DescribeSuspEventDetail), C(HandleSecurityEvents) and C(CreateSuspEventNote).
      - C(DescribeSecurityEventOperations) and C(DescribeSecurityEventOperationStatus) take no such parameter, and
        whether the service finds a member's alert or task there by its id is not documented. Where it does not,
        nothing is sent for that alert, whose result says why, and the result of a handling task that cannot be
        read is read from its alerts (C(DescribeSuspEvents)).
      - No environment variable sets it - one set for a job would turn every host's calls to that member.
      - The P(alibabacloud.sas.sas_accounts#inventory) inventory gives each member account's host this option.
    type: int
requirements:
  - python >= 3.9
  - alibabacloud-sas20181203 >= 9.3.3
  - alibabacloud-tea-openapi >= 0.4.4
  - alibabacloud-credentials >= 1.0.2
  - darabonba-core >= 1.0.8
notes:
  - The Python packages above are those of the collection's C(requirements.txt); install them on the host
    that runs the modules (with C(localhost), the controller), for example with
    C(pip install -r ~/.ansible/collections/ansible_collections/alibabacloud/sas/requirements.txt).
  - Every module in this collection is in the C(alibabacloud.sas.sas) action group, so
    C(module_defaults) with C(group/alibabacloud.sas.sas) sets these options once for a play.
"""
