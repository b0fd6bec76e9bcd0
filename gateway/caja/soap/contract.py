"""The caja contract, `wsdl/CajaBancos.wsdl`, as Spyne models (namespace
`http://www.avisortech.com/CajaBancos`, document/literal wrapped, ASMX style).

Every operation `op` reads `<op><request>` of type `opType`, whose first member is `cabecera`
(research §D.1), and answers `<opResponse><opResult>` of type `opResponseType`, whose first
member is `resultado{codigo, mensaje, idTransaccion, fechaHoraRespuesta}`. Names are §D's
Spanish lowerCamelCase. Amounts are `xs:decimal` pesos written with two decimals, days
`xs:date`, instants `xs:dateTime` in Bogotá with their offset (an offset-less instant sent by a
bank is Bogotá wall time). What a refused answer leaves out is `minOccurs=0`; lists are wrapped
`ArrayOfX` with `X` items, as ASMX writes them.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from spyne import ComplexModel, Date, Decimal, ServiceBase, rpc

from gateway.caja.soap import operations
from gateway.caja.soap.operations import CajaCall
from gateway.soap.members import (
    Content,
    Int,
    MaybeInstant,
    MaybeInt,
    String,
    When,
    array_of,
    optional,
)
from gateway.soap.ns import CAJA_BANCOS as NS

#: xs:decimal, minOccurs=1 (0 when unset)
Money = Decimal(min_occurs=1, max_occurs=1, nillable=False, default=D(0))
#: xs:decimal that may be absent
MaybeMoney = Decimal(min_occurs=0, max_occurs=1, nillable=True)
#: xs:date, minOccurs=1
Day = Date(min_occurs=1, max_occurs=1, nillable=False)
#: xs:date that may be absent
MaybeDay = Date(min_occurs=0, max_occurs=1, nillable=True)

# -- shared types ------------------------------------------------------------------------------


class Cabecera(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Cabecera"

    codigoBanco = String
    codigoConvenio = String
    codigoIAC = String
    idTransaccion = String
    fechaHoraTransaccion = When
    fechaCompensacion = Day
    jornada = String
    canal = String
    codigoOficina = String
    terminal = String
    operador = String


class Resultado(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Resultado"

    codigo = String
    mensaje = String
    idTransaccion = String
    fechaHoraRespuesta = When


class DetalleValor(ComplexModel):
    __namespace__ = NS
    __type_name__ = "DetalleValor"

    concepto = String
    valor = Money


class Vencimiento(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Vencimiento"

    fechaVencimiento = Day
    valor = Money


class Factura(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Factura"

    referencia1 = String
    referencia2 = String
    referencia3 = String
    descripcion = String
    valorTotal = Money
    valorMinimo = MaybeMoney
    fechaVencimiento = Day
    fechaLimitePago = Day
    estado = String
    permitePagoParcial = String
    detalleValores = array_of(DetalleValor, NS)
    vencimientos = array_of(Vencimiento, NS)


class Cliente(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Cliente"

    nombre = String
    tipoIdentificacion = String
    numeroIdentificacion = String


class Cheque(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Cheque"

    banco = String
    numero = String
    valor = Money
    tipoCanje = String


class Recaudo(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Recaudo"

    idTransaccion = String
    numeroAutorizacionBanco = String
    referencia1 = String
    valorTotal = Money
    medioPago = String
    codigoOficina = String
    estado = String


class Total(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Total"

    cantidad = Int
    valor = Money


class Totales(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Totales"

    banco = optional(Total)
    ecollect = optional(Total)


class Diferencia(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Diferencia"

    idTransaccion = String
    referencia1 = String
    valorBanco = MaybeMoney
    valorEcollect = MaybeMoney
    tipo = String


CabeceraMember = optional(Cabecera)
ResultadoMember = optional(Resultado)

# -- operations --------------------------------------------------------------------------------


class VerificarEstadoType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "verificarEstadoType"

    cabecera = CabeceraMember


class VerificarEstadoResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "verificarEstadoResponseType"

    resultado = ResultadoMember
    versionServicio = String
    fechaHoraServidor = MaybeInstant


class ConsultarCarteraType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "consultarCarteraType"

    cabecera = CabeceraMember
    tipoIdentificacion = String
    numeroIdentificacion = String
    maxFacturas = MaybeInt


class ConsultarCarteraResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "consultarCarteraResponseType"

    resultado = ResultadoMember
    cliente = optional(Cliente)
    facturas = array_of(Factura, NS)


class ConsultarReferenciaType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "consultarReferenciaType"

    cabecera = CabeceraMember
    referencia1 = String
    referencia2 = String
    referencia3 = String
    referencia4 = String
    modoCaptura = String
    codigoBarras = String
    valorLeido = MaybeMoney
    fechaVencimientoLeida = MaybeDay


class ConsultarReferenciaResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "consultarReferenciaResponseType"

    resultado = ResultadoMember
    factura = optional(Factura)


class NotificarPagoType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "notificarPagoType"

    cabecera = CabeceraMember
    referencia1 = String
    referencia2 = String
    referencia3 = String
    referencia4 = String
    valorEfectivo = Money
    valorCheque = Money
    valorTotal = Money
    formaPago = String
    cheques = array_of(Cheque, NS)
    numeroAutorizacionBanco = String


class NotificarPagoResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "notificarPagoResponseType"

    resultado = ResultadoMember
    numeroAutorizacionEmpresa = String
    estadoPago = String
    fechaHoraRegistro = MaybeInstant
    indicadorDuplicado = String


class ReversarPagoType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "reversarPagoType"

    cabecera = CabeceraMember
    idTransaccionOriginal = String
    numeroAutorizacionBanco = String
    referencia1 = String
    valorTotal = Money
    motivoReverso = String


class ReversarPagoResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "reversarPagoResponseType"

    resultado = ResultadoMember
    numeroAutorizacionReverso = String
    fechaHoraRegistro = MaybeInstant
    indicadorDuplicado = String


class ConciliarType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "conciliarType"

    cabecera = CabeceraMember
    fechaCompensacion = MaybeDay
    recaudos = array_of(Recaudo, NS)
    archivoAsobancaria2001 = Content


class ConciliarResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "conciliarResponseType"

    resultado = ResultadoMember
    totales = optional(Totales)
    diferencias = array_of(Diferencia, NS)
    archivoAsobancaria2001 = Content


class CajaBancos(ServiceBase):
    """Operations in portType order; each one translates and delegates (`operations`)."""

    @rpc(VerificarEstadoType, _returns=VerificarEstadoResponseType)
    def verificarEstado(ctx: CajaCall, request: Any) -> Any:  # noqa: N802
        return operations.verificar_estado(ctx, request)

    @rpc(ConsultarCarteraType, _returns=ConsultarCarteraResponseType)
    def consultarCartera(ctx: CajaCall, request: Any) -> Any:  # noqa: N802
        return operations.consultar_cartera(ctx, request)

    @rpc(ConsultarReferenciaType, _returns=ConsultarReferenciaResponseType)
    def consultarReferencia(ctx: CajaCall, request: Any) -> Any:  # noqa: N802
        return operations.consultar_referencia(ctx, request)

    @rpc(NotificarPagoType, _returns=NotificarPagoResponseType)
    def notificarPago(ctx: CajaCall, request: Any) -> Any:  # noqa: N802
        return operations.notificar_pago(ctx, request)

    @rpc(ReversarPagoType, _returns=ReversarPagoResponseType)
    def reversarPago(ctx: CajaCall, request: Any) -> Any:  # noqa: N802
        return operations.reversar_pago(ctx, request)

    @rpc(ConciliarType, _returns=ConciliarResponseType)
    def conciliar(ctx: CajaCall, request: Any) -> Any:
        return operations.conciliar(ctx, request)
