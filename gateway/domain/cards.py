"""Card data as it arrives in `AuthReferenceArray` (processTransactionPayment): parsing, brand,
masking. Whether a card is approved is the card authorizer's answer (`gateway.connectors`); the
sandbox's documented test cards live with the sandbox authorizer.

Layout (DESIGN §3): [0] card number, [1] expiry MM/YYYY, [2] CVV, [3] installments. The full
number and the CVV are never stored: only the masked number, expiry and installments are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.domain.errors import InvalidAuthReference
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem

#: Card brand -> the institution code (FICode) of that brand under the card payment systems.
BRAND_CODES = {"VISA": "1", "MASTERCARD": "2", "AMERICAN EXPRESS": "3", "DINERS CLUB": "4"}


@dataclass(frozen=True)
class Card:
    number: str
    expiry_month: int
    expiry_year: int
    cvv: str
    installments: int

    @property
    def brand(self) -> str:
        n = self.number
        if n.startswith("4"):
            return "VISA"
        if n[:2] in {"34", "37"}:
            return "AMERICAN EXPRESS"
        if n[:2] in {"36", "38"} or n[:3] in {"300", "301", "302", "303", "304", "305"}:
            return "DINERS CLUB"
        if 51 <= int(n[:2]) <= 55 or 2221 <= int(n[:4]) <= 2720:
            return "MASTERCARD"
        raise InvalidAuthReference("card brand not accepted")

    @property
    def masked(self) -> str:
        return "*" * (len(self.number) - 4) + self.number[-4:]

    def stored_references(self) -> tuple[str, ...]:
        """What is kept and echoed back in AuthReferenceArray: no full number, no CVV."""
        return (
            self.masked,
            f"{self.expiry_month:02d}/{self.expiry_year}",
            "",
            str(self.installments),
        )

    def institution(self, system: PaymentSystem) -> FinancialInstitution:
        """The card's brand as the financial institution of the payment (FICode, BankName)."""
        return FinancialInstitution(system, BRAND_CODES[self.brand], self.brand)


def parse_card(references: tuple[str | None, ...] | None, today: date) -> Card:
    values = [(value or "").strip() for value in (references or ())]
    if len(values) < 3:
        raise InvalidAuthReference("AuthReferenceArray needs card number, expiry and CVV")
    number = values[0].replace(" ", "").replace("-", "")
    if not (number.isascii() and number.isdigit() and 13 <= len(number) <= 19 and _luhn(number)):
        raise InvalidAuthReference("invalid card number")
    month_text, _, year_text = values[1].partition("/")
    if not (month_text.isdigit() and year_text.isdigit()):
        raise InvalidAuthReference("expiry must be MM/YYYY")
    month, year = int(month_text), int(year_text)
    if year < 100:
        year += 2000
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
        raise InvalidAuthReference("card expired or expiry invalid")
    cvv = values[2]
    if not (cvv.isascii() and cvv.isdigit() and len(cvv) in (3, 4)):
        raise InvalidAuthReference("invalid CVV")
    installments_text = values[3] if len(values) > 3 and values[3] else "1"
    if not installments_text.isdigit() or not 1 <= int(installments_text) <= 48:
        raise InvalidAuthReference("installments must be 1 to 48")
    card = Card(number, month, year, cvv, int(installments_text))
    card.brand  # noqa: B018 - refuses unknown brands early
    return card


def _luhn(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
