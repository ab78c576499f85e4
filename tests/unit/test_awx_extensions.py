# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential type injects what the modules read, and the EE definition installs what they import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest
import yaml
from jinja2 import meta
from packaging.requirements import Requirement

from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = ROOT / "extensions" / "awx" / "credential_type.yml"
EXECUTION_ENVIRONMENT = ROOT / "execution-environment.yml"
SURVEY_SPEC = ROOT / "extensions" / "awx" / "survey_spec.json"
ROLE_ARGUMENT_SPECS = ROOT / "roles" / "triage" / "meta" / "argument_specs.yml"
AWX_DOC = ROOT / "docs" / "awx.md"

ENV_NAMES_READ = (credentials.ACCESS_KEY_ENV + credentials.SECRET_KEY_ENV + credentials.SECURITY_TOKEN_ENV
                  + credentials.PROFILE_ENV + credentials.REGION_ENV + credentials.ENDPOINT_ENV)
# What each primary variable must carry.
PRIMARY = {
    credentials.ACCESS_KEY_ENV[0]: "access_key_id",
    credentials.SECRET_KEY_ENV[0]: "access_key_secret",
    credentials.SECURITY_TOKEN_ENV[0]: "security_token",
}
# AWX's own checks of a custom credential type (awx/main/fields.py).
AWX_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")


@pytest.fixture(scope="module")
def credential_type():
    documents = list(yaml.safe_load_all(CREDENTIAL_TYPE.read_text()))
    assert len(documents) == 1, "one YAML document"
    return documents[0]


@pytest.fixture(scope="module")
def fields(credential_type):
    return {field["id"]: field for field in credential_type["inputs"]["fields"]}


def _template_names(template: str) -> set:
    return meta.find_undeclared_variables(jinja2.Environment().parse(template))


def test_credential_type_has_what_awx_needs(credential_type, fields):
    assert {"name", "description", "kind", "inputs", "injectors"} <= set(credential_type)
    assert credential_type["name"] and credential_type["description"]
    assert credential_type["kind"] == "cloud"  # custom credential types are "cloud" or "net"
    assert len(fields) == len(credential_type["inputs"]["fields"]), "input ids are unique"
    for field_id, field in fields.items():
        assert AWX_NAME.match(field_id), field_id
        assert field.get("label"), field_id
        assert field.get("type", "string") == "string", field_id


def test_required_and_secret_inputs(credential_type, fields):
    required = credential_type["inputs"]["required"]
    assert set(required) <= set(fields), "every required input exists"
    assert set(required) == {"access_key_id", "access_key_secret"}
    assert fields["access_key_secret"].get("secret") is True
    assert fields["security_token"].get("secret") is True
    assert "security_token" not in required


def test_injectors_set_only_environment_variables_the_modules_read(credential_type):
    injectors = credential_type["injectors"]
    assert set(injectors) == {"env"}, "no extra_vars or files: secrets stay out of the job's variables"
    for name in injectors["env"]:
        assert AWX_NAME.match(name), name
        assert name in ENV_NAMES_READ, "%s is not read by plugins/module_utils/credentials.py" % name


def test_each_primary_variable_carries_its_input(credential_type):
    env = credential_type["injectors"]["env"]
    for name, field_id in PRIMARY.items():
        assert name in env, name
        assert _template_names(env[name]) == {field_id}, name


def test_injector_templates_reference_existing_inputs(credential_type, fields):
    for name, template in credential_type["injectors"]["env"].items():
        referenced = _template_names(template)
        assert referenced, "%s injects a constant" % name
        assert referenced <= set(fields), "%s references %s" % (name, sorted(referenced - set(fields)))


@pytest.mark.parametrize("token", ["", None], ids=["empty", "missing"])
def test_an_empty_token_reaches_the_modules_as_unset(credential_type, token):
    # AWX renders every injector, an optional field left empty included: it arrives as "".
    inputs = {"access_key_id": "LTAIexample", "access_key_secret": "example-secret"}
    if token is not None:
        inputs["security_token"] = token
    environment = jinja2.Environment()
    environ = {name: environment.from_string(template).render(**inputs)
               for name, template in credential_type["injectors"]["env"].items()}
    assert environ[credentials.SECURITY_TOKEN_ENV[0]] == ""
    source = credentials.resolve({}, environ)
    assert source.origin == credentials.ENVIRONMENT
    assert (source.access_key_id, source.access_key_secret) == ("LTAIexample", "example-secret")
    assert source.security_token is None


def test_a_token_is_passed_on(credential_type):
    environment = jinja2.Environment()
    inputs = {"access_key_id": "STS.example", "access_key_secret": "example-secret", "security_token": "tok"}
    environ = {name: environment.from_string(template).render(**inputs)
               for name, template in credential_type["injectors"]["env"].items()}
    assert credentials.resolve({}, environ).security_token == "tok"


def test_execution_environment_uses_the_collection_requirements():
    definition = yaml.safe_load(EXECUTION_ENVIRONMENT.read_text())
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"].rpartition(":")[2], "ansible-builder wants a tag"
    dependencies = definition["dependencies"]
    python = (EXECUTION_ENVIRONMENT.parent / dependencies["python"]).resolve()
    assert python == (ROOT / "requirements.txt").resolve()
    assert (EXECUTION_ENVIRONMENT.parent / dependencies["galaxy"]).is_file()


def test_requirements_list_the_sdk():
    names = {Requirement(line).name.lower()
             for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")}
    assert {"alibabacloud-sas20181203", "alibabacloud-credentials"} <= names


def test_galaxy_requirements_install_this_collection_by_name():
    """What ships installs the published collection: nothing it names is left out of the tarball."""
    definition = yaml.safe_load(EXECUTION_ENVIRONMENT.read_text())
    assert "additional_build_files" not in definition, "files of the checkout, absent from the tarball"
    requirements = yaml.safe_load((EXECUTION_ENVIRONMENT.parent / definition["dependencies"]["galaxy"]).read_text())
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert requirements["collections"] == [{"name": "%s.%s" % (galaxy["namespace"], galaxy["name"])}]


def test_survey_spec_is_one_awx_accepts():
    survey = json.loads(SURVEY_SPEC.read_text())
    assert {"name", "description", "spec"} <= set(survey)
    variables = [question["variable"] for question in survey["spec"]]
    assert len(variables) == len(set(variables))
    for question in survey["spec"]:
        assert {"question_name", "variable", "type", "required"} <= set(question), question
        assert question["type"] in ("text", "textarea", "password", "integer", "float",
                                    "multiplechoice", "multiselect"), question
        assert AWX_NAME.match(question["variable"]), question


def test_survey_asks_for_the_cap_with_the_role_default():
    questions = {question["variable"]: question for question in json.loads(SURVEY_SPEC.read_text())["spec"]}
    cap = questions["sas_triage_max_actions"]
    assert (cap["type"], cap["min"], cap["default"]) == ("integer", 1, 100)
    assert cap["min"] <= cap["default"] <= cap["max"]
    if not ROLE_ARGUMENT_SPECS.is_file():
        pytest.skip("roles/triage is not there yet")
    options = yaml.safe_load(ROLE_ARGUMENT_SPECS.read_text())["argument_specs"]["main"]["options"]
    for variable in questions:
        assert variable in options, "%s is not an option of the triage role" % variable
    assert options["sas_triage_max_actions"]["default"] == cap["default"]


def test_awx_doc_grants_every_action_the_readme_lists():
    actions = set(re.findall(r"yundun-sas:(\w+)", (ROOT / "README.md").read_text()))
    assert actions, "README.md lists the RAM actions"
    doc = AWX_DOC.read_text()
    for action in actions:
        assert action in doc, action
