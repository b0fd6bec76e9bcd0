"""The sandbox's stand-ins for every payment system (sandbox mode only: `gateway.bootstrap`
never builds them otherwise).

- Cards: the documented test cards below; any other valid number is approved.
- PSE: the sandbox bank page `/sandbox/pse/<token>?prefix=<prefix>` (gateway.web.sandbox), where
  QA answers as the bank would (`gateway.usecases.sandbox.SandboxBank`).
- Cash: a coupon numbered after the TicketId; QA settles it through the sandbox control.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import quote

from gateway.connectors.ports import BankAnswer, Connectors, PaymentFacts
from gateway.domain.cards import Card
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import TranState

#: Sandbox test cards and the answer the sandbox authorizer gives for each. Any other valid card
#: number is approved.
TEST_CARDS: dict[str, TranState] = {
    "4111111111111111": TranState.OK,
    "5500000000000004": TranState.OK,
    "4000000000000002": TranState.NOT_AUTHORIZED,
    "5100000000000008": TranState.NOT_AUTHORIZED,
    "4000000000000119": TranState.FAILED,
    "4000000000000259": TranState.PENDING,
}

#: Card payment systems the sandbox authorizes (every card system the gateway knows).
SANDBOX_CARD_SYSTEMS = tuple(system for system in PaymentSystem if system.is_card)


def _authorization_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class SandboxCardAuthorizer:
    def __init__(self, code_factory: Callable[[], str] = _authorization_code) -> None:
        self._new_code = code_factory

    def authorize(self, card: Card, payment: PaymentFacts) -> BankAnswer:
        return BankAnswer(
            state=TEST_CARDS.get(card.number, TranState.OK),
            trazability_code=self._new_code(),
            bank_process_date=payment.at,
        )


class SandboxPseBank:
    """Sends the payer to the sandbox bank page under the gateway's own public URL."""

    def __init__(self, public_url: str) -> None:
        self._public_url = public_url

    def start_session(self, payment: PaymentFacts) -> str:
        return (
            f"{self._public_url}/sandbox/pse/{quote(payment.session_token, safe='')}"
            f"?prefix={quote(payment.prefix, safe='')}"
        )


class SandboxCashCoupons:
    def issue(self, payment: PaymentFacts) -> str:
        return coupon_number(payment.ticket_id)


def coupon_number(ticket_id: int) -> str:
    """A cash coupon's number: the TicketId, zero-padded, with a mod-10 check digit."""
    digits = f"{ticket_id:012d}"
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - weighted % 10) % 10)


def sandbox_connectors(public_url: str) -> Connectors:
    card = SandboxCardAuthorizer()
    return Connectors(
        cards={system: card for system in SANDBOX_CARD_SYSTEMS},
        pse=SandboxPseBank(public_url),
        cash=SandboxCashCoupons(),
    )
