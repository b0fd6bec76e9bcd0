"""The ports to the payment systems, one per kind, and the registry the use cases ask.

A payment system with no connector is never offered and never approved (fail closed): the
registry answers None for it, and the use cases refuse it with FAIL_INVALIDPAYMENTSYSTEM before
anything is written. `gateway.bootstrap` decides which connectors exist: the sandbox ones only
in sandbox mode; a real acquirer, PSE or collection-agreement client is configured there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from gateway.domain.cards import Card
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.transactions import TranState


@dataclass(frozen=True)
class PaymentFacts:
    """What a payment system is told about the payment it is asked to handle."""

    ticket_id: int
    entity_code: str
    srv_code: str
    trans_value: Decimal
    trans_vat_value: Decimal
    currency: str
    references: tuple[str, ...]
    #: The payer's session token (`WsPm`); a bank session is tied to it.
    session_token: str
    #: Path prefix the payment came in on (`app_express`, ...); the payer goes back under it.
    prefix: str
    #: The payer's page (eCollectUrl), where a bank sends the payer back.
    return_url: str
    #: When the gateway asks (the payment's clock).
    at: datetime
    #: The chosen institution (PSE bank), when there is one.
    institution: FinancialInstitution | None = None


@dataclass(frozen=True)
class BankAnswer:
    """What an authorizer reports: the state it decided and what a bank reports with it."""

    state: TranState
    trazability_code: str
    bank_process_date: datetime
    #: The brand or bank that answered (FICode / BankName); None: the card's brand.
    institution: FinancialInstitution | None = None


class CardAuthorizer(Protocol):
    """Authorizes a card payment at once (an acquirer)."""

    def authorize(self, card: Card, payment: PaymentFacts) -> BankAnswer:
        """OK, NOT_AUTHORIZED, FAILED or PENDING (the acquirer answers later)."""
        ...


class PseBank(Protocol):
    """Starts a PSE session: the payer authorizes the debit at the bank's URL, and the bank's
    answer (OK, NOT_AUTHORIZED, FAILED, PENDING) comes back later, outside this call."""

    def start_session(self, payment: PaymentFacts) -> str:
        """The bank URL to send the payer to (BANKURL)."""
        ...


class CashCoupons(Protocol):
    """Issues a coupon the payer pays at a bank counter (collection agreement)."""

    def issue(self, payment: PaymentFacts) -> str:
        """The coupon number (answered in `Invoice`)."""
        ...


Connector = CardAuthorizer | PseBank | CashCoupons


@dataclass(frozen=True)
class Connectors:
    """Payment system -> its connector. Empty (the default) authorizes nothing."""

    cards: Mapping[PaymentSystem, CardAuthorizer] = field(default_factory=dict)
    pse: PseBank | None = None
    cash: CashCoupons | None = None

    def __post_init__(self) -> None:
        wrong = [system.name for system in self.cards if not system.is_card]
        if wrong:
            raise ValueError(f"not card payment systems: {', '.join(wrong)}")

    def card(self, system: PaymentSystem) -> CardAuthorizer | None:
        return self.cards.get(system)

    def for_system(self, system: PaymentSystem) -> Connector | None:
        if system.is_card:
            return self.card(system)
        if system is PaymentSystem.PSE:
            return self.pse
        if system is PaymentSystem.CASH:
            return self.cash
        return None

    def supports(self, system: PaymentSystem) -> bool:
        return self.for_system(system) is not None

    def offered(self, accepted: Iterable[PaymentSystem]) -> tuple[PaymentSystem, ...]:
        """The accepted payment systems that can be paid here, in code order."""
        return tuple(sorted((s for s in accepted if self.supports(s)), key=lambda s: int(s.value)))
