"""Transactions in and out of the store, through SQLAlchemy Core (no ORM identity map: a
create is three INSERTs and nothing else, and the hot path pays for nothing it does not use).

Optimistic concurrency: every UPDATE names the version it read; a lost race raises
`ConcurrentUpdate` instead of overwriting another node's change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from gateway.domain.callbacks import (
    MOOT_ONCE_FINAL,
    NOTIFIED_STATES,
    CallbackStatus,
    notification_fields,
)
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import (
    DOUBLE_PAYMENT_STATES,
    FINAL_STATES,
    StateChange,
    Transaction,
    TranState,
)
from gateway.store.models import (
    LAPSING_PREDICATE,
    CallbackAttemptRow,
    CallbackRow,
    StateHistoryRow,
    TransactionReferenceRow,
    TransactionRow,
)

_t = TransactionRow.__table__
_refs = TransactionReferenceRow.__table__
_history = StateHistoryRow.__table__
_callbacks = CallbackRow.__table__
_attempts = CallbackAttemptRow.__table__

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
    .where(text(LAPSING_PREDICATE), _t.c.expires_at <= bindparam("now"))
    .order_by(_t.c.expires_at)
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
                        "status": CallbackStatus.PENDING.value,
                        "attempts": 0,
                        "next_attempt_at": change.at,
                        "created_at": change.at,
                    }
                    for change in owed
                ],
            )
            # "Pending" is moot once a final state is owed: an unsent one is never sent after.
            if any(c.to_state in FINAL_STATES for c in owed) and any(
                c.to_state in MOOT_ONCE_FINAL for c in transaction.history
            ):
                _supersede_moot(self._db, transaction.ticket_id)
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
        `expires_at`), oldest deadline first, locked for this worker; other nodes skip them.
        Read through the partial index `ix_transactions_lapsing_expires`, which holds live
        payments only, so the cost does not grow with the final ones."""
        return list(self._db.scalars(_DUE_FOR_EXPIRY, {"now": now, "limit": limit}))


@dataclass(frozen=True)
class ClaimedCallback:
    """A callback this node leased: everything needed to send it and to record the outcome."""

    id: int
    ticket_id: int
    entity_code: str
    state: TranState
    url: str
    payload: list[tuple[str, str]]
    #: Which try this is (1, 2, ...).
    attempt: int
    token: str


_PENDING = CallbackStatus.PENDING.value
_c = _callbacks
_older = _callbacks.alias("older")
_final = _callbacks.alias("final")
_LAPSED = "no outcome recorded before the claim's lease ended (the node stopped?)"


def due_callbacks_query(now: datetime, limit: int) -> Select[Any]:
    """The outbox's due rows: unsettled, due by `now` (a lapsed lease included), and the oldest
    unsettled callback of their payment; read through `ix_merchant_callbacks_due`, the older
    ones per payment through `uq_merchant_callbacks_ticket_state`."""
    return (
        select(
            _c.c.id,
            _c.c.ticket_id,
            _c.c.state,
            _c.c.url,
            _c.c.payload,
            _c.c.attempts,
            _c.c.claim_token,
            _c.c.next_attempt_at,
            _t.c.entity_code,
        )
        .join(_t, _t.c.ticket_id == _c.c.ticket_id)
        .where(
            _c.c.status == _PENDING,
            _c.c.next_attempt_at <= now,
            ~exists().where(
                _older.c.ticket_id == _c.c.ticket_id,
                _older.c.status == _PENDING,
                _older.c.id < _c.c.id,
            ),
        )
        .order_by(_c.c.next_attempt_at)
        .limit(limit)
    )


class CallbackRepository:
    """The outbox of merchant callbacks (rows written by TransactionRepository).

    Delivery is lease-based so no database transaction spans a merchant's HTTP call:
    `claim_due` leases rows in one short transaction, the caller posts them with no
    transaction open, and `record` settles each in another short one, provided its claim still
    holds (a 2xx settles the row whatever the claim: the merchant has it).
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def _db(self) -> Connection:
        return self.session.connection()

    def claim_due(
        self, now: datetime, lease_until: datetime, token: str, limit: int
    ) -> tuple[list[ClaimedCallback], int]:
        """Lease up to `limit` due callbacks to `token` until `lease_until`; returns them and
        how many due ones were superseded instead. Must be the unit of work's first call (on
        SQLite it opens the write transaction).

        Only the oldest unsettled callback of each payment is due (order per payment). Rows
        other nodes are claiming are skipped (SKIP LOCKED); rows whose lease ended without an
        outcome are due again, and the lost try is recorded.
        """
        if self._db.dialect.name == "sqlite":
            # One writer at a time: take the write lock before reading, so the read and the
            # claim cannot interleave with another writer.
            self._db.exec_driver_sql("BEGIN IMMEDIATE")
        rows = self._db.execute(
            due_callbacks_query(now, limit).with_for_update(skip_locked=True, of=_c)
        ).all()
        if not rows:
            return [], 0
        lapsed = [row for row in rows if row.claim_token is not None]
        if lapsed:
            self._db.execute(
                insert(_attempts),
                [
                    {
                        "callback_id": row.id,
                        "attempt": row.attempts,
                        "at": row.next_attempt_at,
                        "duration_ms": None,
                        "http_status": None,
                        "response_excerpt": "",
                        "error": _LAPSED,
                    }
                    for row in lapsed
                ],
            )
        moot = [row.id for row in rows if TranState(row.state) in MOOT_ONCE_FINAL]
        superseded = set(_supersede_moot(self._db, None, among=moot)) if moot else set()
        claimed = [row for row in rows if row.id not in superseded]
        if claimed:
            self._db.execute(
                update(_c)
                .where(_c.c.id.in_([row.id for row in claimed]))
                .values(claim_token=token, attempts=_c.c.attempts + 1, next_attempt_at=lease_until)
            )
        return [
            ClaimedCallback(
                id=row.id,
                ticket_id=row.ticket_id,
                entity_code=row.entity_code,
                state=TranState(row.state),
                url=row.url,
                payload=[(name, value) for name, value in row.payload],
                attempt=row.attempts + 1,
                token=token,
            )
            for row in claimed
        ], len(superseded)

    def record(
        self,
        claim: ClaimedCallback,
        *,
        outcome: CallbackStatus,
        started_at: datetime,
        finished_at: datetime,
        duration_ms: int,
        http_status: int | None,
        excerpt: str,
        error: str,
        retry_at: datetime | None = None,
    ) -> bool:
        """Record one try and settle the callback as `outcome` (PENDING: due again at
        `retry_at`). False when the claim had lapsed: the try is recorded, the row untouched
        (unless the merchant answered 2xx and the row is still unsettled: it is delivered)."""
        self._db.execute(
            insert(_attempts),
            {
                "callback_id": claim.id,
                "attempt": claim.attempt,
                "at": started_at,
                "duration_ms": duration_ms,
                "http_status": http_status,
                "response_excerpt": excerpt,
                "error": error,
            },
        )
        mine = update(_c).where(_c.c.id == claim.id, _c.c.status == _PENDING)
        if outcome is CallbackStatus.DELIVERED:
            statement = mine.values(
                status=outcome.value, delivered_at=finished_at, claim_token=None
            )
        elif outcome is CallbackStatus.PENDING:
            assert retry_at is not None
            statement = mine.where(_c.c.claim_token == claim.token).values(
                next_attempt_at=retry_at, claim_token=None
            )
        else:
            statement = mine.where(_c.c.claim_token == claim.token).values(
                status=outcome.value, claim_token=None
            )
        held = self._db.execute(statement).rowcount == 1
        if held and outcome is CallbackStatus.PENDING and claim.state in MOOT_ONCE_FINAL:
            # A final state may have been owed while this one was in flight: do not make it
            # wait for this one's retry.
            _supersede_moot(self._db, claim.ticket_id)
        return held


def _supersede_moot(
    db: Connection, ticket_id: int | None, among: list[int] | None = None
) -> list[int]:
    """Mark superseded the unsent, unclaimed moot callbacks (PENDING) of payments that owe a
    final one: of `ticket_id`, or the rows `among` (already locked by the caller, claimed or
    not). Returns their ids."""
    statement = update(_c).where(
        _c.c.status == _PENDING,
        _c.c.state.in_([state.value for state in MOOT_ONCE_FINAL]),
        exists().where(
            _final.c.ticket_id == _c.c.ticket_id,
            _final.c.state.in_([state.value for state in FINAL_STATES]),
        ),
    )
    if among is not None:
        statement = statement.where(_c.c.id.in_(among))
    else:
        statement = statement.where(_c.c.ticket_id == ticket_id, _c.c.claim_token.is_(None))
    result = db.execute(
        statement.values(status=CallbackStatus.SUPERSEDED.value, claim_token=None).returning(
            _c.c.id
        )
    )
    return list(result.scalars())


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
