# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action group lists every module, so module_defaults reaches each of them."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_action_group_lists_every_module():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    modules = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
    assert modules and sorted(runtime["action_groups"]["sas"]) == modules


def test_every_module_uses_the_shared_options_fragment():
    for path in (ROOT / "plugins" / "modules").glob("sas_*.py"):
        text = path.read_text()
        assert "  - alibabacloud.sas.sas\n" in text, path.name
        assert "SasModule(" in text, path.name
