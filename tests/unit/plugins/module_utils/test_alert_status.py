# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many DescribeSuspEvents calls a status lookup costs, and what it finds (against the emulator)."""

from __future__ import annotations

from emulated_sas import PENDING

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import lookup_statuses
from ansible_collections.alibabacloud.sas.plugins.module_utils.api import status_name


def listing_calls(sas):
    """(Id lookup or Dealed value, CurrentPage) of each DescribeSuspEvents call, wire names."""
    return [("id" if "Id" in record["params"] else record["params"].get("Dealed"), record["params"]["CurrentPage"])
            for record in sas.calls("DescribeSuspEvents")]


def test_few_ids_are_looked_up_one_by_one(sas):
    pending = sas.pick()[0]
    unknown = sas.unknown_id()
    states = lookup_statuses(sas.connection, [pending, unknown], concurrency=4)
    assert states[pending].pending and states[pending].id == pending and states[unknown] is None
    assert listing_calls(sas) == [("id", "1"), ("id", "1")]
    assert sorted(int(record["params"]["Id"]) for record in sas.calls("DescribeSuspEvents")) == sorted(
        [pending, unknown])


def test_clustered_pending_alerts_cost_one_page_per_hundred(start_sas):
    sas = start_sas(alerts=400)
    pending = sas.listing("N")
    assert len(pending) > 200  # a third page exists, and is not read
    wanted = pending[:200]
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert all(states[alert_id].pending for alert_id in wanted)
    assert listing_calls(sas) == [("N", "1"), ("N", "2")]
    assert {record["params"]["PageSize"] for record in sas.calls("DescribeSuspEvents")} == {"100"}


def test_handled_alerts_are_found_in_the_handled_listing(sas):
    pending, handled = sas.listing("N")[:2], sas.listing("Y")[:3]
    states = lookup_statuses(sas.connection, pending + handled, concurrency=4)
    assert [states[alert_id].status for alert_id in pending] == ["pending", "pending"]
    assert [states[alert_id].event_status for alert_id in handled] == [sas.status(i) for i in handled]
    assert [states[alert_id].status for alert_id in handled] == [status_name(sas.status(i)) for i in handled]
    assert not any(states[alert_id].pending for alert_id in handled)
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")]
    handled_page = sas.calls("DescribeSuspEvents")[1]["params"]
    assert handled_page["SortColumn"] == "operateTime" and handled_page["SortType"] == "desc"


def test_scattered_alerts_stop_the_listing_and_fall_back_to_ids(start_sas):
    # The wanted pending alerts sit on page 7 and beyond of the pending listing: page 1 finds none of them.
    sas = start_sas(alerts=1000)
    pending = sas.listing("N")
    assert len(pending) > 660
    unknown = sas.unknown_id()
    wanted = pending[600:603] + [unknown]
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert [states[alert_id].pending for alert_id in wanted[:3]] == [True] * 3 and states[unknown] is None
    assert all(sas.status(alert_id) == PENDING for alert_id in wanted[:3])
    # one wasted page per listing at most, then one call per id: never more than ids + 2
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * 4


# --- issue 8: many unknown ids cost the listings' pages, not one call each --------------------------
def pages_of(count):
    return -(-count // 100)


def unknown_ids(sas, count):
    first = sas.unknown_id()
    return list(range(first, first + count))


def test_ten_thousand_unknown_ids_cost_the_pages_of_both_listings(start_sas):
    sas = start_sas(alerts=300)
    pending_pages, handled_pages = pages_of(len(sas.listing("N"))), pages_of(len(sas.listing("Y")))
    assert pending_pages >= 2 and handled_pages >= 1
    wanted = unknown_ids(sas, 10_000)
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert list(states) == wanted and all(state is None for state in states.values())
    # page 1 of each finds none; the pages left (a handful) beat 10,000 Id lookups, so both are read to the end
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + \
        [("N", str(page)) for page in range(2, pending_pages + 1)] + \
        [("Y", str(page)) for page in range(2, handled_pages + 1)]
    print("10,000 unknown ids, 300 alerts: %d DescribeSuspEvents calls" % len(sas.calls("DescribeSuspEvents")))


def test_known_ids_among_many_unknown_ones_get_their_own_status(start_sas):
    sas = start_sas(alerts=300)
    pending, handled = sas.listing("N"), sas.listing("Y")
    assert len(pending) > 200 and len(handled) > 50
    # scattered: none on page 1 of its listing, so the early scans stop at once
    known_pending, known_handled = pending[150:153] + pending[-2:], handled[-3:]
    wanted = unknown_ids(sas, 500)
    wanted[10:10], wanted[300:300] = known_pending, known_handled
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert all(states[alert_id].pending for alert_id in known_pending)
    assert [states[alert_id].event_status for alert_id in known_handled] == [sas.status(i) for i in known_handled]
    assert not any(states[alert_id].pending for alert_id in known_handled)
    assert [alert_id for alert_id, state in states.items() if state is None] == unknown_ids(sas, 500)
    assert len(listing_calls(sas)) == pages_of(len(pending)) + pages_of(len(handled))
    assert ("id", "1") not in listing_calls(sas)


def test_three_unknown_ids_in_a_big_account_are_looked_up_by_id(start_sas):
    sas = start_sas(alerts=1000)
    wanted = unknown_ids(sas, 3)
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert list(states.values()) == [None] * 3
    # the rest of the listings (8 pages or more) would cost more than 3 Id lookups
    assert pages_of(len(sas.listing("N"))) + pages_of(len(sas.listing("Y"))) - 2 > 3
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * 3


def test_the_listings_are_finished_only_when_strictly_cheaper(start_sas):
    sas = start_sas(alerts=1000)
    pending_pages, handled_pages = pages_of(len(sas.listing("N"))), pages_of(len(sas.listing("Y")))
    pages_left = pending_pages - 1 + handled_pages - 1
    states = lookup_statuses(sas.connection, unknown_ids(sas, pages_left), concurrency=4)
    assert list(states.values()) == [None] * pages_left
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * pages_left  # a tie: Id lookups
    sas.clear_requests()
    states = lookup_statuses(sas.connection, unknown_ids(sas, pages_left + 1), concurrency=4)
    assert list(states.values()) == [None] * (pages_left + 1)
    assert [call for call in listing_calls(sas) if call[0] == "id"] == []
    assert len(listing_calls(sas)) == pending_pages + handled_pages
