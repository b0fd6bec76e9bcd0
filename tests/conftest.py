from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support import FrozenClock, fresh_postgres_schema, postgres_url


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
    if not postgres_url():
        if os.environ.get("CI"):
            pytest.fail("GATEWAY_TEST_DATABASE_URL must be set in CI")
        pytest.skip("GATEWAY_TEST_DATABASE_URL is not set")
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()
