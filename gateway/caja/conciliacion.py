"""conciliar: the bank's list of a compensation day against eCollect's payments of that bank,
agreement and day (research §D.2, §D.4 rule 7).

The bank sends either its list (`recaudos`) or an Asobancaria 2001 file (base64), read by the
`AsobancariaReader` seam (`read_asobancaria` by default: `domain.asobancaria.read`, the file's
bank and day checked, the lotes of the agreement's GLN; none wired: `097`). The day is the
request's `fechaCompensacion`, else the cabecera's; the scope is the cabecera's agreement.

eCollect's side: every payment of the day, `P` while it counts (APLICADO, PENDIENTE_CANJE), `R`
once reversed or returned. The comparison (`domain.reconciliation.conciliar`) answers totals
(of the P entries) and the differences. A conciliation is also how a cheque of another bank
becomes final (rule 3): a PENDIENTE_CANJE payment the bank reports paid, with its value, is
confirmed (`TellerPayments.confirm_cheques`: APLICADO, transaction OK). Nothing else is
changed: a difference is reported, never corrected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import structlog

from gateway.caja import validation
from gateway.caja.codes import CajaCode, CajaRefusal, invalid
from gateway.caja.commands import (
    Caller,
    Conciliacion,
    Conciliar,
    Diferencia,
    RecaudoIn,
    Total,
)
from gateway.caja.consultas import agreement_for
from gateway.caja.pagos import TellerPayments
from gateway.clock import Clock
from gateway.domain import asobancaria
from gateway.domain.caja_payments import PaymentState
from gateway.domain.reconciliation import (
    Estado,
    Recaudo,
    archivo_asobancaria,
    conciliar,
    recaudos_del_archivo,
)
from gateway.store.caja import StoredPayment
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: (decoded Asobancaria 2001 file, bank code, compensation day, agreement GLN) -> the bank's
#: collections of that agreement; raises ValueError for a file it cannot read or that is not of
#: that bank and day (the message names the line and position, or what differs).
AsobancariaReader = Callable[[bytes, str, date, str | None], Sequence[Recaudo]]

#: At most this many of a file's errors are quoted in the 090 message.
_QUOTED_ERRORS = 5


def read_asobancaria(data: bytes, bank_code: str, day: date, gln: str | None) -> list[Recaudo]:
    """The collections of an Asobancaria 2001 file (`domain.asobancaria.read`) of `bank_code`
    and `day`, in the lotes of the agreement's GLN (every lote when it has none)."""
    result = asobancaria.read(data)
    if result.file is None:
        quoted = "; ".join(str(error) for error in result.errors[:_QUOTED_ERRORS])
        more = len(result.errors) - _QUOTED_ERRORS
        raise ValueError(quoted + (f"; y {more} errores más" if more > 0 else ""))
    header = result.file.header
    if header.codigo_banco != bank_code:
        raise ValueError(f"el archivo es del banco {header.codigo_banco}")
    if header.fecha_recaudo != day:
        raise ValueError(f"el archivo es del {header.fecha_recaudo}, no del {day}")
    lotes = tuple(lote for lote in result.file.lotes if gln is None or lote.codigo_servicio == gln)
    return recaudos_del_archivo(asobancaria.CollectionFile(header, lotes))


def _bank_entries(recaudos: Sequence[RecaudoIn]) -> list[Recaudo]:
    entries = []
    for position, item in enumerate(recaudos, start=1):
        field = f"recaudos[{position}]"
        estado = validation.required(item.estado, f"{field}/estado", max_length=1).upper()
        if estado not in {e.value for e in Estado}:
            raise invalid(f"{field}/estado", "debe ser P (pagado) o R (reversado)")
        reference1 = validation.reference(item.referencia1, f"{field}/referencia1")
        assert reference1 is not None
        entries.append(
            Recaudo(
                referencia1=reference1,
                valor=validation.amount(item.valor_total, f"{field}/valorTotal"),
                estado=Estado(estado),
                id_transaccion=validation.token(
                    item.id_transaccion, f"{field}/idTransaccion", max_length=36, needed=False
                ),
                numero_autorizacion_banco=validation.token(
                    item.numero_autorizacion_banco,
                    f"{field}/numeroAutorizacionBanco",
                    max_length=16,
                    needed=False,
                ),
                medio_pago=validation.text(
                    item.medio_pago, f"{field}/medioPago", max_length=2, required=False
                ),
                oficina=validation.text(
                    item.codigo_oficina, f"{field}/codigoOficina", max_length=4, required=False
                ),
            )
        )
    return entries


class Reconciliation:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        payments: TellerPayments,
        reader: AsobancariaReader | None = read_asobancaria,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._payments = payments
        self._reader = reader

    def conciliar(self, caller: Caller, command: Conciliar) -> Conciliacion:
        cabecera = validation.cabecera(command.cabecera)
        day = command.fecha_compensacion or cabecera.fecha_compensacion
        if command.archivo_asobancaria and command.recaudos:
            raise invalid("archivoAsobancaria2001", "envíe recaudos o el archivo, no ambos")
        bank_entries = _bank_entries(command.recaudos)
        with self._uow() as uow:
            agreement = agreement_for(uow, caller, cabecera)
            payments = uow.caja.payments_of_day(caller.bank_code, agreement.id, day)
        if command.archivo_asobancaria:
            bank_entries = list(
                self._read(command.archivo_asobancaria, caller.bank_code, day, agreement.gln)
            )
        result = self._reconcile(caller.bank_code, agreement.code, day, bank_entries, payments)
        if not any(payment.state.counts for payment in payments):
            return result
        # eCollect's view of the same day and agreement, for the bank's own records.
        own = self.asobancaria_file(caller.bank_code, day, agreement.code)
        return replace(result, archivo_asobancaria=own)

    def asobancaria_file(self, bank_code: str, day: date, convenio: str | None = None) -> bytes:
        """eCollect's Asobancaria 2001 file of a bank's compensation day (every agreement, or
        one): the payments that stand, one lote per agreement GLN (rule 7). Raises
        `asobancaria.WriteError` when there are none, or when they belong to several companies
        or accounts (one file each: name the agreement)."""
        with self._uow() as uow:
            payments = uow.caja.file_payments(bank_code, day, convenio)
        generated = self._clock.now()
        return asobancaria.write(archivo_asobancaria(payments, generado=generated))

    def conciliar_archivo(self, data: bytes, bank_code: str, day: date) -> Conciliacion:
        """The operator's conciliation (`ecollect-gateway asobancaria conciliar`): a bank's
        Asobancaria 2001 file of `day` against all of that bank's payments of the day, every
        agreement; the same rules and effects as `conciliar` (cheques confirmed). Raises
        ValueError for a file that cannot be read or is not of that bank and day."""
        with self._uow() as uow:
            payments = uow.caja.payments_of_day(bank_code, None, day)
        bank_entries = read_asobancaria(data, bank_code, day, None)
        return self._reconcile(bank_code, None, day, bank_entries, payments)

    def _reconcile(
        self,
        bank_code: str,
        convenio: str | None,
        day: date,
        bank_entries: Sequence[Recaudo],
        payments: Sequence[StoredPayment],
    ) -> Conciliacion:
        ours = [
            Recaudo(
                referencia1=payment.reference1,
                valor=payment.valor_total,
                estado=Estado.PAGADO if payment.state.counts else Estado.REVERSADO,
                id_transaccion=payment.id_transaccion,
                numero_autorizacion_banco=payment.numero_autorizacion_banco,
                oficina=payment.oficina,
            )
            for payment in payments
        ]
        result = conciliar(bank_entries, ours)
        differing = {id(d.ecollect) for d in result.diferencias if d.ecollect is not None}
        # Not in any difference: paired with a bank entry that agrees (an unpaired P one is a
        # SOLO_ECOLLECT difference).
        agreeing = {id(entry) for entry in ours} - differing
        confirmed = 0
        for payment, entry in zip(payments, ours, strict=True):
            if payment.state is PaymentState.PENDIENTE_CANJE and id(entry) in agreeing:
                confirmed += self._payments.confirm_cheques(bank_code, payment.id_transaccion)
        log.info(
            "caja.conciliation",
            bank=bank_code,
            convenio=convenio,
            day=day.isoformat(),
            differences=len(result.diferencias),
            confirmed=confirmed,
        )
        return Conciliacion(
            banco=Total(result.banco.cantidad, result.banco.valor),
            ecollect=Total(result.ecollect.cantidad, result.ecollect.valor),
            diferencias=tuple(
                Diferencia(
                    id_transaccion=d.id_transaccion or "",
                    referencia1=d.referencia1,
                    valor_banco=d.valor_banco,
                    valor_ecollect=d.valor_ecollect,
                    tipo=d.tipo.value,
                )
                for d in result.diferencias
            ),
            confirmados=confirmed,
        )

    def _read(self, data: bytes, bank_code: str, day: date, gln: str | None) -> Sequence[Recaudo]:
        if self._reader is None:
            raise CajaRefusal(
                CajaCode.SERVICIO_NO_DISPONIBLE, "lectura de archivos Asobancaria no disponible"
            )
        try:
            return self._reader(data, bank_code, day, gln)
        except ValueError as error:
            raise invalid("archivoAsobancaria2001", str(error)) from None
