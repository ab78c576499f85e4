# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils.options import (
    MAX_CONCURRENCY,
    OptionError,
    check_alert_ids,
    check_concurrency,
    check_positive,
)


@pytest.mark.parametrize("given", [[], None, ()], ids=["empty-list", "none", "empty-tuple"])
def test_no_alert_id_is_a_valid_empty_selection(given):
    # A pipeline whose filter left nothing passes []: the modules then do nothing, they do not fail.
    assert check_alert_ids(given) == []


def test_ids_keep_input_order_without_duplicates():
    assert check_alert_ids([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert check_alert_ids(iter([5, 5])) == [5]


@pytest.mark.parametrize("given, bad", [([0], "0"), ([1, 0, -4], "0, -4"), ([-1], "-1")])
def test_ids_below_one_are_refused(given, bad):
    with pytest.raises(OptionError,
                       match=r"^alert_ids must hold alert ids \(integers from 1 to 2\^63-1\), got %s$" % bad):
        check_alert_ids(given)


def test_the_message_names_the_option_it_checks():
    with pytest.raises(OptionError, match=r"^ids must hold alert ids"):
        check_alert_ids([0], option="ids")


def test_concurrency_bounds():
    assert check_concurrency(1) == 1 and check_concurrency(MAX_CONCURRENCY) == MAX_CONCURRENCY
    for value in (0, MAX_CONCURRENCY + 1):
        with pytest.raises(OptionError, match="concurrency must be between 1 and 32, got %d" % value):
            check_concurrency(value)


def test_positive_seconds():
    assert check_positive("wait_timeout", 0.5) == 0.5
    with pytest.raises(OptionError, match="poll_interval must be a positive number of seconds, got -1"):
        check_positive("poll_interval", -1)
