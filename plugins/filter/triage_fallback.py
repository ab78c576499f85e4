# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_fallback
short_description: The fallback writes of a Security Center triage, for alerts whose action failed
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - >-
    A rule of the policy may name what to do when its action fails with given result codes -
    C(fallback: {action: virus_quara_bin, "on": [ProcessNotExist]}) - C(on) quoted, as YAML 1.1 reads a bare
    C(on) as true (the check takes a bare one back too).
  - Takes a plan of P(alibabacloud.sas.triage_plan#filter) and the registered results of the
    M(alibabacloud.sas.sas_alert_handle) calls made for its groups, and returns the groups to handle again - the
    alerts that ended C(failed) with a result code (C(kill_and_quara.ProcessNotExist)) whose last part, or the
    whole code, their rule's fallback names in C(on), one group per fallback action and parameters.
  - The module checks a fallback's action against the operations the service offers for each alert, as for any
    action.
positional: _input, handled
options:
  _input:
    description: The plan.
    type: dict
    required: true
  handled:
    description: The registered result of the loop over the plan's groups (its C(results) list), or null.
    type: list
    elements: dict
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
      - name: kill-and-quarantine-malware
        match: {alarm_event_type: Malicious process (cloud scan)}
        action: kill_and_quara
        params: {sub_operation: killAndQuaraFileByMd5andPath}
        fallback: {action: virus_quara_bin, "on": [ProcessNotExist]}   # the process is gone: quarantine its file

- name: Handle each group in one call
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ item.alert_ids }}"
    operation: "{{ item.action }}"
    sub_operation: "{{ item.params.sub_operation | default(omit) }}"
    remark: "{{ item.remark }}"
  loop: "{{ plan.groups }}"
  register: handled
  failed_when: false

- name: Handle each alert again with its rule's fallback where its action failed with a code the rule names
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ item.alert_ids }}"
    operation: "{{ item.action }}"
    sub_operation: "{{ item.params.sub_operation | default(omit) }}"
    remark: "{{ item.remark }}"
  loop: "{{ plan | alibabacloud.sas.triage_fallback(handled.results | default([])) }}"
  register: fallback_handled
"""

RETURN = r"""
_value:
  description:
    - One entry per fallback action and parameters - C(action), C(params), C(rules), C(alert_ids), C(destructive),
      C(remark) and C(fallback_of) (the actions that failed), as the plan's C(groups). Empty when nothing falls back.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_plan import fallback_groups


def triage_fallback(plan, handled=None):
    if not isinstance(plan, dict) or "alerts" not in plan:
        raise AnsibleFilterError("triage_fallback takes the plan that alibabacloud.sas.triage_plan returns")
    return fallback_groups(plan, handled)


class FilterModule:
    def filters(self):
        return {"triage_fallback": triage_fallback}
