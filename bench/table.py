"""The benchmark's one table: a row per scenario, its goal and whether the run met it."""

from __future__ import annotations

from typing import NamedTuple

NOT_AVAILABLE = "not available: "
NO_GOAL = "measured (no goal)"
REFERENCE = "the reference of the rows below"
COLUMNS = ("scenario", "measured", "goal", "result")


class Row(NamedTuple):
    key: str  # stable, for the tests
    scenario: str
    measured: str
    goal: str
    result: str
    calls: dict = {}  # run -> {API: calls the service took}: what the tests assert, exactly


def verdict(met: bool, reason: str) -> str:
    return "met" if met else "not met: " + reason


def unavailable(key: str, scenario: str, goal: str, reason: str) -> Row:
    return Row(key, scenario, "-", goal, NOT_AVAILABLE + reason)


def markdown(rows: list) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(getattr(row, column).replace("|", "\\|") for column in COLUMNS) + " |"
              for row in rows]
    return "\n".join(lines)


def count(number: float) -> str:
    """2,000."""
    return f"{int(number):,}"


def seconds(value: float) -> str:
    return "%.1f s" % value
