# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_markdown
short_description: The report of a Security Center triage run in Markdown, for people
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Renders a report of P(alibabacloud.sas.triage_report#filter) as Markdown - the account and the time of the
    run, a table of the outcomes, a table of each rule's outcomes, then one section per outcome with a table of
    its alerts (id and name, level, host, rule and action or the recommended one, details), the outcomes that
    need a person first.
  - Alert text comes from hosts an attacker may own. Every value is shown escaped - control characters, bidi
    and zero-width characters as visible escapes such as C(\n), C(\x1b) or C(\u202e), and every character that
    could start Markdown or HTML escaped - so no line, table cell, link, image or HTML tag can come out of a
    server name or an alert name. Bare URLs are shown defanged (C(https[:]//)). A very long value ends in an
    ellipsis; the report itself holds it whole.
positional: _input
options:
  _input:
    description: The report.
    type: dict
    required: true
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
      - name: ignore-reminders
        match: {level: remind}
        action: ignore

- name: Build the report of a dry run
  ansible.builtin.set_fact:
    report: "{{ plan | alibabacloud.sas.triage_report(none, account=inventory_hostname, check_mode=true) }}"

- name: Write it for people
  ansible.builtin.copy:
    content: "{{ report | alibabacloud.sas.triage_markdown }}"
    dest: "{{ playbook_dir }}/triage.md"
    mode: "0640"
  delegate_to: localhost
"""

RETURN = r"""
_value:
  description: The report in Markdown, one line per row, ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import render_markdown


def triage_markdown(report):
    if not isinstance(report, dict) or not {"summary", "alerts"} <= set(report):
        raise AnsibleFilterError("triage_markdown takes the report that alibabacloud.sas.triage_report returns")
    return render_markdown(report)


class FilterModule:
    def filters(self):
        return {"triage_markdown": triage_markdown}
