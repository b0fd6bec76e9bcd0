"""The payment form as the service configures it: the comment before payment, the references
the merchant sent (read-only, hidden ones left out), the value with its VAT under the service's
labels, and a foreign-currency service's rate and converted value, which agree with what
getTransactionInformation reports."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from gateway.domain.receipts import converted
from gateway.domain.references import (
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
)
from gateway.seed import DEMO_SERVICES
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app

REFERENCES = (
    ReferenceRule("Número de identificación", ReferenceType.CUSTOMER_ID, required=True),
    ReferenceRule("Centro de costos", ReferenceType.CONSTANT, constant_value="CC-77", hidden=True),
    ReferenceRule("Programa", ReferenceType.TEXT),
)


@pytest.fixture
def browser(container) -> Client:
    return Client(create_app(container=container))


def put(container, **values) -> str:
    values.setdefault("references", REFERENCES)
    service = dataclasses.replace(DEMO_SERVICES[0], code="3001", **values)
    with container.uow() as uow:
        uow.catalog.put_service(service)
        uow.commit()
    return service.code


def pay_page(container, srv_code: str, **fields) -> tuple[str, str]:
    values = dict(entity_code="10001", srv_code=srv_code, references=("1032456789", "", "Medicina"))
    values.update(fields)
    result = container.payments.create_transaction(CreatePayment(**values))
    url = urlsplit(result.ecollect_url)
    return result.ticket_id, f"{url.path}?{url.query}"


def dd(page: str, element_id: str) -> str:
    found = re.search(rf'<dd id="{element_id}">([^<]*)</dd>', page)
    assert found, f"no #{element_id} on the page"
    return found.group(1)


def test_comment_references_and_vat_lines_as_configured(browser, container):
    code = put(
        container,
        comment_before="Recuerde tener a mano su cédula.",
        net_label="Subtotal",
        tax_label="IVA 19 %",
        total_label="Total a pagar",
    )
    _ticket, path = pay_page(
        container, code, trans_value=Decimal("119000"), trans_vat_value=Decimal("19000")
    )
    page = browser.get(path).text
    assert "Recuerde tener a mano su cédula." in page
    assert "Medicina" in page and "1032456789" in page
    assert "CC-77" not in page and "Centro de costos" not in page  # hidden reference
    assert '<input type="text" name="reference' not in page  # sent references are read-only
    assert (dd(page, "amount-net"), dd(page, "amount-tax"), dd(page, "amount-total")) == (
        "100.000 COP",
        "19.000 COP",
        "119.000 COP",
    )
    for label in ("Subtotal", "IVA 19 %", "Total a pagar"):
        assert f"<dt>{label}</dt>" in page


def test_a_foreign_currency_service_shows_rate_and_converted_value_as_reported(browser, container):
    code = put(
        container,
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("3950.123456"),
        rate_label="TRM del día",
        converted_label="Valor en pesos",
    )
    ticket, path = pay_page(container, code, trans_value=Decimal("100.50"), srv_currency="USD")
    page = browser.get(path).text
    assert dd(page, "amount-total") == "100,50 USD"
    assert dd(page, "rate") == "1 USD = 3.950,123456 COP"
    assert dd(page, "amount-converted") == "396.987,41 COP"
    assert "<dt>TRM del día</dt>" in page and "<dt>Valor en pesos</dt>" in page
    got = container.payments.get_transaction_information("10001", ticket)
    assert (got.pay_currency, got.currency_rate) == ("COP", Decimal("3950.123456"))
    assert converted(got.trans_value, got.currency_rate) == Decimal("396987.41")


def test_the_conversion_can_be_hidden(browser, container):
    code = put(
        container,
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("4000"),
        hide_conversion=True,
    )
    _ticket, path = pay_page(container, code, trans_value=Decimal("10"), srv_currency="USD")
    page = browser.get(path).text
    assert 'id="rate"' not in page and 'id="amount-converted"' not in page
    assert dd(page, "amount-total") == "10 USD"


def test_a_currency_the_merchant_chose_from_the_list_is_paid_as_it_is(browser, container):
    money = ReferenceList(ListKind.CURRENCY, (ListItem("USD", "Dólares"), ListItem("COP", "Pesos")))
    code = put(
        container,
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("3950"),
        references=(*REFERENCES, ReferenceRule("Moneda", list=money)),
    )
    ticket, path = pay_page(
        container,
        code,
        trans_value=Decimal("150000"),
        references=("1032456789", "", "Medicina", "COP"),
    )
    got = container.payments.get_transaction_information("10001", ticket)
    assert (got.pay_currency, got.currency_rate) == ("COP", Decimal(1))
    page = browser.get(path).text
    assert dd(page, "amount-total") == "150.000 COP" and 'id="rate"' not in page
    refused = container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code=code,
            trans_value=Decimal("150000"),
            srv_currency="USD",
            references=("1032456789", "", "Medicina", "COP"),
        )
    )
    assert refused.return_code.value == "FAIL_INVALIDCURRENCY"
