"""Posting caja envelopes, as bank teller systems write them, to the real web app (WSGI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree
from werkzeug.test import Client

from gateway.bootstrap import build
from gateway.settings import Settings
from gateway.web.app import GatewayApp, create_app
from tests.caja.support import BANK, CONVENIO, NOW, security_header, seed_caja
from tests.support import FrozenClock

PATH = "/cajabancos/webservice/CajaBancos.asmx"
NS = "http://www.avisortech.com/CajaBancos"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
HOST = "gateway.test"


@contextmanager
def caja_app(database: Path, clock: FrozenClock | None = None) -> Iterator[GatewayApp]:
    settings = Settings(database_url=f"sqlite:///{database}", public_url=f"http://{HOST}")
    seed_caja(settings)
    container = build(settings, clock=clock or FrozenClock(NOW))
    app = create_app(settings, container)
    try:
        yield app
    finally:
        container.close()


def cabecera_xml(id_transaccion: str = "TX-1", **changes: str) -> str:
    values = {
        "codigoBanco": BANK,
        "codigoConvenio": CONVENIO,
        "idTransaccion": id_transaccion,
        "fechaHoraTransaccion": "2026-11-23T09:59:55-05:00",
        "fechaCompensacion": "2026-11-23",
        "jornada": "1",
        "canal": "01",
        "codigoOficina": "0123",
        "terminal": "T01",
        "operador": "CAJERO7",
    }
    values.update(changes)
    return "<cabecera>" + "".join(f"<{k}>{v}</{k}>" for k, v in values.items()) + "</cabecera>"


def envelope(
    operation: str,
    body: str = "",
    *,
    header: str | None = None,
    soap12: bool = False,
    cabecera: str | None = None,
) -> bytes:
    """`<operation><request>cabecera + body</request></operation>`; `header` the Header's
    content (default: a fresh digest UsernameToken of the Bancolombia user)."""
    ns = SOAP12 if soap12 else SOAP11
    security = security_header() if header is None else header
    head = f"<soap:Header>{security}</soap:Header>" if security else ""
    request = (cabecera_xml() if cabecera is None else cabecera) + body
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ns}">{head}'
        f'<soap:Body><{operation} xmlns="{NS}"><request>{request}</request></{operation}>'
        f"</soap:Body></soap:Envelope>"
    ).encode()


def post(app: GatewayApp, operation: str, data: bytes, *, soap12: bool = False, path: str = PATH):
    if soap12:
        headers = {
            "Content-Type": f'application/soap+xml; charset=utf-8; action="{NS}/{operation}"'
        }
    else:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}/{operation}"'}
    return Client(app).post(path, data=data, headers=headers, base_url=f"http://{HOST}")


def result(response: Any, operation: str) -> etree._Element:
    """The `<opResult>` element of a 200 answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    root = etree.fromstring(response.get_data())
    found = root.find(f".//{{{NS}}}{operation}Result")
    assert found is not None, response.get_data(as_text=True)
    return found


def text(element: etree._Element, path: str) -> str | None:
    found = element.find("/".join(f"{{{NS}}}{part}" for part in path.split("/")))
    return None if found is None else (found.text or "")


def code(element: etree._Element) -> str | None:
    return text(element, "resultado/codigo")
