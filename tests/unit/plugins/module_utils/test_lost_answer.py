# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lost-answer policy in one place: whether a failed write may have acted, where each of its alerts goes once
read again, and its result read from the alert."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_state import HELD_BACK, PLANNED, UNTRACKED
from ansible_collections.alibabacloud.sas.plugins.module_utils.alert_status import AlertState
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.lost_answer import (
    lost_answer_reason,
    may_have_acted,
    result_from_alert,
    stage_after_lost_answer,
)


@pytest.mark.parametrize("error, acted", [
    (SasApiError("H", errors.AMBIGUOUS, "reset"), True),
    (SasApiError("H", errors.BAD_RESPONSE, "html"), True),
    (SasApiError("H", errors.API, "boom", code="InternalError", http_status=500), True),
    (SasApiError("H", errors.API, "no", code="NoPermission", http_status=403), False),
    (SasApiError("H", errors.API, "slow", code="Throttling.User", http_status=400), False),
    (SasApiError("H", errors.NOT_SENT, "refused"), False),
])
def test_may_have_acted(error, acted):
    assert may_have_acted(error) is acted


def state(event_status, code=None, operate_time=None):
    """An alert as read; operate_time (ms) only where given, as AlertState may not carry it."""
    alert = AlertState(5, event_status, code)
    if operate_time is not None:
        alert.operate_time = operate_time
    return alert


@pytest.mark.parametrize("before, now, status, code", [
    (state(1), state(2, "ignore.Success"), "Success", "ignore.Success"),
    (state(1), state(2), "Success", None),                                     # the status moved
    (state(1), state(16), None, None),                                         # running: wait
    (state(1), state(16, "kill_and_quara.Success"), "Success", "kill_and_quara.Success"),  # success left at 16
    (state(1), state(1), None, None),                                          # queued, or never arrived: wait
    (state(1), None, None, None),                                              # not found: wait
    (state(1), state(1, "block_ip.AgentOffline"), "Failed", "block_ip.AgentOffline"),   # back at pending
    (state(1, "block_ip.AgentOffline"), state(1, "block_ip.AgentOffline"), None, None),  # the old result
    (state(1, "block_ip.AgentOffline", 1000), state(1, "block_ip.AgentOffline", 2000), "Failed",
     "block_ip.AgentOffline"),                                                 # the same code, newer
    (state(1, "ignore.Success", 1000), state(1, "ignore.Success", 1000), None, None),
    (state(8), state(1, "rm_mark_mis_info.Success"), "Success", "rm_mark_mis_info.Success"),  # an undo
    (state(1), state(8, "advance_mark_mis_info.User.Success"), "Success", "advance_mark_mis_info.User.Success"),
])
def test_a_result_read_from_the_alert_against_its_state_before_the_write(before, now, status, code):
    result = result_from_alert(before, now)
    assert (result.id, result.status, result.error_code) == (5, status, code)
    assert result.final == (status is not None)
    assert result.event_status == (now.event_status if now is not None else None)


@pytest.mark.parametrize("now, by_another", [
    (state(32, "manual_handled.Success"), True),        # someone in the console, not our block_ip
    (state(2, "ignore.Success"), True),
    (state(1, "ignore.Failure"), True),                 # another's failure is not ours either
    (state(32, "block_ip.Success"), False),
    (state(1, "block_ip.AgentOffline"), False),
    (state(32), False),                                 # no code: the status moved, taken as ours
])
def test_a_result_of_another_operation_read_from_the_alert_is_another_hands(now, by_another):
    result = result_from_alert(state(1), now, "block_ip")
    assert result.by_another is by_another and result.final
    assert result_from_alert(state(1), now).by_another is False  # without the operation nothing is compared


@pytest.mark.parametrize("operation, now, stage", [
    ("ignore", state(1), PLANNED),                              # untouched, on the alert alone: sent again
    ("block_ip", state(1), HELD_BACK),                          # untouched, on the host: never sent twice
    ("kill_and_quara", state(1), HELD_BACK),
    ("ignore", state(16), UNTRACKED),                           # something happened: read, never sent again
    ("block_ip", state(1, "block_ip.AgentOffline"), UNTRACKED),
    ("ignore", state(1, "ignore.Failure", 2000), UNTRACKED),
])
def test_only_an_untouched_alert_of_an_operation_on_the_alert_alone_is_sent_again(operation, now, stage):
    assert stage_after_lost_answer(operation, state(1), now) == stage


def test_the_reason_of_a_lost_answer_says_whether_it_was_sent_again():
    assert lost_answer_reason(True, "block_ip", "no result within wait_timeout=10s") == (
        "the answer to HandleSecurityEvents was lost and block_ip acts on the host, so it was not sent again; no "
        "result within wait_timeout=10s: check the alert with sas_alert_info or in the console")
    assert lost_answer_reason(False, "ignore", "wait is false").startswith(
        "the answer to HandleSecurityEvents was lost, so its task id is unknown; wait is false")
