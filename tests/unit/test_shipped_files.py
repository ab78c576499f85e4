# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tarball ships stands on its own: no shipped text points at files users never get.

The tarball is built as `ansible-galaxy collection build` builds it (galaxy.yml build_ignore applies).
This test is itself left out of it (build_ignore): it needs the source repository around it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Things only the source repository has: the fact sheet beside the checkout, the Makefile's targets,
# its virtualenv and the tests that are not shipped.
FORBIDDEN = ("shared/", "../shared", "SAS_API", "make demo", "make test", ".venv", "tests/")
# Written by the build itself: they list every shipped path, tests/unit ones included.
GENERATED = ("MANIFEST.json", "FILES.json")
# A README section under a heading that names the source repository is for its developers.
DEVELOPER_HEADING = re.compile(r"source repository", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# A file of the installed collection, as the shipped documents name it to users: $sas/<path> (where $sas is the
# collection's directory) or ~/.ansible/collections/ansible_collections/alibabacloud/sas/<path>.
INSTALLED_FILE = re.compile(r"(?:\$sas|ansible_collections/alibabacloud/sas)/([\w./-]*\w)")


def without_developer_sections(markdown: str) -> str:
    """The markdown without the sections (up to the next heading of the same or a higher level) whose
    heading names the source repository. Lines in code fences are never headings."""
    kept, skip_level, fenced = [], None, False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            level = len(match.group(1))
            if skip_level is not None and level <= skip_level:
                skip_level = None
            if skip_level is None and DEVELOPER_HEADING.search(match.group(2)):
                skip_level = level
        if skip_level is None:
            kept.append(line)
    return "\n".join(kept)


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", "--output-path", str(out),
                    str(ROOT)], check=True, capture_output=True, text=True)
    (built,) = out.glob("alibabacloud-sas-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def shipped(tarball) -> dict:
    """Every shipped text file: path -> text (binary files left out)."""
    texts = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            data = archive.extractfile(member).read()
            try:
                texts[member.name] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def test_the_tarball_holds_what_users_run_and_nothing_of_the_repository(shipped):
    for path in ("README.md", "galaxy.yml"):
        assert (path in shipped) is (path == "README.md"), path
    for path in ("sas_emulator/__main__.py", "sas_emulator/README.md", "plugins/module_utils/service_facts.py",
                 "plugins/modules/sas_alert_handle.py"):
        assert path in shipped, path
    assert not [path for path in shipped if path.startswith(("tests/e2e/", "tests/emulator/", "scripts/"))]
    assert "tests/unit/test_shipped_files.py" not in shipped


def test_no_shipped_text_points_at_the_source_repository(shipped):
    found = []
    for path, text in sorted(shipped.items()):
        if path in GENERATED:
            continue
        if path.endswith("README.md"):
            text = without_developer_sections(text)
        for number, line in enumerate(text.splitlines(), 1):
            found += ["%s:%d: %s: %s" % (path, number, word, line.strip()) for word in FORBIDDEN if word in line]
    assert not found, "shipped text that only makes sense in the source repository:\n" + "\n".join(found)


def test_the_readme_marks_its_developer_sections_and_keeps_the_rest(shipped):
    readme = shipped["README.md"]
    users = without_developer_sections(readme)
    assert "make demo" in readme and "make demo" not in users  # the two commands are for developers
    assert "## Development (in the source repository)" in readme
    for section in ("## Install", "## Triage as code", "## Modules", "## Authentication", "## The emulator"):
        assert section in users, section


def test_every_file_the_shipped_documents_tell_users_to_use_is_shipped(shipped):
    named = {}
    for path, text in shipped.items():
        if path.endswith(".md"):
            for name in INSTALLED_FILE.findall(without_developer_sections(text)):
                named.setdefault(name, path)
    # What the README's "Triage as code" runs from the installed collection: the example policy and the
    # emulator's demo data set (the emulator's own __main__ is checked above).
    assert {"playbooks/policies/example.yml", "sas_emulator/datasets/demo.json", "requirements.txt"} <= set(named)
    missing = {name: path for name, path in named.items() if name not in shipped}
    assert not missing, "documents name files the tarball does not ship: %s" % missing


def test_sanity_ignores_name_only_shipped_files(shipped):
    # ansible-test sanity on the tarball fails on an ignore entry for a file it does not have.
    for path, text in shipped.items():
        if re.fullmatch(r"tests/sanity/ignore-[0-9.]+\.txt", path):
            for line in text.splitlines():
                if line.strip() and not line.startswith("#"):
                    assert line.split()[0] in shipped, (path, line)


def test_the_emulator_help_runs_from_the_tarball_alone(tarball, tmp_path):
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="data")
    result = subprocess.run([sys.executable, "-m", "sas_emulator", "--help"], cwd=tmp_path, check=True,
                            capture_output=True, text=True)
    assert "--qps" in result.stdout
    assert not [word for word in FORBIDDEN if word in result.stdout]


@pytest.mark.parametrize("markdown, kept", [
    ("# A\nx\n## In the source repository\nmake test\n### Sub\n.venv\n## B\ny\n", "# A\nx\n## B\ny"),
    ("## Development (source repository)\nmake demo\n# Top\nz\n", "# Top\nz"),
    ("## Users\n```sh\n# source repository, a comment in a code block\nkept\n```\n",
     "## Users\n```sh\n# source repository, a comment in a code block\nkept\n```"),
    ("## Users\nsee the source repository for more\n", "## Users\nsee the source repository for more"),
])
def test_only_sections_under_a_developer_heading_are_exempt(markdown, kept):
    assert without_developer_sections(markdown) == kept
