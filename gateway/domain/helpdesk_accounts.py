"""Rules of the helpdesk's accounts: what an e-mail address is, when a person counts as
registered, when failed logins throttle an address. Pure functions over facts; the use cases
(`gateway.helpdesk.accounts`) fetch the facts and apply the answers.

An address is compared as stored: trimmed and lower-cased (one person per address, D40). Its
shape is checked only as far as a mail can be sent to it (one `@`, a dotted domain, no blanks);
whether it exists is learnt only by the person opening the link sent there.
"""

from __future__ import annotations

import re

#: RFC 5321's limit on a forward path, and the column's length.
MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


class InvalidEmail(ValueError):
    pass


def normalize_email(text: str | None) -> str:
    """The address as stored (trimmed, lower case); InvalidEmail says what is wrong."""
    address = (text or "").strip().lower()
    if not address:
        raise InvalidEmail("required")
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(f"at most {MAX_EMAIL_LENGTH} characters")
    if not address.isprintable() or _EMAIL.match(address) is None:
        raise InvalidEmail("not an e-mail address")
    return address


def is_registered(*, role: str, has_password: bool) -> bool:
    """A person who can log in or set a password by a reset link: anyone with a password, and
    every agent (an agent created without one sets it by a reset link, never by signing up)."""
    return has_password or role != "CUSTOMER"


def login_throttled(recent_failures: int, limit: int) -> bool:
    """After `limit` failures within the window every attempt is refused, the right password
    too, until the oldest of them leaves the window. A limit of 0 turns throttling off."""
    return limit > 0 and recent_failures >= limit
