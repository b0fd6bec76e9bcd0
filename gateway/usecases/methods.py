"""What happens once a payment method is chosen, by the merchant (processTransactionPayment) or
by the payer on the payment page: a card is authorized at once, a PSE payment goes to the
payer's bank, cash becomes a coupon to pay at a bank counter (DESIGN §3)."""

from __future__ import annotations

import secrets
from datetime import datetime

from gateway.clock import bogota_date
from gateway.domain.cards import BRAND_CODES, parse_card
from gateway.domain.errors import InvalidFICode, InvalidPaymentSystem
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.transactions import Transaction, TranState

#: AdditionalInfoArray code that carries the bank URL of a PSE payment.
BANK_URL_INFO = "BANKURL"


def payment_url(public_url: str, prefix: str, session_token: str) -> str:
    """The payer's page of a payment (eCollectUrl), mirroring the legacy
    `…/<prefix>/secure/services.aspx?WsPm=<token>`; relative when `public_url` is ''."""
    return f"{public_url}/{prefix}/secure/services.aspx?WsPm={session_token}"


def bank_url(public_url: str, prefix: str, session_token: str) -> str:
    """Where the payer authorizes a PSE payment: the sandbox bank stands in for the real ones."""
    return f"{public_url}/sandbox/pse/{session_token}?prefix={prefix}"


def settle_method(
    transaction: Transaction,
    *,
    at: datetime,
    source: str,
    auth_references: tuple[str | None, ...] | None,
    bank_link: str,
) -> None:
    """Act on the method the transaction has chosen (`transaction.choose` came first)."""
    system = transaction.payment_system
    if system is None:
        raise InvalidPaymentSystem("a payment method must be chosen")
    if system.is_card:
        card = parse_card(auth_references, bogota_date(at))
        brand_code = BRAND_CODES[card.brand]
        if transaction.fi_code and transaction.fi_code != brand_code:
            raise InvalidFICode(f"FICode {transaction.fi_code} is not the card's brand")
        transaction.choose(system, FinancialInstitution(system, brand_code, card.brand))
        transaction.auth_references = card.stored_references()
        transaction.record_bank_answer(
            card.sandbox_answer(),
            at=at,
            source=source,
            trazability_code=f"{secrets.randbelow(10**6):06d}",
            bank_process_date=at,
        )
    elif system is PaymentSystem.PSE:
        if not transaction.fi_code:
            raise InvalidFICode("a PSE payment needs the payer's bank (FICode)")
        transaction.move_to(TranState.BANK, at=at, source=source)
        transaction.extras["additional_info"] = [
            *transaction.extras.get("additional_info", []),
            {"code": BANK_URL_INFO, "data": bank_link},
        ]
    elif system is PaymentSystem.CASH:
        transaction.move_to(TranState.CAPTURED, at=at, source=source)
        transaction.invoice = coupon_number(transaction.ticket_id or 0)
    else:
        raise InvalidPaymentSystem(f"{system.name} cannot be processed directly")


def coupon_number(ticket_id: int) -> str:
    """A cash coupon's number: the TicketId, zero-padded, with a mod-10 check digit."""
    digits = f"{ticket_id:012d}"
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - weighted % 10) % 10)
