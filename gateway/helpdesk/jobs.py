"""The helpdesk's time-driven rules, safe on any number of nodes.

    auto_close_due    Pre-cierre with no answer for `helpdesk_auto_close_days` calendar days
                      (D12/D13): the system moves the request to Finalizado (activity entry,
                      SLA events, the Finalizado mail)
    sla_breaches_due  a running clock past its target: one SLA_BREACHED event per (request,
                      cycle, clock), then `sla_check_at` recomputed

Each claims one batch of due rows through the partial indexes (`auto_close_at`,
`sla_check_at`) with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so a row another node
(or a use case) holds is skipped, not waited for; SQLite serializes writers. The rows' state
is re-checked under the lock. Each returns how many requests it handled.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from gateway.clock import Clock
from gateway.domain.helpdesk_workflow import Actor, RequestState
from gateway.helpdesk import ledger
from gateway.settings import Settings
from gateway.store.helpdesk_tables import RequestRow
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


def auto_close_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings, batch: int = 100
) -> int:
    now = clock.now()
    closed: list[int] = []
    with uow_factory() as uow:
        for row in uow.requests.claim_due(RequestRow.auto_close_at, now, batch):
            if row.state != RequestState.PRE_CLOSURE:
                row.auto_close_at = None  # moved on since (never expected: moves clear it)
                continue
            ledger.apply_move(uow, row, RequestState.FINISHED, Actor.SYSTEM, None, now, settings)
            closed.append(row.number)
        uow.commit()
    if closed:
        log.info("helpdesk.auto_closed", count=len(closed), first=closed[0], last=closed[-1])
    return len(closed)


def sla_breaches_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings, batch: int = 100
) -> int:
    now = clock.now()
    breached: list[int] = []
    with uow_factory() as uow:
        for row in uow.requests.claim_due(RequestRow.sla_check_at, now, batch):
            events = uow.requests.events(row.number)
            recorded = False
            for clock_, status in ledger.clocks(row, events, now, settings).items():
                cycle = len(status.cycles)
                if status.breached and not ledger.breach_recorded(events, clock_, cycle):
                    events.append(
                        ledger.record(
                            uow,
                            row,
                            "SLA_BREACHED",
                            now,
                            actor_id=None,
                            clock=clock_.value,
                            cycle=cycle,
                            data={"due_at": status.due_at.isoformat() if status.due_at else None},
                        )
                    )
                    recorded = True
            ledger.refresh_sla_check(row, events, now, settings)
            if recorded:
                breached.append(row.number)
        uow.commit()
    if breached:
        log.info("helpdesk.sla_breached", count=len(breached), first=breached[0])
    return len(breached)
