"""End payments whose current state lapsed (`expires_at`, see `gateway.domain.transactions`):
CREATED past its session and CAPTURED past its coupon's due day become EXPIRED; BANK and
PENDING that no bank answered within GATEWAY_BANK_ANSWER_HOURS become FAILED. Each change is
recorded with source `job:expiry` and a detail saying why, and (written with it by the store)
owes the merchant its URLResponse callback.

Safe on any number of nodes: each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED
(PostgreSQL), so a row another node or a bank answer holds is skipped, not waited for. A bank
answer that committed after the claim query (SQLite takes no row locks) is never overwritten:
the domain re-checks the state it reads, and the optimistic version makes a save that lost the
race raise `ConcurrentUpdate`, which skips that payment only.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from gateway.clock import Clock
from gateway.store.transactions import ConcurrentUpdate
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

SOURCE = "job:expiry"


def expire_due(uow_factory: Callable[[], UnitOfWork], clock: Clock, batch: int = 100) -> int:
    """Expire one batch; returns how many payments it ended."""
    now = clock.now()
    ended: list[tuple[int, str]] = []
    with uow_factory() as uow:
        for ticket_id in uow.transactions.due_for_expiry(now, batch):
            transaction = uow.transactions.get(ticket_id)
            if transaction is None or not transaction.lapse(now, source=SOURCE):
                continue  # answered (or moved on) since it was found due
            try:
                uow.transactions.save(transaction)
            except ConcurrentUpdate:
                # Nothing of it was written (the UPDATE matched no row): the bank's answer stands.
                log.info("jobs.expiry_lost_race", ticket_id=ticket_id)
                continue
            ended.append((ticket_id, transaction.state.value))
        uow.commit()
    if ended:
        log.info(
            "jobs.expired",
            count=len(ended),
            expired=sum(1 for _, state in ended if state == "EXPIRED"),
            failed=sum(1 for _, state in ended if state == "FAILED"),
            first=ended[0][0],
            last=ended[-1][0],
        )
    return len(ended)
