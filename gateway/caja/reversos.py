"""reversarPago: a bank takes back a teller payment (research §D.4 rules 4 and 5).

A reversal has its own idTransaccion (an operation like a payment's: the same one again with the
same payload gets the stored answer, indicadorDuplicado=S; with another payload 006) and names
the original by `idTransaccionOriginal`. Under the original's lock (the one notificarPago takes):

- no payment with that id: `010`, and the reversal is stored all the same (payment_id NULL),
  so that the original, should it arrive late (the bank timed out and reversed), is refused
  (notificarPago answers 009). That answer is final: a repeat of the reversal gets 010 again;
- the original reversed already (by another reversal id): `009`, once per original is also the
  `caja_reversals` unique constraint;
- `domain.caja_payments.decide_reversal`: the same fechaCompensacion and jornada (011), the
  original's referencia1 (001), valorTotal (003) and authorization number (010);
- then: the payment REVERSADO, the invoice's paid total restored (history line), the transaction
  OK (or PENDING) -> NOT_AUTHORIZED through `Transaction.reverse`, which the merchant hears
  through its callback and getTransactionInformation.

`numeroAutorizacionReverso` is eCollect's number of the reversal (its row id).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from gateway.caja import validation
from gateway.caja.codes import CajaCode, CajaRefusal, invalid
from gateway.caja.commands import Caller, ReversarPago, Reverso
from gateway.caja.consultas import agreement_for
from gateway.caja.idempotency import claim, digest, money
from gateway.clock import Clock
from gateway.domain.caja_payments import (
    OriginalPayment,
    PaymentState,
    ReversalRequest,
    check_value,
    decide_reversal,
    revert_payment,
)
from gateway.store.uow import UnitOfWork, retrying

log = structlog.get_logger(__name__)

REVERSO = "REVERSO"
SOURCE = "caja:reversarPago"


def _answer(stored: dict[str, Any], *, duplicate: bool) -> Reverso:
    code = CajaCode(stored["codigo"])
    if code is not CajaCode.EXITOSO:
        raise CajaRefusal(code, stored.get("detalle", ""))
    return Reverso(
        numero_autorizacion_reverso=stored["numeroAutorizacionReverso"],
        fecha_hora_registro=datetime.fromisoformat(stored["fechaHoraRegistro"]),
        duplicado=duplicate,
    )


class Reversals:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def reversar_pago(self, caller: Caller, command: ReversarPago) -> Reverso:
        cabecera = validation.cabecera(command.cabecera)
        original_id = validation.token(
            command.id_transaccion_original, "idTransaccionOriginal", max_length=36
        )
        assert original_id is not None
        if original_id == cabecera.id_transaccion:
            raise invalid("cabecera/idTransaccion", "un reverso lleva su propio idTransaccion")
        authorization = validation.token(
            command.numero_autorizacion_banco,
            "numeroAutorizacionBanco",
            max_length=16,
            needed=False,
        )
        reference1 = validation.reference(command.referencia1)
        assert reference1 is not None
        value = validation.amount(command.valor_total, "valorTotal")
        motivo = validation.text(
            command.motivo_reverso, "motivoReverso", max_length=3, pattern=validation.DIGITS
        )
        assert motivo is not None
        declined = check_value(value)
        if declined is not None:
            raise CajaRefusal(declined.code, declined.detail)
        request = ReversalRequest(
            fecha_compensacion=cabecera.fecha_compensacion,
            jornada=cabecera.jornada,
            referencia1=reference1,
            valor_total=value,
            numero_autorizacion_banco=authorization,
        )
        payload_sha256 = digest(
            {
                "convenio": cabecera.codigo_convenio,
                "original": original_id,
                "autorizacion": authorization,
                "referencia1": reference1,
                "total": money(value),
                "motivo": motivo,
                "compensacion": cabecera.fecha_compensacion.isoformat(),
                "jornada": cabecera.jornada,
            }
        )
        bank = caller.bank_code

        def work(uow: UnitOfWork) -> Reverso:
            now = self._clock.now()
            agreement = agreement_for(uow, caller, cabecera)
            uow.caja.lock_transaction_key(bank, original_id)
            operation_id = claim(
                uow,
                bank_code=bank,
                id_transaccion=cabecera.id_transaccion,
                kind=REVERSO,
                payload_sha256=payload_sha256,
                at=now,
            )
            if isinstance(operation_id, dict):
                return _answer(operation_id, duplicate=True)
            if uow.caja.reversal_of(bank, original_id) is not None:
                raise CajaRefusal(CajaCode.REVERSO_YA_REALIZADO, f"idTransaccion {original_id}")
            payment = uow.caja.payment(bank, original_id, for_update=True)
            stored_fields = {
                "operation_id": operation_id,
                "bank_code": bank,
                "original_id_transaccion": original_id,
                "numero_autorizacion_banco": authorization,
                "motivo": motivo,
                "fecha_compensacion": cabecera.fecha_compensacion,
                "jornada": cabecera.jornada,
                "at": now,
            }
            if payment is None:
                # Kept, final: it blocks the original should it arrive late (rule 5).
                uow.caja.insert_reversal(payment_id=None, **stored_fields)
                detail = f"idTransaccion {original_id}; el pago queda bloqueado"
                uow.caja.set_response(
                    operation_id, {"codigo": CajaCode.ORIGINAL_NO_EXISTE.value, "detalle": detail}
                )
                uow.commit()
                log.info("caja.reversal_blocking", bank=bank, original=original_id)
                raise CajaRefusal(CajaCode.ORIGINAL_NO_EXISTE, detail)
            if payment.agreement_id != agreement.id:
                raise CajaRefusal(
                    CajaCode.CONVENIO_NO_HABILITADO, f"el pago {original_id} es de otro convenio"
                )
            declined = decide_reversal(
                OriginalPayment(
                    state=payment.state,
                    fecha_compensacion=payment.fecha_compensacion,
                    jornada=payment.jornada,
                    referencia1=payment.reference1,
                    valor_total=payment.valor_total,
                    numero_autorizacion_banco=payment.numero_autorizacion_banco,
                ),
                request,
            )
            if declined is not None:
                raise CajaRefusal(declined.code, declined.detail)
            stored_invoice = uow.caja.invoice_by_id(payment.invoice_id, for_update=True)
            transaction = uow.transactions.get(payment.ticket_id, for_update=True)
            assert transaction is not None
            detail = f"reverso {cabecera.id_transaccion} de {original_id} motivo {motivo}"
            transaction.reverse(at=now, source=SOURCE, detail=detail)
            uow.transactions.save(transaction)
            uow.caja.set_payment_state(payment.id, PaymentState.REVERSADO, now)
            uow.caja.save_invoice(
                stored_invoice,
                revert_payment(stored_invoice.invoice, payment.valor_total),
                at=now,
                source="caja_reversal",
                detail=f"banco {bank} {detail} valor {payment.valor_total}",
            )
            reversal_id = uow.caja.insert_reversal(payment_id=payment.id, **stored_fields)
            response = {
                "codigo": CajaCode.EXITOSO.value,
                "numeroAutorizacionReverso": str(reversal_id),
                "fechaHoraRegistro": now.isoformat(),
            }
            uow.caja.set_response(operation_id, response)
            uow.commit()
            log.info(
                "caja.payment_reversed",
                bank=bank,
                original=original_id,
                ticket_id=payment.ticket_id,
            )
            return _answer(response, duplicate=False)

        return retrying(self._uow, work)
