"""The service's error codes, HTTP statuses and messages (the error tables of the API pages [DOC]).

Each error is a class named once. The wire layer turns any ``SasError`` into the POP error body
``{"RequestId", "HostId", "Code", "Message", "Recommend"}``.
Messages are the documented ones; where the emulator adds a reason it follows the documented
text after a space, so ``Message.startswith(<documented text>)`` holds.
"""

from __future__ import annotations


class SasError(Exception):
    """Base of every error the emulator answers with."""

    status: int = 400
    code: str = "InvalidParam"
    message: str = "There was an error with your request."

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        self.detail = detail
        self.headers = dict(headers or {})
        super().__init__(self.full_message)

    @property
    def full_message(self) -> str:
        return f"{self.message} {self.detail}" if self.detail else self.message


class _ParameterError(SasError):
    """Errors whose documented message names the parameter."""

    template = "{name}"

    def __init__(self, name: str, detail: str | None = None) -> None:
        self.parameter = name
        self.message = self.template.format(name=name)
        super().__init__(detail)


# --- Gateway (POP) errors [DOC] -------------------------------------------------------------------

class MissingParameter(_ParameterError):
    status = 400
    code = "MissingParameter"
    template = 'The input parameter "{name}" that is mandatory for processing this request is not supplied.'


class InvalidParameter(_ParameterError):
    # Format checks the gateway does from the API metadata (types, ranges, list sizes).
    status = 400
    code = "InvalidParameter"
    template = 'The specified parameter "{name}" is not valid.'


class InvalidAccessKeyIdNotFound(SasError):
    status = 404
    code = "InvalidAccessKeyId.NotFound"
    message = "Specified access key is not found."


class SignatureDoesNotMatch(SasError):
    # 400, not 403: the POP gateway (which fronts SAS) answers signature errors with 400
    # ("HTTP Status: 400 Error:SignatureDoesNotMatch" in SDK-core errors); 403 is OSS/DNS style.
    status = 400
    code = "SignatureDoesNotMatch"
    message = "Specified signature is not matched with our calculation."


class IncompleteSignature(SasError):
    status = 400
    code = "IncompleteSignature"
    message = "The request signature does not conform to Aliyun standards."


class InvalidSignatureMethod(SasError):
    # [GUESS] code; used for signature algorithms/versions this emulator does not implement.
    status = 400
    code = "InvalidSignatureMethod"
    message = "Specified signature method is not valid."


class IllegalTimestamp(SasError):
    status = 400
    code = "IllegalTimestamp"
    message = ('The input parameter "Timestamp" that is mandatory for processing this request is not supplied'
               " or is out of the allowed range.")


class SignatureNonceUsed(SasError):
    status = 400
    code = "SignatureNonceUsed"
    message = "Specified signature nonce was used already."


class InvalidSecurityTokenMismatch(SasError):
    status = 400
    code = "InvalidSecurityToken.MismatchWithAccessKey"
    message = "Specified SecurityToken mismatch with the AccessKey."


class InvalidVersion(SasError):
    # [GUESS] POP code for an unknown x-acs-version of a known product.
    status = 400
    code = "InvalidVersion"
    message = "Specified parameter Version is not valid."


class InvalidActionNotFound(SasError):
    status = 404
    code = "InvalidAction.NotFound"
    message = "Specified api is not found, please check your url and method."


class ThrottlingUser(SasError):
    status = 400
    code = "Throttling.User"
    message = "Request was denied due to user flow control."


class InternalError(SasError):
    status = 500
    code = "InternalError"
    message = "The request processing has failed due to some unknown error, exception or failure."


class ServiceUnavailable(SasError):
    status = 503
    code = "ServiceUnavailable"
    message = "The request has failed due to a temporary failure of the server."


class DryRunOperation(SasError):
    # A call with DryRun=true that would have succeeded ([GUESS] for SAS: the code and message other Alibaba Cloud
    # APIs answer a successful dry run with).
    status = 400
    code = "DryRunOperation"
    message = "Request validation has been passed with DryRun flag set."


# --- SAS errors [DOC] -----------------------------------------------------------------------------

class ServiceError(SasError):
    """Answered by Security Center itself, not by the gateway in front of it: CreateSuspEventNote may answer these
    in a body with Success false (the reading note_refusal)."""


class SecurityEventNotExists(ServiceError):
    status = 400
    code = "SecurityEventNotExists"
    message = "Security event not exists."


class OperationTaskNotExists(ServiceError):
    status = 400
    code = "OperationTaskNotExists"
    message = "The specified operation task does not exist"


class IllegalParam(ServiceError):
    status = 400
    code = "IllegalParam"
    message = "Illegal param"


class NoPermission(ServiceError):
    # 403 on the DescribeSecurityEventOperationStatus page (421750), the CreateSuspEventNote page and other SAS pages;
    # the no_permission fault.
    status = 403
    code = "NoPermission"
    message = "caller has no permission"


class HandleNoPermission(NoPermission):
    # HandleSecurityEvents refused for an operation the edition does not allow (UserCanOperate=false): the
    # error table of HandleSecurityEvents lists NoPermission with HTTP 400 [DOC]; the message is the
    # sibling pages' text ([GUESS] for this page).
    status = 400


class InvalidParam(ServiceError):
    """SAS business validation (e.g. an operation the alert does not offer, the content of OperationParams or
    MarkMissParam). ``parameter`` names the parameter after the documented text."""

    status = 400
    code = "InvalidParam"
    message = "There was an error with your request."

    def __init__(self, detail: str | None = None, *, parameter: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.parameter = parameter
        if parameter is not None:
            detail = f'Parameter "{parameter}": {detail}' if detail else f'Parameter "{parameter}" is not valid.'
        super().__init__(detail, headers=headers)


class ServerError(ServiceError):
    status = 500
    code = "ServerError"
    message = "ServerError"
