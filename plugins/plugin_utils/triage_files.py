# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The triage's files on the controller - its directories and the report's JSON and Markdown - made by the role's
filters in the ansible-playbook process itself: a module run for each (file, copy) took about 0.4 s, and the copy of
a report of 400 alerts 1 s, out of a triage of 8 s."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, List

from ansible_collections.alibabacloud.sas.plugins.plugin_utils.triage_report import attention_alerts, render_markdown

DIRECTORY_MODE = 0o750
REPORT_MODE = 0o640


class TriageFileError(Exception):
    """A directory or a report file that could not be made, and why."""


def make_directories(paths: List[str]) -> List[str]:
    """Each directory made when missing, with its missing parents, each of them with DIRECTORY_MODE (whatever the
    umask); a directory already there is left as it is (it may be a shared one, such as /var/log). The paths."""
    for path in paths:
        try:
            _make_directory(path)
        except OSError as exc:
            raise TriageFileError("cannot make the directory %s: %s" % (path, exc)) from None  # exc names its path
    return paths


def _make_directory(path: str) -> None:
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent != path:
        _make_directory(parent)
    try:
        os.mkdir(path)
    except FileExistsError:  # made meanwhile by the triage of another account, or a file is there
        if os.path.isdir(path):
            return
        raise
    os.chmod(path, DIRECTORY_MODE)


def write_report(report: Dict[str, Any], stem: str) -> Dict[str, Any]:
    """The report as <stem>.json (the data, keys sorted, as to_nice_json(indent=2) writes it) and <stem>.md (for
    people, every value escaped: render_markdown), each file whole or not at all. Returns the paths (json,
    markdown) and what a play goes on with (the report's summary, warnings and the alerts that need a person:
    attention_alerts), so that it need not hold the whole
    report, which Ansible copies at every task that reads it."""
    written = {"json": stem + ".json", "markdown": stem + ".md"}
    texts = {"json": json.dumps(report, indent=2, sort_keys=True, separators=(",", ": ")) + "\n",
             "markdown": render_markdown(report)}
    for kind, path in written.items():
        try:
            _write_whole(path, texts[kind])
        except OSError as exc:
            raise TriageFileError("cannot write the report %s: %s" % (path, exc)) from None
    return dict(written, summary=report["summary"], warnings=report.get("warnings", []),
                needs_attention=attention_alerts(report))


def _write_whole(path: str, text: str) -> None:
    """text into path through a file beside it, renamed at the end: a reader sees the old file or the new one."""
    directory, name = os.path.split(path)
    fd, temporary = tempfile.mkstemp(prefix="." + name + ".", dir=directory or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as sink:
            os.fchmod(sink.fileno(), REPORT_MODE)
            sink.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
