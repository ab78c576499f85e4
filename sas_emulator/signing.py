"""ACS3-HMAC-SHA256 request verification, exactly as the SDK signs (Alibaba Cloud's signature method V3)."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from calendar import timegm
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from . import constants as C
from .exceptions import (
    IllegalTimestamp,
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    InvalidSecurityTokenMismatch,
    InvalidSignatureMethod,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)

_AUTH_RE = re.compile(
    r"^(?P<algorithm>[A-Za-z0-9-]+) +Credential=(?P<credential>[^,\s]+),"
    r"SignedHeaders=(?P<signed>[a-z0-9;._-]+),Signature=(?P<signature>[0-9a-fA-F]+)$"
)
# Headers the SDK always signs; a request that leaves them out is not a conforming ACS3 request.
REQUIRED_SIGNED_HEADERS = ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
                           "x-acs-content-sha256")


@dataclass(frozen=True)
class Authorization:
    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str
    security_token: str | None = None  # None: accept any STS token


def parse_authorization(value: str | None) -> Authorization:
    if not value:
        raise IncompleteSignature("The Authorization header is missing.")
    value = value.strip()
    algorithm = value.split(" ", 1)[0]
    if algorithm in C.UNSUPPORTED_SIGNATURE_ALGORITHMS:
        raise InvalidSignatureMethod(f"{algorithm} is not supported by this emulator; use {C.SIGNATURE_ALGORITHM}.")
    match = _AUTH_RE.match(value)
    if not match or match.group("algorithm") != C.SIGNATURE_ALGORITHM:
        raise IncompleteSignature("The Authorization header is not a valid ACS3-HMAC-SHA256 authorization.")
    signed = tuple(match.group("signed").split(";"))
    missing = [h for h in REQUIRED_SIGNED_HEADERS if h not in signed]
    if missing:
        raise IncompleteSignature(f"SignedHeaders must include {', '.join(missing)}.")
    return Authorization(match.group("algorithm"), match.group("credential"), signed, match.group("signature").lower())


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    # The SDK signs a dict (one value per key), keys sorted and not encoded, values RFC 3986.
    flat = dict(pairs)
    return "&".join(f"{k}={quote(flat[k], safe='~')}" for k in sorted(flat))


def canonical_headers(headers: Mapping[str, list[str]], signed: Iterable[str]) -> str:
    lines = []
    for name in signed:
        values = sorted(v.strip() for v in headers.get(name, []))
        lines.append(f"{name}:{','.join(values).strip()}\n")
    return "".join(lines)


def canonical_request(method: str, path: str, query: Iterable[tuple[str, str]],
                      headers: Mapping[str, list[str]], signed: tuple[str, ...], payload_hash: str) -> str:
    return "\n".join([method.upper(), path or "/", canonical_query(query), canonical_headers(headers, signed),
                      ";".join(signed), payload_hash])


def string_to_sign(canonical: str) -> str:
    return f"{C.SIGNATURE_ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(secret: str, to_sign: str) -> str:
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_acs_date(value: str | None) -> float:
    if not value:
        raise IllegalTimestamp("The x-acs-date header is missing.")
    try:
        return float(timegm(time.strptime(value, C.ACS_DATE_FORMAT)))
    except ValueError:
        raise IllegalTimestamp(f"x-acs-date must look like 2026-01-31T12:00:00Z, got {value!r}.") from None


class NonceCache:
    """Remembers nonces for the timestamp window, so a replayed request is refused."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, nonce: str, now: float) -> None:
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = {n: t for n, t in self._seen.items() if t > now}
            expiry = self._seen.get(nonce)
            if expiry is not None and expiry > now:
                raise SignatureNonceUsed()
            self._seen[nonce] = now + C.NONCE_TTL_SECONDS


def _last(headers: Mapping[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[-1].strip() if values else None


class Verifier:
    """Verifies one request against the configured credentials [SDK]."""

    def __init__(self, credentials: Credentials, clock=time.time) -> None:
        self.credentials = credentials
        self.clock = clock
        self.nonces = NonceCache()

    def credential(self, headers: Mapping[str, list[str]]) -> Authorization:
        """The Authorization header, well formed and of a known key: all the headers tell before the body."""
        auth = parse_authorization(_last(headers, "authorization"))
        if auth.access_key_id != self.credentials.access_key_id:
            raise InvalidAccessKeyIdNotFound()
        return auth

    def verify(self, method: str, path: str, query: list[tuple[str, str]], headers: Mapping[str, list[str]],
               body: bytes) -> Authorization:
        def header(name: str) -> str | None:
            return _last(headers, name)

        auth = self.credential(headers)
        sts_key_id = header("x-acs-accesskey-id")
        if sts_key_id is not None and sts_key_id != auth.access_key_id:
            raise InvalidSecurityTokenMismatch("x-acs-accesskey-id differs from the Authorization credential.")

        body_hash = hashlib.sha256(body).hexdigest()
        claimed_hash = header("x-acs-content-sha256")
        if claimed_hash is None or claimed_hash.lower() != body_hash:
            # The gateway hashes the body itself; a header that disagrees cannot produce a valid signature.
            raise SignatureDoesNotMatch("The x-acs-content-sha256 header does not match the SHA-256 of the body.")

        canonical = canonical_request(method, path, query, headers, auth.signed_headers, body_hash)
        to_sign = string_to_sign(canonical)
        expected = sign(self.credentials.access_key_secret, to_sign)
        if not hmac.compare_digest(expected, auth.signature):
            # Like POP, show the server's string to sign (it holds no secret) to help debugging.
            raise SignatureDoesNotMatch("server string to sign is:" + to_sign)

        now = self.clock()
        request_time = parse_acs_date(header("x-acs-date"))
        if abs(now - request_time) > C.MAX_CLOCK_SKEW_SECONDS:
            raise IllegalTimestamp("x-acs-date is more than 15 minutes away from the server time.")
        self.nonces.check_and_add(header("x-acs-signature-nonce") or "", now)

        token = header("x-acs-security-token")
        expected_token = self.credentials.security_token
        if token is not None and expected_token is not None and not hmac.compare_digest(token, expected_token):
            raise InvalidSecurityTokenMismatch()
        return auth


def sign_request(credentials: Credentials, method: str, path: str, query: list[tuple[str, str]],
                 headers: dict[str, str], body: bytes) -> str:
    """Build an Authorization header the way the SDK does (for tests and scripted clients)."""
    lowered = {k.lower(): [v] for k, v in headers.items()}
    signed = tuple(sorted(lowered))
    canonical = canonical_request(method, path, query, lowered, signed, hashlib.sha256(body).hexdigest())
    signature = sign(credentials.access_key_secret, string_to_sign(canonical))
    return (f"{C.SIGNATURE_ALGORITHM} Credential={credentials.access_key_id},"
            f"SignedHeaders={';'.join(signed)},Signature={signature}")
