# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage policy: an ordered list of rules, checked whole before any call to the service.

A rule is {name, match, action, params, enabled, description}. `match` holds alert fields as
sas_alert_info returns them: a scalar means equal, a list means one of, a key ending in `_regex`
means a regular expression searched in that field. `details` (and `details_regex`) map a detail's
displayed name to its value(s) (or pattern): {Logon user: root}. The first enabled rule that matches decides.

The patterns are the user's but the text they search is the attacker's (a compromised host names its
own processes and files), so they run on RE2, whose matching time is linear in the text: a pattern
such as ^([a-z0-9]+-?)+$ cannot be made to backtrack for ever by a crafted server name.
"""

from __future__ import annotations

import difflib
import time
from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import (
    ADVANCE_MARK_MIS_INFO,
    OPERATION_CODES,
    REFUSED_OPERATIONS,
    UNDO_OPERATIONS,
    build_operation_params,
    friendly_options,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import MAX_REMARK_LENGTH, OptionError, check_text
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import (
    ALERT_FIELDS,
    ALERT_TYPE_NAMES,
    EVENT_STATUS_NAMES,
    LEVELS,
)
from ansible_collections.alibabacloud.sas.plugins.module_utils.whitelist import check_rules

try:
    import re2
except ImportError:  # the policy check names the package when a rule needs it
    re2 = None

# A rule whose action is this leaves the alerts it matches alone (an exclusion before wider rules).
NO_ACTION = "none"
RULE_KEYS = ("name", "match", "action", "params", "fallback", "enabled", "description")
# What a rule does for the alerts its action failed on with given result codes, in the same run.
FALLBACK_KEYS = ("action", "params", "on")
REGEX_SUFFIX = "_regex"
# The alert field matched by detail name: a list of rows {name_display, type, value, value_display}.
DETAILS = "details"
WHITELIST_RULE_KEYS = ("field", "operate", "value", "scope")
SCALARS = (str, int, float, bool)
# The params taken as text; expire_time may also be a time YAML read as one (2026-12-31T23:00:00+08:00 unquoted).
TEXT_PARAMS = ("block_duration", "sub_operation", "remark")
MAX_NAME_LENGTH = 200
# The alert fields whose every value the collection knows: any other value would match no alert.
KNOWN_VALUES = {
    "level": LEVELS,
    "status": tuple(EVENT_STATUS_NAMES.values()),
    "event_status": tuple(EVENT_STATUS_NAMES),
}
# The alert type fields: a value none of ALERT_TYPE_NAMES is only a warning, the service words them by site and
# language in ways no source lists in full.
TYPE_FIELDS = ("alarm_event_type", "alarm_event_type_display")
KNOWN_TYPES = tuple(name for names in ALERT_TYPE_NAMES for name in names)
# Operations a triage of pending alerts may plan; undo operations act on handled alerts only.
TRIAGE_ACTIONS = tuple(code for code in OPERATION_CODES if code not in UNDO_OPERATIONS) + (NO_ACTION,)


class PolicyError(ValueError):
    """A malformed policy; problems holds every mistake found, each naming its rule and field."""

    def __init__(self, problems: Any):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class Rule:
    """One checked rule; `matches` decides for one alert."""

    def __init__(self, name: str, conditions: List[tuple], action: str, params: Dict[str, Any],
                 enabled: bool, description: Optional[str], fallback: Optional[Dict[str, Any]] = None):
        self.name = name
        self.fallback = fallback  # {action, params, on: [result codes]} or None
        # (field, kind, expected): kind is equal, one_of or regex; for details, (details, name, (kind, expected))
        self.conditions = conditions
        self.action = action
        self.params = params
        self.enabled = enabled
        self.description = description

    def matches(self, alert: Dict[str, Any]) -> bool:
        return all(_condition_holds(alert.get(field), kind, expected) for field, kind, expected in self.conditions)

    def to_dict(self) -> Dict[str, Any]:
        """The rule as data again (what the triage_policy filter returns)."""
        match: Dict[str, Any] = {}
        for field, kind, expected in self.conditions:
            if field == DETAILS:
                kind, expected = expected[0], expected[1]
                key = DETAILS + REGEX_SUFFIX if kind == "regex" else DETAILS
                match.setdefault(key, {})[expected[0]] = _as_data(kind, expected[1])
            else:
                match[field + REGEX_SUFFIX if kind == "regex" else field] = _as_data(kind, expected)
        return {"name": self.name, "match": match, "action": self.action, "params": dict(self.params),
                "fallback": self.fallback, "enabled": self.enabled, "description": self.description}


def _as_data(kind: str, expected: Any) -> Any:
    return expected.pattern if kind == "regex" else expected


def _same(actual: Any, expected: Any) -> bool:
    # YAML may give 1 where the service gives "1" (or the reverse); compare as text as well.
    return actual == expected or (actual is not None and str(actual) == str(expected))


def _condition_holds(actual: Any, kind: str, expected: Any) -> bool:
    if actual is None:
        return False
    if kind == "detail":
        return _detail_holds(actual, *expected)
    if kind == "regex":
        return expected.search(actual if isinstance(actual, str) else str(actual)) is not None
    if kind == "one_of":
        return any(_same(actual, value) for value in expected)
    return _same(actual, expected)


def _detail_holds(details: Any, kind: str, named: tuple) -> bool:
    """Whether a detail row of that displayed name has a value the condition takes (its value or value_display)."""
    name, expected = named
    if not isinstance(details, list):
        return False
    for row in details:
        if isinstance(row, dict) and str(row.get("name_display") or "").strip().casefold() == name.casefold():
            values = [row.get(key) for key in ("value", "value_display") if row.get(key) not in (None, "")]
            if any(_condition_holds(value, kind, expected) for value in values):
                return True
    return False


def check_policy(rules: Any, now_ms: Optional[int] = None) -> List[Rule]:
    """Every rule checked; PolicyError names every mistake of every rule at once, each with its rule and field."""
    if rules is None:
        return []
    if not isinstance(rules, list):
        raise PolicyError("sas_triage_rules must be a list of rules, got %s" % type(rules).__name__)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    problems: List[str] = []
    checked: List[Rule] = []
    seen: Dict[str, int] = {}
    for index, raw in enumerate(rules):
        rule = _check_rule(index, raw, now_ms, problems)
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue  # _check_rule named the problem
        if name in seen:
            problems.append("rules #%d and #%d are both named %r: give each rule its own name"
                            % (seen[name] + 1, index + 1, name))
        else:
            seen[name] = index
        if rule is not None:
            checked.append(rule)
    if problems:
        raise PolicyError(problems)
    return checked


def _check_rule(index: int, raw: Any, now_ms: int, problems: List[str]) -> Optional[Rule]:
    """The rule, or None with each of its mistakes added to problems."""
    where = "rule #%d" % (index + 1)
    if not isinstance(raw, dict):
        problems.append("%s is not a mapping: write it as {name, match, action, params}" % where)
        return None
    found = len(problems)
    name = _collect(problems, _check_name, where, raw.get("name"))
    where = "rule %r" % name if name is not None else where
    unknown = [key for key in raw if key not in RULE_KEYS]
    if unknown:
        problems.append("%s: unknown key %s%s; a rule takes %s"
                        % (where, _quote(unknown), did_you_mean(unknown[0], RULE_KEYS), ", ".join(RULE_KEYS)))
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append("%s: enabled must be true or false, got %r" % (where, enabled))
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        problems.append("%s: description must be text" % where)
    action = _collect(problems, check_action, where, raw.get("action"))
    conditions = _check_match(where, raw.get("match"), problems)
    params = _collect(problems, check_params, where, action, raw.get("params"), now_ms) if action else None
    fallback = raw.get("fallback")
    if fallback is not None:
        fallback = _collect(problems, _check_fallback, where, action, params, fallback, now_ms)
    if len(problems) > found:
        return None
    return Rule(name, conditions, action, params, enabled, description, fallback)


def _check_fallback(where: str, action: Optional[str], params: Optional[Dict[str, Any]], fallback: Any,
                    now_ms: int) -> Dict[str, Any]:
    """{action, params, on}: an action checked like the rule's, for the result codes in on (ProcessNotExist or
    kill_and_quara.ProcessNotExist) that the rule's action may end with."""
    where = "%s: fallback" % where
    if not isinstance(fallback, dict):
        raise PolicyError("%s must be a mapping {action, params, on}, for example {action: virus_quara_bin, "
                          "\"on\": [ProcessNotExist]}" % where)
    # YAML 1.1, which PyYAML and Ansible read, takes a bare `on` key for the boolean true
    fallback = {("on" if key is True else key): value for key, value in fallback.items()}
    problems: List[str] = []
    unknown = [key for key in fallback if key not in FALLBACK_KEYS]
    if unknown:
        problems.append("%s: unknown key %s%s; a fallback takes %s" % (
            where, _quote(unknown), did_you_mean(unknown[0], FALLBACK_KEYS), ", ".join(FALLBACK_KEYS)))
    if action == NO_ACTION:
        problems.append("%s: action %s sends nothing, so nothing can fail" % (where, NO_ACTION))
    codes = fallback.get("on")
    if not isinstance(codes, list) or not codes or not all(_is_text(code) for code in codes):
        problems.append("%s.on must be a non-empty list of result codes the action may end with, for example "
                        "[ProcessNotExist, AgentOffline] (or kill_and_quara.ProcessNotExist)" % where)
    fallback_action = _collect(problems, check_action, where, fallback.get("action"))
    if fallback_action == NO_ACTION:
        problems.append("%s: action %s would do nothing; leave the fallback out instead" % (where, NO_ACTION))
        fallback_action = None
    fallback_params = (_collect(problems, check_params, where, fallback_action, fallback.get("params"), now_ms)
                       if fallback_action else None)
    if fallback_action == action and fallback_params is not None and fallback_params == params:
        problems.append("%s repeats the rule's own action and params: give another action or other params" % where)
    if problems:
        raise PolicyError(problems)
    return {"action": fallback_action, "params": fallback_params, "on": [code.strip() for code in codes]}


def fallback_applies(fallback: Optional[Dict[str, Any]], error_code: Optional[str]) -> bool:
    """Whether an alert whose write ended with error_code (<operation>[.<detail>].<result>) falls back: a code in
    on names either the result (ProcessNotExist) or the whole code (kill_and_quara.ProcessNotExist)."""
    if not fallback or not error_code:
        return False
    result = str(error_code).rsplit(".", 1)[-1]
    return any(code in (result, str(error_code)) for code in fallback["on"])


def _collect(problems: List[str], check, *args: Any) -> Any:
    """check(*args), or None with its PolicyError added to problems: one mistake does not hide the next."""
    try:
        return check(*args)
    except PolicyError as exc:
        problems.extend(exc.problems)
        return None


def _check_name(where: str, name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise PolicyError("%s has no name: give each rule a unique name" % where)
    try:
        check_text("%s name" % where, name, MAX_NAME_LENGTH)  # it reaches reports and the audit trail
    except OptionError as exc:
        raise PolicyError(str(exc)) from None
    return name


def policy_warnings(rules: List[Rule]) -> List[str]:
    """What may be a mistake but is no error: an alert type none of the names this collection knows."""
    warnings = []
    for rule in rules:
        for field, kind, expected in rule.conditions:
            if field not in TYPE_FIELDS or kind == "regex":
                continue
            unknown = [value for value in (expected if kind == "one_of" else [expected])
                       if str(value) not in KNOWN_TYPES]
            if unknown:
                warnings.append(_unknown_type_warning(rule.name, field, unknown))
    return warnings


def _unknown_type_warning(name: str, field: str, unknown: List[Any]) -> str:
    return ("rule %r: match.%s %s is none of the alert types this collection knows%s; the service's wording "
            "differs by site and language, so the rule is kept: check that it matches what sas_alert_info returns"
            % (name, field, _quote(unknown), did_you_mean(unknown[0], KNOWN_TYPES)))


def check_action(where: str, action: Any) -> str:
    if action is None:
        raise PolicyError("%s has no action: use an operation code such as ignore or block_ip, or %s to leave "
                          "the alerts it matches alone" % (where, NO_ACTION))
    if not isinstance(action, str):
        raise PolicyError("%s: action must be an operation code, got %r" % (where, action))
    if action in REFUSED_OPERATIONS:
        raise PolicyError("%s: action %s is refused: %s" % (where, action, REFUSED_OPERATIONS[action]))
    if action in UNDO_OPERATIONS:
        raise PolicyError("%s: action %s undoes handling of alerts that are no longer pending; a triage handles "
                          "pending alerts (use sas_alert_handle with force=true instead)" % (where, action))
    if action not in TRIAGE_ACTIONS:
        raise PolicyError("%s: unknown action %r%s; use one of %s"
                          % (where, action, did_you_mean(action, TRIAGE_ACTIONS), ", ".join(TRIAGE_ACTIONS)))
    return action


def _check_match(where: str, match: Any, problems: List[str]) -> List[tuple]:
    """The match's conditions; each key's mistake added to problems."""
    if not isinstance(match, dict) or not match:
        problems.append("%s: match must be a non-empty mapping of alert fields, for example "
                        "{level: serious, alarm_event_type: Unusual logon}" % where)
        return []
    conditions: List[tuple] = []
    for key, expected in match.items():
        checked = _collect(problems, _check_details if key in (DETAILS, DETAILS + REGEX_SUFFIX) else _check_condition,
                           where, key, expected)
        conditions.extend(checked if isinstance(checked, list) else [checked] if checked is not None else [])
    return conditions


def _check_details(where: str, key: str, expected: Any) -> List[tuple]:
    """One (details, detail, (kind, (name, expected))) per detail name: each must hold."""
    if not isinstance(expected, dict) or not expected:
        raise PolicyError("%s: match.%s must be a mapping from a detail's displayed name (as in the alert's details, "
                          "in the run's language) to %s, for example {%s: %s}"
                          % (where, key, "a regular expression" if key != DETAILS else "a value or a list of values",
                             "Command line" if key != DETAILS else "Logon user",
                             "curl .*[|] *sh" if key != DETAILS else "root"))
    problems: List[str] = []
    conditions = []
    for name, value in expected.items():
        if not isinstance(name, str) or not name.strip():
            problems.append("%s: match.%s has a name %r: name a detail as sas_alert_info shows it (name_display)"
                            % (where, key, name))
            continue
        condition = _collect(problems, _check_condition, where, key, value, "%s.%s" % (key, name))
        if condition is not None:
            conditions.append((DETAILS, "detail", (condition[1], (name.strip(), condition[2]))))
    if problems:
        raise PolicyError(problems)
    return conditions


def _check_condition(where: str, key: Any, expected: Any, shown_key: Optional[str] = None) -> tuple:
    """(field, kind, expected) of one match key: kind is equal, one_of or regex. shown_key names a detail's
    condition (details.Logon user) in messages; its values are checked like any field's."""
    is_regex = isinstance(key, str) and key.endswith(REGEX_SUFFIX)
    field = key[:-len(REGEX_SUFFIX)] if is_regex else key
    if field not in ALERT_FIELDS:
        raise PolicyError("%s: match key %r is not an alert field%s (sas_alert_info returns fields such as "
                          "level, alarm_event_type, alarm_event_name_display, instance_name, uuid, status, details)"
                          % (where, key, did_you_mean(str(field), sorted(ALERT_FIELDS))))
    key = shown_key or key
    if is_regex:
        if not isinstance(expected, str) or not expected:
            raise PolicyError("%s: match.%s must be a non-empty regular expression" % (where, key))
        return field, "regex", _compile(where, key, expected)
    if isinstance(expected, list):
        if not expected or not all(isinstance(value, SCALARS) for value in expected):
            raise PolicyError("%s: match.%s must be a non-empty list of values (one of them must equal the "
                              "alert's)" % (where, key))
        _check_known(where, field, expected)
        return field, "one_of", list(expected)
    if isinstance(expected, SCALARS) and expected != "":
        _check_known(where, field, [expected])
        return field, "equal", expected
    raise PolicyError("%s: match.%s must be a value, a list of values, or (as %s%s) a regular expression; "
                      "got %r" % (where, key, key, REGEX_SUFFIX, expected))


def _check_known(where: str, field: str, values: List[Any]) -> None:
    """A value no alert can have (level critical, status open) matches nothing: a mistake, not a rule."""
    known = KNOWN_VALUES.get(field)
    if known is None:
        return
    unknown = [value for value in values if str(value) not in {str(name) for name in known}]
    if unknown:
        raise PolicyError("%s: match.%s %s is not a value sas_alert_info gives%s; it gives %s"
                          % (where, field, _quote(unknown), did_you_mean(unknown[0], [str(v) for v in known]),
                             ", ".join(str(name) for name in known)))


def _compile(where: str, key: str, pattern: str):
    """The pattern compiled by RE2 (linear-time matching), or PolicyError naming the rule and the key."""
    if re2 is None:
        raise PolicyError("%s: match.%s needs the Python package google-re2, which matches regular expressions "
                          "in linear time (pip install google-re2; it is in the collection's requirements.txt)"
                          % (where, key))
    options = re2.Options()
    options.log_errors = False  # the message below says it; RE2 would also print it on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise PolicyError("%s: match.%s %r is not a regular expression RE2 accepts: %s (RE2 has Python's syntax "
                          "without backreferences and lookaround, and so never backtracks)"
                          % (where, key, pattern, detail)) from None


def check_params(where: str, action: str, params: Any, now_ms: int) -> Dict[str, Any]:
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise PolicyError("%s: params must be a mapping of sas_alert_handle options" % where)
    if action == NO_ACTION:
        if params:
            raise PolicyError("%s: action %s takes no params" % (where, NO_ACTION))
        return {}
    allowed = friendly_options(action)
    unknown = [key for key in params if key not in allowed]
    problems = []
    if unknown:
        problems.append("%s: action %s does not take %s; it takes %s"
                        % (where, action, _quote(unknown), ", ".join(allowed)))
    problems.extend("%s: params.%s must be non-empty text, got %r" % (where, key, params[key])
                    for key in TEXT_PARAMS if params.get(key) is not None and not _is_text(params[key]))
    if problems:
        raise PolicyError(problems)
    try:
        check_text("params.remark", params.get("remark"), MAX_REMARK_LENGTH)
        build_operation_params(action, None, params.get("block_duration"), _text(params.get("expire_time")),
                               params.get("sub_operation"), now_ms)
        if action == ADVANCE_MARK_MIS_INFO and params.get("whitelist_rules") is not None:
            _check_whitelist_rules(params["whitelist_rules"])
    except OptionError as exc:
        raise PolicyError("%s: params: %s" % (where, exc)) from None
    return dict(params)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_whitelist_rules(rules: Any) -> None:
    if not isinstance(rules, list) or not rules:
        raise OptionError("whitelist_rules must be a non-empty list of "
                          "{field, operate, value, scope}")
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise OptionError("whitelist_rules[%d] must be a mapping {field, operate, value, scope}" % index)
        unknown = [key for key in rule if key not in WHITELIST_RULE_KEYS]
        if unknown:
            raise OptionError("whitelist_rules[%d]: unknown key %s; a whitelist rule takes %s"
                              % (index, _quote(unknown), ", ".join(WHITELIST_RULE_KEYS)))
    check_rules(rules)


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _quote(keys: List[Any]) -> str:
    return ", ".join(repr(key) for key in keys)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return " (did you mean %s?)" % close[0] if close else ""
