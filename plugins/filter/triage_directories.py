# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: triage_directories
short_description: Make the directories of a Security Center triage on the controller
version_added: 0.2.0
author:
  - alibabacloud.sas maintainers (@alibabacloud)
description:
  - Makes each directory that is missing, with its missing parents, on the controller, each with mode C(0750)
    whatever the umask, and returns the paths. A directory already there is left as it is - it may be a shared one,
    such as C(/var/log).
  - The triage role makes its report directory and the audit trail's with it before any call to the service, also in
    check mode, in the C(ansible-playbook) process itself instead of a module run for each.
  - A path that cannot be a directory (a file is there, no permission) fails the task, naming the path and why.
positional: _input
options:
  _input:
    description: The absolute paths of the directories.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Make the report directory, also in check mode
  ansible.builtin.set_fact:
    made: "{{ [playbook_dir ~ '/reports'] | alibabacloud.sas.triage_directories }}"
"""

RETURN = r"""
_value:
  description: The paths, in their order.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_files import TriageFileError, make_directories


def triage_directories(paths):
    if not isinstance(paths, list) or not all(isinstance(path, str) and path for path in paths):
        raise AnsibleFilterError("triage_directories takes a list of directory paths")
    try:
        return make_directories(paths)
    except TriageFileError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"triage_directories": triage_directories}
