"""The payer's "Reintentar" racing itself: several nodes retry the same failed payment at once
(a double submit reaching two nodes, two tabs). The chain's first ticket's row lock makes them
judge one after the other: exactly one retry, and every racer is sent to it."""

from __future__ import annotations

from collections import Counter

import pytest

from gateway.bootstrap import Container
from gateway.domain.transactions import TranState
from tests.integration.test_create_races import (
    KEYED,
    POSTGRES,
    SQLITE,
    chain,
    command,
    nodes,  # noqa: F401
    put_service,
    race,
)


def _token(container: Container, ticket: str) -> str:
    with container.uow() as uow:
        token = uow.transactions.session_of(int(ticket))
    assert token is not None
    return token


def _ticket(container: Container, token: str) -> str:
    with container.uow() as uow:
        return str(uow.transactions.ticket_for_session(token))


def _one_retry_short_of_the_cap(container: Container) -> tuple[str, str]:
    """Máximo Reintentos 2: the first ticket and its first retry both failed. (root, retry)"""
    root = container.payments.create_transaction(command()).ticket_id
    container.sandbox.force_outcome(int(root), TranState.FAILED)
    retry = _ticket(container, container.checkout.retry(_token(container, root)))
    container.sandbox.force_outcome(int(retry), TranState.NOT_AUTHORIZED)
    return root, retry


@POSTGRES
@pytest.mark.parametrize(
    "service",
    [
        {},  # no double-payment references: only the root's row lock orders the racers
        {"references": KEYED, "accepts_double_payment": False},
        {"references": KEYED, "daily_attempt_limit": 50},
    ],
    ids=["no-key", "key-refusing-double-payment", "key-and-payer-day"],
)
def test_racing_retries_of_one_failed_payment_make_exactly_one(container, nodes, service):  # noqa: F811
    put_service(container, max_retries=2, **service)
    root, retry = _one_retry_short_of_the_cap(container)
    token = _token(container, retry)
    results = race(nodes(8), lambda node, _i: node.checkout.retry(token))
    assert len(Counter(results)) == 1, "the racers were sent to different payments"
    (landed,) = set(results)
    second = _ticket(container, landed)
    assert chain(container, root) == [(retry, "NOT_AUTHORIZED"), (second, "CREATED")]


@SQLITE
def test_on_sqlite_racing_retries_make_exactly_one(container, nodes):  # noqa: F811
    put_service(container, max_retries=2)
    root, retry = _one_retry_short_of_the_cap(container)
    token = _token(container, retry)
    for _round in range(3):
        results = race(nodes(2), lambda node, _i: node.checkout.retry(token))
        assert results[0] == results[1]
    assert len(chain(container, root)) == 2
