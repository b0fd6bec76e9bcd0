"""Round trips to PostgreSQL per createTransactionPayment and getTransactionInformation, counted
on the wire.

libpq's own protocol trace of the gateway's connections (psycopg's `PGconn.trace`) shows every
message; each ReadyForQuery the server sends ends one round trip (a BEGIN, a statement, a
COMMIT or ROLLBACK). The counts are the design of `store/transactions.py` and
`Payments._read_information`: a regression that adds a statement or a BEGIN to the create path
or to the read merchants poll fails here. psycopg's pipeline mode sends
several statements before it waits (`gateway/store/pipeline.py`).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from psycopg import pq
from sqlalchemy import event

from gateway.bootstrap import Container
from gateway.seed import DEMO_SERVICES
from gateway.usecases.commands import CreatePayment

pytestmark = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
#: psycopg prepares a statement on its 5th execution (one more round trip, once): warm past it.
WARM_UP = 6


class Wire:
    """Every protocol message on the container's pooled connections while they are checked out."""

    def __init__(self, container: Container) -> None:
        self._file = tempfile.TemporaryFile("w+")
        event.listen(container.engine, "checkout", self._checkout)
        event.listen(container.engine, "checkin", self._checkin)

    def _checkout(self, dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.pgconn.trace(self._file.fileno())
        dbapi_connection.pgconn.set_trace_flags(
            pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
        )

    def _checkin(self, dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.pgconn.untrace()

    def round_trips(self, call: Callable[[], object]) -> tuple[int, object]:
        self._file.seek(0)
        self._file.truncate()
        result = call()
        self._file.seek(0)
        return self._file.read().count("\tReadyForQuery\t"), result


@pytest.fixture
def wire(container: Container) -> Iterator[Wire]:
    yield Wire(container)


def put_service(container: Container, code: str, **changes) -> None:
    with container.uow() as uow:
        uow.catalog.put_service(dataclasses.replace(DEMO_SERVICES[0], code=code, **changes))
        uow.commit()


def creator(container: Container, srv_code: str) -> Callable[[], str]:
    count = iter(range(10**6))

    def create() -> str:
        n = next(count)
        command = CreatePayment(
            entity_code="10001",
            srv_code=srv_code,
            trans_value=Decimal(1000),
            trans_vat_value=Decimal(0),
            references=(f"payer-{n}", f"order-{n}", "payer@example.co"),
        )
        return container.payments.create_transaction(command).return_code.value

    for _ in range(WARM_UP):
        assert create() == "SUCCESS"
    return create


def test_a_create_without_limits_or_double_payment_key_is_one_round_trip(container, wire):
    """Demo service 1001 (what bench/ measures): one autocommit statement, no BEGIN/COMMIT."""
    create = creator(container, "1001")
    assert [wire.round_trips(create) for _ in range(3)] == [(1, "SUCCESS")] * 3


@pytest.mark.parametrize(
    "changes",
    [
        {"daily_attempt_limit": 3},
        {"daily_value_limit": True, "daily_limit_pse": Decimal(10**6), "accepts_cash": False,
         "daily_limit_credit_card": Decimal(10**6)},
        {"references": (dataclasses.replace(DEMO_SERVICES[0].references[0],
                                            double_payment_control=True),),
         "accepts_double_payment": False, "daily_attempt_limit": 3},
    ],
    ids=["attempt-limit", "value-limit", "double-payment-key-and-limit"],
)  # fmt: skip
def test_a_create_under_rules_is_two_round_trips(container, wire, changes):
    """BEGIN + the locks + the rule facts in one pipeline; the INSERT + COMMIT in another."""
    put_service(container, "2001", **changes)
    create = creator(container, "2001")
    assert [wire.round_trips(create) for _ in range(3)] == [(2, "SUCCESS")] * 3


def test_a_refused_create_is_the_facts_and_a_rollback(container, wire):
    put_service(container, "2001", daily_attempt_limit=1)
    command = CreatePayment(
        entity_code="10001",
        srv_code="2001",
        trans_value=Decimal(1000),
        references=("1032456789",),
    )
    for _ in range(WARM_UP):
        container.payments.create_transaction(command)
    trips, result = wire.round_trips(lambda: container.payments.create_transaction(command))
    assert (trips, result.return_code.value) == (2, "FAIL_INVALIDPOLICY")


def test_get_transaction_information_is_one_round_trip(container, wire):
    """The call merchants poll: one SELECT in autocommit (no BEGIN, no ROLLBACK), with the
    references and the retry chain in it."""
    create = creator(container, "1001")
    with container.engine.connect() as connection:
        ticket = connection.exec_driver_sql("SELECT max(ticket_id) FROM transactions").scalar()

    def read() -> tuple[str, int]:
        info = container.payments.get_transaction_information("10001", str(ticket))
        return info.return_code.value, len(info.references)

    for _ in range(WARM_UP):
        read()
    assert create() == "SUCCESS"
    assert [wire.round_trips(read) for _ in range(3)] == [(1, ("SUCCESS", 3))] * 3
