# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan a triage: match each alert against the policy, recommend for those no rule matches, and
group what is to be handled into one sas_alert_handle call per (action, parameters)."""

from __future__ import annotations

import datetime
import json
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alibabacloud.sas.plugins.module_utils.handling import FAILED
from ansible_collections.alibabacloud.sas.plugins.module_utils.notes import MAX_NOTE_LENGTH
from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import HOST_OPERATIONS
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import MAX_REMARK_LENGTH
from ansible_collections.alibabacloud.sas.plugins.module_utils.shown import NAME_LENGTH, shown
from ansible_collections.alibabacloud.sas.plugins.module_utils.tasks import is_success_code
from ansible_collections.alibabacloud.sas.plugins.module_utils.version import COLLECTION_VERSION
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_evidence import evidence, evidence_line
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import NO_ACTION, Rule, fallback_applies

HANDLE = "handle"
EXCLUDED = "excluded"
UNMATCHED = "unmatched"
# Its last operation failed a short while ago (agent offline, process gone): not sent again before
# sas_triage_retry_failed_after has passed, so a scheduled run does not fail on the same alerts every time.
DEFERRED = "deferred"
REVIEW = "review"
FIRST_SHOWN = 5  # destructive groups show this many of their alerts in the plan
HOST_FIELDS = ("instance_name", "instance_id", "internet_ip", "intranet_ip", "uuid")
REMARK_PREFIX = "alibabacloud.sas triage: "

# The manual workflow's default action per alert type (the skill's recommend step), in order. Each
# pattern is searched in the alert's type, except a reverse shell's, whose type is only "abnormal
# process": that one goes by the alert's name. Advice for the report and the plan; it never acts.
RECOMMENDATIONS = (
    ("name", r"reverse shell|反弹\s*shell", "kill_process", {},
     "a reverse shell gives an attacker control: kill the process, then quarantine its file"),
    ("type", r"log[io]n|登录", "block_ip", {"block_duration": "7d"},
     "a logon from an unusual place: block the source IP for 7 days"),
    ("type", r"web\s*shell|网站后门", "quara", {}, "a web shell is a backdoor: quarantine the file"),
    ("type", r"malicious process|virus|恶意进程|病毒", "kill_and_quara",
     {"sub_operation": "killAndQuaraFileByMd5andPath"},
     "stop the malware and quarantine its file (virus_quara_bin if the process is already gone)"),
    ("type", r"container|k8s|kubernetes|容器", REVIEW, {},
     "container alerts are case by case: ignore only after review"),
    ("type", r"cloud|云产品", REVIEW, {}, "cloud product alerts are case by case: ignore only after review"),
)
_RECOMMENDATIONS = [(searched, re.compile(pattern, re.IGNORECASE), action, params, why)
                    for searched, pattern, action, params, why in RECOMMENDATIONS]
SEARCHED_FIELDS = {
    "type": ("alarm_event_type", "alarm_event_type_display"),
    "name": ("alarm_event_name_display", "alarm_event_name", "name"),
}


def recommend(alert: Dict[str, Any]) -> Dict[str, Any]:
    """The default action for the alert's type: {action, params, why}; action review means a person decides."""
    texts = {searched: " | ".join(str(alert[field]) for field in fields if alert.get(field))
             for searched, fields in SEARCHED_FIELDS.items()}
    for searched, pattern, action, params, why in _RECOMMENDATIONS:
        if pattern.search(texts[searched]):
            return {"action": action, "params": dict(params), "why": why}
    return {"action": REVIEW, "params": {}, "why": "no default for this type: review it in the console"}


def describe_action(action: Optional[str], params: Optional[Dict[str, Any]] = None) -> str:
    """block_ip (block_duration=7d): an action and its parameters in one line of text."""
    if not action:
        return "-"
    shown = ["%s=%s" % (key, value) for key, value in sorted((params or {}).items())
             if key not in ("whitelist_rules", "remark")]
    if (params or {}).get("whitelist_rules"):
        shown.append("%d whitelist rules" % len(params["whitelist_rules"]))
    return "%s (%s)" % (action, ", ".join(shown)) if shown else action


def alert_summary(alert: Dict[str, Any]) -> Dict[str, Any]:
    """What the plan and the report keep of an alert."""
    return {
        "id": alert.get("id"),
        "name": alert.get("alarm_event_name_display") or alert.get("name"),
        "type": alert.get("alarm_event_type_display") or alert.get("alarm_event_type"),
        "level": alert.get("level"),
        "status": alert.get("status"),
        "last_time": alert.get("last_time"),
        "host": {field: alert.get(field) for field in HOST_FIELDS},
        "evidence": evidence(alert),
    }


def host_name_ip(host: Dict[str, Any]) -> Tuple[Any, Any]:
    """What names an alert's host for a person: its name (else its instance id, else its uuid) and its IP (public
    first); raw values, for the caller to show escaped in its own form."""
    return (host.get("instance_name") or host.get("instance_id") or host.get("uuid"),
            host.get("internet_ip") or host.get("intranet_ip"))


def host_label(host: Dict[str, Any]) -> str:
    """The host of an alert on one line, for a person: its name (or id) and its IP, each shown escaped."""
    name, ip = host_name_ip(host)
    label = shown(name, limit=NAME_LENGTH) if name else "no host"
    return "%s (%s)" % (label, shown(ip, limit=NAME_LENGTH)) if ip else label


def default_remark(rule_names: List[str]) -> str:
    """The remark of a write whose rules give none: the rules that chose it, within the service's limit."""
    return naming_rules(REMARK_PREFIX, rule_names, "", MAX_REMARK_LENGTH)


def console_note(rule_names: List[str], action: str, started_at: Optional[str], fallback_of: List[str] = ()) -> str:
    """The note an alert the run handled gets in the console: the collection, the rules, the action and the run."""
    action_text = "%s, the fallback after %s failed" % (action, "/".join(fallback_of)) if fallback_of else action
    prefix = "alibabacloud.sas %s triage run of %s: rule " % (COLLECTION_VERSION, started_at or "unknown time")
    return naming_rules(prefix, rule_names, ", action %s" % action_text, MAX_NOTE_LENGTH)


def naming_rules(prefix: str, rule_names: List[str], suffix: str, limit: int) -> str:
    """prefix + the rule names joined + suffix, within limit characters.

    Rules that share an action and its params share one write, so their names are joined; past the limit
    the last ones are counted instead of named (a text the module would refuse must never be planned).
    """
    named = list(rule_names)
    while True:
        more = len(rule_names) - len(named)
        counted_more = " and %d more %s" % (more, "rule" if more == 1 else "rules") if more else ""
        text = prefix + ", ".join(named) + counted_more + suffix
        if len(text) <= limit or len(named) == 1:
            return text[:limit]
        named.pop()


def group_key(action: str, params: Dict[str, Any]) -> str:
    return action + " " + json.dumps(params, sort_keys=True, separators=(",", ":"))


def plan_triage(alerts: List[Dict[str, Any]], rules: List[Rule], retry_failed_after: int = 0,
                now_ms: Optional[int] = None, started_at: Optional[str] = None) -> Dict[str, Any]:
    """The per-alert plan, the handling groups, counts and the lines to show a person.

    retry_failed_after: seconds during which an alert whose last operation failed is deferred (0: never).
    started_at: when the run started (UTC), named in each group's console note."""
    if not isinstance(alerts, list):
        raise ValueError("triage_plan takes a list of alerts (sas_alert_info's alerts), got %s"
                         % type(alerts).__name__)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    active = [rule for rule in rules if rule.enabled]
    entries, groups, seen = [], {}, set()
    for alert in alerts:
        if alert.get("id") in seen:
            continue  # one alert, one entry: listings of several types can overlap
        seen.add(alert.get("id"))
        rule = next((rule for rule in active if rule.matches(alert)), None)
        entry = alert_summary(alert)
        entry["recommended"] = recommend(alert)
        entry["deferred"] = None
        if rule is None:
            entry.update(rule=None, action=None, params={}, fallback=None, disposition=UNMATCHED)
        else:
            entry.update(rule=rule.name, action=rule.action, params=rule.params, fallback=rule.fallback,
                         disposition=EXCLUDED if rule.action == NO_ACTION else HANDLE)
        if entry["disposition"] == HANDLE:
            entry["deferred"] = recent_failure(alert, retry_failed_after, now_ms)
            if entry["deferred"]:
                entry["disposition"] = DEFERRED
            else:
                add_to_group(groups, rule.action, rule.params, rule.name, entry["id"])
        entries.append(entry)
    plan = {"alerts": entries, "groups": finish_groups(groups, started_at), "counts": _counts(entries),
            "retry_failed_after": retry_failed_after, "started_at": started_at}
    plan["destructive"] = _destructive(entries, plan["groups"])
    plan["lines"] = plan_lines(plan, rules)
    return plan


def add_to_group(groups: Dict[str, Dict[str, Any]], action: str, params: Dict[str, Any], rule: str,
                 alert_id: Any, **extra: Any) -> Dict[str, Any]:
    """The alert into the group of its action and params (one group of a sas_alert_handle call each); the group."""
    group = groups.setdefault(group_key(action, params), dict({
        "action": action,
        "params": params,
        "rules": [],
        "alert_ids": [],
        "destructive": action in HOST_OPERATIONS,
    }, **extra))
    if rule not in group["rules"]:
        group["rules"].append(rule)
    group["alert_ids"].append(alert_id)
    return group


def finish_groups(groups: Dict[str, Dict[str, Any]], started_at: Optional[str]) -> List[Dict[str, Any]]:
    """The groups with the remark their write carries and the note each alert it handles gets in the console."""
    for group in groups.values():
        group["remark"] = group["params"].get("remark") or default_remark(group["rules"])
        group["note"] = console_note(group["rules"], group["action"], started_at, group.get("fallback_of", ()))
    return list(groups.values())


def recent_failure(alert: Dict[str, Any], retry_failed_after: int, now_ms: int) -> Optional[Dict[str, Any]]:
    """{error_code, failed_at, retry_after} when the alert's last operation, as the service shows it on the alert
    (OperateErrorCode, OperateTime), failed less than retry_failed_after seconds ago; else None."""
    code, at = alert.get("operate_error_code"), _millis(alert.get("operate_time"))
    if not retry_failed_after or not code or is_success_code(str(code)) or at is None:
        return None
    retry_at = at + retry_failed_after * 1000
    if now_ms >= retry_at:
        return None
    return {"error_code": str(code), "failed_at": utc_text(at), "retry_after": utc_text(retry_at)}


def _millis(value: Any) -> Optional[int]:
    """OperateTime: epoch milliseconds [SDK]; a number given as text is taken too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def utc_text(millis: int) -> str:
    return datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fallback_groups(plan: Dict[str, Any], handled: Optional[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """The groups of the rules' fallbacks: each alert whose write failed with a result code its rule's fallback
    names, grouped by the fallback's action and params (one sas_alert_handle call each), in the same run."""
    by_id = {entry["id"]: entry for entry in plan["alerts"] if entry.get("fallback")}
    groups: Dict[str, Dict[str, Any]] = {}
    for call in handled or []:
        for result in call.get("results") or []:
            entry = by_id.get(result.get("id"))
            if entry is None or result.get("outcome") != FAILED \
                    or not fallback_applies(entry["fallback"], result.get("error_code")):
                continue
            fallback = entry["fallback"]
            group = add_to_group(groups, fallback["action"], fallback["params"], entry["rule"], entry["id"],
                                 fallback_of=[])
            if entry["action"] not in group["fallback_of"]:
                group["fallback_of"].append(entry["action"])
    return finish_groups(groups, plan.get("started_at"))


def _counts(entries: List[Dict[str, Any]]) -> Dict[str, Any]:
    by_rule: Dict[str, int] = {}
    by_action: Dict[str, int] = {}
    recommended: Dict[str, int] = {}
    for entry in entries:
        if entry["rule"] is not None:
            by_rule[entry["rule"]] = by_rule.get(entry["rule"], 0) + 1
        if entry["disposition"] == HANDLE:
            by_action[entry["action"]] = by_action.get(entry["action"], 0) + 1
        if entry["disposition"] == UNMATCHED:
            label = describe_action(entry["recommended"]["action"], entry["recommended"]["params"])
            recommended[label] = recommended.get(label, 0) + 1
    dispositions = [entry["disposition"] for entry in entries]
    return {
        "listed": len(entries),
        "to_handle": dispositions.count(HANDLE),
        "deferred": dispositions.count(DEFERRED),
        "excluded": dispositions.count(EXCLUDED),
        "unmatched": dispositions.count(UNMATCHED),
        "destructive": sum(1 for entry in entries if entry["disposition"] == HANDLE
                           and entry["action"] in HOST_OPERATIONS),
        "by_rule": by_rule,
        "by_action": by_action,
        "unmatched_recommended": recommended,
    }


def _destructive(entries: List[Dict[str, Any]], groups: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    by_id = {entry["id"]: entry for entry in entries}
    found = []
    for group in groups:
        if not group["destructive"]:
            continue
        first = [by_id[alert_id] for alert_id in group["alert_ids"][:FIRST_SHOWN]]
        found.append({
            "action": shown(describe_action(group["action"], group["params"])),
            "rules": group["rules"],
            "count": len(group["alert_ids"]),
            "first": [alert_line(entry) for entry in first],
        })
    return found


def alert_line(entry: Dict[str, Any]) -> str:
    """One planned alert on one line, for a person: its id, its name, its host and its evidence (what the write
    acts on: the host's own IP is not the source IP a block blocks), each shown escaped."""
    return "%s %s on %s: %s" % (shown(entry["id"]), shown(entry["name"], limit=NAME_LENGTH),
                                host_label(entry["host"]), evidence_line(entry["evidence"]))


def counted(count: int, noun: str) -> str:
    """1 alert, 2 alerts: a count and its noun (nouns in -s here all take a plain s)."""
    return "%d %s%s" % (count, noun, "" if count == 1 else "s")


def describe_rule(rule: Rule) -> str:
    """block_ip (block_duration=7d); kill_and_quara (...), on ProcessNotExist virus_quara_bin."""
    text = describe_action(rule.action, rule.params)
    if rule.fallback:
        text += ", on %s %s" % ("/".join(rule.fallback["on"]),
                                describe_action(rule.fallback["action"], rule.fallback["params"]))
    return text


def plan_lines(plan: Dict[str, Any], rules: List[Rule]) -> List[str]:
    """The plan as a person reads it before saying yes; every value in it shown escaped, on its line."""
    counts = plan["counts"]
    lines = ["%s listed: %d to handle (%d on hosts: block, kill, quarantine...), %d deferred, %d left alone by a "
             "rule, %d matched by no rule" % (counted(counts["listed"], "alert"), counts["to_handle"],
                                              counts["destructive"], counts["deferred"], counts["excluded"],
                                              counts["unmatched"])]
    for rule in rules:
        if not rule.enabled:
            lines.append("  rule %s: disabled" % shown(rule.name))
        else:  # 0 included: a rule that matches nothing is seen
            lines.append("  rule %s: %d -> %s" % (shown(rule.name), counts["by_rule"].get(rule.name, 0),
                                                  shown(describe_rule(rule))))
    for group in plan["destructive"]:
        lines.append("ON HOSTS: %s x %d (rule %s)" % (group["action"], group["count"],
                                                      ", ".join(shown(rule) for rule in group["rules"])))
        more = group["count"] - len(group["first"])
        lines.extend("    %s" % line for line in group["first"])
        if more > 0:
            lines.append("    ... and %d more" % more)
    lines.extend(_deferred_lines(plan))
    if counts["unmatched"]:
        recommended = ", ".join("%s x %d" % (shown(label), count)
                                for label, count in counts["unmatched_recommended"].items())
        lines.append("No rule matched %s; left alone. Recommended: %s"
                     % (counted(counts["unmatched"], "alert"), recommended))
    return lines


def _deferred_lines(plan: Dict[str, Any]) -> List[str]:
    deferred = [entry for entry in plan["alerts"] if entry["disposition"] == DEFERRED]
    if not deferred:
        return []
    lines = ["Deferred, not sent: %s whose last operation failed less than %s ago (sas_triage_retry_failed_after)"
             % (counted(len(deferred), "alert"), duration_text(plan["retry_failed_after"]))]
    lines.extend("    %s %s: %s at %s, again after %s" % (
        shown(entry["id"]), shown(entry["name"], limit=NAME_LENGTH), shown(entry["deferred"]["error_code"]),
        entry["deferred"]["failed_at"], entry["deferred"]["retry_after"]) for entry in deferred[:FIRST_SHOWN])
    if len(deferred) > FIRST_SHOWN:
        lines.append("    ... and %d more" % (len(deferred) - FIRST_SHOWN))
    return lines


def duration_text(seconds: int) -> str:
    """6h, 90m, 2d: the largest unit that divides the seconds."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return "%d%s" % (seconds // size, unit)
    return "%ds" % seconds
