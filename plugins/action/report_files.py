# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.sas.report_files: the roles' directories and report files, made on the controller by
ansible-playbook itself - no module process, no connection - so that a triage does not spend a module run on each
(plugins/modules/report_files.py documents it)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.report_files import (
    ReportFileError,
    make_directories,
    report_texts,
    write_files,
)

ARGUMENT_SPEC = {
    "directories": {"type": "list", "elements": "path"},
    "path": {"type": "path"},
    "data": {"type": "dict"},
    "markdown": {"type": "str"},
    "keep": {"type": "list", "elements": "str"},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._checked_args()
        try:
            made = make_directories(args["directories"] or [], check=self._task.check_mode)
            written = write_files(report_texts(args["path"], args["data"], args["markdown"]),
                                  check=self._task.check_mode) if args["path"] else []
        except ReportFileError as exc:
            raise AnsibleActionFail(str(exc)) from None
        result.update(changed=bool(made or written), directories=made, files=written)
        if args["keep"] is not None:
            result["kept"] = {key: args["data"][key] for key in args["keep"] if key in args["data"]}
        return result

    def _checked_args(self) -> dict:
        args = self.validate_argument_spec(ARGUMENT_SPEC, required_one_of=[["directories", "path"]],
                                           required_by={"data": "path", "markdown": "path", "keep": "data"})[1]
        if args["path"] and args["data"] is None and args["markdown"] is None:
            raise AnsibleActionFail("path needs data or markdown: the files written are <path>.json and <path>.md")
        return args
