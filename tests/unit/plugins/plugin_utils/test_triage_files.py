# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage's files, made in the ansible-playbook process by the role's filters: the directories (with the mode
ansible.builtin.file gave them) and the report's JSON and Markdown (as the copy tasks wrote them), whole or not at
all, and a refusal that names the path."""

from __future__ import annotations

import json
import os
import stat

import pytest
from ansible.errors import AnsibleFilterError
from ansible.plugins.filter.core import to_nice_json
from test_triage_report import make_plan

from ansible_collections.alibabacloud.sas.plugins.filter.triage_directories import triage_directories
from ansible_collections.alibabacloud.sas.plugins.filter.triage_report_files import triage_report_files
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import (
    attention_alerts,
    build_report,
    render_markdown,
)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def report():
    plan = make_plan()
    plan["alerts"][0]["name"] = "évil \u202e name\n| cell"  # alert text is data, never markup
    return build_report(plan, None, {"account": "prod", "other_site": {"pending": 3, "endpoint": "tds.aliyuncs.com"}})


def test_directories_are_made_with_their_parents_each_0750_whatever_the_umask(tmp_path):
    reports, audit = str(tmp_path / "a" / "b" / "reports"), str(tmp_path / "audit")
    old = os.umask(0o077)
    try:
        assert triage_directories([reports, audit, reports]) == [reports, audit, reports]
    finally:
        os.umask(old)
    assert [mode(path) for path in (tmp_path / "a", tmp_path / "a" / "b", reports, audit)] == [0o750] * 4


def test_a_directory_already_there_keeps_its_mode_and_its_files(tmp_path):
    """The role once ran ansible.builtin.file with mode 0750 on the audit trail's directory: /var/log made 0750."""
    shared = tmp_path / "log"
    shared.mkdir()
    shared.chmod(0o755)
    (shared / "old.json").write_text("{}")
    triage_directories([str(shared), str(shared / "reports")])
    assert (mode(shared), mode(shared / "reports")) == (0o755, 0o750)
    assert (shared / "old.json").read_text() == "{}"


def test_a_file_where_a_directory_goes_fails_naming_the_path(tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(AnsibleFilterError, match="cannot make the directory %s/taken/reports: .*File exists: '%s/taken'"
                       % (tmp_path, tmp_path)):
        triage_directories([str(tmp_path / "taken" / "reports")])
    with pytest.raises(AnsibleFilterError, match="a list of directory paths"):
        triage_directories("reports")


def test_the_report_is_written_as_the_copy_tasks_wrote_it_0640_and_the_play_keeps_its_summary(tmp_path, report):
    stem = str(tmp_path / "triage-prod-20270115T000000.000000Z")
    written = triage_report_files(report, stem)
    assert written == {"json": stem + ".json", "markdown": stem + ".md", "summary": report["summary"],
                       "warnings": report["warnings"], "needs_attention": attention_alerts(report)}
    assert report["warnings"] and written["needs_attention"]
    # byte for byte what `content: "{{ report | to_nice_json(indent=2) }}\n"` gave
    assert (tmp_path / (stem + ".json")).read_text(encoding="utf-8") == to_nice_json(report, indent=2) + "\n"
    assert json.loads((tmp_path / (stem + ".json")).read_text(encoding="utf-8")) == report
    assert (tmp_path / (stem + ".md")).read_text(encoding="utf-8") == render_markdown(report)
    assert "\u202e" not in (tmp_path / (stem + ".md")).read_text(encoding="utf-8")
    assert [mode(path) for path in (stem + ".json", stem + ".md")] == [0o640, 0o640]
    assert sorted(os.listdir(tmp_path)) == sorted(os.path.basename(path) for path in (stem + ".json", stem + ".md"))


def test_a_report_that_cannot_be_written_leaves_the_old_file_whole_and_names_the_path(tmp_path, report, monkeypatch):
    stem = str(tmp_path / "triage")
    (tmp_path / "triage.json").write_text("old")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(AnsibleFilterError, match=r"cannot write the report %s.json: \[Errno 28\] No space left" % stem):
        triage_report_files(report, stem)
    assert os.listdir(tmp_path) == ["triage.json"] and (tmp_path / "triage.json").read_text() == "old"


def test_the_report_files_take_a_report_and_a_path(report):
    with pytest.raises(AnsibleFilterError, match="takes the report"):
        triage_report_files({"alerts": []}, "/tmp/x")
    with pytest.raises(AnsibleFilterError, match="takes the path"):
        triage_report_files(report, "")
