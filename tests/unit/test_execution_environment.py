# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution and decision environment definitions build from what users get, offline.

From an unpacked collection tarball, `ansible-builder create` makes a build context whose galaxy stage
installs alibabacloud.sas by name. From the source checkout, scripts/environment-context.sh makes the same
context with the collection tarball built there, and what the image build would run in it works offline:
ansible-galaxy installs this collection from the context, and ansible-builder's introspection finds the
collection's Python requirements. No container engine and no network are needed."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text()) if (ROOT / "galaxy.yml").is_file() else {}
ENVIRONMENT_CONTEXT = ROOT / "scripts" / "environment-context.sh"

pytestmark = [
    pytest.mark.skipif(not GALAXY or not ENVIRONMENT_CONTEXT.is_file(), reason="needs the source repository"),
]


def _run(command, cwd, env):
    process = subprocess.run(command, cwd=str(cwd), env=env, capture_output=True, text=True,
                             timeout=300, check=False)
    assert process.returncode == 0, "%s\n%s\n%s" % (" ".join(command), process.stdout, process.stderr)
    return process


@pytest.fixture(scope="module")
def offline_env(tmp_path_factory):
    pytest.importorskip("ansible_builder", reason="ansible-builder is not installed (test-requirements.txt)")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_")}
    env["ANSIBLE_HOME"] = str(tmp_path_factory.mktemp("ansible-home"))
    env["ANSIBLE_GALAXY_DISABLE_GPG_VERIFY"] = "1"  # as the generated Containerfile does
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@pytest.fixture(scope="module")
def tarball(tmp_path_factory, offline_env):
    """The collection tarball, as `ansible-galaxy collection build` makes it."""
    output = tmp_path_factory.mktemp("tarball")
    _run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", str(ROOT),
          "--output-path", str(output)], ROOT, offline_env)
    (built,) = output.glob("alibabacloud-sas-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def tarball_files(tarball):
    with tarfile.open(tarball) as archive:
        return {member.name for member in archive.getmembers() if member.isfile()}


@pytest.fixture(scope="module")
def unpacked(tarball, tmp_path_factory):
    """The tarball unpacked as a user gets it: no galaxy.yml, no git work tree around it."""
    collection = tmp_path_factory.mktemp("unpacked") / "ansible_collections" / "alibabacloud" / "sas"
    collection.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(collection, filter="data")
    return collection


def _create(definition: Path, context: Path, env) -> Path:
    """`ansible-builder create`, run away from the checkout so that nothing of it is at hand."""
    _run([sys.executable, "-m", "ansible_builder", "create", "-f", str(definition), "--context", str(context),
          "--output-filename", "Containerfile", "-v", "1"], context.parent, env)
    return context


def _source_context(definition: str, context: Path, env) -> Path:
    _run(["bash", str(ENVIRONMENT_CONTEXT), definition, str(context)], ROOT, env)
    return context


def _galaxy_stage(context: Path, collections: Path, env) -> Path:
    """What the image's galaxy stage runs in /build: `ansible-galaxy collection install -r requirements.yml`."""
    _run([sys.executable, "-m", "ansible.cli.galaxy", "collection", "install", "--offline",
          "-r", "requirements.yml", "--collections-path", str(collections)], context / "_build", env)
    return collections / "ansible_collections" / "alibabacloud" / "sas"


@pytest.fixture(scope="module")
def ee_context(unpacked, tmp_path_factory, offline_env):
    return _create(unpacked / "execution-environment.yml", tmp_path_factory.mktemp("ee") / "context", offline_env)


@pytest.fixture(scope="module")
def source_context(tmp_path_factory, offline_env):
    """The build context of the image built from the checkout."""
    return _source_context("execution-environment.yml", tmp_path_factory.mktemp("ee-src") / "context", offline_env)


@pytest.fixture(scope="module")
def source_installed(source_context, tmp_path_factory, offline_env):
    """Its galaxy stage installs the collection built from the checkout."""
    return _galaxy_stage(source_context, tmp_path_factory.mktemp("ee-collections"), offline_env)


@pytest.mark.parametrize("definition", ["execution-environment.yml", "decision-environment.yml"])
def test_the_tarball_definitions_install_the_collection_by_name(definition, unpacked, tmp_path, offline_env):
    context = _create(unpacked / definition, tmp_path / "context", offline_env)
    assert "ansible-galaxy collection install" in (context / "Containerfile").read_text()
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"] == [{"name": "%s.%s" % (GALAXY["namespace"], GALAXY["name"])}]


def test_the_tarball_context_holds_a_containerfile_and_the_requirements(ee_context, unpacked):
    containerfile = (ee_context / "Containerfile").read_text()
    definition = yaml.safe_load((unpacked / "execution-environment.yml").read_text())
    assert 'ARG EE_BASE_IMAGE="%s"' % definition["images"]["base_image"]["name"] in containerfile
    assert "--user-pip=requirements.txt" in containerfile  # the Python requirements are installed
    build = ee_context / "_build"
    assert (build / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert (build / "scripts" / "introspect.py").is_file()


def test_the_source_context_installs_this_checkouts_collection(source_installed):
    collection = source_installed
    manifest = yaml.safe_load((collection / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == GALAXY["version"]
    assert (collection / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert (collection / "plugins" / "modules" / "sas_alert_handle.py").is_file()


def test_the_image_gets_what_the_collection_tarball_ships(source_installed, tarball_files):
    in_image = {path.relative_to(source_installed).as_posix() for path in source_installed.rglob("*")
                if path.is_file()}
    assert in_image == tarball_files


def test_the_builder_stage_finds_the_python_requirements(source_context, source_installed, offline_env):
    build = source_context / "_build"
    output = _run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect",
                   str(source_installed.parents[2]), "--user-pip=%s" % (build / "requirements.txt")],
                  build, offline_env).stdout
    python = yaml.safe_load(output)["python"]
    for package in ("alibabacloud-sas20181203", "alibabacloud-credentials"):
        assert any(line.startswith(package) and "from collection alibabacloud.sas" in line for line in python), (
            package, python)


def test_the_tarball_ships_the_awx_and_eda_files(tarball_files):
    for name in ("execution-environment.yml", "docs/awx.md", "extensions/awx/credential_type.yml",
                 "extensions/awx/requirements.yml", "extensions/awx/survey_spec.json", "requirements.txt",
                 "decision-environment.yml", "docs/eda.md", "extensions/eda/rulebooks/triage_new_alerts.yml",
                 "extensions/eda/plugins/event_source/sas_alerts.py"):
        assert name in tarball_files, name
    assert ".ansible-lint" not in tarball_files
    assert not any(name.startswith("playbooks/reports/") for name in tarball_files), "local triage reports"


def test_the_decision_environment_from_the_checkout_has_the_event_source(tmp_path, offline_env):
    """decision-environment.yml: ansible-rulebook and Java, and this collection - the event source and the
    rulebook included - installed offline from the checkout as its galaxy stage would."""
    context = _source_context("decision-environment.yml", tmp_path / "context", offline_env)
    assert "ansible-rulebook" in (context / "_build" / "requirements.txt").read_text()
    assert "java-17-openjdk" in (context / "_build" / "bindep.txt").read_text()
    installed = _galaxy_stage(context, tmp_path / "collections", offline_env)
    assert (installed / "extensions" / "eda" / "plugins" / "event_source" / "sas_alerts.py").is_file()
    assert (installed / "extensions" / "eda" / "rulebooks" / "triage_new_alerts.yml").is_file()
