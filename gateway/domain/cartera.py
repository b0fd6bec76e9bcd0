"""An invoice of the portfolio (cartera): what a customer owes a service, and when.

An invoice has up to three due dates, each with its value (a later date usually costs more:
late fees); the value owed on a day is the one of the first due date not yet past. After the
last due date the invoice is still collectable, at the last value, for `overdue_days` days
(the manual's "días de mora"), then it is overdue (VENCIDA: not collectable at a teller).

With partial payment allowed, a payment may be less than what is owed but not less than the
minimum (a value, or a percentage of what is owed, whichever the service configured; never
more than what is owed). Amounts are Decimal pesos with two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from gateway.domain.references import ReferenceRule, ReferenceType

CENT = Decimal("0.01")


class InvoiceState(StrEnum):
    """What the store keeps. VENCIDA is not stored: it is a PENDIENTE invoice past its last
    collectable day, which only the day of the question can tell."""

    PENDIENTE = "PENDIENTE"
    PAGADA = "PAGADA"
    ANULADA = "ANULADA"
    VENCIDA = "VENCIDA"


class IdType(StrEnum):
    CC = "CC"  # cédula de ciudadanía
    NIT = "NIT"
    CE = "CE"  # cédula de extranjería
    TI = "TI"  # tarjeta de identidad
    PA = "PA"  # pasaporte


@dataclass(frozen=True)
class Installment:
    """One due date and the value owed until (and on) it."""

    due_date: date
    value: Decimal


@dataclass(frozen=True)
class Invoice:
    entity_code: str
    srv_code: str
    reference1: str
    reference2: str | None
    reference3: str | None
    id_type: str
    id_number: str
    name: str
    description: str
    #: One to three, in due-date order.
    installments: tuple[Installment, ...]
    partial_allowed: bool = False
    minimum_value: Decimal | None = None
    minimum_percent: Decimal | None = None
    overdue_days: int = 0
    state: InvoiceState = InvoiceState.PENDIENTE
    paid_total: Decimal = Decimal(0)
    #: The payment (TicketId) whose cash coupon this invoice is; None for a portfolio invoice.
    ticket_id: int | None = None

    @property
    def last_collectable_day(self) -> date:
        return self.installments[-1].due_date + timedelta(days=self.overdue_days)

    def state_on(self, day: date) -> InvoiceState:
        if self.state is InvoiceState.PENDIENTE and day > self.last_collectable_day:
            return InvoiceState.VENCIDA
        return self.state

    def installment_on(self, day: date) -> Installment | None:
        """The installment whose value is owed on `day`; None once it is overdue."""
        for installment in self.installments:
            if day <= installment.due_date:
                return installment
        return self.installments[-1] if day <= self.last_collectable_day else None

    def owed_on(self, day: date) -> Decimal | None:
        """What is left to pay on `day` (0 when paid); None when it cannot be collected."""
        installment = self.installment_on(day)
        if installment is None or self.state is InvoiceState.ANULADA:
            return None
        return max(installment.value - self.paid_total, Decimal(0))

    def minimum_on(self, day: date) -> Decimal | None:
        """The least one payment may be on `day`: what is owed unless partial payment is allowed."""
        owed = self.owed_on(day)
        if owed is None:
            return None
        if not self.partial_allowed:
            return owed
        floor = Decimal(0)
        if self.minimum_value is not None:
            floor = max(floor, self.minimum_value)
        if self.minimum_percent is not None:
            share = (owed * self.minimum_percent / 100).quantize(CENT, ROUND_HALF_UP)
            floor = max(floor, share)
        return min(max(floor, CENT), owed)

    @property
    def balance(self) -> Decimal:
        """What is owed at the first due date (the figure reports and the store keep)."""
        if self.state is not InvoiceState.PENDIENTE:
            return Decimal(0)
        return max(self.installments[0].value - self.paid_total, Decimal(0))


#: Widths of the invoice's columns the coupon fills from a payment.
REFERENCE_LENGTH = 48
ID_NUMBER_LENGTH = 20


def coupon_customer(
    rules: Sequence[ReferenceRule], references: Sequence[str]
) -> tuple[str, str] | None:
    """(id type, id number) of the payer, from the references the service types as customer
    id (CUSTOMER_ID) and id type (CUSTOMER_ID_TYPE); without a type reference the id is a
    cédula (CC). None when the references do not say, or say it in a way the portfolio cannot
    keep (a type that is not CC, NIT, CE, TI or PA; a number longer than 20)."""
    values: dict[ReferenceType, str] = {}
    for rule, value in zip(rules, references, strict=False):
        if rule.type in (ReferenceType.CUSTOMER_ID, ReferenceType.CUSTOMER_ID_TYPE):
            values.setdefault(rule.type, value.strip())
    number = values.get(ReferenceType.CUSTOMER_ID, "")
    id_type = values.get(ReferenceType.CUSTOMER_ID_TYPE, IdType.CC.value).upper()
    if not number or len(number) > ID_NUMBER_LENGTH or id_type not in IdType.__members__:
        return None
    return id_type, number


def coupon_invoice(
    *,
    entity_code: str,
    srv_code: str,
    number: str,
    ticket_id: int,
    last_day: date,
    value: Decimal,
    customer: tuple[str, str] | None,
) -> Invoice | None:
    """The invoice a teller collects a payer's cash coupon by (module docstring); None when the
    coupon number cannot be a referencia1 (empty or longer than 48)."""
    if not number or len(number) > REFERENCE_LENGTH:
        return None
    id_type, id_number = customer or ("", "")
    return Invoice(
        entity_code=entity_code,
        srv_code=srv_code,
        reference1=number,
        reference2=None,
        reference3=None,
        id_type=id_type,
        id_number=id_number,
        name="",
        description=f"Pago {ticket_id}",
        installments=(Installment(last_day, value),),
        ticket_id=ticket_id,
    )
