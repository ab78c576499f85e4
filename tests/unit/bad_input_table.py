# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input table: inputs a hostile or careless user gives the modules, the role and the policy,
each with a fragment of the message it must get, and valid controls beside them.

test_bad_input.py runs every row against the in-process emulator (a real SDK connection, so a row
that wrongly passes the checks would really write) and asserts: a message naming the field, no
Python traceback, and zero HandleSecurityEvents calls - no call at all unless the row says `reads`.
docs/bad-input.md is generated from this table and the messages the rows get (make bad-input-doc).

Rows name emulator alerts by role (Ref) rather than by id, so the table reads the same whatever the data.
"""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional, Tuple


class Ref(NamedTuple):
    """An alert id (or ids) the runner picks from the emulator's data: PENDING, UNKNOWN, ..."""

    name: str

    def __repr__(self) -> str:
        return "<%s>" % self.name


PENDING = Ref("a pending alert")
HANDLED = Ref("a handled alert")
WHITELISTABLE = Ref("a pending alert that takes advance_mark_mis_info")
FALSE_POSITIVE = Ref("a whitelisted alert")
UNKNOWN = Ref("an id the service does not know")
MANY_UNKNOWN = Ref("10,000 ids the service does not know")
UNKNOWN_TASK = Ref("a task id the service does not know")
EMULATOR = Ref("the emulator's endpoint")

# What a row plants at the audit trail's path ($HOME/audit.jsonl) before the run.
AUDIT_FIFO = Ref("a FIFO")
AUDIT_SYMLINK = Ref("a symlink to another file")
AUDIT_DANGLING = Ref("a symlink to nowhere")
AUDIT_HARDLINK = Ref("a hard link to another file")
AUDIT_0644 = Ref("a file of mode 0644")
AUDIT_PATHS = (AUDIT_FIFO, AUDIT_SYMLINK, AUDIT_DANGLING, AUDIT_HARDLINK, AUDIT_0644)

# Targets beside the four modules.
POLICY = "policy"  # sas_triage_rules, checked by the triage_policy filter before any call
ROLE = "role"      # the role's variables, checked by its meta/argument_specs.yml as Ansible does

# The kinds of input the issue names, in the order docs/bad-input.md shows them.
CLASSES = (
    ("types", "Wrong types"),
    ("ranges", "Numbers out of range"),
    ("unknown", "Unknown values and options"),
    ("lists", "Empty and huge lists"),
    ("ids", "Ids that do not exist"),
    ("text", "Unicode, control characters and injection-looking strings"),
    ("whitelist", "Whitelist rules with bad fields, regexes or IPs"),
    ("expiry", "Past or absurd expiry times and durations"),
    ("conflicts", "Conflicting options"),
    ("endpoints", "Bad endpoints"),
    ("credentials", "Wrong or empty secrets, profiles and the aliyun CLI file"),
    ("times", "Bad time windows"),
    ("policy", "Malformed policies"),
    ("role", "Bad role variables"),
    ("policy-file", "Policy files that are not only data"),
    ("regex", "Regular expressions that could run for ever on an attacker's text"),
    ("audit", "Audit trails that could be redirected or stalled"),
)

MALFORMED_CONFIG = '{"current": "default", "profiles": [{"name": "default", "mode": "AK",'  # cut short


class Case(NamedTuple):
    """One row. expect: a fragment of the failure message, or None for a valid control that must succeed."""

    id: str
    kind: str  # one of CLASSES
    target: str  # a module name, POLICY or ROLE
    args: Dict[str, Any]
    expect: Optional[str]
    reads: bool = False  # the input can only be judged after reading the service (never after a write)
    connection: bool = True  # add the emulator's endpoint and keys to args
    home: Tuple[Tuple[str, str], ...] = ()  # files written under $HOME first: (relative path, content)
    # role rows run with $HOME as the working directory, as ansible-playbook run from there
    outcome: Optional[str] = None  # a control of sas_alert_handle: the outcome every alert must end in


HANDLE = "sas_alert_handle"
INFO = "sas_alert_info"
OPS = "sas_alert_operations_info"
TASK = "sas_alert_task_info"
IGNORE = {"operation": "ignore"}
BLOCK = {"operation": "block_ip", "alert_ids": [PENDING]}
RULE = {"field": "loginSourceIp", "operate": "strEqual", "value": "192.0.2.7"}


def handle(**args: Any) -> Dict[str, Any]:
    return dict({"alert_ids": [PENDING]}, **args)


def whitelist(**rule: Any) -> Dict[str, Any]:
    return {"operation": "advance_mark_mis_info", "alert_ids": [WHITELISTABLE], "whitelist_rules": [dict(RULE, **rule)]}


def policy_file(text: str, path: str = "policy.yml", **variables: Any) -> Dict[str, Any]:
    """A role row's args and home: its policy is the file at path (under $HOME, the working directory)."""
    return {"args": dict(variables, sas_triage_policy_file=path), "home": ((path, text),)}


def policy_rule(**fields: Any) -> Dict[str, Any]:
    rule = {"name": "block-logons", "match": {"alarm_event_type": "Unusual logon"}, "action": "block_ip",
            "params": {"block_duration": "7d"}}
    rule.update(fields)
    return {"sas_triage_rules": [rule]}


POLICY_FILE = "sas_triage_rules:\n  - {name: ignore-reminders, match: {level: remind}, action: ignore}\n"
# nine levels of ten aliases each: a few hundred bytes that stand for a billion values
BILLION_LAUGHS = "\n".join(["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
    "a%d: &a%d [%s]" % (level, level, ", ".join(["*a%d" % (level - 1)] * 10)) for level in range(1, 9)]) + "\n"


CASES: Tuple[Case, ...] = (
    # --- types ---------------------------------------------------------------------------------
    Case("alert_ids-not-int", "types", INFO, {"alert_ids": ["seven"]}, "option 'alert_ids' is of type str"),
    Case("wait_timeout-not-number", "types", HANDLE, handle(wait_timeout="soon", **IGNORE),
         "argument 'wait_timeout' is of type str"),
    Case("force-not-bool", "types", HANDLE, handle(force="maybe", **IGNORE),
         "argument 'force' is of type str"),
    Case("operation_params-not-dict", "types", HANDLE, dict(BLOCK, operation_params="expire=tomorrow"),
         "operation_params"),
    Case("whitelist_rules-not-list-of-dicts", "types", HANDLE,
         {"operation": "advance_mark_mis_info", "alert_ids": [WHITELISTABLE], "whitelist_rules": ["loginSourceIp"]},
         "option 'whitelist_rules' is of type str"),
    Case("task_id-not-int", "types", TASK, {"task_id": "latest", "alert_ids": [PENDING]},
         "argument 'task_id' is of type str"),
    Case("control-ignore", "types", HANDLE, handle(**IGNORE), None, outcome="handled"),
    # --- ranges --------------------------------------------------------------------------------
    Case("concurrency-0", "ranges", OPS, {"alert_ids": [PENDING], "concurrency": 0},
         "concurrency must be between 1 and 32, got 0"),
    Case("concurrency-1000", "ranges", HANDLE, handle(concurrency=1000, **IGNORE),
         "concurrency must be between 1 and 32, got 1000"),
    Case("max_results-0", "ranges", INFO, {"max_results": 0}, "max_results must be at least 1"),
    Case("wait_timeout-0", "ranges", HANDLE, handle(wait_timeout=0, **IGNORE),
         "wait_timeout must be a positive number"),
    Case("wait_timeout-nan", "ranges", HANDLE, handle(wait_timeout="nan", **IGNORE),
         "wait_timeout must be a finite number of seconds above 0, got nan"),
    Case("poll_interval-inf", "ranges", HANDLE, handle(poll_interval="inf", **IGNORE),
         "poll_interval must be a finite number of seconds above 0, got inf"),
    Case("rate_limit-nan", "ranges", INFO, {"rate_limit": "nan"},
         "rate_limit must be a finite number of calls a second"),
    Case("rate_limit-negative", "ranges", INFO, {"rate_limit": -1}, "rate_limit must be 0 (no pacing) or a positive"),
    Case("resource_directory_account_id-0", "ranges", INFO, {"resource_directory_account_id": 0},
         "resource_directory_account_id must be an account id (an integer from 1 to 2^63-1), got 0"),
    Case("resource_directory_account_id-text", "types", INFO, {"resource_directory_account_id": "member-1"},
         "resource_directory_account_id"),
    Case("read_timeout-0", "ranges", INFO, {"read_timeout": 0}, "read_timeout must be a positive number of seconds"),
    Case("read_timeout-a-nanosecond", "ranges", INFO, {"read_timeout": 1e-9}, "read_timeout"),
    Case("alert_ids-0", "ranges", HANDLE, handle(alert_ids=[0], **IGNORE),
         "alert_ids must hold alert ids (integers from 1 to 2^63-1), got 0"),
    Case("alert_ids-beyond-int64", "ranges", OPS, {"alert_ids": [2 ** 63]},
         "alert_ids must hold alert ids (integers from 1 to 2^63-1), got 9223372036854775808"),
    Case("task_id-beyond-int64", "ranges", TASK, {"task_id": 2 ** 64, "alert_ids": [PENDING]},
         "task_id must be a task id (an integer from 1 to 2^63-1)"),
    Case("control-concurrency-32", "ranges", OPS, {"alert_ids": [PENDING], "concurrency": 32}, None),
    # --- unknown values and options ------------------------------------------------------------
    Case("operation-unknown", "unknown", HANDLE, handle(operation="delete_alert"),
         "value of operation must be one of: block_ip"),
    Case("operation-refused", "unknown", HANDLE, handle(operation="client_problem_check"),
         "operation=client_problem_check is refused"),
    Case("sub_operation-unknown", "unknown", HANDLE, handle(operation="kill_and_quara", sub_operation="killEverything"),
         "sub_operation='killEverything' is not valid for operation=kill_and_quara"),
    Case("levels-unknown", "unknown", INFO, {"levels": ["urgent"]}, "value of levels must be one or more of"),
    Case("status-unknown", "unknown", INFO, {"status": "open"}, "value of status must be one of"),
    Case("lang-unknown", "unknown", OPS, {"alert_ids": [PENDING], "lang": "fr"},
         "value of lang must be one of: en, zh"),
    Case("option-misspelt", "unknown", HANDLE, dict(handle(**IGNORE), remarks="typo"),
         "Unsupported parameters for (basic.py) module: remarks"),
    Case("operation_params-unknown-key", "unknown", HANDLE,
         handle(operation="ignore", operation_params={"reason": "x"}),
         "operation_params.reason is not a parameter of operation=ignore; it takes none"),
    Case("operation_params-key-of-another-operation", "unknown", HANDLE,
         handle(operation="kill_and_quara", operation_params={"subOperation": "killByMd5andPath", "expireTime": 1}),
         "operation_params.expireTime is not a parameter of operation=kill_and_quara; it takes subOperation"),
    Case("control-operation_params-subOperation", "unknown", HANDLE,
         handle(operation="kill_and_quara", operation_params={"subOperation": "killByMd5andPath"}), None,
         outcome=None),
    # --- empty and huge lists ------------------------------------------------------------------
    Case("levels-empty", "lists", INFO, {"levels": []}, "levels=[] is empty, which would select every alert"),
    Case("uuids-empty-string", "lists", INFO, {"uuids": [""]}, "uuids=[''] is empty"),
    Case("alert_types-empty-string", "lists", INFO, {"alert_types": [""]}, "alert_types=[''] is empty"),
    Case("name-empty", "lists", INFO, {"name": ""}, "name='' is empty"),
    Case("whitelist_rules-empty", "lists", HANDLE,
         {"operation": "advance_mark_mis_info", "alert_ids": [WHITELISTABLE], "whitelist_rules": []},
         "whitelist_rules=[] holds no rule"),
    Case("control-alert_ids-empty", "lists", HANDLE, {"alert_ids": [], "operation": "block_ip", "block_duration": "1d"},
         None, outcome="none"),
    Case("control-10000-unknown-ids", "lists", HANDLE, handle(alert_ids=[MANY_UNKNOWN], **IGNORE), None,
         reads=True, outcome="not_found"),
    # --- ids that do not exist -----------------------------------------------------------------
    Case("control-unknown-id-handle", "ids", HANDLE, handle(alert_ids=[UNKNOWN, PENDING], **IGNORE), None, reads=True),
    Case("control-unknown-id-info", "ids", INFO, {"alert_ids": [UNKNOWN]}, None, reads=True),
    Case("control-unknown-id-operations", "ids", OPS, {"alert_ids": [UNKNOWN]}, None, reads=True),
    Case("unknown-task-id", "ids", TASK, {"task_id": UNKNOWN_TASK, "alert_ids": [PENDING]}, "check task_id",
         reads=True),
    # --- text ----------------------------------------------------------------------------------
    Case("remark-nul", "text", HANDLE, handle(remark="done\x00rm -rf /", **IGNORE),
         "remark holds the character U+0000"),
    Case("remark-bidi-override", "text", HANDLE, handle(remark="ok \u202egpj.exe", **IGNORE),
         "remark holds the character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    Case("remark-newline", "text", HANDLE, handle(remark="ok\n[INFO] all clear", **IGNORE),
         "remark holds the character U+000A"),
    Case("remark-100000-chars", "text", HANDLE, handle(remark="x" * 100000, **IGNORE),
         "remark is 100000 characters long: at most 500 are allowed"),
    # issue 18, point 7: the note every handled alert gets in the console, checked like the remark
    Case("note-empty", "text", HANDLE, handle(note="", **IGNORE),
         "note is empty: give the text of the note, or leave note out to add none"),
    Case("note-bidi-override", "text", HANDLE, handle(note="handled \u202egpj.exe", **IGNORE),
         "note holds the character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    Case("note-newline", "text", HANDLE, handle(note="handled\n[INFO] all clear", **IGNORE),
         "note holds the character U+000A"),
    Case("note-100000-chars", "text", HANDLE, handle(note="x" * 100000, **IGNORE),
         "note is 100000 characters long: at most 500 are allowed"),
    Case("whitelist-value-zero-width", "text", HANDLE, whitelist(value="192.0.2.7\u200b"),
         "whitelist_rules[0].value holds the character U+200B (ZERO WIDTH SPACE)"),
    Case("whitelist-value-100000-chars", "text", HANDLE, whitelist(operate="contains", value="a" * 100000),
         "whitelist_rules[0].value is 100000 characters long: at most 1000 are allowed"),
    Case("name-escape-sequence", "text", INFO, {"name": "\x1b[31mweb-01"}, "name holds the character U+001B"),
    Case("uuids-bidi", "text", INFO, {"uuids": ["inst-1\u2066"]}, "uuids[0] holds the character U+2066"),
    Case("control-name-sql-looking", "text", INFO, {"name": "'; DROP TABLE alerts; --"}, None),
    Case("control-remark-and-note-chinese", "text", HANDLE,
         handle(remark="已人工处理 - SOC", note="已由 alibabacloud.sas 处理", **IGNORE), None, outcome="handled"),
    # --- whitelist rules -----------------------------------------------------------------------
    Case("whitelist-regex-invalid", "whitelist", HANDLE, whitelist(operate="regex", value="([0-9"),
         "whitelist_rules[0].value '([0-9' is not a valid regular expression"),
    Case("whitelist-operate-unknown", "whitelist", HANDLE, whitelist(operate="equals"),
         "value of operate must be one of"),
    Case("whitelist-scope-unknown", "whitelist", HANDLE, whitelist(scope="everywhere"),
         "value of scope must be one of: all, part"),
    Case("whitelist-value-empty", "whitelist", HANDLE, whitelist(value=" "), "whitelist_rules[0].value is empty"),
    Case("whitelist-ip-segment-bad-prefix", "whitelist", HANDLE, whitelist(operate="inIpSegment", value="192.0.2.0/33"),
         "whitelist_rules[0].value '192.0.2.0/33' is not an IP segment"),
    Case("whitelist-ip-segment-not-an-ip", "whitelist", HANDLE, whitelist(operate="inIpSegment", value="300.1.2.3"),
         "whitelist_rules[0].value '300.1.2.3' is not an IP segment"),
    Case("whitelist-field-not-offered", "whitelist", HANDLE, whitelist(field="md5"),
         "field 'md5' is not one of its whitelist fields", reads=True),
    Case("control-whitelist-ip-segment", "whitelist", HANDLE, whitelist(operate="inIpSegment", value="192.0.2.0/24"),
         None, reads=True),
    # --- expiry --------------------------------------------------------------------------------
    Case("block_duration-99999d", "expiry", HANDLE, dict(BLOCK, block_duration="99999d"),
         "block_duration='99999d' is longer than 30 days"),
    Case("block_duration-0m", "expiry", HANDLE, dict(BLOCK, block_duration="0m"),
         "block_duration='0m' is not a duration"),
    Case("block_duration-weeks", "expiry", HANDLE, dict(BLOCK, block_duration="2w"),
         "block_duration='2w' is not a duration"),
    Case("expire_time-past", "expiry", HANDLE, dict(BLOCK, expire_time="2020-01-01T00:00:00Z"), "is in the past"),
    Case("expire_time-year-9999", "expiry", HANDLE, dict(BLOCK, expire_time="9999-12-31T23:59:59Z"),
         "is more than 30 days from now"),
    Case("expire_time-not-iso", "expiry", HANDLE, dict(BLOCK, expire_time="next friday"), "is not an ISO 8601 time"),
    Case("expireTime-beyond-int64", "expiry", HANDLE, dict(BLOCK, operation_params={"expireTime": 2 ** 64}),
         "operation_params.expireTime must be a time in epoch milliseconds within the next 30 days"),
    Case("expireTime-bool", "expiry", HANDLE, dict(BLOCK, operation_params={"expireTime": True}),
         "operation_params.expireTime must be a time in epoch milliseconds within the next 30 days"),
    Case("control-block_duration-30d", "expiry", HANDLE, dict(BLOCK, block_duration="30d"), None),
    # --- conflicts -----------------------------------------------------------------------------
    Case("block_duration-and-expire_time", "conflicts", HANDLE,
         dict(BLOCK, block_duration="1d", expire_time="2030-01-01T00:00:00Z"),
         "mutually exclusive: block_duration|expire_time"),
    Case("block_duration-for-ignore", "conflicts", HANDLE, handle(block_duration="1d", **IGNORE),
         "block_duration is only for operation=block_ip, not operation=ignore"),
    Case("whitelist_rules-for-ignore", "conflicts", HANDLE, handle(whitelist_rules=[RULE], **IGNORE),
         "whitelist_rules is only for operation=advance_mark_mis_info"),
    Case("undo-without-force", "conflicts", HANDLE, {"operation": "rm_mark_mis_info", "alert_ids": [FALSE_POSITIVE]},
         "operation=rm_mark_mis_info undoes handling"),
    Case("access_key-and-alias-differ", "conflicts", INFO, {"alicloud_access_key": "otherAccessKeyId"},
         "access_key and its alias alicloud_access_key are both set, to different values"),
    Case("audit_context-without-audit_log", "conflicts", HANDLE, handle(audit_context={"job": "1"}, **IGNORE),
         "missing parameter(s) required by 'audit_context': audit_log"),
    Case("control-undo-with-force", "conflicts", HANDLE,
         {"operation": "rm_mark_mis_info", "alert_ids": [FALSE_POSITIVE], "force": True}, None),
    # --- endpoints -----------------------------------------------------------------------------
    Case("endpoint-ftp", "endpoints", INFO, {"endpoint": "ftp://127.0.0.1:21"},
         "endpoint 'ftp://127.0.0.1:21' is not valid"),
    Case("endpoint-port-0", "endpoints", INFO, {"endpoint": "http://127.0.0.1:0"}, "port must be 1-65535"),
    Case("endpoint-port-70000", "endpoints", INFO, {"endpoint": "http://127.0.0.1:70000"}, "port must be 1-65535"),
    Case("endpoint-with-password", "endpoints", INFO, {"endpoint": "http://admin:hunter22@127.0.0.1:1"},
         "endpoint must not hold credentials"),
    Case("no-region-no-endpoint", "endpoints", INFO, {"access_key": "unitAccessKeyId", "secret_key": "unit-Secret"},
         "region is required (or endpoint)", connection=False),
    # --- credentials ---------------------------------------------------------------------------
    Case("secret_key-wrong", "credentials", INFO, {"secret_key": "not-the-secret"}, "check secret_key", reads=True),
    Case("access_key-unknown", "credentials", HANDLE, handle(access_key="someoneElsesKey", **IGNORE),
         "check access_key", reads=True),
    Case("keys-empty", "credentials", INFO, {"endpoint": EMULATOR, "access_key": "", "secret_key": ""},
         "No usable Alibaba Cloud credentials", connection=False),
    Case("access_key-without-secret", "credentials", INFO, {"endpoint": EMULATOR, "access_key": "testAK"},
         "secret_key is missing", connection=False),
    Case("security_token-without-keys", "credentials", INFO, {"endpoint": EMULATOR, "security_token": "token-value"},
         "security_token is set but access_key/secret_key are not", connection=False),
    Case("keys-and-profile", "credentials", INFO, {"profile": "default"},
         "access_key/secret_key and profile are both set"),
    Case("profile-unknown", "credentials", INFO, {"endpoint": EMULATOR, "profile": "prod"},
         "profile 'prod' is not in", connection=False,
         home=((".aliyun/config.json", '{"current": "default", "profiles": [{"name": "default", "mode": "AK", '
                                       '"access_key_id": "testAK", "access_key_secret": "testSecret"}]}'),)),
    Case("config-json-malformed", "credentials", INFO, {"endpoint": EMULATOR, "profile": "default"},
         "cannot read", connection=False, home=((".aliyun/config.json", MALFORMED_CONFIG),)),
    Case("control-profile", "credentials", INFO, {"endpoint": EMULATOR, "profile": "default"}, None, connection=False,
         home=((".aliyun/config.json", '{"current": "default", "profiles": [{"name": "default", "mode": "AK", '
                                       '"access_key_id": "testAK", "access_key_secret": "testSecret"}]}'),)),
    # --- time windows --------------------------------------------------------------------------
    Case("time_start-not-a-time", "times", INFO, {"time_start": "yesterday"}, "time_start='yesterday' is not a time"),
    Case("time_end-month-13", "times", INFO, {"time_end": "2026-13-01"}, "time_end='2026-13-01' is not a time"),
    Case("time_start-after-time_end", "times", INFO, {"time_start": "2026-11-02", "time_end": "2026-11-01 08:00:00"},
         "time_start (2026-11-02) is after time_end"),
    Case("time_end-blank", "times", INFO, {"time_end": " "}, "time_end=' ' is empty"),
    Case("control-one-whole-day", "times", INFO, {"time_start": "2026-11-01", "time_end": "2026-11-01"}, None),
    Case("time_start-offset-25h", "times", INFO, {"time_start": "2026-12-01T00:00:00+25:00"},
         "time_start='2026-12-01T00:00:00+25:00' is not a time"),
    Case("control-iso-8601-with-offsets", "times", INFO,
         {"time_start": "2026-11-30T16:00:00Z", "time_end": "2026-12-01T08:00:00+08:00"}, None),
    # --- policy --------------------------------------------------------------------------------
    Case("policy-unknown-action", "policy", POLICY, policy_rule(action="block"), "unknown action 'block'"),
    Case("policy-undo-action", "policy", POLICY, policy_rule(action="rm_mark_mis_info", params={}),
         "action rm_mark_mis_info undoes handling"),
    Case("policy-bad-regex", "policy", POLICY, policy_rule(match={"instance_name_regex": "(web"}),
         "match.instance_name_regex '(web' is not a regular expression RE2 accepts: missing )"),
    Case("policy-match-not-a-field", "policy", POLICY, policy_rule(match={"severity": "serious"}),
         "match key 'severity' is not an alert field"),
    Case("policy-fallback-without-on", "policy", POLICY, policy_rule(fallback={"action": "virus_quara_bin"}),
         "rule 'block-logons': fallback.on must be a non-empty list of result codes"),
    Case("policy-fallback-repeats-the-action", "policy", POLICY,
         policy_rule(fallback={"action": "block_ip", "params": {"block_duration": "7d"}, "on": ["Failure"]}),
         "rule 'block-logons': fallback repeats the rule's own action and params"),
    Case("control-policy-fallback", "policy", POLICY,
         policy_rule(fallback={"action": "block_ip", "params": {"block_duration": "1d"}, "on": ["Failure"]}), None),
    Case("policy-details-not-a-mapping", "policy", POLICY, policy_rule(match={"details": "root"}),
         "rule 'block-logons': match.details must be a mapping from a detail's displayed name"),
    Case("control-policy-details-by-name", "policy", POLICY,
         policy_rule(match={"details": {"Logon user": ["root", "admin"]},
                            "details_regex": {"Logon source IP": "^198[.]51[.]"}}), None),
    Case("policy-param-not-taken", "policy", POLICY, policy_rule(params={"block_duration": "1d", "force": True}),
         "action block_ip does not take 'force'"),
    Case("policy-block-99999d", "policy", POLICY, policy_rule(params={"block_duration": "99999d"}),
         "block_duration='99999d' is longer than 30 days"),
    Case("policy-remark-bidi", "policy", POLICY, policy_rule(params={"block_duration": "1d", "remark": "a\u202eb"}),
         "params.remark holds the character U+202E"),
    Case("policy-name-newline", "policy", POLICY, policy_rule(name="block\nall"),
         "rule #1 name holds the character U+000A"),
    Case("policy-whitelist-regex", "policy", POLICY,
         policy_rule(action="advance_mark_mis_info",
                     params={"whitelist_rules": [dict(RULE, operate="regex", value="*.exe")]}),
         "whitelist_rules[0].value '*.exe' is not a valid regular expression"),
    Case("policy-level-critical", "policy", POLICY, policy_rule(match={"level": "critical"}),
         "rule 'block-logons': match.level 'critical' is not a value sas_alert_info gives; it gives serious, "
         "suspicious, remind"),
    Case("policy-unknown-status", "policy", POLICY, policy_rule(match={"status": ["pending", "open"]}),
         "match.status 'open' is not a value sas_alert_info gives"),
    Case("policy-block_duration-a-number", "policy", POLICY, policy_rule(params={"block_duration": 7}),
         "rule 'block-logons': params.block_duration must be non-empty text, got 7"),
    Case("policy-every-mistake-at-once", "policy", POLICY,
         {"sas_triage_rules": [{"name": "a", "match": {"level": "critical"}, "action": "ignore"},
                               {"name": "b", "match": {"status": "open"}, "action": "blok_ip"}]},
         "rule 'a': match.level 'critical' is not a value sas_alert_info gives; it gives serious, suspicious, remind; "
         "rule 'b': unknown action 'blok_ip'"),
    Case("control-policy", "policy", POLICY, policy_rule(), None),
    # a type the collection does not know is the service's wording at some site: a warning, not a refusal
    Case("control-policy-unknown-alert-type", "policy", POLICY,
         policy_rule(match={"alarm_event_type": "Logon from unusual place"}), None),
    # --- role ----------------------------------------------------------------------------------
    Case("role-max_actions-not-int", "role", ROLE, {"sas_triage_max_actions": "many"}, "sas_triage_max_actions"),
    Case("role-confirm-not-bool", "role", ROLE, {"sas_triage_confirm": "perhaps"}, "sas_triage_confirm"),
    Case("role-filters-unknown-level", "role", ROLE, {"sas_triage_filters": {"levels": ["urgent"]}}, "levels"),
    Case("role-connection-unknown-option", "role", ROLE, {"sas_connection": {"acess_key": "x"}}, "acess_key"),
    Case("role-rules-not-list", "role", ROLE, {"sas_triage_rules": "block everything"}, "sas_triage_rules"),
    Case("role-max_actions-true", "role", ROLE, {"sas_triage_max_actions": True},
         "sas_triage_max_actions must be a whole number, 0 or more"),
    Case("role-max_actions-negative", "role", ROLE, {"sas_triage_max_actions": -1},
         "sas_triage_max_actions must be a whole number, 0 or more"),
    Case("role-retry_failed_after-not-a-duration", "role", ROLE, {"sas_triage_retry_failed_after": "soon"},
         "sas_triage_retry_failed_after must be a duration such as 6h, 90m or 1d, or 0"),
    Case("role-lang-unknown", "role", ROLE, {"sas_triage_lang": "fr"}, "sas_triage_lang"),
    Case("role-max_actions-inf", "role", ROLE, {"sas_triage_max_actions": "inf"},
         "sas_triage_max_actions must be a whole number, 0 or more"),
    Case("role-no-policy", "role", ROLE, {"sas_triage_rules": None}, "no policy: set sas_triage_policy_file"),
    Case("role-rules-empty", "role", ROLE, {"sas_triage_rules": []}, "sas_triage_rules must be a non-empty list"),
    Case("control-role", "role", ROLE, {"sas_triage_filters": {"levels": ["serious"]}, "sas_triage_max_actions": 10},
         None),
    Case("control-role-bare-audit-file-name", "role", ROLE, {"sas_triage_audit_log": "audit.jsonl"}, None),
    Case("role-policy-file-every-mistake", "role", ROLE,
         **policy_file("sas_triage_rules:\n  - {name: crit, match: {level: critical}, action: ignore}\n"
                       "  - {name: slow, match: {level: serious}, action: block_ip, params: {block_duration: 7}}\n",
                       sas_triage_max_actions=-1),
         expect="triage policy: rule 'crit': match.level 'critical' is not a value sas_alert_info gives; it gives "
                "serious, suspicious, remind. triage policy: rule 'slow': params.block_duration must be non-empty "
                "text, got 7. sas_triage_max_actions must be a whole number"),
    # --- policy files: data, never variables or templates -----------------------------------------
    Case("policy-file-sets-confirm", "policy-file", ROLE, **policy_file(POLICY_FILE + "sas_triage_confirm: false\n"),
         expect="unknown key 'sas_triage_confirm'; a policy file sets only sas_triage_rules"),
    Case("policy-file-sets-endpoint", "policy-file", ROLE,
         **policy_file(POLICY_FILE + "sas_connection: {endpoint: 'http://203.0.113.9'}\n"),
         expect="unknown key 'sas_connection'"),
    Case("policy-file-sets-cap-and-audit", "policy-file", ROLE,
         **policy_file(POLICY_FILE + "sas_triage_max_actions: 100000\nsas_triage_audit_log: /dev/null\n"),
         expect="unknown key 'sas_triage_max_actions', 'sas_triage_audit_log'"),
    Case("policy-file-typo", "policy-file", ROLE, **policy_file(POLICY_FILE.replace("rules:", "rule:")),
         expect="unknown key 'sas_triage_rule' (did you mean sas_triage_rules?)"),
    Case("policy-file-empty", "policy-file", ROLE, **policy_file(""), expect="got an empty file"),
    Case("policy-file-rules-null", "policy-file", ROLE, **policy_file("sas_triage_rules: null\n"),
         expect="sas_triage_rules must be a non-empty list of rules, got nothing"),
    Case("policy-file-and-rules", "policy-file", ROLE,
         **policy_file(POLICY_FILE, sas_triage_rules=policy_rule()["sas_triage_rules"]),
         expect="give the policy in one place"),
    Case("policy-file-missing", "policy-file", ROLE, {"sas_triage_policy_file": "./policies/example.yml"},
         "policies/example.yml cannot be read: no such file"),
    Case("policy-file-a-directory", "policy-file", ROLE, {"sas_triage_policy_file": "."}, "is a directory"),
    Case("policy-file-not-yaml", "policy-file", ROLE, **policy_file("sas_triage_rules: [\n"),
         expect="is not valid YAML"),
    Case("policy-file-python-object", "policy-file", ROLE,
         **policy_file("sas_triage_rules: !!python/object/apply:os.system ['id']\n"), expect="is not valid YAML"),
    Case("policy-file-repeated-key", "policy-file", ROLE, **policy_file(POLICY_FILE + "sas_triage_rules: []\n"),
         expect="key 'sas_triage_rules' appears twice in one mapping (lines 1 and 3)"),
    Case("policy-file-billion-laughs", "policy-file", ROLE, **policy_file(BILLION_LAUGHS),
         expect="once its aliases are expanded, more than the 100000"),
    Case("control-policy-file-templated-name", "policy-file", ROLE, expect=None, **policy_file(
        "sas_triage_rules:\n  - {name: \"{{ lookup('pipe', 'id') }}\", match: {level: remind}, action: ignore}\n")),
    Case("control-policy-file-relative", "policy-file", ROLE, **policy_file(POLICY_FILE, "./policies/example.yml"),
         expect=None),
    # --- audit trails: no link followed, no FIFO waited on, always 0600 ----------------------------
    Case("audit_log-fifo", "audit", HANDLE, handle(audit_log=AUDIT_FIFO, **IGNORE),
         "it is a FIFO (named pipe), not a regular file"),
    Case("audit_log-symlink", "audit", HANDLE, handle(audit_log=AUDIT_SYMLINK, **IGNORE), "is a symbolic link"),
    Case("audit_log-dangling-symlink", "audit", HANDLE, handle(audit_log=AUDIT_DANGLING, **IGNORE),
         "is a symbolic link"),
    Case("audit_log-hard-link", "audit", HANDLE, handle(audit_log=AUDIT_HARDLINK, **IGNORE), "has 2 hard links"),
    Case("control-audit_log-0644", "audit", HANDLE, handle(audit_log=AUDIT_0644, **IGNORE), None,
         outcome="handled"),
    # --- regular expressions: the pattern is the user's, the text the attacker's ------------------
    Case("regex-backreference", "regex", POLICY, policy_rule(match={"instance_name_regex": r"(web)-\1"}),
         "match.instance_name_regex '(web)-\\\\1' is not a regular expression RE2 accepts"),
    Case("regex-lookahead", "regex", POLICY, policy_rule(match={"instance_name_regex": "^(?!bastion-)"}),
         "is not a regular expression RE2 accepts: invalid perl operator: (?!"),
    Case("control-regex-catastrophic-for-backtracking", "regex", POLICY,
         policy_rule(match={"instance_name_regex": "^([a-z0-9]+-?)+$"}), None),
)


# Alert text a compromised host writes (server, alert and process names): docs/bad-input.md shows how the one
# rendering function (module_utils/shown.py) shows each in a plan or log line and in a Markdown report cell.
HOSTILE_TEXT: Tuple[Tuple[str, str], ...] = (
    ("a carriage return ends a Markdown row", "web-01\r| 1 | forged | handled |"),
    ("a newline forges a line of the plan", "web-01\nON HOSTS: ignore x 0"),
    ("a pipe forges a cell", "web-01 | handled | ok"),
    ("a script tag", "<script>alert(1)</script>"),
    ("an HTML image with a handler", "<img src=x onerror=alert(1)>"),
    ("an image that calls home", "![x](https://203.0.113.9/beacon.png)"),
    ("a link", "[click](javascript:alert(1))"),
    ("a colour escape", "\x1b[31mred\x1b[0m"),
    ("a terminal title (OSC)", "\x1b]0;owned\x07web-01"),
    ("a bidi override", "web-\u202e10.0.0.1"),
    ("a line separator", "web-01\u2028forged"),
    ("a template", "{{ lookup('pipe', 'id') }}"),
)

# Requests a web page in the user's browser or a hostile client sends the shipped emulator, and the status
# it answers: (what, method, path, headers). Each is answered at once; none reads a body it announced.
EMULATOR_REQUESTS: Tuple[Tuple[str, str, str, Dict[str, str], int], ...] = (
    ("a 200 MB body announced", "POST", "/", {"Content-Length": str(200 * 1024 * 1024)}, 413),
    ("Content-Length: abc", "POST", "/", {"Content-Length": "abc"}, 400),
    ("Content-Length: 10^12", "POST", "/", {"Content-Length": "1000000000000"}, 413),
    ("a chunked body", "POST", "/", {"Transfer-Encoding": "chunked"}, 411),
    ("an unsigned API call announcing a body", "POST", "/",
     {"x-acs-action": "DescribeSuspEvents", "x-acs-version": "2018-12-03", "Content-Length": "1000"}, 400),
    ("a control call as text/plain (a page's simple POST)", "POST", "/_emulator/reset",
     {"Content-Type": "text/plain", "Content-Length": "0"}, 415),
    ("a control call from a foreign Origin", "POST", "/_emulator/reset",
     {"Content-Type": "application/json", "Content-Length": "0", "Origin": "http://evil.example"}, 403),
    ("a control call from a cross-site fetch", "GET", "/_emulator/stats", {"Sec-Fetch-Site": "cross-site"}, 403),
    ("a control call to a rebound name (DNS rebinding)", "GET", "/_emulator/stats", {"Host": "evil.example"}, 403),
)
