# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_report_files
short_description: Write the report of a Security Center triage run, in JSON and in Markdown, on the controller
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Writes a report of P(alibabacloud.sas.triage_report#filter) as two files on the controller, each with mode
    C(0640), whole or not at all (a reader sees the previous file or the new one) - I(_input) as data in
    C(<path>.json) (keys sorted, as C(to_nice_json(indent=2)) writes it) and for people in C(<path>.md), as
    P(alibabacloud.sas.triage_markdown#filter) renders it, every value escaped.
  - The triage role writes its reports with it, also in check mode, in the C(ansible-playbook) process itself
    instead of a M(ansible.builtin.copy) run for each file.
  - A file that cannot be written fails the task, naming the file and why.
positional: _input, path
options:
  _input:
    description: The report.
    type: dict
    required: true
  path:
    description: The files' absolute path, without C(.json) or C(.md); its directory must exist.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Read the pending alerts
  alibabacloud.sas.sas_alert_info:
  register: pending

# One task from the plan to the files: the whole report is never kept as a fact, only what written returns.
- name: Write what a dry run of the policy would do, for programs and for people
  ansible.builtin.set_fact:
    written: >-
      {{ pending.alerts | alibabacloud.sas.triage_plan(policy)
         | alibabacloud.sas.triage_report(none, account=inventory_hostname, check_mode=true)
         | alibabacloud.sas.triage_report_files(playbook_dir ~ '/triage-dry-run') }}
  vars:
    policy: [{name: ignore-reminders, match: {level: remind}, action: ignore}]

- name: Say where it is
  ansible.builtin.debug:
    msg: "{{ written.summary.needs_attention }} alerts need attention: {{ written.markdown }}"
"""

RETURN = r"""
_value:
  description:
    - The files written - C(json) (C(<path>.json)) and C(markdown) (C(<path>.md)) - and what a play goes on with,
      the report's C(summary), C(warnings) and C(needs_attention) (its alerts that need a person, with C(id),
      C(name), C(level), C(host), C(rule), C(action), C(outcome), C(reason), C(error_code) and C(hint)), so that it
      need not keep the whole report (Ansible copies a large fact at every task that reads it).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_files import TriageFileError, write_report


def triage_report_files(report, path):
    if not isinstance(report, dict) or not {"summary", "alerts"} <= set(report):
        raise AnsibleFilterError("triage_report_files takes the report that alibabacloud.sas.triage_report returns")
    if not isinstance(path, str) or not path:
        raise AnsibleFilterError("triage_report_files takes the path of the report files, without .json or .md")
    try:
        return write_report(report, path)
    except TriageFileError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"triage_report_files": triage_report_files}
