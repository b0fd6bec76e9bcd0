"""The invoice portfolio at production size: seeded in SQL, or written as a portfolio file.

`seed_cartera(dsn, invoices)` adds `invoices` rows to `cartera_invoices` of one service (set
based, generate_series: about 20 s for 1 000 000 here), beside whatever exists, then ANALYZEs
the table so the planner sees its real size:

    reference1   SEED-<n> (the loader's and consultarReferencia's key)
    customer     invoices / 4 customers, CC <n mod customers>: four invoices each, due dates a
                 month apart (consultarCartera's listing)
    due dates    one to three, from 60 days ago to 300 days ahead
    state        90 % PENDIENTE unpaid, 5 % PAGADA, 5 % PENDIENTE partly paid

`write_cartera_csv(path, lines)` writes a portfolio file of `lines` invoices (SEED-1..), with
three due dates on every third and partial payment on every fifth, for `cartera load`
benchmarks (bench/cartera_load.py). Used by tests/integration/test_cartera_query_plans.py.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import psycopg

from gateway.domain.cartera_file import COLUMNS

SEED = """
INSERT INTO cartera_invoices
  (entity_code, srv_code, reference1, reference2, reference3, id_type, id_number, name,
   description, due_date_1, value_1, due_date_2, value_2, due_date_3, value_3,
   partial_allowed, minimum_value, minimum_percent, overdue_days, state, paid_total, balance,
   created_at, updated_at, version)
SELECT %(entity)s, %(service)s, 'SEED-' || (%(base)s + g), NULL, NULL, 'CC',
       (1000000 + g %% %(customers)s)::text, 'Cliente ' || (g %% %(customers)s), 'Factura ' || g,
       d1, 100000 + g %% 1000, CASE WHEN g %% 3 = 0 THEN d1 + 10 END,
       CASE WHEN g %% 3 = 0 THEN 110000 + g %% 1000 END,
       CASE WHEN g %% 3 = 0 THEN d1 + 20 END, CASE WHEN g %% 3 = 0 THEN 120000 + g %% 1000 END,
       g %% 5 = 0, CASE WHEN g %% 5 = 0 THEN 10000 END, NULL, g %% 7,
       CASE WHEN g %% 20 = 1 THEN 'PAGADA' ELSE 'PENDIENTE' END,
       CASE WHEN g %% 20 = 1 THEN 100000 + g %% 1000 WHEN g %% 20 = 2 THEN 5000 ELSE 0 END,
       CASE WHEN g %% 20 = 1 THEN 0 WHEN g %% 20 = 2 THEN 95000 + g %% 1000
            ELSE 100000 + g %% 1000 END,
       now() - interval '90 days', now() - interval '90 days', 1
FROM generate_series(1, %(n)s) g,
     LATERAL (SELECT current_date - 60 + ((g / %(customers)s) * 30 + g %% 30)::int AS d1) d
"""


def seed_cartera(
    dsn: str, invoices: int, entity_code: str = "10001", srv_code: str = "1001"
) -> int:
    """Seed `invoices` invoices of the service (module docstring); the rows inserted."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SET synchronous_commit = off")
        base = connection.execute("SELECT count(*) FROM cartera_invoices").fetchone()[0]  # type: ignore[index]
        params = {
            "entity": entity_code,
            "service": srv_code,
            "n": invoices,
            "base": base * 10,  # clear of the references already there
            "customers": max(1, invoices // 4),
        }
        rows = connection.execute(SEED, params).rowcount
        connection.execute("ANALYZE cartera_invoices")
    return rows


def write_cartera_csv(
    path: Path,
    lines: int,
    *,
    entity_code: str = "10001",
    srv_code: str = "1001",
    today: date | None = None,
    value_offset: int = 0,
) -> None:
    """A valid portfolio file of `lines` invoices SEED-1..SEED-<lines>; `value_offset` moves
    every value (a reload with other values updates every unpaid invoice)."""
    start = today or date.today()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for n in range(1, lines + 1):
            due = start + timedelta(days=n % 300)
            value = 100000 + n % 1000 + value_offset
            three = n % 3 == 0
            partial = n % 5 == 0
            writer.writerow(
                (
                    entity_code, srv_code, f"SEED-{n}", f"R2-{n}", "", "CC",
                    str(1000000 + n % max(1, lines // 4)), f"Cliente {n % 9973}",
                    f"Factura {n}, cuota única", due.isoformat(), f"{value}.50",
                    (due + timedelta(days=10)).isoformat() if three else "",
                    str(value + 10000) if three else "",
                    (due + timedelta(days=20)).isoformat() if three else "",
                    str(value + 20000) if three else "",
                    "S" if partial else "N", "30%" if partial else "", str(n % 7),
                )
            )  # fmt: skip
