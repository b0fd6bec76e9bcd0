"""Secrets the gateway must read back (not merely verify), sealed at rest.

A bank's WS-Security PasswordDigest is Base64(SHA-1(nonce + created + password)): to check it
the server needs the password itself, so bank users' passwords cannot be stored as hashes. They
are sealed with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under a key derived from
`GATEWAY_SECRET_KEY`. Several comma-separated keys rotate: the first seals, any opens.

Fail closed: with no key configured outside sandbox mode nothing can be sealed or opened
(`SealingUnavailable`), so no bank can authenticate until an operator sets one. Sandbox mode
without a key uses `SANDBOX_KEY`, a documented, public value: sandbox data is not secret.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gateway.settings import Settings

#: The key of sandbox mode when none is configured. Public on purpose: never for real secrets.
SANDBOX_KEY = "ecollect-gateway-sandbox-key-not-secret"


class SealingUnavailable(RuntimeError):
    """No secret key is configured (and this is not sandbox mode)."""


class SealBroken(ValueError):
    """The sealed value was not made by any configured key, or was altered."""


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


class Sealer:
    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise SealingUnavailable(
                "GATEWAY_SECRET_KEY is not set: bank credentials cannot be sealed or opened"
            )
        self._fernet = MultiFernet([_fernet(key) for key in keys])

    @classmethod
    def of(cls, settings: Settings) -> Sealer:
        keys = settings.secret_keys or ((SANDBOX_KEY,) if settings.sandbox else ())
        return cls(keys)

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as error:
            raise SealBroken("the sealed value does not open with the configured keys") from error
