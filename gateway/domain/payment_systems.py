"""Payment systems (`PaymentSystem` on the wire) and financial institutions (`FICode`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PaymentSystem(StrEnum):
    """Codes of research §3.3 and the administrative manual's report fields."""

    PSE = "0"
    CREDIT_CARD = "1"
    VERIFIED_BY_VISA = "2"
    VISANET_DO = "3"
    MERCANTIL_DEBIT = "4"
    MERCANTIL_CREDIT = "5"
    CARDNET_DO = "6"
    SPEI = "7"
    MASTERCARD_SECURE_CODE = "8"
    PAYMENT_LINK = "10"
    CASH = "100"

    @classmethod
    def parse(cls, text: str | None) -> PaymentSystem | None:
        """None for absent or empty (the payer picks on the payment page); ValueError if unknown."""
        if text is None or not text.strip():
            return None
        code = text.strip()
        if code.isdigit():
            code = str(int(code))  # "00" and "0" are the same system
        return cls(code)

    @property
    def is_card(self) -> bool:
        return self in _CARD_SYSTEMS


_CARD_SYSTEMS = frozenset(
    {
        PaymentSystem.CREDIT_CARD,
        PaymentSystem.VERIFIED_BY_VISA,
        PaymentSystem.VISANET_DO,
        PaymentSystem.CARDNET_DO,
        PaymentSystem.MASTERCARD_SECURE_CODE,
    }
)


@dataclass(frozen=True)
class FinancialInstitution:
    """A bank (PSE) or card brand the payer can choose; `code` is a non-negative integer text."""

    payment_system: PaymentSystem
    code: str
    name: str
    enabled: bool = True


#: The sandbox's institutions (what getBankList answers in sandbox mode). Outcomes at these
#: banks are chosen on the sandbox bank page or forced through the QA control.
SANDBOX_INSTITUTIONS: tuple[FinancialInstitution, ...] = (
    FinancialInstitution(PaymentSystem.PSE, "1022", "BANCO UNION COLOMBIANO"),
    FinancialInstitution(PaymentSystem.PSE, "1007", "BANCOLOMBIA"),
    FinancialInstitution(PaymentSystem.PSE, "1051", "BANCO DAVIVIENDA"),
    FinancialInstitution(PaymentSystem.PSE, "1001", "BANCO DE BOGOTA"),
    FinancialInstitution(PaymentSystem.CREDIT_CARD, "1", "VISA"),
    FinancialInstitution(PaymentSystem.CREDIT_CARD, "2", "MASTERCARD"),
    FinancialInstitution(PaymentSystem.CREDIT_CARD, "3", "AMERICAN EXPRESS"),
    FinancialInstitution(PaymentSystem.CREDIT_CARD, "4", "DINERS CLUB"),
)
