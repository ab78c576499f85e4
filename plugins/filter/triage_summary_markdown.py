# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_summary_markdown
short_description: The summary of a Security Center triage run across accounts in Markdown, for people
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Renders a summary of P(alibabacloud.sas.triage_summary#filter) as Markdown - the run's time, the accounts that
    failed and those with alerts that need a person, the alerts per outcome over every account, then one row per
    account with its state, its outcomes, its report and why it stopped.
  - Every value is shown escaped as in P(alibabacloud.sas.triage_markdown#filter), so an account label or a
    message cannot make a line, a link or HTML.
positional: _input
options:
  _input:
    description: The summary.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the summary across accounts once, JSON and Markdown
  alibabacloud.sas.report_files:
    path: reports/triage-summary
    data: "{{ summary }}"
    markdown: "{{ summary | alibabacloud.sas.triage_summary_markdown }}"
  vars:
    summary: "{{ ansible_play_hosts_all | alibabacloud.sas.triage_summary(hostvars) }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: The summary in Markdown, ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_summary import render_summary_markdown


def triage_summary_markdown(summary):
    if not isinstance(summary, dict) or "accounts" not in summary:
        raise AnsibleFilterError("triage_summary_markdown takes what alibabacloud.sas.triage_summary returns")
    return render_summary_markdown(summary)


class FilterModule:
    def filters(self):
        return {"triage_summary_markdown": triage_summary_markdown}
