# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""listing: sas_alert_info's options as filters (plain tests), the per-type merge (plain tests), and the
reads against the in-process emulator."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from emulated_sas import emulated_sas

from ansible_collections.alibabacloud.sas.plugins.module_utils import listing
from ansible_collections.alibabacloud.sas.plugins.module_utils.api import status_name
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import Listing

PENDING = 1
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def params(**given):
    """sas_alert_info's params as AnsibleModule hands them over: every option, defaults filled in."""
    options = dict(alert_ids=None, status=None, levels=None, alert_types=None, name=None, uuids=None,
                   time_start=None, time_end=None, lang="en", max_results=None, include_details=False, concurrency=8)
    options.update(given)
    return options


# --- times and filters (no service) -----------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2026-11-01 08:30:05", datetime.datetime(2026, 11, 1, 8, 30, 5)),
    ("2026-11-01T08:30:05", datetime.datetime(2026, 11, 1, 8, 30, 5)),
    ("2026-11-01", datetime.datetime(2026, 11, 1)),
    ("  2026-11-01 08:30:05 ", datetime.datetime(2026, 11, 1, 8, 30, 5)),
    (None, None),
])
def test_accepted_time_formats(text, expected):
    assert listing.parse_time("time_start", text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-11-01 25:00:00", "01/11/2026", ""])
def test_a_time_that_is_not_one_names_the_option_and_the_formats(text):
    with pytest.raises(OptionError) as caught:
        listing.parse_time("time_end", text)
    assert str(caught.value) == ("time_end=%r is not a time: use YYYY-MM-DD HH:MM:SS (or YYYY-MM-DDTHH:MM:SS, "
                                 "or YYYY-MM-DD)" % text)


def test_filters_carry_every_option_in_service_form():
    filters = listing.listing_filters(params(
        status="handled", levels=["serious", "remind"], uuids=["u-1", "u-2"], name="web-01",
        time_start="2026-11-01", time_end="2026-11-02T06:00:00"))
    assert filters == {"dealed": "Y", "levels": "serious,remind", "uuids": "u-1,u-2", "remark": "web-01",
                       "time_start": "2026-11-01 00:00:00", "time_end": "2026-11-02 06:00:00"}


@pytest.mark.parametrize("given, expected", [
    ({}, {"dealed": "N"}),                                 # pending by default
    ({"status": "all"}, {}),
    ({"alert_ids": [5]}, {}),                              # by id: whatever the status
    ({"alert_ids": [5], "status": "pending"}, {"dealed": "N"}),
])
def test_the_status_filter(given, expected):
    assert listing.listing_filters(params(**given)) == expected


def test_a_start_after_the_end_is_refused():
    with pytest.raises(OptionError, match=r"time_start \(2026-11-02\) is after time_end \(2026-11-01\)"):
        listing.listing_filters(params(time_start="2026-11-02", time_end="2026-11-01"))
    # issue 8: a date alone in time_end is the end of that day, so one date for both is that whole day
    filters = listing.listing_filters(params(time_start="2026-11-01", time_end="2026-11-01"))
    assert (filters["time_start"], filters["time_end"]) == ("2026-11-01 00:00:00", "2026-11-01 23:59:59")
    assert listing.listing_filters(params(time_end="2026-11-01 08:00:00"))["time_end"] == "2026-11-01 08:00:00"


@pytest.mark.parametrize("given, message", [
    ({"max_results": 0}, "max_results must be at least 1, got 0"),
    ({"concurrency": 0}, "concurrency must be between 1 and 32, got 0"),
    ({"alert_ids": [3, 0]}, r"alert_ids must hold alert ids \(integers from 1 to 2\^63-1\), got 0"),
    ({"time_start": "soon"}, "time_start='soon' is not a time"),
    # issue 8: an empty filter is refused, never read as no filter (listing_filters would drop it)
    ({"name": ""}, "name='' is empty, which would select every alert: give a value, or leave the option out"),
    ({"levels": []}, r"levels=\[\] is empty"),
    ({"uuids": ["u-1", " "]}, r"uuids=\['u-1', ' '\] is empty"),
])
def test_the_request_checks_every_option_before_any_call(given, message):
    with pytest.raises(OptionError, match=message):
        listing.listing_request(params(**given))


def test_the_request():
    request = listing.listing_request(params(alert_ids=[4, 2, 4], lang="zh", include_details=True, concurrency=3))
    assert (request.alert_ids, request.filters, request.lang, request.include_details, request.concurrency) == (
        [4, 2], {}, "zh", True, 3)
    assert not request.selects_nothing
    assert listing.listing_request(params(alert_ids=[])).selects_nothing
    assert not listing.listing_request(params()).selects_nothing  # no alert_ids: list by filters


# --- the per-type merge (no service) ----------------------------------------------------------
def alerts(*ids):
    return [SimpleNamespace(id=alert_id) for alert_id in ids]


class Types:
    """list_type for merge_by_type: each type's alerts and total; records (type, limit) of each listing."""

    def __init__(self, by_type):
        self.by_type = by_type
        self.asked = []

    def __call__(self, alert_type, limit):
        self.asked.append((alert_type, limit))
        items, total = self.by_type[alert_type]
        kept = items if limit is None else items[:limit]
        return Listing(list(kept), total, total > len(kept), 1)


def ids(merged):
    return [alert.id for alert in merged.items]


def test_types_are_listed_one_by_one_and_merged_without_duplicates():
    types = Types({"Web shell": (alerts(1, 2, 3), 3), "Unusual logon": (alerts(3, 4), 2)})
    merged = listing.merge_by_type(types, ["Web shell", "Unusual logon", "Web shell"])
    assert ids(merged) == [1, 2, 3, 4]
    assert types.asked == [("Web shell", None), ("Unusual logon", None)]  # a type given twice is listed once
    assert (merged.total_count, merged.truncated, merged.pages) == (5, False, 2)  # the service's totals, added


def test_no_type_is_one_listing_of_every_type():
    types = Types({None: (alerts(1, 2), 2)})
    merged = listing.merge_by_type(types, [])
    assert types.asked == [(None, None)] and ids(merged) == [1, 2] and not merged.truncated


def test_max_results_counts_the_merged_alerts():
    types = Types({"a": (alerts(1, 2, 3), 3), "b": (alerts(4, 5, 6), 3)})
    merged = listing.merge_by_type(types, ["a", "b"], max_results=5)
    assert types.asked == [("a", 5), ("b", 2)]
    assert ids(merged) == [1, 2, 3, 4, 5] and merged.truncated  # b had a sixth


def test_a_type_left_unread_by_max_results_truncates():
    types = Types({"a": (alerts(1, 2), 2), "b": (alerts(3), 1)})
    merged = listing.merge_by_type(types, ["a", "b"], max_results=2)
    assert types.asked == [("a", 2)] and ids(merged) == [1, 2] and merged.truncated


def test_max_results_that_reads_everything_does_not_truncate():
    types = Types({"a": (alerts(1, 2), 2), "b": (alerts(2, 3), 2)})
    merged = listing.merge_by_type(types, ["a", "b"], max_results=10)
    assert types.asked == [("a", 10), ("b", 8)] and ids(merged) == [1, 2, 3] and not merged.truncated


# --- against the emulator ---------------------------------------------------------------------
def listing_calls(sas, mark=0):
    return [record["params"] for record in sas.requests()[mark:] if record["action"] == "DescribeSuspEvents"]


@pytest.fixture
def big_sas(monkeypatch):
    """250 alerts: listings of more than one page."""
    for name in PROXY_VARIABLES:  # the SDK ignores NO_PROXY
        monkeypatch.delenv(name, raising=False)
    with emulated_sas(alerts=250, seed=7) as emulator:
        yield emulator


def test_every_page_of_a_listing_is_read_once(big_sas):
    found = listing.list_alerts(big_sas.connection, {}, "en")
    assert [params["CurrentPage"] for params in listing_calls(big_sas)] == ["1", "2", "3"]
    assert (len(found.items), len({alert.id for alert in found.items}), found.total_count) == (250, 250, 250)
    assert not found.truncated and found.pages == 3


def test_listing_by_type_sends_one_type_a_call_and_keeps_each_alert_once(big_sas):
    everything = listing.list_alerts(big_sas.connection, {}, "en").items
    mark = len(big_sas.requests())
    first, second = sorted({alert.alarm_event_type for alert in everything})[:2]
    request = listing.listing_request(params(status="all", alert_types=[first, second, first]))
    result = listing.read_alerts(big_sas.connection, request)
    expected = [alert.id for alert in everything if alert.alarm_event_type == first] + \
               [alert.id for alert in everything if alert.alarm_event_type == second]
    assert sorted(alert["id"] for alert in result["alerts"]) == sorted(expected)
    assert result["total_count"] == len(expected) and result["truncated"] is False
    assert [params.get("ParentEventTypes") for params in listing_calls(big_sas, mark)] == [first, second]
    assert {alert["alarm_event_type"] for alert in result["alerts"]} == {first, second}


def test_max_results_reads_only_what_it_returns(big_sas):
    request = listing.listing_request(params(max_results=30))
    result = listing.read_alerts(big_sas.connection, request)
    assert len(result["alerts"]) == 30 and result["truncated"] is True
    assert result["total_count"] > 30  # the service's count of pending alerts
    assert [(params["CurrentPage"], params["PageSize"], params["Dealed"]) for params in listing_calls(big_sas)] == [
        ("1", "30", "N")]
    assert all(alert["status"] == "pending" and alert["event_status"] == PENDING for alert in result["alerts"])


def test_alerts_by_id_with_details_and_missing_ids(sas):
    known = [alert.id for alert in listing.list_alerts(sas.connection, {}, "en", max_results=3).items]
    mark = len(sas.requests())
    request = listing.listing_request(params(alert_ids=known + [1], include_details=True, lang="zh"))
    result = listing.read_alerts(sas.connection, request)
    assert [alert["id"] for alert in result["alerts"]] == known
    assert result["missing_ids"] == [1] and result["total_count"] == 3 and result["truncated"] is False
    for alert in result["alerts"]:
        assert alert["status"] == alert["detail"]["status"] == status_name(sas.alert(alert["id"])["status"])
        assert alert["detail"]["id"] == alert["id"] and "request_id" not in alert["detail"]
    calls = [(record["action"], record["params"]) for record in sas.requests()[mark:]]
    # The three known alerts are pending (seed 7): one pending page finds them, id 1 is looked up alone.
    assert all(sas.status(alert_id) == PENDING for alert_id in known)
    assert [(params.get("Dealed"), params.get("Id")) for action, params in calls if action == "DescribeSuspEvents"] \
        == [("N", None), (None, "1")]
    assert sorted(params["SuspiciousEventId"] for action, params in calls if action == "DescribeSuspEventDetail") \
        == sorted(str(alert_id) for alert_id in known)
    assert all(params["From"] == "sas" and params["Lang"] == "zh" for _action, params in calls)


def test_an_api_error_is_raised_to_the_module(sas):
    sas.set_faults([{"action": "DescribeSuspEvents", "fault": "no_permission"}])
    with pytest.raises(SasApiError):
        listing.read_alerts(sas.connection, listing.listing_request(params()))


# --- issue 8: alert_ids by listing pages when that costs fewer calls than one lookup per id -----------
def suspicious_event_calls(sas):
    """(Dealed, CurrentPage, Id) of each DescribeSuspEvents call, wire names."""
    return [(params.get("Dealed"), params["CurrentPage"], params.get("Id"))
            for params in (record["params"] for record in sas.calls("DescribeSuspEvents"))]


def every_page(dealed, count):
    return [(dealed, str(page), None) for page in range(1, -(-count // 100) + 1)]


def unknown_ids(sas, count):
    first = sas.unknown_id()
    return list(range(first, first + count))


def by_ids(sas, alert_ids, **given):
    request = listing.listing_request(params(alert_ids=alert_ids, **given))
    sas.clear_requests()
    return listing.alerts_by_id(sas.connection, request)


def test_ten_thousand_unknown_ids_cost_the_pages_of_both_listings(big_sas):
    wanted = unknown_ids(big_sas, 10_000)
    found, missing = by_ids(big_sas, wanted, lang="zh")
    assert found == [] and missing == wanted
    pending, handled = len(big_sas.listing("N")), len(big_sas.listing("Y"))
    # page 1 of each, then the rest of each (3 pages here, not 10,000 Id lookups)
    assert suspicious_event_calls(big_sas) == every_page("N", pending)[:1] + every_page("Y", handled)[:1] + \
        every_page("N", pending)[1:] + every_page("Y", handled)[1:]
    assert all(record["params"]["Lang"] == "zh" and record["params"]["PageSize"] == "100"
               for record in big_sas.calls("DescribeSuspEvents"))
    print("sas_alert_info, 10,000 unknown ids, 250 alerts: %d DescribeSuspEvents calls"
          % len(big_sas.calls("DescribeSuspEvents")))


def test_with_a_status_only_that_listing_is_read(big_sas):
    wanted = unknown_ids(big_sas, 1_000)
    found, missing = by_ids(big_sas, wanted, status="pending", levels=["serious", "suspicious", "remind"])
    assert found == [] and missing == wanted
    assert suspicious_event_calls(big_sas) == every_page("N", len(big_sas.listing("N")))
    assert {record["params"]["Levels"] for record in big_sas.calls("DescribeSuspEvents")} == {
        "serious,suspicious,remind"}


def test_known_ids_among_unknown_ones_come_back_in_the_requested_order(big_sas):
    pending, handled = big_sas.listing("N"), big_sas.listing("Y")
    assert len(pending) > 100 and len(handled) > 50
    # none on page 1 of the pending listing; handled ones from its end
    known = [pending[-1], handled[-1], pending[120], handled[-2]]
    unknown = unknown_ids(big_sas, 300)
    wanted = unknown[:100] + known[:2] + unknown[100:200] + known[2:] + unknown[200:]
    found, missing = by_ids(big_sas, wanted)
    assert [alert.id for alert in found] == known and missing == unknown
    assert [alert.event_status for alert in found] == [big_sas.status(alert_id) for alert_id in known]
    assert [status_name(alert.event_status) == "pending" for alert in found] == [True, False, True, False]
    calls = suspicious_event_calls(big_sas)
    assert sorted(calls) == sorted(every_page("N", len(pending)) + every_page("Y", len(handled)))


def test_few_ids_are_looked_up_one_by_one(big_sas):
    known = big_sas.listing("Y")[-1]
    unknown = big_sas.unknown_id()
    found, missing = by_ids(big_sas, [unknown, known], status="handled", lang="zh")
    assert [alert.id for alert in found] == [known] and missing == [unknown]
    assert sorted(suspicious_event_calls(big_sas)) == sorted([("Y", "1", str(known)), ("Y", "1", str(unknown))])
    assert {record["params"]["Lang"] for record in big_sas.calls("DescribeSuspEvents")} == {"zh"}


def test_a_few_unknown_ids_in_a_big_account_are_looked_up_by_id(start_sas):
    sas = start_sas(alerts=1000)
    wanted = unknown_ids(sas, 3)
    found, missing = by_ids(sas, wanted)
    assert found == [] and missing == wanted
    # the 8 or more pages left in the listings would cost more than 3 Id lookups
    calls = suspicious_event_calls(sas)
    assert calls[:2] == [("N", "1", None), ("Y", "1", None)]
    assert sorted(calls[2:]) == sorted((None, "1", str(alert_id)) for alert_id in wanted)  # sent concurrently
