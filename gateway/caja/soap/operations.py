"""What every caja contract method does: WS-Security first, then wire request -> command ->
`CajaPort` -> wire, and `resultado` on every answer.

`invoker` is the shell's `invoke`: it reads the UsernameToken from the envelope's Header (the
shell hands it over in the environ), authenticates it against the cabecera's `codigoBanco`, and
only then runs the method. Every answer carries `resultado{codigo, mensaje, idTransaccion,
fechaHoraRespuesta}`: 000 "Exitoso" with the method's members, or a refusal's code and message
with every other member absent; any other exception (a bug, the database down) is 099, logged
in full, never shown. `idTransaccion` echoes the cabecera's, as sent.

No decision is taken here: absent elements travel as None, lists as tuples in wire order with
nil items dropped. A message that cannot be read at all (malformed XML, a letter in a decimal,
a 13th month) never gets here: the shell answers it with ASMX's SOAP fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import structlog

from gateway.caja.codes import CajaCode, CajaRefusal, mensaje
from gateway.caja.commands import (
    Cabecera,
    CajaPort,
    Caller,
    ChequeIn,
    Conciliar,
    ConsultarCartera,
    ConsultarReferencia,
    FacturaView,
    NotificarPago,
    RecaudoIn,
    ReversarPago,
)
from gateway.caja.soap.wsse import SECURITY, username_token
from gateway.soap.service import HEADER_ENVIRON_KEY, Invoke, Method

__all__ = ["UNDERSTOOD_HEADERS", "CajaCall", "invoker"]

log = structlog.get_logger(__name__)

Wire = SimpleNamespace
CENT = Decimal("0.01")
#: The header entries the caja processes itself (mustUnderstand="1" on them is honoured).
UNDERSTOOD_HEADERS = frozenset({SECURITY})


@dataclass(frozen=True, slots=True)
class CajaCall:
    """The `ctx` a contract method receives: the use cases, who is calling, the request."""

    caja: CajaPort
    caller: Caller
    environ: Mapping[str, Any]
    operation: str


def invoker(caja: CajaPort) -> Invoke:
    def invoke(method: Method, request: Any, route: Any, environ: Mapping[str, Any]) -> Any:
        cabecera = _cabecera(getattr(request, "cabecera", None))
        id_transaccion = cabecera.id_transaccion if cabecera is not None else None
        try:
            caller = caja.authenticate(
                username_token(environ.get(HEADER_ENVIRON_KEY)),
                cabecera.codigo_banco if cabecera is not None else None,
            )
            answer = method.function(CajaCall(caja, caller, environ, method.name), request)
            answer.resultado = _resultado(caja, CajaCode.EXITOSO, "", id_transaccion)
            return answer
        except CajaRefusal as refusal:
            log.info(
                "caja.refused",
                operation=method.name,
                code=refusal.code.value,
                detail=refusal.detail,
            )
            return Wire(resultado=_resultado(caja, refusal.code, refusal.detail, id_transaccion))
        except Exception:
            log.exception("caja.soap.failed", operation=method.name)
            return Wire(resultado=_resultado(caja, CajaCode.ERROR_TECNICO, "", id_transaccion))

    return invoke


def _resultado(caja: CajaPort, code: CajaCode, detail: str, id_transaccion: str | None) -> Wire:
    return Wire(
        codigo=code.value,
        mensaje=mensaje(code, detail),
        idTransaccion=(id_transaccion or "").strip(),
        fechaHoraRespuesta=caja.now(),
    )


# -- operations --------------------------------------------------------------------------------


def verificar_estado(ctx: CajaCall, request: Any) -> Wire:
    estado = ctx.caja.verificar_estado(ctx.caller, _required_cabecera(request))
    return Wire(
        versionServicio=estado.version_servicio, fechaHoraServidor=estado.fecha_hora_servidor
    )


def consultar_cartera(ctx: CajaCall, request: Any) -> Wire:
    cartera = ctx.caja.consultar_cartera(
        ctx.caller,
        ConsultarCartera(
            cabecera=_required_cabecera(request),
            tipo_identificacion=request.tipoIdentificacion,
            numero_identificacion=request.numeroIdentificacion,
            max_facturas=request.maxFacturas,
        ),
    )
    return Wire(
        cliente=Wire(
            nombre=cartera.nombre,
            tipoIdentificacion=cartera.tipo_identificacion,
            numeroIdentificacion=cartera.numero_identificacion,
        ),
        facturas=[_factura(factura) for factura in cartera.facturas],
    )


def consultar_referencia(ctx: CajaCall, request: Any) -> Wire:
    factura = ctx.caja.consultar_referencia(
        ctx.caller,
        ConsultarReferencia(
            cabecera=_required_cabecera(request),
            referencias=_references(request),
            modo_captura=request.modoCaptura,
            codigo_barras=request.codigoBarras,
            valor_leido=request.valorLeido,
            fecha_vencimiento_leida=request.fechaVencimientoLeida,
        ),
    )
    return Wire(factura=_factura(factura))


def notificar_pago(ctx: CajaCall, request: Any) -> Wire:
    pago = ctx.caja.notificar_pago(
        ctx.caller,
        NotificarPago(
            cabecera=_required_cabecera(request),
            referencias=_references(request),
            valor_efectivo=request.valorEfectivo,
            valor_cheque=request.valorCheque,
            valor_total=request.valorTotal,
            forma_pago=request.formaPago,
            numero_autorizacion_banco=request.numeroAutorizacionBanco,
            cheques=tuple(
                ChequeIn(
                    banco=cheque.banco,
                    numero=cheque.numero,
                    valor=cheque.valor,
                    tipo_canje=cheque.tipoCanje,
                )
                for cheque in _items(request.cheques)
            ),
        ),
    )
    return Wire(
        numeroAutorizacionEmpresa=pago.numero_autorizacion_empresa,
        estadoPago=pago.estado_pago,
        fechaHoraRegistro=pago.fecha_hora_registro,
        indicadorDuplicado=_flag(pago.duplicado),
    )


def reversar_pago(ctx: CajaCall, request: Any) -> Wire:
    reverso = ctx.caja.reversar_pago(
        ctx.caller,
        ReversarPago(
            cabecera=_required_cabecera(request),
            id_transaccion_original=request.idTransaccionOriginal,
            numero_autorizacion_banco=request.numeroAutorizacionBanco,
            referencia1=request.referencia1,
            valor_total=request.valorTotal,
            motivo_reverso=request.motivoReverso,
        ),
    )
    return Wire(
        numeroAutorizacionReverso=reverso.numero_autorizacion_reverso,
        fechaHoraRegistro=reverso.fecha_hora_registro,
        indicadorDuplicado=_flag(reverso.duplicado),
    )


def conciliar(ctx: CajaCall, request: Any) -> Wire:
    result = ctx.caja.conciliar(
        ctx.caller,
        Conciliar(
            cabecera=_required_cabecera(request),
            fecha_compensacion=request.fechaCompensacion,
            recaudos=tuple(
                RecaudoIn(
                    id_transaccion=item.idTransaccion,
                    numero_autorizacion_banco=item.numeroAutorizacionBanco,
                    referencia1=item.referencia1,
                    valor_total=item.valorTotal,
                    medio_pago=item.medioPago,
                    codigo_oficina=item.codigoOficina,
                    estado=item.estado,
                )
                for item in _items(request.recaudos)
            ),
            archivo_asobancaria=request.archivoAsobancaria2001 or None,
        ),
    )
    return Wire(
        totales=Wire(
            banco=Wire(cantidad=result.banco.cantidad, valor=_money(result.banco.valor)),
            ecollect=Wire(cantidad=result.ecollect.cantidad, valor=_money(result.ecollect.valor)),
        ),
        diferencias=[
            Wire(
                idTransaccion=d.id_transaccion,
                referencia1=d.referencia1,
                valorBanco=_money(d.valor_banco),
                valorEcollect=_money(d.valor_ecollect),
                tipo=d.tipo,
            )
            for d in result.diferencias
        ],
        archivoAsobancaria2001=result.archivo_asobancaria,
    )


# -- wire -> command ---------------------------------------------------------------------------


def _cabecera(wire: Any) -> Cabecera | None:
    if wire is None:
        return None
    return Cabecera(
        codigo_banco=wire.codigoBanco,
        codigo_convenio=wire.codigoConvenio,
        codigo_iac=wire.codigoIAC,
        id_transaccion=wire.idTransaccion,
        fecha_hora_transaccion=wire.fechaHoraTransaccion,
        fecha_compensacion=wire.fechaCompensacion,
        jornada=wire.jornada,
        canal=wire.canal,
        codigo_oficina=wire.codigoOficina,
        terminal=wire.terminal,
        operador=wire.operador,
    )


def _required_cabecera(request: Any) -> Cabecera:
    """The cabecera, or one of absent values: the use case answers 090 naming what is missing."""
    return _cabecera(request.cabecera) or Cabecera(*([None] * 9))


def _references(request: Any) -> tuple[str | None, ...]:
    return (request.referencia1, request.referencia2, request.referencia3, request.referencia4)


def _items(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return tuple(value for value in values or () if value is not None)


# -- command -> wire ---------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "S" if value else "N"


def _money(value: Decimal | None) -> Decimal | None:
    """Two decimals always (§D.1): 150000 -> 150000.00."""
    return None if value is None else value.quantize(CENT)


def _factura(factura: FacturaView) -> Wire:
    return Wire(
        referencia1=factura.referencia1,
        referencia2=factura.referencia2,
        referencia3=factura.referencia3,
        descripcion=factura.descripcion,
        valorTotal=_money(factura.valor_total),
        valorMinimo=_money(factura.valor_minimo),
        fechaVencimiento=factura.fecha_vencimiento,
        fechaLimitePago=factura.fecha_limite_pago,
        estado=factura.estado,
        permitePagoParcial=_flag(factura.permite_pago_parcial),
        detalleValores=[
            Wire(concepto=line.concepto, valor=_money(line.valor))
            for line in factura.detalle_valores
        ],
        vencimientos=[
            Wire(fechaVencimiento=due.fecha_vencimiento, valor=_money(due.valor))
            for due in factura.vencimientos
        ],
    )
