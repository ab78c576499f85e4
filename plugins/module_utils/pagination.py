# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reader of flat-paged listings (DescribeSuspEvents: TotalCount/CurrentPage/PageSize).

ListingReader is the one home of where a listing ends and of reading it again when it moved; every listing
reads through it: read_all_pages below (sas_alert_info's listing, the event source's polls) and the status
lookups of alert_status.find_alerts, which read a page at a time and stop when pages no longer pay.
"""

from __future__ import annotations

import math
from typing import Callable, Generic, Hashable, List, Optional, Set, Tuple, TypeVar

from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import MAX_PAGE_SIZE

T = TypeVar("T")

FetchPage = Callable[[int, int], Tuple[List[T], int]]  # (page, size) -> (items, total_count)

# Passes over a listing that moved while it was read (its TotalCount changed between pages), at most.
MAX_PASSES = 3


class ListingReader(Generic[T]):
    """One listing, read a page at a time for as long as its caller asks, each item given once.

    A pass reads pages 1, 2, ... and ends at a short page, once it has read as many items as the total, or at
    a page with nothing new to the pass (the service is not paging: stop rather than loop). An item that leaves
    the listing while it is read shifts the rest up, and the one at a page boundary is never read: so a pass
    whose pages gave different TotalCounts is followed by another from page 1, up to max_passes passes.
    read_page returns only the items (by key) no page before held: an item seen on two pages is given once.
    """

    def __init__(self, fetch_page: FetchPage, key: Callable[[T], Hashable], page_size: int = MAX_PAGE_SIZE,
                 max_passes: int = MAX_PASSES):
        self._fetch_page = fetch_page
        self._key = key
        self.page_size = page_size
        self._passes_left = max_passes
        self._seen: Set[Hashable] = set()
        self.pages = 0  # pages read, every pass
        self.total = 0  # TotalCount of the last page read
        self.finished = False
        self._start_pass()

    def _start_pass(self) -> None:
        self._passes_left -= 1
        self._next_page = 1
        self._in_pass: Set[Hashable] = set()  # the keys this pass has read: its end is its own
        self._totals: Set[int] = set()

    @property
    def pages_left(self) -> int:
        """Pages this pass has still to read, by the last TotalCount (a whole listing for a pass just begun)."""
        if self.finished:
            return 0
        return max(0, math.ceil(self.total / self.page_size) - (self._next_page - 1))

    def read_page(self) -> List[T]:
        """The next page's items that no page before held; sets finished once the listing is read to its end."""
        batch, self.total = self._fetch_page(self._next_page, self.page_size)
        self.pages += 1
        self._next_page += 1
        self._totals.add(self.total)
        keys = [self._key(item) for item in batch]
        fresh_in_pass = any(item_key not in self._in_pass for item_key in keys)
        self._in_pass.update(keys)
        new = []
        for item, item_key in zip(batch, keys):
            if item_key not in self._seen:
                self._seen.add(item_key)
                new.append(item)
        if len(batch) < self.page_size or len(self._in_pass) >= self.total or not fresh_in_pass:
            self._end_pass()
        return new

    def _end_pass(self) -> None:
        moved = len(self._totals) > 1
        if moved and self._passes_left > 0:
            self._start_pass()
        else:
            self.finished = True


class Listing:
    """What a paged read gave: the items, the service's total and whether max_results cut it."""

    def __init__(self, items: list, total_count: int, truncated: bool, pages: int):
        self.items = items
        self.total_count = total_count
        self.truncated = truncated
        self.pages = pages


def read_all_pages(fetch_page: FetchPage, key: Callable[[T], Hashable], max_results: Optional[int] = None,
                   page_size: int = MAX_PAGE_SIZE, keep: Optional[Callable[[T], bool]] = None) -> Listing:
    """fetch_page(page, size) -> (items, total_count), until the listing's end or max_results items are kept.

    Stops without the extra empty call once the total is in hand; a listing that moved while it was read is
    read again (ListingReader). With keep, only the items it accepts are returned (a filter the service cannot
    apply itself): total_count then counts those among the items read, and truncated also says the listing was
    stopped before its end, where more of them may be.
    """
    if max_results is not None and keep is None:
        page_size = max(1, min(page_size, max_results))
    reader = ListingReader(fetch_page, key, page_size)
    items: list = []
    while not reader.finished and (max_results is None or len(items) < max_results):
        new_items = reader.read_page()
        items.extend(new_items if keep is None else [item for item in new_items if keep(item)])
    listing = Listing(items, reader.total if keep is None else len(items), False, reader.pages)
    if max_results is not None:
        if keep is None:
            listing.truncated = len(items) >= max_results and reader.total > max_results
        else:
            listing.truncated = len(items) > max_results or not reader.finished
        del listing.items[max_results:]
    return listing
