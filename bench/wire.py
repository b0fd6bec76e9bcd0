"""Round trips, statements and transactions per call, read off the PostgreSQL wire.

libpq can trace every protocol message a connection sends (F) and receives (B) (`PQtrace`,
through psycopg's `pgconn.trace`). From that trace, per connection:

* **round trips**: the times the client sent something and then waited for an answer (each
  run of F messages that follows B messages). `BEGIN`, `COMMIT` and `ROLLBACK` are round
  trips of their own; a psycopg pipeline (executemany) is one;
* **statements**: simple-protocol `Query` messages (BEGIN/COMMIT/ROLLBACK, SET, ...) plus
  extended-protocol `Execute` messages (each parameterised statement), with their text (from
  the `Parse`, also when psycopg has prepared the statement and only binds it);
* **transactions**: `ReadyForQuery` back to idle (`I`): a COMMIT/ROLLBACK, or an autocommit
  statement.

It counts what the code sends, whatever layer sends it (SQLAlchemy pool resets included), and
needs nothing on the server (pg_stat_statements is not loaded here, and `pg_stat_database`
counts every client of the database, flushed late). Tracing costs time: the harness counts
in process, on a few calls, never during the load.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from psycopg import pq

_MESSAGE = re.compile(r"^(?P<dir>[FB])\t\d+\t(?P<type>\w+)")
_PARSE = re.compile(r'^"(?P<name>[^"]*)" "(?P<sql>.*)" \d+(?: \w+)*$', re.DOTALL)
_BIND = re.compile(r'^"[^"]*" "(?P<name>[^"]*)"')
_QUERY = re.compile(r'^"(?P<sql>.*)"$', re.DOTALL)


@dataclass
class Counts:
    round_trips: int = 0
    statements: int = 0
    transactions: int = 0
    texts: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        self.round_trips += other.round_trips
        self.statements += other.statements
        self.transactions += other.transactions
        self.texts.update(other.texts)

    def per_call(self, calls: int, top: int = 12) -> dict[str, Any]:
        return {
            "round_trips": round(self.round_trips / calls, 2),
            "statements": round(self.statements / calls, 2),
            "transactions": round(self.transactions / calls, 2),
            "statement_texts": {
                text: round(n / calls, 2) for text, n in self.texts.most_common(top)
            },
        }


def _messages(lines: list[str]) -> list[tuple[str, str, str]]:
    """(direction, type, rest) per message; SQL with newlines spans several trace lines."""
    messages: list[list[str]] = []
    for line in lines:
        match = _MESSAGE.match(line)
        if match:
            rest = line[match.end() :].removeprefix("\t").lstrip(" ")
            messages.append([match["dir"], match["type"], rest])
        elif messages:
            messages[-1][2] += "\n" + line
    return [(d, t, r) for d, t, r in messages]


def short(sql: str) -> str:
    return " ".join(sql.split())[:140]


def count_trace(text: str, prepared_before: dict[str, str] | None = None) -> Counts:
    """Counts of one connection's trace; `prepared_before`: statements it had prepared before
    the trace started (name -> text), so that their executions are named too."""
    counts = Counts()
    prepared: dict[str, str] = dict(prepared_before or {})
    bound = ""
    previous = "B"
    for direction, kind, rest in _messages(text.splitlines()):
        if direction == "F" and previous == "B":
            counts.round_trips += 1
        previous = direction
        if direction == "F" and kind == "Parse":
            match = _PARSE.match(rest)
            if match:
                prepared[match["name"]] = match["sql"]
        elif direction == "F" and kind == "Bind":
            match = _BIND.match(rest)
            bound = prepared.get(match["name"], "?") if match else "?"
        elif direction == "F" and kind == "Execute":
            counts.statements += 1
            counts.texts[short(bound)] += 1
        elif direction == "F" and kind == "Query":
            counts.statements += 1
            match = _QUERY.match(rest)
            counts.texts[short(match["sql"] if match else rest)] += 1
        elif direction == "B" and kind == "ReadyForQuery" and rest.strip() == "I":
            counts.transactions += 1
    return counts


class WireCounter:
    """Traces psycopg connections into one file each; `stop()` flushes and counts them all."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or tempfile.mkdtemp(prefix="ecollect-wire-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self._traced: dict[int, tuple[Any, TextIO, Path]] = {}

    def attach(self, connection: Any) -> None:
        """Start tracing a psycopg connection (idempotent)."""
        pgconn = connection.pgconn
        if id(pgconn) in self._traced:
            return
        path = self.directory / f"conn-{len(self._traced)}.trace"
        handle = path.open("w")
        pgconn.trace(handle.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._traced[id(pgconn)] = (pgconn, handle, path)

    def attach_engine(self, engine: Any) -> Any:
        """Trace every connection a SQLAlchemy engine hands out; returns the listener."""
        from sqlalchemy import event

        def _checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            self.attach(dbapi_connection)

        event.listen(engine, "checkout", _checkout)
        return _checkout

    def stop(self) -> Counts:
        total = Counts()
        for pgconn, handle, path in self._traced.values():
            prepared: dict[str, str] = {}
            try:
                pgconn.untrace()  # flushes libpq's stream
                prepared = _prepared_statements(pgconn)
            except Exception:  # a connection closed meanwhile: what it flushed is there
                pass
            handle.close()
            total.add(count_trace(path.read_text(errors="replace"), prepared))
        self._traced.clear()
        return total


def _prepared_statements(pgconn: Any) -> dict[str, str]:
    """What the session prepared before tracing began (psycopg prepares a statement after its
    fifth execution), asked at the libpq level so psycopg's state stays as it was: outside a
    transaction the query is its own, inside one it only reads."""
    if pgconn.transaction_status not in (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS):
        return {}
    result = pgconn.exec_(b"SELECT name, statement FROM pg_prepared_statements")
    if result.status != pq.ExecStatus.TUPLES_OK:
        return {}
    return {
        result.get_value(row, 0).decode(): result.get_value(row, 1).decode()
        for row in range(result.ntuples)
    }
