"""A zeep client generated from the served `?wsdl` calls the caja on both ports, with zeep's
own WS-Security UsernameToken (PasswordText and PasswordDigest).

zeep (strict mode) parses every answer against the WSDL's schema: element order, types and
occurrences. No network: requests go to the WSGI app through a `requests` adapter.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests
import zeep
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from tests.caja.soap_support import HOST, PATH, caja_app
from tests.caja.support import BANK, CONVENIO, NOW, PASSWORD, USER, add_invoice
from tests.soap.support import WSGIAdapter

BOGOTA = timezone(timedelta(hours=-5))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with caja_app(tmp_path_factory.mktemp("zeep") / "g.sqlite3") as app:
        for n in range(1, 9):
            add_invoice(app.container.uow, f"Z-{n}")
        yield app


def service(app, port: str, *, digest: bool, password: str = PASSWORD):
    session = requests.Session()
    session.mount(f"http://{HOST}/", WSGIAdapter(app))
    # The gateway's clock stands still at NOW: the token is created then.
    token = UsernameToken(USER, password, use_digest=digest, created=NOW)
    client = zeep.Client(
        f"http://{HOST}{PATH}?wsdl", transport=Transport(session=session), wsse=token
    )
    return client.bind("CajaBancos", port)


def cabecera(id_transaccion: str) -> dict:
    return {
        "codigoBanco": BANK,
        "codigoConvenio": CONVENIO,
        "idTransaccion": id_transaccion,
        "fechaHoraTransaccion": datetime(2026, 11, 23, 9, 59, tzinfo=BOGOTA),
        "fechaCompensacion": date(2026, 11, 23),
        "jornada": "1",
        "canal": "01",
        "codigoOficina": "0123",
    }


PORTS = ["CajaBancosSoap", "CajaBancosSoap12"]


@pytest.mark.parametrize("port", PORTS)
@pytest.mark.parametrize("digest", [True, False], ids=["digest", "text"])
def test_verificar_estado(app, port, digest):
    answer = service(app, port, digest=digest).verificarEstado(
        request={"cabecera": cabecera("V-1")}
    )
    assert answer.resultado.codigo == "000" and answer.versionServicio == "1.0"
    assert answer.resultado.fechaHoraRespuesta == NOW
    assert answer.fechaHoraServidor.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize("port", PORTS)
def test_a_wrong_password_is_091(app, port):
    answer = service(app, port, digest=True, password="otra").verificarEstado(
        request={"cabecera": cabecera("V-2")}
    )
    assert answer.resultado.codigo == "091" and answer.versionServicio is None


@pytest.mark.parametrize(("port", "number"), [(PORTS[0], 1), (PORTS[1], 2)])
def test_consult_pay_repeat_reverse_and_reconcile(app, port, number):
    caja = service(app, port, digest=True)
    reference = f"Z-{number}"
    factura = caja.consultarReferencia(
        request={"cabecera": cabecera(f"Q-{number}"), "referencia1": reference}
    ).factura
    assert (factura.valorTotal, factura.estado) == (Decimal("150000.00"), "PENDIENTE")
    assert factura.vencimientos.Vencimiento[0].fechaVencimiento == date(2026, 11, 30)
    payment = {
        "cabecera": cabecera(f"P-{number}"),
        "referencia1": reference,
        "valorEfectivo": Decimal("150000"),
        "valorCheque": Decimal("0"),
        "valorTotal": Decimal("150000"),
        "formaPago": "E",
        "numeroAutorizacionBanco": f"AUT{number}",
    }
    paid = caja.notificarPago(request=payment)
    assert (paid.resultado.codigo, paid.estadoPago, paid.indicadorDuplicado) == (
        "000",
        "APLICADO",
        "N",
    )
    again = caja.notificarPago(request=payment)
    assert (again.indicadorDuplicado, again.numeroAutorizacionEmpresa) == (
        "S",
        paid.numeroAutorizacionEmpresa,
    )
    reconciled = caja.conciliar(
        request={
            "cabecera": cabecera(f"C-{number}"),
            "recaudos": {
                "Recaudo": [
                    {
                        "idTransaccion": f"P-{number}",
                        "referencia1": reference,
                        "valorTotal": Decimal("150000"),
                        "estado": "P",
                    }
                ]
            },
        }
    )
    assert reconciled.resultado.codigo == "000"
    assert reconciled.totales.banco.cantidad == 1
    reversed_ = caja.reversarPago(
        request={
            "cabecera": cabecera(f"R-{number}"),
            "idTransaccionOriginal": f"P-{number}",
            "referencia1": reference,
            "valorTotal": Decimal("150000"),
            "motivoReverso": "001",
        }
    )
    assert (reversed_.resultado.codigo, reversed_.indicadorDuplicado) == ("000", "N")


@pytest.mark.parametrize("port", PORTS)
def test_consultar_cartera(app, port):
    answer = service(app, port, digest=False).consultarCartera(
        request={
            "cabecera": cabecera("K-1"),
            "tipoIdentificacion": "CC",
            "numeroIdentificacion": "1032456789",
            "maxFacturas": 2,
        }
    )
    assert answer.resultado.codigo == "000" and answer.cliente.nombre == "Ana Cliente"
    assert len(answer.facturas.Factura) == 2
