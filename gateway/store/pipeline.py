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

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

BEGIN = "BEGIN"
COMMIT = "COMMIT"


class Compiled:
    """A Core statement as psycopg's SQL text, compiled on first use."""

    def __init__(self, statement: ClauseElement, *, read: bool = True) -> None:
        self._statement = statement
        #: (dialect name, driver) -> SQL, compiled form, bind processors.
        self._compiled: dict[tuple[str, str], tuple[str, Any, dict[str, Any]]] = {}
        #: Names of the result columns read back, in order (none: nothing is read back).
        self.columns: tuple[str, ...] = tuple(
            column.name for column in getattr(statement, "selected_columns", ()) if read
        )

    def bind(self, dialect: Dialect, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The SQL and its parameters, every value converted as SQLAlchemy would."""
        key = (dialect.name, dialect.driver)
        if key not in self._compiled:
            compiled = self._statement.compile(dialect=dialect)
            processors = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for bind, name in compiled.bind_names.items()
            }
            self._compiled[key] = (str(compiled), compiled, processors)
        sql, compiled, processors = self._compiled[key]
        params = compiled.construct_params(dict(values))
        for name, process in processors.items():
            if process is not None and params.get(name) is not None:
                params[name] = process(params[name])
        return sql, params


Step = tuple["Compiled | str", "Mapping[str, Any] | None"]


def send(connection: Connection, steps: Sequence[Step]) -> list[dict[str, Any] | None]:
    """Send `steps` on a unit of work's connection in one round trip; the first row of each
    statement that returns rows (as a dict), None for the others.

    The connection's `before_cursor_execute`/`after_cursor_execute` listeners see every
    statement, as for any other execution (to observe: a listener's rewrite is not applied).
    """
    pg = connection.connection.driver_connection
    assert isinstance(pg, psycopg.Connection)
    dialect = connection.dialect
    events = connection.dispatch
    sql: str | None = None
    results: list[tuple[tuple[str, ...], psycopg.Cursor[Any]] | None] = []
    try:
        # One statement needs no pipeline (whose bookkeeping costs more than it saves then).
        with pg.pipeline() if len(steps) > 1 else contextlib.nullcontext():
            for statement, values in steps:
                cursor = pg.cursor()
                if isinstance(statement, str):
                    sql, params = statement, None
                else:
                    sql, params = statement.bind(dialect, values or {})
                for listener in events.before_cursor_execute:
                    listener(connection, cursor, sql, params, None, False)
                cursor.execute(sql, params)
                for listener in events.after_cursor_execute:
                    listener(connection, cursor, sql, params, None, False)
                if isinstance(statement, Compiled) and statement.columns:
                    results.append((statement.columns, cursor))
                else:
                    results.append(None)
        return [None if result is None else _first_row(*result) for result in results]
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
            dialect=dialect,
        ) from error


def send_alone(engine: Engine, step: Step) -> dict[str, Any] | None:
    """One statement that is a whole unit of work, in autocommit on a pooled connection of its
    own: no session or SQLAlchemy transaction around it (nothing else runs in that unit)."""
    with engine.connect() as connection:
        pg = connection.connection.driver_connection
        assert isinstance(pg, psycopg.Connection)
        pg.autocommit = True
        try:
            return send(connection, [step])[0]
        finally:
            if not pg.broken:
                pg.autocommit = False  # idle again: an autocommit statement leaves no transaction


def _first_row(columns: tuple[str, ...], cursor: psycopg.Cursor[Any]) -> dict[str, Any] | None:
    row = cursor.fetchone()
    return None if row is None else dict(zip(columns, row, strict=True))
