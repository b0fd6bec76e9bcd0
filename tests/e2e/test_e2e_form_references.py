"""The payer fills the references the merchant left empty, in a real (headless Chromium) phone
browser against the live gateway: a service imported with `config import` (prefix, help, a
price list, a related list, a conditional reference) -> the merchant creates the payment over
SOAP with only the first reference -> the payer types one wrong, reads the Spanish error with
what was typed kept, corrects it, picks from the lists and pays with a cash coupon, whose value
is the price chosen; getTransactionInformation answers the references filled.

Every page passes the checks of tests/e2e/browser.py (labels on every control, no sideways
scroll on the 390 px phone, no traceback)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from contract_tests.client import ContractClient, Reply
from contract_tests.server import RunningGateway
from contract_tests.variants import Endpoint, parse_prefix
from tests.e2e.browser import Browser

pytestmark = pytest.mark.e2e

ENTITY, SERVICE = "20077", "3001"
PREFIX = parse_prefix("app_express")
ENDPOINT = Endpoint(PREFIX, PREFIX.variant(3), PREFIX.name)
LONG_PREFIX = "CONVENIO-MINISTERIO-EDUCACION-NACIONAL-2026-FG-" + "0" * 3  # 50, the most
CONFIG = textwrap.dedent(
    f"""\
    version: 1
    entities:
      - code: '{ENTITY}'
        name: Universidad del Formulario con un nombre largo de verdad
        services:
          - code: '{SERVICE}'
            description: Matrícula de posgrados y pregrados de la universidad
            active: true
            open_value: true
            accepts_cash: true
            vat_percentage: '19'
            references:
              - {{title: Cédula, type: CUSTOMER_ID, required: true}}
              - title: Número de expediente académico del estudiante
                required: true
                prefix: DOP-2014-FG-
                help: Los 8 dígitos variables de su expediente, sin el prefijo que ya aparece.
                length: '20'
              - title: Programa
                required: true
                list:
                  kind: PRICE
                  prompt: Seleccione el programa
                  items:
                    - {{code: PRE, text: Pregrado en Ingeniería de Sistemas, price: '350000.00'}}
                    - {{code: POS, text: Posgrado, price: '900000.50'}}
              - title: Departamento
                list:
                  kind: TEXT
                  items: [{{code: '05', text: Antioquia}}, {{code: '11', text: Bogotá}}]
              - title: Municipio
                list:
                  kind: TEXT
                  parent: 3
                  items:
                    - {{code: '001', text: Medellín, parent: '05'}}
                    - {{code: '088', text: Bello, parent: '05'}}
                    - {{code: '001', text: Bogotá D.C., parent: '11'}}
              - title: Tipo de cliente
                required: true
                list:
                  kind: TEXT
                  items: [{{code: P, text: Persona}}, {{code: E, text: Empresa}}]
              - title: NIT
                type: INTEGER
                required: true
                shown_when: {{reference: 5, values: [E]}}
          - code: '3002'
            description: Prefijo largo
            active: true
            open_value: true
            accepts_cash: true
            references:
              - {{title: Cédula, type: CUSTOMER_ID, required: true}}
              - {{title: Código, prefix: {LONG_PREFIX}, help: Solo la parte variable}}
    """
)


@pytest.fixture(scope="module")
def service(live_gateway: RunningGateway, tmp_path_factory: pytest.TempPathFactory) -> None:
    path: Path = tmp_path_factory.mktemp("config") / "formulario.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    live_gateway.cli("config", "import", str(path))


def create(soap: ContractClient, srv_code: str) -> Reply:
    """A payment of 1000 COP with only the first reference: the rest is the payer's."""
    reply = soap.create(
        {
            "EntityCode": ENTITY,
            "SrvCode": srv_code,
            "TransValue": Decimal("1000"),
            "TransVatValue": Decimal(0),
            "SrvCurrency": "COP",
            "ReferenceArray": ["1032456789"],
        }
    )
    assert reply.text("ReturnCode") == "SUCCESS", reply.describe()
    return reply


def test_the_payer_fills_the_references_on_a_phone(
    service: None, live_gateway: RunningGateway, browsers: Callable[[str], Browser]
) -> None:
    soap = ContractClient(ENDPOINT, live_gateway.base_url)
    reply = create(soap, SERVICE)
    ticket = reply.text("TicketId") or ""
    browser = browsers("phone").open(reply.text("eCollectUrl") or "")
    assert browser.h1 == "Elija cómo pagar"
    assert "DOP-2014-FG-" in browser.text and "Los 8 dígitos variables" in browser.text
    assert "Solo si «Tipo de cliente» es «Empresa»" in browser.text
    browser.screenshot("formulario")

    browser.fill("Número de expediente", "1234").fill("Programa", "Posgrado — 900.000,50")
    browser.fill("Departamento", "Antioquia").fill("Municipio", "Bello")
    browser.fill("Tipo de cliente", "Persona").choose("method", "100").submit("Pagar")
    assert "«Número de expediente académico del estudiante» debe tener exactamente 8" in (
        browser.text
    )
    assert browser.value("Número de expediente") == "1234"  # kept
    browser.screenshot("error")

    assert browser.checked("Cupón para pagar en efectivo en el banco")  # the choice kept
    browser.fill("Número de expediente", "12345678").submit("Pagar")
    assert browser.h1 == "Cupón de pago"
    assert "900.000,50" in browser.text
    browser.screenshot("cupon")

    got = soap.get(ENTITY, ticket)
    assert got.text("TranState") == "CAPTURED"
    assert got.text("TransValue") in ("900000.50", "900000.5")
    assert got.texts("ReferenceArray")[:6] == [
        "1032456789",
        "DOP-2014-FG-12345678",
        "POS",
        "05",
        "088",
        "P",
    ]


def test_a_prefix_of_fifty_characters_fits_a_phone(
    service: None, live_gateway: RunningGateway, browsers: Callable[[str], Browser]
) -> None:
    soap = ContractClient(ENDPOINT, live_gateway.base_url)
    reply = create(soap, "3002")
    browser = browsers("phone").open(reply.text("eCollectUrl") or "")  # no sideways scroll
    assert LONG_PREFIX in browser.text
    browser.screenshot("prefijo-largo")
    browser.fill("Código", "77").choose("method", "100").submit("Pagar")
    assert browser.h1 == "Cupón de pago"
    got = soap.get(ENTITY, reply.text("TicketId") or "")
    assert got.texts("ReferenceArray")[1] == LONG_PREFIX + "77"
