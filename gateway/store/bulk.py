"""Writes of many rows in a few statements, for loads of files (the portfolio loader).

SQLAlchemy's executemany costs a round trip per row on psycopg (UPDATE), and its
insertmanyvalues INSERT renders thousands of placeholders that psycopg then parses in Python
(about 0.5 s per 1 000-row batch of the invoice table here). So:

- PostgreSQL: one statement per `PG_BATCH` rows, each column sent as ONE array parameter and
  spread back into rows by `unnest` (`INSERT ... SELECT * FROM unnest(...) RETURNING ...`,
  `UPDATE ... FROM unnest(...)`): a short statement text, a handful of parameters;
- SQLite: multi-row VALUES with RETURNING for inserts (`SQLITE_BATCH` rows, under SQLite's
  32 766 bound values), the driver's executemany (C, one prepared statement) otherwise.

Values go through each column's own bind processing (Money, UtcDateTime) exactly as the ORM's
statements would store them, so the rows read back the same whichever way they were written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table

PG_BATCH = 20_000
SQLITE_BATCH = 500


def _processors(connection: Connection, table: Table, names: Sequence[str]) -> list[Any]:
    """What SQLAlchemy's own statements apply to each value: the processor of the type as
    the dialect sees it (`dialect_impl`: Money is text on SQLite, never the float a bare
    Numeric processor would make of it)."""
    dialect = connection.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _processed(
    rows: Sequence[dict[str, Any]], names: Sequence[str], processors: list[Any]
) -> list[tuple[Any, ...]]:
    pairs = list(zip(names, processors, strict=True))
    return [tuple(row[n] if p is None else p(row[n]) for n, p in pairs) for row in rows]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _array_types(connection: Connection, table: Table, names: Sequence[str]) -> list[str]:
    return [f"{table.c[name].type.compile(dialect=connection.dialect)}[]" for name in names]


def insert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (dicts with the same keys); the `returning` columns of each new row (in
    no promised order: key them by a unique column)."""
    if not rows:
        return []
    names = list(rows[0])
    values = _processed(rows, names, _processors(connection, table, names))
    columns = ", ".join(f'"{name}"' for name in names)
    back = f" RETURNING {', '.join(returning)}" if returning else ""
    found: list[tuple[Any, ...]] = []
    if connection.dialect.name == "postgresql":
        arrays = ", ".join(
            f"%(c{i})s::{kind}" for i, kind in enumerate(_array_types(connection, table, names))
        )
        statement = f"INSERT INTO {table.name} ({columns}) SELECT * FROM unnest({arrays}){back}"
        for chunk in _chunks(values, PG_BATCH):
            params = {f"c{i}": [row[i] for row in chunk] for i in range(len(names))}
            result = connection.exec_driver_sql(statement, params)
            if returning:
                found.extend(tuple(row) for row in result)
        return found
    one = f"({', '.join('?' for _ in names)})"
    if not returning:
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({columns}) VALUES {one}", list(values)
        )
        return found
    for chunk in _chunks(values, SQLITE_BATCH):
        statement = f"INSERT INTO {table.name} ({columns}) VALUES {', '.join([one] * len(chunk))}"
        flat = tuple(value for row in chunk for value in row)
        found.extend(tuple(row) for row in connection.exec_driver_sql(statement + back, flat))
    return found


def update(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    increments: Sequence[str] = (),
) -> int:
    """Set every non-key column of each row where the row's `keys` columns match (an
    optimistic version among them makes a stale row match nothing); `increments` columns go
    up by one. The number of rows updated."""
    if not rows:
        return 0
    names = list(rows[0])
    sets = [name for name in names if name not in keys]
    values = _processed(rows, names, _processors(connection, table, names))
    bumps = [f'"{name}" = {table.name}."{name}" + 1' for name in increments]
    count = 0
    if connection.dialect.name == "postgresql":
        kinds = _array_types(connection, table, names)
        arrays = ", ".join(f"%(c{i})s::{kind}" for i, kind in enumerate(kinds))
        alias = ", ".join(f'"{name}"' for name in names)
        assignments = ", ".join([*(f'"{name}" = u."{name}"' for name in sets), *bumps])
        match = " AND ".join(f'{table.name}."{name}" = u."{name}"' for name in keys)
        statement = (
            f"UPDATE {table.name} SET {assignments} FROM unnest({arrays}) AS u({alias}) "
            f"WHERE {match}"
        )
        for chunk in _chunks(values, PG_BATCH):
            params = {f"c{i}": [row[i] for row in chunk] for i in range(len(names))}
            count += connection.exec_driver_sql(statement, params).rowcount
        return count
    order = [names.index(name) for name in (*sets, *keys)]
    assignments = ", ".join([*(f'"{name}" = ?' for name in sets), *bumps])
    match = " AND ".join(f'"{name}" = ?' for name in keys)
    statement = f"UPDATE {table.name} SET {assignments} WHERE {match}"
    reordered = [tuple(row[i] for i in order) for row in values]
    return connection.exec_driver_sql(statement, reordered).rowcount
