from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import FrozenClock, fresh_postgres_schema, require_postgres


def _stores() -> list:
    return [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]


@pytest.fixture(params=_stores())
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """Every store-backed test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
        return
    require_postgres()
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()
