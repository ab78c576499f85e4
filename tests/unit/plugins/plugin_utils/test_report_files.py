# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' files on the controller, as the action report_files makes them: the directories (with the mode
ansible.builtin.file gave them) and a report's JSON and Markdown (as the copy tasks wrote them), whole or not at all,
a file that holds its text left alone, a planted link replaced, a refusal that names the path; check mode says the
same and does nothing."""

from __future__ import annotations

import json
import os
import stat

import pytest
from ansible.plugins.filter.core import to_nice_json
from test_triage_report import make_plan

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.report_files import (
    ReportFileError,
    make_directories,
    report_texts,
    write_files,
)
from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import build_report, render_markdown


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
        made = make_directories([reports, audit, reports])
    finally:
        os.umask(old)
    assert made == [str(tmp_path / "a"), str(tmp_path / "a" / "b"), reports, audit]
    assert [mode(path) for path in made] == [0o750] * 4
    assert make_directories([reports, audit]) == []


def test_check_mode_names_the_directories_and_makes_none(tmp_path):
    reports = tmp_path / "a" / "reports"
    assert make_directories([str(reports)], check=True) == [str(tmp_path / "a"), str(reports)]
    assert os.listdir(tmp_path) == []


def test_a_directory_already_there_keeps_its_mode_and_its_files(tmp_path):
    """The role once ran ansible.builtin.file with mode 0750 on the audit trail's directory: /var/log made 0750."""
    shared = tmp_path / "log"
    shared.mkdir()
    shared.chmod(0o755)
    (shared / "old.json").write_text("{}")
    assert make_directories([str(shared), str(shared / "reports")]) == [str(shared / "reports")]
    assert (mode(shared), mode(shared / "reports")) == (0o755, 0o750)
    assert (shared / "old.json").read_text() == "{}"


@pytest.mark.parametrize("check", [False, True])
def test_a_file_where_a_directory_goes_fails_naming_the_path_also_in_check_mode(tmp_path, check):
    (tmp_path / "taken").write_text("")
    with pytest.raises(ReportFileError, match="cannot make the directory %s/taken/reports: .*File exists: '%s/taken'"
                       % (tmp_path, tmp_path)):
        make_directories([str(tmp_path / "taken" / "reports")], check=check)


def test_the_report_is_written_as_the_copy_tasks_wrote_it_0640(tmp_path, report):
    stem = str(tmp_path / "triage-prod-20270115T000000.000000Z")
    texts = report_texts(stem, report, render_markdown(report))
    assert write_files(texts) == [stem + ".json", stem + ".md"]
    # byte for byte what `content: "{{ report | to_nice_json(indent=2) }}\n"` gave
    assert (tmp_path / (stem + ".json")).read_text(encoding="utf-8") == to_nice_json(report, indent=2) + "\n"
    assert json.loads((tmp_path / (stem + ".json")).read_text(encoding="utf-8")) == report
    assert (tmp_path / (stem + ".md")).read_text(encoding="utf-8") == render_markdown(report)
    assert "\u202e" not in (tmp_path / (stem + ".md")).read_text(encoding="utf-8")
    assert [mode(path) for path in (stem + ".json", stem + ".md")] == [0o640, 0o640]
    assert sorted(os.listdir(tmp_path)) == sorted(os.path.basename(path) for path in (stem + ".json", stem + ".md"))


def test_each_file_is_written_when_given(tmp_path):
    stem = str(tmp_path / "respond")
    assert list(report_texts(stem, {"b": 1}, None)) == [stem + ".json"]
    assert list(report_texts(stem, None, "# report\n")) == [stem + ".md"]


def test_a_file_that_holds_its_text_is_left_alone_one_with_another_mode_or_text_is_written(tmp_path):
    kept, other_mode, other_text = (str(tmp_path / name) for name in ("kept.md", "mode.md", "text.md"))
    texts = {kept: "same\n", other_mode: "same\n", other_text: "new\n"}
    write_files(texts)
    os.chmod(other_mode, 0o644)
    with open(other_text, "w", encoding="utf-8") as sink:
        sink.write("old\n")
    inode = os.stat(kept).st_ino
    assert write_files(texts, check=True) == [other_mode, other_text]
    assert (mode(other_mode), open(other_text, encoding="utf-8").read()) == (0o644, "old\n")
    assert write_files(texts) == [other_mode, other_text]
    assert os.stat(kept).st_ino == inode and mode(other_mode) == 0o640
    assert open(other_text, encoding="utf-8").read() == "new\n"
    assert write_files(texts) == []


def test_a_link_planted_at_a_file_is_replaced_never_followed(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("same\n")
    target.chmod(0o640)
    (tmp_path / "triage.md").symlink_to(target)
    assert write_files({str(tmp_path / "triage.md"): "same\n"}) == [str(tmp_path / "triage.md")]
    assert not (tmp_path / "triage.md").is_symlink() and (tmp_path / "triage.md").read_text() == "same\n"
    assert target.read_text() == "same\n"


def test_a_fifo_planted_at_a_file_is_replaced_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "triage.json")
    assert write_files({str(tmp_path / "triage.json"): "{}\n"}) == [str(tmp_path / "triage.json")]
    assert (tmp_path / "triage.json").read_text() == "{}\n"


def test_a_report_that_cannot_be_written_leaves_the_old_file_whole_and_names_the_path(tmp_path, report, monkeypatch):
    stem = str(tmp_path / "triage")
    (tmp_path / "triage.json").write_text("old")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ReportFileError, match=r"cannot write the report %s.json: \[Errno 28\] No space left" % stem):
        write_files(report_texts(stem, report, None))
    assert os.listdir(tmp_path) == ["triage.json"] and (tmp_path / "triage.json").read_text() == "old"
