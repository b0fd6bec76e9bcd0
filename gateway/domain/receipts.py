"""The payment's receipt (comprobante de pago): what the payer's result page and the
confirmation mail both show, decided once.

- the state in the payer's words (`STATE_TEXT`), TicketId, trazability code, bank, the date in
  Bogota time (the bank's process date, else the last state change);
- the amounts, unless the service hides them ("Visible valores TX en confirmpayment y mail");
  with the converted value when the service is paid in another currency;
- the references the payer may see (hidden ones are left out), titled as the service does;
- the PIN assigned to an approved payment, and the "Comentario despues del pago" (approved only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from gateway.clock import BOGOTA
from gateway.domain.formats import pesos, rate_text
from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.references import ReferenceType, display_value, valid_email
from gateway.domain.transactions import FINAL_STATES, Transaction, TranState

STATE_TEXT = {
    TranState.CREATED: "Pago sin iniciar",
    TranState.CAPTURED: "Cupón generado, pendiente de pago en el banco",
    TranState.OK: "Pago aprobado",
    TranState.NOT_AUTHORIZED: "Pago rechazado por la entidad financiera",
    TranState.FAILED: "El pago no se pudo procesar (falla técnica en la entidad)",
    TranState.PENDING: "Pago pendiente de confirmación por la entidad financiera",
    TranState.BANK: "Su pago está en proceso en su banco",
    TranState.EXPIRED: "La sesión de pago expiró",
}

PAYMENT_SYSTEM_TEXT = {
    PaymentSystem.PSE: "PSE - débito bancario",
    PaymentSystem.CREDIT_CARD: "Tarjeta de crédito",
    PaymentSystem.CASH: "Cupón de pago en banco",
}

_CENT = Decimal("0.01")

#: The manual: 'Por ahora el texto que acompaña la asignación es fijo "Número de PIN:"'.
PIN_LABEL = "Número de PIN"


@dataclass(frozen=True)
class ReceiptAmounts:
    value: Decimal
    vat_value: Decimal
    currency: str
    #: The value in the pay currency and the rate, when the service converts (else None).
    pay_value: Decimal | None = None
    pay_currency: str | None = None
    rate: Decimal | None = None
    #: The service's "Label valor convertido con TRM", as the form titled it.
    converted_label: str = ""


@dataclass(frozen=True)
class Receipt:
    ticket_id: int
    state: TranState
    state_text: str
    entity_name: str
    entity_nit: str
    service_description: str
    payment_system: str
    bank_name: str
    trazability_code: str
    invoice: str
    #: Bogota wall time of the bank's process date, else of the last state change.
    at: datetime
    #: None when the service hides the amounts.
    amounts: ReceiptAmounts | None
    #: (title, value) of the references the payer may see, in the service's order.
    references: tuple[tuple[str, str], ...]
    pin: str | None
    #: The service's "Comentario despues del pago" (approved payments only), else None.
    comment: str | None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def lines(self) -> tuple[ReceiptLine, ...]:
        """What the receipt says, line by line, in the words and order the page and the
        mail both print (one list, so the mail cannot drift from the page)."""
        merchant = self.entity_name
        if self.entity_nit:
            merchant += f" (NIT {self.entity_nit})"
        lines = [
            ReceiptLine("entity", "Comercio", merchant),
            ReceiptLine("service", "Concepto", self.service_description),
            ReceiptLine("tran-state", "Estado", self.state_text),
            ReceiptLine("ticket", "Transacción", str(self.ticket_id)),
            ReceiptLine("trazability", "Número de confirmación", self.trazability_code),
            ReceiptLine("payment-system", "Medio de pago", self.payment_system),
            ReceiptLine("bank", "Entidad", self.bank_name),
            ReceiptLine("invoice", "Factura", self.invoice),
            ReceiptLine("date", "Fecha", f"{self.at:%Y-%m-%d %H:%M} (hora de Colombia)"),
        ]
        lines += [ReceiptLine("reference", title, value) for title, value in self.references]
        amounts = self.amounts
        if amounts is not None:
            value = f"{pesos(amounts.value)} {amounts.currency}"
            lines.append(ReceiptLine("value", "Valor", value))
            if amounts.vat_value:
                lines.append(
                    ReceiptLine("vat", "IVA", f"{pesos(amounts.vat_value)} {amounts.currency}")
                )
            if amounts.pay_value is not None and amounts.rate is not None:
                lines.append(
                    ReceiptLine(
                        "pay-value",
                        amounts.converted_label,
                        f"{pesos(amounts.pay_value)} {amounts.pay_currency} "
                        f"(1 {amounts.currency} = {rate_text(amounts.rate)} "
                        f"{amounts.pay_currency})",
                    )
                )
        if self.pin:
            lines.append(ReceiptLine("pin", PIN_LABEL, self.pin))
        return tuple(line for line in lines if line.value)


@dataclass(frozen=True)
class ReceiptLine:
    #: What the line is (the page's element id; "reference" repeats).
    key: str
    label: str
    value: str


def converted(value: Decimal, rate: Decimal) -> Decimal:
    """`value` in the pay currency at `rate`, to the cent (half up, as invoices round)."""
    return (value * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def pay_value(transaction: Transaction) -> Decimal | None:
    """The payment's value in its pay currency at its own rate (the `PayCurrency` and
    `CurrencyRate` getTransactionInformation reports), or None when it is paid in its own
    currency."""
    if transaction.pay_currency in ("", transaction.currency):
        return None
    return converted(transaction.trans_value, transaction.currency_rate)


def converted_title(service: MerchantService, pay_currency: str) -> str:
    """How the form and the receipt title the converted value ("Label valor convertido")."""
    return service.converted_label or f"Valor a pagar en {pay_currency}"


def receipt_of(
    transaction: Transaction,
    service: MerchantService,
    entity: Entity,
    *,
    pin: str | None = None,
) -> Receipt:
    assert transaction.ticket_id is not None
    at = transaction.bank_process_date or (
        transaction.history[-1].at if transaction.history else transaction.created_at
    )
    amounts = None
    if service.show_values:
        paid = pay_value(transaction)
        amounts = ReceiptAmounts(
            value=transaction.trans_value,
            vat_value=transaction.trans_vat_value,
            currency=transaction.currency,
            pay_value=paid,
            pay_currency=None if paid is None else transaction.pay_currency,
            rate=None if paid is None else transaction.currency_rate,
            converted_label=converted_title(service, transaction.pay_currency),
        )
    approved = transaction.state is TranState.OK
    return Receipt(
        ticket_id=transaction.ticket_id,
        state=transaction.state,
        state_text=STATE_TEXT[transaction.state],
        entity_name=entity.name,
        entity_nit=entity.nit,
        service_description=service.description,
        payment_system=PAYMENT_SYSTEM_TEXT.get(transaction.payment_system, "")
        if transaction.payment_system
        else "",
        bank_name=transaction.fi_name or "",
        trazability_code=transaction.trazability_code or "",
        invoice=transaction.invoice or "",
        at=at.astimezone(BOGOTA),
        amounts=amounts,
        references=visible_references(service, transaction.references),
        pin=pin if approved else None,
        comment=service.comment_after if approved else None,
    )


def visible_references(
    service: MerchantService, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(title, value) of the references a payer sees: configured, not hidden, not empty."""
    shown = []
    for position, rule in enumerate(service.references):
        value = display_value(service.references, values, position)  # a list item's text
        if value and not rule.hidden:
            shown.append((rule.title, value))
    return tuple(shown)


def payer_emails(service: MerchantService, values: tuple[str, ...]) -> tuple[str, ...]:
    """The payer's addresses: the values of the service's e-mail references (USERMAIL)."""
    found: list[str] = []
    for position, rule in enumerate(service.references):
        if rule.type is not ReferenceType.EMAIL or position >= len(values):
            continue
        address = values[position].strip()
        if valid_email(address) and address.lower() not in (a.lower() for a in found):
            found.append(address)
    return tuple(found)


def service_emails(service: MerchantService) -> tuple[str, ...]:
    """ "Mail confirmación por servicio": the service's copies of approved receipts."""
    text = service.confirmation_emails or ""
    return tuple(a.strip() for a in text.split(";") if valid_email(a.strip()))
