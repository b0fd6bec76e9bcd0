from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.bootstrap import Container, build
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url="https://pagos.example.co")


@pytest.fixture
def container(settings: Settings, clock) -> Iterator[Container]:
    init_db(settings)
    seed_demo(settings)
    built = build(settings, clock=clock)
    yield built
    built.close()
