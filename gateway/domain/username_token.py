"""WS-Security UsernameToken (OASIS WSS 1.0 UsernameToken Profile): is this token the user's?

A token carries the user name and either the password itself (PasswordText, the profile's
default when `Type` is absent) or Base64(SHA-1(nonce + created + password)) (PasswordDigest),
where `nonce` is the decoded bytes of `wsse:Nonce` and `created` the exact text of
`wsu:Created`. The server must know the password to check a digest: the gateway keeps bank
passwords sealed, never hashed (`gateway.sealing`).

Freshness: `wsu:Created` must lie within `window` of the server's clock, either way (a clock
ahead by more than the window is as suspect as an old message); a nonce seen before within the
window is a replay (the store remembers nonces: `caja_nonces`). A digest needs both a nonce and
a Created (without them it could be replayed forever); a PasswordText token may come without
them (zeep and many kits send none: the password itself is the secret, and TLS carries it),
and what it does carry is checked the same way. Created without an offset is UTC, as the
profile says all its times are.

Pure: no I/O; the caller supplies the password, the clock and the nonce memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
PASSWORD_TEXT = f"{PROFILE}#PasswordText"
PASSWORD_DIGEST = f"{PROFILE}#PasswordDigest"
#: Longest nonce (as sent, Base64) the gateway remembers: the store's column.
MAX_NONCE_LENGTH = 128

_CREATED = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)


class PasswordType(StrEnum):
    TEXT = "PasswordText"
    DIGEST = "PasswordDigest"

    @classmethod
    def of(cls, type_attribute: str | None) -> PasswordType | None:
        """The profile URI, the `wsse:PasswordText` QName form old kits write, or nothing
        (PasswordText); None for anything else."""
        value = (type_attribute or "").strip()
        if not value:
            return cls.TEXT
        name = value.rpartition("#")[2] if "#" in value else value.rpartition(":")[2]
        return next((kind for kind in cls if kind.value == name), None)


class TokenProblem(StrEnum):
    """Why a token was refused (for the log; the bank hears 091 whatever it is)."""

    MISSING = "no UsernameToken"
    UNKNOWN_PASSWORD_TYPE = "unknown Password Type"
    DIGEST_NEEDS_NONCE_AND_CREATED = "PasswordDigest without Nonce or Created"
    BAD_NONCE = "Nonce is not Base64 or too long"
    BAD_CREATED = "Created is not an xs:dateTime"
    STALE = "Created is older than the window"
    FUTURE = "Created is further in the future than the window"
    WRONG_PASSWORD = "password or digest does not match"
    REPLAYED = "nonce already used within the window"
    UNKNOWN_USER = "unknown user"
    DISABLED = "user or bank disabled"
    OTHER_BANK = "the user belongs to another bank"


class TokenRefused(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class UsernameToken:
    """A token as read from `wsse:Security/wsse:UsernameToken` (texts as sent)."""

    username: str
    password: str
    #: The Password's `Type` attribute as sent (None: absent).
    password_type: str | None = None
    #: `wsse:Nonce`, Base64 text as sent.
    nonce: str | None = None
    #: `wsu:Created`, exact text as sent (the digest is computed over it).
    created: str | None = None


@dataclass(frozen=True)
class VerifiedToken:
    username: str
    #: What the nonce memory must refuse to see again (None: the token had no nonce).
    nonce: str | None
    #: The token's Created (None: it had none); the nonce may be forgotten `window` after it.
    created: datetime | None


def password_digest(nonce: bytes, created: str, password: str) -> str:
    """Base64(SHA-1(nonce + created + password)), the profile's PasswordDigest."""
    raw = hashlib.sha1(nonce + created.encode("utf-8") + password.encode("utf-8")).digest()
    return base64.b64encode(raw).decode("ascii")


def parse_created(text: str) -> datetime:
    """xs:dateTime to an aware instant; no offset means UTC (the profile's times are UTC)."""
    value = text.strip()
    if _CREATED.fullmatch(value) is None:
        raise TokenRefused(TokenProblem.BAD_CREATED)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise TokenRefused(TokenProblem.BAD_CREATED) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _nonce_bytes(text: str) -> bytes:
    compact = "".join(text.split())
    if not compact or len(compact) > MAX_NONCE_LENGTH:
        raise TokenRefused(TokenProblem.BAD_NONCE)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise TokenRefused(TokenProblem.BAD_NONCE) from None


def verify(
    token: UsernameToken, password: str, *, now: datetime, window: timedelta
) -> VerifiedToken:
    """Check `token` against the user's `password` at `now`; raises TokenRefused.

    The nonce is not looked up here: the caller records `VerifiedToken.nonce` and refuses the
    token when it was seen before (REPLAYED).
    """
    kind = PasswordType.of(token.password_type)
    if kind is None:
        raise TokenRefused(TokenProblem.UNKNOWN_PASSWORD_TYPE)
    if kind is PasswordType.DIGEST and (not token.nonce or not token.created):
        raise TokenRefused(TokenProblem.DIGEST_NEEDS_NONCE_AND_CREATED)
    nonce = _nonce_bytes(token.nonce) if token.nonce is not None else None
    created = parse_created(token.created) if token.created is not None else None
    if created is not None:
        if created < now - window:
            raise TokenRefused(TokenProblem.STALE)
        if created > now + window:
            raise TokenRefused(TokenProblem.FUTURE)
    if kind is PasswordType.DIGEST:
        assert nonce is not None and token.created is not None
        expected = password_digest(nonce, token.created.strip(), password)
        offered = "".join(token.password.split())
    else:
        expected, offered = password, token.password
    if not hmac.compare_digest(expected.encode("utf-8"), offered.encode("utf-8")):
        raise TokenRefused(TokenProblem.WRONG_PASSWORD)
    nonce_key = "".join(token.nonce.split()) if token.nonce is not None else None
    return VerifiedToken(token.username, nonce_key, created)
