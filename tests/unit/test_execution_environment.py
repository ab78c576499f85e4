# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`ansible-builder create` makes a build context from execution-environment.yml, and what the image
build would run in it works offline: ansible-galaxy installs this collection from the context, and
ansible-builder's introspection finds the collection's Python requirements. No container engine and
no network are needed."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXECUTION_ENVIRONMENT = ROOT / "execution-environment.yml"
# What the collection tarball ships but the image leaves out on purpose: nothing that runs.
NOT_IN_IMAGE = {"changelogs", "docs", "extensions", "tests", "execution-environment.yml",
                "decision-environment.yml"}
DECISION_ENVIRONMENT = ROOT / "decision-environment.yml"


def _run(command, cwd, env):
    process = subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    assert process.returncode == 0, "%s\n%s\n%s" % (" ".join(command), process.stdout, process.stderr)
    return process


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory):
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_")}
    env["ANSIBLE_HOME"] = str(tmp_path_factory.mktemp("ansible-home"))
    env["ANSIBLE_GALAXY_DISABLE_GPG_VERIFY"] = "1"  # as the generated Containerfile does
    return env


@pytest.fixture(scope="module")
def context(tmp_path_factory, offline_env):
    pytest.importorskip("ansible_builder", reason="ansible-builder is not installed (test-requirements.txt)")
    context = tmp_path_factory.mktemp("ee") / "context"
    _run([sys.executable, "-m", "ansible_builder", "create", "-f", str(EXECUTION_ENVIRONMENT),
          "--context", str(context), "--output-filename", "Containerfile", "-v", "1"], ROOT, offline_env)
    return context


@pytest.fixture(scope="module")
def installed(context, tmp_path_factory, offline_env):
    """The galaxy stage of the image build: `ansible-galaxy collection install -r requirements.yml` in /build."""
    collections = tmp_path_factory.mktemp("ee-collections")
    _run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "install", "--offline",
          "-r", "requirements.yml", "--collections-path", str(collections)], context / "_build", offline_env)
    return collections


def test_context_holds_a_containerfile_and_the_requirements(context):
    containerfile = (context / "Containerfile").read_text()
    base_image = yaml.safe_load(EXECUTION_ENVIRONMENT.read_text())["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base_image in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "--user-pip=requirements.txt" in containerfile  # the Python requirements are installed
    build = context / "_build"
    assert (build / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    definition = yaml.safe_load(EXECUTION_ENVIRONMENT.read_text())
    galaxy_requirements = EXECUTION_ENVIRONMENT.parent / definition["dependencies"]["galaxy"]
    assert (build / "requirements.yml").read_text() == galaxy_requirements.read_text()
    assert (build / "scripts" / "introspect.py").is_file()


def test_the_galaxy_stage_installs_this_collection(installed):
    collection = installed / "ansible_collections" / "alibabacloud" / "sas"
    manifest = yaml.safe_load((collection / "MANIFEST.json").read_text())
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert manifest["collection_info"]["version"] == galaxy["version"]
    assert (collection / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert (collection / "plugins" / "modules" / "sas_alert_handle.py").is_file()


@pytest.fixture(scope="module")
def tarball_files(tmp_path_factory, offline_env):
    """The files of the collection tarball, as `ansible-galaxy collection build` makes it."""
    output = tmp_path_factory.mktemp("tarball")
    _run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", str(ROOT),
          "--output-path", str(output)], ROOT, offline_env)
    (tarball,) = output.glob("alibabacloud-sas-*.tar.gz")
    with tarfile.open(tarball) as archive:
        return {member.name for member in archive.getmembers() if member.isfile()}


def test_the_tarball_ships_the_awx_files(tarball_files):
    for name in ("execution-environment.yml", "docs/awx.md", "extensions/awx/credential_type.yml",
                 "extensions/awx/requirements.yml", "extensions/awx/survey_spec.json", "requirements.txt"):
        assert name in tarball_files, name
    assert ".ansible-lint" not in tarball_files
    assert not any(name.startswith("playbooks/reports/") for name in tarball_files), "local triage reports"


def test_the_image_gets_what_the_collection_tarball_ships(installed, tarball_files):
    """The EE copies the collection into its build context entry by entry: none may be forgotten."""
    in_image = {path.relative_to(installed / "ansible_collections" / "alibabacloud" / "sas").as_posix()
                for path in (installed / "ansible_collections" / "alibabacloud" / "sas").rglob("*")
                if path.is_file()}
    expected = {name for name in tarball_files if name.split("/", 1)[0] not in NOT_IN_IMAGE}
    assert in_image == expected


def test_the_builder_stage_finds_the_python_requirements(context, installed, offline_env):
    build = context / "_build"
    output = _run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(installed),
                   "--user-pip=%s" % (build / "requirements.txt")], build, offline_env).stdout
    python = yaml.safe_load(output)["python"]
    for package in ("alibabacloud-sas20181203", "alibabacloud-credentials"):
        assert any(line.startswith(package) and "from collection alibabacloud.sas" in line for line in python), (
            package, python)


def test_the_tarball_ships_the_eda_files(tarball_files):
    for name in ("decision-environment.yml", "docs/eda.md", "extensions/eda/rulebooks/triage_new_alerts.yml",
                 "extensions/eda/plugins/event_source/sas_alerts.py"):
        assert name in tarball_files, name


def test_the_decision_environment_installs_the_collection_with_its_event_source(tmp_path, offline_env):
    """decision-environment.yml: ansible-rulebook and Java, and this collection from the checkout - the event
    source and the rulebook included - installed offline as its galaxy stage would."""
    pytest.importorskip("ansible_builder", reason="ansible-builder is not installed (test-requirements.txt)")
    context = tmp_path / "context"
    _run([sys.executable, "-m", "ansible_builder", "create", "-f", str(DECISION_ENVIRONMENT),
          "--context", str(context), "--output-filename", "Containerfile", "-v", "1"], ROOT, offline_env)
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-rulebook" in (context / "_build" / "requirements.txt").read_text()
    assert "java-17-openjdk" in (context / "_build" / "bindep.txt").read_text()
    assert "ansible-galaxy collection install" in containerfile
    collections = tmp_path / "collections"
    _run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "install", "--offline",
          "-r", "requirements.yml", "--collections-path", str(collections)], context / "_build", offline_env)
    installed = collections / "ansible_collections" / "alibabacloud" / "sas"
    assert (installed / "extensions" / "eda" / "plugins" / "event_source" / "sas_alerts.py").is_file()
    assert (installed / "extensions" / "eda" / "rulebooks" / "triage_new_alerts.yml").is_file()
