# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: respond_plan
short_description: Plan the respond workflow's choice as the groups of one sas_alert_handle call
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - For each alert of a P(alibabacloud.sas.respond_view#filter), the action the choice gives it - its recommended
    one, or the custom operation - and what becomes of it - sent, C(unsupported) (the service does not allow the
    action now; the summary names the operations it allows), C(review) (no recommended action), C(already_handled)
    (no longer pending), C(not_found), C(cancelled), C(not_chosen).
  - The alerts to send are grouped by action and parameters, as a triage's, so that
    P(alibabacloud.sas.triage_handle_groups#filter) makes them the I(groups) of one
    M(alibabacloud.sas.sas_alert_handle) call; each group's C(note) names the run and the choice.
positional: _input, choice
options:
  _input:
    description: A P(alibabacloud.sas.respond_view#filter).
    type: dict
    required: true
  choice:
    description: A P(alibabacloud.sas.respond_settings#filter) without problems.
    type: dict
    required: true
  started_at:
    description: When the run started (UTC), named in each group's C(note).
    type: str
"""

EXAMPLES = r"""
- name: The pending web shells
  alibabacloud.sas.sas_alert_info:
    alert_types: [Web shell]
  register: webshells

- name: What each allows now
  alibabacloud.sas.sas_alert_operations_info:
    alert_ids: "{{ webshells.alerts | map(attribute='id') | list }}"
  register: allowed

- name: Quarantine every one that allows it (the others end unsupported, naming what they allow)
  ansible.builtin.set_fact:
    plan: >-
      {{ webshells.alerts | alibabacloud.sas.respond_view(allowed.alerts)
         | alibabacloud.sas.respond_plan({'choice': 'custom', 'operation': 'quara', 'alert_ids': [],
                                          'report_dir': '.', 'audit_log': 'audit.jsonl'}
                                         | alibabacloud.sas.respond_settings) }}

- name: Say what is sent
  ansible.builtin.debug:
    msg: "{{ plan.lines }}"

- name: Send it
  alibabacloud.sas.sas_alert_handle:
    groups: "{{ plan.groups | alibabacloud.sas.triage_handle_groups }}"
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    choice:
      description: The choice (null when none was given).
      type: str
    alerts:
      description: The view's alerts, each with C(action), C(params) and C(disposition) (C(send) or why not).
      type: list
      elements: dict
    groups:
      description: One per action and parameters - C(action), C(params), C(rules), C(alert_ids), C(remark), C(note).
      type: list
      elements: dict
    lines:
      description: What the choice sends and what it leaves, every value shown escaped.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import plan_response


def respond_plan(view, choice, started_at=None):
    if not isinstance(view, dict) or "alerts" not in view:
        raise AnsibleFilterError("respond_plan takes a view of alibabacloud.sas.respond_view")
    if not isinstance(choice, dict) or choice.get("problems"):
        raise AnsibleFilterError("respond_plan takes the checked settings of respond_settings, without problems")
    return plan_response(view["alerts"], choice, started_at)


class FilterModule:
    def filters(self):
        return {"respond_plan": respond_plan}
