# -*- coding: utf-8 -*-
# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load the SAS SDK without paying for all of it.

alibabacloud_sas20181203.models imports its ~2,800 model modules up front, which costs every
module run about half a second; the modules of this collection use a dozen. Its __init__ is a
list of `from ._file import Name` lines, so the same package is served lazily from that list.
The classes are the SDK's own, unchanged; if the list cannot be read, the normal import is used.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from typing import Any

MODELS = "alibabacloud_sas20181203.models"
_INDEX_LINE = re.compile(r"^from \.(\w+) import (\w+)\s*$", re.MULTILINE)


def load_client_and_models() -> tuple:
    """(the SDK's Client class, its models package), models loaded on first use."""
    if MODELS not in sys.modules:
        _install_lazy_models()
    from alibabacloud_sas20181203 import models
    from alibabacloud_sas20181203.client import Client

    return Client, models


def _install_lazy_models() -> None:
    spec = importlib.util.find_spec(MODELS)
    if spec is None or not spec.origin:
        return
    try:
        with open(spec.origin, encoding="utf-8") as handle:
            index = {name: module for module, name in _INDEX_LINE.findall(handle.read())}
    except OSError:
        return
    if not index:  # a layout this loader does not know: import the SDK as it is
        return

    lazy = types.ModuleType(MODELS)
    lazy.__spec__ = spec
    lazy.__file__ = spec.origin
    lazy.__path__ = list(spec.submodule_search_locations or [])
    lazy.__package__ = MODELS

    def load(name: str) -> Any:
        if name not in index:
            raise AttributeError("module %r has no attribute %r" % (MODELS, name))
        value = getattr(importlib.import_module("." + index[name], MODELS), name)
        setattr(lazy, name, value)
        return value

    lazy.__getattr__ = load  # type: ignore[attr-defined]  # PEP 562
    sys.modules[MODELS] = lazy
    package = importlib.import_module("alibabacloud_sas20181203")
    package.models = lazy  # type: ignore[attr-defined]
