"""Transactions in and out of the store, through SQLAlchemy Core (no ORM identity map: a
create is three INSERTs and nothing else, and the hot path pays for nothing it does not use).

Optimistic concurrency: every UPDATE names the version it read; a lost race raises
`ConcurrentUpdate` instead of overwriting another node's change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from gateway.domain.callbacks import NOTIFIED_STATES, notification_fields
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import (
    DOUBLE_PAYMENT_STATES,
    LAPSES,
    StateChange,
    Transaction,
    TranState,
)
from gateway.store.models import (
    CallbackRow,
    StateHistoryRow,
    TransactionReferenceRow,
    TransactionRow,
)

_t = TransactionRow.__table__
_refs = TransactionReferenceRow.__table__
_history = StateHistoryRow.__table__
_callbacks = CallbackRow.__table__

#: Written once, at creation.
_CREATION_FIELDS = (
    "entity_code", "srv_code", "trans_value", "trans_vat_value", "currency", "pay_currency",
    "currency_rate", "url_response", "url_redirect", "sign", "sign_fields", "policy_code",
    "double_payment_key", "refuses_double_payment", "payer_key", "retry_of", "channel",
    "session_token", "created_at",
)  # fmt: skip
#: What a state change may touch (`expires_at`: when the current state lapses).
_MUTABLE_FIELDS = (
    "fi_code", "fi_name", "trazability_code", "bank_process_date", "invoice", "expires_at",
)  # fmt: skip


# Built once: the values travel as execution parameters, so SQLAlchemy compiles each statement
# once per process instead of building a bind parameter per column on every call.
_INSERT = insert(_t).returning(_t.c.ticket_id)
_UPDATE = update(_t).where(
    _t.c.ticket_id == bindparam("key_ticket_id"), _t.c.version == bindparam("key_version")
)


_DUE_FOR_EXPIRY = (
    select(_t.c.ticket_id)
    .where(_t.c.state.in_([state.value for state in LAPSES]), _t.c.expires_at <= bindparam("now"))
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)


class ConcurrentUpdate(Exception):
    """Another writer changed the transaction since it was read."""


class TransactionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._versions: dict[int, int] = {}
        self._persisted_history: dict[int, int] = {}

    @cached_property
    def _db(self) -> Connection:
        """The unit of work's connection: Core statements skip the ORM session machinery."""
        return self.session.connection()

    def add(self, transaction: Transaction) -> None:
        values = {name: getattr(transaction, name) for name in _CREATION_FIELDS}
        values.update(_mutable_values(transaction), version=1)
        ticket_id = self._db.execute(_INSERT, values).scalar_one()
        transaction.ticket_id = ticket_id
        if transaction.references:
            self._db.execute(
                insert(_refs),
                [
                    {"ticket_id": ticket_id, "position": position, "value": value}
                    for position, value in enumerate(transaction.references)
                ],
            )
        self._write_history(transaction, 0)
        self._versions[ticket_id] = 1

    def get(self, ticket_id: int, *, for_update: bool = False) -> Transaction | None:
        statement = select(_t).where(_t.c.ticket_id == ticket_id)
        if for_update:
            statement = statement.with_for_update()
        row = self._db.execute(statement).mappings().one_or_none()
        if row is None:
            return None
        references = self._db.scalars(
            select(_refs.c.value).where(_refs.c.ticket_id == ticket_id).order_by(_refs.c.position)
        )
        history = self._db.execute(
            select(_history).where(_history.c.ticket_id == ticket_id).order_by(_history.c.id)
        ).mappings()
        transaction = Transaction(
            **{name: row[name] for name in _CREATION_FIELDS + _MUTABLE_FIELDS},
            ticket_id=ticket_id,
            state=TranState(row["state"]),
            payment_system=PaymentSystem(row["payment_system"]) if row["payment_system"] else None,
            references=tuple(references),
            auth_references=tuple(row["auth_references"] or ()),
            extras=dict(row["extras"] or {}),
            history=[
                StateChange(
                    from_state=TranState(change["from_state"]) if change["from_state"] else None,
                    to_state=TranState(change["to_state"]),
                    at=change["at"],
                    source=change["source"],
                    detail=change["detail"],
                )
                for change in history
            ],
        )
        self._versions[ticket_id] = row["version"]
        self._persisted_history[ticket_id] = len(transaction.history)
        return transaction

    def save(self, transaction: Transaction) -> None:
        ticket_id = transaction.ticket_id
        assert ticket_id is not None
        version = self._versions[ticket_id]
        result = self._db.execute(
            _UPDATE,
            {
                **_mutable_values(transaction),
                "version": version + 1,
                "key_ticket_id": ticket_id,
                "key_version": version,
            },
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"ticket {ticket_id} changed since it was read")
        self._versions[ticket_id] = version + 1
        self._write_history(transaction, self._persisted_history.get(ticket_id, 0))

    def _write_history(self, transaction: Transaction, persisted: int) -> None:
        """New state changes, and the merchant callbacks they owe, in the same transaction."""
        changes = transaction.history[persisted:]
        if not changes:
            return
        self._db.execute(
            insert(_history),
            [
                {
                    "ticket_id": transaction.ticket_id,
                    "from_state": change.from_state.value if change.from_state else None,
                    "to_state": change.to_state.value,
                    "at": change.at,
                    "source": change.source,
                    "detail": change.detail,
                }
                for change in changes
            ],
        )
        owed = [c for c in changes if c.to_state in NOTIFIED_STATES and transaction.url_response]
        if owed:
            self._db.execute(
                insert(_callbacks),
                [
                    {
                        "ticket_id": transaction.ticket_id,
                        "state": change.to_state.value,
                        "url": transaction.url_response,
                        "payload": [
                            list(pair) for pair in notification_fields(transaction, change.to_state)
                        ],
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": change.at,
                        "created_at": change.at,
                    }
                    for change in owed
                ],
            )
        assert transaction.ticket_id is not None
        self._persisted_history[transaction.ticket_id] = len(transaction.history)

    # --- queries the rules need --------------------------------------------------------------

    def ticket_for_session(self, token: str) -> int | None:
        return self._db.scalar(select(_t.c.ticket_id).where(_t.c.session_token == token))

    def latest_with_key(self, entity_code: str, srv_code: str, key: str) -> Transaction | None:
        ticket_id = self._db.scalar(
            select(_t.c.ticket_id)
            .where(
                _t.c.entity_code == entity_code,
                _t.c.srv_code == srv_code,
                _t.c.double_payment_key == key,
            )
            .order_by(_t.c.ticket_id.desc())
            .limit(1)
        )
        return None if ticket_id is None else self.get(ticket_id)

    def count_retries(self, root_ticket_id: int) -> int:
        return self._db.scalar(select(func.count()).where(_t.c.retry_of == root_ticket_id)) or 0

    def day_totals(
        self,
        entity_code: str,
        srv_code: str,
        payer_key: str,
        since: datetime,
        until: datetime,
        payment_system: PaymentSystem | None,
    ) -> tuple[int, Decimal]:
        """Attempts by a payer in [since, until) and the value still live or approved."""
        scope = (
            _t.c.entity_code == entity_code,
            _t.c.srv_code == srv_code,
            _t.c.payer_key == payer_key,
            _t.c.created_at >= since,
            _t.c.created_at < until,
        )
        attempts = self._db.scalar(select(func.count()).where(*scope)) or 0
        live = select(_t.c.trans_value).where(
            *scope, _t.c.state.in_([s.value for s in DOUBLE_PAYMENT_STATES])
        )
        if payment_system is not None:
            live = live.where(
                (_t.c.payment_system == payment_system.value) | _t.c.payment_system.is_(None)
            )
        # Summed in Python: SQLite keeps money as exact text, which SQL SUM would turn to float.
        return attempts, sum(self._db.scalars(live), Decimal(0))

    def due_for_expiry(self, now: datetime, limit: int) -> list[int]:
        """Live payments whose current state lapsed (CREATED, CAPTURED, BANK, PENDING past
        `expires_at`), locked for this worker; other nodes skip them. One range scan of
        `ix_transactions_state_expires` per state; no ORDER BY, so the LIMIT stops the scan
        (any due row will do: the job drains them all)."""
        return list(self._db.scalars(_DUE_FOR_EXPIRY, {"now": now, "limit": limit}))


class CallbackRepository:
    """The outbox of merchant callbacks (rows written by TransactionRepository)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def due(self, now: datetime, limit: int) -> list[CallbackRow]:
        """Pending callbacks whose time has come, locked for this worker (others skip them)."""
        return list(
            self.session.scalars(
                select(CallbackRow)
                .where(CallbackRow.status == "pending", CallbackRow.next_attempt_at <= now)
                .order_by(CallbackRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )


def _mutable_values(transaction: Transaction) -> dict[str, Any]:
    values = {name: getattr(transaction, name) for name in _MUTABLE_FIELDS}
    values.update(
        state=transaction.state.value,
        payment_system=transaction.payment_system.value if transaction.payment_system else None,
        auth_references=list(transaction.auth_references),
        extras=dict(transaction.extras),
        double_payment_lock=transaction.double_payment_lock,
        updated_at=transaction.history[-1].at if transaction.history else transaction.created_at,
    )
    return values
