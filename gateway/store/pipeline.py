"""PostgreSQL: statements sent straight through psycopg, several in one round trip.

The create path sends few statements, and each one SQLAlchemy executes is a round trip of its
own plus a few hundred microseconds of Python. psycopg's pipeline mode sends several statements
and waits once; SQLAlchemy cannot execute inside a pipeline (it reads a result's description
at once, which a pipeline has only after its sync). So the create path's statements are Core
constructs compiled here once per process for psycopg, their parameters converted by the same
SQLAlchemy bind processors any other statement gets (Money, UtcDateTime, JSON), and sent on the
unit of work's own connection, inside its transaction. A database error comes back as the
SQLAlchemy DBAPIError subclass any other statement would raise (UnitOfWork maps those).

`BEGIN` and `COMMIT` may be steps too: a unit of work whose connection is in autocommit mode
(psycopg then sends no BEGIN of its own) opens its transaction with its first statement and
commits it with its last, in the same round trips (see `TransactionRepository`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

BEGIN = "BEGIN"
COMMIT = "COMMIT"


class Compiled:
    """A Core statement as psycopg's SQL text, compiled on first use."""

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._for: tuple[Dialect, str, Any, dict[str, Any]] | None = None

    def bind(self, dialect: Dialect, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The SQL and its parameters, every value converted as SQLAlchemy would."""
        if self._for is None or self._for[0] is not dialect:
            compiled = self._statement.compile(dialect=dialect)
            processors = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for bind, name in compiled.bind_names.items()
            }
            self._for = (dialect, str(compiled), compiled, processors)
        _, sql, compiled, processors = self._for
        params = compiled.construct_params(dict(values))
        for name, process in processors.items():
            if process is not None and params.get(name) is not None:
                params[name] = process(params[name])
        return sql, params


Step = tuple["Compiled | str", "Mapping[str, Any] | None"]


def send(connection: Connection, steps: Sequence[Step]) -> list[dict[str, Any] | None]:
    """Send `steps` in one round trip; the first row of each (as a dict), None without rows."""
    pg = connection.connection.driver_connection
    assert isinstance(pg, psycopg.Connection)
    sql: str | None = None
    cursors = []
    try:
        with pg.pipeline():
            for statement, values in steps:
                if isinstance(statement, str):
                    sql = statement
                    cursors.append(pg.execute(statement))
                else:
                    sql, params = statement.bind(connection.dialect, values or {})
                    cursors.append(pg.execute(sql, params))
        return [_first_row(cursor) for cursor in cursors]
    except psycopg.Error as error:
        if pg.broken:
            connection.invalidate(error)
        raise DBAPIError.instance(
            sql,
            None,
            error,
            psycopg.Error,
            hide_parameters=True,
            connection_invalidated=pg.broken,
            dialect=connection.dialect,
        ) from error


def _first_row(cursor: psycopg.Cursor[Any]) -> dict[str, Any] | None:
    if not cursor.description:
        return None
    row = cursor.fetchone()
    if row is None:
        return None
    return {column.name: value for column, value in zip(cursor.description, row, strict=True)}
