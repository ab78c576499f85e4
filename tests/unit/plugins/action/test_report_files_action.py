# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action report_files as ansible-playbook runs it (ActionBase with a task, no connection used): what it makes
and writes, `changed` true only when it made or wrote something, check mode that says so and touches nothing,
refused arguments; and its documentation says what its argument spec takes."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import yaml
from ansible.errors import AnsibleActionFail

from ansible_collections.alibabacloud.sas.plugins.action.report_files import ARGUMENT_SPEC, ActionModule
from ansible_collections.alibabacloud.sas.plugins.modules import report_files


def run(args: dict, check_mode: bool = False) -> dict:
    task = SimpleNamespace(args=args, check_mode=check_mode, async_val=0, action="alibabacloud.sas.report_files")
    no_connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir=None))  # ActionBase reads its tmpdir, nothing more
    action = ActionModule(task, no_connection, play_context=None, loader=None, templar=None)
    return action.run(task_vars={})


@pytest.fixture
def report_args(tmp_path):
    reports = tmp_path / "reports"
    return {"directories": [str(reports), str(tmp_path / "audit")], "path": str(reports / "triage-prod"),
            "data": {"summary": {"handled": 1}}, "markdown": "# Triage of prod\n"}


def test_a_run_makes_and_writes_and_the_same_run_again_changes_nothing(tmp_path, report_args):
    stem = report_args["path"]
    assert run(report_args) == {"changed": True, "directories": report_args["directories"],
                                "files": [stem + ".json", stem + ".md"]}
    assert open(stem + ".json", encoding="utf-8").read() == '{\n  "summary": {\n    "handled": 1\n  }\n}\n'
    assert open(stem + ".md", encoding="utf-8").read() == "# Triage of prod\n"
    assert run(report_args) == {"changed": False, "directories": [], "files": []}


def test_check_mode_says_what_it_would_do_and_does_nothing(tmp_path, report_args):
    stem = report_args["path"]
    assert run(report_args, check_mode=True) == {"changed": True, "directories": report_args["directories"],
                                                 "files": [stem + ".json", stem + ".md"]}
    assert os.listdir(tmp_path) == []
    run(report_args)
    assert run(report_args, check_mode=True)["changed"] is False
    report_args["markdown"] = "# Triage of prod, again\n"
    assert run(report_args, check_mode=True) == {"changed": True, "directories": [], "files": [stem + ".md"]}
    assert open(stem + ".md", encoding="utf-8").read() == "# Triage of prod\n"


def test_keep_returns_those_keys_of_data_and_only_them(tmp_path):
    data = {"summary": {"handled": 1}, "warnings": [], "alerts": [{"id": 1}] * 400}
    result = run({"path": str(tmp_path / "triage"), "data": data, "keep": ["summary", "warnings", "absent"]})
    assert result["kept"] == {"summary": {"handled": 1}, "warnings": []}
    assert "kept" not in run({"path": str(tmp_path / "triage"), "data": data})


def test_directories_alone_or_files_alone(tmp_path):
    assert run({"directories": [str(tmp_path / "reports")]})["directories"] == [str(tmp_path / "reports")]
    assert run({"path": str(tmp_path / "respond"), "data": {}})["files"] == [str(tmp_path / "respond.json")]


@pytest.mark.parametrize("args, message", [
    ({}, "one of the following is required: directories, path"),
    ({"path": "/tmp/report"}, "path needs data or markdown"),
    ({"directories": ["/tmp"], "markdown": "# x"}, "required by .markdown.: path"),
    ({"path": "/tmp/report", "data": "not a dict"}, "data"),
    ({"path": "/tmp/report", "markdown": "# x", "keep": ["summary"]}, "required by .keep.: data"),
])
def test_arguments_that_cannot_work_are_refused(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run(args)


def test_a_file_that_cannot_be_written_fails_the_task_naming_it(tmp_path):
    with pytest.raises(AnsibleActionFail, match="cannot write the report %s/missing/report.json" % tmp_path):
        run({"path": str(tmp_path / "missing" / "report"), "data": {}})


def test_the_documented_options_are_the_argument_spec():
    options = yaml.safe_load(report_files.DOCUMENTATION)["options"]
    documented = {name: {key: option[key] for key in ("type", "elements", "default") if key in option}
                  for name, option in options.items()}
    assert documented == ARGUMENT_SPEC
