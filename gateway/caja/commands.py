"""What the caja use cases take and answer (plain data, no Spyne), and the port the SOAP adapter
calls (`CajaPort`).

Texts arrive as the bank sent them (None when absent); the use cases check and normalize them
(`gateway.caja.validation`). Answers carry only what follows `resultado`: the adapter writes
`resultado` itself, from the refusal or as 000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from gateway.domain.username_token import UsernameToken


@dataclass(frozen=True)
class Cabecera:
    codigo_banco: str | None
    codigo_convenio: str | None
    codigo_iac: str | None
    id_transaccion: str | None
    fecha_hora_transaccion: datetime | None
    fecha_compensacion: date | None
    jornada: str | None
    canal: str | None
    codigo_oficina: str | None
    terminal: str | None = None
    operador: str | None = None


@dataclass(frozen=True)
class Caller:
    """The authenticated bank user a request acts for."""

    username: str
    bank_code: str
    bank_name: str


@dataclass(frozen=True)
class ChequeIn:
    banco: str | None
    numero: str | None
    valor: Decimal | None
    tipo_canje: str | None


@dataclass(frozen=True)
class ConsultarCartera:
    cabecera: Cabecera
    tipo_identificacion: str | None
    numero_identificacion: str | None
    max_facturas: int | None


@dataclass(frozen=True)
class ConsultarReferencia:
    cabecera: Cabecera
    #: referencia1..referencia4 as sent (referencia1 may be absent with a barcode).
    referencias: tuple[str | None, ...]
    modo_captura: str | None = None
    codigo_barras: str | None = None
    valor_leido: Decimal | None = None
    fecha_vencimiento_leida: date | None = None


@dataclass(frozen=True)
class NotificarPago:
    cabecera: Cabecera
    referencias: tuple[str | None, ...]
    valor_efectivo: Decimal | None
    valor_cheque: Decimal | None
    valor_total: Decimal | None
    forma_pago: str | None
    numero_autorizacion_banco: str | None
    cheques: tuple[ChequeIn, ...] = ()


@dataclass(frozen=True)
class ReversarPago:
    cabecera: Cabecera
    id_transaccion_original: str | None
    numero_autorizacion_banco: str | None
    referencia1: str | None
    valor_total: Decimal | None
    motivo_reverso: str | None


@dataclass(frozen=True)
class RecaudoIn:
    """One line of the bank's own list of the day (conciliar)."""

    id_transaccion: str | None
    numero_autorizacion_banco: str | None
    referencia1: str | None
    valor_total: Decimal | None
    medio_pago: str | None
    codigo_oficina: str | None
    #: P pagado, R reversado.
    estado: str | None


@dataclass(frozen=True)
class Conciliar:
    cabecera: Cabecera
    #: The day to reconcile; None: the cabecera's fechaCompensacion.
    fecha_compensacion: date | None
    recaudos: tuple[RecaudoIn, ...] = ()
    #: An Asobancaria 2001 file instead of `recaudos` (decoded bytes).
    archivo_asobancaria: bytes | None = None


# -- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estado:
    version_servicio: str
    fecha_hora_servidor: datetime


@dataclass(frozen=True)
class ValueLine:
    concepto: str
    valor: Decimal


@dataclass(frozen=True)
class DueDate:
    fecha_vencimiento: date
    valor: Decimal


@dataclass(frozen=True)
class FacturaView:
    referencia1: str
    referencia2: str | None
    referencia3: str | None
    descripcion: str
    #: What is owed on the day (after any partial payments).
    valor_total: Decimal
    #: The least one payment may be (only when partial payment is allowed).
    valor_minimo: Decimal | None
    #: The due date whose value applies on the day.
    fecha_vencimiento: date
    #: The last day it can be paid (last due date + days of overdue payment).
    fecha_limite_pago: date
    #: PENDIENTE | PAGADA | VENCIDA | ANULADA
    estado: str
    permite_pago_parcial: bool
    detalle_valores: tuple[ValueLine, ...]
    vencimientos: tuple[DueDate, ...]


@dataclass(frozen=True)
class Cartera:
    nombre: str
    tipo_identificacion: str
    numero_identificacion: str
    facturas: tuple[FacturaView, ...]


@dataclass(frozen=True)
class Pago:
    #: The eCollect TicketId of the approved (or pending) transaction.
    numero_autorizacion_empresa: str
    #: APLICADO | PENDIENTE_CANJE
    estado_pago: str
    fecha_hora_registro: datetime
    duplicado: bool = False


@dataclass(frozen=True)
class Reverso:
    numero_autorizacion_reverso: str
    fecha_hora_registro: datetime
    duplicado: bool = False


@dataclass(frozen=True)
class Total:
    cantidad: int
    valor: Decimal


@dataclass(frozen=True)
class Diferencia:
    id_transaccion: str
    referencia1: str
    valor_banco: Decimal | None
    valor_ecollect: Decimal | None
    #: SOLO_BANCO | SOLO_ECOLLECT | VALOR_DIFERENTE | ESTADO_DIFERENTE
    tipo: str


@dataclass(frozen=True)
class Conciliacion:
    banco: Total
    ecollect: Total
    diferencias: tuple[Diferencia, ...]
    #: Payments this conciliation confirmed (cheques of other banks the bank reported paid).
    confirmados: int = 0
    #: eCollect's view of the day as an Asobancaria 2001 file, when a writer is wired.
    archivo_asobancaria: bytes | None = None


class CajaPort(Protocol):
    """The caja use cases as the SOAP adapter sees them. Every method but `now` raises
    `gateway.caja.codes.CajaRefusal` for a refusal; anything else is a failure (099)."""

    def now(self) -> datetime: ...

    def authenticate(self, token: UsernameToken | None, codigo_banco: str | None) -> Caller: ...

    def verificar_estado(self, caller: Caller, cabecera: Cabecera) -> Estado: ...

    def consultar_cartera(self, caller: Caller, command: ConsultarCartera) -> Cartera: ...

    def consultar_referencia(self, caller: Caller, command: ConsultarReferencia) -> FacturaView: ...

    def notificar_pago(self, caller: Caller, command: NotificarPago) -> Pago: ...

    def reversar_pago(self, caller: Caller, command: ReversarPago) -> Reverso: ...

    def conciliar(self, caller: Caller, command: Conciliar) -> Conciliacion: ...
