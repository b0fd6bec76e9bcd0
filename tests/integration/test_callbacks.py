"""Merchant callbacks: written with the state change, delivered over real HTTP to a merchant
endpoint served on loopback, every attempt recorded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from gateway.domain.transactions import TranState
from gateway.domain.callback_targets import parse_networks
from gateway.jobs.callbacks import deliver_due
from gateway.settings import Settings
from gateway.store.models import CallbackAttemptRow, CallbackRow
from gateway.usecases.commands import CreatePayment


LOOPBACK = parse_networks("127.0.0.0/8,::1/128")


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The merchant listens on loopback: open it, as scripts/test and scripts/serve do."""
    return Settings(
        database_url=database_url,
        public_url="https://pagos.example.co",
        callback_allowed_networks=LOOPBACK,
        callback_timeout_seconds=5,
        callback_lease_seconds=30,
    )


def deliver(container, clock, **options) -> int:
    return deliver_due(container.uow, clock, container.settings, **options)


class Merchant:
    """A merchant's URLResponse endpoint: records what it gets, answers the statuses queued."""

    def __init__(self) -> None:
        self.received: list[dict[str, list[str]]] = []
        self.answers: list[int] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.received.append(request.form.to_dict(flat=False))
        status = self.answers.pop(0) if self.answers else 200
        return Response("ok" if status < 300 else "try later", status)(environ, start_response)


@pytest.fixture
def merchant() -> Iterator[tuple[Merchant, str]]:
    app = Merchant()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/pagos/confirmacion"
    server.shutdown()


def paid_ticket(container, url: str) -> str:
    result = container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="1001",
            trans_value=12345,
            url_response=url,
            references=("123456", "ORD-7"),
        )
    )
    container.sandbox.force_outcome(int(result.ticket_id), TranState.OK)
    return result.ticket_id


def callbacks(container) -> list[dict]:
    with container.uow() as uow:
        rows = uow.session.execute(select(CallbackRow.__table__).order_by(CallbackRow.id))
        return [dict(row) for row in rows.mappings()]


def test_an_approved_payment_is_posted_to_url_response_once(container, clock, merchant):
    app, url = merchant
    ticket = paid_ticket(container, url)
    assert deliver(container, clock) == 1
    assert deliver(container, clock) == 0
    [posted] = app.received
    assert posted["TicketId"] == [ticket] and posted["TranState"] == ["OK"]
    assert posted["TransValue"] == ["12345.00"] and posted["BankName"] == ["BANCO UNION COLOMBIANO"]
    assert posted["ReferenceArray"] == ["123456", "ORD-7"]
    [row] = callbacks(container)
    assert (row["status"], row["attempts"], row["state"]) == ("delivered", 1, "OK")


def test_a_failing_merchant_is_retried_on_schedule_and_every_attempt_recorded(
    container, clock, merchant
):
    app, url = merchant
    app.answers = [503, 500]
    paid_ticket(container, url)
    assert deliver(container, clock) == 1
    assert deliver(container, clock) == 0  # not due before its next attempt time
    clock.advance(seconds=30)
    assert deliver(container, clock) == 1
    clock.advance(seconds=59)
    assert deliver(container, clock) == 0
    clock.advance(seconds=1)
    assert deliver(container, clock) == 1
    assert len(app.received) == 3
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("delivered", 3)
    with container.uow() as uow:
        statuses = uow.session.scalars(
            select(CallbackAttemptRow.http_status).order_by(CallbackAttemptRow.id)
        ).all()
    assert statuses == [503, 500, 200]


def test_a_merchant_that_refuses_is_not_hammered(container, clock, merchant):
    app, url = merchant
    app.answers = [404]
    paid_ticket(container, url)
    deliver(container, clock)
    clock.advance(hours=2)
    assert deliver(container, clock) == 0
    assert callbacks(container)[0]["status"] == "failed"


def test_an_unreachable_merchant_is_retried_then_given_up_after_an_hour(container, clock):
    paid_ticket(container, "http://127.0.0.1:9/closed")
    tries = 0
    for _ in range(20):
        tries += deliver(container, clock)
        clock.advance(minutes=15)
    [row] = callbacks(container)
    assert (row["status"], row["attempts"], tries) == ("failed", 9, 9)
    assert row["next_attempt_at"] - row["created_at"] >= timedelta(minutes=60)


def test_no_url_response_owes_no_callback(container, clock):
    result = container.payments.create_transaction(
        CreatePayment(entity_code="10001", srv_code="1002", references=("123456",))
    )
    container.sandbox.force_outcome(int(result.ticket_id), TranState.OK)
    assert callbacks(container) == []
