# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import SasApiError
from ansible_collections.alibabacloud.sas.plugins.module_utils.retries import (
    RetryPolicy,
    call_with_retries,
)


def throttled(retry_after=None):
    return SasApiError("A", errors.API, "slow down", code="Throttling.User", http_status=400,
                       retry_after=retry_after)


def unavailable():
    return SasApiError("A", errors.API, "try later", code="ServiceUnavailable", http_status=503)


def ambiguous():
    return SasApiError("A", errors.AMBIGUOUS, "Read timed out")


def not_sent():
    return SasApiError("A", errors.NOT_SENT, "Connection refused")


def forbidden():
    return SasApiError("A", errors.API, "no", code="NoPermission", http_status=403)


class FakeTime:
    """A clock that only moves when slept on."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now


class Script:
    """A call that raises the given errors in turn, then returns 'ok'."""

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def run(call, policy, fake, **kwargs):
    return call_with_retries(call, policy, sleep=fake.sleep, clock=fake.clock, **kwargs)


POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=10.0, max_elapsed=60.0)


def test_success_needs_one_call():
    fake, call = FakeTime(), Script()
    assert run(call, POLICY, fake) == "ok"
    assert call.calls == 1
    assert fake.sleeps == []


def test_transient_errors_are_retried_then_succeed():
    fake, call = FakeTime(), Script(throttled(), unavailable(), ambiguous())
    assert run(call, POLICY, fake) == "ok"
    assert call.calls == 4
    assert len(fake.sleeps) == 3


def test_transient_errors_stop_at_max_attempts_and_reraise_the_last():
    fake = FakeTime()
    errs = [throttled() for dummy in range(10)]
    call = Script(*errs)
    with pytest.raises(SasApiError) as info:
        run(call, POLICY, fake)
    assert call.calls == 4
    assert info.value is errs[3]
    assert len(fake.sleeps) == 3


def test_non_transient_is_raised_at_once():
    fake, call = FakeTime(), Script(forbidden())
    with pytest.raises(SasApiError) as info:
        run(call, POLICY, fake)
    assert info.value.code == "NoPermission"
    assert call.calls == 1
    assert fake.sleeps == []


def test_credentials_error_is_not_retried():
    fake, call = FakeTime(), Script(SasApiError("A", errors.CREDENTIALS, "none"))
    with pytest.raises(SasApiError):
        run(call, POLICY, fake)
    assert call.calls == 1


def test_other_exceptions_pass_through_untouched():
    fake = FakeTime()
    call = Script(KeyError("boom"))
    with pytest.raises(KeyError):
        run(call, POLICY, fake)
    assert call.calls == 1


def test_read_retries_an_ambiguous_error():
    fake, call = FakeTime(), Script(ambiguous())
    assert run(call, POLICY, fake, write=False) == "ok"
    assert call.calls == 2


@pytest.mark.parametrize("error", [ambiguous(), unavailable(),
                                   SasApiError("A", errors.BAD_RESPONSE, "<html>502</html>")])
def test_write_does_not_retry_what_the_service_may_have_done(error):
    fake, call = FakeTime(), Script(error)
    with pytest.raises(SasApiError) as info:
        run(call, POLICY, fake, write=True)
    assert info.value is error
    assert call.calls == 1
    assert fake.sleeps == []


@pytest.mark.parametrize("error", [throttled(), not_sent()])
def test_write_retries_throttles_and_unsent_requests(error):
    fake, call = FakeTime(), Script(error, error)
    assert run(call, POLICY, fake, write=True) == "ok"
    assert call.calls == 3


def test_server_retry_after_is_a_floor_on_the_delay():
    fake = FakeTime()
    policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02, max_elapsed=60.0)
    call = Script(throttled(retry_after=7.5), throttled(retry_after=None))
    assert run(call, policy, fake) == "ok"
    assert fake.sleeps[0] == 7.5
    assert 0.0 <= fake.sleeps[1] <= 0.02  # attempt 2: min(max_delay, 0.01 * 2)


def test_backoff_wins_when_larger_than_retry_after(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, attempt, rng=None: 3.0)
    call = Script(throttled(retry_after=1.0))
    assert run(call, POLICY, fake) == "ok"
    assert fake.sleeps == [3.0]


def test_max_elapsed_stops_before_a_sleep_that_would_pass_it():
    fake = FakeTime()
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, max_delay=10.0, max_elapsed=20.0)
    errs = [throttled(retry_after=8.0) for dummy in range(10)]
    call = Script(*errs)
    with pytest.raises(SasApiError) as info:
        run(call, policy, fake)
    # sleeps 8 + 8 = 16 s; a third 8 s sleep would end at 24 s > 20 s
    assert fake.sleeps == [8.0, 8.0]
    assert call.calls == 3
    assert info.value is errs[2]


def test_retry_after_longer_than_max_elapsed_is_not_waited_for():
    fake = FakeTime()
    call = Script(throttled(retry_after=120.0))
    with pytest.raises(SasApiError):
        run(call, POLICY, fake)
    assert call.calls == 1
    assert fake.sleeps == []


def test_max_elapsed_counts_the_time_spent_in_calls():
    fake = FakeTime()
    policy = RetryPolicy(max_attempts=10, base_delay=0.001, max_delay=0.001, max_elapsed=10.0)

    def slow_failing_call():
        fake.now += 4.0
        raise throttled()

    calls = []

    def counted():
        calls.append(1)
        slow_failing_call()

    with pytest.raises(SasApiError):
        run(counted, policy, fake)
    assert len(calls) == 3  # 4 s + 4 s fit in 10 s; after the third the 12 s are past the bound


def test_on_retry_is_called_once_per_retry_with_error_and_delay():
    fake = FakeTime()
    errs = [throttled(retry_after=1.0), not_sent()]
    seen = []
    call = Script(*errs)
    assert run(call, POLICY, fake, on_retry=lambda error, delay: seen.append((error, delay))) == "ok"
    assert [entry[0] for entry in seen] == errs
    assert [entry[1] for entry in seen] == fake.sleeps
    assert seen[0][1] >= 1.0


def test_on_retry_not_called_when_nothing_is_retried():
    seen = []
    with pytest.raises(SasApiError):
        run(Script(forbidden()), POLICY, FakeTime(), on_retry=lambda e, d: seen.append(e))
    assert seen == []


def test_backoff_grows_exponentially_and_is_bounded():
    policy = RetryPolicy(base_delay=0.5, max_delay=10.0)

    def upper(low, high):  # a deterministic "rng": always the top of the range
        return high

    delays = [policy.backoff(attempt, rng=upper) for attempt in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_backoff_is_full_jitter_from_zero():
    policy = RetryPolicy(base_delay=0.5, max_delay=10.0)
    ranges = []

    def record(low, high):
        ranges.append((low, high))
        return (low + high) / 2

    assert policy.backoff(3, rng=record) == 1.0
    assert ranges == [(0.0, 2.0)]


def test_backoff_with_the_real_rng_stays_in_range():
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)
    for attempt in range(1, 12):
        delay = policy.backoff(attempt)
        assert 0.0 <= delay <= min(3.0, 0.5 * 2 ** (attempt - 1))


def test_the_documented_bounds_are_the_policy_every_connection_gets():
    # connect() retries with RetryPolicy(); the shared options' docs promise users its bounds.
    import yaml

    from ansible_collections.alibabacloud.sas.plugins.doc_fragments.sas import ModuleDocFragment

    text = " ".join(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]["read_timeout"]["description"])
    policy = RetryPolicy()
    assert "at most %d attempts and %d seconds per call" % (policy.max_attempts, policy.max_elapsed) in text


# --- issue 17: throttling and server errors in every form they take -------------------------------------------

THROTTLE_FORMS = ["Throttling.User", "Rejected.Throttling", "Throttling", "Throttling.Api"]
SERVER_ERROR_STATUSES = [500, 502, 503, 504]


def throttled_as(code, status=400):
    return SasApiError("A", errors.API, "slow down", code=code, http_status=status)


@pytest.mark.parametrize("code", THROTTLE_FORMS)
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_every_form_of_throttling_is_tried_again_reads_and_writes_alike(code, write):
    # a throttled call was refused, not processed: a write is sent again too (the Terraform provider retries any
    # code holding "Throttling"); before issue 17 Rejected.Throttling ended the call at once
    fake, call = FakeTime(), Script(throttled_as(code), throttled_as(code))
    assert run(call, POLICY, fake, write=write) == "ok"
    assert call.calls == 3 and len(fake.sleeps) == 2


@pytest.mark.parametrize("code", THROTTLE_FORMS)
def test_every_form_of_throttling_gets_the_quota_advice(code):
    error = throttled_as(code)
    assert error.throttled and error.transient and error.safe_to_resend
    assert error.hint == "the account is over its API quota; lower concurrency or try later"


@pytest.mark.parametrize("code", ["ThrottlingSomething", "Rejected.ThrottlingUser", "Throttling.Concurrency"])
def test_a_code_that_holds_throttling_anywhere_is_throttling(code):
    assert throttled_as(code).throttled


@pytest.mark.parametrize("status", SERVER_ERROR_STATUSES)
def test_service_unavailable_at_any_5xx_is_retried_for_reads_only(status):
    error = SasApiError("A", errors.API, "busy", code="ServiceUnavailable", http_status=status)
    fake, call = FakeTime(), Script(error, error)
    assert run(call, POLICY, fake) == "ok" and call.calls == 3
    # a write answered 5xx may have been processed: never sent blindly again (handling.py reads the alerts)
    fake, call = FakeTime(), Script(error)
    with pytest.raises(SasApiError) as info:
        run(call, POLICY, fake, write=True)
    assert info.value is error and call.calls == 1 and fake.sleeps == []


@pytest.mark.parametrize("status", SERVER_ERROR_STATUSES)
def test_a_throttling_code_answered_with_a_5xx_is_read_as_a_5xx(status):
    # the status wins for a write: handling.may_have_acted reads any 5xx as "may have acted" too
    error = throttled_as("Throttling", status)
    assert error.transient and not error.safe_to_resend


@pytest.mark.parametrize("code", ["InvalidParam", "SecurityEventNotExists", "NoPermission", "RejectedRequest"])
def test_other_4xx_codes_are_still_not_retried(code):
    error = SasApiError("A", errors.API, "no", code=code, http_status=400)
    assert not error.throttled and not error.transient
    fake, call = FakeTime(), Script(error)
    with pytest.raises(SasApiError):
        run(call, POLICY, fake)
    assert call.calls == 1


def test_a_host_name_that_does_not_resolve_is_not_tried_again():
    unknown = SasApiError("A", errors.NOT_SENT, "Failed to resolve 'sas.invalid'", host_unknown=True)
    for write in (False, True):
        fake, call = FakeTime(), Script(unknown)
        with pytest.raises(SasApiError) as info:
            run(call, POLICY, fake, write=write)
        assert info.value is unknown and call.calls == 1 and fake.sleeps == []
