"""Rules a new payment must pass, given what its payer and its references already did.

    double payment      "Acepta pago doble" = false: a live or approved payment with the same
                        double-payment references refuses a new one (FAIL_INVALIDREFERENCE1)
    Máximo Reintentos   a payment whose key's latest payment failed is a retry of that chain's
                        first ticket; past the cap it is refused (FAIL_INVALIDPOLICY)
    Reintentar          the payer retries a rejected or failed payment from its receipt: the
                        new payment is a retry of that payment's chain (`retry_offer`), whether
                        or not the service has double-payment references
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
from datetime import datetime
from decimal import Decimal
from enum import Enum

from gateway.clock import BOGOTA
from gateway.domain.errors import (
    InvalidPolicy,
    InvalidReference,
    InvalidTransValue,
    NotRetryable,
    RetriesExhausted,
    RetrySuperseded,
)
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import DOUBLE_PAYMENT_STATES, RETRYABLE_STATES, TranState

#: States whose receipt offers the payer "Reintentar" (an expired session is not retried from
#: the page: its link says the time ran out, and the merchant opens a new payment).
RETRY_OFFERED_AFTER = frozenset({TranState.NOT_AUTHORIZED, TranState.FAILED})


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
class RetryChain:
    """A payment and the retry chain it belongs to."""

    ticket_id: int
    state: TranState
    #: The chain's first ticket: the payment's `retry_of`, else the payment itself.
    root: int
    #: Payments linked to the root as its retries.
    retries: int
    #: The chain's newest payment (the root when it has no retries).
    latest: int


class RetryOffer(Enum):
    """What a payment's receipt says about retrying it."""

    NONE = "none"  # not rejected or failed: nothing to retry
    OFFERED = "offered"  # "Reintentar"
    EXHAUSTED = "exhausted"  # "Alcanzó el número máximo de reintentos"
    SUPERSEDED = "superseded"  # the chain already continues in a newer payment


def retry_offer(max_retries: int, chain: RetryChain) -> RetryOffer:
    """Whether the payer may retry `chain.ticket_id`. Only the chain's last payment is retried
    (a second "Reintentar" from an older receipt would fork the chain); `max_retries` 0 means
    no limit, as everywhere in the service's parameters."""
    if chain.state not in RETRY_OFFERED_AFTER:
        return RetryOffer.NONE
    if chain.latest != chain.ticket_id:
        return RetryOffer.SUPERSEDED
    if max_retries and chain.retries >= max_retries:
        return RetryOffer.EXHAUSTED
    return RetryOffer.OFFERED


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
    #: The payment the payer retries ("Reintentar") and its chain, read under the lock of the
    #: chain's first ticket; None for any other new payment.
    retrying: RetryChain | None = None


def admit(limits: CreationLimits, facts: CreationFacts, value: Decimal) -> int | None:
    """Allow a new payment of `value`, or raise its refusal. Returns the ticket it retries.

    The checks go in the order a payer would want them explained: the references first, then
    the day's attempts, then the day's value. A payer's retry is judged on its own chain
    first: a retry of a payment that already has a newer one is not a new payment at all.
    """
    if facts.retrying is not None:
        retry_of = _explicit_retry(limits, facts.retrying, facts.previous)
    else:
        retry_of = _retry_root(limits, facts.previous)
    day = facts.payer_day
    if day is not None:
        if limits.daily_attempt_limit and day.attempts >= limits.daily_attempt_limit:
            raise InvalidPolicy(f"payer reached {limits.daily_attempt_limit} attempts today")
        cap = limits.daily_value_cap
        if cap is not None and day.live_value + value > cap:
            raise InvalidTransValue(f"payer's daily limit of {cap} would be exceeded")
    return retry_of


def _refuse_double_payment(limits: CreationLimits, previous: PreviousPayment | None) -> None:
    """ "Acepta pago doble" = false: a live or approved payment with the same references."""
    if (
        previous is not None
        and previous.state in DOUBLE_PAYMENT_STATES
        and not limits.accepts_double_payment
    ):
        raise InvalidReference(
            f"ticket {previous.ticket_id} with the same references is {previous.state.value}"
        )


def _retry_root(limits: CreationLimits, previous: PreviousPayment | None) -> int | None:
    _refuse_double_payment(limits, previous)
    if previous is None:
        return None
    if previous.state not in RETRYABLE_STATES:
        return None  # a live or approved payment is not retried, it is paid again (accepted)
    if limits.max_retries and previous.chain_retries >= limits.max_retries:
        raise InvalidPolicy(f"ticket {previous.root} reached its {limits.max_retries} retries")
    return previous.root


def _explicit_retry(
    limits: CreationLimits, chain: RetryChain, previous: PreviousPayment | None
) -> int:
    offer = retry_offer(limits.max_retries, chain)
    if offer is RetryOffer.NONE:
        raise NotRetryable(f"ticket {chain.ticket_id} is {chain.state.value}: nothing to retry")
    if offer is RetryOffer.SUPERSEDED:
        raise RetrySuperseded(chain.latest)
    if offer is RetryOffer.EXHAUSTED:
        raise RetriesExhausted(f"ticket {chain.root} reached its {limits.max_retries} retries")
    _refuse_double_payment(limits, previous)
    return chain.root


@dataclass(frozen=True)
class OtherPayment:
    """The newest other payment with the same double-payment references that is live or
    approved (the manual's "última transacción realizada")."""

    ticket_id: int
    state: TranState
    #: When it last changed (its bank's process date, else its last state change).
    at: datetime


@dataclass(frozen=True)
class DoublePaymentNotice:
    """What the payer's page says when the references were already paid or are being paid.

    The manual ("Acepta pago doble"): "True: Muestra mensaje con la ultima transacción
    realizada y permite realizar pago. False: ... y no permite realizar pago", and "en este caso
    no se muestran los medios de pago al usuario". So the page always shows the other payment
    (its state in the payer's words, TicketId and date); with double payment accepted the
    payment methods stay below it (choosing one IS paying again anyway: no extra confirmation
    step, which the manual does not describe), otherwise they are not shown and a choice is
    refused."""

    other: OtherPayment
    blocks: bool

    @property
    def at(self) -> datetime:
        """The other payment's date in Bogota wall time, as the payer's pages show dates."""
        return self.other.at.astimezone(BOGOTA)


def double_payment_notice(
    accepts_double_payment: bool, other: OtherPayment | None
) -> DoublePaymentNotice | None:
    if other is None or other.state not in DOUBLE_PAYMENT_STATES:
        return None
    return DoublePaymentNotice(other, blocks=not accepts_double_payment)
