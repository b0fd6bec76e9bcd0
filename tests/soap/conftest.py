"""Fixtures of the SOAP adapter tests: the real gateway on a seeded SQLite file, in process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client

from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.web.app import GatewayApp, create_app
from tests.soap.support import HOST


def gateway_settings(database: Path, **overrides: object) -> Settings:
    return Settings(
        database_url=f"sqlite:///{database}",
        public_url=f"http://{HOST}",
        # A prefix that is not a default one, to prove prefixes come from configuration.
        variants={"app_express": "B", "p_express": "A", "d_express": "A", "ecollectexpress": "A"},
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = gateway_settings(tmp_path_factory.mktemp("soap") / "gateway.sqlite3")
    init_db(settings)
    seed_demo(settings)
    return settings


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[GatewayApp]:
    app = create_app(settings)
    yield app
    app.container.close()


@pytest.fixture
def client(app: GatewayApp) -> Client:
    return Client(app)
