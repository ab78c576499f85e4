# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_settings
short_description: Check and resolve the settings of a Security Center triage before any call to the service
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Reads the policy from one place, a policy file or the rules given as a variable (never both), and checks it as
    P(alibabacloud.sas.triage_policy#filter) does.
  - The policy file is read as data, never as Ansible variables - a relative path is taken from the directory
    ansible-playbook runs in, the file is parsed by a safe YAML loader, nothing in it is templated, and it may set
    only C(sas_triage_rules). A missing, empty or unreadable file, an unknown or repeated key, and a policy with no
    rule are refused.
  - Checks the cap on alerts to handle (a whole number, 0 or more) and makes the report directory and the audit
    trail absolute paths, a relative one taken from the directory ansible-playbook runs in.
  - Never fails - every problem found is listed in C(problems), so that the role can stop with one message that
    names them all. The values it returns are data - nothing in them is ever templated.
  - The role C(alibabacloud.sas.triage) runs it first.
positional: _input
options:
  _input:
    description:
      - The settings - C(policy_file), C(rules), C(max_actions), C(report_dir) and C(audit_log), the values of the
        role's variables C(sas_triage_policy_file), C(sas_triage_rules), C(sas_triage_max_actions),
        C(sas_triage_report_dir) and C(sas_triage_audit_log).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the policy and the settings of a triage
  ansible.builtin.set_fact:
    triage: >-
      {{ {'policy_file': 'policy.yml', 'rules': none, 'max_actions': 50, 'report_dir': 'reports',
          'audit_log': 'reports/triage-audit.jsonl'} | alibabacloud.sas.triage_settings }}

- name: Stop, naming every problem, before any call to the service
  ansible.builtin.fail:
    msg: "{{ triage.problems | join(' ') }}"
  when: triage.problems | length > 0
"""

RETURN = r"""
_value:
  description: The settings, checked and resolved.
  type: dict
  contains:
    problems:
      description:
        - One message for each setting that cannot work and each mistake of the policy (each naming its rule and
          field, all found at once); the other keys mean something only when it is empty.
      type: list
      elements: str
    warnings:
      description:
        - What may be a mistake but is no error - a rule matching an alert type none of the names this collection
          knows (the service's wording differs by site and language). Each is also shown as an Ansible warning.
      type: list
      elements: str
    rules:
      description: The rules of the policy, checked, as P(alibabacloud.sas.triage_policy#filter) returns them.
      type: list
      elements: dict
    policy_file:
      description: The absolute path of the policy file, or C(null) when the rules were given as a variable.
      type: str
    policy_sha256:
      description: The SHA-256 of the policy file as it was read, or C(null).
      type: str
    max_actions:
      description: The cap on alerts to handle, as a number.
      type: int
    report_dir:
      description: The absolute path of the report directory.
      type: str
    audit_log:
      description: The absolute path of the audit trail.
      type: str
"""

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_settings import check_settings


def triage_settings(settings):
    if not isinstance(settings, dict):
        raise AnsibleFilterError("triage_settings takes a mapping of the triage's settings, got %s"
                                 % type(settings).__name__)
    try:
        checked = check_settings(settings)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from None
    for warning in checked["warnings"]:
        Display().warning("triage policy: %s." % warning)
    # Rule names, values and patterns are data: marked unsafe, no later task can template them.
    return wrap_var(checked)


class FilterModule:
    def filters(self):
        return {"triage_settings": triage_settings}
