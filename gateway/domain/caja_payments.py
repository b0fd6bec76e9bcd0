"""The rules of a payment at a bank's teller window (caja) and of its reversal.

Given what the store knows of the invoice, what the bank sends and the day, `decide_payment`
answers either the invoice after the payment (`Applied`) or the code that refuses it
(`Declined`): research §D.4 rules 2 and 3.

    012  valorTotal ≤ 0, more than two decimals, above MAX_VALUE (an Asobancaria 06 record
         carries 12 integer digits and 2 implied decimals)
    003  valorEfectivo + valorCheque ≠ valorTotal; a negative part
    008  formaPago does not fit the parts (E: cash only, C: cheques only, M: both) or the
         cheques do not add up to valorCheque
    001  the invoice was annulled (it is no longer in the portfolio to be collected)
    002  the invoice is paid
    004  the invoice is past its last collectable day (last due date + days of overdue)
    003  the value is not what is owed on the day (with partial payment allowed: at least the
         minimum and at most what is owed)

A payment with any cheque of another bank (tipoCanje O) is not final: PENDIENTE_CANJE until the
conciliation or the Asobancaria file confirms it (rule 3). It credits the invoice at once all
the same, so that the same invoice cannot be collected twice while the cheque clears.

A payer's cash coupon is an invoice linked to its payment (`Invoice.ticket_id`, see
`gateway.domain.cartera`); `coupon_settlement` decides, from the linked payment's state, where a
teller payment of it goes, and consultarReferencia asks it too so the teller stops first:

    CAPTURED                  the payment waiting at the bank: the teller's payment settles it
                              (CAPTURED -> OK, or PENDING while another bank's cheque clears)
    EXPIRED                   004: the coupon's day passed and the merchant was told it expired
                              (the invoice is past its one due date then anyway); the payer
                              needs a new payment, a payment the merchant gave up on is not
                              revived by a teller
    OK, PENDING               002: paid already, elsewhere than at this teller (the invoice
                              itself may not know: an approval that did not come from a caja)
    NOT_AUTHORIZED, FAILED    what happens for any invoice: the linked payment is final (a
                              reversal or a returned cheque ended it, and the invoice owes
                              again), so a new payment of the invoice opens a new caja
                              transaction, as for a portfolio invoice
    CREATED, BANK             099: cannot happen (a coupon is registered CAPTURED); fail closed

`decide_reversal` is rule 4: a reversal is allowed for the same fechaCompensacion and jornada as
the original (011 otherwise), once (009). The day a payment is judged by is the Bogotá date of
the gateway's clock, not the bank's `fechaHoraTransaccion`: a teller's clock cannot make a
late payment timely.

Pure: no I/O, no SQL. Amounts are Decimal pesos.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gateway.caja.codes import CajaCode
from gateway.domain.cartera import Invoice, InvoiceState
from gateway.domain.transactions import TranState

#: The largest value an Asobancaria 2001 06 record can carry (14 digits, 2 implied decimals).
MAX_VALUE = Decimal("999999999999.99")
_CENT = Decimal("0.01")


class FormaPago(StrEnum):
    EFECTIVO = "E"
    CHEQUE = "C"
    MIXTO = "M"


class TipoCanje(StrEnum):
    #: The collecting bank's own cheque: final at once.
    PROPIO = "P"
    #: Another bank's cheque: cleared through canje, not final until confirmed.
    OTROS = "O"


class PaymentState(StrEnum):
    APLICADO = "APLICADO"
    PENDIENTE_CANJE = "PENDIENTE_CANJE"
    REVERSADO = "REVERSADO"
    #: A cheque the canje returned (unpaid): the payment never counted.
    DEVUELTO = "DEVUELTO"

    @property
    def counts(self) -> bool:
        """Whether the payment credits its invoice (and is `P`agado for the conciliation)."""
        return self in (PaymentState.APLICADO, PaymentState.PENDIENTE_CANJE)


@dataclass(frozen=True)
class Cheque:
    banco: str
    numero: str
    valor: Decimal
    tipo_canje: TipoCanje


@dataclass(frozen=True)
class PaymentRequest:
    valor_efectivo: Decimal
    valor_cheque: Decimal
    valor_total: Decimal
    forma_pago: FormaPago
    cheques: tuple[Cheque, ...] = ()

    @property
    def state(self) -> PaymentState:
        """What the payment is once applied (rule 3)."""
        if any(cheque.tipo_canje is TipoCanje.OTROS for cheque in self.cheques):
            return PaymentState.PENDIENTE_CANJE
        return PaymentState.APLICADO


@dataclass(frozen=True)
class Declined:
    code: CajaCode
    detail: str


@dataclass(frozen=True)
class Applied:
    """The invoice after a payment (or a reversal) and what the payment is."""

    invoice: Invoice
    payment_state: PaymentState

    @property
    def paid_total(self) -> Decimal:
        return self.invoice.paid_total

    @property
    def balance(self) -> Decimal:
        return self.invoice.balance


def check_value(value: Decimal) -> Declined | None:
    """012 for a value no teller payment can have."""
    if value <= 0:
        return Declined(CajaCode.VALOR_NO_PERMITIDO, f"valorTotal {value} no es positivo")
    if value != value.quantize(_CENT):
        return Declined(CajaCode.VALOR_NO_PERMITIDO, f"valorTotal {value} tiene más de 2 decimales")
    if value > MAX_VALUE:
        return Declined(CajaCode.VALOR_NO_PERMITIDO, f"valorTotal {value} supera {MAX_VALUE}")
    return None


def check_amounts(request: PaymentRequest) -> Declined | None:
    """Rules that need no invoice: 012, then 003 (the parts), then 008 (form and cheques)."""
    declined = check_value(request.valor_total)
    if declined is not None:
        return declined
    cash, cheque = request.valor_efectivo, request.valor_cheque
    if cash < 0 or cheque < 0:
        return Declined(CajaCode.VALOR_NO_CORRESPONDE, "valorEfectivo y valorCheque no negativos")
    if cash + cheque != request.valor_total:
        return Declined(
            CajaCode.VALOR_NO_CORRESPONDE,
            f"valorEfectivo {cash} + valorCheque {cheque} != valorTotal {request.valor_total}",
        )
    forma = request.forma_pago
    fits = {
        FormaPago.EFECTIVO: cash > 0 and cheque == 0,
        FormaPago.CHEQUE: cash == 0 and cheque > 0,
        FormaPago.MIXTO: cash > 0 and cheque > 0,
    }[forma]
    if not fits:
        return Declined(
            CajaCode.FORMA_PAGO_INVALIDA,
            f"formaPago {forma.value} con efectivo {cash} y cheque {cheque}",
        )
    if cheque > 0 and not request.cheques:
        return Declined(CajaCode.FORMA_PAGO_INVALIDA, "valorCheque sin cheques")
    if cheque == 0 and request.cheques:
        return Declined(CajaCode.FORMA_PAGO_INVALIDA, "cheques sin valorCheque")
    if any(item.valor <= 0 for item in request.cheques):
        return Declined(CajaCode.FORMA_PAGO_INVALIDA, "un cheque sin valor positivo")
    listed = sum((item.valor for item in request.cheques), Decimal(0))
    if listed != cheque:
        return Declined(
            CajaCode.FORMA_PAGO_INVALIDA, f"los cheques suman {listed}, valorCheque es {cheque}"
        )
    return None


def collectable(invoice: Invoice, day: date) -> Declined | None:
    """001 annulled, 002 paid, 004 overdue: can the invoice be collected at all on `day`?"""
    state = invoice.state_on(day)
    if state is InvoiceState.ANULADA:
        return Declined(CajaCode.REFERENCIA_NO_EXISTE, f"factura {invoice.reference1} anulada")
    if state is InvoiceState.PAGADA:
        return Declined(CajaCode.FACTURA_PAGADA, f"factura {invoice.reference1}")
    if state is InvoiceState.VENCIDA:
        return Declined(
            CajaCode.FACTURA_VENCIDA,
            f"factura {invoice.reference1} recaudable hasta {invoice.last_collectable_day}",
        )
    return None


def decide_payment(invoice: Invoice, request: PaymentRequest, day: date) -> Applied | Declined:
    """Rules 2 and 3 on `day` (Bogotá): the invoice after the payment, or why not."""
    declined = check_amounts(request) or collectable(invoice, day)
    if declined is not None:
        return declined
    owed = invoice.owed_on(day)
    minimum = invoice.minimum_on(day)
    assert owed is not None and minimum is not None  # collectable() ruled out the rest
    value = request.valor_total
    if value > owed or value < minimum:
        expected = f"{owed}" if minimum == owed else f"entre {minimum} y {owed}"
        return Declined(CajaCode.VALOR_NO_CORRESPONDE, f"valorTotal {value}, se espera {expected}")
    paid_total = invoice.paid_total + value
    state = InvoiceState.PAGADA if value == owed else InvoiceState.PENDIENTE
    return Applied(replace(invoice, paid_total=paid_total, state=state), request.state)


class Settlement(StrEnum):
    """Where a teller payment of an invoice is recorded."""

    #: A new caja transaction (a portfolio invoice; a coupon whose payment ended).
    NEW_TRANSACTION = "NEW_TRANSACTION"
    #: On the coupon's own payment, CAPTURED until now.
    COUPON_PAYMENT = "COUPON_PAYMENT"


def coupon_settlement(invoice: Invoice, linked: TranState | None) -> Settlement | Declined:
    """Where a payment of `invoice` goes, given the state of its linked payment (None: it has
    none), or why a coupon cannot be collected (module docstring)."""
    if invoice.ticket_id is None or linked is None:
        return Settlement.NEW_TRANSACTION
    if linked is TranState.CAPTURED:
        return Settlement.COUPON_PAYMENT
    if linked is TranState.EXPIRED:
        return Declined(
            CajaCode.FACTURA_VENCIDA,
            f"cupón {invoice.reference1}: el pago {invoice.ticket_id} venció",
        )
    if linked in (TranState.OK, TranState.PENDING):
        return Declined(
            CajaCode.FACTURA_PAGADA,
            f"cupón {invoice.reference1}: el pago {invoice.ticket_id} está {linked.value}",
        )
    if linked in (TranState.NOT_AUTHORIZED, TranState.FAILED):
        return Settlement.NEW_TRANSACTION
    # CREATED, BANK: a coupon is registered CAPTURED and never goes back; fail closed.
    return Declined(
        CajaCode.ERROR_TECNICO, f"cupón {invoice.reference1}: el pago está {linked.value}"
    )


def revert_payment(invoice: Invoice, value: Decimal) -> Invoice:
    """The invoice once a payment of `value` no longer counts (reversed, cheque returned): its
    paid total goes down and a paid invoice owes again; an annulled one stays annulled."""
    paid_total = max(invoice.paid_total - value, Decimal(0))
    state = InvoiceState.PENDIENTE if invoice.state is InvoiceState.PAGADA else invoice.state
    return replace(invoice, paid_total=paid_total, state=state)


@dataclass(frozen=True)
class OriginalPayment:
    """What a reversal is judged against."""

    state: PaymentState
    fecha_compensacion: date
    jornada: str
    referencia1: str
    valor_total: Decimal
    numero_autorizacion_banco: str


@dataclass(frozen=True)
class ReversalRequest:
    fecha_compensacion: date
    jornada: str
    referencia1: str
    valor_total: Decimal
    #: None: the bank did not repeat the original's authorization number.
    numero_autorizacion_banco: str | None


def decide_reversal(original: OriginalPayment, reversal: ReversalRequest) -> Declined | None:
    """Rule 4: None when the reversal may be applied.

    010 the bank's authorization number is not the original's (it describes another payment)
    001 referencia1 is not the original's
    003 valorTotal is not the original's
    009 the original was reversed already (or its cheque returned: nothing left to reverse)
    011 not the original's fechaCompensacion and jornada
    """
    authorization = reversal.numero_autorizacion_banco
    if authorization is not None and authorization != original.numero_autorizacion_banco:
        return Declined(
            CajaCode.ORIGINAL_NO_EXISTE, f"numeroAutorizacionBanco {authorization} no corresponde"
        )
    if reversal.referencia1 != original.referencia1:
        return Declined(
            CajaCode.REFERENCIA_NO_EXISTE, f"referencia1 {reversal.referencia1} no corresponde"
        )
    if reversal.valor_total != original.valor_total:
        return Declined(
            CajaCode.VALOR_NO_CORRESPONDE,
            f"valorTotal {reversal.valor_total}, el pago fue de {original.valor_total}",
        )
    if not original.state.counts:
        return Declined(CajaCode.REVERSO_YA_REALIZADO, f"el pago está {original.state.value}")
    if (reversal.fecha_compensacion, reversal.jornada) != (
        original.fecha_compensacion,
        original.jornada,
    ):
        return Declined(
            CajaCode.REVERSO_FUERA_DE_PLAZO,
            f"el pago es de {original.fecha_compensacion} jornada {original.jornada}",
        )
    return None
