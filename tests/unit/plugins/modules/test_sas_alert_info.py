# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_info refuses bad input before any call, naming the option: its main() run in process with
the arguments a play gives it; building a connection fails the test (module_runner). One end-to-end
case proves the same through ansible-playbook and the emulator's request log."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic
from emulated_sas import ACCESS_KEY_ID, ACCESS_KEY_SECRET
from module_runner import ConnectionBuilt, run_module

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import connect
from ansible_collections.alibabacloud.sas.plugins.modules import sas_alert_info

# What the play's module_defaults gave every task.
CONNECTION = {"endpoint": "http://127.0.0.1:9", "access_key": "unitAccessKeyId", "secret_key": "unit-Secret-value"}


@pytest.mark.parametrize("options, expected", [
    # argument_spec: choices and element types
    pytest.param({"levels": ["urgent"]}, ["levels", "serious, suspicious, remind", "urgent"], id="levels-choices"),
    pytest.param({"alert_ids": ["seven"]}, ["alert_ids", "int"], id="alert_ids-not-int"),
    # listing_request
    pytest.param({"time_start": "yesterday"}, ["time_start='yesterday' is not a time"], id="time_start-not-a-time"),
    pytest.param({"time_start": "2026-11-02", "time_end": "2026-11-01"},
                 ["time_start (2026-11-02) is after time_end"], id="time_start-after-time_end"),
    pytest.param({"max_results": 0}, ["max_results must be at least 1"], id="max_results-0"),
    pytest.param({"alert_ids": [0]}, ["alert_ids must hold alert ids (integers from 1 to 2^63-1), got 0"],
                 id="alert_ids-0"),
    pytest.param({"concurrency": 0}, ["concurrency must be between 1 and 32, got 0"], id="concurrency-0"),
    # the shared options: SasModule
    pytest.param({"rate_limit": -1},
                 ["rate_limit must be 0 (no pacing) or a positive number of calls a second, got -1"],
                 id="rate_limit-negative"),
    pytest.param({"rate_limit": "fast"}, ["rate_limit must be auto or a number of calls a second (0: no pacing), "
                                          "got 'fast'"], id="rate_limit-a-word"),
    pytest.param({"rate_limit": True}, ["rate_limit must be auto or a number of calls a second, got the boolean "
                                        "true"], id="rate_limit-true"),
    pytest.param({"rate_limit": -1, "read_timeout": 0},
                 ["read_timeout must be a positive number of seconds", "; rate_limit must be 0 (no pacing)"],
                 id="every-unusable-connection-option-named"),
    pytest.param({"endpoint": "ftp://127.0.0.1:1"}, ["endpoint 'ftp://127.0.0.1:1' is not valid"],
                 id="endpoint-not-http"),
])
def test_bad_options_fail_before_any_call(module_env, options, expected):
    result = run_module(sas_alert_info, dict(CONNECTION, **options))
    assert result["failed"] is True
    for part in expected:
        assert part in result["msg"], (part, result["msg"])


EMPTY = "leave the option out to not filter"


@pytest.mark.parametrize("options, expected", [
    # issue 8: a filter given but empty would select every alert; left out is how to ask for no filter
    pytest.param({"levels": []}, ["levels=[] is empty", EMPTY], id="levels-empty-list"),
    pytest.param({"alert_types": []}, ["alert_types=[] is empty", EMPTY], id="alert_types-empty-list"),
    pytest.param({"alert_types": [""]}, ["alert_types=[''] is empty", EMPTY], id="alert_types-empty-string"),
    pytest.param({"alert_types": ["Web shell", " "]}, ["alert_types=", EMPTY], id="alert_types-one-blank"),
    pytest.param({"alert_types": ""}, ["alert_types=[''] is empty", EMPTY], id="alert_types-string-empty"),
    pytest.param({"uuids": []}, ["uuids=[] is empty", EMPTY], id="uuids-empty-list"),
    pytest.param({"uuids": [""]}, ["uuids=[''] is empty", EMPTY], id="uuids-empty-string"),
    pytest.param({"name": ""}, ["name='' is empty", EMPTY], id="name-empty"),
    pytest.param({"name": "   "}, ["name='   ' is empty", EMPTY], id="name-blank"),
    pytest.param({"time_start": ""}, ["time_start='' is empty", EMPTY], id="time_start-empty"),
    pytest.param({"time_end": " "}, ["time_end=' ' is empty", EMPTY], id="time_end-blank"),
    pytest.param({"levels": [], "alert_ids": [7]}, ["levels=[] is empty", EMPTY], id="levels-empty-with-alert_ids"),
    # issue 8: non-finite numbers in the shared options (SasModule)
    pytest.param({"rate_limit": "nan"}, ["rate_limit must be a finite number of calls a second: 0 (no pacing) or "
                                         "above, got nan"], id="rate_limit-nan"),
    pytest.param({"rate_limit": "inf"}, ["rate_limit must be a finite number", "got inf"], id="rate_limit-inf"),
    pytest.param({"connect_timeout": "nan"}, ["connect_timeout must be a finite number of seconds above 0, got nan"],
                 id="connect_timeout-nan"),
    pytest.param({"read_timeout": "inf"}, ["read_timeout must be a finite number of seconds above 0, got inf"],
                 id="read_timeout-inf"),
    pytest.param({"read_timeout": "-inf"}, ["read_timeout must be a finite number of seconds above 0, got -inf"],
                 id="read_timeout-minus-inf"),
])
def test_empty_filters_and_non_finite_numbers_fail_before_any_call(module_env, options, expected):
    result = run_module(sas_alert_info, dict(CONNECTION, **options))
    assert result["failed"] is True
    for part in expected:
        assert part in result["msg"], (part, result["msg"])


@pytest.mark.parametrize("options", [
    pytest.param({}, id="no-filter"),
    pytest.param({"levels": ["serious"]}, id="levels"),
    pytest.param({"alert_types": ["Web shell"]}, id="alert_types"),
    pytest.param({"uuids": ["inet-1"]}, id="uuids"),
    pytest.param({"name": "web"}, id="name"),
    pytest.param({"time_start": "2026-11-01", "time_end": "2026-11-02 00:00:00"}, id="times"),
    pytest.param({"rate_limit": 0}, id="rate_limit-0"),
    pytest.param({"rate_limit": "auto"}, id="rate_limit-auto"),
    pytest.param({"rate_limit": "2.5", "connect_timeout": 0.5, "read_timeout": "30"}, id="finite-numbers"),
])
def test_the_controls_pass_the_checks(module_env, options):
    # Past every check, the module builds its connection; module_runner stops it there.
    with pytest.raises(ConnectionBuilt):
        run_module(sas_alert_info, dict(CONNECTION, **options))


def test_empty_alert_ids_still_selects_no_alert_without_a_call(module_env):
    result = run_module(sas_alert_info, dict(CONNECTION, alert_ids=[]))
    assert result["failed"] is False and result["alerts"] == [] and result["total_count"] == 0


def test_access_key_without_secret_key(module_env):
    result = run_module(sas_alert_info, {"endpoint": CONNECTION["endpoint"], "access_key": "only-the-id"})
    assert result["failed"] is True
    assert "secret_key is missing: access_key and secret_key go together" in result["msg"]


def test_region_or_endpoint_is_required(module_env):
    result = run_module(sas_alert_info, {"access_key": "a", "secret_key": "b-secret"})
    assert result["failed"] is True
    assert "region is required (or endpoint)" in result["msg"]


# issue 8: connection options that used to be ignored or read wrongly, refused before any call.
ALIAS_CONFLICT = "are both set, to different values: set one"


@pytest.mark.parametrize("options, expected", [
    pytest.param({"access_key_id": "otherAccessKeyId"}, "access_key and its alias access_key_id " + ALIAS_CONFLICT,
                 id="access_key-vs-access_key_id"),
    pytest.param({"alicloud_access_key": "otherAccessKeyId"},
                 "access_key and its alias alicloud_access_key " + ALIAS_CONFLICT, id="access_key-vs-alicloud"),
    pytest.param({"access_key_secret": "other-Secret-value"},
                 "secret_key and its alias access_key_secret " + ALIAS_CONFLICT, id="secret_key-vs-access_key_secret"),
    pytest.param({"alicloud_secret_key": "other-Secret-value"},
                 "secret_key and its alias alicloud_secret_key " + ALIAS_CONFLICT, id="secret_key-vs-alicloud"),
    pytest.param({"region": "cn-shanghai", "region_id": "cn-hangzhou"},
                 "region and its alias region_id " + ALIAS_CONFLICT, id="region-vs-region_id"),
    pytest.param({"endpoint": "http://127.0.0.1:0"}, "the endpoint port must be 1-65535", id="endpoint-port-0"),
    pytest.param({"endpoint": "http://127.0.0.1:65536"}, "the endpoint port must be 1-65535", id="endpoint-port-65536"),
    pytest.param({"endpoint": "http://admin:hunter2-pass@127.0.0.1:9"},
                 "endpoint must not hold credentials (user:password@): give keys with access_key/secret_key, "
                 "a profile or the environment", id="endpoint-credentials"),
])
def test_bad_connection_options_fail_before_any_call(module_env, options, expected):
    result = run_module(sas_alert_info, dict(CONNECTION, **options))
    assert result["failed"] is True
    assert expected in result["msg"], result["msg"]
    assert "Secret-value" not in result["msg"] and "hunter2" not in result["msg"]


def test_alias_conflict_between_two_aliases_names_both(module_env):
    result = run_module(sas_alert_info, {"endpoint": CONNECTION["endpoint"], "secret_key": "s-Secret-value",
                                         "access_key_id": "one", "alicloud_access_key": "two"})
    assert result["failed"] is True
    assert "both aliases of access_key" in result["msg"] and ALIAS_CONFLICT in result["msg"]


def test_security_token_with_keys_from_the_environment_fails_before_any_call(module_env, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "envAccessKeyId")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-Secret-value")
    result = run_module(sas_alert_info, {"endpoint": CONNECTION["endpoint"], "security_token": "STS.lonely-token"})
    assert result["failed"] is True
    assert result["msg"].startswith("security_token is set but access_key/secret_key are not")
    assert "STS.lonely-token" not in result["msg"]


def _built_with(options):
    """The (endpoint, region, credential kwargs) the module would build its connection with."""
    seen = {}

    def record(endpoint, region, credential_kwargs, *args, **kwargs):
        seen.update(endpoint=endpoint, region=region, **credential_kwargs)
        raise ConnectionBuilt("recorded")

    with pytest.raises(ConnectionBuilt):
        run_module(sas_alert_info, options, connect=record)
    return seen


@pytest.mark.parametrize("options, expected", [
    pytest.param(dict(CONNECTION, access_key_id=CONNECTION["access_key"], alicloud_secret_key="unit-Secret-value"),
                 {"access_key_id": "unitAccessKeyId", "access_key_secret": "unit-Secret-value"},
                 id="same-value-under-key-and-alias"),
    pytest.param(dict(CONNECTION, access_key_id=""), {"access_key_id": "unitAccessKeyId"},
                 id="empty-alias-does-not-hide-the-key"),
    pytest.param(dict(CONNECTION, region="", region_id="cn-hangzhou"), {"region": "cn-hangzhou"},
                 id="empty-key-alias-set"),
    pytest.param(dict(CONNECTION, security_token="STS.tok"), {"security_token": "STS.tok"},
                 id="token-with-explicit-keys"),
    pytest.param(dict(CONNECTION, endpoint="https://127.0.0.1:443"), {"endpoint": "https://127.0.0.1:443"},
                 id="endpoint-port-443"),
    pytest.param(dict(CONNECTION, endpoint="http://127.0.0.1:8080"), {"endpoint": "http://127.0.0.1:8080"},
                 id="endpoint-port-8080"),
])
def test_connection_option_controls_pass(module_env, options, expected):
    seen = _built_with(options)
    for key, value in expected.items():
        assert seen[key] == value, (key, seen)


# --- issue 9, against the in-process emulator -------------------------------------------------------
def run_against(sas, monkeypatch, **options):
    """sas_alert_info run against the emulator: (its result, the warnings it gave module.warn)."""
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning: warnings.append(warning))
    options = dict(endpoint=sas.url, access_key=ACCESS_KEY_ID, secret_key=ACCESS_KEY_SECRET, **options)
    return run_module(sas_alert_info, options, connect=connect), warnings


@pytest.mark.parametrize("vocabulary", ["zh", "en", "code"])
def test_alert_types_select_their_alerts_whatever_names_the_service_takes(module_env, start_sas, monkeypatch,
                                                                          vocabulary):
    sas = start_sas(alert_type_vocabulary=vocabulary)
    everything, _warnings = run_against(sas, monkeypatch, status="all")
    expected = [alert["id"] for alert in everything["alerts"]
                if alert["alarm_event_type"] in ("Unusual logon", "Web shell")]
    sas.clear_requests()
    result, warnings = run_against(sas, monkeypatch, status="all", alert_types=["异常登录", "Web shell"])
    assert result["failed"] is False and warnings == []
    assert [alert["id"] for alert in result["alerts"]] == expected and result["total_count"] == len(expected)
    assert [record["params"].get("ParentEventTypes") for record in sas.calls("DescribeSuspEvents")] == [None]


def test_a_type_no_alert_has_is_named_in_a_warning(module_env, sas, monkeypatch):
    result, warnings = run_against(sas, monkeypatch, alert_types=["Unusual logn"])
    assert result["failed"] is False and (result["alerts"], result["total_count"]) == ([], 0)
    [warning] = warnings
    assert warning.startswith("alert_types: no alert of type 'Unusual logn' among the ")
    assert "names for alert types are uncertain" in warning


@pytest.mark.parametrize("id_lookup", ["some", "all"])
def test_a_handled_alert_asked_for_by_id_is_not_missing(module_env, start_sas, monkeypatch, id_lookup):
    sas = start_sas(id_lookup=id_lookup)
    handled = sas.listing("Y")[0]
    result, _warnings = run_against(sas, monkeypatch, alert_ids=[handled])
    assert [alert["id"] for alert in result["alerts"]] == [handled] and result["missing_ids"] == []
    assert result["alerts"][0]["status"] != "pending"


@pytest.mark.parametrize("id_lookup", ["some", "all"])
def test_status_all_lists_every_status(module_env, start_sas, monkeypatch, id_lookup):
    # issue 9: a listing with neither Dealed nor Status may hold pending alerts only; Status=0 is "All"
    sas = start_sas(id_lookup=id_lookup)
    result, _warnings = run_against(sas, monkeypatch, status="all")
    assert sorted(alert["id"] for alert in result["alerts"]) == sorted(sas.listing())
    assert {alert["status"] for alert in result["alerts"]} > {"pending"}


@pytest.mark.parametrize("validate_certs, warned", [(False, True), (True, False)])
def test_turning_off_certificate_checks_warns(module_env, sas, monkeypatch, validate_certs, warned):
    result, warnings = run_against(sas, monkeypatch, validate_certs=validate_certs)
    assert result["failed"] is False
    assert any("validate_certs is false" in warning for warning in warnings) is warned


# --- issue 17: the other data site ----------------------------------------------------------------
def test_the_other_site_s_pending_alerts_are_counted_in_one_call(module_env, sas, monkeypatch):
    pending, _warnings = run_against(sas, monkeypatch)
    sas.clear_requests()
    result, warnings = run_against(sas, monkeypatch, check_other_site=True, other_site_endpoint=sas.url)
    assert result["failed"] is False and warnings == []
    assert result["other_site"] == {"checked": True, "endpoint": sas.url, "pending": pending["total_count"],
                                    "reason": None}
    assert [record["params"]["PageSize"] for record in sas.calls("DescribeSuspEvents")] == ["100", "1"]


def test_with_an_endpoint_and_no_other_site_endpoint_nothing_is_guessed(module_env, sas, monkeypatch):
    result, _warnings = run_against(sas, monkeypatch, check_other_site=True)
    assert result["other_site"]["checked"] is False and "endpoint is set" in result["other_site"]["reason"]
    assert len(sas.calls("DescribeSuspEvents")) == 1


def test_other_site_endpoint_needs_check_other_site(module_env, sas, monkeypatch):
    result, _warnings = run_against(sas, monkeypatch, other_site_endpoint=sas.url)
    assert result["failed"] is True and "check_other_site" in result["msg"]


@pytest.mark.parametrize("region, other", [
    ("cn-hangzhou", "https://tds.ap-southeast-1.aliyuncs.com"),
    ("cn-hongkong", "https://tds.ap-southeast-1.aliyuncs.com"),
    ("ap-southeast-1", "https://tds.cn-shanghai.aliyuncs.com"),
    ("na-south-1", "https://tds.cn-shanghai.aliyuncs.com"),
])
def test_the_other_site_of_a_region_is_the_site_it_does_not_select(region, other):
    from ansible_collections.alibabacloud.sas.plugins.module_utils.other_site import other_site_endpoint

    assert other_site_endpoint(None, region, None) == other
    assert other_site_endpoint("http://127.0.0.1:1", region, None) is None  # an endpoint of one's own
    assert other_site_endpoint(None, region, "http://127.0.0.1:2") == "http://127.0.0.1:2"


# --- issue 19: api_stats ------------------------------------------------------------------------------------
def test_the_result_counts_the_calls_of_each_api(module_env, sas, monkeypatch):
    result, _warnings = run_against(sas, monkeypatch, status="all", include_details=True, rate_limit="auto")
    listed = len(sas.calls("DescribeSuspEvents"))
    assert result["failed"] is False and listed >= 1
    assert result["api_stats"] == {
        "DescribeSuspEventDetail": {"calls": len(result["alerts"]), "retries": 0, "throttles": 0,
                                    "rate": result["api_stats"]["DescribeSuspEventDetail"]["rate"]},
        "DescribeSuspEvents": {"calls": listed, "retries": 0, "throttles": 0,
                               "rate": result["api_stats"]["DescribeSuspEvents"]["rate"]},
    }


def test_a_run_that_makes_no_call_has_no_api_stats(module_env):
    assert "api_stats" not in run_module(sas_alert_info, {"alert_ids": []})
