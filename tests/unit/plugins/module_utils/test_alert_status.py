# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many DescribeSuspEvents calls a status lookup costs, and what it finds (against the emulator, and a
stand-in for a reading of the service the emulator does not play)."""

from __future__ import annotations

from types import SimpleNamespace

from emulated_sas import PENDING

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import (
    id_lookup_calls,
    lookup_among_handled,
    lookup_statuses,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import status_name


def listing_calls(sas):
    """(Id lookup or Dealed value, CurrentPage) of each DescribeSuspEvents call, wire names."""
    return [("id" if "Id" in record["params"] else record["params"].get("Dealed"), record["params"]["CurrentPage"])
            for record in sas.calls("DescribeSuspEvents")]


def id_lookups(sas):
    """(Id, Status, Dealed) of each DescribeSuspEvents call by Id, sorted (lookups run concurrently)."""
    return sorted((int(params["Id"]), params.get("Status", ""), params.get("Dealed", ""))
                  for params in (record["params"] for record in sas.calls("DescribeSuspEvents")) if "Id" in params)


def test_few_ids_are_looked_up_one_by_one(sas):
    pending = sas.pick()[0]
    unknown = sas.unknown_id()
    states = lookup_statuses(sas.connection, [pending, unknown], concurrency=4)
    assert states[pending].pending and states[pending].id == pending and states[unknown] is None
    # issue 9: Status=0 ("all"), and for the miss one more lookup among handled alerts
    assert listing_calls(sas) == [("id", "1")] * 3
    assert id_lookups(sas) == sorted([(pending, "0", ""), (unknown, "0", ""), (unknown, "", "Y")])


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
    # one wasted page per listing at most, then a lookup per id (two calls for the unknown one)
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * 5


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
    # the rest of the listings (7 pages or more) would cost more than 3 Id lookups of two calls each (misses)
    assert pages_of(len(sas.listing("N"))) + pages_of(len(sas.listing("Y"))) - 2 > 3 * 2
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * 3 * 2


def test_the_listings_are_finished_only_when_strictly_cheaper(start_sas):
    # A lookup is weighed at its worst, two calls (a miss asks again among handled alerts: issue 9).
    sas = start_sas(alerts=1000)
    pending_pages, handled_pages = pages_of(len(sas.listing("N"))), pages_of(len(sas.listing("Y")))
    pages_left = pending_pages - 1 + handled_pages - 1
    most_looked_up = pages_left // 2  # 2 * most_looked_up <= pages_left: not dearer than the pages
    states = lookup_statuses(sas.connection, unknown_ids(sas, most_looked_up), concurrency=4)
    assert list(states.values()) == [None] * most_looked_up
    assert listing_calls(sas) == [("N", "1"), ("Y", "1")] + [("id", "1")] * most_looked_up * 2
    sas.clear_requests()
    states = lookup_statuses(sas.connection, unknown_ids(sas, most_looked_up + 1), concurrency=4)
    assert list(states.values()) == [None] * (most_looked_up + 1)
    assert [call for call in listing_calls(sas) if call[0] == "id"] == []
    assert len(listing_calls(sas)) == pending_pages + handled_pages


# --- issue 9: reading an alert by Id when the service's default (and Status=0) may leave handled alerts out ---
class PendingOnlyById:
    """A DescribeSuspEvents that, asked by Id without Dealed, answers pending alerts only, even with Status=0:
    a reading the emulator does not play (its Status=0 is "all")."""

    def __init__(self, statuses):
        self.statuses = statuses  # alert id -> EventStatus
        self.sent = []

    def call(self, action, **params):
        self.sent.append((params["id"], params.get("status"), params.get("dealed")))
        status = self.statuses.get(params["id"])
        handled_asked = params.get("dealed") == "Y"
        visible = status is not None and (status != PENDING) == handled_asked
        entries = [SimpleNamespace(id=params["id"], event_status=status, operate_error_code=None)] if visible else []
        return SimpleNamespace(susp_events=entries, total_count=len(entries))

    @staticmethod
    def map(function, items, concurrency):
        return [function(item) for item in items]


def test_a_handled_alert_is_found_among_handled_alerts_when_status_0_is_not_all():
    handled, pending, unknown = 11, 12, 13
    service = PendingOnlyById({handled: 32, pending: PENDING})
    states = lookup_statuses(service, [handled, pending], concurrency=1)
    assert (states[handled].status, states[pending].status) == ("handled", "pending")
    assert lookup_statuses(service, [unknown], concurrency=1) == {unknown: None}
    # each lookup: Status=0 first; a miss (the handled alert, the unknown one) once more with Dealed=Y
    assert service.sent == [(handled, "0", None), (handled, None, "Y"), (pending, "0", None),
                            (unknown, "0", None), (unknown, None, "Y")]


def test_an_id_lookup_within_a_status_is_one_call():
    service = PendingOnlyById({5: 32})
    assert lookup_among_handled(service, [5, 6], concurrency=1)[5].status == "handled"
    assert service.sent == [(5, None, "Y"), (6, None, "Y")]
    assert (id_lookup_calls({}), id_lookup_calls({"dealed": "N"}), id_lookup_calls({"status": "32"})) == (2, 1, 1)


# --- issue 19: the status lookups read through the one listing reader, page-boundary guard included ---
def test_a_pending_alert_at_a_page_boundary_is_found_when_another_leaves_the_listing_meanwhile(start_sas):
    # Another hand handles the 6th pending alert just before page 2 of the pending listing is read: the rest
    # move up one place and the 101st, first of page 2 until then, is now last of page 1, read already.
    sas = start_sas(alerts=300)
    pending = sas.listing("N")
    assert len(pending) > 300 // 2
    wanted = pending[:150] + unknown_ids(sas, 10)  # the unknown ids make reading the listings to the end cheaper

    def handle_one_before_page_2(params):
        if params.get("Dealed") == "N" and params["CurrentPage"] == "2" and sas.status(pending[5]) == PENDING:
            sas.handle_elsewhere("ignore", [pending[5]])

    sas.on_request("DescribeSuspEvents", handle_one_before_page_2, times=100)
    states = lookup_statuses(sas.connection, wanted, concurrency=4)
    assert states[pending[100]] is not None and states[pending[100]].pending  # was: None, an unknown alert
    assert all(states[alert_id].pending for alert_id in pending[:150])  # the 6th as it was when page 1 was read
    assert [alert_id for alert_id, state in states.items() if state is None] == unknown_ids(sas, 10)
    pending_pages = [call[1] for call in listing_calls(sas) if call[0] == "N"]
    assert pending_pages.count("1") == 2  # the listing moved: read once more from page 1
