"""The UsernameToken profile's checks, against zeep's own token writer where one exists."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from zeep.wsse.username import UsernameToken as ZeepToken

from gateway.caja.soap.wsse import username_token
from gateway.domain.username_token import (
    PASSWORD_DIGEST,
    PasswordType,
    TokenProblem,
    TokenRefused,
    UsernameToken,
    password_digest,
    verify,
)

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=300)
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def zeep_header(**options) -> etree._Element:
    envelope = etree.fromstring(
        f'<s:Envelope xmlns:s="{SOAP}"><s:Header/><s:Body/></s:Envelope>'.encode()
    )
    ZeepToken("banco", "s3creto", **options).apply(envelope, {})
    return envelope.find(f"{{{SOAP}}}Header")


def test_a_digest_written_by_zeep_verifies():
    header = zeep_header(use_digest=True, created=NOW - timedelta(seconds=30))
    token = username_token(header)
    assert token is not None and PasswordType.of(token.password_type) is PasswordType.DIGEST
    verified = verify(token, "s3creto", now=NOW, window=WINDOW)
    assert verified.username == "banco" and verified.nonce == token.nonce
    assert verified.created == NOW - timedelta(seconds=30)


def test_a_plain_password_written_by_zeep_verifies_without_nonce_or_created():
    token = username_token(zeep_header())
    assert token is not None and token.nonce is None and token.created is None
    assert verify(token, "s3creto", now=NOW, window=WINDOW).nonce is None


@pytest.mark.parametrize("digest", [True, False])
def test_a_wrong_password_is_refused(digest):
    token = username_token(zeep_header(use_digest=digest, created=NOW))
    with pytest.raises(TokenRefused) as refused:
        verify(token, "otro", now=NOW, window=WINDOW)
    assert refused.value.problem is TokenProblem.WRONG_PASSWORD


def test_the_digest_is_the_profiles_formula():
    nonce, created = b"\x01\x02\x03nonce", "2026-11-23T15:00:00Z"
    expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + b"pw").digest()).decode()
    assert password_digest(nonce, created, "pw") == expected


@pytest.mark.parametrize(
    ("created", "problem"),
    [
        (NOW - timedelta(seconds=301), TokenProblem.STALE),
        (NOW + timedelta(seconds=301), TokenProblem.FUTURE),
    ],
)
def test_created_outside_the_window_either_way_is_refused(created, problem):
    token = username_token(zeep_header(use_digest=True, created=created))
    with pytest.raises(TokenRefused) as refused:
        verify(token, "s3creto", now=NOW, window=WINDOW)
    assert refused.value.problem is problem


@pytest.mark.parametrize("edge", [-300, 300])
def test_created_at_the_edge_of_the_window_passes(edge):
    token = username_token(zeep_header(use_digest=True, created=NOW + timedelta(seconds=edge)))
    verify(token, "s3creto", now=NOW, window=WINDOW)


def test_a_digest_without_nonce_or_created_is_refused():
    token = UsernameToken("banco", "x", PASSWORD_DIGEST, nonce=None, created="2026-11-23T15:00:00Z")
    with pytest.raises(TokenRefused) as refused:
        verify(token, "s3creto", now=NOW, window=WINDOW)
    assert refused.value.problem is TokenProblem.DIGEST_NEEDS_NONCE_AND_CREATED


@pytest.mark.parametrize(
    ("nonce", "created", "problem"),
    [
        ("no es base64!", "2026-11-23T15:00:00Z", TokenProblem.BAD_NONCE),
        ("A" * 132, "2026-11-23T15:00:00Z", TokenProblem.BAD_NONCE),
        ("AAAA", "23/11/2026 10:00", TokenProblem.BAD_CREATED),
        ("AAAA", "2026-13-23T15:00:00Z", TokenProblem.BAD_CREATED),
    ],
)
def test_unreadable_nonce_or_created_is_refused(nonce, created, problem):
    token = UsernameToken("banco", "x", PASSWORD_DIGEST, nonce=nonce, created=created)
    with pytest.raises(TokenRefused) as refused:
        verify(token, "s3creto", now=NOW, window=WINDOW)
    assert refused.value.problem is problem


def test_created_without_offset_is_utc_and_with_offset_is_honoured():
    nonce = base64.b64encode(b"n").decode()
    for created in ("2026-11-23T15:00:00", "2026-11-23T10:00:00-05:00", "2026-11-23T15:00:00.5Z"):
        digest = password_digest(b"n", created, "pw")
        token = UsernameToken("banco", digest, PASSWORD_DIGEST, nonce=nonce, created=created)
        verify(token, "pw", now=NOW, window=timedelta(seconds=5))


@pytest.mark.parametrize(
    ("attribute", "kind"),
    [
        (None, PasswordType.TEXT),
        ("", PasswordType.TEXT),
        ("wsse:PasswordText", PasswordType.TEXT),
        ("wsse:PasswordDigest", PasswordType.DIGEST),
        (PASSWORD_DIGEST, PasswordType.DIGEST),
        ("http://example.com/#PasswordHash", None),
    ],
)
def test_password_types_as_kits_write_them(attribute, kind):
    assert PasswordType.of(attribute) is kind


def test_a_header_without_security_or_username_is_no_token():
    header = etree.fromstring(f'<h:Header xmlns:h="{SOAP}"><x xmlns="urn:other"/></h:Header>')
    assert username_token(header) is None
    assert username_token(None) is None
