"""Append-only tables, enforced by the database itself on PostgreSQL and SQLite.

An audit trail that the application merely promises not to rewrite is not one: a trigger on
each store refuses every UPDATE and DELETE of the table's rows.
"""

from __future__ import annotations

from sqlalchemy import Table, event
from sqlalchemy.schema import DDL


def append_only(table: Table) -> None:
    """Create, with `table`, the triggers that refuse UPDATE and DELETE of its rows."""
    name = table.name
    message = f"{name} is append-only"
    event.listen(
        table,
        "after_create",
        DDL(
            f"CREATE FUNCTION {name}_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        ).execute_if(dialect="postgresql"),
    )
    event.listen(
        table,
        "after_create",
        DDL(
            f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_append_only()"
        ).execute_if(dialect="postgresql"),
    )
    for operation in ("UPDATE", "DELETE"):
        event.listen(
            table,
            "after_create",
            DDL(
                f"CREATE TRIGGER {name}_no_{operation.lower()} BEFORE {operation} ON {name} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            ).execute_if(dialect="sqlite"),
        )
