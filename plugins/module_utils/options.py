# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of module options that argument_spec cannot express, shared by the modules.

Each check runs before any call and raises OptionError with a message that names the option and
says what is valid.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

MAX_CONCURRENCY = 32


class OptionError(ValueError):
    """A module option the service would refuse; the message names the option and what is valid."""


def check_alert_ids(alert_ids: Optional[Iterable[int]], option: str = "alert_ids") -> List[int]:
    """The ids in input order without duplicates; an id below 1 is refused.

    An empty list is valid and comes back empty: a module given no alert has nothing to do, makes no
    call and returns its empty result, so a pipeline whose filter left nothing does not fail.
    """
    ids = list(alert_ids or [])
    bad = [alert_id for alert_id in ids if alert_id < 1]
    if bad:
        raise OptionError("%s must hold alert ids (positive integers), got %s" % (option, ", ".join(map(str, bad))))
    return list(dict.fromkeys(ids))


def check_concurrency(concurrency: int) -> int:
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise OptionError("concurrency must be between 1 and %d, got %d" % (MAX_CONCURRENCY, concurrency))
    return concurrency


def check_positive(option: str, value: float) -> float:
    if value <= 0:
        raise OptionError("%s must be a positive number of seconds, got %s" % (option, value))
    return value
