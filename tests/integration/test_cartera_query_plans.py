"""The portfolio's look-ups read `cartera_invoices` through an index, at production size.

1 000 000 invoices are seeded in SQL (`bench/cartera_seed.py`) and ANALYZEd; each case runs the
real code path (the loader's use case, or the caja's repository methods, `gateway/store/caja.py`,
that consultarReferencia, consultarCartera and notificarPago answer from) and every statement
it sends is EXPLAINed, custom and generic plans (`tests/plan_checks.py`, the rules of
tests/integration/test_query_plans.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text

from bench.cartera_seed import seed_cartera
from gateway.bootstrap import Container, build
from gateway.domain.cartera_file import COLUMNS
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.usecases.cartera import Cartera
from tests.plan_checks import Case, Recorder, check_path, explain
from tests.support import fresh_postgres_schema, require_postgres

pytestmark = pytest.mark.postgres

INVOICES = 1_000_000
LARGE = frozenset({"cartera_invoices", "cartera_invoice_history"})


@dataclass
class World:
    container: Container
    cartera: Cartera


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    require_postgres()
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url, public_url="https://pagos.example.co")
        init_db(settings)
        seed_demo(settings)
        seed_cartera(url.replace("postgresql+psycopg://", "postgresql://", 1), INVOICES)
        container = build(settings)
        try:
            with container.engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT reltuples FROM pg_class WHERE relname = 'cartera_invoices'"
                        " AND relnamespace = current_schema()::regnamespace"
                    )
                ).scalar_one()
            assert rows >= INVOICES * 0.9, rows  # the statistics see the seed
            yield World(container, Cartera(container.uow))
        finally:
            container.close()


_RUNS = itertools.count()


def _file(references: range, new: range, run: int = 0) -> bytes:
    """A portfolio file: seeded references (with values of this `run`) and new ones."""
    lines = [",".join(COLUMNS)]
    rows = [(n, f"SEED-{n}") for n in references] + [(n, f"NEW-{run}-{n}") for n in new]
    for n, reference in rows:
        lines.append(
            f"10001,1001,{reference},,,CC,{1000000 + n},Cliente {n},Cuota,2027-01-{1 + n % 28:02d},"
            f"{200000 + n + run},,,,,N,,0"
        )
    return "\n".join(lines).encode()


def loader_updates_and_inserts(w: World) -> None:
    data = _file(range(1000, 1300), range(1, 200), run=next(_RUNS))
    report = w.cartera.load_file(data, name="plan.csv")
    assert report.inserted == 199 and report.unchanged == 0
    assert report.updated + len(report.skipped) == 300


def loader_unchanged(w: World) -> None:
    data = _file(range(5000, 5100), range(0))
    w.cartera.load_file(data, name="plan.csv")
    report = w.cartera.load_file(data, name="plan.csv")
    assert report.unchanged + len(report.skipped) == 100 and not report.updated


def caja_invoice_by_reference(w: World) -> None:
    with w.container.uow() as uow:
        found = uow.caja.invoice("10001", "1001", "SEED-777777")
        assert found is not None


def caja_invoice_locked(w: World) -> None:
    with w.container.uow() as uow:
        assert uow.caja.invoice("10001", "1001", "SEED-424242", for_update=True) is not None


def caja_customer_invoices(w: World) -> None:
    with w.container.uow() as uow:
        mine = uow.caja.unpaid_invoices("10001", "1001", "CC", "1000777")
        assert 3 <= len(mine) <= 4  # the seed gives every customer four, a few paid
        assert [s.invoice.installments[0].due_date for s in mine] == sorted(
            s.invoice.installments[0].due_date for s in mine
        )


CASES = (
    Case("cartera load: new and changed invoices", loader_updates_and_inserts, ("reference1",)),
    Case("cartera load: an unchanged file", loader_unchanged, ("reference1",)),
    Case("consultarReferencia: (entity, service, reference1)", caja_invoice_by_reference,
         ("reference1",)),
    Case("consultarCartera: a customer's invoices by due date", caja_customer_invoices,
         ("id_number",)),
    Case("notificarPago: the invoice, locked", caja_invoice_locked, ("reference1",)),
)  # fmt: skip


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_the_portfolio_reads_its_large_tables_through_an_index(world: World, case: Case) -> None:
    check_path(world.container.engine, lambda: case.run(world), case.name, case.touches, LARGE)


def _invoice_scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if plan.get("Relation Name") == "cartera_invoices" and plan["Node Type"] != "ModifyTable":
        yield plan
    for child in plan.get("Plans", ()):
        yield from _invoice_scans(child)


@pytest.mark.parametrize(
    ("case", "key"),
    [
        (CASES[0], "reference1"),
        (CASES[2], "reference1"),
        (CASES[3], "id_number"),
        (CASES[4], "reference1"),
    ],
    ids=["loader", "consultarReferencia", "consultarCartera", "notificarPago"],
)
def test_the_index_condition_holds_the_key_not_only_the_service(
    world: World, case: Case, key: str
) -> None:
    """An index on (entity, service, ...) also has an "Index Cond", on the service alone,
    while it walks every invoice of the service: the key itself must be in the condition (the
    loader's UPDATE finds its rows by id)."""
    recorder = Recorder()
    engine = world.container.engine
    event.listen(engine, "before_cursor_execute", recorder)
    try:
        case.run(world)
    finally:
        event.remove(engine, "before_cursor_execute", recorder)
    checked = 0
    for captured in {c.statement: c for c in recorder.statements}.values():
        if not captured.statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            continue
        if "cartera_invoices" not in captured.statement:
            continue
        for generic in (False, True):
            for scan in _invoice_scans(explain(engine, captured, generic=generic)):
                condition = scan.get("Index Cond") or scan.get("Recheck Cond") or ""
                wanted = "id" if captured.statement.lstrip().startswith("UPDATE") else key
                assert re.search(rf"\b{wanted}\b", condition), (
                    f"{case.name}: {scan['Node Type']} using {scan.get('Index Name')} "
                    f"({condition or 'no index condition'}) for {captured.statement[:200]}"
                )
                checked += 1
    assert checked, "no statement read cartera_invoices"
