# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current status of many alerts, for as few DescribeSuspEvents calls as the data allows.

DescribeSuspEvents filters by one Id at most [SDK], so a status costs one call
per alert, or one listing page per 100 alerts. Listing pages win when the alerts sit together
(a batch of pending alerts, or alerts just handled: the handled listing is newest-handled first),
and lose when they are scattered. So a page is read only while pages pay: the listing continues
while each page finds at least one of the alerts, and per-id lookups take the rest. The total is
then never more than two calls above per-id lookups, and one page per 100 alerts when they cluster.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from ansible_collections.alibabacloud.sas.plugins.module_utils.api import MAX_PAGE_SIZE, PENDING_STATUS, status_name
from ansible_collections.alibabacloud.sas.plugins.module_utils.sas_api import find_susp_event, susp_event_pages

# Up to this many alerts, one Id lookup each is no dearer than a page that may miss them.
PER_ID_LOOKUP_MAX = 2
# DescribeSuspEvents Dealed: N pending, Y handled; the handled listing sorted by handling time, newest first.
PENDING_LISTING = {"dealed": "N"}
HANDLED_LISTING = {"dealed": "Y", "sort_column": "operateTime", "sort_type": "desc"}


class AlertState:
    """What the listing says about one alert."""

    def __init__(self, alert_id: int, event_status: Optional[int], operate_error_code: Optional[str] = None):
        self.id = alert_id
        self.event_status = event_status
        self.operate_error_code = operate_error_code

    @property
    def status(self) -> str:
        return status_name(self.event_status)

    @property
    def pending(self) -> bool:
        return self.event_status == PENDING_STATUS

    @classmethod
    def from_model(cls, model: Any) -> AlertState:
        status = model.event_status
        return cls(int(model.id), int(status) if status is not None else None, model.operate_error_code)


def scan_listing(connection: Any, filters: Dict[str, str], wanted: Set[int], found: Dict[int, AlertState]) -> int:
    """Read pages of one listing while each page finds some of wanted; returns pages read.

    Found alerts move from wanted to found. An alert seen twice (the list moved) keeps its first state.
    """
    page = 0
    if not wanted:
        return page
    for entries, total in susp_event_pages(connection, filters):
        page += 1
        hits = 0
        for entry in entries:
            if entry.id in wanted:
                wanted.discard(entry.id)
                found[entry.id] = AlertState.from_model(entry)
                hits += 1
        # The end of the listing, or a page that found none of wanted: pages no longer pay.
        if not wanted or len(entries) < MAX_PAGE_SIZE or page * MAX_PAGE_SIZE >= total or hits == 0:
            break
    return page


def lookup_by_id(connection: Any, alert_id: int, handled_only: bool = False) -> Optional[AlertState]:
    """One alert by Id, whatever its status (or only among handled alerts); None if not there."""
    model = find_susp_event(connection, alert_id, HANDLED_LISTING if handled_only else {})
    return AlertState.from_model(model) if model is not None else None


def lookup_statuses(connection: Any, alert_ids: List[int], concurrency: int) -> Dict[int, Optional[AlertState]]:
    """Each id's AlertState, or None for an id the service does not know."""
    wanted = set(alert_ids)
    found: Dict[int, AlertState] = {}
    if len(wanted) > PER_ID_LOOKUP_MAX:
        scan_listing(connection, PENDING_LISTING, wanted, found)
    if len(wanted) > PER_ID_LOOKUP_MAX:
        scan_listing(connection, HANDLED_LISTING, wanted, found)
    rest = [alert_id for alert_id in alert_ids if alert_id in wanted]
    states = connection.map(lambda alert_id: lookup_by_id(connection, alert_id), rest, concurrency)
    for alert_id, state in zip(rest, states):
        if state is not None:
            found[alert_id] = state
    return {alert_id: found.get(alert_id) for alert_id in alert_ids}


def lookup_among_handled(connection: Any, alert_ids: List[int], concurrency: int) -> Dict[int, Optional[AlertState]]:
    """Where an alert the service just called unknown went: among handled alerts, or nowhere."""
    states = connection.map(lambda alert_id: lookup_by_id(connection, alert_id, handled_only=True),
                            alert_ids, concurrency)
    return dict(zip(alert_ids, states))
