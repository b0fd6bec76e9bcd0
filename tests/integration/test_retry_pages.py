"""The payer's "Reintentar" and the double-payment notice, driven through the WSGI app as a
browser would (forms, redirects), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from sqlalchemy import func, select

from gateway.domain.transactions import TranState
from gateway.seed import DEMO_SERVICES
from gateway.store.models import TransactionRow
from gateway.usecases.commands import AdditionalInfo
from tests.integration.test_pages import browser, new_payment, state_of  # noqa: F401

DECLINED = {"method": "1", "card_number": "4000000000000002", "card_expiry": "12/2030",
            "card_cvv": "123"}  # fmt: skip
APPROVED = dict(DECLINED, card_number="4111111111111111")
RETRY = {"action": "retry"}
KEYED = (
    dataclasses.replace(DEMO_SERVICES[1].references[0], double_payment_control=True),
    *DEMO_SERVICES[1].references[1:],
)


def _service(container, **changes) -> None:
    with container.uow() as uow:
        uow.catalog.put_service(dataclasses.replace(DEMO_SERVICES[1], code="2002", **changes))
        uow.commit()


def _declined(browser, container, **fields) -> tuple[str, str]:  # noqa: F811
    ticket, path = new_payment(container, srv_code="2002", **fields)
    browser.post(path, data=DECLINED)
    assert state_of(container, ticket) == "NOT_AUTHORIZED"
    return ticket, path


def _retried(browser, path: str) -> str:  # noqa: F811
    """POST "Reintentar" on the receipt at `path`: the path of the page it redirects to."""
    answer = browser.post(path, data=RETRY)
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["Location"])
    return f"{location.path}?{location.query}"


def _ticket_of(container, path: str) -> str:
    token = urlsplit(path).query.split("=", 1)[1]
    with container.uow() as uow:
        return str(uow.transactions.ticket_for_session(token))


def _payments(container) -> int:
    with container.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(TransactionRow))


def test_a_rejected_payment_is_retried_with_its_fields_and_linked_to_it(browser, container):  # noqa: F811
    """Service without double-payment references: the link comes from the receipt alone."""
    _service(container, url_redirect="https://t.co/fin")
    first, path = _declined(
        browser, container, invoice="FAC-9", url_redirect="https://t.co/volver",
        additional_info=(AdditionalInfo("canal", "web"),),
    )  # fmt: skip
    receipt = browser.get(path).text
    assert "rechazado" in receipt and '<form id="retry" method="post"' in receipt
    assert 'name="action" value="retry"' in receipt and "Reintentar" in receipt

    retry_path = _retried(browser, path)
    retry = _ticket_of(container, retry_path)
    assert retry != first
    form = browser.get(retry_path)
    assert form.status_code == 200 and "Elija cómo pagar" in form.text and retry in form.text
    assert "50.000 COP" in form.text

    old = container.payments.get_transaction_information("10001", first)
    new = container.payments.get_transaction_information("10001", retry)
    assert [(r.ticket_id, r.tran_state) for r in old.retries] == [(retry, "CREATED")]
    assert (new.tran_state, new.srv_code, new.trans_value, new.trans_vat_value) == (
        "CREATED", "2002", old.trans_value, old.trans_vat_value,
    )  # fmt: skip
    assert new.references == old.references and new.invoice == "FAC-9"
    assert [(a.code, a.data) for a in new.additional_info] == [("canal", "web")]
    assert new.payment_system == "" and new.bank_name == ""  # the payer chooses again
    with container.uow() as uow:
        opened = uow.transactions.get(int(retry))
        assert opened is not None and opened.history[0].source == "payer:retry"
    browser.post(retry_path, data=APPROVED)
    assert "Pago aprobado" in browser.get(retry_path).text
    assert "https://t.co/volver" in browser.get(retry_path).text  # the merchant's way back
    again = container.payments.get_transaction_information("10001", first)
    assert [(r.ticket_id, r.tran_state) for r in again.retries] == [(retry, "OK")]


def test_a_failed_payment_is_retried_too(browser, container):  # noqa: F811
    _service(container)
    ticket, path = new_payment(container, srv_code="2002")
    container.sandbox.force_outcome(int(ticket), TranState.FAILED)
    assert "falla técnica" in browser.get(path).text and 'id="retry"' in browser.get(path).text
    retry_path = _retried(browser, path)
    assert _ticket_of(container, retry_path) != ticket


def test_a_pse_retry_goes_to_a_bank_session_of_its_own(browser, container):  # noqa: F811
    _service(container)
    first, path = new_payment(container, srv_code="2002")
    old_bank = browser.post(path, data={"method": "0", "fi": "1007"}).headers["Location"]
    bank = urlsplit(old_bank)
    browser.post(f"{bank.path}?{bank.query}", data={"TranState": "NOT_AUTHORIZED"})
    assert state_of(container, first) == "NOT_AUTHORIZED"
    retry_path = _retried(browser, path)
    retry = _ticket_of(container, retry_path)
    assert container.payments.get_transaction_information("10001", retry).additional_info == ()
    new_bank = browser.post(retry_path, data={"method": "0", "fi": "1007"}).headers["Location"]
    assert new_bank != old_bank and state_of(container, retry) == "BANK"
    bank = urlsplit(new_bank)
    back = browser.post(f"{bank.path}?{bank.query}", data={"TranState": "OK"})
    assert back.headers["Location"] == retry_path
    assert "Pago aprobado" in browser.get(retry_path).text


def test_a_second_retry_of_the_same_receipt_goes_to_the_first_one(browser, container):  # noqa: F811
    """A double submit or the back button: one retry, both answers lead to it, and the old
    receipt says where the payment continues instead of offering the button again."""
    _service(container)
    first, path = _declined(browser, container)
    count = _payments(container)
    retry_path = _retried(browser, path)
    assert _retried(browser, path) == retry_path
    assert _payments(container) == count + 1
    old = browser.get(path).text
    retry = _ticket_of(container, retry_path)
    assert 'id="retry"' not in old and "ya se reintentó" in old and f"transacción {retry}" in old
    assert f'href="?{urlsplit(retry_path).query}"' in old
    info = container.payments.get_transaction_information("10001", first)
    assert [r.ticket_id for r in info.retries] == [retry]


def test_retries_stop_at_maximo_reintentos(browser, container):  # noqa: F811
    """Máximo Reintentos 2: the first ticket and two retries; the last receipt says the limit
    was reached and has no button; a POST anyway is a clear page and opens nothing."""
    _service(container, max_retries=2)
    first, path = _declined(browser, container)
    tickets = [first]
    for _ in range(2):
        path = _retried(browser, path)
        browser.post(path, data=DECLINED)
        tickets.append(_ticket_of(container, path))
    last = browser.get(path).text
    assert "Alcanzó el número máximo de reintentos" in last and 'id="retry"' not in last
    count = _payments(container)
    refused = browser.post(path, data=RETRY)
    assert refused.status_code == 409 and "máximo de reintentos" in refused.text
    assert "Traceback" not in refused.text and _payments(container) == count
    info = container.payments.get_transaction_information("10001", first)
    assert [(r.ticket_id, r.tran_state) for r in info.retries] == [
        (tickets[1], "NOT_AUTHORIZED"),
        (tickets[2], "NOT_AUTHORIZED"),
    ]


def test_maximo_reintentos_0_is_no_limit(browser, container):  # noqa: F811
    _service(container, max_retries=0)
    first, path = _declined(browser, container)
    for _ in range(3):
        path = _retried(browser, path)
        browser.post(path, data=DECLINED)
    assert 'id="retry"' in browser.get(path).text
    assert len(container.payments.get_transaction_information("10001", first).retries) == 3


def test_only_a_rejected_or_failed_payment_offers_or_takes_a_retry(browser, container):  # noqa: F811
    _service(container)
    ticket, path = new_payment(container, srv_code="2002")
    browser.post(path, data=APPROVED)
    assert 'id="retry"' not in browser.get(path).text
    count = _payments(container)
    refused = browser.post(path, data=RETRY)
    assert refused.status_code == 409 and "rechazado o fallido" in refused.text
    _other, waiting = new_payment(container, srv_code="2002")  # still choosing
    assert browser.post(waiting, data=RETRY).status_code == 409
    assert _payments(container) == count + 1
    assert browser.post(path.replace("WsPm=", "WsPm=x"), data=RETRY).status_code == 404


def test_the_daily_attempt_limit_still_applies_to_a_retry(browser, container):  # noqa: F811
    _service(container, daily_attempt_limit=1)
    _first, path = _declined(browser, container)
    count = _payments(container)
    refused = browser.post(path, data=RETRY)
    assert refused.status_code == 409 and "límite de intentos" in refused.text
    assert _payments(container) == count


def _keyed_pair(browser, container, *, accepts: bool) -> tuple[str, str, str, str]:  # noqa: F811
    """Two payments with the same double-payment reference, opened while the service accepted
    double payment: the first declined, the second approved (not a retry: the first was still
    live when it was opened). Then "Acepta pago doble" is set to `accepts`."""
    _service(container, references=KEYED)
    first, first_path = new_payment(container, srv_code="2002")
    second, second_path = new_payment(container, srv_code="2002")
    browser.post(first_path, data=DECLINED)
    browser.post(second_path, data=APPROVED)
    _service(container, references=KEYED, accepts_double_payment=accepts)
    return first, first_path, second, second_path


def test_double_payment_accepted_the_retry_shows_the_other_and_may_pay(browser, container):  # noqa: F811
    first, path, second, _ = _keyed_pair(browser, container, accepts=True)
    receipt = browser.get(path).text
    assert 'id="double-payment"' in receipt and f"transacción {second}, Pago aprobado" in receipt
    assert "hora de Colombia" in receipt and 'id="retry"' in receipt
    retry_path = _retried(browser, path)
    form = browser.get(retry_path).text
    assert f"transacción {second}, Pago aprobado" in form and 'name="method"' in form
    info = container.payments.get_transaction_information("10001", first)
    assert [r.ticket_id for r in info.retries] == [_ticket_of(container, retry_path)]


def test_double_payment_refused_the_retry_shows_the_other_and_blocks(browser, container):  # noqa: F811
    first, path, second, _ = _keyed_pair(browser, container, accepts=False)
    receipt = browser.get(path).text
    assert f"transacción {second}, Pago aprobado" in receipt and 'id="retry"' not in receipt
    assert "no permite pagar dos veces" in receipt
    count = _payments(container)
    blocked = browser.post(path, data=RETRY)
    assert f"transacción {second}, Pago aprobado" in blocked.text
    assert 'id="retry"' not in blocked.text
    assert _payments(container) == count
    assert container.payments.get_transaction_information("10001", first).retries == ()


def test_a_new_payment_page_shows_the_last_payment_with_the_same_references(browser, container):  # noqa: F811
    """Accepted: the notice and the methods. Refused (the service changed since the payment
    was opened): the notice, no methods, and a choice is refused."""
    _service(container, references=KEYED)
    paid, paid_path = new_payment(container, srv_code="2002")
    browser.post(paid_path, data=APPROVED)
    other, path = new_payment(container, srv_code="2002")
    page = browser.get(path).text
    assert f"transacción {paid}, Pago aprobado" in page and 'name="method"' in page
    assert f"transacción {other}," not in page
    _service(container, references=KEYED, accepts_double_payment=False)
    page = browser.get(path).text
    assert f"transacción {paid}, Pago aprobado" in page and 'name="method"' not in page
    refused = browser.post(path, data=APPROVED)
    assert refused.status_code == 400 and "mismas referencias" in refused.text
    assert state_of(container, other) == "CREATED"


def test_no_notice_without_another_live_or_approved_payment(browser, container):  # noqa: F811
    _service(container, references=KEYED)
    _first, path = new_payment(container, srv_code="2002")
    assert 'id="double-payment"' not in browser.get(path).text
    browser.post(path, data=DECLINED)
    receipt = browser.get(path).text
    assert 'id="double-payment"' not in receipt and 'id="retry"' in receipt
    retry_path = _retried(browser, path)
    assert 'id="double-payment"' not in browser.get(retry_path).text  # the declined one is over
