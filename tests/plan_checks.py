"""What the query-plan tests share: record the statements a real code path sends, EXPLAIN
each (custom and generic plans) and refuse a read of a large table without an index condition
(see tests/integration/test_query_plans.py for the rules)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql
from sqlalchemy import Engine, event

EXPLAINABLE = ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")


@dataclass(frozen=True)
class Case:
    """One code path to check: `run(world)` runs it."""

    name: str
    run: Callable[[Any], None]
    #: Columns the statements of the path under test filter on (one must appear).
    touches: tuple[str, ...]


class ScanOfLargeTable(AssertionError):
    """A captured statement reads a large table without an index condition."""


@dataclass
class Captured:
    statement: str
    parameters: Any


@dataclass
class Recorder:
    statements: list[Captured] = field(default_factory=list)

    def __call__(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        if isinstance(parameters, list | tuple):  # executemany: the first row's values
            parameters = parameters[0] if parameters else None
        self.statements.append(Captured(statement, parameters))


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def full_scans(plan: dict[str, Any], large: frozenset[str]) -> list[str]:
    """The plan's nodes that read a large table without an index condition."""
    found = []
    for node in _nodes(plan):
        relation = node.get("Relation Name")
        if relation not in large:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan" or (
            kind in {"Index Scan", "Index Only Scan"} and "Index Cond" not in node
        ):
            where = node.get("Filter", "no filter")
            index = f" using {node['Index Name']}" if "Index Name" in node else ""
            found.append(f"{kind} on {relation}{index} ({where})")
    return found


def explain(engine: Engine, captured: Captured, *, generic: bool = False) -> dict[str, Any]:
    """The plan PostgreSQL picks for the statement with its parameters (a custom plan), or,
    `generic`, the one it caches for a prepared statement whatever the parameters (what psycopg's
    prepared statements run from their 5th execution on)."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if not generic:
            cursor.execute("EXPLAIN (FORMAT JSON) " + captured.statement, captured.parameters)
        else:
            names: list[str] = []

            def placeholder(match: re.Match[str]) -> str:
                if match[1] not in names:
                    names.append(match[1])
                return f"${names.index(match[1]) + 1}"

            text_ = re.sub(r"%\((\w+)\)[sbt]", placeholder, captured.statement)
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute("PREPARE plan_check AS " + text_)
            values = sql.SQL(", ").join(sql.Literal(captured.parameters[n]) for n in names)
            execute = sql.SQL("EXPLAIN (FORMAT JSON) EXECUTE plan_check")
            if names:
                execute = execute + sql.SQL("(") + values + sql.SQL(")")
            cursor.execute(execute)
        (document,) = cursor.fetchone()
        return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    finally:
        connection.rollback()
        if generic:
            connection.invalidate()  # its session holds `plan_check`: not back to the pool
        connection.close()


def check_path(
    engine: Engine,
    run: Callable[[], None],
    name: str,
    touches: tuple[str, ...],
    large: frozenset[str],
) -> None:
    """Run one code path on `engine` and fail if any statement it sent scans a large table."""
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", recorder)
    queries = [
        c for c in recorder.statements if c.statement.lstrip().upper().startswith(EXPLAINABLE)
    ]
    assert any(column in c.statement for c in queries for column in touches), (
        f"{name}: no statement on {touches} was sent; the case no longer reaches its query"
    )
    problems = []
    distinct = {c.statement: c for c in reversed(queries)}  # each text once, first parameters
    for captured in distinct.values():
        scans = [
            f"{kind} plan: {scan}"
            for kind, generic in (("custom", False), ("generic", True))
            for scan in full_scans(explain(engine, captured, generic=generic), large)
        ]
        if scans:
            problems.append(
                f"{' '.join(captured.statement.split())[:300]}\n    " + "; ".join(scans)
            )
    if problems:
        raise ScanOfLargeTable(f"{name}:\n  " + "\n  ".join(problems))
