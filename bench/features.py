"""Which features the installed collection has, as ansible-doc documents its modules (ansible-test checks that the
documentation is the argument spec): a scenario whose feature is missing says so instead of failing."""

from __future__ import annotations

import json
import re
import subprocess

HANDLE = "alibabacloud.sas.sas_alert_handle"
NUMBER_TYPES = ("float", "int")


class DocumentationError(RuntimeError):
    """ansible-doc could not show a module: nothing can say which of its features are there."""


def options(env: dict, module: str = HANDLE) -> dict:
    """The module's documented options, by name."""
    shown = subprocess.run(["ansible-doc", "-j", module], env=env, capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        raise DocumentationError("ansible-doc %s failed (rc %d): %s" % (module, shown.returncode, shown.stderr.strip()))
    return json.loads(shown.stdout)[module]["doc"]["options"]


def missing_rate_limit_auto(documented: dict) -> str:
    """Why rate_limit takes no `auto` ('' when it does)."""
    rate_limit = documented.get("rate_limit") or {}
    kind = rate_limit.get("type", "str")
    if kind in NUMBER_TYPES:
        return "ansible-doc %s: rate_limit is of type %s, a number only" % (HANDLE, kind)
    words = " ".join(map(str, rate_limit.get("choices") or [])) + " " + " ".join(rate_limit.get("description") or [])
    if not re.search(r"\bauto\b", words):
        return "ansible-doc %s: rate_limit names no value auto" % HANDLE
    return ""


def missing_groups(documented: dict, keys: set) -> str:
    """Why a sas_alert_handle call cannot take groups made of keys ('' when it can)."""
    if "groups" not in documented:
        return "ansible-doc %s: no option groups" % HANDLE
    taken = set(documented["groups"].get("suboptions") or {})
    if not keys <= taken:
        return "ansible-doc %s: groups takes %s, not %s" % (
            HANDLE, ", ".join(sorted(taken)), ", ".join(sorted(keys - taken)))
    return ""
