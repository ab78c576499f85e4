"""Gateway checks: ACS3-HMAC-SHA256 signature, access key, STS token, version, action, time, nonce."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from alibabacloud_sas20181203 import models as sas_models
from alibabacloud_tea_openapi.exceptions import ClientException
from sas_emu_helpers import make_client, raw_call

LIST = sas_models.DescribeSuspEventsRequest(page_size="1")


def error_of(call) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def test_signed_request_with_configured_key_is_accepted(fresh_emulator) -> None:
    response = make_client(fresh_emulator).describe_susp_events(LIST)
    assert response.status_code == 200 and response.body.total_count > 0


def test_wrong_secret_is_signature_does_not_match(fresh_emulator) -> None:
    client = make_client(fresh_emulator, access_key_secret="not-the-secret")
    error = error_of(lambda: client.describe_susp_events(LIST))
    assert (error.code, error.status_code) == ("SignatureDoesNotMatch", 400)
    assert error.data["Message"].startswith("Specified signature is not matched with our calculation.")
    # the answer shows the server's string to sign but never the secret
    assert "ACS3-HMAC-SHA256\n" in error.data["Message"] and "testSecret" not in json.dumps(error.data)


def test_unknown_access_key_is_404(fresh_emulator) -> None:
    client = make_client(fresh_emulator, access_key_id="nobody")
    error = error_of(lambda: client.describe_susp_events(LIST))
    assert (error.code, error.status_code) == ("InvalidAccessKeyId.NotFound", 404)
    assert error.data["Message"] == "Specified access key is not found."


def test_any_sts_token_when_none_configured(fresh_emulator) -> None:
    client = make_client(fresh_emulator, security_token="STS.anything")
    assert client.describe_susp_events(LIST).status_code == 200


def test_sts_token_must_match_when_configured(sas_emulator) -> None:
    emu = sas_emulator("--alerts", "3", "--access-key-id", "STS.key", "--access-key-secret", "s3cr3t",
                       "--security-token", "the-token")
    assert make_client(emu, security_token="the-token").describe_susp_events(LIST).status_code == 200
    error = error_of(lambda: make_client(emu, security_token="stolen").describe_susp_events(LIST))
    assert (error.code, error.status_code) == ("InvalidSecurityToken.MismatchWithAccessKey", 400)
    # the token never reaches the request log
    assert "the-token" not in open(emu.request_log_path).read()


def test_other_algorithms_are_refused(fresh_emulator) -> None:
    client = make_client(fresh_emulator, signature_algorithm="ACS3-HMAC-SM3")
    error = error_of(lambda: client.describe_susp_events(LIST))
    assert error.code == "InvalidSignatureMethod" and "ACS3-HMAC-SM3" in error.data["Message"]


def test_legacy_rpc_signature_is_refused(fresh_emulator) -> None:
    client = make_client(fresh_emulator, signature_algorithm="v2")
    error = error_of(lambda: client.describe_susp_events(LIST))
    assert error.code == "InvalidSignatureMethod" and "Legacy RPC" in error.data["Message"]


def test_missing_authorization(fresh_emulator) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", sign=False)
    assert status == 400 and json.loads(body)["Code"] == "IncompleteSignature"


@pytest.mark.parametrize("authorization", [
    "garbage",
    "ACS3-HMAC-SHA256 Credential=testAK",
    # host, x-acs-date ... must be signed
    "ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=host,Signature=00",
])
def test_garbled_authorization(fresh_emulator, authorization: str) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", sign=False,
                                   header_overrides={"Authorization": authorization})
    assert status == 400 and json.loads(body)["Code"] == "IncompleteSignature"


def test_raw_request_signed_by_the_sdk_signer_passes(fresh_emulator) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", {"PageSize": "2", "Remark": "a b&c=d~é"})
    assert status == 200, body


def test_content_sha256_must_match_body(fresh_emulator) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", body=b"TacticId=TA0001",
                                   header_overrides={"x-acs-content-sha256": "0" * 64,
                                                     "content-type": "application/x-www-form-urlencoded"})
    error = json.loads(body)
    assert status == 400 and error["Code"] == "SignatureDoesNotMatch" and "x-acs-content-sha256" in error["Message"]


def test_stale_date_is_illegal_timestamp(fresh_emulator) -> None:
    stale = (datetime.now(timezone.utc) - timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", header_overrides={"x-acs-date": stale})
    assert status == 400 and json.loads(body)["Code"] == "IllegalTimestamp"
    fine = (datetime.now(timezone.utc) - timedelta(minutes=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert raw_call(fresh_emulator, "DescribeSuspEvents", header_overrides={"x-acs-date": fine})[0] == 200


def test_replayed_nonce_is_refused(fresh_emulator) -> None:
    nonce = {"x-acs-signature-nonce": "f" * 32}
    assert raw_call(fresh_emulator, "DescribeSuspEvents", header_overrides=nonce)[0] == 200
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents", header_overrides=nonce)
    assert status == 400 and json.loads(body)["Code"] == "SignatureNonceUsed"


def test_wrong_version(fresh_emulator) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeSuspEvents",
                                   header_overrides={"x-acs-version": "2016-01-01"})
    assert status == 400 and json.loads(body)["Code"] == "InvalidVersion"


def test_unknown_action(fresh_emulator) -> None:
    status, dummy, body = raw_call(fresh_emulator, "DescribeAlarmEventList")
    error = json.loads(body)
    assert status == 404 and error["Code"] == "InvalidAction.NotFound"
    assert error["Message"] == "Specified api is not found, please check your url and method."
