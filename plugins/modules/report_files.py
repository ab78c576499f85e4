#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: report_files
short_description: Make report directories and write a report's JSON and Markdown files on the controller
version_added: 0.2.0
description:
  - Makes the directories I(directories) that are missing, with their missing parents, each with mode C(0750)
    whatever the umask. A directory already there is left as it is - it may be a shared one, such as C(/var/log).
  - Writes I(data) as C(<path>.json) (keys sorted, as the filter C(to_nice_json) with C(indent=2) writes it, and a
    newline) and I(markdown) as C(<path>.md), each with mode C(0640), each whole or not at all - a reader sees the
    previous file or the new one. A file that already holds that text with that mode is left as it is. A link at
    a file's path is replaced by the file, never followed.
  - It runs on the controller, in the C(ansible-playbook) process itself (an action plugin, no module process and
    no connection), whatever the host of the task - no C(delegate_to) is needed, and the connection options of the
    action group C(alibabacloud.sas.sas) do not apply to it.
  - In check mode it makes and writes nothing, and says what it would have made and written. The roles
    P(alibabacloud.sas.triage#role) and P(alibabacloud.sas.respond#role) run it with the task keyword
    C(check_mode) set to V(false), so that a dry run writes its report too.
  - A directory or a file that cannot be made (a file in the way, no permission) fails the task, naming the path
    and why.
author:
  - alibabacloud.sas maintainers (@alibabacloud)
options:
  directories:
    description:
      - The directories to make when missing.
    type: list
    elements: path
  path:
    description:
      - The path of the report's files, without C(.json) or C(.md); its directory must exist (make it with
        I(directories) in the same task). Required with I(data) or I(markdown).
    type: path
  data:
    description:
      - The report as data, written as C(<path>.json).
    type: dict
  markdown:
    description:
      - The report for people, written as C(<path>.md) as it is - render alert text escaped, as
        P(alibabacloud.sas.triage_markdown#filter) does.
    type: str
  keep:
    description:
      - The keys of I(data) to return in RV(kept) - what the play goes on with, so that it need not keep the whole
        report as a fact (Ansible copies a large fact at every task that reads it). A key I(data) lacks is left out.
    type: list
    elements: str
attributes:
  action:
    support: full
    description: The work is done by the action plugin on the controller; there is no module to run on a host.
  async:
    support: none
    description: It runs in the C(ansible-playbook) process.
  check_mode:
    support: full
    description: Makes and writes nothing; RV(changed), RV(directories) and RV(files) say what it would do.
  diff_mode:
    support: none
    description: No diff is shown.
  platform:
    platforms: posix
    support: full
    description: The controller's file system, whatever the host of the task.
seealso:
  - plugin: alibabacloud.sas.triage_report
    plugin_type: filter
  - plugin: alibabacloud.sas.triage_markdown
    plugin_type: filter
"""

EXAMPLES = r"""
- name: List the pending alerts
  alibabacloud.sas.sas_alert_info:
  register: pending

# The report is templated twice, for data and for markdown: triage_report is a pure filter, so both are the same
# report, and the play keeps only its summary, never the whole report as a fact.
- name: Write what a dry run of the policy would do, for programs and for people, in ./reports, also in check mode
  alibabacloud.sas.report_files:
    directories: ["{{ playbook_dir }}/reports"]
    path: "{{ playbook_dir }}/reports/triage-dry-run"
    data: "{{ report }}"
    markdown: "{{ report | alibabacloud.sas.triage_markdown }}"
    keep: [summary]
  vars:
    report: "{{ pending.alerts | alibabacloud.sas.triage_plan(policy)
      | alibabacloud.sas.triage_report(none, account=inventory_hostname, check_mode=true) }}"
    policy: [{name: ignore-reminders, match: {level: remind}, action: ignore}]
  check_mode: false
  register: written

- name: Say what was written
  ansible.builtin.debug:
    msg: "{{ written.kept.summary.needs_attention }} alerts need attention: {{ written.files }}"
"""

RETURN = r"""
changed:
  description: Whether a directory was made or a file written (in check mode, would be).
  returned: always
  type: bool
  sample: true
directories:
  description: The directories made (in check mode, that would be), each after its parent, as absolute paths.
  returned: always
  type: list
  elements: str
  sample: [/srv/triage/reports]
files:
  description: The files written (in check mode, that would be); a file that already held its text is not among
    them.
  returned: always
  type: list
  elements: str
  sample: [/srv/triage/reports/triage-dry-run.json, /srv/triage/reports/triage-dry-run.md]
kept:
  description: The keys of I(data) that I(keep) names, with their values.
  returned: when I(keep) is given
  type: dict
  sample: {summary: {needs_attention: 0, by_outcome: {handled: 3}}}
"""
