# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current status of many alerts, for as few DescribeSuspEvents calls as the data allows.

DescribeSuspEvents filters by one Id at most [SDK], so a status costs one call
per alert, or one listing page per 100 alerts. Listing pages win when the alerts sit together
(a batch of pending alerts, or alerts just handled: the handled listing is newest-handled first),
and lose when they are scattered. So a page is read first only while pages pay: a listing continues
while each page finds at least one of the alerts. What is still unfound then costs either one lookup
per alert or the pages left in the listings (their TotalCount is known by then), and the cheaper is
taken: reading the listings to the end tells that an alert not in them is unknown, with no call for it.
A lookup is one call, or two for an alert it does not find when no status is given (service_calls.find_susp_event
asks again among handled alerts), and is weighed at that worst. The total is never more than
min(a lookup per alert, every page of the listings) + one page per listing (the page that found nothing):
10,000 ids the service does not know cost about one page per 100 alerts of the account, not 20,000 calls.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Set

from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import FetchPage, ListingReader
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DEFAULT_LANG,
    find_susp_event,
    id_lookup_calls,
    susp_events_page,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    EXPIRED_STATUS,
    PENDING_STATUS,
    status_name,
)

# Up to this many alerts, one Id lookup each is no dearer than a page that may miss them.
PER_ID_LOOKUP_MAX = 2
# DescribeSuspEvents Dealed: N pending, Y handled; the handled listing sorted by handling time, newest first.
# Together they hold every alert, so an alert in neither is unknown - whatever a listing without Dealed holds.
PENDING_LISTING = {"dealed": "N"}
HANDLED_LISTING = {"dealed": "Y", "sort_column": "operateTime", "sort_type": "desc"}


class AlertState:
    """What the listing says about one alert."""

    def __init__(self, alert_id: int, event_status: Optional[int], operate_error_code: Optional[str] = None,
                 operate_time: Optional[int] = None, can_be_deal_on_line: bool = True):
        self.id = alert_id
        self.event_status = event_status
        self.operate_error_code = operate_error_code
        self.operate_time = operate_time  # epoch ms of the last handling, by the service's clock
        # CanBeDealOnLine: false when the service lets nobody handle it (it then offers no operation)
        self.can_be_deal_on_line = can_be_deal_on_line

    @property
    def status(self) -> str:
        return status_name(self.event_status)

    @property
    def pending(self) -> bool:
        return self.event_status == PENDING_STATUS

    @property
    def expired(self) -> bool:
        return self.event_status == EXPIRED_STATUS

    @classmethod
    def from_model(cls, model: Any) -> AlertState:
        status, operate_time = model.event_status, getattr(model, "operate_time", None)
        return cls(int(model.id), int(status) if status is not None else None, model.operate_error_code,
                   int(operate_time) if operate_time is not None else None,
                   getattr(model, "can_be_deal_on_line", None) is not False)  # unknown: ask the service


def listing_pages(connection: Any, filters: Mapping[str, Any], lang: str = DEFAULT_LANG) -> FetchPage:
    """The page reader of one DescribeSuspEvents listing, for ListingReader and read_all_pages."""
    return lambda page, size: susp_events_page(connection, page, size, filters, lang)


def listing_reader(connection: Any, filters: Mapping[str, Any], lang: str = DEFAULT_LANG) -> ListingReader:
    """One DescribeSuspEvents listing read page by page, where the last reader left it (alerts by id)."""
    return ListingReader(listing_pages(connection, filters, lang), key=lambda alert: alert.id)


def take_wanted(entries: List[Any], wanted: Set[int], found: Dict[int, Any]) -> int:
    """Move the entries whose id is wanted into found (id -> model); returns how many moved.

    An alert seen twice (the list moved) keeps its first state: it is no longer wanted.
    """
    hits = 0
    for entry in entries:
        if entry.id in wanted:
            wanted.discard(entry.id)
            found[entry.id] = entry
            hits += 1
    return hits


def scan_listing(scan: ListingReader, wanted: Set[int], found: Dict[int, Any]) -> None:
    """Read pages of scan while each page finds some of wanted."""
    while wanted and not scan.finished:
        # A page that found none of wanted: pages no longer pay.
        if take_wanted(scan.read_page(), wanted, found) == 0:
            break


def finish_listing(scan: ListingReader, wanted: Set[int], found: Dict[int, Any]) -> None:
    """Read the rest of scan, every page, or until nothing is wanted."""
    while wanted and not scan.finished:
        take_wanted(scan.read_page(), wanted, found)


def find_alerts(connection: Any, alert_ids: Sequence[int], listings: Sequence[Mapping[str, Any]],
                lookup_filters: Mapping[str, Any], concurrency: int,
                lang: str = DEFAULT_LANG) -> Dict[int, Optional[Any]]:
    """Each id's DescribeSuspEvents model, or None when it is in none of the listings, in alert_ids' order.

    listings are the filters of listings that together hold every alert asked about (pending and
    handled, say); lookup_filters are the same selection for a lookup by id (service_calls.find_susp_event).
    """
    lookup_calls = id_lookup_calls(lookup_filters)
    wanted = set(alert_ids)
    found: Dict[int, Any] = {}
    scans = [listing_reader(connection, filters, lang) for filters in listings]
    for scan in scans:
        if len(wanted) > PER_ID_LOOKUP_MAX:
            scan_listing(scan, wanted, found)
    # A listing never started has an unknown length: per-id lookups then (few ids are left by the rule above).
    finishing_is_cheaper = bool(wanted) and all(scan.pages for scan in scans) and \
        sum(scan.pages_left for scan in scans) < len(wanted) * lookup_calls
    if finishing_is_cheaper:
        for scan in scans:
            finish_listing(scan, wanted, found)
    else:
        rest = [alert_id for alert_id in dict.fromkeys(alert_ids) if alert_id in wanted]
        models = connection.map(lambda alert_id: find_susp_event(connection, alert_id, lookup_filters, lang), rest,
                                concurrency)
        for alert_id, model in zip(rest, models):
            if model is not None:
                found[alert_id] = model
    return {alert_id: found.get(alert_id) for alert_id in alert_ids}


def lookup_statuses(connection: Any, alert_ids: List[int], concurrency: int) -> Dict[int, Optional[AlertState]]:
    """Each id's AlertState, or None for an id the service does not know."""
    models = find_alerts(connection, alert_ids, [PENDING_LISTING, HANDLED_LISTING], {}, concurrency)
    return {alert_id: AlertState.from_model(model) if model is not None else None
            for alert_id, model in models.items()}


def lookup_among_handled(connection: Any, alert_ids: List[int], concurrency: int) -> Dict[int, Optional[AlertState]]:
    """Where an alert the service just called unknown went: among handled alerts, or nowhere."""
    models = connection.map(lambda alert_id: find_susp_event(connection, alert_id, HANDLED_LISTING),
                            alert_ids, concurrency)
    return {alert_id: AlertState.from_model(model) if model is not None else None
            for alert_id, model in zip(alert_ids, models)}
