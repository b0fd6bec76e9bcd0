from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gateway.settings import Settings
from gateway.store.db import init_db, make_engine
from gateway.store.uow import UnitOfWork, unit_of_work_factory


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url="https://pagos.example.co")


@pytest.fixture
def uow_factory(settings: Settings) -> Iterator[Callable[[], UnitOfWork]]:
    """Units of work on a fresh database with every table."""
    init_db(settings)
    engine = make_engine(settings.database_url)
    yield unit_of_work_factory(engine)
    engine.dispose()
