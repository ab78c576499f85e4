# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one pager of flat-paged listings (DescribeSuspEvents: TotalCount/CurrentPage/PageSize), and read_all_pages.

iter_pages() reads page after page for as long as its reader asks; each reader has its own stop rule:
read_all_pages below (the total, max_results, a page with nothing new) and alert_status.scan_listing
(a page that finds none of the alerts it looks for).
"""

from __future__ import annotations

import itertools
from typing import Callable, Hashable, Iterator, List, Optional, Tuple, TypeVar

from ansible_collections.alibabacloud.sas.plugins.module_utils.api import MAX_PAGE_SIZE

T = TypeVar("T")

FetchPage = Callable[[int, int], Tuple[List[T], int]]  # (page, size) -> (items, total_count)


def iter_pages(fetch_page: FetchPage, page_size: int) -> Iterator[Tuple[List[T], int]]:
    """fetch_page(1, page_size), fetch_page(2, page_size), ...: each page is read only when the reader asks for it."""
    for page in itertools.count(1):
        yield fetch_page(page, page_size)


class Listing:
    """What a paged read gave: the items, the service's total and whether max_results cut it."""

    def __init__(self, items: list, total_count: int, truncated: bool, pages: int):
        self.items = items
        self.total_count = total_count
        self.truncated = truncated
        self.pages = pages


# Passes over a listing that moved while it was read (its TotalCount changed between pages), at most.
MAX_PASSES = 3


def read_all_pages(fetch_page: FetchPage, key: Callable[[T], Hashable], max_results: Optional[int] = None,
                   page_size: int = MAX_PAGE_SIZE, keep: Optional[Callable[[T], bool]] = None) -> Listing:
    """fetch_page(page, size) -> (items, total_count), until the total is reached or max_results items are kept.

    Stops without the extra empty call once the total is in hand; an item seen on two pages
    (the list moved while it was read) is kept once. An item that leaves the list while it is read shifts
    the rest up, and the one at a page boundary would be missed: so a listing whose TotalCount changed
    between pages is read again from the start, up to MAX_PASSES times, keeping what is new. With keep,
    only the items it accepts are returned (a filter the service cannot apply itself): total_count then
    counts those among the items read, and truncated also says the listing was stopped before its end,
    where more of them may be.
    """
    if max_results is not None and keep is None:
        page_size = max(1, min(page_size, max_results))
    listing = Listing([], 0, False, 0)
    seen: set = set()
    for _pass in range(MAX_PASSES):
        totals, read_to_the_end, total = set(), False, 0
        in_pass: set = set()  # the keys this pass has read: its end is its own
        for batch, total in iter_pages(fetch_page, page_size):
            listing.pages += 1
            totals.add(total)
            keys = [key(item) for item in batch]
            fresh_in_pass = [item_key for item_key in keys if item_key not in in_pass]
            in_pass.update(keys)
            new_items = [item for item in batch if key(item) not in seen]
            seen.update(key(item) for item in new_items)
            kept = new_items if keep is None else [item for item in new_items if keep(item)]
            listing.items.extend(kept)
            listing.total_count = total if keep is None else listing.total_count + len(kept)
            # A page with nothing new to this pass means the service is not paging: stop rather than loop.
            read_to_the_end = len(batch) < page_size or len(in_pass) >= total or not fresh_in_pass
            if read_to_the_end or (max_results is not None and len(listing.items) >= max_results):
                break
        if len(totals) <= 1 or not read_to_the_end:
            break
    if max_results is not None:
        if keep is None:
            listing.truncated = len(listing.items) >= max_results and total > max_results
        else:
            listing.truncated = len(listing.items) > max_results or not read_to_the_end
        del listing.items[max_results:]
    return listing
