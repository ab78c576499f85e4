# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""from_sdk_exception with real SDK exception objects, built the way the SDK builds them."""

from __future__ import annotations

import pytest
import Tea.exceptions
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_tea_openapi.exceptions import (
    ClientException,
    ServerException,
    ThrottlingException,
)
from darabonba.exceptions import RetryError, UnretryableException
from darabonba.policy.retry import RetryPolicyContext
from darabonba.request import DaraRequest

from ansible_collections.alibabacloud.sas.plugins.module_utils import errors
from ansible_collections.alibabacloud.sas.plugins.module_utils.errors import (
    SasApiError,
    from_sdk_exception,
)

REQUEST_ID = "A54CDB36-0000-4D8B-9D0E-1234567890AB"
CONNECTION_REFUSED = (
    "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /?CurrentPage=1 "
    "(Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f0>: "
    "Failed to establish a new connection: [Errno 111] Connection refused'))")
READ_TIMED_OUT = "HTTPConnectionPool(host='127.0.0.1', port=18080): Read timed out. (read timeout=10.0)"
REMOTE_DISCONNECTED = ("('Connection aborted.', RemoteDisconnected('Remote end closed connection "
                       "without response'))")
NOT_JSON = 'Failed to parse the value as json format, Value: "<html><body>502 Bad Gateway</body></html>"'


def sdk_error(cls, status, code, message, retry_after=None, **extra):
    """An API error exactly as tea-openapi 0.4 do_request raises it."""
    body = {"RequestId": REQUEST_ID, "HostId": "tds.cn-shanghai.aliyuncs.com", "Code": code, "Message": message}
    body.update(extra)
    kwargs = {
        "status_code": status, "code": code,
        "message": f"code: {status}, {message} request id: {REQUEST_ID}",
        "detail": "None", "description": "None", "data": body, "request_id": REQUEST_ID}
    if retry_after is not None:
        kwargs["retry_after"] = retry_after
    return cls(**kwargs)


def unretryable(inner):
    """darabonba's UnretryableException, built from a RetryPolicyContext like do_request does."""
    request = DaraRequest()
    context = RetryPolicyContext(retries_attempted=0, http_request=request, http_response=None, exception=inner)
    return UnretryableException(context)


# --- API errors, new stack -------------------------------------------------------------------

def test_client_exception_no_permission():
    exc = sdk_error(ClientException, 403, "NoPermission", "caller has no permission",
                    Recommend="https://api.aliyun.com/troubleshoot?q=NoPermission")
    assert exc.data["statusCode"] == 403  # the SDK's own doing; errors.py relies on it
    error = from_sdk_exception(exc, "DescribeSuspEvents")
    assert isinstance(error, SasApiError)
    assert error.kind == errors.API
    assert error.action == "DescribeSuspEvents"
    assert error.code == "NoPermission"
    assert error.message == "caller has no permission"
    assert error.http_status == 403
    assert error.request_id == REQUEST_ID
    assert error.recommend == "https://api.aliyun.com/troubleshoot?q=NoPermission"
    assert error.retry_after is None
    assert error.transient is False
    assert error.safe_to_resend is False


def test_describe_mentions_action_code_status_request_id_and_hint():
    error = from_sdk_exception(sdk_error(ClientException, 403, "NoPermission", "caller has no permission"),
                               "HandleSecurityEvents")
    text = error.describe()
    assert text.startswith("HandleSecurityEvents was refused by the service: caller has no permission")
    assert "code NoPermission" in text
    assert "HTTP 403" in text
    assert f"request id {REQUEST_ID}" in text
    assert text.endswith("; " + error.hint)


@pytest.mark.parametrize("action", ["HandleSecurityEvents", "DescribeSuspEvents", "DescribeSecurityEventOperations"])
def test_a_permission_hint_names_the_action_that_was_called(action):
    error = from_sdk_exception(sdk_error(ClientException, 403, "NoPermission", "caller has no permission"), action)
    assert "yundun-sas:%s" % action in error.hint
    assert error.describe().endswith("; " + error.hint)


def test_a_vanished_alert_hint_says_where_to_look():
    error = from_sdk_exception(sdk_error(ClientException, 400, "SecurityEventNotExists", "Security event not exists."),
                               "DescribeSecurityEventOperations")
    assert "sas_alert_info status=handled" in error.hint and error.describe().endswith(error.hint)


def test_describe_without_a_known_hint_has_no_trailing_hint():
    error = from_sdk_exception(sdk_error(ClientException, 400, "InvalidParam", "bad page size"), "DescribeSuspEvents")
    assert error.describe() == ("DescribeSuspEvents was refused by the service: bad page size "
                                f"(code InvalidParam, HTTP 400, request id {REQUEST_ID})")
    assert error.hint is None


def test_to_result_has_exactly_the_documented_keys():
    exc = sdk_error(ClientException, 403, "NoPermission", "caller has no permission", Recommend="see docs")
    result = from_sdk_exception(exc, "DescribeSuspEvents").to_result()
    assert result == {
        "code": "NoPermission",
        "message": "caller has no permission",
        "request_id": REQUEST_ID,
        "recommend": "see docs",
        "http_status": 403,
    }


def test_server_exception_is_transient_but_not_safe_to_resend():
    exc = sdk_error(ServerException, 503, "ServiceUnavailable", "try later")
    error = from_sdk_exception(exc, "HandleSecurityEvents")
    assert (error.kind, error.code, error.http_status) == (errors.API, "ServiceUnavailable", 503)
    assert error.transient is True
    assert error.safe_to_resend is False


def test_server_exception_with_an_unknown_code_is_transient_by_status():
    error = from_sdk_exception(sdk_error(ServerException, 500, "SomethingOdd", "oops"), "DescribeSuspEvents")
    assert error.transient is True
    assert error.safe_to_resend is False


def test_server_exception_with_an_empty_json_body_keeps_its_status():
    # exactly what tea-openapi 0.4.6 do_request raises for `503` + body `{}`
    exc = ServerException(status_code=503, code="None", message="code: 503, None request id: None",
                          detail="None", description="None", data={}, request_id="None")
    assert exc.status_code == 503
    error = from_sdk_exception(exc, "DescribeSuspEvents")
    assert error.http_status == 503
    assert error.transient is True


def test_throttling_exception_retry_after_ms_becomes_seconds():
    exc = sdk_error(ThrottlingException, 429, "Throttling", "slow down", retry_after=2500)
    error = from_sdk_exception(exc, "DescribeSuspEvents")
    assert error.retry_after == 2.5
    assert error.http_status == 429
    assert error.transient is True
    assert error.safe_to_resend is True


def test_throttling_user_400_is_transient_and_safe_to_resend():
    error = from_sdk_exception(sdk_error(ClientException, 400, "Throttling.User", "Request was denied"),
                               "HandleSecurityEvents")
    assert (error.code, error.http_status) == ("Throttling.User", 400)
    assert error.transient is True
    assert error.safe_to_resend is True
    assert error.describe().endswith("; the account is over its API quota; lower concurrency or try later")


def test_client_error_429_without_throttling_code_is_transient():
    error = from_sdk_exception(sdk_error(ClientException, 429, "TooMany", "too many"), "DescribeSuspEvents")
    assert error.transient is True
    assert error.safe_to_resend is True


def test_invalid_credentials_client_exception():
    exc = ClientException(code="InvalidCredentials", message="Please set up the credentials correctly.")
    error = from_sdk_exception(exc, "DescribeSuspEvents")
    assert error.kind == errors.CREDENTIALS
    assert error.code == "InvalidCredentials"
    assert error.transient is False
    assert error.describe().startswith("No usable Alibaba Cloud credentials for DescribeSuspEvents: give access_key")
    assert "The SDK said: Please set up" in error.describe()


# --- UnretryableException, new stack ---------------------------------------------------------

def test_unretryable_reraises_api_errors_like_the_sdk():
    inner = sdk_error(ClientException, 400, "InvalidParam", "x")
    with pytest.raises(ClientException):
        unretryable(inner)


@pytest.mark.parametrize("text", [CONNECTION_REFUSED, "Connection refused",
                                  "HTTPSConnectionPool(host='tds.invalid', port=443): NameResolutionError"])
def test_connection_refused_is_not_sent(text):
    exc = unretryable(RetryError(text))
    assert exc.inner_exception.message == text
    error = from_sdk_exception(exc, "HandleSecurityEvents")
    assert error.kind == errors.NOT_SENT
    assert error.transient is True
    assert error.safe_to_resend is True
    assert error.code is None and error.http_status is None
    assert error.describe().startswith("HandleSecurityEvents could not reach the SAS endpoint: ")


@pytest.mark.parametrize("text", [READ_TIMED_OUT, REMOTE_DISCONNECTED])
def test_sent_but_unanswered_is_ambiguous(text):
    error = from_sdk_exception(unretryable(RetryError(text)), "HandleSecurityEvents")
    assert error.kind == errors.AMBIGUOUS
    assert error.transient is True      # a read may be tried again
    assert error.safe_to_resend is False  # a write may already have been done


def test_credential_exception_is_credentials_not_transient():
    inner = CredentialException("unable to load credentials from any of the providers in the chain: [x]")
    error = from_sdk_exception(unretryable(inner), "DescribeSuspEvents")
    assert error.kind == errors.CREDENTIALS
    assert error.transient is False
    assert error.safe_to_resend is False
    assert "unable to load credentials from any of the providers" in error.message
    assert error.describe().startswith("No usable Alibaba Cloud credentials for DescribeSuspEvents: ")


def test_unparseable_answer_is_bad_response():
    error = from_sdk_exception(unretryable(RuntimeError(NOT_JSON)), "DescribeSuspEvents")
    assert error.kind == errors.BAD_RESPONSE
    assert error.message == NOT_JSON
    assert error.transient is True
    assert error.safe_to_resend is False
    assert error.describe().startswith("DescribeSuspEvents got an answer that is not the service's JSON: Failed")


def test_long_network_message_is_shortened():
    error = from_sdk_exception(unretryable(RetryError("Read timed out " + "x" * 1000)), "DescribeSuspEvents")
    assert len(error.message) == 403
    assert error.message.endswith("...")


# --- old stack (tea-openapi 0.3) -------------------------------------------------------------

def test_old_stack_tea_exception():
    exc = Tea.exceptions.TeaException({
        "code": "Throttling.User",
        "message": f"code: 400, Request was denied due to user flow control. request id: {REQUEST_ID}",
        "data": {"RequestId": REQUEST_ID, "Code": "Throttling.User",
                 "Message": "Request was denied due to user flow control.", "statusCode": 400},
    })
    error = from_sdk_exception(exc, "HandleSecurityEvents")
    assert (error.kind, error.code, error.http_status, error.request_id) == (
        errors.API, "Throttling.User", 400, REQUEST_ID)
    assert error.message == "Request was denied due to user flow control."
    assert error.retry_after is None
    assert error.transient is True
    assert error.safe_to_resend is True


def test_old_stack_tea_exception_without_message_in_data_uses_exc_message():
    exc = Tea.exceptions.TeaException({"code": "InternalError", "message": "code: 500, boom request id: r",
                                       "data": {"statusCode": 500}})
    error = from_sdk_exception(exc, "DescribeSuspEvents")
    assert error.message == "code: 500, boom request id: r"
    assert (error.http_status, error.request_id) == (500, None)
    assert error.transient is True and error.safe_to_resend is False


def test_old_stack_bare_runtime_error_is_bad_response():
    error = from_sdk_exception(RuntimeError(NOT_JSON), "DescribeSuspEvents")
    assert error.kind == errors.BAD_RESPONSE
    assert error.message == NOT_JSON


def test_old_stack_unretryable_exception():
    exc = Tea.exceptions.UnretryableException(None, Tea.exceptions.RetryError(CONNECTION_REFUSED))
    error = from_sdk_exception(exc, "HandleSecurityEvents")
    assert error.kind == errors.NOT_SENT
    assert error.safe_to_resend is True
    exc = Tea.exceptions.UnretryableException(None, Tea.exceptions.RetryError(READ_TIMED_OUT))
    assert from_sdk_exception(exc, "HandleSecurityEvents").kind == errors.AMBIGUOUS


def test_bare_exceptions_are_classified_by_type_and_text():
    assert from_sdk_exception(OSError("Connection refused"), "A").kind == errors.NOT_SENT
    assert from_sdk_exception(OSError("Read timed out"), "A").kind == errors.AMBIGUOUS
    # not a network error: the SDK choked on the answer (e.g. an error body that is a JSON list)
    assert from_sdk_exception(AttributeError("'list' object has no attribute 'get'"), "A").kind == errors.BAD_RESPONSE


# --- secrets ---------------------------------------------------------------------------------

SECRET = "kS3cr3tValueXYZ"
TOKEN = "STS.NTokenValue+/="


def test_secrets_are_redacted_from_api_messages():
    exc = sdk_error(ClientException, 400, "SignatureDoesNotMatch",
                    f"the signature computed with secret {SECRET} and token {TOKEN} does not match")
    error = from_sdk_exception(exc, "DescribeSuspEvents", secrets=(SECRET, TOKEN))
    for text in (error.message, error.describe(), str(error.to_result())):
        assert SECRET not in text
        assert TOKEN not in text
        assert "********" in text
    assert error.message == "the signature computed with secret ******** and token ******** does not match"


def test_secrets_are_redacted_from_fallback_message():
    exc = Tea.exceptions.TeaException({"code": "X", "message": f"key {SECRET} leaked", "data": {"statusCode": 400}})
    error = from_sdk_exception(exc, "A", secrets=[SECRET])
    assert error.message == "key ******** leaked"


@pytest.mark.parametrize("inner", [
    RetryError(f"Read timed out for {SECRET}"),
    RetryError(f"Connection refused for {SECRET}"),
    CredentialException(f"bad secret {SECRET}"),
    RuntimeError(f'Failed to parse the value as json format, Value: "{SECRET}"'),
])
def test_secrets_are_redacted_from_unretryable_messages(inner):
    error = from_sdk_exception(unretryable(inner), "A", secrets=(SECRET,))
    assert SECRET not in error.message
    assert "********" in error.message
    assert SECRET not in error.describe()


def test_secrets_are_redacted_before_shortening():
    text = "Read timed out " + "x" * 380 + SECRET  # the secret straddles the 400-character cut
    error = from_sdk_exception(unretryable(RetryError(text)), "A", secrets=(SECRET,))
    assert SECRET[:5] not in error.message


def test_redact_leaves_too_short_values_alone():
    assert errors.redact("abc and abcd", ["abc"]) == "abc and abcd"
    assert errors.redact("abc and abcd", ["abcd", ""]) == "abc and ********"
