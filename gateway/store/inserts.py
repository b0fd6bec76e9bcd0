"""Insert "if absent": uniqueness decided by the database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects import postgresql, sqlite


def insert_if_absent(
    db: Connection, table: Table, values: dict[str, Any], keys: Sequence[str]
) -> Any:
    """INSERT … ON CONFLICT (keys) DO NOTHING RETURNING the first primary-key column: the new
    key, or None when a row with those keys exists (or is being inserted and then commits).
    Told by the RETURNING row, not by `rowcount` (-1 on PostgreSQL for ON CONFLICT DO NOTHING:
    SQLAlchemy adds a RETURNING of its own)."""
    dialect = db.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    else:  # pragma: no cover - the gateway runs on SQLite or PostgreSQL
        statement = insert(table)
    key = table.primary_key.columns.values()[0]
    return db.execute(statement.values(**values).returning(key)).scalar_one_or_none()
