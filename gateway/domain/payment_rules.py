"""Rules a new payment must pass, given what its payer and its references already did.

    double payment      "Acepta pago doble" = false: a live or approved payment with the same
                        double-payment references refuses a new one (FAIL_INVALIDREFERENCE1)
    Máximo Reintentos   a payment whose key's latest payment failed is a retry of that chain's
                        first ticket; past the cap it is refused (FAIL_INVALIDPOLICY)
    daily attempts      "Limite de intentos de transacción diario": payments created by the
                        payer (first reference) this Bogota day (FAIL_INVALIDPOLICY)
    daily value         "Limite en valor de transacción diarios": value of the payer's live and
                        approved payments this Bogota day plus this one (FAIL_INVALIDTRANSVALUE)

The policy only decides. The facts (`CreationFacts`) come from the store, which reads them under
locks that make racing creates of the same payer or the same references wait for each other
(`TransactionRepository.creation_facts`), so what is decided here still holds when the new
payment is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.errors import InvalidPolicy, InvalidReference, InvalidTransValue
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import DOUBLE_PAYMENT_STATES, RETRYABLE_STATES, TranState


@dataclass(frozen=True)
class CreationLimits:
    """The service parameters that judge a new payment (0 means "no limit", as in the manual)."""

    accepts_double_payment: bool = True
    max_retries: int = 0
    daily_attempt_limit: int = 0
    daily_value_cap: Decimal | None = None

    @classmethod
    def of(cls, service: MerchantService, system: PaymentSystem | None) -> CreationLimits:
        return cls(
            accepts_double_payment=service.accepts_double_payment,
            max_retries=service.max_retries,
            daily_attempt_limit=service.daily_attempt_limit,
            daily_value_cap=service.daily_value_cap(system),
        )

    @property
    def counts_payer_day(self) -> bool:
        """Whether the payer's day (attempts, value) matters at all."""
        return bool(self.daily_attempt_limit) or self.daily_value_cap is not None


@dataclass(frozen=True)
class PreviousPayment:
    """The latest payment with the same double-payment key, and its retry chain."""

    ticket_id: int
    state: TranState
    retry_of: int | None
    #: Payments already linked to the chain's first ticket as its retries.
    chain_retries: int

    @property
    def root(self) -> int:
        return self.retry_of or self.ticket_id


@dataclass(frozen=True)
class PayerDay:
    """What the payer did this Bogota day in the service."""

    attempts: int
    #: Value of the day's payments still live or approved (a failed one frees its value).
    live_value: Decimal


@dataclass(frozen=True)
class CreationFacts:
    #: None: no payment with the key yet, or the payment has no key.
    previous: PreviousPayment | None = None
    #: None: the payer's day was not read (no payer, or no daily limit).
    payer_day: PayerDay | None = None


def admit(limits: CreationLimits, facts: CreationFacts, value: Decimal) -> int | None:
    """Allow a new payment of `value`, or raise its refusal. Returns the ticket it retries.

    The checks go in the order a payer would want them explained: the references first, then
    the day's attempts, then the day's value.
    """
    retry_of = _retry_root(limits, facts.previous)
    day = facts.payer_day
    if day is not None:
        if limits.daily_attempt_limit and day.attempts >= limits.daily_attempt_limit:
            raise InvalidPolicy(f"payer reached {limits.daily_attempt_limit} attempts today")
        cap = limits.daily_value_cap
        if cap is not None and day.live_value + value > cap:
            raise InvalidTransValue(f"payer's daily limit of {cap} would be exceeded")
    return retry_of


def _retry_root(limits: CreationLimits, previous: PreviousPayment | None) -> int | None:
    if previous is None:
        return None
    if previous.state in DOUBLE_PAYMENT_STATES and not limits.accepts_double_payment:
        raise InvalidReference(
            f"ticket {previous.ticket_id} with the same references is {previous.state.value}"
        )
    if previous.state not in RETRYABLE_STATES:
        return None  # a live or approved payment is not retried, it is paid again (accepted)
    if limits.max_retries and previous.chain_retries >= limits.max_retries:
        raise InvalidPolicy(f"ticket {previous.root} reached its {limits.max_retries} retries")
    return previous.root
