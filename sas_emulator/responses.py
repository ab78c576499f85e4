"""Wire layer: flat request parameters -> backend calls -> the exact JSON the SDK models read.

Every body here round-trips unchanged through the SDK's ``<Action>ResponseBody().from_map(b).to_map()``
(the source repository's tests check each): list fields are always present, no value is null, and the
types are the models' (EventStatus int in DescribeSuspEvents but str in DescribeSuspEventDetail,
SecurityEventId str in the status response, ``clusterId`` lower camel, ``FiledName`` sic).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from . import catalog
from . import constants as C
from .backend import Alert, AlertQuery, HandleRequest, SasBackend
from .exceptions import DryRunOperation, IllegalParam, InvalidParam, InvalidParameter, MissingParameter, SasError
from .similar import SCENARIO_DETAIL_KEYS

SERVICE_TZ = timezone(timedelta(hours=C.SERVICE_UTC_OFFSET_HOURS))
DATA_SOURCE = "aegis_suspicious_event"
_LIST_KEY = re.compile(r"^(?P<name>[A-Za-z]+)\.(?P<index>\d+)$")

Params = Mapping[str, str]


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def error_body(error: SasError, request_id: str) -> dict[str, str]:
    """POP error body, as on Alibaba Cloud's API error diagnosis page [DOC]."""
    return {
        "RequestId": request_id,
        "HostId": C.HOST_ID,
        "Code": error.code,
        "Message": error.full_message,
        "Recommend": C.RECOMMEND_URL.format(code=error.code, request_id=request_id),
    }


def drop_none(value: Any) -> Any:
    # The SDK's to_map drops None-valued keys, so a null on the wire would not round-trip.
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def format_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=SERVICE_TZ).strftime(C.TIME_FORMAT)


# --- parameter parsing ----------------------------------------------------------------------

def _str(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if value not in (None, "") else None


def _required(params: Params, name: str) -> str:
    value = _str(params, name)
    if value is None:
        raise MissingParameter(name)
    return value


def _int(params: Params, name: str, *, required: bool = False, minimum: int | None = None) -> int | None:
    raw = _required(params, name) if required else _str(params, name)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise InvalidParameter(name, f"Expected an integer, got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise InvalidParameter(name, f"Must be >= {minimum}.")
    return value


def _repeated(params: Params, name: str) -> list[str] | None:
    """X.1=a&X.2=b, the only way the SDK sends a list [SDK]. A plain X (a JSON list, a comma string) is no
    list to the service ([GUESS]: the gateway's "not valid", naming X)."""
    indexed = []
    for key, value in params.items():
        match = _LIST_KEY.match(key)
        if match and match.group("name") == name:
            indexed.append((int(match.group("index")), value))
    if _str(params, name) is not None:
        raise InvalidParameter(name, f"A list is sent as {name}.1, {name}.2, ... (the SDK's encoding).")
    if indexed:
        return [pair[1] for pair in sorted(indexed)]
    return None


def _ids(params: Params, name: str) -> list[int] | None:
    values = _repeated(params, name)
    if values is None:
        return None
    ids = []
    for index, raw in enumerate(values, start=1):
        try:
            ids.append(int(raw.strip()))
        except ValueError:
            # The ids are strings in the API [SDK], so the service, not the gateway, finds this one wrong.
            raise InvalidParam(f"Expected an integer ID, got {raw!r}.", parameter=f"{name}.{index}") from None
    return list(dict.fromkeys(ids))  # the same alert twice is one alert


def _csv(params: Params, name: str) -> set[str] | None:
    raw = _str(params, name)
    return {p.strip() for p in raw.split(",") if p.strip()} if raw else None


def _json(params: Params, name: str) -> Any:
    """A JSON-string parameter; its content is the service's to check (InvalidParam), not the gateway's."""
    raw = _str(params, name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidParam(f"Not valid JSON: {exc.msg} at position {exc.pos}.", parameter=name) from None


def _time(params: Params, name: str, *, end_of_second: bool = False) -> int | None:
    raw = _str(params, name)
    if raw is None:
        return None
    try:
        moment = datetime.strptime(raw, C.TIME_FORMAT).replace(tzinfo=SERVICE_TZ)
    except ValueError:
        raise InvalidParameter(name, "Expected the format YYYY-MM-DD HH:mm:ss.") from None
    # LastTime has second precision on the wire, so an end bound covers its whole second.
    return int(moment.timestamp() * 1000) + (999 if end_of_second else 0)


def _lang(params: Params) -> str:
    return C.LANG_EN if params.get("Lang") == C.LANG_EN else C.DEFAULT_LANG


# --- the actions ----------------------------------------------------------------------------

class SasResponses:
    """Maps each supported action to a handler returning the success body (without RequestId)."""

    def __init__(self, backend: SasBackend) -> None:
        self.backend = backend
        self.handlers: dict[str, Callable[[Params], dict[str, Any]]] = {
            C.ACTION_DESCRIBE_SUSP_EVENTS: self.describe_susp_events,
            C.ACTION_DESCRIBE_SUSP_EVENT_DETAIL: self.describe_susp_event_detail,
            C.ACTION_DESCRIBE_SECURITY_EVENT_OPERATIONS: self.describe_security_event_operations,
            C.ACTION_HANDLE_SECURITY_EVENTS: self.handle_security_events,
            C.ACTION_DESCRIBE_SECURITY_EVENT_OPERATION_STATUS: self.describe_security_event_operation_status,
            C.ACTION_CREATE_SUSP_EVENT_NOTE: self.create_susp_event_note,
            C.ACTION_DESCRIBE_MONITOR_ACCOUNTS: self.describe_monitor_accounts,
            C.ACTION_DESCRIBE_SIMILAR_EVENT_SCENARIOS: self.describe_similar_event_scenarios,
            C.ACTION_CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK: self.create_similar_security_events_query_task,
            C.ACTION_DESCRIBE_SIMILAR_SECURITY_EVENTS: self.describe_similar_security_events,
            C.ACTION_HANDLE_SIMILAR_SECURITY_EVENTS: self.handle_similar_security_events,
        }

    def dispatch(self, action: str, params: Params, request_id: str) -> dict[str, Any]:
        body = self.handlers[action](params)
        return drop_none({"RequestId": request_id, **body})

    def _account(self, params: Params) -> int:
        """The account the call is about: its ResourceDirectoryAccountId (an integer [SDK]), else the caller's."""
        return self.backend.account(_int(params, C.RESOURCE_DIRECTORY_ACCOUNT_ID))

    # DescribeMonitorAccounts ----------------------------------------------------------------------
    def describe_monitor_accounts(self, params: Params) -> dict[str, Any]:
        """The member accounts, never the administrator itself [DOC: "accounts added as members"]; ids are strings,
        AddTime UNIX seconds, SasVersion a string [SDK]."""
        members = self.backend.monitor_accounts()
        return {
            "AccountIds": [str(m.uid) for m in members],
            "AccountIdInfos": [{"AccountId": str(m.uid), "AddTime": m.added_s,
                                "OperatorUid": str(self.backend.account_uid),
                                "PostBasicService": m.post_basic_service, "SasVersion": m.sas_version}
                               for m in members],
        }

    # DescribeSuspEvents ---------------------------------------------------------------------------
    def describe_susp_events(self, params: Params) -> dict[str, Any]:
        page, page_size = _page(params)
        dealed = _str(params, "Dealed")
        if dealed not in (None, "N", "Y"):
            raise InvalidParameter("Dealed", 'Valid values: "N", "Y".')
        # Status: one code (a str in the model, no separator documented, unlike Levels [SDK]); 0 = all.
        status = _int(params, "Status")
        if status is not None and status not in C.STATUS_FILTER_VALUES:
            raise InvalidParameter("Status", f"Valid values: {', '.join(map(str, C.STATUS_FILTER_VALUES))}.")
        statuses = {status} if status not in (None, C.STATUS_ALL) else None
        alert_id = _int(params, "Id")
        account = self._account(params)
        if dealed is None and status is None and self.backend.readings.id_lookup == "some":
            # Reading id_lookup=some: a listing, or a lookup by Id, with neither Dealed nor Status sees the
            # pending alerts only; Dealed=Y or Status=0 ("All") find the others.
            dealed = "N"
        sort_column, sort_type = _str(params, "SortColumn"), _str(params, "SortType")
        if sort_column is not None and sort_column not in C.SORT_COLUMNS:
            raise InvalidParameter("SortColumn", f"Valid values: {', '.join(C.SORT_COLUMNS)}.")
        if sort_type is not None and sort_type not in C.SORT_TYPES:
            raise InvalidParameter("SortType", f"Valid values: {', '.join(C.SORT_TYPES)}.")
        query = AlertQuery(
            account=account, dealed=dealed, statuses=statuses or None, levels=_csv(params, "Levels"),
            uuids=_csv(params, "Uuids"),
            remark=_str(params, "Remark"), name=_str(params, "Name"),
            alarm_unique_info=_str(params, "AlarmUniqueInfo"), unique_info=_str(params, "UniqueInfo"),
            alert_id=alert_id,
            last_time_start_ms=_time(params, "TimeStart"),
            last_time_end_ms=_time(params, "TimeEnd", end_of_second=True),
            operate_time_start_ms=_int(params, "OperateTimeStart"), operate_time_end_ms=_int(params, "OperateTimeEnd"),
            parent_event_types=_csv(params, "ParentEventTypes"), event_names=_csv(params, "EventNames"),
            cluster_id=_str(params, "ClusterId"),
            assets_types=set(_repeated(params, "AssetsTypeList") or ()) or None,
            operate_error_codes=set(_repeated(params, "OperateErrorCodeList") or ()) or None,
            tactic_id=_str(params, "TacticId"), sort_column=sort_column, sort_type=sort_type,
        )
        alerts, total = self.backend.list_alerts(query, page, page_size)
        lang = _lang(params)
        return {
            "TotalCount": total,
            "CurrentPage": page,
            "PageSize": page_size,
            "Count": len(alerts),
            "SuspEvents": [self.susp_event(a, lang) for a in alerts],
        }

    def susp_event(self, a: Alert, lang: str) -> dict[str, Any]:
        name = catalog.localized((a.name.en, a.name.zh), lang)
        type_name = catalog.localized((a.type.en, a.type.zh), lang)
        tactic = catalog.TACTICS[a.name.tactic]
        host, box = a.host, a.container or {}
        return {
            "Advanced": False,
            "AlarmEventName": name,
            "AlarmEventNameDisplay": name,
            "AlarmEventType": type_name,
            "AlarmEventTypeDisplay": type_name,
            "AlarmUniqueInfo": a.alarm_unique_info,
            "AppName": box.get("app_name"),
            "AutoBreaking": a.name.type_key == "precise_defense",
            "CanBeDealOnLine": a.can_be_deal_on_line,
            "CanCancelFault": a.status == C.STATUS_FALSE_POSITIVE,
            "ContainHwMode": False,
            "ContainerId": box.get("container_id"),
            "ContainerImageId": box.get("image_id"),
            "ContainerImageName": box.get("image"),
            "DataSource": DATA_SOURCE,
            "Desc": catalog.localized((a.name.desc_en, a.name.desc_zh), lang),
            "Details": [{"NameDisplay": catalog.localized(catalog.DETAIL_FIELDS[k], lang), "Type": "text",
                         "Value": v, "ValueDisplay": v} for k, v in a.details],
            "DisplaySandboxResult": False,
            "EventNotes": [{"Note": n.text, "NoteId": n.id, "NoteTime": format_time(n.time_ms)} for n in a.notes],
            "EventStatus": a.status,
            "EventSubType": name,
            "HasTraceInfo": a.has_trace_info,
            "Id": a.id,
            "ImageUuid": box.get("image_uuid"),
            "InstanceId": host.instance_id if host else None,
            "InstanceName": host.instance_name if host else None,
            "InternetIp": host.internet_ip if host else None,
            "IntranetIp": host.intranet_ip if host else None,
            "K8sClusterId": box.get("cluster_id"),
            "K8sClusterName": box.get("cluster_name"),
            "K8sNamespace": box.get("namespace"),
            "K8sNodeId": box.get("node_id"),
            "K8sNodeName": box.get("node_name"),
            "K8sPodName": box.get("pod_name"),
            "LargeModel": False,
            "LastTime": format_time(a.last_seen_ms),
            "LastTimeStamp": a.last_seen_ms,
            "Level": a.level,
            "MaliciousRuleStatus": "open" if a.name.type_key == "precise_defense" else None,
            "MarkList": [],
            "Name": f"{type_name}-{name}",
            "OccurrenceTime": format_time(a.first_seen_ms),
            "OccurrenceTimeStamp": a.first_seen_ms,
            "OperateErrorCode": a.operate_error_code,
            "OperateMsg": a.operate_msg,
            "OperateTime": a.operate_time_ms,
            "SaleVersion": a.sale_version,
            "SecurityEventIds": str(a.id),
            "SourceAliUid": a.account,
            "TacticItems": [{"TacticId": tactic.id,
                             "TacticDisplayName": catalog.localized((tactic.en, tactic.zh), lang)}],
            "UniqueInfo": a.unique_info,
            "Uuid": host.uuid if host else None,
            "clusterId": box.get("cluster_id"),  # sic: lower camel on the wire [SDK]
        }

    # DescribeSuspEventDetail ----------------------------------------------------------------------
    def describe_susp_event_detail(self, params: Params) -> dict[str, Any]:
        alert_id = _int(params, "SuspiciousEventId", required=True)
        if _required(params, "From") != C.FROM_SAS:
            raise InvalidParam('Set the value to "sas".', parameter="From")
        lang = _lang(params)
        a = self.backend.get_alert(alert_id, self._account(params))
        host = a.host
        return {
            "AlarmUniqueInfo": a.alarm_unique_info,
            "CanBeDealOnLine": a.can_be_deal_on_line,
            "DataSource": DATA_SOURCE,
            "Details": [{"NameDisplay": catalog.localized(catalog.DETAIL_FIELDS[k], lang), "Type": "text", "Value": v}
                        for k, v in a.details],
            "EventDesc": catalog.localized((a.name.desc_en, a.name.desc_zh), lang),
            "EventName": catalog.localized((a.name.en, a.name.zh), lang),
            "EventStatus": str(a.status),  # a string in this model [SDK]
            "EventTypeDesc": catalog.localized((a.type.en, a.type.zh), lang),
            "Id": a.id,
            "InstanceName": host.instance_name if host else None,
            "InternetIp": host.internet_ip if host else None,
            "IntranetIp": host.intranet_ip if host else None,
            "LastTime": format_time(a.last_seen_ms),
            "Level": a.level,
            "OperateErrorCode": a.operate_error_code,
            "OperateMsg": a.operate_msg,
            "SaleVersion": a.sale_version,
            "Uuid": host.uuid if host else None,
        }

    # DescribeSecurityEventOperations --------------------------------------------------------------
    def describe_security_event_operations(self, params: Params) -> dict[str, Any]:
        alert_id = _int(params, "SecurityEventId", required=True)
        lang = _lang(params)
        offers = self.backend.operations(alert_id)[1]
        result = []
        for offer in offers:
            result.append({
                "OperationCode": offer.code,
                "OperationParams": json.dumps(offer.params, separators=(",", ":")),
                "UserCanOperate": offer.user_can_operate,
                "MarkField": [{
                    "FiledName": rule.field,
                    "FiledAliasName": catalog.localized(_alias(rule.field), lang),
                    "MarkMisType": rule.operate,
                    "MarkMisValue": rule.value,
                    "Uuid": rule.uuid,
                    "SupportedMisType": list(catalog.MARK_FIELDS[rule.field].operates),
                } for rule in offer.rules],
                "MarkFieldsSource": [{
                    "FiledName": spec.name,
                    "FiledAliasName": catalog.localized((spec.alias_en, spec.alias_zh), lang),
                    "MarkMisValue": value,
                    "SupportedMisType": list(spec.operates),
                } for spec, value in offer.mark_fields],
                "MappingMarkFields": [],
            })
        return {"SecurityEventOperationsResponse": result}

    # HandleSecurityEvents -------------------------------------------------------------------------
    def handle_security_events(self, params: Params) -> dict[str, Any]:
        _required(params, "OperationCode")  # named before the ids, as the gateway checks in the model's order
        alert_ids = _ids(params, "SecurityEventIds")
        if not alert_ids:
            raise MissingParameter("SecurityEventIds")
        if len(alert_ids) > C.MAX_HANDLE_EVENT_IDS:
            raise InvalidParameter("SecurityEventIds",
                                   f"At most {C.MAX_HANDLE_EVENT_IDS} IDs per request, got {len(alert_ids)}.")
        mark_batch = _str(params, "MarkBatch")
        if mark_batch is not None and mark_batch not in ("true", "false"):
            raise InvalidParam('Valid values: "true", "false".', parameter="MarkBatch")
        task = self.backend.handle(self._handle_request(params, alert_ids))
        return {"HandleSecurityEventsResponse": {"TaskId": task.id}}

    def _handle_request(self, params: Params, alert_ids: list[int]) -> HandleRequest:
        """What HandleSecurityEvents and HandleSimilarSecurityEvents share: the operation, its parameters, the
        whitelist rules, the remark and the account, checked."""
        operation = _required(params, "OperationCode")
        # OperationParams and MarkMissParam are optional strings to the gateway; what they must hold is
        # the service's business (InvalidParam).
        op_params = _json(params, "OperationParams")
        if op_params is None:
            if operation in (C.OP_BLOCK_IP, C.OP_KILL_AND_QUARA, C.OP_VIRUS_QUARA, C.OP_VIRUS_QUARA_BIN):
                raise InvalidParam(f"{operation} needs OperationParams.", parameter="OperationParams")
            op_params = {}
        if not isinstance(op_params, dict):
            raise InvalidParam("Must be a JSON object.", parameter="OperationParams")
        mark_rules = _json(params, "MarkMissParam")
        if isinstance(mark_rules, dict):  # HandleSimilarSecurityEvents documents a single object
            mark_rules = [mark_rules]
        if mark_rules is not None and not isinstance(mark_rules, list):
            raise InvalidParam("Must be a JSON array of rule objects.", parameter="MarkMissParam")
        return HandleRequest(operation, alert_ids, op_params, mark_rules, _str(params, "Remark"),
                             account=self._account(params))

    # DescribeSimilarEventScenarios ----------------------------------------------------------------
    def describe_similar_event_scenarios(self, params: Params) -> dict[str, Any]:
        alert_id = _int(params, "SecurityEventId", required=True)
        return {"Scenarios": [{"Code": code} for code in self.backend.similar_scenarios(alert_id)]}

    # CreateSimilarSecurityEventsQueryTask ---------------------------------------------------------
    def create_similar_security_events_query_task(self, params: Params) -> dict[str, Any]:
        alert_id = _int(params, "SecurityEventId", required=True)
        scenario = _str(params, "SimilarEventScenarioCode") or C.SCENARIO_DEFAULT
        if scenario not in SCENARIO_DETAIL_KEYS:
            raise InvalidParam(f"Valid values: {', '.join(SCENARIO_DETAIL_KEYS)}.",
                               parameter="SimilarEventScenarioCode")
        token = _str(params, "ClientToken")
        if token is not None and (len(token) > C.MAX_CLIENT_TOKEN_LENGTH or not token.isascii()):
            raise InvalidParameter("ClientToken", f"At most {C.MAX_CLIENT_TOKEN_LENGTH} ASCII characters.")
        dry_run = (_str(params, "DryRun") or "false").lower()  # the SDK sends a bool as "True" [RUN]
        if dry_run not in ("true", "false"):
            raise InvalidParameter("DryRun", 'Valid values: "true", "false".')
        account = self._account(params)
        if dry_run == "true":
            self.backend.get_alert(alert_id, account)  # checked as the real call would be, and nothing created
            raise DryRunOperation()
        query = self.backend.create_similar_query(alert_id, scenario, account, token)
        return {"CreateSimilarSecurityEventsQueryTaskResponse": {"TaskId": query.id, "Status": query.status}}

    # DescribeSimilarSecurityEvents ----------------------------------------------------------------
    def describe_similar_security_events(self, params: Params) -> dict[str, Any]:
        task_id = _int(params, "TaskId", required=True)
        page, page_size = _page(params)
        lang = _lang(params)
        alerts, total = self.backend.similar_page(task_id, page, page_size)
        return {
            "PageInfo": {"Count": len(alerts), "CurrentPage": page, "PageSize": page_size, "TotalCount": total},
            "SecurityEventsResponse": [{
                "EventName": catalog.localized((a.name.en, a.name.zh), lang),
                "EventType": catalog.localized((a.type.en, a.type.zh), lang),
                "LastTime": a.last_seen_ms,  # milliseconds here, a string in DescribeSuspEvents [SDK]
                "OccurrenceTime": a.first_seen_ms,
                "SecurityEventId": a.id,
                "Uuid": a.host.uuid if a.host else None,
            } for a in alerts],
        }

    # HandleSimilarSecurityEvents ------------------------------------------------------------------
    def handle_similar_security_events(self, params: Params) -> dict[str, Any]:
        task_id = _int(params, "TaskId", required=True)
        self.backend.handle_similar(task_id, self._handle_request(params, []))
        return {}  # RequestId only [SDK]

    # DescribeSecurityEventOperationStatus ---------------------------------------------------------
    def describe_security_event_operation_status(self, params: Params) -> dict[str, Any]:
        task_id = _int(params, "TaskId")
        alert_ids = _ids(params, "SecurityEventIds")
        if self.backend.readings.status_call == "both_required":
            # Reading both_required: the zh page and the SDK comments mark both "required".
            if task_id is None:
                raise MissingParameter("TaskId")
            if not alert_ids:
                raise MissingParameter("SecurityEventIds")
        if task_id is None and not alert_ids:
            raise IllegalParam("Specify TaskId or SecurityEventIds.")
        task_status, events = self.backend.operation_status(task_id, alert_ids)
        return {"SecurityEventOperationStatusResponse": {
            "TaskStatus": task_status,
            "SecurityEventOperationStatuses": [
                {"SecurityEventId": str(e.alert_id), "Status": e.status, "ErrorCode": e.error_code or None}
                for e in events],
        }}

    # CreateSuspEventNote ---------------------------------------------------------------------------
    def create_susp_event_note(self, params: Params) -> dict[str, Any]:
        alert_id = _int(params, "EventId", required=True)
        note = _required(params, "Note")  # an empty Note is a missing one, as for any required parameter [GUESS]
        account = self._account(params)
        if len(note) > C.MAX_NOTE_LENGTH:  # the gateway checks the metadata, which gives no length: the service
            raise InvalidParam(f"At most {C.MAX_NOTE_LENGTH} characters, got {len(note)}.", parameter="Note")
        self.backend.add_note(alert_id, note, account)
        return {"Success": True, "Code": C.NOTE_SUCCESS_CODE, "Message": C.NOTE_SUCCESS_MESSAGE,
                "HttpStatusCode": 200}


def _page(params: Params) -> tuple[int, int]:
    """CurrentPage and PageSize (default 1 and 20); PageSize above 100 is refused."""
    page = _int(params, "CurrentPage", minimum=1) or C.DEFAULT_CURRENT_PAGE
    page_size = _int(params, "PageSize", minimum=1) or C.DEFAULT_PAGE_SIZE
    if page_size > C.MAX_PAGE_SIZE:
        # [GUESS] an error, not a silent clamp: a client that asks for 200 must learn it gets 100.
        raise InvalidParameter("PageSize", f"The maximum value is {C.MAX_PAGE_SIZE}.")
    return page, page_size


def refusal_body(error: SasError, request_id: str) -> dict[str, Any]:
    """A refusal as CreateSuspEventNote may answer it (reading note_refusal=in_body): HTTP 200, Success false, the
    error's code, message and HTTP status in the body, the fields of its success body [SDK]."""
    return {"RequestId": request_id, "Success": False, "Code": error.code, "Message": error.full_message,
            "HttpStatusCode": error.status}


def _alias(field: str) -> tuple[str, str]:
    spec = catalog.MARK_FIELDS[field]
    return spec.alias_en, spec.alias_zh
