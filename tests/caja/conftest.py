from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.bootstrap import Container, build
from gateway.caja.service import Caja
from gateway.settings import Settings
from tests.caja.support import NOW, seed_caja
from tests.support import FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url="https://pagos.example.co")


@pytest.fixture
def container(settings: Settings, clock: FrozenClock) -> Iterator[Container]:
    """The gateway's composition on a seeded caja world (sandbox key seals the passwords)."""
    seed_caja(settings)
    container = build(settings, clock=clock)
    yield container
    container.close()


@pytest.fixture
def caja(container: Container) -> Caja:
    assert isinstance(container.caja, Caja)
    return container.caja


@pytest.fixture
def uow_factory(container: Container):
    return container.uow
