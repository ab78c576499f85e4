# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage role's settings, checked and resolved on the controller before any call to the service.

The policy comes from one place, a file or the variable; the cap is a whole number; the report
directory and the audit trail are absolute paths, a relative one taken from the directory
ansible-playbook runs in (never the collection's, where a reinstall would wipe them).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.operation_params import duration_seconds
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.policy_file import RULES_KEY, read_policy_file, resolve
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import (
    PolicyError,
    check_policy,
    policy_warnings,
)

# The role's variables this check reads, by the names they have here.
SETTINGS = {
    "policy_file": "sas_triage_policy_file",
    "rules": RULES_KEY,
    "max_actions": "sas_triage_max_actions",
    "report_dir": "sas_triage_report_dir",
    "audit_log": "sas_triage_audit_log",
    "retry_failed_after": "sas_triage_retry_failed_after",
}


def check_settings(settings: Dict[str, Any], cwd: Optional[str] = None,
                   now_ms: Optional[int] = None) -> Dict[str, Any]:
    """{problems, warnings, rules, policy_file, policy_sha256, max_actions, report_dir, audit_log,
    retry_failed_after (seconds)}.

    problems names every setting that cannot work and every mistake of the policy (all of them at once); the rest
    is meaningful only when it is empty. warnings: what may be a mistake but is no error (an unknown alert type).
    rules are the checked rules as data.
    """
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ValueError("triage_settings takes %s, not %s" % (", ".join(SETTINGS), ", ".join(unknown)))
    problems: List[str] = []
    checked: Dict[str, Any] = {"rules": [], "warnings": [], "policy_file": None, "policy_sha256": None}
    try:
        checked.update(_policy(settings.get("policy_file"), settings.get("rules"), cwd, now_ms))
    except PolicyError as exc:
        problems.extend("triage policy: %s." % problem for problem in exc.problems)
    checked["max_actions"] = _max_actions(settings.get("max_actions"), problems)
    checked["retry_failed_after"] = _retry_failed_after(settings.get("retry_failed_after", 0), problems)
    checked["report_dir"] = _path("report_dir", settings.get("report_dir"), cwd, problems)
    checked["audit_log"] = _path("audit_log", settings.get("audit_log"), cwd, problems)
    if checked["audit_log"] and os.path.isdir(checked["audit_log"]):
        problems.append("sas_triage_audit_log %s is a directory: give the path of a file (the default is "
                        "triage-audit.jsonl in the report directory)." % checked["audit_log"])
    checked["problems"] = problems
    return checked


def _policy(policy_file: Any, rules: Any, cwd: Optional[str], now_ms: Optional[int]) -> Dict[str, Any]:
    given_file = policy_file not in (None, "")
    if given_file and rules is not None:
        raise PolicyError("give the policy in one place: sas_triage_policy_file or %s, not both (rules given as a "
                          "variable would otherwise silently replace the file's)" % RULES_KEY)
    source: Dict[str, Any] = {"policy_file": None, "policy_sha256": None}
    if given_file:
        read = read_policy_file(policy_file, cwd)
        rules = read.rules
        source.update(policy_file=read.path, policy_sha256=read.sha256)
    elif rules is None:
        raise PolicyError("no policy: set sas_triage_policy_file to a YAML file that sets %s (for example the "
                          "collection's playbooks/policies/example.yml, copied and edited), or set %s; a rule with "
                          "enabled: false keeps a policy that acts on nothing" % (RULES_KEY, RULES_KEY))
    elif not isinstance(rules, list) or not rules:
        raise PolicyError("%s must be a non-empty list of rules, got %s"
                          % (RULES_KEY, "an empty list" if rules == [] else type(rules).__name__))
    checked = check_policy(rules, now_ms)
    source.update(rules=[rule.to_dict() for rule in checked], warnings=policy_warnings(checked))
    return source


def _max_actions(value: Any, problems: List[str]) -> Optional[int]:
    # -e sas_triage_max_actions=50 arrives as text; a bool is no count even though Python calls it an int
    number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
        return number
    problems.append("sas_triage_max_actions must be a whole number, 0 or more (the most alerts one run may handle), "
                    "got %r." % (value,))
    return None


def _retry_failed_after(value: Any, problems: List[str]) -> Optional[int]:
    """Seconds: a duration (6h, 90m, 1d), or a whole number of seconds; 0 retries a failed alert at every run."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    seconds = int(text) if text is not None and text.isdigit() else duration_seconds(text) if text else None
    if seconds is not None:
        return seconds
    problems.append("sas_triage_retry_failed_after must be a duration such as 6h, 90m or 1d, or 0 to send an alert "
                    "whose last operation failed again at every run; got %r." % (value,))
    return None


def _path(name: str, value: Any, cwd: Optional[str], problems: List[str]) -> Optional[str]:
    if isinstance(value, str) and value.strip():
        return resolve(value, cwd)
    problems.append("sas_triage_%s must be a path (a relative one is taken from the directory ansible-playbook "
                    "runs in), got %r." % (name, value))
    return None
