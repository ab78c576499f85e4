# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts of the Security Center (SAS) 2018-12-03 API, named once.

Comments in this collection (module_utils and the emulator alike) say where a fact of the service
comes from, by API name and, where it matters, a tag:

- [DOC] Alibaba Cloud's API reference for Security Center 2018-12-03: one page per API at
  https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-<name>,
  the API name in lower case (...-describesuspevents, ...-describesuspeventdetail,
  ...-describesecurityeventoperations, ...-handlesecurityevents,
  ...-describesecurityeventoperationstatus); the list of the alert APIs is ...-dir-alerts and the
  call quotas are on ...-quota. "[DOC zh]" is the Chinese page of the same API, where it says more.
- [SDK] the official Python SDK: alibabacloud-sas20181203 (its request and response models and their
  comments), alibabacloud-tea-openapi and alibabacloud-credentials, read in their source and run.
- [3P] third-party material: the alibabacloud-sas-alert-handler skill of aliyun/alibabacloud-aiops-skills,
  a published manual workflow for the aliyun CLI. Plausible, but not an API reference.
- [GUESS] an inference that no source confirms; the code is written to stay correct if it is wrong.

An untagged fact comes from the SDK or the API reference, or both.
"""

from __future__ import annotations

API_VERSION = "2018-12-03"

# DescribeSuspEvents pages hold at most 100 entries (PageSize).
MAX_PAGE_SIZE = 100
# HandleSecurityEvents takes at most 20 alert ids per call [3P].
MAX_IDS_PER_HANDLE_CALL = 20
# DescribeSuspEvents must be sent From=sas ("Set the value to sas").
FROM_SAS = "sas"

LEVELS = ("serious", "suspicious", "remind")
LANGUAGES = ("en", "zh")

# EventStatus codes (DescribeSuspEvents Status) and the names this collection returns beside them.
EVENT_STATUS_NAMES = {
    1: "pending",
    2: "ignored",
    4: "confirmed",
    8: "false_positive",
    16: "processing",
    32: "handled",
    64: "expired",
    128: "deleted",
    512: "auto_blocking",
    513: "auto_blocked",
    604: "system_false_positive",
}
PENDING_STATUS = 1
IGNORED_STATUS = 2
FALSE_POSITIVE_STATUS = 8
PROCESSING_STATUS = 16  # a handling task is running on the alert
HANDLED_STATUS = 32
EXPIRED_STATUS = 64  # the service offers no operation for it (DescribeSecurityEventOperations: an empty list)

# The DescribeSuspEvents filter (SDK names) of each `status` option: Dealed N = pending, Y = handled, and
# Status=0, the documented "All" [DOC] - a listing with neither is not documented to hold every status.
ALL_STATUSES = {"status": "0"}
STATUS_FILTERS = {"pending": {"dealed": "N"}, "handled": {"dealed": "Y"}, "all": ALL_STATUSES}


def status_name(event_status: object) -> str:
    """Name an EventStatus (int in DescribeSuspEvents, str in DescribeSuspEventDetail)."""
    try:
        code = int(event_status)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown"
    return EVENT_STATUS_NAMES.get(code, "unknown_%d" % code)


# The fields of one DescribeSuspEvents alert as sas_alert_info returns them - the SDK model's
# keys in snake_case - plus `status`, the name of event_status. A unit test checks them against the SDK.
ALERT_FIELDS = frozenset((
    "advanced", "alarm_event_name", "alarm_event_name_display", "alarm_event_type", "alarm_event_type_display",
    "alarm_unique_info", "app_name", "auto_breaking", "can_be_deal_on_line", "can_cancel_fault", "cluster_id",
    "contain_hw_mode", "container_id", "container_image_id", "container_image_name", "data_source",
    "deep_analyze_report_url", "desc", "details", "detect_source", "display_sandbox_result", "event_notes",
    "event_status", "event_sub_type", "has_trace_info", "id", "image_uuid", "instance_id", "instance_name",
    "internet_ip", "intranet_ip", "k8s_cluster_id", "k8s_cluster_name", "k8s_namespace", "k8s_node_id",
    "k8s_node_name", "k8s_pod_name", "large_model", "last_time", "last_time_stamp", "level",
    "malicious_rule_status", "mark_list", "mark_mis_rules", "name", "occurrence_time", "occurrence_time_stamp",
    "operate_error_code", "operate_msg", "operate_time", "sale_version", "security_event_ids", "source_ali_uid",
    "stages", "support_operate_code", "tactic_items", "unique_info", "uuid", "status",
))

# Every name of each alert type (DescribeSuspEvents ParentEventTypes and AlarmEventType), English first: the
# English list of the SDK's ParentEventTypes comment [SDK], the Chinese list of the zh DescribeSuspEvents page
# in the same order [DOC zh], and the two codes seen in examples, `other` (that page) and `WEBSHELL` (the C# SDK
# sample), matched to a type by their wording [GUESS]. Which of these the service takes and returns is not
# settled, so sas_alert_info compares types on its own side, under all of a type's names.
ALERT_TYPE_NAMES = (
    ("Abnormal process behavior", "进程异常行为"),
    ("Web shell", "网站后门", "WEBSHELL"),
    ("Unusual logon", "异常登录"),
    ("Abnormal events", "异常事件"),
    ("Sensitive file tampering", "敏感文件篡改"),
    ("Malicious process (cloud scan)", "恶意进程(云查杀)"),
    ("Suspicious network connection", "异常网络连接"),
    ("Abnormal accounts", "异常账号"),
    ("Application intrusion events", "应用入侵事件"),
    ("Cloud service threat detection", "云产品威胁检测"),
    ("Precise defense", "精准防御"),
    ("Application whitelist", "应用白名单"),
    ("Persistent backdoor", "持久化后门"),
    ("Web application threat detection", "Web 应用威胁检测"),
    ("Malicious scripts", "恶意脚本"),
    ("Threat intelligence", "威胁情报"),
    ("Malicious network behavior", "恶意网络行为"),
    ("Container cluster anomalies", "容器集群异常"),
    ("Web shell (local scan)", "网站后门(本地查杀)"),
    ("Vulnerability exploits", "漏洞利用"),
    ("Malicious process (local scan)", "恶意进程(本地查杀)"),
    ("Trusted exceptions", "可信异常"),
    ("Others", "其他", "other"),
)

# SasVersion, the edition of a member account in DescribeMonitorAccounts [SDK], as a name.
EDITIONS = {"0": "free", "1": "free", "2": "enterprise", "3": "enterprise", "5": "advanced", "6": "anti_virus",
            "7": "ultimate"}
