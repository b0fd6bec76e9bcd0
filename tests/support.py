"""Helpers shared by the test modules: fresh databases and a clock that stands still."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

PG_ENV = "GATEWAY_TEST_DATABASE_URL"


class FrozenClock:
    """The injectable clock, set by the test (DESIGN §1: time comes from one clock)."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def require_postgres() -> str:
    """The test database's URL; without one a test fails under CI and skips locally."""
    url = postgres_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} must be set in CI")
        pytest.skip(f"{PG_ENV} is not set")
    return url


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A URL whose connections live in a new, empty schema, dropped afterwards."""
    base = postgres_url()
    assert base, f"{PG_ENV} is not set"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def rows_of(database_url: str, statement: Any) -> list[tuple[Any, ...]]:
    """The rows `statement` reads, on a connection of its own (what another client sees)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(statement)]
    finally:
        engine.dispose()


def table_dump(database_url: str, tables: Iterable[Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the (ORM) tables, ids included: equal dumps mean nothing was written."""
    return {
        table.__tablename__: rows_of(
            database_url, select(table).order_by(*table.__table__.primary_key.columns)
        )
        for table in tables
    }


def write_file(folder: Path, name: str, content: str) -> str:
    """`content` as the UTF-8 file `name` in `folder`; its path."""
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return str(path)


#: References of a payment to the demo service 1001 (identification, order, e-mail).
DEMO_REFS = ("1032456789", "ORD-1", "payer@example.co")


def create_payment(container, **fields):  # type: ignore[no-untyped-def]
    """createTransactionPayment on the demo service 1001 (150000 COP), `fields` overriding."""
    from gateway.usecases.commands import CreatePayment

    values = dict(
        entity_code="10001",
        srv_code="1001",
        trans_value=Decimal("150000"),
        trans_vat_value=Decimal(0),
        references=DEMO_REFS,
    )
    values.update(fields)
    return container.payments.create_transaction(CreatePayment(**values))


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A one-day certificate for `localhost` (DNS name only, no IP) and its key, by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key
