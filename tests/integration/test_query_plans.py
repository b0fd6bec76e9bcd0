"""Every query on a hot or periodic path uses an index on big tables (PostgreSQL plans).

A schema is seeded in SQL with 150 000 payments and their references, history, callbacks and
attempts (`bench/seed.py`, the mix `bench/run --scale` uses), then ANALYZEd, so the planner
prefers an index whenever one fits. Each case runs one real code path (a use case or a job),
records what it sends with a `before_cursor_execute` listener, and EXPLAINs (FORMAT JSON) every
captured SELECT/UPDATE/DELETE/INSERT with the parameters it was sent with (plain EXPLAIN never
executes the statement). A case fails on:

* a Seq Scan of a large table (the five below, or any table the statistics say holds more than
  10 000 rows);
* an Index Scan of a large table with no Index Cond: a walk over the whole index (typically the
  primary key, read in order to satisfy ORDER BY … LIMIT) is a sequential scan in disguise.

The custom plan (with the real parameters) is what is checked: psycopg prepares a statement
after five executions and PostgreSQL then switches to a generic plan only when it is no
costlier than the custom ones, so a sequential generic plan is never chosen over these.

The cases are a table: add one when a hot path appears, point one at the new function when a
path moves. Each case names the columns it exists for (`touches`), so a case that silently
stops reaching its query fails too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from bench.seed import (
    KEYED_SERVICE,
    LARGE_TABLES,
    LIMITED_SERVICE,
    PINS_SERVICE,
    Seeded,
    prepare_catalog,
    seed_payments,
    seed_pins,
)
from gateway.bootstrap import Container, build
from gateway.domain.errors import GatewayError
from gateway.domain.payment_rules import RetryOffer
from gateway.domain.transactions import TranState
from gateway.jobs.callbacks import deliver_due
from gateway.jobs.expiry import expire_due
from gateway.jobs.http_sender import SendResult
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.usecases.commands import CreatePayment
from tests.plan_checks import Case, check_path
from tests.support import FrozenClock, fresh_postgres_schema, require_postgres

pytestmark = pytest.mark.postgres

PAYMENTS = 150_000
PINS = 100_000
BIG_ROWS = 10_000
EXPLAINABLE = ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")


@dataclass
class World:
    container: Container
    #: A second engine for the cases' own look-ups, so that only the path under test is recorded.
    lookup: Engine
    seeded: Seeded
    large: frozenset[str]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    require_postgres()
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url, public_url="https://pagos.example.co")
        init_db(settings)
        seed_demo(settings)
        prepare_catalog(url)
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        seeded = seed_payments(dsn, PAYMENTS)
        seed_pins(dsn, PINS, assigned=PINS // 2)
        container = build(settings)
        # One approved payment with a PIN of its own, whichever worker runs which case.
        _approve_a_pin_payment(container)
        lookup = create_engine(url)
        try:
            with lookup.connect() as connection:
                big = connection.execute(
                    text(
                        "SELECT c.relname FROM pg_class c"
                        " WHERE c.relnamespace = current_schema()::regnamespace"
                        " AND c.relkind = 'r' AND c.reltuples > :rows"
                    ),
                    {"rows": BIG_ROWS},
                ).scalars()
                large = frozenset(LARGE_TABLES) | frozenset(big)
            yield World(container, lookup, seeded, large)
        finally:
            container.close()
            lookup.dispose()


# --- what the cases run ------------------------------------------------------------------


def _one(world: World, sql: str, **params: Any) -> Any:
    with world.lookup.connect() as connection:
        value = connection.execute(text(sql), params).first()
    assert value is not None, f"the seed has no row for: {sql}"
    return value


def _create(world: World, srv_code: str, references: tuple[str, ...]) -> str:
    result = world.container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code=srv_code,
            trans_value=Decimal(150000),
            trans_vat_value=Decimal(0),
            references=references,
        )
    )
    return result.return_code.value


def _references(world: World, ticket_id: int) -> tuple[str, ...]:
    with world.lookup.connect() as connection:
        rows = connection.execute(
            text("SELECT value FROM transaction_references WHERE ticket_id = :t ORDER BY position"),
            {"t": ticket_id},
        ).scalars()
        return tuple(rows)


def information_with_retry_chain(world: World) -> None:
    (root,) = _one(
        world,
        "SELECT retry_of FROM transactions WHERE retry_of IS NOT NULL ORDER BY ticket_id LIMIT 1",
    )
    info = world.container.payments.get_transaction_information("10001", str(root))
    assert info.return_code.value == "SUCCESS" and len(info.retries) == 2, info


def create_with_a_new_double_payment_key(world: World) -> None:
    code = _create(world, KEYED_SERVICE, ("4455667788", "ORD-new-key", "new@example.com"))
    assert code == "SUCCESS"


def create_refused_as_a_double_payment(world: World) -> None:
    (ticket,) = _one(
        world,
        "SELECT ticket_id FROM transactions WHERE srv_code = :s AND state = 'OK'"
        " AND double_payment_lock IS NOT NULL ORDER BY ticket_id DESC LIMIT 1",
        s=KEYED_SERVICE,
    )
    assert _create(world, KEYED_SERVICE, _references(world, ticket)) == "FAIL_INVALIDREFERENCE1"


def create_retry_counts_the_chain(world: World) -> None:
    """The chain's latest payment failed: the create is a retry, over "Máximo Reintentos"."""
    (latest,) = _one(
        world,
        "SELECT ticket_id FROM transactions WHERE srv_code = :s AND retry_of = ticket_id - 2"
        " AND state IN ('NOT_AUTHORIZED', 'FAILED', 'EXPIRED') ORDER BY ticket_id LIMIT 1",
        s=KEYED_SERVICE,
    )
    assert _create(world, KEYED_SERVICE, _references(world, latest)) == "FAIL_INVALIDPOLICY"


def create_checks_the_payers_day(world: World) -> None:
    (ticket,) = _one(
        world,
        "SELECT ticket_id FROM transactions WHERE srv_code = :s ORDER BY ticket_id DESC LIMIT 1",
        s=LIMITED_SERVICE,
    )
    payer = _references(world, ticket)[0]
    code = _create(world, LIMITED_SERVICE, (payer, "ORD-day-check", "day@example.com"))
    assert code in {"SUCCESS", "FAIL_INVALIDPOLICY", "FAIL_INVALIDTRANSVALUE"}, code


def payer_page_by_session_token(world: World) -> None:
    (token,) = _one(
        world,
        "SELECT session_token FROM transactions WHERE state = 'OK' ORDER BY ticket_id DESC LIMIT 1",
    )
    world.container.checkout.page(token)


def _token_of(world: World, where: str, **params: Any) -> str:
    (token,) = _one(
        world,
        f"SELECT session_token FROM transactions WHERE {where} ORDER BY ticket_id DESC LIMIT 1",
        **params,
    )
    return str(token)


def payer_receipt_with_its_retry_offer(world: World) -> None:
    token = _token_of(world, "state = 'NOT_AUTHORIZED' AND srv_code = :s", s=KEYED_SERVICE)
    assert world.container.checkout.page(token).retry is not RetryOffer.NONE


def payer_retry_counts_the_chain_under_its_lock(world: World) -> None:
    """Whatever the chain says (a new retry, its newest payment, the cap), it was read."""
    token = _token_of(world, "state = 'FAILED' AND srv_code = :s", s=KEYED_SERVICE)
    try:
        world.container.checkout.retry(token)
    except GatewayError:
        pass


def payer_page_with_the_double_payment_notice(world: World) -> None:
    token = _token_of(world, "state = 'CREATED' AND srv_code = :s", s=KEYED_SERVICE)
    world.container.checkout.page(token)


def approval_takes_the_next_free_pin(world: World) -> None:
    """A card approved at once: the confirmation takes a PIN from a half-given list of 100 000
    and queues the receipt mails."""
    _approve_a_pin_payment(world.container)


def _approve_a_pin_payment(container: Container) -> None:
    result = container.payments.process_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code=PINS_SERVICE,
            trans_value=Decimal(150000),
            trans_vat_value=Decimal(0),
            references=("4455667788", "ORD-pin", "pin@example.com"),
            payment_system="1",
            auth_references=("4111111111111111", "12/2030", "123", "1"),
        )
    )
    assert result.tran_state == "OK", result


def receipt_reads_its_pin(world: World) -> None:
    (token,) = _one(
        world,
        "SELECT t.session_token FROM transactions t JOIN service_pins p USING (ticket_id)"
        " WHERE t.srv_code = :s AND t.state = 'OK' LIMIT 1",
        s=PINS_SERVICE,
    )
    receipt = world.container.checkout.page(token).receipt
    assert receipt is not None and receipt.pin, receipt


def expiry_job(world: World) -> None:
    later = FrozenClock(datetime.now(UTC) + timedelta(hours=2))
    assert expire_due(world.container.uow, later) > 0


def outbox_job(world: World) -> None:
    later = FrozenClock(datetime.now(UTC) + timedelta(hours=1))
    sent: list[str] = []

    def merchant_says_ok(url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        sent.append(url)
        return SendResult(status=200, excerpt="OK")

    assert deliver_due(world.container.uow, later, send=merchant_says_ok) > 0
    assert sent


def callbacks_per_ticket(world: World) -> None:
    """A bank answers a PENDING payment: the final state's callback is owed and an unsent
    PENDING one of the same ticket superseded (found by ticket)."""
    (ticket,) = _one(
        world,
        "SELECT ticket_id FROM transactions WHERE state = 'PENDING'"
        " AND url_response IS NOT NULL ORDER BY ticket_id DESC LIMIT 1",
    )
    assert world.container.sandbox is not None
    world.container.sandbox.force_outcome(ticket, TranState.OK)


CASES = (
    Case(
        "getTransactionInformation with its retry chain",
        information_with_retry_chain,
        ("retry_of",),
    ),
    Case(
        "create: double-payment key lookup",
        create_with_a_new_double_payment_key,
        ("double_payment_key",),
    ),
    Case(
        "create: double payment refused",
        create_refused_as_a_double_payment,
        ("double_payment_key",),
    ),
    Case("create: retries of the chain counted", create_retry_counts_the_chain, ("retry_of",)),
    Case("create: payer's daily totals", create_checks_the_payers_day, ("payer_key",)),
    Case("payer page by session token", payer_page_by_session_token, ("session_token",)),
    Case("payer's receipt: retry chain", payer_receipt_with_its_retry_offer, ("retry_of",)),
    Case("payer's retry: chain", payer_retry_counts_the_chain_under_its_lock, ("retry_of",)),
    Case(
        "payer page: double-payment notice",
        payer_page_with_the_double_payment_notice,
        ("double_payment_key",),
    ),
    Case("approval: next free PIN", approval_takes_the_next_free_pin, ("service_pins",)),
    Case("receipt: its PIN", receipt_reads_its_pin, ("service_pins",)),
    Case("expiry job: payments due", expiry_job, ("expires_at",)),
    Case("outbox job: callbacks due", outbox_job, ("next_attempt_at",)),
    Case("callbacks of a ticket", callbacks_per_ticket, ("merchant_callbacks",)),
)


# --- plans -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_the_path_reads_large_tables_through_an_index(world: World, case: Case) -> None:
    check_path(
        world.container.engine, lambda: case.run(world), case.name, case.touches, world.large
    )
