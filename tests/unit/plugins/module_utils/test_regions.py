# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the calls go (issue 17, point 7): every region to one of Security Center's two sites by our rule, checked
against the SDK's whole endpoint table; and an endpoint whose host name does not resolve fails at once, naming it."""

from __future__ import annotations

import socket
import time

import pytest
from alibabacloud_tea_openapi.models import Config

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import (
    MAINLAND_SITE,
    OUTSIDE_MAINLAND_SITE,
    connect,
    site_for_region,
    where_to_call,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError, from_sdk_exception
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError, check_region
from ansible_collections.alibabacloud.sas.plugins.module_utils.retries import RetryPolicy
from ansible_collections.alibabacloud.sas.plugins.module_utils.sdk import load_client_and_models

KEYS = {"access_key_id": "unitAccessKeyId", "access_key_secret": "unit-Secret-value", "security_token": None}
# Regions the SDK's table lacks; the SDK sends them to sas.<region>.aliyuncs.com, which does not exist.
REGIONS_THE_SDK_LACKS = {"na-south-1": OUTSIDE_MAINLAND_SITE, "ap-southeast-8": OUTSIDE_MAINLAND_SITE,
                         "eu-south-9": OUTSIDE_MAINLAND_SITE, "cn-newtown-1": MAINLAND_SITE}
# Where another source disagrees with our rule: the Terraform provider sends cn-hongkong outside the mainland
# (isInternationalRegion in alicloud/connectivity/client.go); we follow the SDK's table. endpoint reaches the other.
TERRAFORM_DISAGREES = {"cn-hongkong": OUTSIDE_MAINLAND_SITE}
# Where the SDK's table disagrees with our rule: nowhere. A new SDK that moves a region fails this test by name.
SDK_DISAGREES: dict = {}


def sdk_client(region):
    Client, _models = load_client_and_models()
    return Client(Config(region_id=region, access_key_id="a", access_key_secret="b"))


def sdk_table():
    return dict(sdk_client("cn-shanghai")._endpoint_map)


# --- the rule ---------------------------------------------------------------------------------------------

def test_the_sdk_table_is_large_and_knows_both_sites():
    table = sdk_table()
    assert len(table) > 30 and set(table.values()) == {MAINLAND_SITE, OUTSIDE_MAINLAND_SITE}


def test_every_region_the_sdk_knows_goes_to_the_site_our_rule_says():
    table = sdk_table()
    disagreements = {region: site for region, site in table.items() if site_for_region(region) != site}
    assert disagreements == SDK_DISAGREES
    assert table["cn-hongkong"] == site_for_region("cn-hongkong") == MAINLAND_SITE


@pytest.mark.parametrize("region", sorted(sdk_table()))
def test_each_region_of_the_sdk_table(region):
    # one row per region: a failure names the region
    assert site_for_region(region) == SDK_DISAGREES.get(region, sdk_table()[region])
    check_region(None, region)  # and every region the SDK knows is a valid region option


def test_cn_hongkong_is_where_the_sources_disagree_and_endpoint_reaches_the_other_site():
    for region, their_site in TERRAFORM_DISAGREES.items():
        assert site_for_region(region) != their_site
        assert where_to_call("https://" + their_site, region) == ("https", their_site)


@pytest.mark.parametrize("region, site", sorted(REGIONS_THE_SDK_LACKS.items()))
def test_regions_the_sdk_lacks_go_to_their_site_not_to_a_host_that_does_not_exist(region, site):
    assert sdk_client(region)._endpoint == "sas.%s.aliyuncs.com" % region  # the SDK's own choice
    assert site_for_region(region) == site
    check_region(None, region)


def test_the_endpoint_option_wins_over_the_region():
    assert where_to_call("http://127.0.0.1:18080", "na-south-1") == ("http", "127.0.0.1:18080")
    assert where_to_call(None, "na-south-1") == ("https", OUTSIDE_MAINLAND_SITE)
    assert where_to_call(None, "cn-beijing") == ("https", MAINLAND_SITE)


@pytest.mark.parametrize("region", ["na-south-1", "cn-hongkong", "ap-southeast-8"])
def test_the_client_is_built_for_the_site_of_the_region(region):
    connection = connect(None, region, KEYS, connect_timeout=1, read_timeout=1, validate_certs=True)
    assert connection.endpoint == site_for_region(region)
    assert connection.url == "https://" + site_for_region(region)


@pytest.mark.parametrize("region", ["CN-Shanghai", "cnshanghai", "cn_shanghai", " cn-shanghai", "cn-shanghai\n",
                                    "cn--shanghai", "-cn-shanghai", "cn-shanghai-", "cn-上海", "cn-shang.hai"])
def test_a_region_that_is_not_a_region_id_is_refused_naming_it(region):
    with pytest.raises(OptionError) as info:
        check_region(None, region)
    assert repr(region) in str(info.value) and "cn-shanghai" in str(info.value)


def test_a_region_or_an_endpoint_is_still_needed():
    with pytest.raises(OptionError, match="region is required"):
        check_region(None, None)
    check_region("http://127.0.0.1:18080", None)


# --- fail fast on a host name that does not resolve ----------------------------------------------------

@pytest.fixture
def resolver(monkeypatch):
    """Host names under .invalid (RFC 2606) and the two sites get the answer set here: nothing asks a DNS server.
    Returns (the names asked, a dict whose "error" is raised)."""
    real = socket.getaddrinfo
    asked = []
    answer = {"error": socket.gaierror(socket.EAI_NONAME, "Name or service not known")}

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith((".invalid", ".aliyuncs.com")):
            asked.append(name)
            raise answer["error"]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked, answer


def call_list(connection):
    connection.call("DescribeSuspEvents", current_page=1, page_size=1)


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_an_endpoint_that_does_not_resolve_fails_at_once_naming_it(resolver, write):
    connection = connect("https://sas-test.invalid", None, KEYS, connect_timeout=1, read_timeout=1,
                         validate_certs=True)
    started = time.monotonic()
    with pytest.raises(SasApiError) as info:
        if write:
            connection.call("HandleSecurityEvents", write=True, operation_code="ignore", security_event_ids=["1"])
        else:
            call_list(connection)
    elapsed = time.monotonic() - started
    error = info.value
    assert elapsed < 1.0, elapsed
    assert (connection.calls, connection.retries) == (1, 0)
    assert error.kind == errors.NOT_SENT and error.host_unknown and not error.transient
    assert error.endpoint == "https://sas-test.invalid"
    assert error.describe().startswith("%s could not reach the SAS endpoint https://sas-test.invalid: its host name "
                                       "does not resolve, so the call was not tried again" % error.action)


def test_a_region_the_sdk_lacks_calls_its_site(resolver):
    asked, _answer = resolver
    connection = connect(None, "na-south-1", KEYS, connect_timeout=1, read_timeout=1, validate_certs=True)
    with pytest.raises(SasApiError) as info:
        call_list(connection)
    assert asked == [OUTSIDE_MAINLAND_SITE]
    assert info.value.endpoint == "https://" + OUTSIDE_MAINLAND_SITE


def test_a_resolver_that_did_not_answer_is_asked_again(resolver):
    # EAI_AGAIN: the DNS server may answer the next try, so this stays a retried NOT_SENT
    asked, answer = resolver
    answer["error"] = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    policy = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)
    connection = connect("https://sas-test.invalid", None, KEYS, connect_timeout=1, read_timeout=1,
                         validate_certs=True, policy=policy)
    with pytest.raises(SasApiError) as info:
        call_list(connection)
    assert (connection.calls, connection.retries) == (3, 2) and len(asked) == 3
    assert info.value.kind == errors.NOT_SENT and not info.value.host_unknown


@pytest.mark.parametrize("text, unknown", [
    ("Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)", True),  # Linux
    ("Failed to resolve 'x.invalid' ([Errno 8] nodename nor servname provided, or not known)", True),  # macOS
    ("Failed to resolve 'x.invalid' ([Errno -5] No address associated with hostname)", True),
    ("Failed to resolve 'x.invalid' ([Errno 11001] getaddrinfo failed)", True),  # Windows
    ("Failed to resolve 'x.invalid' ([Errno -3] Temporary failure in name resolution)", False),
    ("NameResolutionError", False),
    ("Failed to establish a new connection: [Errno 111] Connection refused", False),
])
def test_which_resolver_answers_mean_the_name_does_not_exist(text, unknown):
    error = from_sdk_exception(OSError(text), "DescribeSuspEvents", endpoint="https://x.invalid")
    assert error.kind == errors.NOT_SENT
    assert error.host_unknown is unknown and error.transient is not unknown


def test_the_resolver_answer_is_read_before_a_long_message_is_shortened():
    text = "HTTPSConnectionPool(host='x.invalid', port=443): Max retries exceeded with url: /?%s (Caused by " \
           "NameResolutionError(\"Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)\"))" % (
               "Filter=" + "a" * 500)
    error = from_sdk_exception(OSError(text), "DescribeSuspEvents")
    assert "Name or service not known" not in error.message  # shortened to 400 characters
    assert error.host_unknown
