# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""listing: sas_alert_info's options as filters and its alert types compared on this side (plain tests), and the
reads against the in-process emulator."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from emulated_sas import emulated_sas

from ansible_collections.alibabacloud.sas.plugins.module_utils import listing
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import ALL_STATUSES, status_name
from sas_emulator import catalog

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
                                 "or YYYY-MM-DD) in UTC+8, the service's time zone, or ISO 8601 with an offset or Z "
                                 "(2026-12-01T00:00:00Z)" % text)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01T00:00:00Z", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-12-01T00:00:00z", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-12-01T00:00:00.250Z", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-12-01T08:00:00+08:00", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-12-01 08:00:00+0800", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-11-30T19:00:00-05:00", datetime.datetime(2026, 12, 1, 8, 0, 0)),
    ("2026-12-31T20:30:00+05:30", datetime.datetime(2026, 12, 31, 23, 0, 0)),
    ("2026-12-31T16:00:00Z", datetime.datetime(2027, 1, 1, 0, 0, 0)),  # into the next year in UTC+8
])
def test_an_iso_8601_time_with_an_offset_is_the_service_s_utc8_wall_time(text, expected):
    assert listing.parse_time("time_start", text) == expected
    assert listing.parse_time("time_end", text, end_of_day=True) == expected  # a time, not a date: as given


@pytest.mark.parametrize("text", ["2026-13-01T00:00:00Z", "2026-12-01T00:00:00+25:00", "2026-12-01T00:00:00+8"])
def test_a_zoned_time_that_is_not_one_is_refused(text):
    with pytest.raises(OptionError, match="is not a time"):
        listing.parse_time("time_start", text)


def test_a_zoned_window_is_sent_in_utc8_and_ordered_as_instants():
    filters = listing.listing_filters(params(time_start="2026-11-30T16:00:00Z", time_end="2026-12-01 07:59:59"))
    assert (filters["time_start"], filters["time_end"]) == ("2026-12-01 00:00:00", "2026-12-01 07:59:59")
    with pytest.raises(OptionError, match="is after time_end"):  # 09:00 UTC+8 is after 08:30 UTC+8
        listing.listing_filters(params(time_start="2026-12-01T01:00:00Z", time_end="2026-12-01 08:30:00"))


def test_filters_carry_every_option_in_service_form():
    filters = listing.listing_filters(params(
        status="handled", levels=["serious", "remind"], uuids=["u-1", "u-2"], name="web-01",
        time_start="2026-11-01", time_end="2026-11-02T06:00:00"))
    assert filters == {"dealed": "Y", "levels": "serious,remind", "uuids": "u-1,u-2", "remark": "web-01",
                       "time_start": "2026-11-01 00:00:00", "time_end": "2026-11-02 06:00:00"}


@pytest.mark.parametrize("given, expected", [
    ({}, {"dealed": "N"}),                                 # pending by default
    ({"status": "all"}, {"status": "0"}),                  # the documented "All"
    ({"alert_ids": [5]}, {"status": "0"}),                 # by id: whatever the status
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
        [4, 2], {"status": "0"}, "zh", True, 3)
    assert not request.selects_nothing
    assert listing.listing_request(params(alert_ids=[])).selects_nothing
    assert not listing.listing_request(params()).selects_nothing  # no alert_ids: list by filters


# --- alert types, compared on this side (issue 9, no service) -----------------------------------
@pytest.mark.parametrize("name", ["Unusual logon", "异常登录", "UNUSUAL LOGON", "unusual_logon", " Unusual  logon "])
def test_every_name_of_a_type_is_one_type(name):
    assert listing.canonical_type(name) == listing.canonical_type("Unusual logon")


@pytest.mark.parametrize("name, same_as", [
    ("恶意进程（云查杀）", "Malicious process (cloud scan)"),  # full-width brackets, as a console may write them
    ("WEBSHELL", "Web shell"),
    ("网站后门", "WEBSHELL"),
    ("other", "其他"),
    ("Others", "other"),
])
def test_codes_and_full_width_forms_name_their_type(name, same_as):
    assert listing.canonical_type(name) == listing.canonical_type(same_as)


@pytest.mark.parametrize("alert_type", list(catalog.ALERT_TYPES.values()) + [catalog.OTHER_TYPE],
                         ids=lambda alert_type: alert_type.key)
def test_the_emulated_types_english_and_chinese_names_are_one_known_type(alert_type):
    assert listing.is_known_type(alert_type.en) and listing.is_known_type(alert_type.zh)
    assert listing.canonical_type(alert_type.zh) == listing.canonical_type(alert_type.en)


def test_types_that_only_look_alike_stay_apart():
    assert listing.canonical_type("Web shell (local scan)") != listing.canonical_type("Web shell")
    assert listing.canonical_type("Not a type") == "notatype"  # an unknown name is compared as written


def typed(alert_id, alarm_event_type, display=None):
    return SimpleNamespace(id=alert_id, alarm_event_type=alarm_event_type, alarm_event_type_display=display)


def test_the_type_filter_reads_the_type_and_its_display_and_remembers_what_matched():
    type_filter = listing.TypeFilter(["Unusual logon", "网站后门", "Typo type"])
    alerts = [typed(1, "异常登录"), typed(2, None, "Web shell"), typed(3, "Abnormal accounts"), typed(4, None)]
    assert [type_filter.matches(alert) for alert in alerts] == [True, True, False, False]
    assert type_filter.examined == 4 and type_filter.unmatched == ["Typo type"]


class Pages:
    """A DescribeSuspEvents of alert models, paged as the service pages; records the filters of each call."""

    def __init__(self, alerts):
        self.alerts = alerts
        self.sent = []

    def call(self, action, current_page, page_size, from_, lang, **filters):
        self.sent.append(dict(filters, current_page=current_page))
        start = (int(current_page) - 1) * int(page_size)
        return SimpleNamespace(susp_events=self.alerts[start:start + int(page_size)], total_count=len(self.alerts))


def logons_every(step, count):
    """count alerts, one Unusual logon every step (ids 1, 1 + step, ...), the others Web shell."""
    return [typed(alert_id, "Unusual logon" if (alert_id - 1) % step == 0 else "Web shell")
            for alert_id in range(1, count + 1)]


def list_logons(service, max_results=None):
    type_filter = listing.TypeFilter(["Unusual logon"])
    return listing.list_alerts(service, {"dealed": "N"}, "en", max_results, keep=type_filter.matches), type_filter


def ids(found):
    return [alert.id for alert in found.items]


def test_every_page_is_read_and_total_count_counts_the_matches():
    service = Pages(logons_every(10, 250))
    found, type_filter = list_logons(service)
    assert ids(found) == list(range(1, 251, 10)) and found.total_count == 25 and not found.truncated
    assert [sent["current_page"] for sent in service.sent] == ["1", "2", "3"]
    assert all(sent == {"dealed": "N", "current_page": sent["current_page"]} for sent in service.sent)  # no type
    assert type_filter.examined == 250


def test_max_results_stops_at_the_page_that_reaches_it_and_counts_that_page():
    service = Pages(logons_every(10, 250))
    found, _type_filter = list_logons(service, max_results=5)
    # page 1 holds ten logons: five returned, ten counted, and the pages after it unread
    assert ids(found) == [1, 11, 21, 31, 41] and found.total_count == 10 and found.truncated
    assert [sent["current_page"] for sent in service.sent] == ["1"]


def test_max_results_reached_with_pages_left_truncates_since_more_may_match():
    service = Pages(logons_every(10, 250))
    found, _type_filter = list_logons(service, max_results=10)
    assert len(found.items) == 10 and found.total_count == 10 and found.truncated
    assert [sent["current_page"] for sent in service.sent] == ["1"]


@pytest.mark.parametrize("max_results", [25, 26, 1000])
def test_max_results_reached_on_the_last_page_or_never_does_not_truncate(max_results):
    found, _type_filter = list_logons(Pages(logons_every(10, 250)), max_results=max_results)
    assert len(found.items) == 25 and found.total_count == 25 and not found.truncated


def test_an_alert_seen_on_two_pages_is_counted_once():
    alerts = logons_every(1, 150)
    service = Pages(alerts[:100] + alerts[99:])  # the list moved: alert 100 again on page 2
    found, _type_filter = list_logons(service)
    assert ids(found) == list(range(1, 151)) and found.total_count == 150


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
    found = listing.list_alerts(big_sas.connection, ALL_STATUSES, "en")
    assert [params["CurrentPage"] for params in listing_calls(big_sas)] == ["1", "2", "3"]
    assert (len(found.items), len({alert.id for alert in found.items}), found.total_count) == (250, 250, 250)
    assert not found.truncated and found.pages == 3


# issue 9: which names ParentEventTypes takes is not settled (English, Chinese or codes); the emulator plays each.
VOCABULARIES = ["zh", "en", "code"]
# The same two types, named as a user might: English, Chinese, mixed with a code and odd case.
TYPE_REQUESTS = [["Unusual logon", "Web shell"], ["异常登录", "网站后门"], ["unusual LOGON", "WEBSHELL"]]


def read_with_warnings(sas, **given):
    warnings = []
    result = listing.read_alerts(sas.connection, listing.listing_request(params(**given)), warn=warnings.append)
    return result, warnings


@pytest.mark.parametrize("vocabulary", VOCABULARIES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_alert_types_select_the_same_alerts_under_every_vocabulary(start_sas, vocabulary, lang):
    sas = start_sas(alert_type_vocabulary=vocabulary)
    everything = listing.list_alerts(sas.connection, ALL_STATUSES, "en").items
    expected = [alert.id for alert in everything if alert.alarm_event_type in ("Unusual logon", "Web shell")]
    assert expected
    for alert_types in TYPE_REQUESTS:
        sas.clear_requests()
        result, warnings = read_with_warnings(sas, status="all", alert_types=alert_types + alert_types[:1], lang=lang)
        assert [alert["id"] for alert in result["alerts"]] == expected, alert_types  # in listing order, once each
        assert (result["total_count"], result["truncated"], warnings) == (len(expected), False, [])
        # one listing with the other filters, no type sent
        assert [(params["CurrentPage"], params["Lang"]) for params in listing_calls(sas)] == [("1", lang)]
        assert "ParentEventTypes" not in listing_calls(sas)[0] and "Dealed" not in listing_calls(sas)[0]
        assert listing_calls(sas)[0]["Status"] == "0"  # every status, by the documented "All"


@pytest.mark.parametrize("vocabulary", VOCABULARIES)
def test_alert_types_keep_the_other_filters_and_max_results(start_sas, vocabulary):
    sas = start_sas(alerts=250, alert_type_vocabulary=vocabulary)
    pending = listing.list_alerts(sas.connection, {"dealed": "N", "levels": "serious,suspicious"}, "en").items
    assert len(pending) > 100

    def logons(alerts):
        return [alert.id for alert in alerts if alert.alarm_event_type == "Unusual logon"]

    assert len(logons(pending[:100])) > 3
    sas.clear_requests()
    result, warnings = read_with_warnings(sas, levels=["serious", "suspicious"], alert_types=["异常登录"],
                                          max_results=3)
    # page 1 brings three logons: it is the only page read, and its logons are those counted
    assert [alert["id"] for alert in result["alerts"]] == logons(pending)[:3] and result["truncated"] is True
    assert result["total_count"] == len(logons(pending[:100])) and warnings == []
    assert [(params["CurrentPage"], params["PageSize"], params["Dealed"], params["Levels"])
            for params in listing_calls(sas)] == [("1", "100", "N", "serious,suspicious")]


def test_a_type_no_alert_read_has_is_named_in_a_warning(sas):
    result, warnings = read_with_warnings(sas, status="all", alert_types=["Unusual logn", "Unusual logon", "Others"])
    assert result["alerts"] and {alert["alarm_event_type"] for alert in result["alerts"]} == {"Unusual logon"}
    total = len(listing.list_alerts(sas.connection, ALL_STATUSES, "en").items)
    typo, others = warnings
    assert typo.startswith("alert_types: no alert of type 'Unusual logn' among the %d alerts read; it is none of "
                           "the type names this collection knows" % total)
    assert others.startswith("alert_types: no alert of type 'Others' among the %d alerts read. " % total)
    for warning in warnings:
        assert "names for alert types are uncertain" in warning and "alarm_event_type" in warning


def test_no_warning_when_no_alert_was_read(sas):
    result, warnings = read_with_warnings(sas, name="no-such-host-anywhere", alert_types=["Unusual logn"])
    assert (result["alerts"], result["total_count"], warnings) == ([], 0, [])


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
    # The three known alerts are pending (seed 7): one pending page finds them, id 1 is looked up alone,
    # with Status=0 and, as it is not found, again among handled alerts (issue 9).
    assert all(sas.status(alert_id) == PENDING for alert_id in known)
    assert [(params.get("Dealed"), params.get("Status"), params.get("Id"))
            for action, params in calls if action == "DescribeSuspEvents"] == [
        ("N", None, None), (None, "0", "1"), ("Y", None, "1")]
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
    # the 7 or more pages left in the listings would cost more than 3 Id lookups of two calls (misses) each
    calls = suspicious_event_calls(sas)
    assert calls[:2] == [("N", "1", None), ("Y", "1", None)]
    assert sorted(calls[2:], key=str) == sorted((call for alert_id in wanted  # sent concurrently
                                                 for call in [(None, "1", str(alert_id)), ("Y", "1", str(alert_id))]),
                                                key=str)


# --- issue 9: an Id lookup of any status finds handled alerts, whatever the service does without a status -----
@pytest.mark.parametrize("id_lookup", ["some", "all"])
def test_a_handled_alert_looked_up_by_id_is_found(start_sas, id_lookup):
    sas = start_sas(id_lookup=id_lookup)
    handled, unknown = sas.listing("Y")[-1], sas.unknown_id()
    found, missing = by_ids(sas, [handled, unknown])
    assert [(alert.id, alert.event_status) for alert in found] == [(handled, sas.status(handled))]
    assert missing == [unknown]
    lookups = [(int(params["Id"]), params.get("Status", ""), params.get("Dealed", "")) for params in listing_calls(sas)]
    # Status=0 finds the handled alert at once; only the unknown id costs a second call
    assert sorted(lookups) == sorted([(handled, "0", ""), (unknown, "0", ""), (unknown, "", "Y")])
