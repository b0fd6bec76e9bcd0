"""Engine and schema handling: the only module that knows how to reach the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, create_mock_engine, event
from sqlalchemy.engine import make_url

from gateway.settings import Settings
from gateway.store.models import Base


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets several gunicorn workers read while one writes; foreign keys are off by
            # default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # No pre-ping: it costs a round trip on every checkout. Dropped connections are detected
    # when used (SQLAlchemy then empties the pool) and the read path retries once.
    return create_engine(url, pool_size=5, max_overflow=5, pool_recycle=1800)


def init_db(settings: Settings) -> None:
    """Create every table (idempotent: existing tables are left as they are)."""
    engine = make_engine(settings.database_url)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def postgresql_ddl() -> str:
    """The PostgreSQL DDL of the models: what `schema.sql` holds and `db ddl` prints."""
    statements: list[str] = []

    def _collect(sql, *_args, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        statements.append(str(sql.compile(dialect=engine.dialect)).strip())

    engine = create_mock_engine(make_url("postgresql+psycopg://"), _collect)
    Base.metadata.create_all(engine, checkfirst=False)
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
        if statement.startswith("CREATE INDEX"):
            run.append(statement)
            continue
        result.extend(sorted(run))
        run = []
        if statement:
            result.append(statement)
    return result
