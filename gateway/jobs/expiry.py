"""Expire payments whose session or coupon ran out (CREATED or CAPTURED past `expires_at`).

Safe on any number of nodes: each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from gateway.clock import Clock
from gateway.domain.transactions import TranState
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


def expire_due(uow_factory: Callable[[], UnitOfWork], clock: Clock, batch: int = 100) -> int:
    """Expire one batch; returns how many payments it expired."""
    now = clock.now()
    with uow_factory() as uow:
        due = uow.transactions.due_for_expiry(now, batch)
        for ticket_id in due:
            transaction = uow.transactions.get(ticket_id)
            assert transaction is not None
            transaction.move_to(TranState.EXPIRED, at=now, source="job:expiry")
            uow.transactions.save(transaction)
        uow.commit()
    if due:
        log.info("jobs.expired", count=len(due), first=due[0], last=due[-1])
    return len(due)
