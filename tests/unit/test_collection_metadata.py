# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group lists every module that calls the service (sas_*), so module_defaults reaches each of them;
report_files, which writes on the controller, takes no connection options."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_action_group_lists_every_service_module():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    modules = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("sas_*.py"))
    assert modules and sorted(runtime["action_groups"]["sas"]) == modules


def test_every_module_uses_the_shared_options_fragment():
    for path in (ROOT / "plugins" / "modules").glob("sas_*.py"):
        text = path.read_text()
        assert "  - alibabacloud.sas.sas\n" in text, path.name
        assert "SasModule(" in text, path.name


def test_the_triage_role_takes_exactly_the_modules_connection_options():
    from ansible_collections.alibabacloud.sas.plugins.module_utils.module import sas_argument_spec

    specs = yaml.safe_load((ROOT / "roles" / "triage" / "meta" / "argument_specs.yml").read_text())
    connection = specs["argument_specs"]["main"]["options"]["sas_connection"]["options"]
    shared = sas_argument_spec()
    assert sorted(connection) == sorted(shared)
    for name, spec in connection.items():
        assert spec["type"] == shared[name]["type"], name
        assert spec.get("no_log", False) == shared[name].get("no_log", False), name


def test_the_triage_role_defaults_are_the_documented_ones():
    specs = yaml.safe_load((ROOT / "roles" / "triage" / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((ROOT / "roles" / "triage" / "defaults" / "main.yml").read_text())
    assert sorted(defaults) == sorted(options)
    for name, value in defaults.items():
        assert options[name].get("default") == value, name


def test_the_doc_fragment_names_every_profile_mode_the_code_takes():
    from ansible_collections.alibabacloud.sas.plugins.doc_fragments.sas import ModuleDocFragment
    from ansible_collections.alibabacloud.sas.plugins.module_utils import credentials

    profile = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]["profile"]["description"]
    text = " ".join(profile)
    for mode in credentials.STATIC_PROFILE_MODES + credentials.SDK_PROFILE_MODES:
        assert "C(%s)" % mode in text, mode


def test_the_triage_role_filters_take_the_levels_the_module_takes():
    from ansible_collections.alibabacloud.sas.plugins.module_utils.service_facts import LEVELS

    specs = yaml.safe_load((ROOT / "roles" / "triage" / "meta" / "argument_specs.yml").read_text())
    filters = specs["argument_specs"]["main"]["options"]["sas_triage_filters"]["options"]
    assert filters["levels"]["choices"] == list(LEVELS)
