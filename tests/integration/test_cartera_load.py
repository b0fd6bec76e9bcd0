"""`ecollect-gateway cartera load` on SQLite and PostgreSQL: a file with any error changes
nothing and names every error; a reload updates unpaid invoices, inserts new ones and never
touches one with money on it; every write leaves a history row; the statements do not grow
with the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text

from gateway.cli import main
from gateway.domain.cartera_file import COLUMNS
from gateway.settings import Settings
from gateway.store.caja_tables import InvoiceHistoryRow, InvoiceRow
from gateway.store.db import init_db, make_engine
from gateway.store.uow import unit_of_work_factory
from gateway.usecases.cartera import Cartera
from tests.support import rows_of, table_dump, write_file

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(COLUMNS)


def row(reference: str, value: str = "100000", service: str = "1002", **changes: str) -> str:
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        entity_code="10001",
        srv_code=service,
        referencia1=reference,
        tipo_identificacion="CC",
        numero_identificacion="1032456789",
        nombre="Ana Pérez",
        descripcion="Cuota",
        fecha_vencimiento_1="2026-12-15",
        valor_1=value,
        pago_parcial="N",
        dias_mora="0",
    )
    values.update(changes)
    return ",".join(values[name] for name in COLUMNS)


@pytest.fixture
def db(database_url, monkeypatch) -> str:
    """The demo configuration (entity 10001, services 1001 and 1002), sandbox off: no demo
    invoices, only the ones the test loads."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_SANDBOX", "false")
    init_db(Settings(database_url=database_url))
    assert main(["seed", "demo"]) == 0
    return database_url


def write(tmp_path: Path, *lines: str, name: str = "cartera.csv") -> str:
    return write_file(tmp_path, name, "\n".join((HEADER, *lines)) + "\n")


def portfolio(database_url: str) -> dict[str, list[tuple]]:
    """Every invoice and history row, ids and versions included."""
    return table_dump(database_url, (InvoiceRow, InvoiceHistoryRow))


def invoices(database_url: str) -> dict[str, tuple]:
    columns = ("reference1", "value_1", "state", "paid_total", "balance", "version")
    query = select(*(InvoiceRow.__table__.c[name] for name in columns))
    return {r[0]: r[1:] for r in rows_of(database_url, query)}


def history(database_url: str) -> list[tuple[str, str | None, str, dict]]:
    query = (
        select(
            InvoiceRow.reference1,
            InvoiceHistoryRow.from_state,
            InvoiceHistoryRow.source,
            InvoiceHistoryRow.detail,
        )
        .join(InvoiceRow, InvoiceRow.id == InvoiceHistoryRow.invoice_id)
        .order_by(InvoiceHistoryRow.id)
    )
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows_of(database_url, query)]


def pay(database_url: str, reference: str, paid: str, state: str = "PENDIENTE") -> None:
    """What a teller payment (the caja helper's use case) leaves on an invoice."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE cartera_invoices SET paid_total = :paid, state = :state, "
                    "version = version + 1 WHERE reference1 = :reference"
                ),
                {"paid": paid, "state": state, "reference": reference},
            )
    finally:
        engine.dispose()


def test_a_first_load_creates_every_invoice_with_a_history_row(db, tmp_path, capsys):
    path = write(tmp_path, row("FAC-1"), row("FAC-2", "250000.50"), row("FAC-1", service="1001"))
    assert main(["cartera", "load", path]) == 0
    assert capsys.readouterr().out.strip() == (
        "cartera cargada: 3 nuevas, 0 actualizadas, 0 sin cambios, 0 omitidas (con pagos o "
        "anuladas)"
    )
    value, state, paid, balance, version = invoices(db)["FAC-2"]
    assert (str(value), state, str(paid), str(balance), version) == (
        "250000.50",
        "PENDIENTE",
        "0.00",
        "250000.50",
        1,
    )
    assert [(ref, before, source, detail) for ref, before, source, detail in history(db)] == [
        ("FAC-1", None, "cartera_load", {"file": path, "line": 2, "change": "created"}),
        ("FAC-2", None, "cartera_load", {"file": path, "line": 3, "change": "created"}),
        ("FAC-1", None, "cartera_load", {"file": path, "line": 4, "change": "created"}),
    ]


def test_text_is_stored_exactly_as_written(db, tmp_path):
    """Backslashes (COPY's escape character, and its \\N for NULL), quotes and non-ASCII
    survive the insert (COPY on PostgreSQL) and the update paths alike."""
    tricky = 'Cuota 1\\2 "A" ñ€ \\N'
    quoted = '"' + tricky.replace('"', '""') + '"'
    assert main(["cartera", "load", write(tmp_path, row("T-1", descripcion=quoted))]) == 0
    query = select(InvoiceRow.description).where(InvoiceRow.reference1 == "T-1")
    assert rows_of(db, query) == [(tricky,)]
    again = write(tmp_path, row("T-1", "5", descripcion=quoted), name="again.csv")
    assert main(["cartera", "load", again]) == 0
    assert rows_of(db, query) == [(tricky,)]


def test_a_file_with_any_error_changes_nothing_and_names_every_error(db, tmp_path, capsys):
    assert main(["cartera", "load", write(tmp_path, row("FAC-1"), row("FAC-2"))]) == 0
    before = portfolio(db)
    path = write(
        tmp_path,
        row("FAC-1", "120000"),  # 2: a valid update...
        row("FAC-3"),  # 3: ...and a valid insert, neither applied
        row("FAC-4", entity_code="99999"),  # 4
        row("FAC-5", service="7777"),  # 5
        row("FAC-6", valor_1='"1.000,50"'),  # 6: quoted, as a spreadsheet writes it
        row("FAC-7", service="7777"),  # 7
        row("FAC-3"),  # 8
        name="broken.csv",
    )
    capsys.readouterr()
    assert main(["cartera", "load", path]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{path}: línea 4: entity_code: la entidad 99999 no existe",
        f"{path}: línea 5: srv_code: la entidad 10001 no tiene el servicio 7777",
        f"{path}: línea 6: valor_1: «1.000,50» no es un valor: use punto decimal y ningún "
        "separador de miles (1500000.50)",
        f"{path}: línea 7: srv_code: la entidad 10001 no tiene el servicio 7777",
        f"{path}: línea 8: referencia1: FAC-3 ya está en la línea 3 (una factura por "
        "referencia en el servicio 10001/1002)",
        "5 error(es); no se cambió nada",
    ]
    assert portfolio(db) == before


def test_reloading_updates_unpaid_invoices_and_never_touches_paid_ones(db, tmp_path, capsys):
    first = write(
        tmp_path,
        row("PAID"),
        row("PARTLY", pago_parcial="S", valor_minimo="10000"),
        row("VOID"),
        row("UNPAID"),
        row("SAME"),
    )
    assert main(["cartera", "load", first]) == 0
    pay(db, "PAID", "100000", state="PAGADA")
    pay(db, "PARTLY", "30000")
    pay(db, "VOID", "0", state="ANULADA")
    before = invoices(db)
    history_before = len(history(db))

    second = write(
        tmp_path,
        row("NEW", "70000"),  # 2
        row("PAID", "999999"),  # 3
        row("UNPAID", "150000", fecha_vencimiento_2="2026-12-30", valor_2="160000"),  # 4
        row("PARTLY", "999999", pago_parcial="S", valor_minimo="10000"),  # 5
        row("SAME"),  # 6
        row("VOID", "5"),  # 7
        name="second.csv",
    )
    capsys.readouterr()
    assert main(["cartera", "load", second]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "línea 3: referencia1 PAID (10001/1002): no se modificó, la factura está pagada",
        "línea 5: referencia1 PARTLY (10001/1002): no se modificó, la factura tiene pagos por "
        "30000.00",
        "línea 7: referencia1 VOID (10001/1002): no se modificó, la factura está anulada",
        "cartera cargada: 1 nuevas, 1 actualizadas, 1 sin cambios, 3 omitidas (con pagos o "
        "anuladas)",
    ]
    after = invoices(db)
    for untouched in ("PAID", "PARTLY", "VOID", "SAME"):
        assert after[untouched] == before[untouched], untouched
    value, state, paid, balance, version = after["UNPAID"]
    assert (str(value), state, str(paid), str(balance)) == (
        "150000.00",
        "PENDIENTE",
        "0.00",
        "150000.00",
    )
    assert version == before["UNPAID"][4] + 1  # a payment that read it before must re-read
    assert str(after["NEW"][0]) == "70000.00"
    assert history(db)[history_before:] == [
        ("NEW", None, "cartera_load", {"file": second, "line": 2, "change": "created"}),
        (
            "UNPAID",
            "PENDIENTE",
            "cartera_load",
            {"file": second, "line": 4, "fields": ["value_1", "due_date_2", "value_2"]},
        ),
    ]


def test_a_dry_run_reports_and_writes_nothing(db, tmp_path, capsys):
    assert main(["cartera", "load", write(tmp_path, row("FAC-1"))]) == 0
    before = portfolio(db)
    capsys.readouterr()
    path = write(tmp_path, row("FAC-1", "5"), row("FAC-2"), name="dry.csv")
    assert main(["cartera", "load", "--dry-run", path]) == 0
    assert capsys.readouterr().out.strip() == (
        "cartera revisada (prueba: no se escribió nada): 1 nuevas, 1 actualizadas, 0 sin "
        "cambios, 0 omitidas (con pagos o anuladas)"
    )
    assert portfolio(db) == before


def test_an_unreadable_file_is_a_clear_error(db, tmp_path, capsys):
    assert main(["cartera", "load", str(tmp_path / "missing.csv")]) == 1
    assert "cartera load: no se puede leer" in capsys.readouterr().err
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(f"{HEADER}\n{row('FAC-1')}\n".encode("latin-1"))
    assert main(["cartera", "load", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}: línea 2: el archivo no es texto UTF-8 (byte 0xE9); guárdelo como «CSV UTF-8» y "
        "cárguelo de nuevo",
        "1 error(es); no se cambió nada",
    ]


def test_the_command_end_to_end_in_its_own_process_and_from_standard_input(db, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GATEWAY_DATABASE_URL": db,
        "GATEWAY_SANDBOX": "false",
    }
    path = write(tmp_path, row("FAC-1"), row("FAC-2"))
    command = [sys.executable, "-m", "gateway.cli", "cartera", "load"]
    done = subprocess.run([*command, path], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 nuevas" in done.stdout
    again = subprocess.run(
        [*command, "-"],
        env=env,
        input=f"\ufeff{HEADER}\r\n{row('FAC-1', '1')}\r\n{row('FAC-9', valor_1='')}\r\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1
    assert again.stderr.splitlines() == [
        "<stdin>: línea 3: valor_1: es obligatorio",
        "1 error(es); no se cambió nada",
    ]
    assert set(invoices(db)) == {"FAC-1", "FAC-2"}
    assert str(invoices(db)["FAC-1"][0]) == "100000.00"


def test_the_statements_sent_do_not_grow_with_the_file(db, tmp_path):
    """Batched reads and writes: round trips, not rows, are what a large file costs. On
    PostgreSQL (arrays) a load of 3 000 lines sends as many statements as one of 30 (and an
    ANALYZE); on SQLite
    (bounded by its 32 766 bound values) a few more, one per 500 rows inserted."""
    engine = make_engine(db)
    cartera = Cartera(unit_of_work_factory(engine))

    def statements(lines: int, offset: str) -> int:
        sent: list[str] = []
        listener = lambda *args: sent.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            data = "\n".join(
                (HEADER, *(row(f"R{offset}-{n}", service="1001") for n in range(lines)))
            )
            report = cartera.load_file(data.encode(), name="big.csv")
            assert report.inserted == lines
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(sent)

    try:
        small, large = statements(30, "a"), statements(3000, "b")
    finally:
        engine.dispose()
    assert small <= 8 and large <= 3000 // 200, (small, large)
    if engine.dialect.name == "postgresql":
        assert large == small + 1  # the ANALYZE after inserting more than a thousand
