"""Every ReturnCode of the helpdesk service, and the refusal that carries one.

A use case either answers (SUCCESS) or raises `Refusal(code, description)`; the SOAP adapter
writes both as `ReturnCode` + `ReturnDesc`. A request the caller may not see is FAIL_NOTFOUND,
never an "access denied": whether it exists is not disclosed.
"""

from __future__ import annotations

from enum import StrEnum


class HelpdeskCode(StrEnum):
    SUCCESS = "SUCCESS"
    #: A field is missing, too long or has no valid value; ReturnDesc names it.
    FAIL_INVALIDFIELD = "FAIL_INVALIDFIELD"
    #: The session token is unknown, ended (logout) or expired: log in again.
    FAIL_SESSIONEXPIRED = "FAIL_SESSIONEXPIRED"
    #: Login: the e-mail and password do not match a registered person.
    FAIL_INVALIDCREDENTIALS = "FAIL_INVALIDCREDENTIALS"
    #: Login: too many failed attempts for this address; wait and try again.
    FAIL_THROTTLED = "FAIL_THROTTLED"
    #: A sign-up or password-reset token that is unknown, used, replaced or expired.
    FAIL_INVALIDTOKEN = "FAIL_INVALIDTOKEN"
    #: No such request (or attachment) that the caller may see.
    FAIL_NOTFOUND = "FAIL_NOTFOUND"
    #: The caller sees the request but its role may not do this (e.g. a customer's setPriority).
    FAIL_NOTALLOWED = "FAIL_NOTALLOWED"
    #: The workflow does not allow this move (or the survey is not open) to this caller now.
    FAIL_INVALIDTRANSITION = "FAIL_INVALIDTRANSITION"
    #: The request is Finalizado: nothing may be added; create a new request referencing it.
    FAIL_REQUESTCLOSED = "FAIL_REQUESTCLOSED"
    #: The IdempotencyKey was used before with a different request.
    FAIL_IDEMPOTENCYCONFLICT = "FAIL_IDEMPOTENCYCONFLICT"
    #: Something failed inside the gateway; nothing was changed.
    FAIL_SYSTEM = "FAIL_SYSTEM"


class Refusal(Exception):
    """The request is understood and refused; answered as `code` with `description`."""

    def __init__(self, code: HelpdeskCode, description: str) -> None:
        super().__init__(f"{code.value}: {description}")
        self.code = code
        self.description = description


def invalid_field(field: str, problem: str) -> Refusal:
    """FAIL_INVALIDFIELD naming the field (`Fields[tipo-de-pago-en-linea]`, `Phone`, ...)."""
    return Refusal(HelpdeskCode.FAIL_INVALIDFIELD, f"{field}: {problem}")


def not_found(what: str = "request") -> Refusal:
    return Refusal(HelpdeskCode.FAIL_NOTFOUND, f"no such {what}")
