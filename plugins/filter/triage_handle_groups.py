# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_handle_groups
short_description: The groups of a Security Center triage as one sas_alert_handle call takes them
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Takes the C(groups) of a plan of P(alibabacloud.sas.triage_plan#filter), or the groups that
    P(alibabacloud.sas.triage_fallback#filter) returns, and returns them as the I(groups) option of
    M(alibabacloud.sas.sas_alert_handle) - one entry per action and parameters, so that one call handles them all
    side by side under one pacing of each API, instead of one call per group.
  - Each entry has the group's C(operation), C(alert_ids), parameters, C(remark) and, with I(notes), C(note); its
    C(audit_context) names the C(rules) that chose it and, for a fallback, the actions it falls back from
    (C(fallback_of)).
  - Nothing is templated - the values (the policy's, the alerts') are passed on as data.
positional: _input
options:
  _input:
    description: The groups.
    type: list
    elements: dict
    required: true
  notes:
    description: Whether each alert handled gets the group's note in the console.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Read the serious and suspicious alerts
  alibabacloud.sas.sas_alert_info:
    levels: [serious, suspicious]
  register: listed

- name: Block the sources of unusual logons for a day, quarantine web shells
  ansible.builtin.set_fact:
    triage: "{{ listed.alerts | alibabacloud.sas.triage_plan(policy) }}"
  vars:
    policy:
      - {name: block-logons, match: {alarm_event_type: Unusual logon}, action: block_ip, params: {block_duration: 1d}}
      - {name: quarantine-webshells, match: {alarm_event_type: Web shell}, action: quara}

- name: Every group of the plan in one call, side by side under one pacing of each API; no console notes
  alibabacloud.sas.sas_alert_handle:
    groups: "{{ triage.groups | alibabacloud.sas.triage_handle_groups(notes=false) }}"
  register: handled
  failed_when: false
"""

RETURN = r"""
_value:
  description:
    - One entry per group - C(operation), C(alert_ids), C(block_duration), C(expire_time), C(sub_operation) and
      C(whitelist_rules) where the group's parameters have them, C(remark), C(note) (null without I(notes)) and
      C(audit_context) (C(rules), C(fallback_of)).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError


def handle_group(group, notes):
    # a rule's params are sas_alert_handle options of the same name (the policy check allows no other); the
    # group's remark stands for params.remark
    entry = {"operation": group["action"], "alert_ids": group["alert_ids"]}
    entry.update((key, value) for key, value in group["params"].items() if key != "remark")
    entry.update(remark=group["remark"], note=group["note"] if notes else None,
                 audit_context={"rules": group["rules"], "fallback_of": group.get("fallback_of") or []})
    return entry


def triage_handle_groups(groups, notes=True):
    if not isinstance(groups, list) or not all(isinstance(group, dict) and "action" in group for group in groups):
        raise AnsibleFilterError("triage_handle_groups takes the groups of a plan (alibabacloud.sas.triage_plan) or "
                                 "of alibabacloud.sas.triage_fallback")
    return [handle_group(group, notes) for group in groups]


class FilterModule:
    def filters(self):
        return {"triage_handle_groups": triage_handle_groups}
