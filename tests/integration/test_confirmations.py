"""An approved payment's confirmations: the receipt mails (payer, service copy) through the
outbox, and the PIN of a service that issues them, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
from decimal import Decimal
from email import policy
from email.parser import BytesParser

import pytest

from gateway.cli import main
from gateway.domain.pins import InvalidPinList
from gateway.domain.transactions import TranState
from gateway.jobs.mail_outbox import deliver_mail_due
from gateway.seed import DEMO_SERVICES
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.store.mail_tables import MailRow
from gateway.usecases.commands import CreatePayment
from gateway.usecases.confirmations import Confirmations
from gateway.usecases.pins import Pins
from tests.helpdesk.accounts_support import rows
from tests.integration.test_pages import browser, new_payment  # noqa: F401

PAYER = "pagador@correo.test"
COPIES = "ventas@comercio.test; conta@comercio.test"
CARD = {"method": "1", "card_number": "4111111111111111", "card_expiry": "12/2030",
        "card_cvv": "123"}  # fmt: skip
REJECTED_CARD = dict(CARD, card_number="4000000000000002")
PENDING_CARD = dict(CARD, card_number="4000000000000259")


def _service(container, **changes) -> None:
    with container.uow() as uow:
        service = dataclasses.replace(DEMO_SERVICES[1], code="2002", **changes)
        uow.catalog.put_service(service)
        uow.commit()


def _pay(browser, container, card=CARD, payer=PAYER) -> tuple[str, str]:  # noqa: F811
    ticket, path = new_payment(
        container, srv_code="2002", references=("1032456789", "ORD-1", payer)
    )
    assert browser.post(path, data=card).status_code == 303
    return ticket, path


def _mails(container, kind: str | None = None) -> list:
    return [row for row in rows(container.uow, MailRow) if kind is None or row.kind == kind]


def _load(container, *pins: str) -> None:
    Pins(container.uow, container.clock).load("10001", "2002", "\n".join(pins).encode())


def test_an_approval_mails_the_receipt_to_the_payer_and_a_copy_to_the_service(
    browser,  # noqa: F811
    container,
):
    _service(container, confirmation_emails=COPIES, comment_after="Gracias por su pago")
    ticket, _path = _pay(browser, container)
    receipt, copy = _mails(container, "payment.receipt"), _mails(container, "payment.receipt_copy")
    assert [row.to for row in receipt] == [[PAYER]]
    assert [row.to for row in copy] == [["ventas@comercio.test", "conta@comercio.test"]]
    mail = receipt[0]
    assert ticket in mail.subject and "Comercio Demo" in mail.subject
    for text in (mail.text_body, mail.html_body):
        assert "Pago aprobado" in text and ticket in text and "50.000 COP" in text
        assert "Gracias por su pago" in text and "hora de Colombia" in text
    assert '<html lang="es">' in mail.html_body
    # The payer's copy names no address of the merchant's.
    assert "ventas@" not in mail.text_body + mail.html_body + " ".join(mail.cc or [])


@pytest.mark.parametrize("card", [REJECTED_CARD, PENDING_CARD], ids=["rejected", "pending"])
def test_only_an_approved_payment_is_confirmed(browser, container, card):  # noqa: F811
    _service(container, confirmation_emails=COPIES)
    _pay(browser, container, card)
    assert _mails(container) == []


def test_a_receipt_without_values_mails_none_and_no_address_means_no_mail(
    browser,  # noqa: F811
    container,
):
    _service(container, show_values=False, confirmation_emails=None)
    _pay(browser, container)
    (mail,) = _mails(container)
    assert "50.000" not in mail.text_body and "Valor" not in mail.html_body
    _pay(browser, container, payer="")
    assert len(_mails(container)) == 1  # no payer address, no service address: nothing


def test_a_payment_is_confirmed_once_and_keeps_its_pin(browser, container):  # noqa: F811
    _service(container, issues_pins=True, confirmation_emails=COPIES)
    _load(container, "PIN-A", "PIN-B")
    ticket, _ = _pay(browser, container)
    with container.uow() as uow:  # the same approval confirmed again (a replayed answer)
        transaction = uow.transactions.get(int(ticket))
        Confirmations()(uow, transaction)
        uow.commit()
    assert len(_mails(container)) == 2
    with container.uow() as uow:
        assert uow.pins.pin_of(int(ticket)) == "PIN-A"
        assert uow.pins.counts("10001", "2002").free == 1


def test_pins_go_in_list_order_and_an_exhausted_list_alerts_once(browser, container):  # noqa: F811
    _service(container, issues_pins=True, confirmation_emails="ventas@comercio.test")
    _load(container, "TURNO 2026-12-04 08:00", "TURNO 2026-12-04 08:30")
    first, first_path = _pay(browser, container)
    _pay(browser, container, REJECTED_CARD)  # a rejected payment takes no PIN
    second, _ = _pay(browser, container)
    third, third_path = _pay(browser, container)
    fourth, _ = _pay(browser, container)
    with container.uow() as uow:
        pins = [uow.pins.pin_of(int(t)) for t in (first, second, third, fourth)]
    assert pins == ["TURNO 2026-12-04 08:00", "TURNO 2026-12-04 08:30", None, None]
    page = browser.get(first_path).text
    assert "Número de PIN" in page and "TURNO 2026-12-04 08:00" in page
    receipts = {row.dedupe_key: row for row in _mails(container, "payment.receipt")}
    assert "TURNO 2026-12-04 08:00" in receipts[f"receipt:{first}:payer"].text_body
    # Out of PINs: still approved, no PIN shown, one alert for the list as loaded.
    assert container.payments.get_transaction_information("10001", third).tran_state == "OK"
    assert "Número de PIN" not in browser.get(third_path).text
    (alert,) = _mails(container, "pins.exhausted")
    assert alert.to == ["ventas@comercio.test"] and "2002" in alert.subject
    assert "Los 2 PINES cargados" in alert.text_body
    # A new list is used from where the old one ended, and alerts again when it runs out.
    _load(container, "PIN-3")
    fifth, _ = _pay(browser, container)
    _pay(browser, container)
    with container.uow() as uow:
        assert uow.pins.pin_of(int(fifth)) == "PIN-3"
    assert len(_mails(container, "pins.exhausted")) == 2


def test_the_pin_list_load_is_all_or_nothing(container):
    _service(container, issues_pins=True)
    with pytest.raises(InvalidPinList) as refused:
        Pins(container.uow, container.clock).load("10001", "2002", b"A\nB\n\nA\n" + b"x" * 101)
    assert refused.value.errors == [
        "línea 4: PIN repetido (ya está en la línea 1)",
        "línea 5: el PIN tiene más de 100 caracteres",
    ]
    _load(container, "A", "B")
    with pytest.raises(InvalidPinList) as again:
        _load(container, "C", "B")
    assert again.value.errors == ["línea 2: el PIN ya está en la lista del servicio"]
    state = Pins(container.uow, container.clock).state("10001", "2002")
    assert (state.loaded, state.free, state.issues_pins) == (2, 2, True)


@pytest.mark.postgres
def test_concurrent_approvals_never_share_a_pin(database_url, browser, container):  # noqa: F811
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serializes writers: the race is PostgreSQL's")
    _service(container, issues_pins=True)
    pins = [f"PIN-{n:02d}" for n in range(1, 13)]
    _load(container, *pins)
    payments = [
        new_payment(container, srv_code="2002", references=("1032456789", f"ORD-{n}", PAYER))
        for n in range(12)
    ]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def approve(chunk: list[tuple[str, str]]) -> None:
        try:
            start.wait()
            for _ticket, path in chunk:
                token = path.split("WsPm=")[1]
                card = (CARD["card_number"], CARD["card_expiry"], CARD["card_cvv"], None)
                page = container.checkout.choose(token, "", "1", None, card)
                assert page.state is TranState.OK
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=approve, args=(payments[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with container.uow() as uow:
        given = [uow.pins.pin_of(int(ticket)) for ticket, _ in payments]
        assert sorted(given) == pins  # each PIN once, every payment one
        assert uow.pins.counts("10001", "2002").free == 0
    assert len(_mails(container, "payment.receipt")) == 12


def test_pines_load_from_the_command_line(database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_SANDBOX", "false")
    init_db(Settings(database_url=database_url))
    assert main(["seed", "demo"]) == 0
    capsys.readouterr()
    good = tmp_path / "pines.txt"
    good.write_text("\ufeffK7Q-001\nK7Q-002\n\nK7Q-003\n", encoding="utf-8")
    assert main(["pines", "load", "--entity", "10001", "--service", "1001", str(good)]) == 0
    out, err = capsys.readouterr()
    assert "3 PINES cargados (posiciones 1 a 3); libres: 3 de 3" in out
    assert "no genera PINES" in err  # loaded, but unused until the service issues them
    bad = tmp_path / "malos.txt"
    bad.write_text("K7Q-004\nK7Q-002\n", encoding="utf-8")
    assert main(["pines", "load", "--entity", "10001", "--service", "1001", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "línea 2: el PIN ya está en la lista del servicio" in err and "no se cambió" in err
    assert main(["pines", "load", "--entity", "10001", "--service", "9999", str(good)]) == 1
    assert "no tiene el servicio 9999" in capsys.readouterr().err
    assert main(["pines", "estado", "--entity", "10001", "--service", "1001"]) == 0
    assert "cargados: 3; libres: 3; genera PINES: False" in capsys.readouterr().out


def test_a_card_approved_by_process_transaction_payment_is_confirmed(container):
    """The payment is new and approved in the same unit of work (one INSERT on PostgreSQL):
    its confirmations are written with it."""
    _service(container, issues_pins=True, confirmation_emails=COPIES)
    _load(container, "PIN-1")
    got = container.payments.process_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="2002",
            references=("1032456789", "ORD-9", PAYER),
            payment_system="1",
            auth_references=("4111111111111111", "12/2030", "123", "1"),
        )
    )
    assert (got.return_code.value, got.tran_state) == ("SUCCESS", "OK")
    assert len(_mails(container, "payment.receipt")) == 1
    (copy,) = _mails(container, "payment.receipt_copy")
    assert got.ticket_id in copy.subject and "PIN-1" in copy.text_body


def test_without_smtp_the_receipt_lands_in_the_spool_as_an_eml(
    browser,  # noqa: F811
    container,
    tmp_path,
):
    _service(container)
    ticket, _ = _pay(browser, container)
    spool = tmp_path / "correo"
    settings = dataclasses.replace(container.settings, smtp_url=None, mail_spool=spool)
    assert deliver_mail_due(container.uow, container.clock, settings) == 1
    (eml,) = spool.glob("*.eml")
    message = BytesParser(policy=policy.default).parse(eml.open("rb"))
    assert message["To"] == PAYER and ticket in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Pago aprobado" in text and "Pago aprobado" in html
    assert deliver_mail_due(container.uow, container.clock, settings) == 0  # sent once


def test_the_demo_course_service_prices_by_the_list_and_gives_a_pin(browser, container):  # noqa: F811
    """`seed demo`'s service 1003: the course chosen sets the value (VAT 19 %), the related
    list offers the sites of the city, and the approved payment gets a demo PIN."""
    ticket, path = new_payment(
        container, srv_code="1003", references=("1032456789",), trans_value=Decimal(0)
    )
    page = browser.get(path).text
    assert "Programación en Python" in page and "Chapinero" in page
    form = {"ref1": "PYT", "ref2": "11", "ref3": "CHA", "ref4": PAYER, **CARD}
    assert browser.post(path, data=form).status_code == 303
    got = container.payments.get_transaction_information("10001", ticket)
    assert (got.tran_state, got.trans_value, got.trans_vat_value) == (
        "OK",
        Decimal("420000.00"),
        Decimal("79800.00"),
    )
    receipt = browser.get(path).text
    assert "Número de PIN" in receipt and "DEMO-PIN-00001" in receipt
    assert "Programación en Python" in receipt and "Chapinero" in receipt
    (mail,) = _mails(container, "payment.receipt")
    assert mail.to == [PAYER] and "DEMO-PIN-00001" in mail.text_body
