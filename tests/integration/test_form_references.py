"""The payer fills the references the merchant left empty, through the page: typed fields with
their prefix and help, lists (a price list that sets the value, a related list, a conditional
reference), Spanish errors that keep what was typed, and what is stored (the references that
getTransactionInformation answers, the money, a history line), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.domain.receipts import visible_references
from gateway.seed import DEMO_SERVICES
from gateway.store.models import StateHistoryRow, TransactionRow
from gateway.store.transactions import ConcurrentUpdate
from gateway.usecases.commands import CreatePayment
from gateway.usecases.configuration import Configurations
from tests.form_lists import RULES
from tests.integration.test_pages import browser, new_payment  # noqa: F401
from tests.integration.test_payment_form import dd

CASH = {"method": "100"}


def put(container, **changes) -> None:
    service = dataclasses.replace(
        DEMO_SERVICES[0],
        code="3001",
        vat_percentage=Decimal("19"),
        accepts_double_payment=False,
        references=RULES,
        **changes,
    )
    with container.uow() as uow:
        uow.catalog.put_service(service)
        uow.commit()


def good(**changes) -> dict[str, str]:
    form = {"ref1": "12345678", "ref2": "POS", "ref3": "05", "ref4": "088", "ref5": "P", **CASH}
    form.update(changes)
    return form


def info(container, ticket):
    return container.payments.get_transaction_information("10001", ticket)


def test_the_form_shows_fields_with_labels_prefix_help_and_lists(browser, container):  # noqa: F811
    put(container)
    _ticket, path = new_payment(
        container, srv_code="3001", references=("1032456789",), trans_value=Decimal("1000")
    )
    page = browser.get(path).text
    assert '<dd class="reference" id="ref0">1032456789</dd>' in page  # sent: read-only
    assert 'name="ref0"' not in page and 'name="ref7"' not in page and "0042" not in page
    assert '<label for="ref1">Expediente (obligatorio)</label>' in page
    assert '<span class="prefix" id="ref1-prefix">DOP-2014-FG-</span>' in page
    field = re.search(r'<input type="text" id="ref1"[^>]*>', page).group(0)
    for attribute in ('maxlength="8"', "required", 'aria-describedby="ref1-prefix ref1-help"'):
        assert attribute in field, field
    assert '<p class="help" id="ref1-help">Los 8 dígitos de su expediente</p>' in page
    assert '<select id="ref2" name="ref2" required aria-describedby="ref2-help">' in page
    assert '<option value="">Seleccione el programa</option>' in page
    assert '<option value="POS">Posgrado — 900.000,50</option>' in page
    assert '<optgroup label="Antioquia"><option value="001">Medellín</option>' in page
    nit = re.search(r'<input type="text" id="ref6"[^>]*>', page).group(0)
    assert 'inputmode="numeric"' in nit and "required" not in nit  # it may not apply
    assert 'id="ref6-condition">Solo si «Tipo de cliente» es «Empresa»</p>' in page
    # The merchant's 1000 is not what the payer will pay: the price chosen is.
    assert 'id="amount-total"' not in page
    assert "El valor a pagar es el de la opción que elija en «Programa»." in page
    # Every field the payer fills has its label.
    for key in re.findall(r'<(?:input|select) [^>]*id="(ref\d+)"', page):
        assert f'<label for="{key}">' in page, key


def test_a_wrong_entry_comes_back_in_spanish_with_what_was_typed(browser, container):  # noqa: F811
    put(container)
    ticket, path = new_payment(
        container, srv_code="3001", references=("1032456789",), trans_value=Decimal("1000")
    )
    answer = browser.post(path, data=good(ref1="1234", ref3="11"))
    assert answer.status_code == 400
    assert "«Expediente» debe tener exactamente 8 caracteres." in answer.text
    assert 'value="1234"' in answer.text  # kept, and the method chosen with it
    assert 'value="100" checked>' in answer.text and 'value="0" checked>' not in answer.text
    assert "Traceback" not in answer.text
    answer = browser.post(path, data=good(ref3="11"))  # Bello is not in Bogotá
    assert "«Municipio» no corresponde a la opción elegida en «Departamento»" in answer.text
    assert '<option value="POS" selected>' in answer.text
    answer = browser.post(path, data=good(ref5="E"))
    assert "Diligencie «NIT»: es obligatorio." in answer.text
    got = info(container, ticket)
    assert got.tran_state == "CREATED" and tuple(got.references[:2]) == ("1032456789", "")
    assert got.trans_value == Decimal("1000")  # nothing of a refused form is kept


def test_filled_references_and_the_price_are_stored_and_reported(browser, container):  # noqa: F811
    put(container)
    ticket, path = new_payment(
        container, srv_code="3001", references=("1032456789",), trans_value=Decimal("1000")
    )
    before = info(container, ticket)
    answer = browser.post(path, data=good(ref0="999", ref7="1", ref5="E", ref6="900123456"))
    assert answer.status_code == 303
    got = info(container, ticket)
    assert got.tran_state == "CAPTURED"  # the cash coupon
    assert list(got.references) == [
        "1032456789",  # sent: a posted field for it changes nothing
        "DOP-2014-FG-12345678",
        "POS",
        "05",
        "088",
        "E",
        "900123456",
        "0042",
    ]
    assert (got.trans_value, got.trans_vat_value) == (Decimal("900000.50"), Decimal("171000.10"))
    assert before.trans_value == Decimal("1000")
    with container.uow() as uow:
        db = uow.session
        row = db.execute(
            select(TransactionRow.double_payment_key, TransactionRow.payer_key).where(
                TransactionRow.ticket_id == int(ticket)
            )
        ).one()
        lines = db.execute(
            select(StateHistoryRow.from_state, StateHistoryRow.to_state, StateHistoryRow.detail)
            .where(StateHistoryRow.ticket_id == int(ticket))
            .order_by(StateHistoryRow.id)
        ).all()
    assert tuple(row) == ("1032456789", "1032456789")  # the keys are the merchant's
    assert ("CREATED", "CREATED") == tuple(lines[1][:2])
    assert lines[1][2] == (
        "payer filled references 2, 3, 4, 5, 6, 7; value 1000.00 COP -> 900000.50 COP "
        "(VAT 171000.10, paid in COP at 1.000000)"  # the amounts as stored
    )
    coupon = browser.get(path).text
    assert "900.000,50" in coupon
    # The receipt reads the items' texts, not their codes (Bello is "088" under Antioquia).
    with container.uow() as uow:
        service = uow.catalog.service("10001", "3001")
    assert visible_references(service, tuple(got.references))[2:5] == (
        ("Programa", "Posgrado"),
        ("Departamento", "Antioquia"),
        ("Municipio", "Bello"),
    )


def test_a_price_item_the_merchant_sends_is_the_value(browser, container):  # noqa: F811
    put(container)
    ticket, path = new_payment(container, srv_code="3001", references=("1032456789", "", "PRE"))
    assert info(container, ticket).trans_value == Decimal("350000.00")
    page = browser.get(path).text
    assert '<dd class="reference" id="ref2">Pregrado<small class="help">' in page  # its text
    assert dd(page, "amount-total") == "350.000 COP" and 'id="value-note"' not in page
    refused = container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="3001",
            references=("1032456789", "", "PRE"),
            trans_value=Decimal("1000"),
        )
    )
    assert refused.return_code == "FAIL_INVALIDTRANSVALUE"


def test_process_transaction_still_needs_every_required_reference(container):
    put(container)
    answer = container.payments.process_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="3001",
            references=("1032456789",),
            trans_value=Decimal("1000"),
            payment_system="100",
        )
    )
    assert answer.return_code == "FAIL_INVALIDREFERENCE1"


def test_lists_prefix_and_help_round_trip_through_the_store(container):
    put(container)
    configurations = Configurations(container.uow)
    exported = configurations.export("10001")
    service = next(s for s in exported.entities[0].services if s.code == "3001")
    assert service.references == RULES
    report = configurations.apply(exported)
    assert not report.changed  # the JSON of the lists compares equal: nothing rewritten


def test_trailing_references_never_sent_are_added(browser, container):  # noqa: F811
    # The demo service: "Número de pedido" and "Correo electrónico", both the payer's to fill.
    ticket, path = new_payment(
        container, srv_code="1001", references=("1032456789",), trans_value=Decimal("1000")
    )
    page = browser.get(path).text
    assert '<input type="email" id="ref2" name="ref2" value="" maxlength="100"' in page
    answer = browser.post(path, data={"ref1": "PED-9", "ref2": "ana@cliente.co", **CASH})
    assert answer.status_code == 303
    assert list(info(container, ticket).references) == ["1032456789", "PED-9", "ana@cliente.co"]


def test_the_store_never_overwrites_a_sent_reference(container):
    ticket, _path = new_payment(container, srv_code="1001", trans_value=Decimal("1000"))
    with container.uow() as uow:
        transaction = uow.transactions.get(int(ticket), for_update=True)
        transaction.references = ("someone else", "ORD-1")
        with pytest.raises(ConcurrentUpdate):
            uow.transactions.write_filled_references(transaction, (0,))
    assert info(container, ticket).references[0] == "1032456789"
