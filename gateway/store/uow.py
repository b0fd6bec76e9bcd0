"""Unit of work: one database transaction per use case, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.domain.errors import InvalidReference
from gateway.store.catalog import CatalogCache, CatalogRepository
from gateway.store.transactions import CallbackRepository, TransactionRepository


class UnitOfWork:
    catalog: CatalogRepository
    transactions: TransactionRepository
    callbacks: CallbackRepository

    def __init__(self, session_factory: sessionmaker[Session], cache: CatalogCache) -> None:
        self._session_factory = session_factory
        self._cache = cache

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.catalog = CatalogRepository(self.session, self._cache)
        self.transactions = TransactionRepository(self.session)
        self.callbacks = CallbackRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
        # The one place a constraint violation becomes a domain answer.
        if isinstance(exc, IntegrityError) and "double_payment_lock" in str(exc.orig):
            raise InvalidReference("a payment with the same references is in progress") from exc

    def commit(self) -> None:
        self.session.commit()


def unit_of_work_factory(engine: Engine, cache_seconds: float = 0) -> Callable[[], UnitOfWork]:
    factory = sessionmaker(engine, expire_on_commit=False)
    cache = CatalogCache(cache_seconds)
    return lambda: UnitOfWork(factory, cache)
