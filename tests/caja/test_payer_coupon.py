"""The payer's cash coupon collected at a bank teller, end to end on SQLite and PostgreSQL: the
merchant creates a payment, the payer chooses the cash coupon on the payment page (CAPTURED,
a PDF with a GS1-128 barcode), the teller finds it by the coupon number or by the scanned
barcode (consultarReferencia), takes the money (notificarPago) and the merchant sees its own
payment approved with the bank's authorization number, and is called back; a reversal makes it
NOT_AUTHORIZED; a coupon past its day is refused and expires."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import insert, select, update
from werkzeug.test import Client

from gateway.caja.codes import CajaCode, CajaRefusal
from gateway.caja.commands import ChequeIn, ConsultarCartera, ConsultarReferencia
from gateway.caja.jobs import canje_lapsed_due
from gateway.connectors.sandbox import coupon_number
from gateway.domain.cartera_file import COLUMNS
from gateway.domain.gs1 import parse
from gateway.domain.transactions import TranState
from gateway.jobs.expiry import expire_due
from gateway.store.caja_tables import AgreementRow, InvoiceHistoryRow, InvoiceRow, PaymentRow
from gateway.store.mail_tables import MailRow
from gateway.store.models import CallbackRow, TransactionRow
from gateway.usecases.cartera import Cartera
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app
from tests.caja.support import (
    BANK,
    CALLBACK_URL,
    CALLER,
    ENTITY,
    GLN,
    SERVICE,
    TODAY,
    add_invoice,
    cabecera,
    count,
    invoice_row,
    invoice_values,
    pago,
    refused,
    reverso,
)
from tests.coupon_scan import require_tools, scan

VALUE = Decimal("150000")
PAYER_ID = "1032456789"


@dataclass(frozen=True)
class Coupon:
    ticket: str
    number: str
    #: The payer's page (services.aspx?WsPm=...) and the PDF's link.
    page: str
    pdf: str


@pytest.fixture
def browser(container) -> Client:
    return Client(create_app(container=container))


def new_payment(container, references=(PAYER_ID, "ORD-1"), srv_code=SERVICE) -> tuple[str, str]:
    """(TicketId, the payer's page) of a new payment of 150 000."""
    created = container.payments.create_transaction(
        CreatePayment(
            entity_code=ENTITY, srv_code=srv_code, trans_value=VALUE, references=references
        )
    )
    url = urlsplit(created.ecollect_url)
    return created.ticket_id, f"{url.path}?{url.query}"


def choose_cash(container, browser: Client, ticket: str, page: str) -> Coupon:
    """The payer chooses the cash coupon on its page."""
    assert browser.post(page, data={"method": "100"}).status_code in (200, 303)
    got = container.payments.get_transaction_information(ENTITY, ticket)
    assert got.tran_state == "CAPTURED" and got.invoice
    return Coupon(ticket, got.invoice, page, page.replace("services.aspx", "cupon.pdf"))


def cash_coupon(container, browser: Client) -> Coupon:
    """A payment of service 1001 (bank 007's agreement CONV-1001, with a GLN) the payer chose
    to pay with a cash coupon."""
    return choose_cash(container, browser, *new_payment(container))


def consultar(caja, reference1: str | None = None, barcode: str | None = None):
    return caja.consultar_referencia(
        CALLER,
        ConsultarReferencia(cabecera(), (reference1, None, None, None), "B", codigo_barras=barcode),
    )


def info(container, ticket: str):
    return container.payments.get_transaction_information(ENTITY, ticket)


def callbacks(uow_factory, ticket: str) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(CallbackRow.state)
                .where(CallbackRow.ticket_id == int(ticket))
                .order_by(CallbackRow.id)
            )
        )


def test_a_coupon_paid_at_a_teller_mails_the_payer_its_receipt(
    caja, container, browser, uow_factory
):
    ticket, page = new_payment(container, references=(PAYER_ID, "ORD-1", "pagador@correo.test"))
    coupon = choose_cash(container, browser, ticket, page)
    caja.notificar_pago(CALLER, pago(coupon.number, "150000", authorization="AUT4242"))
    with uow_factory() as uow:
        mails = uow.session.execute(select(MailRow.to, MailRow.text_body)).all()
    assert [to for to, _ in mails] == [["pagador@correo.test"]]
    assert "Pago aprobado" in mails[0].text_body and "AUT4242" in mails[0].text_body


def test_the_payers_coupon_is_found_scanned_paid_and_the_merchant_sees_it_approved(
    caja, container, browser, uow_factory, tmp_path
):
    coupon = cash_coupon(container, browser)
    # The coupon's invoice: the coupon number, the payment's value and last day, its payer.
    stored = invoice_row(uow_factory, coupon.number)
    assert (stored.ticket_id, stored.value_1, stored.due_date_1, stored.state) == (
        int(coupon.ticket),
        VALUE,
        TODAY,  # service 1001: coupons are payable the day they are issued
        "PENDIENTE",
    )
    assert (stored.id_type, stored.id_number, stored.partial_allowed) == ("CC", PAYER_ID, False)
    with uow_factory() as uow:
        (history,) = uow.session.scalars(
            select(InvoiceHistoryRow.source).where(InvoiceHistoryRow.invoice_id == stored.id)
        )
    assert history == "payer_coupon"

    found = consultar(caja, coupon.number)
    assert (found.referencia1, found.valor_total, found.fecha_vencimiento, found.estado) == (
        coupon.number,
        VALUE,
        TODAY,
        "PENDIENTE",
    )
    # The teller's scanner reads the PDF the payer printed.
    pdf = browser.get(coupon.pdf)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    require_tools()
    (scanned,), _ = scan(pdf.data, tmp_path)
    assert (parse(scanned).gln, parse(scanned).reference) == (GLN, coupon.number)
    by_barcode = consultar(caja, barcode=scanned)
    assert (by_barcode.referencia1, by_barcode.valor_total, by_barcode.fecha_vencimiento) == (
        coupon.number,
        VALUE,
        TODAY,
    )
    # A customer's portfolio lists it too (the payer's id is the service's CUSTOMER_ID).
    cartera = caja.consultar_cartera(CALLER, ConsultarCartera(cabecera(), "CC", PAYER_ID, None))
    assert [f.referencia1 for f in cartera.facturas] == [coupon.number]

    answer = caja.notificar_pago(CALLER, pago(coupon.number, "150000", authorization="AUT4242"))
    # The merchant's own payment, not a new one: approved, with the bank's authorization.
    assert answer.numero_autorizacion_empresa == coupon.ticket
    got = info(container, coupon.ticket)
    assert (got.tran_state, got.trazability_code, got.payment_system) == ("OK", "AUT4242", "100")
    assert (got.fi_code, got.bank_name, got.invoice) == (BANK, "Bancolombia", coupon.number)
    assert got.references[:2] == (PAYER_ID, "ORD-1")
    assert callbacks(uow_factory, coupon.ticket) == ["OK"]
    with uow_factory() as uow:
        channel = uow.session.scalar(
            select(TransactionRow.channel).where(TransactionRow.ticket_id == int(coupon.ticket))
        )
        url = uow.session.scalar(
            select(CallbackRow.url).where(CallbackRow.ticket_id == int(coupon.ticket))
        )
    assert (channel, url) == ("webservice", CALLBACK_URL)
    assert count(uow_factory, TransactionRow) == 1  # no caja transaction beside it
    assert count(uow_factory, PaymentRow, PaymentRow.ticket_id == int(coupon.ticket)) == 1
    assert invoice_row(uow_factory, coupon.number).state == "PAGADA"
    assert refused(consultar, caja, coupon.number) is CajaCode.FACTURA_PAGADA
    assert (
        refused(caja.notificar_pago, CALLER, pago(coupon.number, "150000"))
        is CajaCode.FACTURA_PAGADA
    )
    # The payer's page says it is paid.
    assert "Pago aprobado" in browser.get(coupon.page).text


def test_a_reversal_makes_the_coupon_payment_not_authorized_and_the_coupon_owes_again(
    caja, container, browser, uow_factory
):
    coupon = cash_coupon(container, browser)
    original = pago(coupon.number, "150000")
    caja.notificar_pago(CALLER, original)
    caja.reversar_pago(CALLER, reverso(original.cabecera.id_transaccion, coupon.number))
    got = info(container, coupon.ticket)
    assert got.tran_state == "NOT_AUTHORIZED"
    assert callbacks(uow_factory, coupon.ticket) == ["OK", "NOT_AUTHORIZED"]
    assert invoice_row(uow_factory, coupon.number).state == "PENDIENTE"
    # The coupon's payment is final: paid again the same day, it is a caja payment of its own.
    again = caja.notificar_pago(CALLER, pago(coupon.number, "150000", authorization="AUT2"))
    assert again.numero_autorizacion_empresa != coupon.ticket
    new = info(container, again.numero_autorizacion_empresa)
    assert (new.tran_state, new.trazability_code, new.references[0]) == (
        "OK",
        "AUT2",
        coupon.number,
    )
    assert info(container, coupon.ticket).tran_state == "NOT_AUTHORIZED"


def test_a_coupon_past_its_day_is_refused_and_expires(caja, container, browser, clock, uow_factory):
    coupon = cash_coupon(container, browser)
    clock.advance(days=1)  # Tuesday: the coupon was payable on Monday
    assert refused(consultar, caja, coupon.number) is CajaCode.FACTURA_VENCIDA
    assert (
        refused(caja.notificar_pago, CALLER, pago(coupon.number, "150000"))
        is CajaCode.FACTURA_VENCIDA
    )
    assert expire_due(uow_factory, clock) == 1  # the expiry job still ends an unpaid coupon
    assert info(container, coupon.ticket).tran_state == "EXPIRED"
    assert callbacks(uow_factory, coupon.ticket) == ["EXPIRED"]
    assert refused(consultar, caja, coupon.number) is CajaCode.FACTURA_VENCIDA
    assert count(uow_factory, PaymentRow) == 0


def test_an_expired_coupon_payment_is_refused_even_on_its_own_day(
    caja, container, browser, uow_factory
):
    """The payment lapsed (an operator's clock, a job run early): the coupon stops with it."""
    coupon = cash_coupon(container, browser)
    with uow_factory() as uow:
        transaction = uow.transactions.get(int(coupon.ticket), for_update=True)
        assert transaction is not None
        transaction.expires_at = transaction.created_at
        assert transaction.lapse(transaction.created_at + timedelta(seconds=1), source="test")
        uow.transactions.save(transaction)
        uow.commit()
    assert refused(consultar, caja, coupon.number) is CajaCode.FACTURA_VENCIDA
    assert (
        refused(caja.notificar_pago, CALLER, pago(coupon.number, "150000"))
        is CajaCode.FACTURA_VENCIDA
    )


def test_a_coupon_paid_with_another_banks_cheque_waits_for_the_canje_not_for_the_expiry(
    caja, container, browser, clock, uow_factory, settings
):
    coupon = cash_coupon(container, browser)
    cheque = ChequeIn(banco="051", numero="CH-9", valor=VALUE, tipo_canje="O")
    answer = caja.notificar_pago(
        CALLER, pago(coupon.number, "150000", forma="C", cheques=(cheque,))
    )
    assert (answer.estado_pago, answer.numero_autorizacion_empresa) == (
        "PENDIENTE_CANJE",
        coupon.ticket,
    )
    assert info(container, coupon.ticket).tran_state == "PENDING"
    clock.advance(days=settings.caja_canje_days + 5)  # past the bank-answer hours as well
    assert expire_due(uow_factory, clock) == 0  # a teller payment: not the expiry job's
    assert canje_lapsed_due(uow_factory, clock, settings) == 1
    assert info(container, coupon.ticket).tran_state == "NOT_AUTHORIZED"
    assert callbacks(uow_factory, coupon.ticket) == ["PENDING", "NOT_AUTHORIZED"]


def test_a_coupon_the_payment_says_is_paid_is_not_collected_again(
    caja, container, browser, uow_factory
):
    """The sandbox (or any connector) approved the coupon elsewhere than at this teller."""
    coupon = cash_coupon(container, browser)
    assert container.sandbox is not None
    container.sandbox.force_outcome(int(coupon.ticket), TranState.OK)
    assert invoice_row(uow_factory, coupon.number).state == "PENDIENTE"
    assert refused(consultar, caja, coupon.number) is CajaCode.FACTURA_PAGADA
    # Nor is it in the payer's portfolio any more.
    portfolio = ConsultarCartera(cabecera(), "CC", PAYER_ID, None)
    try:
        listed = [f.referencia1 for f in caja.consultar_cartera(CALLER, portfolio).facturas]
    except CajaRefusal as refusal:
        assert refusal.code is CajaCode.CLIENTE_SIN_FACTURAS
        listed = []
    assert coupon.number not in listed
    assert (
        refused(caja.notificar_pago, CALLER, pago(coupon.number, "150000"))
        is CajaCode.FACTURA_PAGADA
    )


def test_no_invoice_without_a_coupon_agreement(caja, container, browser, uow_factory):
    with uow_factory() as uow:  # bank 007's agreement loses its GLN: coupons carry no barcode
        uow.session.execute(update(AgreementRow).values(gln=None))
        uow.commit()
    coupon = cash_coupon(container, browser)
    assert count(uow_factory, InvoiceRow) == 0
    assert refused(consultar, caja, coupon.number) is CajaCode.REFERENCIA_NO_EXISTE


def test_a_coupon_number_taken_by_a_portfolio_invoice_is_not_registered(
    caja, container, browser, uow_factory
):
    ticket, page = new_payment(container)
    taken = coupon_number(int(ticket))  # what the sandbox's cash connector will answer
    add_invoice(uow_factory, taken, value="99000")
    coupon = choose_cash(container, browser, ticket, page)  # the payer's choice stands
    assert coupon.number == taken
    stored = invoice_row(uow_factory, taken)
    assert (stored.ticket_id, stored.value_1) == (None, Decimal("99000"))
    assert count(uow_factory, InvoiceRow) == 1


@pytest.mark.postgres
def test_a_portfolio_invoice_committed_meanwhile_keeps_its_number_and_the_choice_stands(
    caja, container, browser, uow_factory, database_url
):
    """The portfolio load inserts the coupon's number after the choice looked it up: the
    choice's insert waits for it, loses the unique constraint, and the payer still gets the
    coupon (not registered at the tellers, as when the number was taken before)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serializes writers: the race is PostgreSQL's")
    ticket, page = new_payment(container)
    taken = coupon_number(int(ticket))
    inserted = threading.Event()

    def portfolio_load() -> None:
        with uow_factory() as uow:
            uow.session.execute(insert(InvoiceRow).values(**invoice_values(taken, value="99000")))
            inserted.set()
            time.sleep(1.0)  # the payer's choice reaches the same number meanwhile
            uow.commit()

    loader = threading.Thread(target=portfolio_load)
    loader.start()
    assert inserted.wait(10)
    coupon = choose_cash(container, browser, ticket, page)
    loader.join()
    assert coupon.number == taken
    stored = invoice_row(uow_factory, taken)
    assert (stored.ticket_id, stored.value_1) == (None, Decimal("99000"))


def test_a_portfolio_file_does_not_change_a_coupon(caja, container, browser, uow_factory):
    coupon = cash_coupon(container, browser)
    values = {"entity_code": ENTITY, "srv_code": SERVICE, "referencia1": coupon.number,
              "tipo_identificacion": "CC", "numero_identificacion": "1", "nombre": "Otro",
              "fecha_vencimiento_1": "2026-12-31", "valor_1": "1"}  # fmt: skip
    data = ",".join(COLUMNS) + "\n" + ",".join(values.get(name, "") for name in COLUMNS) + "\n"
    report = Cartera(uow_factory).load_file(data.encode(), name="cartera.csv")
    assert (report.inserted, report.updated, len(report.skipped)) == (0, 0, 1)
    assert f"es el cupón del pago {coupon.ticket}" in str(report.skipped[0])
    stored = invoice_row(uow_factory, coupon.number)
    assert (stored.value_1, stored.due_date_1) == (VALUE, TODAY)
