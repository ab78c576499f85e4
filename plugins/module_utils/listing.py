# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_info's reading of alerts: its options checked and turned into DescribeSuspEvents filters,
the listing (its alert types kept on this side), the lookups by id and the details."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import (
    HANDLED_LISTING,
    PENDING_LISTING,
    find_alerts,
    listing_pages,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_filter,
    check_max_results,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import Listing, read_all_pages
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import susp_event_detail
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    ALERT_TYPE_NAMES,
    STATUS_FILTERS,
    status_name,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.transformation import model_to_snake

# The filter options: left out means no filter; an empty value is refused (check_filter), never read as none.
FILTER_OPTIONS = ("levels", "alert_types", "name", "uuids", "time_start", "time_end")

# DescribeSuspEvents TimeStart/TimeEnd; the other formats are accepted from users and sent in this one.
SERVICE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
ACCEPTED_TIME_FORMATS = (SERVICE_TIME_FORMAT, "%Y-%m-%dT%H:%M:%S", DATE_FORMAT)
# The service's times are wall times of UTC+8 (China Standard Time), tagged nowhere: a time given with an
# offset or Z (ISO 8601) is sent as the UTC+8 wall time of the same instant.
SERVICE_ZONE = datetime.timezone(datetime.timedelta(hours=8))
_ZONED = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)

Filters = Dict[str, str]


def parse_time(option: str, value: Optional[str], end_of_day: bool = False) -> Optional[datetime.datetime]:
    """The service's (UTC+8) wall time an option gives; None if not given; OptionError if not a time.

    Taken as is in any of ACCEPTED_TIME_FORMATS (already UTC+8), or as ISO 8601 with an offset or Z,
    converted: 2026-12-01T00:00:00Z is 2026-12-01 08:00:00. A date alone means its first second, or with
    end_of_day (time_end) its last: time_end=2026-05-01 includes the alerts of 1 May rather than stopping at
    its midnight.
    """
    if value is None:
        return None
    zoned = _ZONED.match(value.strip())
    if zoned:
        return _zoned_time(option, value, *zoned.groups())
    for fmt in ACCEPTED_TIME_FORMATS:
        try:
            moment = datetime.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if end_of_day and fmt == DATE_FORMAT:
            moment = moment.replace(hour=23, minute=59, second=59)
        return moment
    raise _not_a_time(option, value)


def _zoned_time(option: str, value: str, date: str, time_of_day: str, zone: str) -> datetime.datetime:
    """A time with an offset (or Z) as the service's UTC+8 wall time, to the second (fractions dropped)."""
    sign, digits = zone[0], zone[1:].replace(":", "")
    try:
        moment = datetime.datetime.strptime(date + " " + time_of_day, SERVICE_TIME_FORMAT)
        if zone.upper() != "Z":
            hours, minutes = int(digits[:2]), int(digits[2:])
            offset = datetime.timedelta(hours=hours, minutes=minutes)
            zone_info = datetime.timezone(-offset if sign == "-" else offset)
        else:
            zone_info = datetime.timezone.utc
        return moment.replace(tzinfo=zone_info).astimezone(SERVICE_ZONE).replace(tzinfo=None)
    except ValueError:  # a month 13, an offset of 25 hours
        raise _not_a_time(option, value) from None


def _not_a_time(option: str, value: str) -> OptionError:
    return OptionError("%s=%r is not a time: use YYYY-MM-DD HH:MM:SS (or YYYY-MM-DDTHH:MM:SS, or YYYY-MM-DD) in "
                       "UTC+8, the service's time zone, or ISO 8601 with an offset or Z (2026-12-01T00:00:00Z)"
                       % (option, value))


def listing_filters(params: Mapping[str, Any]) -> Filters:
    """The DescribeSuspEvents filters (SDK names) the options ask for, shared by every listing call.

    From and Lang are service_calls's to add. The status defaults to pending, or to all for alert_ids.
    """
    status = params["status"] or ("all" if params["alert_ids"] else "pending")
    start = parse_time("time_start", params["time_start"])
    end = parse_time("time_end", params["time_end"], end_of_day=True)
    if start and end and start > end:
        raise OptionError("time_start (%s) is after time_end (%s): time_start must be the earlier time"
                          % (params["time_start"], params["time_end"]))
    filters = dict(
        STATUS_FILTERS[status],
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


def pending_listing_request(levels: Optional[List[str]], alert_types: Optional[List[str]],
                            lang: str) -> ListingRequest:
    """The pending alerts of levels and alert_types (the event source's listing), these options checked as
    sas_alert_info checks them; OptionError names the one that cannot work."""
    for option, value in (("levels", levels), ("alert_types", alert_types)):
        check_filter(option, value)
    filters = dict(STATUS_FILTERS["pending"], **({"levels": ",".join(levels)} if levels else {}))
    return ListingRequest(filters, alert_types=alert_types or (), lang=lang)


def list_alerts(connection: Any, filters: Filters, lang: str, max_results: Optional[int] = None,
                keep: Optional[Callable[[Any], bool]] = None) -> Listing:
    """Every page of one DescribeSuspEvents listing, up to max_results alerts (those keep accepts, with keep:
    read_all_pages says what total_count and truncated then mean)."""
    return read_all_pages(listing_pages(connection, filters, lang), key=lambda alert: alert.id,
                          max_results=max_results, keep=keep)


# --- alert types, compared on this side ------------------------------------------------------
# Which names DescribeSuspEvents ParentEventTypes takes (English, Chinese or codes) is not settled, and a name it
# does not take lists nothing, silently. So no type is sent: the listing is read without it and each alert's
# type, as returned, is compared with the requested ones under every name of the type (service_facts.ALERT_TYPE_NAMES).
def type_key(name: str) -> str:
    """A type name as compared: full-width forms folded (NFKC), case ignored, spaces, "_" and "-" dropped."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in folded if not char.isspace() and char not in "_-")


# Each known name of a type (as type_key) -> that type's English name (as type_key): one key per type.
TYPE_BY_NAME = {type_key(name): type_key(names[0]) for names in ALERT_TYPE_NAMES for name in names}


def canonical_type(name: str) -> str:
    """The one key of the type that name stands for, in any of its names; a name not known is its own key."""
    key = type_key(name)
    return TYPE_BY_NAME.get(key, key)


class TypeFilter:
    """Keeps the alerts of the requested types; counts the alerts it examined and which types matched."""

    def __init__(self, alert_types: Sequence[str]):
        self.keys = {alert_type: canonical_type(alert_type) for alert_type in alert_types}
        self.matched: Set[str] = set()
        self.examined = 0

    def matches(self, alert: Any) -> bool:
        self.examined += 1
        names = (alert.alarm_event_type, alert.alarm_event_type_display)
        alert_keys = {canonical_type(name) for name in names if name}
        hits = [alert_type for alert_type, key in self.keys.items() if key in alert_keys]
        self.matched.update(hits)
        return bool(hits)

    @property
    def unmatched(self) -> List[str]:
        return [alert_type for alert_type in self.keys if alert_type not in self.matched]


def is_known_type(name: str) -> bool:
    return type_key(name) in TYPE_BY_NAME


def unmatched_type_warning(alert_type: str, examined: int) -> str:
    """What to tell about a requested type that no alert read had."""
    unknown = "" if is_known_type(alert_type) else "; it is none of the type names this collection knows"
    return ("alert_types: no alert of type %r among the %d alerts read%s. The service's names for alert types are "
            "uncertain (English, Chinese or codes), so each alert's alarm_event_type and alarm_event_type_display "
            "are compared here with every known name of the type, ignoring case and spaces: check the name against "
            "those fields of listed alerts." % (alert_type, examined, unknown))


def alerts_by_filters(connection: Any, request: ListingRequest, warn: Callable[[str], None]) -> Listing:
    """The alerts matching request's filters; with alert_types, warns (warn) of each type no alert read had."""
    if not request.alert_types:
        return list_alerts(connection, request.filters, request.lang, request.max_results)
    type_filter = TypeFilter(request.alert_types)
    listing = list_alerts(connection, request.filters, request.lang, request.max_results, keep=type_filter.matches)
    if type_filter.examined:  # with no alert read at all, a type's name could not be checked
        for alert_type in type_filter.unmatched:
            warn(unmatched_type_warning(alert_type, type_filter.examined))
    return listing


def alerts_by_id(connection: Any, request: ListingRequest) -> Tuple[List[Any], List[int]]:
    """The requested alerts, by listing pages or one lookup per id, whichever costs fewer calls
    (alert_status.find_alerts); returns (alert models found, in the requested order; missing ids)."""
    alert_ids = request.alert_ids or []
    if "dealed" in request.filters:
        filters = request.filters
        listings: List[Filters] = [filters]
    else:  # status all: the pending and the handled listings hold every alert between them
        filters = {key: value for key, value in request.filters.items() if key != "status"}
        listings = [dict(filters, **PENDING_LISTING), dict(filters, **HANDLED_LISTING)]
    models = find_alerts(connection, alert_ids, listings, filters, request.concurrency, request.lang)
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


def ignore_warning(message: str) -> None:
    pass


def read_alerts(connection: Any, request: ListingRequest,
                warn: Callable[[str], None] = ignore_warning) -> Dict[str, Any]:
    """sas_alert_info's result: alerts, total_count, truncated and, for alert_ids, missing_ids;
    warn (module.warn) gets what the user should know besides."""
    result: Dict[str, Any] = {"truncated": False}
    if request.alert_ids is not None:
        found, result["missing_ids"] = alerts_by_id(connection, request)
        result["total_count"] = len(found)
    else:
        listing = alerts_by_filters(connection, request, warn)
        found, result["total_count"], result["truncated"] = listing.items, listing.total_count, listing.truncated
    alerts = [alert_result(model) for model in found]
    if request.include_details:
        alerts = with_detail(connection, alerts, request.lang, request.concurrency)
    result["alerts"] = alerts
    return result
