"""Card data as it arrives in `AuthReferenceArray` (processTransactionPayment) and the sandbox's
documented test cards.

Layout (DESIGN §3): [0] card number, [1] expiry MM/YYYY, [2] CVV, [3] installments. The full
number and the CVV are never stored: only the masked number, expiry and installments are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.domain.errors import InvalidAuthReference
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

#: Card brand -> the sandbox institution code of that brand (paymentSystem 1).
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

    def sandbox_answer(self) -> TranState:
        return TEST_CARDS.get(self.number, TranState.OK)


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
