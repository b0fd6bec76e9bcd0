"""Writes of many rows in a few statements, for loads of files (the portfolio loader).

SQLAlchemy's executemany costs a round trip per row on psycopg (UPDATE), and its
insertmanyvalues INSERT renders thousands of placeholders that psycopg then parses in Python
(about 0.5 s per 1 000-row batch of the invoice table here). So:

- new rows get their ids first (`new_ids`: from the table's sequence on PostgreSQL, above the
  largest on SQLite, whose writer holds the database for the whole unit of work), so that
  inserts need no RETURNING and the caller can write rows that point at them (history);
- inserts: COPY on PostgreSQL (100 000 invoices in under a second), the driver's executemany
  on SQLite (C, one prepared statement);
- updates: PostgreSQL takes one statement per `PG_BATCH` rows, each column ONE binary array
  parameter spread back into rows by `unnest` (`UPDATE ... FROM unnest(...)`); SQLite the
  driver's executemany.

Values go through each column's own bind processing (Money, UtcDateTime) exactly as the ORM's
statements would store them, so the rows read back the same whichever way they were written.
COPY goes to the driver directly, beside SQLAlchemy, on the unit of work's own connection and
transaction: statement listeners (the query-plan tests) do not see it, and it reads nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import DBAPIError

PG_BATCH = 20_000


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


def new_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` ids for new rows of `table` (an integer `id` primary key), in increasing order.

    PostgreSQL: drawn from the column's sequence, as a default would (gaps if the transaction
    rolls back, as always). SQLite: the ones above the largest stored; safe because a unit of
    work holds SQLite's only write lock from its first statement (BEGIN IMMEDIATE)."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        statement = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
            "FROM generate_series(1, :count) ORDER BY 1"
        )
        return list(connection.execute(statement, {"table": table.name, "count": count}).scalars())
    largest = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar()
    return list(range(int(largest or 0) + 1, int(largest or 0) + 1 + count))


def insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys)."""
    if not rows:
        return
    names = list(rows[0])
    values = _processed(rows, names, _processors(connection, table, names))
    columns = ", ".join(f'"{name}"' for name in names)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        statement = f"COPY {table.name} ({columns}) FROM STDIN"
        try:
            with cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        except psycopg.Error as error:
            # As SQLAlchemy's own statements raise it (IntegrityError for a unique violation):
            # callers catch one kind of error whichever way the rows went in.
            raise DBAPIError.instance(statement, None, error, psycopg.Error) from error
        return
    placeholders = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})", list(values)
    )


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
        kinds = [f"{table.c[name].type.compile(dialect=connection.dialect)}[]" for name in names]
        # %(name)b: psycopg sends the array in binary, several times cheaper than as text.
        arrays = ", ".join(f"%(c{i})b::{kind}" for i, kind in enumerate(kinds))
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
