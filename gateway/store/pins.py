"""A service's PIN list: load it, give the next free PIN to an approved payment, read it back.

The next PIN is taken with `SELECT ... ORDER BY position LIMIT 1 FOR UPDATE SKIP LOCKED` on the
partial index of free PINs, then updated to the payment, in the approval's own transaction: two
approvals committing at once on two nodes lock different rows (the second skips the first's),
so they never get the same PIN, and neither waits for the other. Skipping a locked PIN can give
a later approval the lower position when the earlier one rolls back; the list order holds for
approvals that commit one after the other, which is what "in list order" can mean for
payments that race. SQLite has one writer at a time (the unit of work began IMMEDIATE).
`uq_service_pins_ticket` keeps a payment to one PIN whatever calls this twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from gateway.store.models import ServicePinRow, ServiceRow

_p = ServicePinRow.__table__
_s = ServiceRow.__table__


@dataclass(frozen=True)
class PinCounts:
    loaded: int
    free: int


class PinRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def _db(self) -> Connection:
        return self.session.connection()

    def load(self, entity_code: str, srv_code: str, pins: Sequence[str], now: datetime) -> int:
        """Append `pins` after the service's last position; returns the first new position.

        The service's row is locked first, so two loads into one list append one after the
        other. A PIN already in the list fails the load on `uq_service_pins_pin` (nothing of it
        is written: the caller's transaction rolls back)."""
        self._db.execute(
            select(_s.c.code)
            .where(_s.c.entity_code == entity_code, _s.c.code == srv_code)
            .with_for_update()
        )
        first = self.last_position(entity_code, srv_code) + 1
        if pins:
            self._db.execute(
                insert(_p),
                [
                    {
                        "entity_code": entity_code,
                        "srv_code": srv_code,
                        "position": first + offset,
                        "pin": pin,
                        "loaded_at": now,
                    }
                    for offset, pin in enumerate(pins)
                ],
            )
        return first

    def existing(self, entity_code: str, srv_code: str, pins: Sequence[str]) -> list[str]:
        """Which of `pins` the service's list already holds."""
        if not pins:
            return []
        return list(
            self._db.scalars(
                select(_p.c.pin).where(
                    _p.c.entity_code == entity_code,
                    _p.c.srv_code == srv_code,
                    _p.c.pin.in_(list(pins)),
                )
            )
        )

    def assign(self, entity_code: str, srv_code: str, ticket_id: int, now: datetime) -> str | None:
        """The PIN of `ticket_id`: the one it has, else the next free one, now its own. None:
        the list has no free PIN left (or the service has none)."""
        held = self.pin_of(ticket_id)
        if held is not None:
            return held
        row = self._db.execute(
            select(_p.c.id, _p.c.pin)
            .where(
                _p.c.entity_code == entity_code,
                _p.c.srv_code == srv_code,
                _p.c.ticket_id.is_(None),
            )
            .order_by(_p.c.position)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).one_or_none()
        if row is None:
            return None
        self._db.execute(
            update(_p).where(_p.c.id == row.id).values(ticket_id=ticket_id, assigned_at=now)
        )
        return str(row.pin)

    def pin_of(self, ticket_id: int) -> str | None:
        return self._db.scalar(select(_p.c.pin).where(_p.c.ticket_id == ticket_id))

    def last_position(self, entity_code: str, srv_code: str) -> int:
        """The list's length as loaded (0: no list); one probe of the positions' index."""
        return int(
            self._db.scalar(
                select(func.coalesce(func.max(_p.c.position), 0)).where(
                    _p.c.entity_code == entity_code, _p.c.srv_code == srv_code
                )
            )
            or 0
        )

    def counts(self, entity_code: str, srv_code: str) -> PinCounts:
        loaded, free = self._db.execute(
            select(
                func.count(),
                func.count().filter(_p.c.ticket_id.is_(None)),
            ).where(_p.c.entity_code == entity_code, _p.c.srv_code == srv_code)
        ).one()
        return PinCounts(loaded=int(loaded), free=int(free))
