"""The result page's receipt, its printable view and the way back to the merchant."""

from __future__ import annotations

import dataclasses

from gateway.seed import DEMO_SERVICES
from tests.integration.test_pages import browser, new_payment  # noqa: F401

CARD = {"method": "1", "card_number": "4111111111111111", "card_expiry": "12/2030",
        "card_cvv": "123"}  # fmt: skip


def _service(container, **changes) -> None:
    with container.uow() as uow:
        uow.catalog.put_service(dataclasses.replace(DEMO_SERVICES[1], code="2002", **changes))
        uow.commit()


def test_an_approved_receipt_shows_the_payment_and_the_comment_after(browser, container):  # noqa: F811
    _service(container, comment_after="Gracias por su pago", new_payment_url="https://t.co/nuevo")
    ticket, path = new_payment(container, srv_code="2002")
    browser.post(path, data=CARD)
    page = browser.get(path).text
    assert "Pago aprobado" in page and ticket in page and "Gracias por su pago" in page
    assert "50.000 COP" in page and "hora de Colombia" in page and 'id="pin"' not in page
    assert "Realizar otro pago" in page and "https://t.co/nuevo" in page
    printable = browser.get(path + "&imprimir=1")
    assert printable.status_code == 200 and ticket in printable.text
    assert "@media print" in printable.text and "Versión para imprimir" not in printable.text


def test_values_are_hidden_when_the_service_says_so(browser, container):  # noqa: F811
    _service(container, show_values=False)
    _ticket, path = new_payment(container, srv_code="2002")
    browser.post(path, data=CARD)
    page = browser.get(path).text
    assert "Pago aprobado" in page and "50.000" not in page


def test_the_way_back_is_a_link_or_a_form_with_the_callback_fields(browser, container):  # noqa: F811
    _service(container, redirect_link_text="Regresar a la tienda")
    _ticket, path = new_payment(container, srv_code="2002", url_redirect="https://t.co/fin")
    browser.post(path, data=CARD)
    page = browser.get(path).text
    assert '<a id="back" href="https://t.co/fin">Regresar a la tienda</a>' in page
    _service(container, redirect_with_params=True)
    ticket, path = new_payment(container, srv_code="2002", url_redirect="https://t.co/fin")
    browser.post(path, data=CARD)
    page = browser.get(path).text
    assert '<form id="back" method="post" action="https://t.co/fin">' in page
    assert f'name="TicketId" value="{ticket}"' in page and 'name="TranState" value="OK"' in page
    assert "Volver al comercio" in page


def test_a_post_to_a_finished_payment_is_a_clear_message(browser, container):  # noqa: F811
    _ticket, path = new_payment(container)
    browser.post(path, data=CARD)
    again = browser.post(path, data=CARD)
    assert again.status_code == 409 and "no admite cambios" in again.text
    assert "Traceback" not in again.text
