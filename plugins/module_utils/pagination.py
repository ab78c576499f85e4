# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read every page of a flat-paged listing (DescribeSuspEvents: TotalCount/CurrentPage/PageSize)."""

from __future__ import annotations

from typing import Callable, Hashable, List, Optional, Tuple, TypeVar

from ansible_collections.alibabacloud.sas.plugins.module_utils.api import MAX_PAGE_SIZE

T = TypeVar("T")


class Listing:
    """What a paged read gave: the items, the service's total and whether max_results cut it."""

    def __init__(self, items: list, total_count: int, truncated: bool, pages: int):
        self.items = items
        self.total_count = total_count
        self.truncated = truncated
        self.pages = pages


def read_all_pages(fetch_page: Callable[[int, int], Tuple[List[T], int]],
                   key: Callable[[T], Hashable], max_results: Optional[int] = None,
                   page_size: int = MAX_PAGE_SIZE) -> Listing:
    """fetch_page(page, size) -> (items, total_count), until the total is reached.

    Stops without the extra empty call once the total is in hand; an item seen on two pages
    (the list moved while it was read) is kept once.
    """
    if max_results is not None:
        page_size = max(1, min(page_size, max_results))
    items: List[T] = []
    seen = set()
    page = 0
    total = 0
    while True:
        page += 1
        batch, total = fetch_page(page, page_size)
        new_items = [item for item in batch if key(item) not in seen]
        seen.update(key(item) for item in new_items)
        items.extend(new_items)
        if max_results is not None and len(items) >= max_results:
            return Listing(items[:max_results], total, total > max_results, page)
        # A page with nothing new means the service is not paging: stop rather than loop.
        if len(batch) < page_size or len(items) >= total or not new_items:
            return Listing(items, total, False, page)
