# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: respond_summary
short_description: The report and summary of a respond run, in the words of the alert-handler workflow
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Joins a P(alibabacloud.sas.respond_plan#filter) and the result of the M(alibabacloud.sas.sas_alert_handle) call
    that handled its groups - every alert once, with one outcome - and sums them up as the aliyun CLI
    alert-handler workflow does - C(✅ Successfully handled), C(❌ Handling failed) with each alert's code and hint,
    C(🚫 Not supported) with the operations the service allows, and so on, then the total.
  - Every value is shown escaped.
positional: _input, handled
options:
  _input:
    description: The plan.
    type: dict
    required: true
  handled:
    description: The registered result of the M(alibabacloud.sas.sas_alert_handle) call, or null when none ran.
    type: dict
  check_mode:
    description: Whether the run was a dry run.
    type: bool
    default: false
  finished_at:
    description: When the run ended (UTC).
    type: str
"""

EXAMPLES = r"""
- name: Read two alerts
  alibabacloud.sas.sas_alert_info:
    alert_ids: [702173474, 702173480]
  register: listed

- name: Read what the service allows each now
  alibabacloud.sas.sas_alert_operations_info:
    alert_ids: "{{ listed.alerts | map(attribute='id') | list }}"
  register: offered

- name: Check the choice - each alert its recommended action
  ansible.builtin.set_fact:
    settings: >-
      {{ {'choice': 'recommended', 'alert_ids': [702173474, 702173480], 'report_dir': 'reports',
          'audit_log': 'reports/respond-audit.jsonl'} | alibabacloud.sas.respond_settings }}
    view: "{{ listed.alerts | alibabacloud.sas.respond_view(offered.alerts) }}"

- name: Plan it
  ansible.builtin.set_fact:
    plan: "{{ view | alibabacloud.sas.respond_plan(settings) }}"

- name: Handle them in one call
  alibabacloud.sas.sas_alert_handle:
    groups: "{{ plan.groups | alibabacloud.sas.triage_handle_groups }}"
  register: handled
  failed_when: false

- name: Sum the run up
  ansible.builtin.set_fact:
    report: "{{ plan | alibabacloud.sas.respond_summary(handled, check_mode=ansible_check_mode) }}"

- name: Show it
  ansible.builtin.debug:
    msg: "{{ report.lines }}"
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    alerts:
      description:
        - Every alert of the plan once, with C(action), C(params), C(outcome) (those of
          M(alibabacloud.sas.sas_alert_handle), C(error) when its call failed before giving it one, or the plan's -
          C(unsupported), C(review), C(already_handled), C(not_found), C(cancelled), C(not_chosen)), C(error_code),
          C(hint), C(reason), C(task_id), C(note) and C(status_after).
      type: list
      elements: dict
    summary:
      description: C(alerts), C(by_outcome) (every outcome, zeros included) and C(needs_attention) (failed, timed
        out or errored).
      type: dict
    needs_attention:
      description: The alerts that need a person - C(failed), C(timed_out) or C(error) - as in C(alerts).
      type: list
      elements: dict
    lines:
      description: The summary in words.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond_summary import summarize


def respond_summary(plan, handled=None, check_mode=False, finished_at=None):
    if not isinstance(plan, dict) or "groups" not in plan:
        raise AnsibleFilterError("respond_summary takes a plan of alibabacloud.sas.respond_plan")
    return summarize(plan, handled if isinstance(handled, dict) else None, check_mode, finished_at)


class FilterModule:
    def filters(self):
        return {"respond_summary": respond_summary}
