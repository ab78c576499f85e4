# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_info's reading of alerts: its options checked and turned into DescribeSuspEvents filters,
the listing (one per alert type, merged), the lookups by id and the details."""

from __future__ import annotations

import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import (
    HANDLED_LISTING,
    PENDING_LISTING,
    find_alerts,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.api import DEALED_BY_STATUS_FILTER, status_name
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_filter,
    check_max_results,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import Listing, read_all_pages
from ansible_collections.alibabacloud.sas.plugins.module_utils.sas_api import (
    find_susp_event,
    susp_event_detail,
    susp_events_page,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.transformation import model_to_snake

# The filter options: left out means no filter; an empty value is refused (check_filter), never read as none.
FILTER_OPTIONS = ("levels", "alert_types", "name", "uuids", "time_start", "time_end")

# DescribeSuspEvents TimeStart/TimeEnd; the other formats are accepted from users and sent in this one.
SERVICE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
ACCEPTED_TIME_FORMATS = (SERVICE_TIME_FORMAT, "%Y-%m-%dT%H:%M:%S", DATE_FORMAT)

Filters = Dict[str, str]


def parse_time(option: str, value: Optional[str], end_of_day: bool = False) -> Optional[datetime.datetime]:
    """The time an option gives, in any of ACCEPTED_TIME_FORMATS; None if not given; OptionError if not a time.

    A date alone means its first second, or with end_of_day (time_end) its last: time_end=2026-05-01
    includes the alerts of 1 May rather than stopping at its midnight.
    """
    if value is None:
        return None
    for fmt in ACCEPTED_TIME_FORMATS:
        try:
            moment = datetime.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if end_of_day and fmt == DATE_FORMAT:
            moment = moment.replace(hour=23, minute=59, second=59)
        return moment
    raise OptionError("%s=%r is not a time: use YYYY-MM-DD HH:MM:SS (or YYYY-MM-DDTHH:MM:SS, or YYYY-MM-DD)"
                      % (option, value))


def listing_filters(params: Mapping[str, Any]) -> Filters:
    """The DescribeSuspEvents filters (SDK names) the options ask for, shared by every listing call.

    From and Lang are sas_api's to add. The status defaults to pending, or to all for alert_ids.
    """
    status = params["status"] or ("all" if params["alert_ids"] else "pending")
    start = parse_time("time_start", params["time_start"])
    end = parse_time("time_end", params["time_end"], end_of_day=True)
    if start and end and start > end:
        raise OptionError("time_start (%s) is after time_end (%s): time_start must be the earlier time"
                          % (params["time_start"], params["time_end"]))
    filters = dict(
        dealed=DEALED_BY_STATUS_FILTER[status],
        levels=",".join(params["levels"]) if params["levels"] else None,
        uuids=",".join(params["uuids"]) if params["uuids"] else None,
        remark=params["name"] or None,
        time_start=start.strftime(SERVICE_TIME_FORMAT) if start else None,
        time_end=end.strftime(SERVICE_TIME_FORMAT) if end else None,
    )
    return {key: value for key, value in filters.items() if value is not None}


class ListingRequest:
    """What sas_alert_info was asked to read, already checked."""

    def __init__(self, filters: Filters, alert_ids: Optional[List[int]] = None,
                 alert_types: Sequence[str] = (), lang: str = "en", max_results: Optional[int] = None,
                 include_details: bool = False, concurrency: int = 8):
        self.filters = filters
        self.alert_ids = alert_ids  # None: list by filters; []: no alert selected
        self.alert_types = list(alert_types)
        self.lang = lang
        self.max_results = max_results
        self.include_details = include_details
        self.concurrency = concurrency

    @property
    def selects_nothing(self) -> bool:
        """alert_ids given, but empty: nothing to read, so no call (and no connection) is needed."""
        return self.alert_ids == []


def listing_request(params: Mapping[str, Any]) -> ListingRequest:
    """sas_alert_info's options as a ListingRequest, or OptionError naming the option; runs before any call."""
    for option in FILTER_OPTIONS:
        check_filter(option, params[option])
    max_results = check_max_results(params["max_results"])
    concurrency = check_concurrency(params["concurrency"])
    alert_ids = None if params["alert_ids"] is None else check_alert_ids(params["alert_ids"])
    return ListingRequest(listing_filters(params), alert_ids, params["alert_types"] or (), params["lang"],
                          max_results, params["include_details"], concurrency)


def list_alerts(connection: Any, filters: Filters, lang: str, max_results: Optional[int] = None) -> Listing:
    """Every page of one DescribeSuspEvents listing, up to max_results alerts."""
    return read_all_pages(lambda page, size: susp_events_page(connection, page, size, filters, lang),
                          key=lambda alert: alert.id, max_results=max_results)


def merge_by_type(list_type: Callable[[Optional[str], Optional[int]], Listing], alert_types: Sequence[str],
                  max_results: Optional[int] = None) -> Listing:
    """list_type(alert type or None, at most this many) for each type, merged without duplicates.

    The service takes a single type a call, so each is listed on its own; no types is one listing of all.
    total_count adds up the types' totals; truncated says max_results left some type or some alert unread.
    """
    merged = Listing([], 0, False, 0)
    seen = set()
    for alert_type in list(dict.fromkeys(alert_types)) or [None]:
        remaining = None if max_results is None else max_results - len(merged.items)
        if remaining is not None and remaining <= 0:
            merged.truncated = True
            break
        listing = list_type(alert_type, remaining)
        merged.total_count += listing.total_count
        merged.truncated = merged.truncated or listing.truncated
        merged.pages += listing.pages
        for alert in listing.items:
            if alert.id not in seen:
                seen.add(alert.id)
                merged.items.append(alert)
    return merged


def alerts_by_type(connection: Any, request: ListingRequest) -> Listing:
    """The alerts matching request's filters, one listing per alert type (DescribeSuspEvents ParentEventTypes)."""
    def list_type(alert_type: Optional[str], limit: Optional[int]) -> Listing:
        filters = dict(request.filters, parent_event_types=alert_type) if alert_type else request.filters
        return list_alerts(connection, filters, request.lang, limit)

    return merge_by_type(list_type, request.alert_types, request.max_results)


def alerts_by_id(connection: Any, request: ListingRequest) -> Tuple[List[Any], List[int]]:
    """The requested alerts, by listing pages or one lookup per id, whichever costs fewer calls
    (alert_status.find_alerts); returns (alert models found, in the requested order; missing ids)."""
    alert_ids = request.alert_ids or []
    if "dealed" in request.filters:
        listings: List[Filters] = [request.filters]
    else:  # status all: the pending and the handled listings hold every alert between them
        listings = [dict(request.filters, **PENDING_LISTING), dict(request.filters, **HANDLED_LISTING)]
    models = find_alerts(connection, alert_ids, listings,
                         lambda alert_id: find_susp_event(connection, alert_id, request.filters, request.lang),
                         request.concurrency, request.lang)
    found = [models[alert_id] for alert_id in alert_ids if models[alert_id] is not None]
    missing = [alert_id for alert_id in alert_ids if models[alert_id] is None]
    return found, missing


def alert_result(model: Any) -> Dict[str, Any]:
    """One alert as sas_alert_info returns it: the model in snake_case, with its status by name."""
    alert = model_to_snake(model)
    alert["status"] = status_name(alert.get("event_status"))
    return alert


def detail_result(body: Any) -> Dict[str, Any]:
    """A DescribeSuspEventDetail body as the `detail` of an alert: snake_case, status by name, no request id."""
    detail = model_to_snake(body)
    detail.pop("request_id", None)
    detail["status"] = status_name(detail.get("event_status"))
    return detail


def with_detail(connection: Any, alerts: List[Dict[str, Any]], lang: str, concurrency: int) -> List[Dict[str, Any]]:
    """Each alert dict with its DescribeSuspEventDetail under `detail`, a bounded number of calls at a time."""
    def read(alert: Dict[str, Any]) -> Dict[str, Any]:
        return dict(alert, detail=detail_result(susp_event_detail(connection, alert["id"], lang)))

    return connection.map(read, alerts, concurrency)


def read_alerts(connection: Any, request: ListingRequest) -> Dict[str, Any]:
    """sas_alert_info's result: alerts, total_count, truncated and, for alert_ids, missing_ids."""
    result: Dict[str, Any] = {"truncated": False}
    if request.alert_ids is not None:
        found, result["missing_ids"] = alerts_by_id(connection, request)
        result["total_count"] = len(found)
    else:
        listing = alerts_by_type(connection, request)
        found, result["total_count"], result["truncated"] = listing.items, listing.total_count, listing.truncated
    alerts = [alert_result(model) for model in found]
    if request.include_details:
        alerts = with_detail(connection, alerts, request.lang, request.concurrency)
    result["alerts"] = alerts
    return result
