# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SAS API calls this collection makes, one function each; the only place that names an action.

Each function owns its request - the SDK attribute names, From=sas and Lang where the API takes them,
ids as strings where the SDK model wants strings - and says what "not found" means for it.
connection.call (connection.py) stays the one transport: retries, pacing, error classification.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    FROM_SAS,
    STATUS_FILTERS,
)

DESCRIBE_SUSP_EVENTS = "DescribeSuspEvents"
DESCRIBE_SUSP_EVENT_DETAIL = "DescribeSuspEventDetail"
DESCRIBE_SECURITY_EVENT_OPERATIONS = "DescribeSecurityEventOperations"
HANDLE_SECURITY_EVENTS = "HandleSecurityEvents"
DESCRIBE_SECURITY_EVENT_OPERATION_STATUS = "DescribeSecurityEventOperationStatus"
CREATE_SUSP_EVENT_NOTE = "CreateSuspEventNote"
DESCRIBE_MONITOR_ACCOUNTS = "DescribeMonitorAccounts"
DESCRIBE_SIMILAR_EVENT_SCENARIOS = "DescribeSimilarEventScenarios"
CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK = "CreateSimilarSecurityEventsQueryTask"
DESCRIBE_SIMILAR_SECURITY_EVENTS = "DescribeSimilarSecurityEvents"

# The answer for an alert id the service does not know (the error table of DescribeSecurityEventOperations [DOC]).
SECURITY_EVENT_NOT_EXISTS = "SecurityEventNotExists"
# The service's own default is zh [DOC]; this collection reads English unless told otherwise.
DEFAULT_LANG = "en"

Page = Tuple[List[Any], int]  # (alert models, TotalCount)


# --- DescribeSuspEvents -----------------------------------------------------------------------
def susp_events_page(connection: Any, page: int, page_size: int, filters: Mapping[str, Any],
                     lang: str = DEFAULT_LANG) -> Page:
    """One page of DescribeSuspEvents; filters are its other parameters (SDK names: dealed, levels, id, ...)."""
    body = connection.call(DESCRIBE_SUSP_EVENTS, current_page=str(page), page_size=str(page_size),
                           from_=FROM_SAS, lang=lang, **filters)
    return body.susp_events or [], body.total_count or 0


def pending_count(connection: Any) -> int:
    """How many alerts are pending, as the service counts them: one call, a page of one."""
    return susp_events_page(connection, 1, 1, STATUS_FILTERS["pending"])[1]


def find_susp_event(connection: Any, alert_id: int, filters: Mapping[str, Any], lang: str = DEFAULT_LANG) -> Any:
    """The DescribeSuspEvents model of one alert, by its Id, within filters; None if the listing has no such alert.

    Filters with no status (neither dealed nor status) mean any status. Which statuses an Id lookup without
    either returns is not documented, so it is sent with Status=0, the documented "all" [DOC]; and since a
    service that ignored that would answer pending alerts only, a miss is asked once more among the handled
    alerts (Dealed=Y): one more call, for a miss only.
    """
    def look_up(status_filter: Mapping[str, str]) -> Any:
        entries, _total = susp_events_page(connection, 1, 1, dict(filters, id=alert_id, **status_filter), lang)
        return next((entry for entry in entries if entry.id == alert_id), None)

    if has_status_filter(filters):
        return look_up({})
    found = look_up({"status": "0"})
    return found if found is not None else look_up({"dealed": "Y"})


def has_status_filter(filters: Mapping[str, Any]) -> bool:
    return "dealed" in filters or "status" in filters


def id_lookup_calls(filters: Mapping[str, Any]) -> int:
    """The most calls find_susp_event makes for one id within filters: without a status filter a miss is
    asked again among handled alerts (two calls), else one."""
    return 1 if has_status_filter(filters) else 2


# --- DescribeSuspEventDetail ------------------------------------------------------------------
def susp_event_detail(connection: Any, alert_id: int, lang: str = DEFAULT_LANG) -> Any:
    """The DescribeSuspEventDetail body of one alert. An alert the service does not know is its error (raised):
    the collection asks only for alerts it has just listed."""
    return connection.call(DESCRIBE_SUSP_EVENT_DETAIL, suspicious_event_id=alert_id, from_=FROM_SAS, lang=lang)


# --- DescribeSecurityEventOperations ----------------------------------------------------------
def security_event_operations(connection: Any, alert_id: int, lang: str = DEFAULT_LANG) -> Optional[List[Any]]:
    """The operation models one alert allows, or None when the service does not know the alert."""
    try:
        body = connection.call(DESCRIBE_SECURITY_EVENT_OPERATIONS, security_event_id=alert_id, lang=lang)
    except SasApiError as error:
        if error.code == SECURITY_EVENT_NOT_EXISTS:
            return None
        raise
    return list(body.security_event_operations_response or [])


# --- HandleSecurityEvents ---------------------------------------------------------------------
def handle_params(operation_code: str, alert_ids: Sequence[int], operation_params: str,
                  mark_miss_param: Optional[str] = None, remark: Optional[str] = None) -> Dict[str, Any]:
    """HandleSecurityEvents parameters (SDK names): ids are strings, params JSON strings [SDK].

    Built apart from the call so the audit log writes down exactly what is sent.
    """
    params: Dict[str, Any] = {
        "operation_code": operation_code,
        "security_event_ids": [str(alert_id) for alert_id in alert_ids],
        "operation_params": operation_params,
    }
    if mark_miss_param is not None:
        params["mark_miss_param"] = mark_miss_param
        params["mark_batch"] = "false"  # these alerts only, not every similar one
    if remark:
        params["remark"] = remark
    return params


def handle_security_events(connection: Any, params: Mapping[str, Any]) -> Tuple[int, Optional[str]]:
    """Send one HandleSecurityEvents (handle_params); returns (task id, request id).

    A write: connection.call re-sends it only when the service surely did not act on it. An answer
    without a TaskId is a BAD_RESPONSE error that keeps the request id.
    """
    body = connection.call(HANDLE_SECURITY_EVENTS, write=True, **params)
    request_id = getattr(body, "request_id", None)
    response = body.handle_security_events_response
    if response is None or response.task_id is None:
        raise SasApiError(HANDLE_SECURITY_EVENTS, errors.BAD_RESPONSE, "the answer has no TaskId",
                          request_id=request_id)
    return int(response.task_id), request_id


# --- DescribeSecurityEventOperationStatus -----------------------------------------------------
def operation_status(connection: Any, alert_ids: Sequence[int], task_id: int) -> Any:
    """The SecurityEventOperationStatusResponse for alert_ids in task_id, or None if the answer has none.
    An unknown task id is the service's error (raised).

    TaskId and SecurityEventIds are always sent together: the SDK and the API reference mark both required
    ([DOC zh] too), although their prose says either one is enough.
    """
    return connection.call(DESCRIBE_SECURITY_EVENT_OPERATION_STATUS, task_id=task_id,
                           security_event_ids=[str(alert_id) for alert_id in alert_ids]
                           ).security_event_operation_status_response


# --- CreateSuspEventNote ----------------------------------------------------------------------
def create_susp_event_note(connection: Any, alert_id: int, note: str) -> Optional[str]:
    """Add note to one alert (CreateSuspEventNote); returns the request id.

    A write: connection.call re-sends it only when the service surely did not act on it. The service answers
    Success in the body, "Code 200 means success, another value failure" [DOC]: a refusal it answers there, and an
    answer without Success, are raised as the SasApiError an error answer would be, so one classification (for
    example permission_refused) serves both.
    """
    body = connection.call(CREATE_SUSP_EVENT_NOTE, write=True, event_id=alert_id, note=note)
    request_id = getattr(body, "request_id", None)
    if body.success is None:
        raise SasApiError(CREATE_SUSP_EVENT_NOTE, errors.BAD_RESPONSE, "the answer has no Success",
                          request_id=request_id)
    if not body.success:
        raise SasApiError(CREATE_SUSP_EVENT_NOTE, errors.API, body.message or "the note was not added",
                          code=body.code, request_id=request_id, http_status=body.http_status_code)
    return request_id


# --- DescribeMonitorAccounts ------------------------------------------------------------------
def monitor_accounts(connection: Any) -> Any:
    """The body of DescribeMonitorAccounts (no parameter): the caller's Resource Directory member accounts
    (AccountIds, AccountIdInfos with each one's SasVersion) and the caller's own id (OperatorUid)."""
    return connection.call(DESCRIBE_MONITOR_ACCOUNTS)


# --- Similar alerts ---------------------------------------------------------------------------
def similar_event_scenarios(connection: Any, alert_id: int) -> List[str]:
    """The scenario codes (default, same_ip, ...) DescribeSimilarEventScenarios offers for the alert; an unknown
    alert is the service's SecurityEventNotExists (raised)."""
    body = connection.call(DESCRIBE_SIMILAR_EVENT_SCENARIOS, security_event_id=alert_id)
    return [scenario.code for scenario in body.scenarios or [] if scenario.code]


def create_similar_events_query(connection: Any, alert_id: int, scenario: str) -> int:
    """A similar-events query task's id (CreateSimilarSecurityEventsQueryTask). Resending it is harmless: another
    query task, no alert changed."""
    body = connection.call(CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK, security_event_id=alert_id,
                           similar_event_scenario_code=scenario)
    return body.create_similar_security_events_query_task_response.task_id


def similar_events_page(connection: Any, task_id: int, page: int, page_size: int, lang: str) -> Page:
    """One page of a similar-events query task (DescribeSimilarSecurityEvents): (entries, TotalCount)."""
    body = connection.call(DESCRIBE_SIMILAR_SECURITY_EVENTS, task_id=task_id, current_page=page, page_size=page_size,
                           lang=lang)
    return body.security_events_response or [], (body.page_info.total_count if body.page_info else 0) or 0
