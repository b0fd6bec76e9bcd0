"""Unit of work: one database transaction per use case, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gateway.domain.errors import InvalidReference
from gateway.store.repository import CatalogRepository, TransactionRepository


class UnitOfWork:
    catalog: CatalogRepository
    transactions: TransactionRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.catalog = CatalogRepository(self.session)
        self.transactions = TransactionRepository(self.session)
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


def unit_of_work_factory(engine: Engine):  # type: ignore[no-untyped-def]
    factory = sessionmaker(engine, expire_on_commit=False)
    return lambda: UnitOfWork(factory)
