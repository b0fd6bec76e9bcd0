"""The payer's journey in a real (headless Chromium) browser against the live gateway (gunicorn +
the jobs loop, mailing a real SMTP server in this process):

a merchant creates the payment over SOAP (zeep, v3 B) with its URLResponse and URLRedirect on a
real local HTTP receiver -> the payer opens eCollectUrl and pays:
- PSE, approved at the sandbox bank (desktop and phone);
- PSE rejected at the bank, then "Reintentar" and approved on the linked retry;
- a credit card (sandbox test card);
- a cash coupon, whose PDF (with its GS1-128 barcode) downloads;
then the receipt, the way back to URLRedirect, getTransactionInformation, the merchant's
callback at URLResponse and the confirmation mail. Each page passes the checks of
tests/e2e/browser.py (lang, one h1, labels, viewport, no traceback, no sideways scroll on the
phone); screenshots of every step go to test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests

from contract_tests.client import ContractClient, Reply
from contract_tests.mailbox import SmtpMailbox, body_text
from contract_tests.server import RunningGateway
from contract_tests.variants import Endpoint, parse_prefix
from tests.e2e.browser import Browser

pytestmark = pytest.mark.e2e

ENTITY, SERVICE = "10001", "1001"  # the demo seed: PSE, card and cash, open value
PREFIX = parse_prefix("app_express")
ENDPOINT = Endpoint(PREFIX, PREFIX.variant(3), PREFIX.name)
HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
BACK_PAGE = (
    f'<!doctype html><html lang="es"><head>{HEAD}<title>Comercio</title></head>'
    "<body><h1>De vuelta en el comercio</h1></body></html>"
)


@dataclass
class Merchant:
    """The merchant's side, over real HTTP: URLResponse records callbacks, URLRedirect greets
    the payer back (and records what the way back carried)."""

    base_url: str = ""
    callbacks: list[dict[str, str]] = field(default_factory=list)
    returns: list[dict[str, str]] = field(default_factory=list)

    def callback_for(self, ticket_id: str, state: str, timeout: float = 20) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for fields in list(self.callbacks):
                if fields.get("TicketId") == ticket_id and fields.get("TranState") == state:
                    return fields
            time.sleep(0.2)
        raise AssertionError(f"no {state} callback for ticket {ticket_id}: {self.callbacks}")


@pytest.fixture(scope="module")
def merchant() -> Iterator[Merchant]:
    seen = Merchant()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode()
            return {name: values[0] for name, values in parse_qs(body).items()}

        def _answer(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            form = self._form()
            if self.path.startswith("/respuesta"):
                seen.callbacks.append(form)
                self._answer(200, "OK")
            else:
                seen.returns.append(form)
                self._answer(200, BACK_PAGE)

        def do_GET(self) -> None:  # noqa: N802
            seen.returns.append({"path": self.path})
            self._answer(200, BACK_PAGE)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield seen
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def soap(mail_gateway: RunningGateway) -> ContractClient:
    return ContractClient(ENDPOINT, mail_gateway.base_url)


@dataclass(frozen=True)
class Payment:
    ticket_id: str
    url: str
    email: str
    value: Decimal


@pytest.fixture
def create(soap: ContractClient, merchant: Merchant) -> Callable[[Decimal], Payment]:
    def make(value: Decimal) -> Payment:
        email = f"pagador-{uuid.uuid4().hex[:8]}@example.co"
        reply = soap.create(
            {
                "EntityCode": ENTITY,
                "SrvCode": SERVICE,
                "TransValue": value,
                "TransVatValue": Decimal(0),
                "SrvCurrency": "COP",
                "URLResponse": f"{merchant.base_url}/respuesta",
                "URLRedirect": f"{merchant.base_url}/volver",
                "ReferenceArray": ["1032456789", f"PED-{uuid.uuid4().hex[:6]}", email],
            }
        )
        assert reply.text("ReturnCode") == "SUCCESS", reply.describe()
        return Payment(reply.text("TicketId") or "", reply.text("eCollectUrl") or "", email, value)

    return make


def information(soap: ContractClient, ticket_id: str) -> Reply:
    reply = soap.get(ENTITY, ticket_id)
    assert reply.text("ReturnCode") == "SUCCESS", reply.describe()
    return reply


def pay_by_pse(browser: Browser, payment: Payment, answer: str) -> Browser:
    browser.open(payment.url)
    assert browser.h1 == "Elija cómo pagar"
    assert f"{payment.value:,.0f}".replace(",", ".") in browser.text  # "125.000"
    browser.screenshot("formulario")
    browser.choose("method", "0").fill("Banco", "BANCOLOMBIA")
    browser.screenshot("pse-banco")
    browser.submit("Pagar")
    assert "banco de pruebas" in browser.text.lower()
    browser.screenshot("banco")
    browser.submit(answer)
    return browser


def assert_receipt(browser: Browser, payment: Payment, state_text: str) -> None:
    assert browser.h1 == "Resultado del pago"
    text = browser.text
    assert state_text in text
    assert payment.ticket_id in text


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pse_approved_receipt_callback_mail_and_way_back(
    viewport: str,
    browsers: Callable[[str], Browser],
    create: Callable[[Decimal], Payment],
    soap: ContractClient,
    merchant: Merchant,
    mailbox: SmtpMailbox,
) -> None:
    payment = create(Decimal("125000.00"))
    browser = pay_by_pse(browsers(viewport), payment, "Aprobar")
    assert_receipt(browser, payment, "Pago aprobado")
    browser.screenshot("comprobante")

    info = information(soap, payment.ticket_id)
    assert info.text("TranState") == "OK"
    trazability = info.text("TrazabilityCode") or ""
    assert trazability and trazability in browser.text
    callback = merchant.callback_for(payment.ticket_id, "OK")
    assert callback["TrazabilityCode"] == trazability
    assert Decimal(callback["TransValue"]) == payment.value

    mail = mailbox.wait_for(payment.email, payment.ticket_id)
    text = body_text(mail)
    assert "Pago aprobado" in text and trazability in text and "125.000 COP" in text
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and payment.ticket_id in html.get_content()
    assert len(mailbox.to(payment.email)) == 1  # once, though the jobs loop runs on

    browser.follow("Volver al comercio")
    assert browser.h1 == "De vuelta en el comercio"
    browser.screenshot("comercio")


def retries_of(reply: Reply) -> list[tuple[str, str]]:
    """RetriesTicketId of a getTransactionInformation answer: (TicketId, TranState)."""
    assert reply.result is not None
    found = reply.result.findall(f"{{{reply.tns}}}RetriesTicketId")
    return [
        (
            r.findtext(f"{{{reply.tns}}}TicketId") or "",
            r.findtext(f"{{{reply.tns}}}TranState") or "",
        )
        for r in found
    ]


def test_pse_rejected_then_reintentar_is_approved_on_the_linked_retry(
    browsers: Callable[[str], Browser],
    create: Callable[[Decimal], Payment],
    soap: ContractClient,
    merchant: Merchant,
    mailbox: SmtpMailbox,
) -> None:
    payment = create(Decimal("78000.00"))
    browser = pay_by_pse(browsers("phone"), payment, "Rechazar")
    assert_receipt(browser, payment, "Pago rechazado")
    browser.screenshot("rechazado")
    browser.submit("Reintentar")
    assert browser.h1 == "Elija cómo pagar"
    assert "78.000" in browser.text
    browser.screenshot("reintento")
    ((retry, state),) = retries_of(information(soap, payment.ticket_id))
    assert state == "CREATED" and retry != payment.ticket_id
    browser.choose("method", "0").fill("Banco", "BANCOLOMBIA").submit("Pagar")
    assert "banco de pruebas" in browser.text.lower(), browser.text
    browser.submit("Aprobar")
    assert browser.h1 == "Resultado del pago" and "Pago aprobado" in browser.text
    assert retry in browser.text
    browser.screenshot("reintento-aprobado")
    assert retries_of(information(soap, payment.ticket_id)) == [(retry, "OK")]
    assert information(soap, retry).text("TranState") == "OK"
    merchant.callback_for(payment.ticket_id, "NOT_AUTHORIZED")
    merchant.callback_for(retry, "OK")
    # The retry carries the payer's address: one receipt, the approved one's.
    assert "Pago aprobado" in body_text(mailbox.wait_for(payment.email, retry))
    assert len(mailbox.to(payment.email)) == 1


def test_card_payment_is_approved(
    browsers: Callable[[str], Browser],
    create: Callable[[Decimal], Payment],
    soap: ContractClient,
    merchant: Merchant,
) -> None:
    payment = create(Decimal("45900.50"))
    browser = browsers("desktop").open(payment.url)
    browser.choose("method", "1")
    browser.fill("Número", "4111111111111111").fill("Vence (MM/AAAA)", "12/2030")
    browser.fill("Código de seguridad", "123")
    browser.screenshot("tarjeta")
    browser.submit("Pagar")
    assert_receipt(browser, payment, "Pago aprobado")
    browser.screenshot("comprobante")
    assert information(soap, payment.ticket_id).text("TranState") == "OK"
    merchant.callback_for(payment.ticket_id, "OK")


def test_cash_coupon_downloads_its_pdf(
    browsers: Callable[[str], Browser],
    create: Callable[[Decimal], Payment],
    soap: ContractClient,
) -> None:
    payment = create(Decimal("30000.00"))
    browser = browsers("phone").open(payment.url)
    browser.choose("method", "100").submit("Pagar")
    assert browser.h1 == "Cupón de pago"
    browser.screenshot("cupon")
    pdf_url = browser.links()["Descargar el cupón con código de barras (PDF)"]
    answer = requests.get(pdf_url, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert information(soap, payment.ticket_id).text("TranState") == "CAPTURED"


FOREIGN_SERVICE = """\
version: 1
entities:
  - code: '10001'
    name: Comercio Demo
    nit: 900123456-8
    services:
      - code: '1077'
        description: Curso internacional (USD, se paga en pesos)
        active: true
        value: '120.50'
        currency: USD
        pay_currency: COP
        currency_rate: '3950.123456'
        rate_label: TRM del día
        converted_label: Valor a pagar en pesos
        accepts_pse: true
        accepts_credit_card: true
        issues_pins: true
        confirmation_emails: ventas@comercio.example.co
        comment_after: Preséntese con su PIN el día del curso.
        references:
          - title: Número de identificación
            type: CUSTOMER_ID
            required: true
          - title: Correo electrónico
            type: EMAIL
"""


def test_a_foreign_currency_service_with_pins_set_up_by_the_operators_commands(
    mail_gateway: RunningGateway,
    browsers: Callable[[str], Browser],
    soap: ContractClient,
    mailbox: SmtpMailbox,
    tmp_path,
) -> None:
    """`config import` and `pines load` against the running gateway's database, as an operator
    would; then the form shows the converted value at the configured rate, the receipt and the
    mail carry the PIN, and getTransactionInformation reports the same currency and rate."""
    config, pins = tmp_path / "servicio.yaml", tmp_path / "pines.txt"
    config.write_text(FOREIGN_SERVICE, encoding="utf-8")
    pins.write_text("CURSO-0001\nCURSO-0002\n", encoding="utf-8")
    for command in (
        ["config", "import", str(config)],
        ["pines", "load", "--entity", ENTITY, "--service", "1077", str(pins)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", *command],
            env=mail_gateway.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    email = f"pagador-{uuid.uuid4().hex[:8]}@example.co"
    reply = soap.create(
        {
            "EntityCode": ENTITY,
            "SrvCode": "1077",
            "TransValue": Decimal("120.50"),
            "TransVatValue": Decimal(0),
            "SrvCurrency": "USD",
            "ReferenceArray": ["1032456789", email],
        }
    )
    assert reply.text("ReturnCode") == "SUCCESS", reply.describe()
    ticket, url = reply.text("TicketId") or "", reply.text("eCollectUrl") or ""

    browser = browsers("phone").open(url)
    text = browser.text
    assert "120,50 USD" in text and "TRM del día" in text and "3.950,123456" in text
    assert "Valor a pagar en pesos" in text and "475.989,88 COP" in text  # 120.50 x rate
    browser.screenshot("formulario-usd")
    browser.choose("method", "1")
    browser.fill("Número", "4111111111111111").fill("Vence (MM/AAAA)", "12/2030")
    browser.fill("Código de seguridad", "123").submit("Pagar")
    assert browser.h1 == "Resultado del pago"
    assert "Número de PIN" in browser.text and "CURSO-0001" in browser.text
    assert "475.989,88 COP" in browser.text and "Preséntese con su PIN" in browser.text
    browser.screenshot("comprobante-pin")

    info = information(soap, ticket)
    assert (info.text("TranState"), info.text("PayCurrency")) == ("OK", "COP")
    assert Decimal(info.text("CurrencyRate") or "0") == Decimal("3950.123456")
    assert Decimal(info.text("TransValue") or "0") == Decimal("120.50")
    mail = body_text(mailbox.wait_for(email, ticket))
    assert "CURSO-0001" in mail and "475.989,88 COP" in mail
    copy = body_text(mailbox.wait_for("ventas@comercio.example.co", ticket))
    assert "CURSO-0001" in copy and email not in mailbox.wait_for(
        "ventas@comercio.example.co", ticket
    ).get("To", "")
