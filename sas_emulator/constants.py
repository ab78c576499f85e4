"""Values that come from the SAS 2018-12-03 API, each named once with its source.

Sources are API names and tags: [DOC] the page of that API in Alibaba Cloud's API reference for
Security Center 2018-12-03, [SDK] the official Python SDK, [3P] third-party material, [GUESS]
an inference (the collection's plugins/module_utils/service_facts.py says more).
"""

from __future__ import annotations

# --- Wire [SDK] -----------------------------------------------------------------------------------
API_VERSION = "2018-12-03"
# HostId of error bodies: the service endpoint ([GUESS]: tds.aliyuncs.com).
HOST_ID = "tds.aliyuncs.com"
# Error bodies carry a troubleshoot link like the example of Alibaba Cloud's API error diagnosis page [DOC].
RECOMMEND_URL = "https://api.alibabacloud.com/troubleshoot?intl_lang=EN_US&q={code}&product=Sas&requestId={request_id}"
JSON_CONTENT_TYPE = "application/json;charset=utf-8"

ACTION_DESCRIBE_SUSP_EVENTS = "DescribeSuspEvents"
ACTION_DESCRIBE_SUSP_EVENT_DETAIL = "DescribeSuspEventDetail"
ACTION_DESCRIBE_SECURITY_EVENT_OPERATIONS = "DescribeSecurityEventOperations"
ACTION_HANDLE_SECURITY_EVENTS = "HandleSecurityEvents"
ACTION_DESCRIBE_SECURITY_EVENT_OPERATION_STATUS = "DescribeSecurityEventOperationStatus"
ACTION_CREATE_SUSP_EVENT_NOTE = "CreateSuspEventNote"
ACTION_DESCRIBE_MONITOR_ACCOUNTS = "DescribeMonitorAccounts"
ACTION_DESCRIBE_SIMILAR_EVENT_SCENARIOS = "DescribeSimilarEventScenarios"
ACTION_CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK = "CreateSimilarSecurityEventsQueryTask"
ACTION_DESCRIBE_SIMILAR_SECURITY_EVENTS = "DescribeSimilarSecurityEvents"
ACTION_HANDLE_SIMILAR_SECURITY_EVENTS = "HandleSimilarSecurityEvents"
SUPPORTED_ACTIONS = (
    ACTION_DESCRIBE_SUSP_EVENTS,
    ACTION_DESCRIBE_SUSP_EVENT_DETAIL,
    ACTION_DESCRIBE_SECURITY_EVENT_OPERATIONS,
    ACTION_HANDLE_SECURITY_EVENTS,
    ACTION_DESCRIBE_SECURITY_EVENT_OPERATION_STATUS,
    ACTION_CREATE_SUSP_EVENT_NOTE,
    ACTION_DESCRIBE_MONITOR_ACCOUNTS,
    ACTION_DESCRIBE_SIMILAR_EVENT_SCENARIOS,
    ACTION_CREATE_SIMILAR_SECURITY_EVENTS_QUERY_TASK,
    ACTION_DESCRIBE_SIMILAR_SECURITY_EVENTS,
    ACTION_HANDLE_SIMILAR_SECURITY_EVENTS,
)
# The parameter that names the member account a call is about, on the APIs whose SDK request model has it.
RESOURCE_DIRECTORY_ACCOUNT_ID = "ResourceDirectoryAccountId"

# --- Signature (ACS3-HMAC-SHA256, Alibaba Cloud's signature method V3 [DOC][SDK]) -----------------
SIGNATURE_ALGORITHM = "ACS3-HMAC-SHA256"
# Real algorithms the SDK can select [SDK] that this emulator answers with an error.
UNSUPPORTED_SIGNATURE_ALGORITHMS = ("ACS3-HMAC-SM3", "ACS3-RSA-SHA256")
ACS_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# POP rejects requests whose timestamp is more than 15 minutes off the server clock.
MAX_CLOCK_SKEW_SECONDS = 15 * 60
# A nonce may be used once within the timestamp window.
NONCE_TTL_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS
EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# --- EventStatus (DescribeSuspEvents Status) ------------------------------------------------------
STATUS_ALL = 0  # request filter only
STATUS_PENDING = 1
STATUS_IGNORED = 2
STATUS_CONFIRMED = 4
STATUS_FALSE_POSITIVE = 8  # whitelisted / marked as false positive
STATUS_PROCESSING = 16
STATUS_HANDLED = 32
STATUS_EXPIRED = 64
STATUS_DELETED = 128
STATUS_AUTO_BLOCKING = 512
STATUS_AUTO_BLOCKED = 513
STATUS_SYSTEM_FALSE_POSITIVE = 604
# DescribeSuspEvents Status filter: one of these codes (a single value, not a list [SDK comment]); 0 = all.
STATUS_FILTER_VALUES = (
    STATUS_ALL, STATUS_PENDING, STATUS_IGNORED, STATUS_CONFIRMED, STATUS_FALSE_POSITIVE, STATUS_PROCESSING,
    STATUS_HANDLED, STATUS_EXPIRED, STATUS_DELETED, STATUS_AUTO_BLOCKING, STATUS_AUTO_BLOCKED,
)
EVENT_STATUSES = (
    STATUS_PENDING, STATUS_IGNORED, STATUS_CONFIRMED, STATUS_FALSE_POSITIVE, STATUS_PROCESSING,
    STATUS_HANDLED, STATUS_EXPIRED, STATUS_DELETED, STATUS_AUTO_BLOCKING, STATUS_AUTO_BLOCKED,
    STATUS_SYSTEM_FALSE_POSITIVE,
)

# --- Levels (DescribeSuspEvents Levels) -----------------------------------------------------------
LEVEL_SERIOUS = "serious"
LEVEL_SUSPICIOUS = "suspicious"
LEVEL_REMIND = "remind"
LEVELS = (LEVEL_SERIOUS, LEVEL_SUSPICIOUS, LEVEL_REMIND)

LANG_ZH = "zh"
LANG_EN = "en"
DEFAULT_LANG = LANG_ZH  # DescribeSuspEvents Lang: "Default value: zh"
FROM_SAS = "sas"

# --- Paging (DescribeSuspEvents: PageSize default 20, max 100; CurrentPage default 1) -------------
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
DEFAULT_CURRENT_PAGE = 1
# Time filters / LastTime strings (DescribeSuspEvents); the service answers in Beijing time [GUESS].
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SERVICE_UTC_OFFSET_HOURS = 8

# DescribeSuspEvents sorting with Dealed=Y (SortColumn / SortType) [SDK].
SORT_COLUMN_LAST_TIME = "lastTime"
SORT_COLUMN_OPERATE_TIME = "operateTime"
SORT_COLUMNS = (SORT_COLUMN_LAST_TIME, SORT_COLUMN_OPERATE_TIME)
SORT_TYPES = ("asc", "desc")

# --- HandleSecurityEvents (OperationCode, OperationParams, MarkMissParam) -------------------------
# [3P] skill "Batch limit": at most 20 alerts per HandleSecurityEvents call.
MAX_HANDLE_EVENT_IDS = 20

OP_BLOCK_IP = "block_ip"
OP_ADVANCE_MARK_MIS_INFO = "advance_mark_mis_info"
OP_MARK_MIS_INFO = "mark_mis_info"
OP_RM_MARK_MIS_INFO = "rm_mark_mis_info"
OP_DEFENSE_MARK_MIS_INFO = "defense_mark_mis_info"
OP_RM_DEFENSE_MARK_MIS_INFO = "rm_defense_mark_mis_info"
OP_IGNORE = "ignore"
OP_MANUAL_HANDLED = "manual_handled"
OP_CANCEL_MANUAL = "cancle_manual"  # sic: the API's spelling [SDK]
OP_OFFLINE_HANDLED = "offline_handled"
OP_KILL_PROCESS = "kill_process"
OP_CLEANUP = "cleanup"
OP_KILL_AND_QUARA = "kill_and_quara"
OP_QUARA = "quara"
OP_VIRUS_QUARA = "virus_quara"
OP_VIRUS_QUARA_BIN = "virus_quara_bin"
OP_DISABLE_MALICIOUS_DEFENSE = "disable_malicious_defense"
OP_CLIENT_PROBLEM_CHECK = "client_problem_check"
OP_STOP_CONTAINER = "stop_container"  # [3P only]
OP_KILL_CONTAINER_PROCESS = "kill_container_process"  # [3P only]

# subOperation values ([DOC zh] HandleSecurityEvents page).
SUB_OP_QUARA_FILE = "quaraFileByMd5andPath"
SUB_OP_KILL_AND_QUARA_BY_PID = "killAndQuaraFileByPidAndMd5andPath"
SUB_OP_KILL_ONLY = "killByMd5andPath"
SUB_OP_KILL_AND_QUARA = "killAndQuaraFileByMd5andPath"
SUB_OP_KILL_CONTAINER_BY_PID = "killProcessByPidandPathandCmdline"
SUB_OP_KILL_CONTAINER_BY_MD5 = "killContainerProcessByMd5AndPath"
KILL_AND_QUARA_SUB_OPERATIONS = (
    SUB_OP_QUARA_FILE, SUB_OP_KILL_AND_QUARA_BY_PID, SUB_OP_KILL_ONLY, SUB_OP_KILL_AND_QUARA,
    SUB_OP_KILL_CONTAINER_BY_PID, SUB_OP_KILL_CONTAINER_BY_MD5,
)
# The two kill_and_quara values of the [3P] skill and the SDK's HandleSimilarSecurityEvents comment
# (reading kill_and_quara_sub_operations=two; the six above are the zh page's, reading six).
KILL_AND_QUARA_SUB_OPERATIONS_TWO = (SUB_OP_KILL_ONLY, SUB_OP_KILL_AND_QUARA)
# Sub-operations of kill_and_quara that need the process to be alive (quarantine-only does not).
KILLING_SUB_OPERATIONS = tuple(s for s in KILL_AND_QUARA_SUB_OPERATIONS if s != SUB_OP_QUARA_FILE)
VIRUS_QUARA_SUB_OPERATIONS = (SUB_OP_QUARA_FILE,)
# The operations that take a subOperation, and its values; the others take none.
SUB_OPERATIONS = {
    OP_KILL_AND_QUARA: KILL_AND_QUARA_SUB_OPERATIONS,
    OP_VIRUS_QUARA: VIRUS_QUARA_SUB_OPERATIONS,
    OP_VIRUS_QUARA_BIN: VIRUS_QUARA_SUB_OPERATIONS,
}
# Operations that act on a server (reading final_status=processing leaves their alerts at 16).
HOST_OPERATIONS = frozenset({
    OP_BLOCK_IP, OP_KILL_AND_QUARA, OP_VIRUS_QUARA, OP_VIRUS_QUARA_BIN, OP_QUARA, OP_KILL_PROCESS, OP_CLEANUP,
    OP_STOP_CONTAINER, OP_KILL_CONTAINER_PROCESS, OP_DISABLE_MALICIOUS_DEFENSE,
})

# Whitelist rule operators (MarkMissParam operate); inIpSegment only for IP fields [3P].
MARK_OPERATE_CONTAINS = "contains"
MARK_OPERATE_NOT_CONTAINS = "notContains"
MARK_OPERATE_REGEX = "regex"
MARK_OPERATE_EQUAL = "strEqual"
MARK_OPERATE_NOT_EQUAL = "strNotEqual"
MARK_OPERATE_IN_IP_SEGMENT = "inIpSegment"
STRING_MARK_OPERATES = (
    MARK_OPERATE_CONTAINS, MARK_OPERATE_NOT_CONTAINS, MARK_OPERATE_REGEX, MARK_OPERATE_EQUAL,
    MARK_OPERATE_NOT_EQUAL,
)
IP_MARK_OPERATES = STRING_MARK_OPERATES + (MARK_OPERATE_IN_IP_SEGMENT,)
# MarkMissParam "uuid": part = current asset, ALL = all assets.
MARK_SCOPE_PART = "part"
MARK_SCOPE_ALL = "ALL"

# --- Handling task status (DescribeSecurityEventOperationStatus) ----------------------------------
TASK_PENDING = "Pending"  # queued, not started (reading queue_ms); per alert it is still "Processing" [SDK]
TASK_PROCESSING = "Processing"
TASK_SUCCESS = "Success"
TASK_FAILURE = "Failure"  # TaskStatus spelling
EVENT_PROCESSING = "Processing"
EVENT_SUCCESS = "Success"
EVENT_FAILED = "Failed"  # per-event Status spelling
# Per-event ErrorCode suffixes: "<OperationCode>.<Result>" ([DOC] + [3P]).
RESULT_SUCCESS = "Success"
RESULT_AGENT_OFFLINE = "AgentOffline"
RESULT_PROCESS_NOT_EXIST = "ProcessNotExist"
RESULT_FAILURE = "Failure"  # [GUESS] no specific cause: a purged alert, the chaos event_failed_rate

# --- CreateSuspEventNote -------------------------------------------------------------------------
# The longest Note stored [GUESS]: the API page gives no limit; it is the collection's own (sas_alert_handle note).
MAX_NOTE_LENGTH = 500
# The success body's Code and Message, as the API page's example has them: Code "200", and a Message that reads like
# an error (sic) [DOC]. A client must read Success, never Message.
NOTE_SUCCESS_CODE = "200"
NOTE_SUCCESS_MESSAGE = "There was an error with your request."
# The first NoteId (EventNotes); ids count up for the life of the emulator, as task ids do [GUESS].
FIRST_NOTE_ID = 1000001

# --- Similar alerts (DescribeSimilarEventScenarios, CreateSimilarSecurityEventsQueryTask) [SDK] ----------------------
SCENARIO_DEFAULT = "default"  # same alerting type
SCENARIO_SAME_IP = "same_ip"
SCENARIO_SAME_FILE_CONTENT = "same_file_content"
SCENARIO_SAME_URL = "same_url"
# CreateSimilarSecurityEventsQueryTask Status values the emulator plays (of New, RetrievingData, DataRetrieved,
# Processing, Success, Failed, PartialFailed [SDK]).
SIMILAR_TASK_NEW = "New"
SIMILAR_TASK_SUCCESS = "Success"
# The first id of a similar-events query task; they count up for the life of the emulator [GUESS].
FIRST_SIMILAR_TASK_ID = 59000001
# ClientToken: "only ASCII characters and cannot exceed 64 characters" [SDK].
MAX_CLIENT_TOKEN_LENGTH = 64

# --- QPS (the quota page) -------------------------------------------------------------------------
# [GUESS] 10 calls per second per API per account; --qps sets the emulator's bucket.
DOCUMENTED_QPS_GUESS = 10
