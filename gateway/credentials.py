"""Credentials of the helpdesk's people: passwords (argon2id) and bearer tokens (sessions,
single-use sign-up links), of which only a hash is ever stored.

A token is 32 random bytes, URL-safe; the store keeps its SHA-256, so a leaked table opens no
session and a lookup is one indexed equality. Passwords are hashed with argon2id at the
library's recommended parameters (RFC 9106 low-memory profile); `verify` also says when a hash
was made with older parameters and should be replaced at the next login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
#: Passwords shorter than this are refused (NIST SP 800-63B: at least 8; we ask for 10).
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


def password_problem(password: str) -> str | None:
    """Why `password` cannot be used (None: it can)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password may have at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() != password or not password.isprintable():
        return "the password may not start or end with blanks or hold control characters"
    return None


def hash_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash). A malformed stored hash never matches."""
    try:
        _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, _HASHER.check_needs_rehash(stored_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps of a token (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
