# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_summary
short_description: The summary of a Security Center triage run across accounts
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Takes the hosts of a triage play (one per account, for example from the P(alibabacloud.sas.sas_accounts#inventory)
    inventory) and what the C(alibabacloud.sas.triage) role published for each (C(_sas_triage_published), the
    entry it also gives C(set_stats)), and returns the run's summary across them.
  - Each account gets a state - C(failed) (no report, or the run failed before handling, for example refused
    credentials or a throttled-out listing), C(needs_attention) (alerts failed, timed out or errored),
    C(stopped) (not confirmed, or over the cap, before any write) or C(triaged) - and the accounts are listed in
    that order. A host that never reached its report is C(failed), never left out.
  - P(alibabacloud.sas.triage_summary_markdown#filter) renders it for people.
positional: _input, hostvars
options:
  _input:
    description: The hosts of the play, C(ansible_play_hosts_all).
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
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
"""

EXAMPLES = r"""
- name: Name the accounts that failed, once per run
  ansible.builtin.debug:
    msg: "Failed: {{ summary.by_state.failed | join(', ') or 'none' }}"
  vars:
    summary: "{{ ansible_play_hosts_all | alibabacloud.sas.triage_summary(hostvars, check_mode=ansible_check_mode) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description:
    - C(check_mode), C(started_at), C(finished_at), C(by_state) (the accounts in each state), C(by_outcome) (the
      alerts per outcome over every account), C(needs_attention) (over every account) and C(accounts) - one
      entry per host with C(host), C(account), C(state), C(stopped), C(needs_attention), C(by_outcome),
      C(warnings), C(report_json) and C(report_markdown).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_summary import account_entry, build_summary

PUBLISHED = "_sas_triage_published"  # the role's per-account entry (roles/triage/tasks/report.yml)


def triage_summary(hosts, hostvars, check_mode=False, started_at=None, finished_at=None):
    if not isinstance(hosts, (list, tuple)):
        raise AnsibleFilterError("triage_summary takes the play's hosts (ansible_play_hosts_all), a list")
    entries = [account_entry(host, _published(hostvars, host)) for host in hosts]
    return build_summary(entries, check_mode, started_at, finished_at)


def _published(hostvars, host):
    found = hostvars[host] if host in hostvars else {}
    return found[PUBLISHED] if PUBLISHED in found else None


class FilterModule:
    def filters(self):
        return {"triage_summary": triage_summary}
