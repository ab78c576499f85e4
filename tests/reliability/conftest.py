"""Reliability harness: the end-to-end harness (the collection built and installed, real ansible-playbook
runs, the emulator) plus the figures each test measures, printed as one table at the end of the run.

RELIABILITY_ALERTS sets the size (300 by default; the Makefile's reliability target runs 2,000), and
RELIABILITY_FIGURES names a JSON file to write the figures to."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[1] / "e2e"
sys.path.insert(0, str(E2E))


def _load_e2e_harness():
    # tests/e2e/conftest.py under its own name: this folder's conftest is "conftest" too
    spec = importlib.util.spec_from_file_location("e2e_harness", E2E / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


e2e_harness = _load_e2e_harness()
collections_path = e2e_harness.collections_path  # the fixture: the collection built and installed once
no_process_left = e2e_harness.no_process_left  # the autouse fixture: no process a test started outlives it
base_env = e2e_harness.base_env
REPO = e2e_harness.REPO

ALERTS = int(os.environ.get("RELIABILITY_ALERTS", "300"))
FIGURES = "figures"


@pytest.fixture
def figures(request):
    """figures(scenario, **values): one row of the table printed at the end (kept on the test's report, so
    it reaches the table from a pytest-xdist worker too)."""
    def record(scenario: str, **values) -> None:
        request.node.user_properties.append((FIGURES, {"scenario": scenario, **values}))
    return record


def pytest_terminal_summary(terminalreporter) -> None:
    rows = [value for reports in terminalreporter.stats.values() for report in reports
            if getattr(report, "when", None) == "call"
            for name, value in getattr(report, "user_properties", ()) if name == FIGURES]
    if not rows:
        return
    terminalreporter.write_sep("=", "reliability figures (%d alerts)" % ALERTS)
    tables: dict[tuple, list[dict]] = {}  # rows with the same figures make one table
    for row in sorted(rows, key=lambda row: row["scenario"]):
        tables.setdefault(tuple(row), []).append(row)
    for columns, table in tables.items():
        terminalreporter.write_line("")
        terminalreporter.write_line("| " + " | ".join(columns) + " |")
        terminalreporter.write_line("|" + "---|" * len(columns))
        for row in table:
            terminalreporter.write_line("| " + " | ".join(str(row[column]) for column in columns) + " |")
    out = os.environ.get("RELIABILITY_FIGURES")
    if out:
        Path(out).write_text(json.dumps({"alerts": ALERTS, "rows": rows}, indent=1))
