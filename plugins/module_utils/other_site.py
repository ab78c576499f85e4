# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The other data site. Security Center keeps the alerts of servers in mainland China at one site and those of
every other region at another; an account with servers in both has alerts behind both endpoints, and a run
that reads one of them silently misses the other's. One cheap call tells how many are pending there."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from ansible_collections.alibabacloud.sas.plugins.module_utils.connection import other_site_for_region
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.service_calls import pending_count


def other_site_endpoint(endpoint: Optional[str], region: Optional[str], given: Optional[str]) -> Optional[str]:
    """The endpoint of the other site: the one given, else the official site region's data is not kept at.

    None when the run calls an endpoint of its own: which site that is, only its owner knows.
    """
    if given:
        return given
    if endpoint or not region:
        return None
    return "https://" + other_site_for_region(region)


def check_other_site(connect: Callable[[str], Any], endpoint: Optional[str], region: Optional[str],
                     given: Optional[str] = None) -> Dict[str, Any]:
    """{checked, endpoint, pending, reason}: the pending alerts at the other site, or why they were not counted."""
    target = other_site_endpoint(endpoint, region, given)
    if target is None:
        return {"checked": False, "endpoint": None, "pending": None,
                "reason": "endpoint is set, so the other site is not known: give other_site_endpoint to count it"}
    try:
        pending = pending_count(connect(target))
    except SasApiError as error:  # no instance there, no permission, unreachable: say so, the listing stands
        return {"checked": False, "endpoint": target, "pending": None, "reason": error.describe()}
    return {"checked": True, "endpoint": target, "pending": pending, "reason": None}
