"""Fixtures of the SOAP adapter tests: the real gateway on a seeded SQLite file, in process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from gateway.web.app import GatewayApp
from tests.soap.support import seeded_app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayApp]:
    """The real gateway (use cases on SQLite, `db init` + `seed demo`), built once."""
    app = seeded_app(tmp_path_factory.mktemp("soap") / "gateway.sqlite3")
    yield app
    app.container.close()


@pytest.fixture
def client(app: GatewayApp) -> Client:
    return Client(app)
