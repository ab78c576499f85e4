# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options have one definition, options.CONNECTION_OPTIONS (issue 19): the modules and the event
source take exactly those, the one builder (connection.ConnectionSettings) reads every one, and each place that
documents them - the doc fragment, the event source's DOCUMENTATION, the triage role's sas_connection spec - says
what the table says. Adding an option is the table's entry, its use in the builder and its three documents: a
forgotten one fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from ansible_collections.alibabacloud.sas.extensions.eda.plugins.event_source import sas_alerts
from ansible_collections.alibabacloud.sas.plugins.doc_fragments.sas import ModuleDocFragment
from ansible_collections.alibabacloud.sas.plugins.module_utils import connection
from ansible_collections.alibabacloud.sas.plugins.module_utils.options import CONNECTION_OPTIONS, sas_argument_spec

ROOT = Path(__file__).resolve().parents[4]
ROLE_SPEC = ROOT / "roles" / "triage" / "meta" / "argument_specs.yml"


def role_options():
    return yaml.safe_load(ROLE_SPEC.read_text())["argument_specs"]["main"]["options"]["sas_connection"]["options"]


def source_options():
    options = yaml.safe_load(sas_alerts.DOCUMENTATION)["options"]
    return {name: options[name] for name in options if name in CONNECTION_OPTIONS}  # and its own arguments


def fragment_options():
    return yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]


@pytest.mark.parametrize("documented", [fragment_options, source_options], ids=["doc-fragment", "event-source"])
def test_the_documentation_of_the_connection_options_says_what_the_table_says(documented):
    options = documented()
    assert sorted(options) == sorted(CONNECTION_OPTIONS)
    for name, option in CONNECTION_OPTIONS.items():
        assert options[name]["type"] == option.spec["type"], name
        assert options[name].get("default") == option.spec.get("default"), name
        assert sorted(options[name].get("aliases", [])) == sorted(option.spec.get("aliases", [])), name


def test_the_triage_role_s_sas_connection_takes_the_table_s_options():
    options = role_options()
    assert sorted(options) == sorted(CONNECTION_OPTIONS)
    for name, option in CONNECTION_OPTIONS.items():
        assert options[name]["type"] == option.spec["type"], name
        assert options[name].get("no_log", False) == option.spec.get("no_log", False), name
        assert "default" not in options[name], name  # the role passes on what is given: the modules' defaults apply


def test_the_modules_and_the_event_source_take_the_table_s_options():
    source = sas_alerts.source_argument_spec()
    for name, option in CONNECTION_OPTIONS.items():
        assert sas_argument_spec()[name] == option.spec == source[name], name


class ReadRecorder(dict):
    """Connection options that record which of them are read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)


def test_the_one_builder_reads_every_connection_option(monkeypatch):
    params = ReadRecorder({name: option.spec.get("default") for name, option in CONNECTION_OPTIONS.items()},
                          endpoint="http://127.0.0.1:9", access_key="unitAccessKeyId", secret_key="unit-Secret-value")
    built = []
    monkeypatch.setattr(connection, "connect", lambda *args, **kwargs: built.append((args, kwargs)) or "connected")
    assert connection.ConnectionSettings(params).connect(warn=[].append) == "connected"
    assert params.read == set(CONNECTION_OPTIONS)
    (endpoint, region, keys, connect_timeout, read_timeout, validate_certs), options = built[0]
    assert (endpoint, region, keys["access_key_id"]) == ("http://127.0.0.1:9", None, "unitAccessKeyId")
    assert (connect_timeout, read_timeout, validate_certs, options["rate_limit"]) == (5.0, 10.0, True, 8.0)
    assert options["resource_directory_account_id"] is None


@pytest.mark.parametrize("module", sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("sas_*.py")))
def test_every_module_documents_the_api_stats_its_result_has(module):
    loaded = importlib.import_module("ansible_collections.alibabacloud.sas.plugins.modules." + module)
    assert yaml.safe_load(loaded.RETURN)["api_stats"]["returned"] == "when the module made a call"
