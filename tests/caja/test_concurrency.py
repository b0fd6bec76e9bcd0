"""The caja under concurrency on PostgreSQL: many gateway threads, each its own connection,
released together by a barrier.

- 200 identical notificarPago (same bank, idTransaccion, payload) apply once: one payment, one
  transaction, one invoice change, every answer 000, exactly one not marked duplicate. Also with
  the advisory lock switched off: the caja_operations unique constraint alone decides.
- 50 different payments of one partial-payment invoice never pay more than it owes.
- A payment and its reversal racing end one of two consistent ways.

PostgreSQL here allows 100 connections and other suites run beside this one: the threads share
a pool of POOL connections (a thread waits for one, then holds it for its whole unit of work).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from gateway.bootstrap import lifetimes
from gateway.caja.codes import CajaCode, CajaRefusal
from gateway.caja.service import Caja
from gateway.settings import Settings
from gateway.store.caja import CajaRepository
from gateway.store.caja_tables import InvoiceHistoryRow, OperationRow, PaymentRow, ReversalRow
from gateway.store.models import CallbackRow, TransactionRow
from gateway.store.uow import unit_of_work_factory
from tests.caja.support import (
    CALLER,
    NOW,
    add_invoice,
    count,
    invoice_row,
    pago,
    reverso,
    seed_caja,
)
from tests.support import FrozenClock, fresh_postgres_schema, require_postgres

pytestmark = pytest.mark.postgres

POOL = 40


@pytest.fixture
def world() -> Iterator[tuple[Caja, Callable[..., Any]]]:
    require_postgres()
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url, public_url="https://pagos.example.co")
        seed_caja(settings)
        engine = create_engine(url, pool_size=POOL, max_overflow=0, pool_timeout=300)
        uow = unit_of_work_factory(engine)
        yield Caja(uow, FrozenClock(NOW), settings, lifetimes(settings)), uow
        engine.dispose()


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call on its own thread, all released at once; answers or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(position: int) -> None:
        barrier.wait()
        try:
            results[position] = calls[position]()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[position] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


@pytest.mark.parametrize("advisory_lock", [True, False], ids=["as-deployed", "constraint-only"])
def test_200_identical_payments_apply_once(world, monkeypatch, advisory_lock):
    caja, uow = world
    if not advisory_lock:
        monkeypatch.setattr(CajaRepository, "lock_transaction_key", lambda self, *key: None)
    add_invoice(uow, "F-RACE", value="150000")
    command = pago("F-RACE", "150000", id_transaccion="TX-RACE")
    results = together([lambda: caja.notificar_pago(CALLER, command)] * 200)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert Counter(r.duplicado for r in results) == {True: 199, False: 1}
    assert len({(r.numero_autorizacion_empresa, r.estado_pago) for r in results}) == 1
    assert count(uow, OperationRow) == 1
    assert count(uow, PaymentRow) == 1
    assert count(uow, TransactionRow) == 1
    assert count(uow, CallbackRow) == 1
    assert count(uow, InvoiceHistoryRow) == 1
    row = invoice_row(uow, "F-RACE")
    assert (row.state, row.paid_total, row.version) == ("PAGADA", Decimal("150000.00"), 2)


def test_50_different_payments_never_overpay_a_partial_invoice(world):
    caja, uow = world
    add_invoice(uow, "F-PARTIAL", value="100000", partial=True, minimum="1000")
    rng = random.Random(7)
    amounts = [Decimal(rng.randrange(3000, 9001)) for _ in range(50)]
    commands = [pago("F-PARTIAL", str(a), id_transaccion=f"TX-P{i}") for i, a in enumerate(amounts)]
    results = together([lambda c=c: caja.notificar_pago(CALLER, c) for c in commands])

    applied = [a for a, r in zip(amounts, results, strict=True) if not isinstance(r, Exception)]
    refusals = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, CajaRefusal) for r in refusals), refusals
    assert {r.code for r in refusals} <= {CajaCode.VALOR_NO_CORRESPONDE, CajaCode.FACTURA_PAGADA}
    row = invoice_row(uow, "F-PARTIAL")
    assert row.paid_total == sum(applied) <= Decimal("100000")
    assert row.balance == Decimal("100000") - row.paid_total
    assert (row.state == "PAGADA") == (row.paid_total == Decimal("100000"))
    # Each refusal came when what was left could not take its amount.
    assert all(a > Decimal("100000") - sum(applied) for a, r in zip(amounts, results, strict=True)
               if isinstance(r, CajaRefusal)) or row.state == "PAGADA"  # fmt: skip
    assert count(uow, PaymentRow) == len(applied) == count(uow, InvoiceHistoryRow)
    assert count(uow, TransactionRow, TransactionRow.state == "OK") == len(applied)
    assert row.version == 1 + len(applied)


def test_a_payment_racing_its_reversal_ends_consistently(world):
    caja, uow = world
    rounds = 15
    calls = []
    for i in range(rounds):
        add_invoice(uow, f"F-R{i}")
        calls.append(
            lambda i=i: caja.notificar_pago(CALLER, pago(f"F-R{i}", id_transaccion=f"TX-O{i}"))
        )
        calls.append(
            lambda i=i: caja.reversar_pago(
                CALLER, reverso(f"TX-O{i}", f"F-R{i}", id_transaccion=f"TX-V{i}")
            )
        )
    results = together(calls)
    for i in range(rounds):
        paid, reversed_ = results[2 * i], results[2 * i + 1]
        row = invoice_row(uow, f"F-R{i}")
        if isinstance(paid, CajaRefusal):
            # The reversal came first: it was kept (010) and blocked the payment (009).
            assert (paid.code, reversed_.code) == (
                CajaCode.REVERSO_YA_REALIZADO,
                CajaCode.ORIGINAL_NO_EXISTE,
            )
            assert row.paid_total == 0
        else:
            # The payment came first, then the reversal undid it.
            assert not isinstance(reversed_, Exception), reversed_
            assert (row.state, row.paid_total) == ("PENDIENTE", Decimal("0.00"))
            with uow() as unit:
                state = unit.session.scalar(
                    select(TransactionRow.state).where(
                        TransactionRow.ticket_id == int(paid.numero_autorizacion_empresa)
                    )
                )
            assert state == "NOT_AUTHORIZED"
    assert count(uow, ReversalRow) == rounds
