# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' files on the controller - the report and audit trail directories, a report's JSON and Markdown - made
by the action alibabacloud.sas.report_files in the ansible-playbook process: a module run for each (file, copy) took
about 0.4 s, and the copy of a triage report of 400 alerts 1 s, out of a triage of 8 s.

Each function takes check: what would be done is returned, nothing is done."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from typing import Any, Dict, List, Optional

DIRECTORY_MODE = 0o750
REPORT_MODE = 0o640


class ReportFileError(Exception):
    """A directory or a report file that could not be made, and why."""


def make_directories(paths: List[str], check: bool = False) -> List[str]:
    """Each directory made when missing, with its missing parents, each of them with DIRECTORY_MODE (whatever the
    umask); a directory already there is left as it is (it may be a shared one, such as /var/log). The directories
    made, each after its parent."""
    made: List[str] = []
    for path in paths:
        try:
            for directory in _missing_directories(path):
                if directory not in made:
                    if not check:
                        _make_directory(directory)
                    made.append(directory)
        except OSError as exc:
            raise ReportFileError("cannot make the directory %s: %s" % (path, exc)) from None  # exc names its path
    return made


def _missing_directories(path: str) -> List[str]:
    """path and its parents that are not there, the outermost first; a file in the way is refused, as mkdir would."""
    missing = []
    path = os.path.abspath(path)
    while not os.path.isdir(path):
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
        missing.append(path)
        path = os.path.dirname(path)
    return missing[::-1]


def _make_directory(path: str) -> None:
    try:
        os.mkdir(path)
    except FileExistsError:  # made meanwhile by the run of another account, or a file is there
        if os.path.isdir(path):
            return
        raise
    os.chmod(path, DIRECTORY_MODE)


def report_texts(stem: str, data: Optional[Dict[str, Any]], markdown: Optional[str]) -> Dict[str, str]:
    """File -> text: data as <stem>.json (keys sorted, as to_nice_json(indent=2) writes it) and markdown as
    <stem>.md, each when given."""
    texts = {}
    if data is not None:
        texts[stem + ".json"] = json.dumps(data, indent=2, sort_keys=True, separators=(",", ": ")) + "\n"
    if markdown is not None:
        texts[stem + ".md"] = markdown
    return texts


def write_files(texts: Dict[str, str], check: bool = False) -> List[str]:
    """Each file (path -> text) that does not hold its text with REPORT_MODE written whole or not at all, a link
    there replaced and never followed. The files written."""
    written = []
    for path, text in texts.items():
        content = text.encode("utf-8")
        try:
            if _holds(path, content):
                continue
            if not check:
                _write_whole(path, content)
        except OSError as exc:
            raise ReportFileError("cannot write the report %s: %s" % (path, exc)) from None
        written.append(path)
    return written


def _holds(path: str, content: bytes) -> bool:
    """Whether path is a regular file, not a link, with REPORT_MODE and content."""
    try:  # O_NONBLOCK: a FIFO put there must not hang the run
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link
            return False
        raise
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(source.fileno())
        return (stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == REPORT_MODE
                and info.st_size == len(content) and source.read() == content)


def _write_whole(path: str, content: bytes) -> None:
    """content into path through a new file beside it, renamed at the end: a reader sees the old file or the new
    one, and a link at path is replaced, not followed."""
    directory, name = os.path.split(path)
    fd, temporary = tempfile.mkstemp(prefix="." + name + ".", dir=directory or ".")
    try:
        with os.fdopen(fd, "wb") as sink:
            os.fchmod(sink.fileno(), REPORT_MODE)
            sink.write(content)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
