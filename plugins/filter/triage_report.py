# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_report
short_description: The report of a Security Center triage run - every listed alert exactly once
version_added: 0.1.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Joins a plan of P(alibabacloud.sas.triage_plan#filter) with the registered results of the
    M(alibabacloud.sas.sas_alert_handle) calls made for its groups.
  - Each listed alert gets one C(outcome) - one of the module's (C(handled), C(would_handle), C(submitted),
    C(already_handled), C(unsupported), C(expired), C(not_found), C(failed), C(timed_out)), or C(unmatched) (no rule),
    C(excluded) (a rule with action C(none)), C(not_run) (the run stopped before handling it, see C(stopped)),
    C(deferred) (its last operation failed a short while ago; not sent, see C(deferred)), C(error) (its module call
    failed before giving it an outcome).
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
  fallback_handled:
    description:
      - The registered result of the loop over the fallback groups (P(alibabacloud.sas.triage_fallback#filter)),
        or null. An alert handled again by its rule's fallback takes the fallback's outcome, and its entry names both
        actions - C(action) and C(fallback) (C(action), C(params), C(after) - the first write's result).
    type: list
    elements: dict
  account:
    description: The account the run was for (the triage role's C(sas_triage_account), its inventory host by default).
    type: str
  policy_file:
    description:
      - The path of the policy file that decided (C(policy_file) of P(alibabacloud.sas.triage_settings#filter)).
    type: str
  policy_sha256:
    description:
      - The sha256 of that file as it was read (C(policy_sha256) of P(alibabacloud.sas.triage_settings#filter)).
    type: str
  awx_job_id:
    description:
      - The AWX job that ran the triage (the C(awx_job_id) or C(tower_job_id) extra variable AWX passes), or null.
    type: str
  awx_user_name:
    description: Who launched that AWX job (the C(awx_user_name) or C(tower_user_name) extra variable), or null.
    type: str
  check_mode:
    description: Whether the run was a dry run.
    type: bool
    default: false
  started_at:
    description: When the run started, UTC.
    type: str
  finished_at:
    description: When the run finished, UTC.
    type: str
  stopped:
    description: Why the run stopped before handling (not confirmed, over the cap), or null.
    type: str
  other_site:
    description:
      - The C(other_site) result of M(alibabacloud.sas.sas_alert_info) (I(check_other_site=true)), or null.
      - When the other data site holds pending alerts, the Markdown report warns, naming how many.
    type: dict
"""

EXAMPLES = r"""
- name: Note when the run started
  ansible.builtin.set_fact:
    started: "{{ now(utc=true).strftime('%Y-%m-%dT%H:%M:%SZ') }}"

- name: List pending alerts
  alibabacloud.sas.sas_alert_info:
  register: pending

- name: Plan
  ansible.builtin.set_fact:
    plan: "{{ pending.alerts | alibabacloud.sas.triage_plan(rules) }}"
  vars:
    rules:
      - name: block-unusual-logons
        match: {alarm_event_type: Unusual logon}
        action: block_ip
        params: {block_duration: 7d}

# Every outcome goes into the report, failures included: failed_when false, and the last task fails.
- name: Handle each group in one call
  alibabacloud.sas.sas_alert_handle:
    alert_ids: "{{ item.alert_ids }}"
    operation: "{{ item.action }}"
    block_duration: "{{ item.params.block_duration | default(omit) }}"
  loop: "{{ plan.groups }}"
  register: handled
  failed_when: false

- name: Build the report
  ansible.builtin.set_fact:
    report: >-
      {{ plan | alibabacloud.sas.triage_report(handled.results | default([]), account=inventory_hostname,
         check_mode=ansible_check_mode, started_at=started,
         finished_at=now(utc=true).strftime('%Y-%m-%dT%H:%M:%SZ')) }}

- name: Show how each alert ended
  ansible.builtin.debug:
    msg: "{{ report.summary.by_outcome }}"

- name: Fail if an alert needs a person (failed, timed out or errored)
  ansible.builtin.fail:
    msg: "{{ report.summary.needs_attention }} alerts need attention"
  when: report.summary.needs_attention > 0
"""

RETURN = r"""
_value:
  description:
    - C(check_mode), C(started_at), C(finished_at), C(account), C(provenance) (what decided and who ran it -
      C(policy_file), C(policy_sha256), C(collection_version), C(ansible_core_version), C(user) - the AWX launcher
      under AWX, else the local user -, C(awx_job_id); the Markdown report shows them in one line), C(stopped),
      C(other_site), C(warnings) (what a
      person must know beyond the outcomes - the other data site's pending alerts), C(summary) (C(alerts),
      C(needs_attention), C(by_outcome) with every outcome, C(by_action) and C(by_rule) with the outcomes
      that occur), C(needs_attention) (the alerts that need a person - failed, timed out or errored - in short,
      with C(id), C(name), C(level), C(host), C(rule), C(action), C(outcome), C(reason), C(error_code) and
      C(hint)) and C(alerts) - one entry per listed alert with C(id), C(name), C(type), C(level), C(host),
      C(evidence) (as in the alerts of P(alibabacloud.sas.triage_plan#filter)), C(rule), C(action), C(params),
      C(recommended), C(outcome), C(reason), C(error_code), C(hint), C(task_id), C(status_before), C(status_after).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import build_report, provenance


def triage_report(plan, handled=None, fallback_handled=None, account=None, check_mode=False, started_at=None,
                  finished_at=None, stopped=None, other_site=None, policy_file=None, policy_sha256=None,
                  awx_job_id=None, awx_user_name=None):
    if not isinstance(plan, dict) or "alerts" not in plan:
        raise AnsibleFilterError("triage_report takes the plan that alibabacloud.sas.triage_plan returns")
    context = dict(account=account, check_mode=check_mode, started_at=started_at, finished_at=finished_at,
                   stopped=stopped or None, other_site=other_site or None,
                   provenance=provenance(policy_file, policy_sha256, awx_job_id, awx_user_name))
    return build_report(plan, handled, context, fallback_handled)


class FilterModule:
    def filters(self):
        return {"triage_report": triage_report}
