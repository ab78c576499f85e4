# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import (
    ListingReader,
    read_all_pages,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import MAX_PAGE_SIZE


class Service:
    """A flat-paged listing of ids 0..total-1, recording every (page, size) asked for."""

    def __init__(self, total, items=None, reported_total=None, call_limit=1000):
        self.items = list(range(total)) if items is None else items
        self.reported_total = total if reported_total is None else reported_total
        self.requests = []
        self.call_limit = call_limit

    def __call__(self, page, size):
        self.requests.append((page, size))
        if len(self.requests) > self.call_limit:
            raise AssertionError(f"more than {self.call_limit} page reads: the loop does not end")
        start = (page - 1) * size
        return self.items[start:start + size], self.reported_total


def ident(item):
    return item


def test_max_page_size_is_100():
    assert MAX_PAGE_SIZE == 100


def test_250_items_take_3_pages():
    service = Service(250)
    listing = read_all_pages(service, ident)
    assert service.requests == [(1, 100), (2, 100), (3, 100)]
    assert listing.items == list(range(250))
    assert (listing.total_count, listing.truncated, listing.pages) == (250, False, 3)


def test_10000_items_take_exactly_100_pages():
    service = Service(10000)
    listing = read_all_pages(service, ident)
    assert len(service.requests) == 100
    assert service.requests[-1] == (100, 100)
    assert len(listing.items) == 10000
    assert (listing.total_count, listing.truncated, listing.pages) == (10000, False, 100)


def test_exact_multiple_makes_no_extra_empty_call():
    service = Service(200)
    listing = read_all_pages(service, ident)
    assert service.requests == [(1, 100), (2, 100)]
    assert len(listing.items) == 200
    assert listing.pages == 2


def test_empty_listing_takes_one_call():
    service = Service(0)
    listing = read_all_pages(service, ident)
    assert service.requests == [(1, 100)]
    assert (listing.items, listing.total_count, listing.truncated, listing.pages) == ([], 0, False, 1)


def test_max_results_truncates():
    service = Service(250)
    listing = read_all_pages(service, ident, max_results=150)
    assert service.requests == [(1, 100), (2, 100)]
    assert listing.items == list(range(150))
    assert (listing.total_count, listing.truncated, listing.pages) == (250, True, 2)


@pytest.mark.parametrize("max_results", [250, 251, 1000])
def test_max_results_not_below_total_is_not_truncated(max_results):
    service = Service(250)
    listing = read_all_pages(service, ident, max_results=max_results)
    assert len(service.requests) == 3
    assert listing.items == list(range(250))
    assert listing.truncated is False


def test_small_max_results_shrinks_the_page():
    service = Service(250)
    listing = read_all_pages(service, ident, max_results=30)
    assert service.requests == [(1, 30)]
    assert listing.items == list(range(30))
    assert (listing.truncated, listing.pages) == (True, 1)


def test_max_results_equal_to_small_total_is_not_truncated():
    service = Service(30)
    listing = read_all_pages(service, ident, max_results=30)
    assert service.requests == [(1, 30)]
    assert (len(listing.items), listing.truncated) == (30, False)


def test_duplicates_across_pages_are_kept_once():
    # The list moved while it was read: page 2 starts again with the last item of page 1.
    items = list(range(100)) + list(range(99, 249))
    service = Service(250, items=items, reported_total=250)
    listing = read_all_pages(service, lambda item: item)
    assert listing.items == list(range(249))
    assert len(listing.items) == len(set(listing.items))
    assert service.requests == [(1, 100), (2, 100), (3, 100)]


def test_duplicates_are_detected_by_key():
    pages = {1: [{"Id": 1, "v": "a"}, {"Id": 2, "v": "b"}], 2: [{"Id": 2, "v": "b2"}, {"Id": 3, "v": "c"}]}
    calls = []

    def fetch(page, size):
        calls.append(page)
        return pages.get(page, []), 4

    listing = read_all_pages(fetch, lambda item: item["Id"], page_size=2)
    assert [item["v"] for item in listing.items] == ["a", "b", "c"]
    assert calls == [1, 2, 3]


def test_short_page_before_the_total_stops():
    service = Service(150, reported_total=1000)
    listing = read_all_pages(service, ident)
    assert service.requests == [(1, 100), (2, 100)]
    assert len(listing.items) == 150
    assert (listing.total_count, listing.truncated) == (1000, False)


def test_empty_page_before_the_total_stops():
    service = Service(100, reported_total=1000)
    listing = read_all_pages(service, ident)
    assert service.requests == [(1, 100), (2, 100)]
    assert len(listing.items) == 100


def test_full_page_of_only_duplicates_stops():
    def same_page(page, size):
        same_page.calls += 1
        if same_page.calls > 20:
            raise AssertionError(f"read_all_pages asked for page {page}: it does not stop")
        return list(range(100)), 250

    same_page.calls = 0
    listing = read_all_pages(same_page, ident)
    assert len(listing.items) == 100
    assert same_page.calls == 2


def test_an_item_leaving_the_list_while_it_is_read_does_not_hide_another():
    # Ids 0..249; item 5 is handled by another hand just after page 1 is read: everything after it moves up
    # one place, and without a second pass item 100 (then first on page 2's old place) is never read.
    items = list(range(250))
    calls = []

    def fetch(page, size):
        calls.append(page)
        if len(calls) == 2 and 5 in items:
            items.remove(5)
        start = (page - 1) * size
        return items[start:start + size], len(items)

    listing = read_all_pages(fetch, ident)
    assert set(range(250)) - {5} <= set(listing.items)  # nothing that stayed is missed
    assert len(listing.items) == len(set(listing.items))
    assert calls == [1, 2, 3, 1, 2, 3]  # the totals differed (250, 249): read once more, then it held still


def test_a_listing_that_keeps_moving_is_read_at_most_three_times():
    items = list(range(1000, 1300))

    def fetch(page, size):
        items.append(items[-1] + 1)  # one more each call: the total never holds still
        start = (page - 1) * size
        return items[start:start + size], len(items)

    listing = read_all_pages(fetch, ident)
    assert listing.pages <= 3 * 5
    assert set(range(1000, 1300)) <= set(listing.items)


# --- ListingReader: the one reader, a page at a time (issue 19) ----------------------------------------------
def test_the_reader_reads_a_page_when_asked_and_says_what_is_left():
    service = Service(250)
    reader = ListingReader(service, ident)
    assert (reader.pages, reader.finished) == (0, False)
    assert reader.read_page() == list(range(100))
    assert (reader.total, reader.pages_left, reader.finished) == (250, 2, False)
    assert reader.read_page() == list(range(100, 200))
    assert reader.read_page() == list(range(200, 250))
    assert (reader.pages, reader.pages_left, reader.finished) == (3, 0, True)
    assert service.requests == [(1, 100), (2, 100), (3, 100)]


def test_a_reader_stopped_early_has_read_no_further():
    service = Service(1000)
    reader = ListingReader(service, ident)
    reader.read_page()
    assert (service.requests, reader.pages_left) == ([(1, 100)], 9)


def test_a_moved_listing_is_read_again_from_page_1_and_each_item_given_once():
    # Item 5 leaves while page 1 is read: item 100 moves up to page 1, read already; the second pass finds it.
    items = list(range(250))
    pages = []

    def fetch(page, size):
        pages.append(page)
        if len(pages) == 2:
            items.remove(5)
        start = (page - 1) * size
        return items[start:start + size], len(items)

    reader = ListingReader(fetch, ident)
    given = []
    while not reader.finished:
        given += reader.read_page()
        if pages == [1, 2, 3]:  # the first pass ends at its short page: a pass from page 1 is due, all of it
            assert (reader.finished, reader.pages_left) == (False, 3)
    assert sorted(given) == list(range(250)) and len(given) == len(set(given))
    assert pages == [1, 2, 3, 1, 2, 3]
