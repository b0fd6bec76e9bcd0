"""The payer's side: eCollectUrl → choose a method → the sandbox bank → the result, as a
browser would drive it (forms and redirects through the real WSGI app)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from gateway.domain.references import ReferenceType
from gateway.seed import DEMO_SERVICES
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app


@pytest.fixture
def browser(container) -> Client:
    return Client(create_app(container=container))


def new_payment(container, srv_code="1002", **fields) -> tuple[str, str]:
    """(TicketId, path of its eCollectUrl)."""
    values = dict(entity_code="10001", srv_code=srv_code, references=("1032456789", "ORD-1"))
    values.update(fields)
    result = container.payments.create_transaction(CreatePayment(**values))
    url = urlsplit(result.ecollect_url)
    return result.ticket_id, f"{url.path}?{url.query}"


def state_of(container, ticket: str) -> str:
    return container.payments.get_transaction_information("10001", ticket).tran_state


def test_the_page_offers_the_services_methods_and_the_pse_banks(browser, container):
    ticket, path = new_payment(container)
    page = browser.get(path)
    assert page.status_code == 200
    assert ticket in page.text and "50.000 COP" in page.text and "Comercio Demo" in page.text
    for text in ("PSE", "Tarjeta de crédito", "Cupón", "BANCO UNION COLOMBIANO", "BANCOLOMBIA"):
        assert text in page.text


def test_pse_goes_through_the_sandbox_bank_and_comes_back_approved(browser, container):
    ticket, path = new_payment(container, url_redirect="https://tienda.example.co/gracias")
    chosen = browser.post(path, data={"method": "0", "fi": "1007"})
    assert chosen.status_code == 303
    bank_url = urlsplit(chosen.headers["Location"])  # what the PSE connector answered
    assert bank_url.path.startswith("/sandbox/pse/")
    bank_path = f"{bank_url.path}?{bank_url.query}"
    assert state_of(container, ticket) == "BANK"
    bank = browser.get(bank_path)
    assert bank.status_code == 200 and "BANCOLOMBIA" in bank.text and "Aprobar" in bank.text
    back = browser.post(bank_path, data={"TranState": "OK"})
    assert back.status_code == 303 and back.headers["Location"] == path
    result = browser.get(path)
    assert "Pago aprobado" in result.text and "https://tienda.example.co/gracias" in result.text
    got = container.payments.get_transaction_information("10001", ticket)
    assert (got.tran_state, got.payment_system, got.bank_name) == ("OK", "0", "BANCOLOMBIA")
    assert got.trazability_code in result.text
    assert browser.post(bank_path, data={"TranState": "FAILED"}).status_code == 409


def test_an_approved_card_ends_on_the_result_page(browser, container):
    ticket, path = new_payment(container)
    card = {"method": "1", "card_number": "4111111111111111", "card_expiry": "12/2030",
            "card_cvv": "123", "installments": "3"}  # fmt: skip
    assert browser.post(path, data=card).status_code == 303
    assert "Pago aprobado" in browser.get(path).text
    got = container.payments.get_transaction_information("10001", ticket)
    assert (got.tran_state, got.bank_name) == ("OK", "VISA")
    assert got.auth_references == ("************1111", "12/2030", "", "3")


def test_a_declined_card_says_so(browser, container):
    ticket, path = new_payment(container)
    card = {"method": "1", "card_number": "4000000000000002", "card_expiry": "12/2030",
            "card_cvv": "123"}  # fmt: skip
    browser.post(path, data=card)
    assert "rechazado" in browser.get(path).text
    assert state_of(container, ticket) == "NOT_AUTHORIZED"


def test_cash_gives_a_coupon(browser, container):
    ticket, path = new_payment(container)
    browser.post(path, data={"method": "100"})
    coupon = browser.get(path)
    assert "Cupón de pago" in coupon.text
    got = container.payments.get_transaction_information("10001", ticket)
    assert got.tran_state == "CAPTURED" and got.invoice in coupon.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"method": "0"}, "Seleccione su banco."),
        ({"method": "1", "card_number": "4111111111111112", "card_expiry": "12/2030",
          "card_cvv": "123"}, "Revise los datos de la tarjeta."),
        ({}, "Seleccione un medio de pago."),
        ({"method": "7"}, "Seleccione un medio de pago."),
    ],
)  # fmt: skip
def test_a_wrong_choice_is_explained_and_changes_nothing(browser, container, form, message):
    ticket, path = new_payment(container)
    answer = browser.post(path, data=form)
    assert answer.status_code == 400 and message in answer.text
    assert state_of(container, ticket) == "CREATED"


def test_only_the_methods_the_service_accepts_are_offered_or_taken(browser, container):
    pse_only = dataclasses.replace(
        DEMO_SERVICES[1], code="2002", accepts_credit_card=False, accepts_cash=False
    )
    with container.uow() as uow:
        uow.catalog.put_service(pse_only)
        uow.commit()
    ticket, path = new_payment(container, srv_code="2002")
    page = browser.get(path).text
    assert "PSE" in page and "Tarjeta" not in page and "Cupón" not in page
    assert browser.post(path, data={"method": "100"}).status_code == 400
    assert state_of(container, ticket) == "CREATED"


def test_an_expired_link_is_gone_and_an_unknown_one_not_found(browser, container, clock):
    _ticket, path = new_payment(container)
    clock.advance(minutes=61)
    assert browser.get(path).status_code == 410
    assert browser.post(path, data={"method": "100"}).status_code == 410
    assert browser.get("/app_express/secure/services.aspx?WsPm=deadbeef").status_code == 404
    assert browser.get("/sandbox/pse/deadbeef").status_code == 404


def test_what_the_merchant_sent_is_escaped_on_the_page(browser, container):
    text_reference = dataclasses.replace(DEMO_SERVICES[1].references[0], type=ReferenceType.TEXT)
    with container.uow() as uow:
        uow.catalog.put_service(
            dataclasses.replace(DEMO_SERVICES[1], code="2003", references=(text_reference,))
        )
        uow.commit()
    _ticket, path = new_payment(
        container, srv_code="2003", references=("<script>alert(1)</script>",)
    )
    page = browser.get(path).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    _ticket, path = new_payment(container, url_redirect="javascript:alert(1)")
    browser.post(path, data={"method": "100"})
    assert "javascript:" not in browser.get(path).text


def _without_coupon_agreements(container) -> None:
    """The sandbox demo's agreements (bank 007 on 1001 and 1002, with GLNs) disabled: no
    agreement a coupon may show."""
    from sqlalchemy import update

    from gateway.store.caja_tables import AgreementRow

    with container.uow() as uow:
        uow.session.execute(update(AgreementRow).values(enabled=False))
        uow.commit()


def _coupon_agreement(container, gln="7709998000018") -> None:
    """Bank 999 may collect the demo's service 1002 under an agreement with a GLN (the only
    enabled one)."""
    from gateway.store.caja_tables import AgreementRow, BankRow

    _without_coupon_agreements(container)
    with container.uow() as uow:
        uow.session.merge(BankRow(code="999", name="Banco de pruebas", enabled=True))
        uow.session.flush()
        uow.session.add(
            AgreementRow(
                bank_code="999", code="CUPON-1002", entity_code="10001", srv_code="1002", gln=gln
            )
        )
        uow.commit()


def test_a_cash_coupon_downloads_as_a_pdf_whose_barcode_a_teller_reads(browser, container):
    _coupon_agreement(container)
    ticket, path = new_payment(container)
    browser.post(path, data={"method": "100"})
    page = browser.get(path)
    assert 'id="coupon-pdf"' in page.text
    link = path.replace("services.aspx", "cupon.pdf")
    answer = browser.get(link)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.data.startswith(b"%PDF")
    got = container.payments.get_transaction_information("10001", ticket)
    coupon = container.checkout.coupon(urlsplit(link).query.split("=", 1)[1])
    (bill,) = coupon.barcodes()
    assert (bill.gln, bill.reference, bill.amount) == (
        "7709998000018",
        got.invoice,
        got.trans_value,
    )


def test_no_coupon_pdf_without_an_agreement_or_before_the_payer_chose_cash(browser, container):
    _without_coupon_agreements(container)
    _, path = new_payment(container)
    link = path.replace("services.aspx", "cupon.pdf")
    assert browser.get(link).status_code == 404  # not a cash payment (yet)
    browser.post(path, data={"method": "100"})
    assert 'id="coupon-pdf"' not in browser.get(path).text  # no agreement with a GLN
    answer = browser.get(link)
    assert answer.status_code == 404 and "Cupón no disponible" in answer.text
    assert browser.get(link.replace("WsPm=", "WsPm=x")).status_code == 404
