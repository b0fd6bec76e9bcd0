"""The caja's main flow driven by a real PHP ext-soap teller integration against the live
gateway (gunicorn), its WS-Security header written by hand (`php/caja_call.php`):

verificarEstado -> consultarReferencia -> notificarPago -> the same notificarPago again (the
stored answer, indicadorDuplicado S) -> reversarPago -> the invoice owes again. PasswordDigest
computed in PHP and PasswordText, on SOAP 1.1 and 1.2; each step one PHP process, as a teller
application calls per operation. The invoices are a contract portfolio loaded with `cartera
load` (the demo seed's are too few for repeated payments).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from contract_tests.caja.cartera import Portfolio, new_tag
from contract_tests.caja.client import WAYS, Way, new_authorization, new_id, now_in_bogota
from contract_tests.server import RunningGateway
from tests.e2e.conftest import HERE, ClientTool, _php_problem

PHP = ClientTool("PHP ext-soap", ("php", str(HERE / "php" / "caja_call.php")), _php_problem)
PATH = "/cajabancos/webservice/CajaBancos.asmx"
#: The demo seed's bank user (README "Demo data").
USER, PASSWORD = "bancolombia-demo", "CajaDemo-2026"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"


@pytest.fixture(scope="module")
def portfolio(live_gateway: RunningGateway, tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    made = Portfolio(new_tag(), "10001", "1001", max_invoices=10)
    path: Path = tmp_path_factory.mktemp("caja-php") / "cartera.csv"
    path.write_text(made.csv(), encoding="utf-8")
    live_gateway.cli("cartera", "load", str(path))
    return made


Php = Callable[..., dict[str, Any]]


@pytest.fixture
def php(live_gateway: RunningGateway, way: Way) -> Php:
    """Run one operation; {"result": ..., "request": the envelope PHP sent}."""
    wsdl = f"{live_gateway.base_url}{PATH}?wsdl"
    flags = [*(["--soap12"] if way.soap == "soap12" else []), *([] if way.digest else ["--text"])]

    def call(operation: str, request: dict[str, Any], password: str = PASSWORD):
        return PHP.call(wsdl, operation, request, USER, password, *flags)

    return call


def cabecera(**changes: str) -> dict[str, str]:
    moment = now_in_bogota()
    values = {
        "codigoBanco": "007",
        "codigoConvenio": "1001",
        "idTransaccion": new_id(),
        "fechaHoraTransaccion": moment.isoformat(),
        "fechaCompensacion": moment.date().isoformat(),
        "jornada": "1",
        "canal": "01",
        "codigoOficina": "0123",
        "terminal": "CAJA-PHP",
        "operador": "cajero1",
    }
    values.update(changes)
    return values


def answered(output: dict[str, Any], expected: str = "000") -> dict[str, Any]:
    result = output["result"]
    assert result["resultado"]["codigo"] == expected, result["resultado"]
    return result


def username_token(envelope: str) -> etree._Element:
    root = etree.fromstring(envelope.encode())
    token = root.find(f".//{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    assert token is not None, envelope
    return token


def assert_hand_built_token(envelope: str, way: Way) -> None:
    """What PHP sent is the profile's token: the digest over the decoded nonce, the Created
    text and the password; a UTC Created of now with a Z."""
    token = username_token(envelope)
    password = token.find(f"{{{WSSE}}}Password")
    assert token.findtext(f"{{{WSSE}}}Username") == USER
    if not way.digest:
        assert password.get("Type", "").endswith("#PasswordText")
        assert password.text == PASSWORD
        return
    assert password.get("Type", "").endswith("#PasswordDigest")
    nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce") or "")
    created = token.findtext(f"{{{WSU}}}Created") or ""
    assert len(nonce) == 16
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", created), created
    sent_at = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=2)
    expected = hashlib.sha1(nonce + created.encode() + PASSWORD.encode()).digest()
    assert password.text == base64.b64encode(expected).decode()


@pytest.mark.parametrize("way", WAYS, ids=[way.id for way in WAYS])
def test_php_runs_the_caja_main_flow(php: Php, portfolio: Portfolio, way: Way) -> None:
    status = php("verificarEstado", {"cabecera": cabecera()})
    assert answered(status)["versionServicio"] == "1.0"
    assert_hand_built_token(status["request"], way)

    reference = portfolio.reference(way, "PAGO")
    factura = answered(
        php("consultarReferencia", {"cabecera": cabecera(), "referencia1": reference})
    )["factura"]
    assert (factura["referencia1"], factura["estado"]) == (reference, "PENDIENTE")
    assert factura["valorTotal"] == "150000.00"
    (due,) = factura["vencimientos"]["Vencimiento"]
    assert due["fechaVencimiento"] == portfolio.due("PAGO").isoformat()

    payment = {
        "cabecera": cabecera(),
        "referencia1": reference,
        "valorEfectivo": "150000.00",
        "valorCheque": "0",
        "valorTotal": "150000.00",
        "formaPago": "E",
        "numeroAutorizacionBanco": new_authorization(),
    }
    paid = answered(php("notificarPago", payment))
    assert (paid["estadoPago"], paid["indicadorDuplicado"]) == ("APLICADO", "N")
    assert re.fullmatch(r"\d+", paid["numeroAutorizacionEmpresa"])

    again = answered(php("notificarPago", payment))  # the teller's retry after a timeout
    assert (again["indicadorDuplicado"], again["numeroAutorizacionEmpresa"]) == (
        "S",
        paid["numeroAutorizacionEmpresa"],
    )
    assert again["fechaHoraRegistro"] == paid["fechaHoraRegistro"]
    answered(php("consultarReferencia", {"cabecera": cabecera(), "referencia1": reference}), "002")

    reversal = {
        "cabecera": cabecera(),
        "idTransaccionOriginal": payment["cabecera"]["idTransaccion"],
        "numeroAutorizacionBanco": payment["numeroAutorizacionBanco"],
        "referencia1": reference,
        "valorTotal": "150000.00",
        "motivoReverso": "001",
    }
    reversed_ = answered(php("reversarPago", reversal))
    assert reversed_["indicadorDuplicado"] == "N" and reversed_["numeroAutorizacionReverso"]
    factura = answered(
        php("consultarReferencia", {"cabecera": cabecera(), "referencia1": reference})
    )["factura"]
    assert (factura["estado"], factura["valorTotal"]) == ("PENDIENTE", "150000.00")


@pytest.mark.parametrize("way", WAYS, ids=[way.id for way in WAYS])
def test_php_with_a_wrong_password_gets_091_in_the_answer(php: Php, way: Way) -> None:
    sent = cabecera()
    result = answered(php("verificarEstado", {"cabecera": sent}, password="otra-clave-2026"), "091")
    assert result["resultado"]["idTransaccion"] == sent["idTransaccion"]
    assert "versionServicio" not in result or result["versionServicio"] is None
