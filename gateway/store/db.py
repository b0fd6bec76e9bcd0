"""Engine and schema handling: the only module that knows how to reach the database.

SQLite transactions: Python's sqlite3 would BEGIN (deferred) only before the first write, and a
deferred transaction that read and then writes fails at once with "database is locked" when
another connection (another gunicorn worker) wrote in between: WAL mode does not let a reader
with an old snapshot become a writer, and the busy timeout does not help there. So SQLAlchemy
emits BEGIN itself: BEGIN IMMEDIATE for connections that carry the `WRITES` execution option
(every unit of work, see `writer`), which takes SQLite's one write lock before the first read
and so serializes the read-then-write of a unit of work (limits, retries, optimistic versions)
as PostgreSQL's locks do; a plain BEGIN (a consistent read snapshot) for everything else, such
as the getTransactionInformation read. Waiting writers queue on the busy timeout (30 s).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    create_engine,
    create_mock_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateColumn

from gateway.settings import Settings
from gateway.store import caja_tables, helpdesk_tables, mail_tables  # noqa: F401 (their tables join Base)
from gateway.store.models import Base

#: Execution option of connections that will write what they read (units of work).
WRITES = "gateway_writes"


def writer(engine: Engine) -> Engine:
    """The engine as units of work use it: on SQLite their transactions BEGIN IMMEDIATE."""
    return engine.execution_options(**{WRITES: True})


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # sqlite3 emits no BEGIN of its own: `_sqlite_begin` does (module docstring).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            # WAL lets several gunicorn workers read while one writes; foreign keys are off by
            # default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
            writes = connection.get_execution_options().get(WRITES, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        return engine
    # No pre-ping: it costs a round trip on every checkout. Dropped connections are detected
    # when used (SQLAlchemy then empties the pool) and the read path retries once.
    return create_engine(url, pool_size=5, max_overflow=5, pool_recycle=1800)


#: `pg_advisory_xact_lock` key of `init_db`: nodes starting together bring the schema up one
#: after the other (the second finds nothing to do).
_SCHEMA_LOCK = 0x65636F6C6C656374  # "ecollect"


class OutdatedSchema(Exception):
    """The database lacks what this version needs and cannot be given additively."""


def init_db(settings: Settings) -> list[str]:
    """Bring the database up to this version's schema, additively, in one transaction.

    Creates the tables that are missing and, in tables that exist, adds the columns and indexes
    added since they were created (`ALTER TABLE ... ADD COLUMN`, `CREATE INDEX`): a new column
    is nullable or has a server default, so existing rows get its default. Nothing is dropped,
    renamed or narrowed. A missing column that could not be added that way (NOT NULL without a
    server default, or part of a constraint) is `OutdatedSchema`, with nothing changed. Returns
    what was added (empty: the schema was current). Idempotent; safe to run on several nodes
    at once on PostgreSQL (an advisory lock).
    """
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK}
                )
            existing = set(inspect(connection).get_table_names())
            Base.metadata.create_all(connection)
            added = [name for name in Base.metadata.tables if name not in existing]
            return sorted(added) + upgrade_tables(connection, Base.metadata, existing)
    finally:
        engine.dispose()


def upgrade_tables(connection: Connection, metadata: MetaData, existing: set[str]) -> list[str]:
    """Add to the `existing` tables the columns and indexes `metadata` has and they lack."""
    inspector = inspect(connection)
    added: list[str] = []
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        if table.name not in existing:
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing = [column for column in table.columns if column.name not in present]
        refused = [f"{table.name}.{c.name}" for c in missing if not _addable(c)]
        if refused:
            raise OutdatedSchema(
                "the database predates this version and these columns cannot be added "
                f"without a migration: {', '.join(refused)}"
            )
        for column in missing:
            ddl = CreateColumn(column).compile(dialect=connection.dialect)
            connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
            added.append(f"{table.name}.{column.name}")
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            if index.name not in indexes:
                index.create(connection)
                added.append(str(index.name))
    return added


def _addable(column: Column) -> bool:  # type: ignore[type-arg]
    """Whether ADD COLUMN gives existing rows a valid value and loses no rule: nullable or
    with a server default, not a key, in no constraint of the table."""
    if column.primary_key or column.foreign_keys:
        return False
    if not column.nullable and column.server_default is None:
        return False
    constrained = (
        constraint
        for constraint in column.table.constraints
        if constraint is not column.table.primary_key
    )
    return not any(column.name in getattr(c, "columns", {}) for c in constrained)


def postgresql_ddl() -> str:
    """The PostgreSQL DDL of the models: what `schema.sql` holds and `db ddl` prints."""
    statements: list[str] = []

    def _collect(sql, *_args, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        statements.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = create_mock_engine(make_url("postgresql+psycopg://"), _collect)
    # By name, so that the order does not depend on which module imported its tables first.
    tables = sorted(Base.metadata.tables.values(), key=lambda table: table.name)
    Base.metadata.create_all(engine, tables=tables, checkfirst=False)
    statements = _sorted_index_runs(statements)
    header = (
        "-- Generated from gateway/store/models.py by `ecollect-gateway db ddl`; do not edit.\n"
    )
    return header + "\n\n".join(f"{statement};" for statement in statements) + "\n"


def _sorted_index_runs(statements: list[str]) -> list[str]:
    """SQLAlchemy emits a table's indexes in set order; sort each run so the DDL is stable."""
    result: list[str] = []
    run: list[str] = []
    for statement in statements + [""]:
        if statement.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            run.append(statement)
            continue
        result.extend(sorted(run))
        run = []
        if statement:
            result.append(statement)
    return result
