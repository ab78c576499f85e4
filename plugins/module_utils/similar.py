# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sas_alert_similar_info's reading: the scenarios the service offers for an alert, the similar-events query task
(CreateSimilarSecurityEventsQueryTask) read until it gives its group (DescribeSimilarSecurityEvents), and the alerts
of the group still pending, read as sas_alert_info reads alerts (listing.read_alerts).

The collection hands similar alerts to its own handler (sas_alert_handle) and never calls HandleSimilarSecurityEvents:
that API acts on the whole group with one operation, on alerts nobody reviewed, and answers no per-alert result.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.handle_settle import FIRST_POLL
from ansible_collections.alibabacloud.sas.plugins.module_utils.listing import ListingRequest, read_alerts
from ansible_collections.alibabacloud.sas.plugins.module_utils.pagination import read_all_pages
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import (
    DESCRIBE_SIMILAR_EVENT_SCENARIOS,
    SECURITY_EVENT_NOT_EXISTS,
    Page,
    create_similar_events_query,
    similar_event_scenarios,
    similar_events_page,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import MAX_PAGE_SIZE, STATUS_FILTERS

# The scenario codes of DescribeSimilarEventScenarios [SDK]: the same alert type; and besides, the same IP rule,
# the same file content rule, the same URL rule.
SCENARIOS = ("default", "same_ip", "same_file_content", "same_url")
# The first read of a query task comes this soon after it is created; each later wait doubles, up to poll_interval.
FIRST_WAIT = FIRST_POLL  # as a handling task is first read: it may be done in 0.2 s


class SimilarRequest:
    """How sas_alert_similar_info reads (every option but the alert ids), already checked."""

    def __init__(self, scenario: str = "default", lang: str = "en", wait_timeout: float = 10.0,
                 poll_interval: float = 2.0, concurrency: int = 8):
        self.scenario = scenario
        self.lang = lang
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.concurrency = concurrency


class AlertNotFound(Exception):
    """The service does not know the alert; the message says so, and why when the connection tells."""


def offered_scenarios(connection: Any, alert_id: int) -> List[str]:
    """The scenario codes the service offers for the alert; AlertNotFound if it does not know the alert."""
    try:
        return similar_event_scenarios(connection, alert_id)
    except SasApiError as error:
        if error.code != SECURITY_EVENT_NOT_EXISTS:
            raise
        reason = connection.member_unseen_by(DESCRIBE_SIMILAR_EVENT_SCENARIOS)
        raise AlertNotFound("Security Center does not know alert %d%s"
                            % (alert_id, ": " + reason if reason else "")) from None


def first_page(connection: Any, task_id: int, request: SimilarRequest, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> Optional[Page]:
    """The task's first page once it lists something, or None if it listed nothing within wait_timeout.

    No API reports a query task's status [SDK], and its first reads may come back empty while it still retrieves
    its data: an empty read is read again, after FIRST_WAIT, then twice as long each time, up to poll_interval.
    """
    deadline = clock() + request.wait_timeout
    wait = min(FIRST_WAIT, request.poll_interval)
    while True:
        page = similar_events_page(connection, task_id, 1, MAX_PAGE_SIZE, request.lang)
        if page[1]:
            return page
        if clock() + wait > deadline:
            return None
        sleep(wait)
        wait = min(wait * 2, request.poll_interval)


def similar_ids(connection: Any, task_id: int, first: Page, lang: str) -> List[int]:
    """Every alert id the task lists, its first page already read."""
    unread = [first]  # served once: a second pass (the listing moved) reads page 1 again

    def fetch(page: int, size: int) -> Page:
        if (page, size) == (1, MAX_PAGE_SIZE) and unread:
            return unread.pop()
        return similar_events_page(connection, task_id, page, size, lang)

    listing = read_all_pages(fetch, key=lambda entry: entry.security_event_id)
    return [entry.security_event_id for entry in listing.items]


def find_group(connection: Any, alert_id: int, request: SimilarRequest, warn: Callable[[str], None],
               clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> Dict[str, Any]:
    """The alert's group as its query task lists it: scenarios, task_id, complete and similar_ids (never the alert
    itself, pending or not); AlertNotFound if the service does not know the alert."""
    scenarios = offered_scenarios(connection, alert_id)
    group: Dict[str, Any] = {"scenarios": scenarios, "task_id": None, "complete": True, "similar_ids": []}
    if request.scenario not in scenarios:
        return group
    group["task_id"] = task_id = create_similar_events_query(connection, alert_id, request.scenario)
    first = first_page(connection, task_id, request, clock, sleep)
    if first is None:
        group["complete"] = False
        warn("the similar-events query task %d listed no alert within %g seconds: either alert %d has no similar "
             "alert, or the task was still retrieving its data (raise wait_timeout to wait longer)"
             % (task_id, request.wait_timeout, alert_id))
        return group
    group["similar_ids"] = [i for i in similar_ids(connection, task_id, first, request.lang) if i != alert_id]
    return group


def pending_alerts(connection: Any, alert_ids: List[int], request: SimilarRequest) -> Dict[str, Any]:
    """read_alerts' result for those of the ids still pending (missing_ids: the others); no call for no id."""
    if not alert_ids:
        return {"alerts": [], "total_count": 0, "missing_ids": []}
    return read_alerts(connection, ListingRequest(dict(STATUS_FILTERS["pending"]), alert_ids, lang=request.lang,
                                                  concurrency=request.concurrency))


def read_similar_alerts(connection: Any, alert_id: int, request: SimilarRequest, warn: Callable[[str], None],
                        clock: Callable[[], float] = time.monotonic,
                        sleep: Callable[[float], None] = time.sleep) -> Dict[str, Any]:
    """sas_alert_similar_info's result for alert_id: the pending alerts similar to the alert (never the alert
    itself), as sas_alert_info returns alerts, and what the service said on the way."""
    group = find_group(connection, alert_id, request, warn, clock, sleep)
    listing = pending_alerts(connection, group["similar_ids"], request)
    return dict(group, scenario=request.scenario, alerts=listing["alerts"], total_count=listing["total_count"],
                not_pending_ids=listing["missing_ids"])


def read_similar_groups(connection: Any, alert_ids: List[int], request: SimilarRequest,
                        warn: Callable[[str], None], clock: Callable[[], float] = time.monotonic,
                        sleep: Callable[[float], None] = time.sleep) -> Dict[str, Any]:
    """sas_alert_similar_info's result for alert_ids: one group per alert, in their order, the groups found side by
    side (at most request.concurrency at once, each task waited for within wait_timeout), then the pending alerts of
    all of them read in one listing - each once, and none of the asked alerts, which the caller has already.

    An alert the service does not know gives its group a reason instead of failing the others."""
    def group_of(alert_id: int) -> Dict[str, Any]:
        try:
            return {"alert_id": alert_id, **find_group(connection, alert_id, request, warn, clock, sleep)}
        except AlertNotFound as error:
            return {"alert_id": alert_id, "scenarios": [], "task_id": None, "complete": False, "similar_ids": [],
                    "reason": str(error)}

    groups = connection.map(group_of, alert_ids, request.concurrency)
    listing = pending_alerts(connection, list(dict.fromkeys(i for group in groups for i in group["similar_ids"])),
                             request)
    not_pending = set(listing["missing_ids"])
    for group in groups:
        group["not_pending_ids"] = [i for i in group["similar_ids"] if i in not_pending]
    asked = set(alert_ids)
    alerts = [alert for alert in listing["alerts"] if alert["id"] not in asked]
    return {"scenario": request.scenario, "groups": groups, "alerts": alerts, "total_count": len(alerts)}
