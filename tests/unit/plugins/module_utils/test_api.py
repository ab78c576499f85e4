# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import api


@pytest.mark.parametrize("value, name", [
    (1, "pending"),
    ("32", "handled"),
    (2, "ignored"),
    ("64", "expired"),
    (513, "auto_blocked"),
    (999, "unknown_999"),
    ("999", "unknown_999"),
    (None, "unknown"),
    ("", "unknown"),
    ("abc", "unknown"),
])
def test_status_name(value, name):
    assert api.status_name(value) == name


def test_pending_status_is_named_pending():
    assert api.EVENT_STATUS_NAMES[api.PENDING_STATUS] == "pending"


def test_dealed_filter():
    assert api.DEALED_BY_STATUS_FILTER == {"pending": "N", "handled": "Y", "all": None}
