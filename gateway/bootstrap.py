"""Composition root: the only place that knows every piece. Nothing is built at import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from gateway.caja.commands import CajaPort
from gateway.caja.service import Caja
from gateway.clock import Clock, SystemClock
from gateway.connectors.ports import Connectors
from gateway.domain.transactions import Lifetimes
from gateway.helpdesk.commands import HelpdeskPort
from gateway.helpdesk.service import Helpdesk
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.access import MerchantAccess
from gateway.usecases.checkout import Checkout
from gateway.usecases.confirmations import Confirmations
from gateway.usecases.methods import PaymentMethods
from gateway.usecases.opening import PaymentOpener
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
    #: The sandbox bank and QA control: None unless sandbox mode is on.
    sandbox: SandboxBank | None
    access: MerchantAccess
    #: The helpdesk use cases behind `MesaDeAyuda.asmx` and its pages; None (tests that build
    #: a Container by hand): the service is not mounted.
    helpdesk: HelpdeskPort | None = None
    #: The bank-teller use cases behind `CajaBancos.asmx`; None: the service is not mounted.
    caja: CajaPort | None = None

    def close(self) -> None:
        self.engine.dispose()


def lifetimes(settings: Settings) -> Lifetimes:
    return Lifetimes(
        session=timedelta(minutes=settings.session_minutes),
        bank_answer=timedelta(hours=settings.bank_answer_hours),
    )


def connectors(settings: Settings) -> Connectors:
    """The connector of each payment system. Fail closed: outside sandbox mode only a real
    connector, configured here, may authorize a payment; none exists yet, so none does."""
    if settings.sandbox:
        from gateway.connectors.sandbox import sandbox_connectors

        return sandbox_connectors(settings.public_url)
    # The seam for production: e.g. Connectors(cards={PaymentSystem.CREDIT_CARD: <acquirer>},
    # pse=<ACH PSE client>, cash=<collection agreement>), built from their own settings.
    return Connectors()


def build(
    settings: Settings, clock: Clock | None = None, payment_connectors: Connectors | None = None
) -> Container:
    """`payment_connectors`: instead of those the settings give (a stand-in bank in tests)."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    uow = unit_of_work_factory(
        engine, settings.catalog_cache_seconds, on_approved=Confirmations(settings.alert_emails)
    )
    methods = PaymentMethods(
        payment_connectors if payment_connectors is not None else connectors(settings),
        lifetimes(settings),
        settings.public_url,
    )
    opener = PaymentOpener(clock, methods.lifetimes)  # the one creation path of a payment
    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        uow=uow,
        payments=Payments(uow, engine, clock, settings, methods=methods, opener=opener),
        checkout=Checkout(uow, clock, settings, methods=methods, opener=opener),
        sandbox=SandboxBank(uow, clock, methods.lifetimes) if settings.sandbox else None,
        access=MerchantAccess(uow),
        helpdesk=Helpdesk(uow, clock, settings),
        caja=Caja(uow, clock, settings, lifetimes(settings)),
    )
