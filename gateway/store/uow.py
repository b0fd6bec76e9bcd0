"""Unit of work: one database transaction per use case, rolled back unless committed.

New transactions are written when the unit of work flushes: at `commit`, or at `flush` when a
use case needs the TicketId before (a cash coupon's number). When the only thing a unit of work
writes is one new transaction and it read nothing from the database (no lock, no rule facts,
the catalog cached), `commit` runs that one statement on an autocommit connection on
PostgreSQL: one round trip instead of BEGIN, the INSERTs and COMMIT (`store/transactions.py`).

SQLite: units of work BEGIN IMMEDIATE (`gateway.store.db`), and within a process they also take
turns on one lock first. SQLite's own lock is not fair: its waiters poll, so with many threads
(gthread workers) wanting it, one could lose every poll until its busy timeout; a process lock
queues them, and SQLite then arbitrates only between processes.

Approvals are confirmed here: when a unit of work approves a payment, `commit` first runs the
`on_approved` collaborator the composition root gave (`gateway.usecases.confirmations`: the
payment's PIN and its receipt mails), in the same database transaction, so an approval commits
with its confirmations or not at all, whichever use case approved it.

Races end here as answers the use cases know: the double-payment constraint becomes
InvalidReference (FAIL_INVALIDREFERENCE1); a deadlock or a serialization failure becomes
`ConcurrentUpdate`, which `retrying` runs again in a fresh unit of work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.domain.errors import InvalidReference
from gateway.store.banks import BankRepository
from gateway.store.caja import CajaRepository
from gateway.store.cartera import CarteraRepository
from gateway.store.catalog import CatalogCache, CatalogRepository
from gateway.store.db import writer
from gateway.store.helpdesk_people import PeopleRepository
from gateway.store.helpdesk_requests import RequestRepository
from gateway.store.mail_outbox import MailOutbox
from gateway.store.pins import PinRepository
from gateway.store.transactions import (
    CallbackRepository,
    ConcurrentUpdate,
    TransactionRepository,
)

if TYPE_CHECKING:
    from gateway.domain.transactions import Transaction

log = structlog.get_logger(__name__)

T = TypeVar("T")
#: What confirms an approved payment inside its unit of work (see the module docstring).
OnApproved = Callable[["UnitOfWork", "Transaction"], None]

#: SQLSTATEs after which PostgreSQL rolled the transaction back and running it again may pass:
#: serialization_failure, deadlock_detected.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


class UnitOfWork:
    catalog: CatalogRepository
    transactions: TransactionRepository
    callbacks: CallbackRepository
    people: PeopleRepository
    requests: RequestRepository
    mail: MailOutbox
    caja: CajaRepository
    banks: BankRepository
    cartera: CarteraRepository
    pins: PinRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        cache: CatalogCache,
        turn: AbstractContextManager[object] | None = None,
        on_approved: OnApproved | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._cache = cache
        self._turn = turn or nullcontext()
        self._on_approved = on_approved

    def __enter__(self) -> UnitOfWork:
        self._turn.__enter__()
        self.session = self._session_factory()
        self.catalog = CatalogRepository(self.session, self._cache)
        self.transactions = TransactionRepository(self.session)
        self.callbacks = CallbackRepository(self.session)
        self.people = PeopleRepository(self.session)
        self.requests = RequestRepository(self.session)
        self.mail = MailOutbox(self.session)
        self.caja = CajaRepository(self.session)
        self.banks = BankRepository(self.session)
        self.cartera = CarteraRepository(self.session)
        self.pins = PinRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
            self.session.close()
        finally:
            self._turn.__exit__(None, None, None)
        # The one place a constraint violation becomes a domain answer.
        if isinstance(exc, IntegrityError) and "double_payment_lock" in str(exc.orig):
            raise InvalidReference("a payment with the same references is in progress") from exc
        if isinstance(exc, DBAPIError) and _sqlstate(exc) in _RETRYABLE_SQLSTATES:
            raise ConcurrentUpdate(f"the database gave up a transaction ({exc.orig})") from exc

    def flush(self) -> None:
        """Write what is queued now (new transactions get their TicketId)."""
        self.transactions.flush()

    def commit(self) -> None:
        if self._on_approved is not None and self.transactions.approving():
            self.transactions.flush()  # approved new payments get their TicketId
            for transaction in self.transactions.take_approved():
                self._on_approved(self, transaction)
        self.transactions.flush(commit=True)
        self.session.commit()


def unit_of_work_factory(
    engine: Engine, cache_seconds: float = 0, on_approved: OnApproved | None = None
) -> Callable[[], UnitOfWork]:
    factory = sessionmaker(writer(engine), expire_on_commit=False)
    cache = CatalogCache(cache_seconds)
    # One lock per process and database (module docstring); reentrant, so a unit of work opened
    # inside another on the same thread waits for nothing of its own.
    turn = threading.RLock() if engine.dialect.name == "sqlite" else None
    return lambda: UnitOfWork(factory, cache, turn, on_approved)


def retrying(
    uow_factory: Callable[[], UnitOfWork],
    work: Callable[[UnitOfWork], T],
    *,
    attempts: int = 3,
    may_rerun: Callable[[], bool] = lambda: True,
) -> T:
    """`work` in a unit of work; run again in a fresh one when it lost a race.

    A lost race (`ConcurrentUpdate`) committed nothing, so running `work` again is safe as long
    as it did nothing outside the database: `may_rerun` says whether it did not (a use case
    that called a bank says no). After `attempts` lost races the last one is raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            with uow_factory() as uow:
                return work(uow)
        except ConcurrentUpdate as lost:
            if attempt == attempts or not may_rerun():
                raise
            log.info("uow.rerun", attempt=attempt, reason=str(lost))
    raise AssertionError("unreachable")


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)
