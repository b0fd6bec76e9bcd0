"""What happens once a payment method is chosen, by the merchant (processTransactionPayment) or
by the payer on the payment page: a card is authorized at once, a PSE payment goes to the
payer's bank, cash becomes a coupon to pay at a bank counter (DESIGN §3).

Each goes through the connector of its payment system (`gateway.connectors`); a payment system
without one is refused with FAIL_INVALIDPAYMENTSYSTEM and never offered: with the sandbox off
and no real connector configured, nothing is ever approved. The bank URL of a PSE payment is
what the PSE connector answers, never a path of our own.

The connectors are called inside the caller's unit of work: fine for the in-process sandbox; a
real network connector should be called outside it (DESIGN §2: no lock across a network call),
which the seam leaves room for (the answer is recorded by `Transaction.record_bank_answer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from gateway.clock import bogota_date
from gateway.connectors.ports import Connectors, PaymentFacts
from gateway.domain.cards import parse_card
from gateway.domain.errors import InvalidFICode, InvalidPaymentSystem
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.transactions import Lifetimes, Transaction, TranState

#: AdditionalInfoArray code that carries the bank URL of a PSE payment.
BANK_URL_INFO = "BANKURL"


def payment_url(public_url: str, prefix: str, session_token: str) -> str:
    """The payer's page of a payment (eCollectUrl), mirroring the legacy
    `…/<prefix>/secure/services.aspx?WsPm=<token>`; relative when `public_url` is ''."""
    return f"{public_url}/{prefix}/secure/services.aspx?WsPm={session_token}"


def bank_link(transaction: Transaction) -> str:
    """The bank URL the PSE connector gave this payment ('' when it has none)."""
    for item in transaction.extras.get("additional_info", []):
        if item.get("code") == BANK_URL_INFO and item.get("data"):
            return str(item["data"])
    return ""


def merchant_extras(transaction: Transaction) -> dict[str, Any]:
    """The payment's extras as the merchant sent them: without the bank URL the PSE connector
    added (a copy of the payment, its retry, gets a bank session of its own)."""
    extras = dict(transaction.extras)
    if "additional_info" in extras:
        extras["additional_info"] = [
            item for item in extras["additional_info"] if item.get("code") != BANK_URL_INFO
        ]
        if not extras["additional_info"]:
            del extras["additional_info"]
    return extras


class PaymentMethods:
    """The payment systems that can be paid here, and settling the one a payment chose."""

    def __init__(self, connectors: Connectors, lifetimes: Lifetimes, public_url: str) -> None:
        self._connectors = connectors
        self.lifetimes = lifetimes
        self._public_url = public_url

    def offered(self, service: MerchantService) -> tuple[PaymentSystem, ...]:
        """What the payer may choose: accepted by the service AND with a connector."""
        return self._connectors.offered(service.accepted_systems())

    def ensure_available(self, system: PaymentSystem | None) -> None:
        """Refuse a payment system nothing here can authorize (None: not chosen yet)."""
        if system is not None and not self._connectors.supports(system):
            raise InvalidPaymentSystem(f"{system.name} has no connector configured")

    def institutions(
        self, institutions: Iterable[FinancialInstitution]
    ) -> list[FinancialInstitution]:
        """The institutions of the payment systems that have a connector (getBankList)."""
        return [fi for fi in institutions if self._connectors.supports(fi.payment_system)]

    def settle(
        self,
        transaction: Transaction,
        *,
        at: datetime,
        source: str,
        auth_references: tuple[str | None, ...] | None,
        prefix: str,
        coupon_days: int,
    ) -> None:
        """Act on the method the transaction has chosen (`transaction.choose` came first).
        `coupon_days`: the service's days to pay a cash coupon (`expiry_days`)."""
        system = transaction.payment_system
        if system is None:
            raise InvalidPaymentSystem("a payment method must be chosen")
        self.ensure_available(system)
        if system.is_card:
            self._authorize_card(transaction, system, at, source, auth_references, prefix)
        elif system is PaymentSystem.PSE:
            bank = self._connectors.pse
            assert bank is not None  # ensure_available
            if not transaction.fi_code:
                raise InvalidFICode("a PSE payment needs the payer's bank (FICode)")
            link = bank.start_session(self._facts(transaction, at, prefix))
            transaction.move_to(
                TranState.BANK,
                at=at,
                source=source,
                lapses_at=self.lifetimes.lapses_at(TranState.BANK, at),
            )
            transaction.extras["additional_info"] = [
                *transaction.extras.get("additional_info", []),
                {"code": BANK_URL_INFO, "data": link},
            ]
        elif system is PaymentSystem.CASH:
            coupons = self._connectors.cash
            assert coupons is not None  # ensure_available
            transaction.move_to(
                TranState.CAPTURED,
                at=at,
                source=source,
                lapses_at=self.lifetimes.lapses_at(TranState.CAPTURED, at, coupon_days),
            )
            transaction.invoice = coupons.issue(self._facts(transaction, at, prefix))
        else:
            raise InvalidPaymentSystem(f"{system.name} cannot be processed directly")

    def _authorize_card(
        self,
        transaction: Transaction,
        system: PaymentSystem,
        at: datetime,
        source: str,
        auth_references: tuple[str | None, ...] | None,
        prefix: str,
    ) -> None:
        authorizer = self._connectors.card(system)
        assert authorizer is not None  # ensure_available
        card = parse_card(auth_references, bogota_date(at))
        brand = card.institution(system)
        # Checked before the authorizer is asked: a refused request must not reach the card.
        if transaction.fi_code and transaction.fi_code != brand.code:
            raise InvalidFICode(f"FICode {transaction.fi_code} is not the card's brand")
        transaction.choose(system, brand)
        transaction.auth_references = card.stored_references()
        answer = authorizer.authorize(card, self._facts(transaction, at, prefix))
        if answer.institution is not None:
            transaction.choose(system, answer.institution)
        transaction.record_bank_answer(
            answer.state,
            at=at,
            source=source,
            trazability_code=answer.trazability_code,
            bank_process_date=answer.bank_process_date,
            lapses_at=self.lifetimes.lapses_at(TranState.PENDING, at),
        )

    def _facts(self, transaction: Transaction, at: datetime, prefix: str) -> PaymentFacts:
        assert transaction.ticket_id is not None and transaction.payment_system is not None
        institution = None
        if transaction.fi_code:
            institution = FinancialInstitution(
                transaction.payment_system, transaction.fi_code, transaction.fi_name or ""
            )
        return PaymentFacts(
            ticket_id=transaction.ticket_id,
            entity_code=transaction.entity_code,
            srv_code=transaction.srv_code,
            trans_value=transaction.trans_value,
            trans_vat_value=transaction.trans_vat_value,
            currency=transaction.currency,
            references=transaction.references,
            session_token=transaction.session_token,
            prefix=prefix,
            return_url=payment_url(self._public_url, prefix, transaction.session_token),
            at=at,
            institution=institution,
        )
