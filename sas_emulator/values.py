"""What a JSON value from the control plane or the command line is: JSON has no separate bool, so True is
not a count and not a number here."""

from __future__ import annotations

from typing import Any


def is_count(value: Any) -> bool:
    """An int, not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """An int or a float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
