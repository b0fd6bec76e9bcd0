"""Composition root: the only place that knows every piece. Nothing is built at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from gateway.clock import Clock, SystemClock
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.access import MerchantAccess
from gateway.usecases.checkout import Checkout
from gateway.usecases.payments import Payments
from gateway.usecases.sandbox import SandboxBank


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    uow: Callable[[], UnitOfWork]
    payments: Payments
    checkout: Checkout
    sandbox: SandboxBank
    access: MerchantAccess

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    uow = unit_of_work_factory(engine, settings.catalog_cache_seconds)
    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        uow=uow,
        payments=Payments(uow, engine, clock, settings),
        checkout=Checkout(uow, clock, settings),
        sandbox=SandboxBank(uow, clock),
        access=MerchantAccess(uow),
    )
