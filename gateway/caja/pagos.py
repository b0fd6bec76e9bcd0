"""notificarPago: a payment at a bank's teller window becomes an approved eCollect transaction.

One database transaction does everything, in this order:

1. the bank transaction's lock (`CajaRepository.lock_transaction_key`: a reversal of the same
   idTransaccion cannot interleave);
2. the operation (`idempotency.claim`): the caja_operations unique constraint, not a read,
   decides which of racing duplicates applies (research §D.4 rule 1); a used key answers the
   stored answer again with indicadorDuplicado=S, or 006 for another payload;
3. a reversal that arrived before this payment refuses it (009, rule 5);
4. the invoice, SELECT … FOR UPDATE (and, for a payer's cash coupon, its payment, FOR UPDATE
   too), then the rules (`domain.caja_payments.coupon_settlement` and `decide_payment`);
   a refusal rolls everything back, the operation row too: only a final answer is kept, so the
   bank may retry the same idTransaccion after fixing its message;
5. the transaction (PaymentSystem 100 cash, the bank as institution, numeroAutorizacionBanco
   as trazability code), written by the eCollect payments' own repository with its state
   history and the merchant's callback outbox row: OK, or PENDING while a cheque of another
   bank clears (PENDIENTE_CANJE). For a payer's cash coupon still CAPTURED that is the
   coupon's own payment (its channel and references stay the merchant's: the merchant sees
   the payment it created approved); otherwise a new transaction with the invoice's
   references, channel "caja";
6. the payment and its cheques, the invoice's paid total, balance and state (with a history
   line), and the answer stored on the operation.

The payload digest covers what the payment is (agreement, references, amounts, form, cheques,
authorization number, compensation date, session); not when or from which terminal it was sent,
which a retry may change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog

from gateway.caja import validation
from gateway.caja.codes import CajaCode, CajaRefusal, invalid
from gateway.caja.commands import Caller, NotificarPago, Pago
from gateway.caja.consultas import agreement_for, find_invoice
from gateway.caja.idempotency import claim, digest, money
from gateway.clock import Clock, bogota_date
from gateway.domain.caja_payments import (
    Applied,
    Cheque,
    Declined,
    FormaPago,
    PaymentRequest,
    PaymentState,
    Settlement,
    TipoCanje,
    coupon_settlement,
    decide_payment,
    revert_payment,
)
from gateway.domain.cartera import Invoice
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.transactions import Lifetimes, Transaction, TranState
from gateway.store.caja import Agreement, NewPayment
from gateway.store.transactions import CAJA_CHANNEL
from gateway.store.uow import UnitOfWork, retrying
from gateway.usecases.opening import new_session_token

log = structlog.get_logger(__name__)

PAGO = "PAGO"
SOURCE = "caja:notificarPago"


def _request(command: NotificarPago) -> tuple[PaymentRequest, str, str]:
    """The payment as the rules see it, referencia1 and the authorization number (090s)."""
    references = command.referencias
    reference1 = validation.reference(references[0] if references else None)
    for position, value in enumerate(references[1:], start=2):
        validation.text(value, f"referencia{position}", max_length=48, required=False)
    authorization = validation.token(
        command.numero_autorizacion_banco, "numeroAutorizacionBanco", max_length=16
    )
    forma = validation.required(command.forma_pago, "formaPago", max_length=1).upper()
    if forma not in {f.value for f in FormaPago}:
        raise invalid("formaPago", "debe ser E, C o M")
    cheques = []
    for position, cheque in enumerate(command.cheques, start=1):
        field = f"cheques[{position}]"
        tipo = validation.required(cheque.tipo_canje, f"{field}/tipoCanje", max_length=1).upper()
        if tipo not in {t.value for t in TipoCanje}:
            raise invalid(f"{field}/tipoCanje", "debe ser P (propio) u O (otros bancos)")
        cheques.append(
            Cheque(
                banco=validation.digits(cheque.banco, f"{field}/banco", length=3),
                numero=validation.required(cheque.numero, f"{field}/numero", max_length=20),
                valor=validation.amount(cheque.valor, f"{field}/valor"),
                tipo_canje=TipoCanje(tipo),
            )
        )
    request = PaymentRequest(
        valor_efectivo=validation.amount(command.valor_efectivo, "valorEfectivo", needed=False),
        valor_cheque=validation.amount(command.valor_cheque, "valorCheque", needed=False),
        valor_total=validation.amount(command.valor_total, "valorTotal"),
        forma_pago=FormaPago(forma),
        cheques=tuple(cheques),
    )
    assert reference1 is not None and authorization is not None
    return request, reference1, authorization


def _answer(stored: dict[str, Any], *, duplicate: bool) -> Pago:
    return Pago(
        numero_autorizacion_empresa=stored["numeroAutorizacionEmpresa"],
        estado_pago=stored["estadoPago"],
        fecha_hora_registro=datetime.fromisoformat(stored["fechaHoraRegistro"]),
        duplicado=duplicate,
    )


class TellerPayments:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        lifetimes: Lifetimes,
        canje_days: int,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._lifetimes = lifetimes
        self._canje = timedelta(days=canje_days)

    def notificar_pago(self, caller: Caller, command: NotificarPago) -> Pago:
        cabecera = validation.cabecera(command.cabecera)
        request, reference1, authorization = _request(command)
        payload = {
            "convenio": cabecera.codigo_convenio,
            "referencias": [(value or "").strip() for value in command.referencias],
            "efectivo": money(request.valor_efectivo),
            "cheque": money(request.valor_cheque),
            "total": money(request.valor_total),
            "forma": request.forma_pago.value,
            "cheques": [
                [c.banco, c.numero, money(c.valor), c.tipo_canje.value] for c in request.cheques
            ],
            "autorizacion": authorization,
            "compensacion": cabecera.fecha_compensacion.isoformat(),
            "jornada": cabecera.jornada,
        }
        payload_sha256 = digest(payload)
        bank, id_transaccion = caller.bank_code, cabecera.id_transaccion

        def work(uow: UnitOfWork) -> Pago:
            now = self._clock.now()
            agreement = agreement_for(uow, caller, cabecera)
            uow.caja.lock_transaction_key(bank, id_transaccion)
            operation_id = claim(
                uow,
                bank_code=bank,
                id_transaccion=id_transaccion,
                kind=PAGO,
                payload_sha256=payload_sha256,
                at=now,
            )
            if isinstance(operation_id, dict):
                return _answer(operation_id, duplicate=True)
            if uow.caja.reversal_of(bank, id_transaccion) is not None:
                raise CajaRefusal(
                    CajaCode.REVERSO_YA_REALIZADO, f"idTransaccion {id_transaccion} fue reversada"
                )
            stored_invoice = find_invoice(uow, agreement, reference1, for_update=True)
            invoice = stored_invoice.invoice
            coupon = (
                None
                if invoice.ticket_id is None
                else uow.transactions.get(invoice.ticket_id, for_update=True)
            )
            settlement = coupon_settlement(invoice, None if coupon is None else coupon.state)
            if isinstance(settlement, Declined):
                raise CajaRefusal(settlement.code, settlement.detail)
            decision = decide_payment(invoice, request, bogota_date(now))
            if not isinstance(decision, Applied):
                raise CajaRefusal(decision.code, decision.detail)
            if settlement is Settlement.COUPON_PAYMENT:
                assert coupon is not None
                transaction = coupon
            else:
                transaction = self._new_transaction(uow, agreement, invoice, request, now)
            transaction.choose(
                PaymentSystem.CASH,
                FinancialInstitution(PaymentSystem.CASH, caller.bank_code, caller.bank_name),
            )
            pending = decision.payment_state is PaymentState.PENDIENTE_CANJE
            transaction.record_bank_answer(
                TranState.PENDING if pending else TranState.OK,
                at=now,
                source=SOURCE,
                trazability_code=authorization,
                bank_process_date=cabecera.fecha_hora_transaccion,
                # A cheque of another bank clears in days: the bank-answer hours would fail it.
                lapses_at=max(self._lifetimes.lapses_at(TranState.PENDING, now), now + self._canje),
            )
            if transaction is coupon:
                uow.transactions.save(transaction)
            else:
                uow.transactions.add(transaction)
                uow.flush()  # the TicketId, which the payment row points to
            assert transaction.ticket_id is not None
            uow.caja.insert_payment(
                NewPayment(
                    operation_id=operation_id,
                    bank_code=bank,
                    id_transaccion=id_transaccion,
                    agreement_id=agreement.id,
                    invoice_id=stored_invoice.id,
                    ticket_id=transaction.ticket_id,
                    numero_autorizacion_banco=authorization,
                    valor_efectivo=request.valor_efectivo,
                    valor_cheque=request.valor_cheque,
                    valor_total=request.valor_total,
                    forma_pago=request.forma_pago.value,
                    state=decision.payment_state,
                    fecha_compensacion=cabecera.fecha_compensacion,
                    jornada=cabecera.jornada,
                    canal=cabecera.canal,
                    oficina=cabecera.codigo_oficina,
                    terminal=cabecera.terminal,
                    operador=cabecera.operador,
                    fecha_hora_transaccion=cabecera.fecha_hora_transaccion,
                    cheques=request.cheques,
                ),
                now,
            )
            uow.caja.save_invoice(
                stored_invoice,
                decision.invoice,
                at=now,
                source="caja_payment",
                detail=f"banco {bank} idTransaccion {id_transaccion} valor {request.valor_total}"
                f" ticket {transaction.ticket_id}",
            )
            response = {
                "codigo": CajaCode.EXITOSO.value,
                "numeroAutorizacionEmpresa": str(transaction.ticket_id),
                "estadoPago": decision.payment_state.value,
                "fechaHoraRegistro": now.isoformat(),
            }
            uow.caja.set_response(operation_id, response)
            uow.commit()
            log.info(
                "caja.payment_applied",
                bank=bank,
                id_transaccion=id_transaccion,
                ticket_id=transaction.ticket_id,
                state=decision.payment_state.value,
            )
            return _answer(response, duplicate=False)

        return retrying(self._uow, work)

    def _new_transaction(
        self,
        uow: UnitOfWork,
        agreement: Agreement,
        invoice: Invoice,
        request: PaymentRequest,
        now: datetime,
    ) -> Transaction:
        """The caja transaction of a payment of `invoice` (channel "caja"), CREATED."""
        service = uow.catalog.service(agreement.entity_code, agreement.srv_code)
        if service is None:  # the agreement's foreign key makes this a broken database
            raise CajaRefusal(CajaCode.ERROR_TECNICO, "servicio del convenio no existe")
        return Transaction.open(
            at=now,
            source=SOURCE,
            entity_code=agreement.entity_code,
            srv_code=agreement.srv_code,
            trans_value=request.valor_total,
            trans_vat_value=Decimal(0),
            currency=service.currency,
            pay_currency=service.pay_currency or service.currency,
            currency_rate=service.currency_rate,
            references=tuple(
                r for r in (invoice.reference1, invoice.reference2, invoice.reference3) if r
            ),
            expires_at=self._lifetimes.lapses_at(TranState.CREATED, now),
            session_token=new_session_token(),
            url_response=service.url_response,
            url_redirect=service.url_redirect,
            channel=CAJA_CHANNEL,
        )

    # --- cheques of other banks -------------------------------------------------------------

    def confirm_cheques(self, bank_code: str, id_transaccion: str) -> bool:
        """The canje paid the cheques of a PENDIENTE_CANJE payment: APLICADO, transaction OK.
        False when there is no such payment waiting (confirmed already, reversed, unknown)."""
        return self._settle_canje(bank_code, id_transaccion, paid=True)

    def return_cheques(
        self, bank_code: str, id_transaccion: str, *, why: str = "cheque devuelto"
    ) -> bool:
        """The canje returned a cheque unpaid (or never confirmed it, `canje_lapsed`): the
        payment is DEVUELTO, the invoice owes again, the transaction is NOT_AUTHORIZED (the
        merchant is called back)."""
        return self._settle_canje(bank_code, id_transaccion, paid=False, why=why)

    def canje_lapsed(self, batch: int = 100) -> int:
        """Fail closed: a payment whose cheques no conciliation or Asobancaria file confirmed
        within the canje days (`GATEWAY_CAJA_CANJE_DAYS`) is not money received. Its cheques
        are returned; how many payments (0: none due)."""
        with self._uow() as uow:
            due = uow.caja.canje_lapsed(self._clock.now(), batch)
        days = self._canje.days
        why = f"canje sin confirmar en {days} días"
        return sum(self.return_cheques(bank, id_, why=why) for bank, id_ in due)

    def _settle_canje(
        self, bank_code: str, id_transaccion: str, *, paid: bool, why: str = ""
    ) -> bool:
        source = "caja:canje"

        def work(uow: UnitOfWork) -> bool:
            now = self._clock.now()
            uow.caja.lock_transaction_key(bank_code, id_transaccion)
            payment = uow.caja.payment(bank_code, id_transaccion, for_update=True)
            if payment is None or payment.state is not PaymentState.PENDIENTE_CANJE:
                return False
            stored_invoice = uow.caja.invoice_by_id(payment.invoice_id, for_update=True)
            transaction = uow.transactions.get(payment.ticket_id, for_update=True)
            assert transaction is not None
            detail = f"canje banco {bank_code} idTransaccion {id_transaccion}"
            if paid:
                transaction.record_bank_answer(
                    TranState.OK,
                    at=now,
                    source=source,
                    trazability_code=payment.numero_autorizacion_banco,
                    bank_process_date=transaction.bank_process_date or now,
                )
                changed, state = stored_invoice.invoice, PaymentState.APLICADO
                history = "caja_cheque_confirmed"
            else:
                transaction.reverse(at=now, source=source, detail=f"{why} ({detail})")
                changed = revert_payment(stored_invoice.invoice, payment.valor_total)
                state, history = PaymentState.DEVUELTO, "caja_cheque_returned"
            uow.transactions.save(transaction)
            uow.caja.set_payment_state(payment.id, state, now)
            uow.caja.save_invoice(stored_invoice, changed, at=now, source=history, detail=detail)
            uow.commit()
            log.info("caja.canje_settled", bank=bank_code, id_transaccion=id_transaccion, paid=paid)
            return True

        return retrying(self._uow, work)
