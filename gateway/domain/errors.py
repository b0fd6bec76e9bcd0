"""Errors of the gateway's domain.

    GatewayError
    ├── BusinessRefusal            the request is understood and refused; carries a ReturnCode
    │   ├── InvalidEntityCode          FAIL_INVALIDENTITYCODE
    │   ├── InvalidServiceCode         FAIL_INVALIDSERVICECODE
    │   ├── InvalidReference           FAIL_INVALIDREFERENCE1
    │   ├── InvalidTransValue          FAIL_INVALIDTRANSVALUE
    │   ├── InvalidVatValue            FAIL_INVALIDVATVALUE
    │   ├── InvalidCurrency            FAIL_INVALIDCURRENCY
    │   ├── InvalidPolicy              FAIL_INVALIDPOLICY
    │   ├── InvalidItems               FAIL_INVALIDITEMS
    │   ├── InvalidAuthReference       FAIL_INVALIDAUTHREF
    │   ├── InvalidPaymentSystem       FAIL_INVALIDPAYMENTSYSTEM
    │   ├── InvalidFICode              FAIL_INVALIDFICODE
    │   └── TicketNotFound             FAIL_TICKETIDNOTFOUND
    ├── IllegalTransition          a state change the transaction state machine forbids
    └── RetryRefused               the payer's "Reintentar" (a page, never a SOAP answer)
        ├── RetriesExhausted           the retry chain reached "Máximo Reintentos"
        ├── NotRetryable               the payment was not rejected or failed
        └── RetrySuperseded            the chain already has a newer payment

Every ReturnCode a SOAP answer carries is one of the fourteen of the v2 WSDL era (DESIGN §3): a
Java client in the wild converts it with an enum that throws on any other value. The code lives on
the error class, so no second table of codes exists anywhere.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class ReturnCode(StrEnum):
    SUCCESS = "SUCCESS"
    FAIL_INVALIDENTITYCODE = "FAIL_INVALIDENTITYCODE"
    FAIL_INVALIDSERVICECODE = "FAIL_INVALIDSERVICECODE"
    FAIL_INVALIDREFERENCE1 = "FAIL_INVALIDREFERENCE1"
    FAIL_INVALIDTRANSVALUE = "FAIL_INVALIDTRANSVALUE"
    FAIL_INVALIDVATVALUE = "FAIL_INVALIDVATVALUE"
    FAIL_INVALIDCURRENCY = "FAIL_INVALIDCURRENCY"
    FAIL_INVALIDPOLICY = "FAIL_INVALIDPOLICY"
    FAIL_INVALIDITEMS = "FAIL_INVALIDITEMS"
    FAIL_INVALIDAUTHREF = "FAIL_INVALIDAUTHREF"
    FAIL_INVALIDPAYMENTSYSTEM = "FAIL_INVALIDPAYMENTSYSTEM"
    FAIL_INVALIDFICODE = "FAIL_INVALIDFICODE"
    FAIL_SYSTEM = "FAIL_SYSTEM"
    FAIL_TICKETIDNOTFOUND = "FAIL_TICKETIDNOTFOUND"


class GatewayError(Exception):
    """Base of every error the gateway raises on purpose."""


class BusinessRefusal(GatewayError):
    """The request was understood and refused; answered as a ReturnCode with HTTP 200."""

    return_code: ClassVar[ReturnCode]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidEntityCode(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDENTITYCODE


class InvalidServiceCode(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDSERVICECODE


class InvalidReference(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDREFERENCE1


class InvalidTransValue(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDTRANSVALUE


class InvalidVatValue(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDVATVALUE


class InvalidCurrency(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDCURRENCY


class InvalidPolicy(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDPOLICY


class InvalidItems(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDITEMS


class InvalidAuthReference(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDAUTHREF


class InvalidPaymentSystem(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDPAYMENTSYSTEM


class InvalidFICode(BusinessRefusal):
    return_code = ReturnCode.FAIL_INVALIDFICODE


class TicketNotFound(BusinessRefusal):
    return_code = ReturnCode.FAIL_TICKETIDNOTFOUND


class IllegalTransition(GatewayError):
    """A transaction cannot move from its state to the one asked for."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"a transaction in state {current} cannot become {target}")
        self.current = current
        self.target = target


class RetryRefused(GatewayError):
    """The payer's retry of a payment is refused by the retry chain's own rules. Not a
    BusinessRefusal: no merchant call ends here (a merchant's create past "Máximo Reintentos"
    is InvalidPolicy), and each SOAP code keeps one class."""


class RetriesExhausted(RetryRefused):
    """The retry chain already has "Máximo Reintentos" retries."""


class NotRetryable(RetryRefused):
    """Only a rejected or failed payment is retried."""


class RetrySuperseded(RetryRefused):
    """The payment is no longer the last of its retry chain (a second "Reintentar" from the
    same receipt): `latest` is the chain's newest payment, where the payer is sent instead of
    opening another one."""

    def __init__(self, latest: int) -> None:
        super().__init__(f"the retry chain already continues at ticket {latest}")
        self.latest = latest
