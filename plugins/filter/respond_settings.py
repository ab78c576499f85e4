# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: respond_settings
short_description: Check the settings and the choice of a respond run before any call
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - The choice of the aliyun CLI alert-handler workflow - C(1) handle all with the recommended methods, C(2) custom,
    C(3) cancel - given as a word or as the menu's number, with, for C(custom), the operation and its parameters.
    The operation and its parameters are checked as a triage policy's action and params are
    (P(alibabacloud.sas.triage_policy#filter)) - an operation code M(alibabacloud.sas.sas_alert_handle) takes, and
    only the options it takes, each valid - so that a mistake stops the run before any call that writes.
  - The alerts named in one place (ids or filters), the similar-alerts scenario, and the report directory and the
    audit trail as absolute paths (a relative path is taken from the directory ansible-playbook runs in, never the
    collection's).
  - Never fails - the mistakes are returned in C(problems), each naming the variable and the valid values.
positional: _input
options:
  _input:
    description:
      - The settings - C(choice) (C(recommended), C(custom), C(cancel), C(1), C(2) or C(3); empty or null for none),
        C(operation) and C(params) (for C(custom); C(params) a mapping of the options of
        M(alibabacloud.sas.sas_alert_handle) the operation takes, or the text typed at a prompt - key=value pairs
        separated by spaces, or a JSON object), C(alert_ids), C(filters), C(similar) (a scenario of
        M(alibabacloud.sas.sas_alert_similar_info), or null), C(report_dir) and C(audit_log).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the unattended choice before any call
  ansible.builtin.set_fact:
    settings: >-
      {{ {'choice': 'custom', 'operation': 'block_ip', 'params': {'block_duration': '1d'},
          'alert_ids': [703586830], 'filters': none, 'report_dir': 'reports',
          'audit_log': 'reports/respond-audit.jsonl'} | alibabacloud.sas.respond_settings }}

- name: Stop on a mistake
  ansible.builtin.fail:
    msg: "{{ settings.problems | join(' ') }}"
  when: settings.problems | length > 0
"""

RETURN = r"""
_value:
  description: The settings checked.
  type: dict
  contains:
    choice:
      description: C(recommended), C(custom), C(cancel), or null when none was given.
      type: str
    operation:
      description: The custom operation, or null.
      type: str
    params:
      description: The custom operation's parameters, as M(alibabacloud.sas.sas_alert_handle) options.
      type: dict
    report_dir:
      description: The report directory, an absolute path.
      type: str
    audit_log:
      description: The audit trail, an absolute path.
      type: str
    problems:
      description: What is wrong, each naming the variable (C(sas_respond_choice), C(sas_respond_operation),
        C(sas_respond_params), ...) and the valid values; empty when the settings can be used.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.respond import check_settings


def respond_settings(settings):
    if not isinstance(settings, dict):
        raise AnsibleFilterError("respond_settings takes a mapping of the respond role's settings")
    return check_settings(settings)


class FilterModule:
    def filters(self):
        return {"respond_settings": respond_settings}
