# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whitelist rules of advance_mark_mis_info: checks, and the merge that keeps existing rules.

The service replaces an alert's whole rule list with MarkMissParam (HandleSecurityEvents [3P]),
so the alert's existing MarkField rules always go first in what is sent.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Dict, Iterable, List

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import OptionError, check_text

# MarkMissParam operate values; inIpSegment only for IP fields [3P] (the alert's SupportedMisType says which).
IN_IP_SEGMENT = "inIpSegment"
REGEX = "regex"
STR_EQUAL = "strEqual"
RULE_OPERATES = ("contains", "notContains", REGEX, STR_EQUAL, "strNotEqual", IN_IP_SEGMENT)
# MarkMissParam uuid: ALL = every asset, part = the alert's own asset.
SCOPE_ALL = "ALL"
SCOPE_PART = "part"
RULE_SCOPES = {"all": SCOPE_ALL, "part": SCOPE_PART}

WireRule = Dict[str, str]


def check_rules(rules: Iterable[Dict[str, Any]]) -> List[WireRule]:
    """The whitelist_rules option as MarkMissParam entries; OptionError names the first bad rule."""
    checked: List[WireRule] = []
    for index, rule in enumerate(rules):
        where = "whitelist_rules[%d]" % index
        field = str(rule.get("field") or "").strip()
        value = "" if rule.get("value") is None else str(rule["value"])
        operate = rule.get("operate")
        scope = rule.get("scope") or "part"
        if not field:
            raise OptionError("%s.field is empty: give a field the alert offers (sas_alert_operations_info "
                              "lists them under mark_fields_source)" % where)
        if operate not in RULE_OPERATES:
            raise OptionError("%s.operate=%r is not valid: use one of %s" % (where, operate, ", ".join(RULE_OPERATES)))
        if scope not in RULE_SCOPES:
            raise OptionError("%s.scope=%r is not valid: use all or part" % (where, scope))
        if not value.strip():
            raise OptionError("%s.value is empty: give the value to match" % where)
        check_text(where + ".field", field)
        check_text(where + ".value", value)
        if operate == REGEX:
            try:
                re.compile(value)
            except re.error as exc:
                raise OptionError("%s.value %r is not a valid regular expression: %s" % (where, value, exc)) from None
        if operate == IN_IP_SEGMENT:
            try:
                ipaddress.ip_network(value.strip(), strict=False)
            except ValueError:
                raise OptionError("%s.value %r is not an IP segment: use a CIDR such as 192.0.2.0/24 or one "
                                  "address" % (where, value)) from None
        checked.append(wire_rule(RULE_SCOPES[scope], field, operate, value))
    return checked


def wire_rule(uuid: str, field: str, operate: str, value: str) -> WireRule:
    """One MarkMissParam entry, keys in the order of the documented example."""
    return {"uuid": uuid, "field": field, "operate": operate, "fieldValue": value}


def rule_problems(rules: List[WireRule], mark_fields_source: List[Dict[str, Any]]) -> List[str]:
    """Why rules do not fit an alert whose MarkFieldsSource (snake_case) is mark_fields_source."""
    supported = {source.get("filed_name"): source.get("supported_mis_type") or [] for source in mark_fields_source}
    problems = []
    for rule in rules:
        field, operate = rule["field"], rule["operate"]
        if field not in supported:
            problems.append("field %r is not one of its whitelist fields (%s)"
                            % (field, ", ".join(sorted(name for name in supported if name)) or "none"))
        elif supported[field] and operate not in supported[field]:
            problems.append("operate %r is not supported for field %r (use %s)"
                            % (operate, field, ", ".join(supported[field])))
    return problems


def existing_rules(mark_field: List[Dict[str, Any]]) -> List[WireRule]:
    """The alert's current rules (MarkField, snake_case) as MarkMissParam entries."""
    rules = []
    for rule in mark_field:
        if not rule.get("filed_name") or rule.get("mark_mis_value") is None:
            continue
        # MarkField.Uuid is ALL or the asset's own UUID, which MarkMissParam calls part.
        scope = SCOPE_ALL if rule.get("uuid") == SCOPE_ALL else SCOPE_PART
        rules.append(wire_rule(scope, rule["filed_name"], rule.get("mark_mis_type") or STR_EQUAL,
                               str(rule["mark_mis_value"])))
    return rules


def merge_rules(existing: List[WireRule], new: List[WireRule]) -> List[WireRule]:
    """existing, then each new rule not already there: nothing the team set before is lost."""
    merged: List[WireRule] = []
    seen = set()
    for rule in list(existing) + list(new):
        key = (rule["uuid"], rule["field"], rule["operate"], rule["fieldValue"])
        if key not in seen:
            seen.add(key)
            merged.append(rule)
    return merged


def mark_miss_param(rules: List[WireRule]) -> str:
    """MarkMissParam: a JSON array string, compact like the example of the HandleSecurityEvents page."""
    return json.dumps(rules, separators=(",", ":"))
