# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_plan
short_description: Match Security Center alerts against a triage policy and group them for handling
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - For each alert, the first enabled rule of the policy that matches it decides its action; alerts no rule
    matches are left alone, each with the recommended action for its type (advice only, never acted on).
  - Groups the alerts to handle into one group per action and parameters, so each group is one
    M(alibabacloud.sas.sas_alert_handle) call - never one task per alert.
  - Checks the policy as P(alibabacloud.sas.triage_policy#filter) does and fails the same way.
positional: _input, rules
options:
  _input:
    description: The alerts, as M(alibabacloud.sas.sas_alert_info) returns them in C(alerts).
    type: list
    elements: dict
    required: true
  rules:
    description: The policy, as P(alibabacloud.sas.triage_policy#filter) takes it.
    type: list
    elements: dict
    required: true
  retry_failed_after:
    description:
      - Seconds during which an alert whose last operation failed (as the service shows it on the alert,
        C(operate_error_code) and C(operate_time)) is deferred - not sent again - instead of handled.
      - C(0) sends such an alert again at every run.
    type: int
    default: 0
  started_at:
    description: When the run started (UTC), named in each group's C(note).
    type: str
"""

EXAMPLES = r"""
- name: List pending alerts
  alibabacloud.sas.sas_alert_info:
  register: pending

- name: Plan
  ansible.builtin.set_fact:
    plan: "{{ pending.alerts | alibabacloud.sas.triage_plan(rules) }}"
  vars:
    rules:
      - name: leave-the-jump-hosts-alone
        match: {instance_name_regex: "^jump-"}
        action: none
      - name: block-unusual-logons
        match: {alarm_event_type: Unusual logon}
        action: block_ip
        params: {block_duration: 7d}
      - name: quarantine-malware
        match: {alarm_event_type: [Malicious process (cloud scan), Malicious process (local scan)]}
        action: kill_and_quara
        params: {sub_operation: killAndQuaraFileByMd5andPath}

- name: Show it
  ansible.builtin.debug:
    msg: "{{ plan.lines }}"

- name: Handle each group in one call
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ item.alert_ids }}"
    operation: "{{ item.action }}"
    block_duration: "{{ item.params.block_duration | default(omit) }}"
    expire_time: "{{ item.params.expire_time | default(omit) }}"
    sub_operation: "{{ item.params.sub_operation | default(omit) }}"
    whitelist_rules: "{{ item.params.whitelist_rules | default(omit) }}"
    remark: "{{ item.remark }}"
  loop: "{{ plan.groups }}"
  loop_control:
    label: "{{ item.action }} x {{ item.alert_ids | length }}"
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    alerts:
      description:
        - One entry per alert (a duplicate id once) - C(id), C(name), C(type), C(level), C(status),
          C(last_time) (C(YYYY-MM-DD HH:MM:SS) in UTC+8, the service's time zone, as the service gives it),
          C(host) (C(instance_name), C(instance_id), C(internet_ip), C(intranet_ip), C(uuid) - the server's own),
          C(evidence) (from the alert's C(details) - C(source_ip), C(user), C(file_path), C(md5), C(cmdline), and
          C(first_time) and C(last_time); each null when the alert has none), C(rule), C(action), C(params),
          C(recommended) (C(action), C(params), C(why); action C(review) means a person decides) and
          C(fallback) (the rule's, or null), C(deferred) (C(error_code), C(failed_at), C(retry_after), or null) and
          C(disposition) - C(handle), C(deferred) (its last operation failed less than I(retry_failed_after) ago),
          C(excluded) (a rule with action C(none)) or C(unmatched).
      type: list
      elements: dict
    groups:
      description:
        - One entry per action and parameters - C(action), C(params), C(rules), C(alert_ids), C(destructive), and
          C(remark), the remark its write carries - C(params.remark), or the names of the rules that chose it, cut to
          the 500 characters the service takes - and C(note), the note each alert it handles gets in the console
          (the collection and its version, the run's start, the rules and the action).
      type: list
      elements: dict
    counts:
      description:
        - C(listed), C(to_handle), C(deferred), C(excluded), C(unmatched), C(destructive) (to handle with an
          operation that acts on the host), C(by_rule), C(by_action), C(unmatched_recommended).
      type: dict
    destructive:
      description:
        - The groups whose operation acts on hosts (block, kill, quarantine...), each with its first alerts, each
          alert with its evidence - the source IP a block blocks, the file and process a kill or quarantine acts on.
      type: list
      elements: dict
    lines:
      description:
        - The plan in words, for a person to read before confirming.
        - Every value taken from an alert is shown escaped, on its line - control characters, bidi overrides and
          line separators a compromised host put in a name appear as visible escapes such as C(\\n).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import plan_triage
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_policy import PolicyError, check_policy


def triage_plan(alerts, rules, retry_failed_after=0, started_at=None):
    try:
        return plan_triage(alerts, check_policy(rules), int(retry_failed_after or 0), started_at=started_at)
    except PolicyError as exc:
        raise AnsibleFilterError("triage policy: %s" % exc) from None
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"triage_plan": triage_plan}
