"""Fail closed (GATEWAY_SANDBOX=false): with no connector for a payment system nothing is ever
approved, offered or listed, and nothing is written for a refused payment; the bank link comes
from the PSE connector. The demo catalog (with the sandbox banks in it) is loaded on purpose:
being in the catalog is not enough to be offered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.test import Client

from gateway.bootstrap import Container, build
from gateway.connectors.ports import Connectors, PaymentFacts
from gateway.jobs.expiry import expire_due
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.models import CallbackRow, StateHistoryRow, TransactionRow
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app

REFS = ("1032456789", "ORD-1")
CARD = ("4111111111111111", "12/2030", "123", "1")
PAYMENTS = {
    "card": dict(payment_system="1", auth_references=CARD),
    "pse": dict(payment_system="0", fi_code="1022"),
    "cash": dict(payment_system="100"),
}


def _container(database_url: str, clock, connectors: Connectors | None = None) -> Container:
    from gateway.store.db import init_db

    settings = Settings(database_url=database_url, public_url="https://pagos.example.co",
                        sandbox=False)  # fmt: skip
    init_db(settings)
    seed_demo(settings)
    return build(settings, clock=clock, payment_connectors=connectors)


@pytest.fixture
def production(database_url, clock) -> Iterator[Container]:
    built = _container(database_url, clock)
    yield built
    built.close()


def command(**fields) -> CreatePayment:
    values = dict(entity_code="10001", srv_code="1002", references=REFS,
                  url_response="https://tienda.example.co/confirmacion")  # fmt: skip
    values.update(fields)
    return CreatePayment(**values)


def rows(container) -> tuple[int, int, int]:
    with container.engine.connect() as connection:
        return tuple(
            connection.scalar(select(func.count()).select_from(table))
            for table in (TransactionRow, StateHistoryRow, CallbackRow)
        )


@pytest.mark.parametrize("method", sorted(PAYMENTS))
def test_process_refuses_every_method_and_writes_nothing(production, method):
    got = production.payments.process_transaction(command(**PAYMENTS[method]))
    assert got.return_code.value == "FAIL_INVALIDPAYMENTSYSTEM"
    assert (got.tran_state, got.ticket_id, got.trazability_code) == ("", "", "")
    assert rows(production) == (0, 0, 0)


@pytest.mark.parametrize(
    "fields", [PAYMENTS["card"], PAYMENTS["pse"], PAYMENTS["cash"], dict(fi_code="1022")],
    ids=["card", "pse", "cash", "bank-implies-pse"],
)  # fmt: skip
def test_create_with_a_method_that_has_no_connector_is_refused(production, fields):
    got = production.payments.create_transaction(command(**fields))
    assert (got.return_code.value, got.ticket_id, got.ecollect_url) == (
        "FAIL_INVALIDPAYMENTSYSTEM", "", ""
    )  # fmt: skip
    assert rows(production) == (0, 0, 0)


def test_the_payer_page_offers_nothing_and_refuses_every_choice(production, clock):
    created = production.payments.create_transaction(command())
    assert created.return_code.value == "SUCCESS"  # the payer would choose on the page
    url = urlsplit(created.ecollect_url)
    path = f"{url.path}?{url.query}"
    browser = Client(create_app(container=production))
    page = browser.get(path)
    assert page.status_code == 200 and 'id="no-methods"' in page.text
    for offered in ("<form", "PSE", "Tarjeta", "Cupón", "BANCO UNION COLOMBIANO"):
        assert offered not in page.text
    for choice in (
        {"method": "1", "card_number": CARD[0], "card_expiry": CARD[1], "card_cvv": CARD[2]},
        {"method": "0", "fi": "1022"},
        {"method": "100"},
    ):
        refused = browser.post(path, data=choice)
        assert refused.status_code == 400 and "Seleccione un medio de pago." in refused.text
    info = production.payments.get_transaction_information("10001", created.ticket_id)
    assert (info.tran_state, info.payment_system, info.invoice) == ("CREATED", "", "")
    clock.advance(minutes=60)  # nobody can pay it: it lapses with its session
    assert expire_due(production.uow, clock) == 1


def test_get_bank_list_is_empty(production):
    banks = production.payments.get_bank_list("10001")
    assert (banks.return_code.value, banks.banks) == ("SUCCESS", ())


def test_there_is_no_sandbox_at_all(production):
    created = production.payments.create_transaction(command())
    token = urlsplit(created.ecollect_url).query.split("=", 1)[1]
    browser = Client(create_app(container=production))
    assert browser.get(f"/sandbox/pse/{token}").status_code == 404
    assert browser.post(f"/sandbox/pse/{token}", data={"TranState": "OK"}).status_code == 404
    outcome = f"/sandbox/transactions/{created.ticket_id}/outcome"
    assert browser.post(outcome, data={"TranState": "OK"}).status_code == 404
    assert production.sandbox is None


# --- a stand-in PSE bank: only what has a connector is offered, and its link is used ----------


class StandInBank:
    """A PSE connector standing in for a real bank (the one thing a test may stand in for)."""

    def __init__(self) -> None:
        self.asked: list[PaymentFacts] = []

    def start_session(self, payment: PaymentFacts) -> str:
        self.asked.append(payment)
        return f"https://banco.example.co/pse?session={payment.ticket_id}"


@pytest.fixture
def with_pse_only(database_url, clock) -> Iterator[tuple[Container, StandInBank]]:
    bank = StandInBank()
    built = _container(database_url, clock, Connectors(pse=bank))
    yield built, bank
    built.close()


def test_the_bank_link_is_the_pse_connectors(with_pse_only):
    container, bank = with_pse_only
    got = container.payments.process_transaction(command(**PAYMENTS["pse"]))
    assert (got.return_code.value, got.tran_state) == ("SUCCESS", "BANK")
    link = f"https://banco.example.co/pse?session={got.ticket_id}"
    assert [(a.code, a.data) for a in got.additional_info] == [("BANKURL", link)]
    (asked,) = bank.asked
    assert (asked.ticket_id, asked.institution.code, asked.trans_value) == (
        int(got.ticket_id), "1022", 50000
    )  # fmt: skip
    assert asked.return_url.startswith("https://pagos.example.co/app_express/secure/")
    with container.uow() as uow:  # at the bank: it lapses after the bank-answer bound
        assert uow.transactions.get(int(got.ticket_id)).expires_at == asked.at + timedelta(hours=72)


def test_the_page_offers_only_what_has_a_connector_and_redirects_to_its_bank(with_pse_only):
    container, _bank = with_pse_only
    assert {b.payment_system for b in container.payments.get_bank_list("10001").banks} == {0}
    card = container.payments.process_transaction(command(**PAYMENTS["card"]))
    assert card.return_code.value == "FAIL_INVALIDPAYMENTSYSTEM"
    created = container.payments.create_transaction(command(references=("99887766",)))
    url = urlsplit(created.ecollect_url)
    path = f"{url.path}?{url.query}"
    browser = Client(create_app(container=container))
    page = browser.get(path).text
    assert "PSE" in page and "BANCO UNION COLOMBIANO" in page
    assert "Tarjeta" not in page and "Cupón" not in page
    assert browser.post(path, data={"method": "100"}).status_code == 400
    chosen = browser.post(path, data={"method": "0", "fi": "1007"})
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == f"https://banco.example.co/pse?session={created.ticket_id}"
    result = browser.get(path).text  # back from the bank before it answered
    assert f'href="https://banco.example.co/pse?session={created.ticket_id}"' in result


def test_compose_runs_with_the_sandbox_and_the_demo_data_off():
    compose = (Path(__file__).resolve().parents[2] / "docker" / "compose.yaml").read_text()
    assert re.findall(r"GATEWAY_SANDBOX: (\S+)", compose) == ["${GATEWAY_SANDBOX:-false}"] * 2
    assert re.findall(r"GATEWAY_SEED_DEMO: (\S+)", compose) == ["${GATEWAY_SEED_DEMO:-false}"]
