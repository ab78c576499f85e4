# Copyright: (c) 2026, alibabacloud.sas contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error type for everything the SDK can raise, classified for retries and for users.

The SDK raises different classes across its stacks (tea-openapi 0.3 and 0.4), so this
module reads attributes, never classes [SDK].
"""

from __future__ import annotations

from typing import Iterable, Optional

# Kinds of failure; they decide what may be retried and how the message reads.
API = "api"                    # the service answered with an error body
NOT_SENT = "not_sent"          # the request never reached the service: safe to send again
AMBIGUOUS = "ambiguous"        # sent, but no answer: the service may have acted on it
CREDENTIALS = "credentials"    # no usable credentials
BAD_RESPONSE = "bad_response"  # an answer that is not the service's JSON (e.g. a proxy's HTML 502)

# A code that holds this anywhere is the service's throttling in one of its forms: Throttling, Throttling.User,
# Throttling.Api [DOC], Rejected.Throttling [3P]; the Terraform provider for Alibaba Cloud retries every such code [3P].
THROTTLING = "Throttling"
# Codes (prefixes) of the service's other "try again later" answers: server errors [DOC].
TRANSIENT_CODES = ("ServiceUnavailable", "InternalError", "ServerError")

# Service codes (prefixes) that refuse the caller a permission: its RAM policy lacks the API (NoPermission,
# Forbidden.RAM), or the edition does not allow it.
PERMISSION_CODES = ("NoPermission", "Forbidden")
# Service codes (prefixes) that refuse the credentials or their permissions: the key is unknown or disabled, the
# signature or STS token does not match it, or a permission is lacking. Trying again cannot help.
ACCESS_REFUSED_CODES = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature",
                        "InvalidSecurityToken") + PERMISSION_CODES

# Fragments of the resolver's answer that the endpoint's host name does not exist (EAI_NONAME on Linux and macOS,
# EAI_NODATA, Windows' WSAHOST_NOT_FOUND): no retry can make it exist. A resolver that did not answer ("Temporary
# failure in name resolution") is not among them: it may answer the next try.
_UNKNOWN_HOST_MARKERS = (
    "Name or service not known",
    "nodename nor servname provided, or not known",
    "No address associated with hostname",
    "[Errno 11001]",
)

# Fragments of the HTTP library's messages that prove the request was never sent.
_NOT_SENT_MARKERS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Connection refused",
    "ConnectTimeoutError",
    "NameResolutionError",
    "Name or service not known",
    "Temporary failure in name resolution",
)

# What to do about an error, in the user's words: the one table for a refused call (SasApiError.describe)
# and for an alert's result in a handling task (tasks.hint_for). Keyed by the service's error code, and by
# ".<result>" for a task's per-alert code "<operation>.<result>"; {action} is the API that was called.
HINTS = {
    "InvalidAccessKeyId.NotFound": "check access_key: the service does not know this AccessKey ID",
    "SignatureDoesNotMatch": "check secret_key: it does not belong to this AccessKey ID",
    "IncompleteSignature": "check secret_key and the clock of the host that runs the module",
    "InvalidSecurityToken.Expired": "the STS security_token has expired: get a new one",
    "InvalidSecurityToken.Malformed": "check security_token",
    "NoPermission": "the RAM policy lacks yundun-sas:{action}",
    "Forbidden.RAM": "the RAM policy lacks yundun-sas:{action}",
    THROTTLING: "the account is over its API quota; lower concurrency or try later",
    "SecurityEventNotExists": "the alert no longer exists or was handled meanwhile: look among handled alerts "
                              "(sas_alert_info status=handled)",
    "OperationTaskNotExists": "check task_id: the service knows no handling task with this id (task ids come "
                              "from sas_alert_handle's task_ids)",
    ".AgentOffline": "the Security Center agent on the server is offline: handle the alert again once it is "
                     "back online",
    ".ProcessNotExist": "the process is gone: quarantine the file with operation virus_quara_bin instead",
    ".Failure": "the service could not handle the alert: look at it in the Security Center console",
}


def error_hint(code: Optional[str], action: str) -> Optional[str]:
    """What to do about code, an error code of a call to action or an alert's result in its task; None if no advice."""
    if not code:
        return None
    if THROTTLING in code:
        code = THROTTLING  # one advice for every form of throttling
    text = HINTS.get(code)
    if text is None and "." in code:
        text = HINTS.get("." + code.rsplit(".", 1)[1])
    return None if text is None else text.format(action=action)


class SasApiError(Exception):
    """A failed SAS call, with what a user and the retry logic need to know."""

    def __init__(self, action: str, kind: str, message: str, code: Optional[str] = None,
                 request_id: Optional[str] = None, recommend: Optional[str] = None,
                 http_status: Optional[int] = None, retry_after: Optional[float] = None,
                 endpoint: Optional[str] = None, host_unknown: bool = False):
        super().__init__(message)
        self.action = action
        self.kind = kind
        self.message = message
        self.code = code
        self.request_id = request_id
        self.recommend = recommend
        self.http_status = http_status
        self.retry_after = retry_after  # seconds, from the server's x-acs-retry-after
        self.endpoint = endpoint  # the URL called, when known
        self.host_unknown = host_unknown  # NOT_SENT because the endpoint's host name does not resolve

    @property
    def throttled(self) -> bool:
        """The service refused the call for the rate of calls: a THROTTLING code, or HTTP 429."""
        return self.kind == API and (THROTTLING in (self.code or "") or self.http_status == 429)

    @property
    def transient(self) -> bool:
        """Worth another try for a call that is safe to repeat."""
        if self.kind == NOT_SENT:
            return not self.host_unknown
        if self.kind in (AMBIGUOUS, BAD_RESPONSE):
            return True
        if self.kind != API:
            return False
        if self.throttled or (self.http_status or 0) >= 500:
            return True
        return (self.code or "").startswith(TRANSIENT_CODES)

    @property
    def safe_to_resend(self) -> bool:
        """Worth another try even for a write: the service surely did not act on it."""
        if self.kind == NOT_SENT:
            return self.transient
        # A throttled or unavailable 4xx answer means the request was refused, not processed. A 5xx answer, whatever
        # its code, may come from a server that failed after acting (handling.may_have_acted reads it so too).
        return self.kind == API and self.transient and (self.http_status or 0) < 500

    @property
    def permission_refused(self) -> bool:
        """The service refused the caller this call's permission: a PERMISSION_CODES code, or HTTP 403."""
        return self.kind == API and ((self.code or "").startswith(PERMISSION_CODES) or self.http_status == 403)

    @property
    def access_refused(self) -> bool:
        """No usable credentials, or the service refuses them or their permissions (ACCESS_REFUSED_CODES):
        no retry, now or later, can help."""
        if self.kind == CREDENTIALS:
            return True
        return self.kind == API and any((self.code or "").startswith(prefix) for prefix in ACCESS_REFUSED_CODES)

    def describe(self) -> str:
        """One plain sentence for `msg`."""
        if self.kind == API:
            text = "%s was refused by the service: %s (code %s, HTTP %s, request id %s)" % (
                self.action, self.message, self.code, self.http_status, self.request_id)
        elif self.kind == CREDENTIALS:
            text = ("No usable Alibaba Cloud credentials for %s: give access_key and secret_key, a profile, or "
                    "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (an empty value counts as "
                    "unset). The SDK said: %s" % (self.action, self.message))
        elif self.kind == BAD_RESPONSE:
            text = "%s got an answer that is not the service's JSON: %s" % (self.action, self.message)
        elif self.host_unknown:
            text = ("%s could not reach the SAS endpoint%s: its host name does not resolve, so the call was not "
                    "tried again; check endpoint (or the region it was chosen from). The HTTP library said: %s"
                    % (self.action, " " + self.endpoint if self.endpoint else "", self.message))
        else:
            text = "%s could not reach the SAS endpoint: %s" % (self.action, self.message)
        hint = self.hint
        return text + ("; " + hint if hint else "")

    @property
    def hint(self) -> Optional[str]:
        """What to do about it, or None (HINTS)."""
        return error_hint(self.code, self.action)

    def to_result(self) -> dict:
        """The `error` entry of a failed module result (snake_case)."""
        return {
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "recommend": self.recommend,
            "http_status": self.http_status,
        }


def from_sdk_exception(exc: BaseException, action: str, secrets: Iterable[str] = (),
                       endpoint: Optional[str] = None) -> SasApiError:
    """Classify anything an SDK call raised (a call to endpoint, if given); secrets are cut out of every text."""
    error = _classify(exc, action, secrets)
    error.endpoint = endpoint
    return error


def _classify(exc: BaseException, action: str, secrets: Iterable[str]) -> SasApiError:
    inner = getattr(exc, "inner_exception", None)
    if inner is not None:  # UnretryableException: network, credentials or unparseable answer
        return _from_unretryable(inner, action, secrets)
    data = getattr(exc, "data", None)
    if getattr(exc, "code", None) is not None and isinstance(data, dict):
        # The SDK writes an absent Code as the string 'None' and drops statusCode with an empty body.
        code = None if str(exc.code) == "None" else str(exc.code)  # type: ignore[attr-defined]
        status = data.get("statusCode") or getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
        return SasApiError(
            action, API,
            redact(str(data.get("Message") or data.get("message") or getattr(exc, "message", "")), secrets),
            code=code,
            request_id=data.get("RequestId") or data.get("requestId") or getattr(exc, "request_id", None),
            recommend=data.get("Recommend"),
            http_status=_int_or_none(status),
            retry_after=_retry_after_seconds(exc),
        )
    if getattr(exc, "code", None) == "InvalidCredentials":
        return SasApiError(action, CREDENTIALS, redact(str(getattr(exc, "message", exc)), secrets),
                           code="InvalidCredentials")
    if isinstance(exc, OSError):  # a network error that escaped the SDK's wrapping
        return _network_error(str(exc), action, secrets)
    # Anything else is an answer the SDK could not parse: the old stack's RuntimeError for a
    # non-JSON body, or a body of the wrong JSON shape.
    return SasApiError(action, BAD_RESPONSE, _short(redact(str(exc), secrets)))


def _from_unretryable(inner: BaseException, action: str, secrets: Iterable[str]) -> SasApiError:
    text = str(getattr(inner, "message", None) or inner)
    name = type(inner).__name__
    if "Credential" in name:
        return SasApiError(action, CREDENTIALS, _short(redact(text, secrets)))
    if isinstance(inner, RuntimeError) and "json" in text.lower():
        return SasApiError(action, BAD_RESPONSE, _short(redact(text, secrets)))
    return _network_error(text, action, secrets)


def _network_error(text: str, action: str, secrets: Iterable[str]) -> SasApiError:
    """NOT_SENT (host_unknown if the name does not resolve) or AMBIGUOUS, read from the whole text before it is
    shortened."""
    host_unknown = any(marker in text for marker in _UNKNOWN_HOST_MARKERS)
    not_sent = host_unknown or any(marker in text for marker in _NOT_SENT_MARKERS)
    return SasApiError(action, NOT_SENT if not_sent else AMBIGUOUS, _short(redact(text, secrets)),
                       host_unknown=host_unknown)


def _retry_after_seconds(exc: BaseException) -> Optional[float]:
    value = getattr(exc, "retry_after", None)  # milliseconds (tea-openapi ThrottlingException)
    try:
        return int(value) / 1000.0 if value is not None and int(value) > 0 else None
    except (TypeError, ValueError):
        return None


def _int_or_none(value: object) -> Optional[int]:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in text (secrets too short to be real are left alone)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "********")
    return text
