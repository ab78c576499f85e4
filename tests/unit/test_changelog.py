# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The changelog: CHANGELOG.rst renders changelogs/changelog.yaml, and a release takes the fragments no
release lists yet, leaving every fragment file in place (changelogs/config.yaml, keep_fragments)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHANGES = ROOT / "changelogs" / "changelog.yaml"
FRAGMENTS = ROOT / "changelogs" / "fragments"

pytestmark = pytest.mark.skipif(not (ROOT / "galaxy.yml").is_file(), reason="needs the source repository")


def _released(changes: dict) -> set:
    return {name for release in changes["releases"].values() for name in release.get("fragments", [])}


def _antsibull_changelog(*arguments, cwd):
    pytest.importorskip("antsibull_changelog", reason="antsibull-changelog is not installed (test-requirements.txt)")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    process = subprocess.run([sys.executable, "-m", "antsibull_changelog", *arguments], cwd=str(cwd), env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert process.returncode == 0, process.stdout + process.stderr


@pytest.fixture
def project(tmp_path) -> Path:
    """What antsibull-changelog reads, copied: galaxy.yml and changelogs/."""
    shutil.copy(ROOT / "galaxy.yml", tmp_path)
    shutil.copytree(ROOT / "changelogs", tmp_path / "changelogs", ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
    return tmp_path


def test_the_version_of_galaxy_yml_is_released():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert galaxy["version"] in yaml.safe_load(CHANGES.read_text())["releases"]


def test_changelog_rst_is_what_changelog_yaml_renders(project):
    _antsibull_changelog("generate", cwd=project)
    assert (project / "CHANGELOG.rst").read_text() == (ROOT / "CHANGELOG.rst").read_text()


def test_the_next_release_takes_only_the_new_fragments_and_keeps_every_file(project):
    fragments = project / "changelogs" / "fragments"
    (fragments / "99-next.yml").write_text("---\nbugfixes:\n  - sas_alert_info - a change after the release.\n")
    before = {path.name for path in fragments.iterdir()}
    released = _released(yaml.safe_load(CHANGES.read_text()))

    _antsibull_changelog("release", "--version", "99.0.0", "--date", "2099-01-01", cwd=project)

    changes = yaml.safe_load((project / "changelogs" / "changelog.yaml").read_text())
    new = set(changes["releases"]["99.0.0"]["fragments"])
    assert new == before - released
    assert "99-next.yml" in new
    assert {path.name for path in fragments.iterdir()} == before
    assert "a change after the release" in (project / "CHANGELOG.rst").read_text()
