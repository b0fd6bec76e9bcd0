"""The caja's time-driven work, for the jobs runner (`gateway.jobs.runner.JOBS`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from gateway.bootstrap import lifetimes
from gateway.caja.auth import prune_nonces
from gateway.caja.pagos import TellerPayments
from gateway.clock import Clock
from gateway.settings import Settings
from gateway.store.uow import UnitOfWork


def prune_nonces_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings, batch: int = 1000
) -> int:
    """Forget a batch of UsernameToken nonces past the window; how many (0: none left)."""
    window = timedelta(seconds=settings.caja_token_window_seconds)
    return prune_nonces(uow_factory, clock, window, batch)


def canje_lapsed_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings, batch: int = 100
) -> int:
    """Return the cheques of a batch of teller payments whose canje lapsed unconfirmed (the
    invoices owe again, the merchants see NOT_AUTHORIZED); how many (0: none due)."""
    payments = TellerPayments(uow_factory, clock, lifetimes(settings), settings.caja_canje_days)
    return payments.canje_lapsed(batch)
