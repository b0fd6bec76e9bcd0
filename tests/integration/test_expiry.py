"""Expiry per state (the expiry job against the real store, SQLite and PostgreSQL, with the
frozen clock): CREATED at the session limit, a CAPTURED coupon at the end of its due day in
Bogota, BANK and PENDING without a bank answer FAILED after GATEWAY_BANK_ANSWER_HOURS; the
change is recorded, called back, releases the double-payment lock, and never overwrites a bank
answer that arrives meanwhile."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.test import Client

from gateway.domain.errors import IllegalTransition
from gateway.domain.transactions import TranState
from gateway.jobs.expiry import expire_due
from gateway.seed import DEMO_SERVICES
from gateway.store.models import CallbackRow, StateHistoryRow
from gateway.store.transactions import TransactionRepository
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app

REFS = ("1032456789", "ORD-1")
MERCHANT = "https://tienda.example.co/confirmacion"
CARD_LEFT_PENDING = ("4000000000000259", "12/2030", "123")


def put_service(container, code="2001", **changes):
    service = dataclasses.replace(DEMO_SERVICES[1], code=code, **changes)
    with container.uow() as uow:
        uow.catalog.put_service(service)
        uow.commit()
    return service


def create(container, **fields):
    values = dict(entity_code="10001", srv_code="1002", references=REFS, url_response=MERCHANT)
    values.update(fields)
    return container.payments.create_transaction(CreatePayment(**values))


def process(container, **fields):
    values = dict(entity_code="10001", srv_code="1002", references=REFS, url_response=MERCHANT)
    values.update(fields)
    result = container.payments.process_transaction(CreatePayment(**values))
    assert result.return_code.value == "SUCCESS", result.return_code
    return result.ticket_id


def state_of(container, ticket) -> str:
    return container.payments.get_transaction_information("10001", ticket).tran_state


def last_change(container, ticket):
    with container.engine.connect() as connection:
        return connection.execute(
            select(StateHistoryRow.from_state, StateHistoryRow.to_state, StateHistoryRow.source,
                   StateHistoryRow.detail)
            .where(StateHistoryRow.ticket_id == int(ticket))
            .order_by(StateHistoryRow.id.desc())
            .limit(1)
        ).one()  # fmt: skip


def callbacks_of(container, ticket) -> list[str]:
    with container.engine.connect() as connection:
        return list(
            connection.scalars(
                select(CallbackRow.state)
                .where(CallbackRow.ticket_id == int(ticket))
                .order_by(CallbackRow.id)
            )
        )


def test_an_unchosen_payment_expires_at_the_session_limit_whatever_the_coupon_days(
    container, clock
):
    put_service(container, expiry_days=3)
    ticket = create(container, srv_code="2001").ticket_id
    clock.advance(minutes=59, seconds=59)
    assert expire_due(container.uow, clock) == 0
    clock.advance(seconds=1)
    assert expire_due(container.uow, clock) == 1
    assert state_of(container, ticket) == "EXPIRED"
    change = last_change(container, ticket)
    assert change[:3] == ("CREATED", "EXPIRED", "job:expiry") and "session" in change.detail
    assert callbacks_of(container, ticket) == ["EXPIRED"]
    assert expire_due(container.uow, clock) == 0


def test_a_cash_coupon_lives_to_the_end_of_its_due_day_in_bogota(container, clock):
    put_service(container, expiry_days=2)
    ticket = process(container, srv_code="2001", payment_system="100")  # 10:00 in Bogota
    # Due at the end of 2026-11-25 in Bogota: 05:00 UTC on the 26th.
    clock.moment = datetime(2026, 11, 26, 4, 59, 59, tzinfo=UTC)
    assert expire_due(container.uow, clock) == 0
    assert state_of(container, ticket) == "CAPTURED"
    clock.moment = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
    assert expire_due(container.uow, clock) == 1
    assert state_of(container, ticket) == "EXPIRED"
    change = last_change(container, ticket)
    assert change[:3] == ("CAPTURED", "EXPIRED", "job:expiry") and "coupon" in change.detail
    assert callbacks_of(container, ticket) == ["EXPIRED"]


def test_with_no_days_set_a_coupon_is_due_the_day_it_was_issued(container, clock):
    ticket = process(container, payment_system="100")  # service 1002: expiry_days 0
    clock.moment = datetime(2026, 11, 24, 4, 59, tzinfo=UTC)  # 23:59 in Bogota, same day
    assert expire_due(container.uow, clock) == 0
    clock.advance(minutes=1)
    assert expire_due(container.uow, clock) == 1
    assert state_of(container, ticket) == "EXPIRED"


def test_the_coupon_page_shows_its_due_day(container, clock):
    put_service(container, expiry_days=2)
    created = create(container, srv_code="2001")
    url = urlsplit(created.ecollect_url)
    browser = Client(create_app(container=container))
    browser.post(f"{url.path}?{url.query}", data={"method": "100"})
    page = browser.get(f"{url.path}?{url.query}").text
    assert 'id="due">2026-11-25<' in page


def test_payments_no_bank_answers_fail_after_the_bound_and_are_called_back(container, clock):
    at_bank = process(container, payment_system="0", fi_code="1022")
    pending = process(container, payment_system="1", auth_references=CARD_LEFT_PENDING,
                      references=("99887766",))  # fmt: skip
    assert (state_of(container, at_bank), state_of(container, pending)) == ("BANK", "PENDING")
    clock.advance(hours=71, minutes=59)
    assert expire_due(container.uow, clock) == 0
    clock.advance(minutes=1)
    assert expire_due(container.uow, clock) == 2
    for ticket, was in ((at_bank, "BANK"), (pending, "PENDING")):
        assert state_of(container, ticket) == "FAILED"
        change = last_change(container, ticket)
        assert change[:3] == (was, "FAILED", "job:expiry")
        assert "financial institution" in change.detail
    assert callbacks_of(container, at_bank) == ["FAILED"]
    assert callbacks_of(container, pending) == ["PENDING", "FAILED"]


def test_the_bound_counts_from_the_last_thing_the_bank_said(container, clock):
    ticket = process(container, payment_system="0", fi_code="1022")
    clock.advance(hours=10)
    container.sandbox.force_outcome(int(ticket), TranState.PENDING)  # the bank: "in progress"
    clock.advance(hours=71)  # 81 h at the bank, 71 h since it answered PENDING
    assert expire_due(container.uow, clock) == 0
    clock.advance(hours=1)
    assert expire_due(container.uow, clock) == 1
    assert state_of(container, ticket) == "FAILED"


def test_the_bound_is_a_setting(database_url, clock):
    from gateway.bootstrap import build
    from gateway.seed import seed_demo
    from gateway.settings import Settings
    from gateway.store.db import init_db

    settings = Settings.from_env(
        {"GATEWAY_DATABASE_URL": database_url, "GATEWAY_BANK_ANSWER_HOURS": "2"}
    )
    init_db(settings)
    seed_demo(settings)
    container = build(settings, clock=clock)
    try:
        ticket = process(container, payment_system="0", fi_code="1022")
        clock.advance(hours=2)
        assert expire_due(container.uow, clock) == 1
        assert state_of(container, ticket) == "FAILED"
    finally:
        container.close()


def test_an_unanswered_bank_payment_releases_the_double_payment_lock(container, clock):
    rules = (dataclasses.replace(DEMO_SERVICES[1].references[0], double_payment_control=True),)
    put_service(container, accepts_double_payment=False, references=rules)
    ticket = process(container, srv_code="2001", payment_system="0", fi_code="1022")
    assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDREFERENCE1"
    clock.advance(hours=72)
    assert expire_due(container.uow, clock) == 1
    again = create(container, srv_code="2001")
    assert again.return_code.value == "SUCCESS"
    retries = container.payments.get_transaction_information("10001", ticket).retries
    assert [(r.ticket_id, r.tran_state) for r in retries] == [(again.ticket_id, "CREATED")]


def test_a_bank_answer_racing_the_job_is_never_overwritten(container, clock, monkeypatch):
    """The bank answers the payment just after the job found it due, before the job saves.

    PostgreSQL: the job's claim (FOR UPDATE SKIP LOCKED) holds the row; SQLite: the job's unit
    of work began IMMEDIATE and holds the write lock (`gateway.store.db`). The bank's answer
    waits for it and then finds the payment FAILED (refused: a late answer is for
    reconciliation). Exactly one of them decides, and the merchant hears that one only.
    """
    ticket = process(container, payment_system="0", fi_code="1022")
    clock.advance(hours=72)
    job_thread = threading.get_ident()
    race: dict[str, object] = {}
    original_get = TransactionRepository.get

    def bank_answers() -> None:
        try:
            container.sandbox.force_outcome(int(ticket), TranState.OK)
            race["answer"] = "OK"
        except IllegalTransition:
            race["answer"] = "refused"

    def get(self, ticket_id, *, for_update=False):
        found = original_get(self, ticket_id, for_update=for_update)
        if threading.get_ident() == job_thread and "bank" not in race:
            race["bank"] = bank = threading.Thread(target=bank_answers)
            bank.start()
            bank.join(timeout=1)  # waiting for the job's lock
        return found

    monkeypatch.setattr(TransactionRepository, "get", get)
    ended = expire_due(container.uow, clock)
    race["bank"].join(timeout=30)
    monkeypatch.undo()

    assert (state_of(container, ticket), ended, race["answer"]) == ("FAILED", 1, "refused")
    with container.engine.connect() as connection:
        finals = connection.scalars(
            select(StateHistoryRow.to_state).where(
                StateHistoryRow.ticket_id == int(ticket), StateHistoryRow.from_state == "BANK"
            )
        ).all()
    assert finals == ["FAILED"]
    assert callbacks_of(container, ticket) == ["FAILED"]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_payment_a_bank_is_answering_is_skipped_not_waited_for(container, clock):
    ticket = process(container, payment_system="0", fi_code="1022")
    clock.advance(hours=72)
    with container.uow() as bank:  # the bank's answer in flight holds the row
        held = bank.transactions.get(int(ticket), for_update=True)
        assert expire_due(container.uow, clock) == 0
        held.record_bank_answer(TranState.OK, at=clock.now(), source="bank",
                                trazability_code="42", bank_process_date=clock.now())  # fmt: skip
        bank.transactions.save(held)
        bank.commit()
    assert expire_due(container.uow, clock) == 0
    assert state_of(container, ticket) == "OK"
    assert callbacks_of(container, ticket) == ["OK"]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_jobs_on_many_nodes_expire_each_payment_once(container, clock):
    tickets = [create(container, references=(f"{700000 + n}",)).ticket_id for n in range(30)]
    clock.advance(minutes=60)
    barrier = threading.Barrier(3)
    counts: list[int] = []

    def node() -> None:
        barrier.wait()
        total = 0
        while (ended := expire_due(container.uow, clock, batch=4)) > 0:
            total += ended
        counts.append(total)

    nodes = [threading.Thread(target=node) for _ in range(3)]
    for thread in nodes:
        thread.start()
    for thread in nodes:
        thread.join()
    assert sum(counts) == 30
    with container.engine.connect() as connection:
        expired = connection.scalars(
            select(StateHistoryRow.ticket_id).where(StateHistoryRow.to_state == "EXPIRED")
        ).all()
    assert sorted(expired) == sorted(int(t) for t in tickets)
