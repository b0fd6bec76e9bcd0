"""verificarEstado, consultarCartera and consultarReferencia: what a teller reads before
collecting, and the agreement check every operation starts with.

An invoice is judged on the Bogotá date of the gateway's clock. consultarCartera lists a
customer's collectable invoices only (PENDIENTE on the day: paid, annulled and overdue ones are
not offered to a teller), oldest first due date first, at most min(maxFacturas, the agreement's
max_invoices). consultarReferencia answers 002/004/001 for a paid/overdue/annulled invoice, as
notificarPago would, so the teller stops before taking the money; for a payer's cash coupon
also what its payment's state says (`domain.caja_payments.coupon_settlement`: 004 expired,
002 paid).

With a barcode (`codigoBarras`, or the values typed from it: `valorLeido`,
`fechaVencimientoLeida`), the coupon is only a claim (research §D.4 rule 6): its GLN must be the
agreement's (007), its due date the one whose value applies today (004: a coupon of an earlier
due date is past; 003: a later one carries another value) and its value that installment's
(003).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from gateway.caja import validation
from gateway.caja.barcode import BarcodeData, BarcodeParser
from gateway.caja.codes import CajaCode, CajaRefusal, invalid
from gateway.caja.commands import (
    Caller,
    Cartera,
    ConsultarCartera,
    ConsultarReferencia,
    DueDate,
    FacturaView,
    ValueLine,
)
from gateway.caja.validation import ValidCabecera
from gateway.clock import Clock, bogota_date
from gateway.domain.caja_payments import Declined, collectable, coupon_settlement
from gateway.domain.cartera import IdType, Invoice, InvoiceState
from gateway.domain.transactions import TranState
from gateway.store.caja import Agreement, StoredInvoice
from gateway.store.uow import UnitOfWork


def agreement_for(uow: UnitOfWork, caller: Caller, cabecera: ValidCabecera) -> Agreement:
    """The caller's bank's enabled agreement `codigoConvenio` (007 otherwise, also when the
    cabecera names an IAC/GLN that is not the agreement's)."""
    agreement = uow.caja.agreement(caller.bank_code, cabecera.codigo_convenio)
    if agreement is None or not agreement.enabled:
        raise CajaRefusal(CajaCode.CONVENIO_NO_HABILITADO, f"convenio {cabecera.codigo_convenio}")
    if cabecera.codigo_iac is not None and cabecera.codigo_iac != agreement.gln:
        raise CajaRefusal(CajaCode.CONVENIO_NO_HABILITADO, f"codigoIAC {cabecera.codigo_iac}")
    return agreement


def find_invoice(
    uow: UnitOfWork, agreement: Agreement, reference1: str, *, for_update: bool = False
) -> StoredInvoice:
    """The agreement's invoice `reference1` (001 when there is none). A numeric reference is
    also looked up without its leading zeros: coupons and bank files zero-fill it."""
    candidates = [reference1]
    if reference1.isdigit() and reference1.lstrip("0") not in ("", reference1):
        candidates.append(reference1.lstrip("0"))
    for candidate in candidates:
        found = uow.caja.invoice(
            agreement.entity_code, agreement.srv_code, candidate, for_update=for_update
        )
        if found is not None:
            return found
    raise CajaRefusal(CajaCode.REFERENCIA_NO_EXISTE, f"referencia1 {reference1}")


def factura_view(invoice: Invoice, day: date) -> FacturaView:
    state = invoice.state_on(day)
    installment = invoice.installment_on(day) or invoice.installments[-1]
    owed = invoice.owed_on(day)
    if owed is None:  # overdue or annulled: what was left at the last value
        owed = max(invoice.installments[-1].value - invoice.paid_total, Decimal(0))
    minimum = invoice.minimum_on(day) if invoice.partial_allowed else None
    if state is InvoiceState.PAGADA:
        owed, minimum = Decimal(0), None
    return FacturaView(
        referencia1=invoice.reference1,
        referencia2=invoice.reference2,
        referencia3=invoice.reference3,
        descripcion=invoice.description,
        valor_total=owed,
        valor_minimo=minimum,
        fecha_vencimiento=installment.due_date,
        fecha_limite_pago=invoice.last_collectable_day,
        estado=state.value,
        permite_pago_parcial=invoice.partial_allowed,
        detalle_valores=(
            ValueLine("VALOR", installment.value),
            ValueLine("ABONADO", invoice.paid_total),
            ValueLine("SALDO", owed),
        ),
        vencimientos=tuple(DueDate(i.due_date, i.value) for i in invoice.installments),
    )


class Consultas:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, barcodes: BarcodeParser
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._barcodes = barcodes

    def check_agreement(self, caller: Caller, cabecera: ValidCabecera) -> Agreement:
        with self._uow() as uow:
            return agreement_for(uow, caller, cabecera)

    def consultar_cartera(self, caller: Caller, command: ConsultarCartera) -> Cartera:
        cabecera = validation.cabecera(command.cabecera)
        id_type = validation.required(
            command.tipo_identificacion, "tipoIdentificacion", max_length=3
        ).upper()
        if id_type not in IdType.__members__:
            raise invalid("tipoIdentificacion", f"{id_type!r} no es CC, NIT, CE, TI ni PA")
        id_number = validation.token(
            command.numero_identificacion, "numeroIdentificacion", max_length=20
        )
        assert id_number is not None
        if command.max_facturas is not None and command.max_facturas < 1:
            raise invalid("maxFacturas", "debe ser al menos 1")
        day = bogota_date(self._clock.now())
        with self._uow() as uow:
            agreement = agreement_for(uow, caller, cabecera)
            stored = uow.caja.unpaid_invoices(
                agreement.entity_code, agreement.srv_code, id_type, id_number
            )
            coupons = uow.caja.payment_states(
                [s.invoice.ticket_id for s in stored if s.invoice.ticket_id is not None]
            )
        limit = min(command.max_facturas or agreement.max_invoices, agreement.max_invoices)
        # A payer's coupon is listed only while the teller may collect it: not once its payment
        # was approved elsewhere, is pending or expired (what consultarReferencia would refuse).
        open_ones = [
            s.invoice
            for s in stored
            if s.invoice.state_on(day) is InvoiceState.PENDIENTE
            and not isinstance(
                coupon_settlement(s.invoice, coupons.get(s.invoice.ticket_id or 0)), Declined
            )
        ]
        if not open_ones:
            raise CajaRefusal(CajaCode.CLIENTE_SIN_FACTURAS, f"{id_type} {id_number}")
        return Cartera(
            nombre=open_ones[0].name,
            tipo_identificacion=id_type,
            numero_identificacion=id_number,
            facturas=tuple(factura_view(invoice, day) for invoice in open_ones[:limit]),
        )

    def consultar_referencia(self, caller: Caller, command: ConsultarReferencia) -> FacturaView:
        cabecera = validation.cabecera(command.cabecera)
        sent = command.referencias[0] if command.referencias else None
        raw = (command.codigo_barras or "").strip()
        reference1 = validation.reference(sent, needed=not raw)
        day = bogota_date(self._clock.now())
        with self._uow() as uow:
            agreement = agreement_for(uow, caller, cabecera)
            claim = None
            if raw:
                claim = self._barcodes(raw, agreement.reference_length, agreement.amount_length)
                if agreement.gln is None or claim.gln != agreement.gln:
                    raise CajaRefusal(
                        CajaCode.CONVENIO_NO_HABILITADO, f"GLN {claim.gln} del código de barras"
                    )
                if reference1 is not None and reference1.lstrip("0") != claim.reference.lstrip("0"):
                    raise CajaRefusal(
                        CajaCode.REFERENCIA_NO_EXISTE,
                        f"referencia1 {reference1} no es la del código de barras",
                    )
                reference1 = claim.reference
            assert reference1 is not None
            stored = find_invoice(uow, agreement, reference1)
            settlement = coupon_settlement(stored.invoice, _coupon_state(uow, stored.invoice))
        invoice = stored.invoice
        declined = collectable(invoice, day)
        if declined is None and isinstance(settlement, Declined):
            declined = settlement
        if declined is not None:
            raise CajaRefusal(declined.code, declined.detail)
        if claim is None and (
            command.valor_leido is not None or command.fecha_vencimiento_leida is not None
        ):
            claim = BarcodeData(
                gln=agreement.gln or "",
                reference=reference1,
                amount=command.valor_leido,
                due_date=command.fecha_vencimiento_leida,
            )
        if claim is not None:
            _match_coupon(invoice, claim, day)
        return factura_view(invoice, day)


def _coupon_state(uow: UnitOfWork, invoice: Invoice) -> TranState | None:
    """The state of the payment whose cash coupon `invoice` is (None: a portfolio invoice)."""
    if invoice.ticket_id is None:
        return None
    transaction = uow.transactions.get(invoice.ticket_id)
    return None if transaction is None else transaction.state


def _match_coupon(invoice: Invoice, claim: BarcodeData, day: date) -> None:
    """The coupon's due date and value against the installment that applies on `day`."""
    installment = invoice.installment_on(day)
    assert installment is not None  # collectable() ruled overdue out
    if claim.due_date is not None and claim.due_date != installment.due_date:
        # An earlier due date is a coupon past its date; a later one carries another value.
        code = (
            CajaCode.FACTURA_VENCIDA
            if claim.due_date < installment.due_date
            else CajaCode.VALOR_NO_CORRESPONDE
        )
        raise CajaRefusal(
            code,
            f"el cupón vence {claim.due_date}, hoy aplica el vencimiento {installment.due_date}",
        )
    if claim.amount is not None and claim.amount != installment.value:
        raise CajaRefusal(
            CajaCode.VALOR_NO_CORRESPONDE,
            f"el cupón dice {claim.amount}, el vencimiento {installment.due_date} es de "
            f"{installment.value}",
        )
