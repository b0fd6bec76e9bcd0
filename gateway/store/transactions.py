"""Transactions in and out of the store, through SQLAlchemy Core (no ORM identity map: the hot
path pays for nothing it does not use).

Writing a new payment. `add` only queues it; the unit of work writes it when it flushes (at
commit, or earlier when the TicketId is needed). On PostgreSQL the row, its references and its
creation history line are ONE statement (data-modifying CTEs: INSERT transactions RETURNING
ticket_id, then INSERT ... SELECT from it, the references unnested from one array parameter),
and the create path sends its statements through psycopg's pipeline mode, several per round
trip (`gateway.store.pipeline`). Round trips per createTransactionPayment on PostgreSQL:

    no rule reads (no daily limit, no double-payment   1: the INSERT alone, in autocommit
    references; the catalog cached)                       (atomic on its own: no BEGIN/COMMIT)
    under rules (limits, double payment, retries)       2: [BEGIN, locks, facts], [INSERT, COMMIT]
    refused by a rule                                   2: [BEGIN, locks, facts], ROLLBACK

SQLite gets the same rows from plain INSERTs.

The rules of a new payment (`gateway.domain.payment_rules`) read facts and then insert: a race
between nodes unless the reads are serialized. `creation_facts` first takes a lock per
(entity, service, payer) and per (entity, service, double-payment key), then reads, so racing
creates of the same payer or the same references run one after the other while different
payers do not wait for each other. The locks are PostgreSQL transaction-level advisory locks
(`pg_advisory_xact_lock`) on a 64-bit hash of the scope, taken in one statement in ascending
order (two creates never wait for each other crosswise), released at commit or rollback, i.e.
after the new payment is visible to the next holder, whose reads (a new snapshot per statement
under READ COMMITTED) then see it. Why not a lock row (INSERT ... ON CONFLICT DO UPDATE) or a
counter row: both write a row version on every create and keep a row per payer forever, for a
lock that only has to live as long as one transaction; a counter also could not follow the value
limit, which counts only live and approved payments (a payment that fails frees its value), so
the facts are always read from `transactions` itself, through indexes. A hash collision between
two scopes only makes them wait for each other. SQLite has one writer at a time: every unit of
work begins with BEGIN IMMEDIATE (`gateway.store.db`), which serializes the same reads there.

Optimistic concurrency: every UPDATE names the version it read; a lost race raises
`ConcurrentUpdate` instead of overwriting another node's change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from gateway.domain.callbacks import (
    MOOT_ONCE_FINAL,
    NOTIFIED_STATES,
    CallbackStatus,
    notification_fields,
)
from gateway.domain.payment_rules import (
    CreationFacts,
    OtherPayment,
    PayerDay,
    PreviousPayment,
    RetryChain,
)
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import (
    DOUBLE_PAYMENT_STATES,
    FINAL_STATES,
    StateChange,
    Transaction,
    TranState,
)
from gateway.store import leases
from gateway.store.caja_tables import PaymentRow
from gateway.store.models import (
    LAPSING_PREDICATE,
    CallbackAttemptRow,
    CallbackRow,
    StateHistoryRow,
    TransactionReferenceRow,
    TransactionRow,
)
from gateway.store.pipeline import BEGIN, COMMIT, Compiled, Step, send, send_alone

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
#: Every column a new row gets from the aggregate (the mutable ones, version, state, ...).
_INSERTED_COLUMNS = _CREATION_FIELDS + _MUTABLE_FIELDS + (
    "state", "payment_system", "auth_references", "extras", "double_payment_lock", "updated_at",
    "version",
)  # fmt: skip
_HISTORY_COLUMNS = ("ticket_id", "from_state", "to_state", "at", "source", "detail")


def _creation_statement() -> Select[Any]:
    """PostgreSQL: a new transaction, its references and its first history line, one statement.

    WITH new AS (INSERT INTO transactions (...) VALUES (...) RETURNING ticket_id),
         refs AS (INSERT INTO transaction_references SELECT new.ticket_id, n - 1, value
                  FROM new, unnest(:reference_values::VARCHAR[]) WITH ORDINALITY),
         history AS (INSERT INTO transaction_state_history SELECT new.ticket_id, ... FROM new)
    SELECT ticket_id FROM new
    """
    new = (
        insert(_t)
        .values({name: bindparam(name, type_=_t.c[name].type) for name in _INSERTED_COLUMNS})
        .returning(_t.c.ticket_id)
        .cte("new")
    )
    values = (
        func.unnest(bindparam("reference_values", type_=ARRAY(String)))
        .table_valued("value", with_ordinality="n")
        .render_derived()
        .alias("refs_sent")
    )
    references = insert(_refs).from_select(
        ["ticket_id", "position", "value"],
        select(new.c.ticket_id, values.c.n - 1, values.c.value).select_from(
            new.join(values, true())
        ),
    )
    history = insert(_history).from_select(
        list(_HISTORY_COLUMNS),
        select(
            new.c.ticket_id,
            *(
                bindparam(f"history_{name}", type_=_history.c[name].type)
                for name in _HISTORY_COLUMNS[1:]
            ),
        ),
    )
    return select(new.c.ticket_id).add_cte(
        references.cte("new_references"), history.cte("new_history")
    )


_CREATE = Compiled(_creation_statement())
_UPDATE = update(_t).where(
    _t.c.ticket_id == bindparam("key_ticket_id"), _t.c.version == bindparam("key_version")
)


#: Channel of the payments a bank's teller opened (`gateway.caja.pagos`).
CAJA_CHANNEL = "caja"

#: A payment collected at a teller (a caja payment row points at it, whatever its channel: a
#: payer's cash coupon keeps the merchant's): a PENDING one waits for its cheques' canje, and
#: when that lapses the caja's own job ends it (the invoice must owe again), not the expiry job.
_AT_TELLER = exists().where(PaymentRow.__table__.c.ticket_id == _t.c.ticket_id)

_DUE_FOR_EXPIRY = (
    select(_t.c.ticket_id)
    .where(
        text(LAPSING_PREDICATE),
        _t.c.expires_at <= bindparam("now"),
        ~_AT_TELLER,
    )
    .order_by(_t.c.expires_at)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)


class ConcurrentUpdate(Exception):
    """The unit of work lost a race: another writer changed the transaction since it was read,
    or the database gave up on one of two waiting transactions (a deadlock). Nothing of the
    unit of work was committed, so running it again from the start is safe."""


class TransactionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._versions: dict[int, int] = {}
        self._persisted_history: dict[int, int] = {}
        self._new: list[Transaction] = []
        #: Transactions this unit of work approved (written OK), for their confirmations.
        self._approved: list[Transaction] = []

    @cached_property
    def _db(self) -> Connection:
        """The unit of work's connection: Core statements skip the ORM session machinery."""
        return self.session.connection()

    def add(self, transaction: Transaction) -> None:
        """Queue a new transaction; it gets its TicketId when the unit of work flushes."""
        self._new.append(transaction)

    def flush(self, *, commit: bool = False) -> None:
        """Write the queued new transactions. `commit`: the unit of work commits right after,
        so on PostgreSQL the COMMIT may travel with the last INSERT (or, when the INSERT is all
        the unit of work does, be left out: the statement then runs in autocommit)."""
        new, self._new = self._new, []
        for transaction in new:
            if not self._postgres:
                self._insert_plain(transaction)
                continue
            last = commit and len(new) == 1 and len(transaction.history) == 1
            self._insert_postgres(transaction, commit=last)

    def approving(self) -> bool:
        """Whether this unit of work approves a payment (written, or queued to be)."""
        return bool(self._approved) or any(
            change.to_state is TranState.OK for new in self._new for change in new.history
        )

    def take_approved(self) -> list[Transaction]:
        """The transactions approved since the last call (once each), after a flush."""
        approved, self._approved = self._approved, []
        return approved

    @cached_property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _connection_for(self) -> tuple[Connection, list[Step]]:
        """PostgreSQL: the unit of work's connection and what must precede its next statement.

        When the unit of work has not touched the database yet, its connection is taken in
        autocommit mode, where psycopg sends no BEGIN of its own: BEGIN then travels in the same
        round trip as the first statement. From then on the unit of work is one ordinary
        transaction: SQLAlchemy's commit and rollback end it (psycopg sends COMMIT/ROLLBACK by
        the server's transaction status, whatever its autocommit flag).
        """
        if self.session.in_transaction():
            return self._db, []
        db = self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return db, [(BEGIN, None)]

    def _insert_postgres(self, transaction: Transaction, *, commit: bool) -> None:
        created = transaction.history[0]
        values = {name: getattr(transaction, name) for name in _CREATION_FIELDS}
        values.update(
            _mutable_values(transaction),
            version=1,
            reference_values=list(transaction.references),
            history_from_state=None,
            history_to_state=created.to_state.value,
            history_at=created.at,
            history_source=created.source,
            history_detail=created.detail,
        )
        if commit and not self.session.in_transaction():
            # All the unit of work writes, and it read nothing: one autocommit statement.
            row = send_alone(self.session.get_bind(), (_CREATE, values))
        else:
            db, steps = self._connection_for()
            at = len(steps)
            steps.append((_CREATE, values))
            if commit:
                steps.append((COMMIT, None))
            row = send(db, steps)[at]
        assert row is not None
        self._inserted(transaction, row["ticket_id"], persisted=1)

    def _insert_plain(self, transaction: Transaction) -> None:
        values = {name: getattr(transaction, name) for name in _CREATION_FIELDS}
        values.update(_mutable_values(transaction), version=1)
        ticket_id = self._db.execute(_INSERT, values).scalar_one()
        if transaction.references:
            self._db.execute(
                insert(_refs),
                [
                    {"ticket_id": ticket_id, "position": position, "value": value}
                    for position, value in enumerate(transaction.references)
                ],
            )
        self._inserted(transaction, ticket_id, persisted=0)

    def _inserted(self, transaction: Transaction, ticket_id: int, *, persisted: int) -> None:
        transaction.ticket_id = ticket_id
        self._versions[ticket_id] = 1
        self._persisted_history[ticket_id] = persisted
        if len(transaction.history) > persisted:
            self._write_history(transaction, persisted)

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
        if any(new is transaction for new in self._new):
            return  # not written yet: the flush writes it as it is by then
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
        if any(change.to_state is TranState.OK for change in changes):
            self._approved.append(transaction)
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

    def creation_facts(
        self,
        entity_code: str,
        srv_code: str,
        *,
        double_payment_key: str | None,
        payer_key: str | None,
        day: tuple[datetime, datetime],
        payment_system: PaymentSystem | None,
        retrying: int | None = None,
    ) -> CreationFacts:
        """What the rules of a new payment need, read under the locks of its scope.

        With a `double_payment_key`: the latest payment with it and the size of its retry chain.
        With a `payer_key`: the payer's attempts in `day` ([since, until)) and the value of those
        still live or approved (of `payment_system` or not chosen yet, when one is given). The
        locks (see the module docstring) are held until the unit of work ends, so the facts stay
        true until the new payment is committed. One round trip on PostgreSQL (the locks and the
        read pipelined, with the unit of work's BEGIN when it is its first statement).

        With `retrying` (the payer's "Reintentar" of that ticket): its retry chain too, counted
        after the chain's first ticket's row is locked (FOR UPDATE, after the advisory locks, in
        the order a key-linked retry takes them: its INSERT's foreign key check locks the same
        row), so two retries of one chain are judged one after the other even when the service
        has no double-payment references.
        """
        if double_payment_key is None and payer_key is None and retrying is None:
            return CreationFacts()
        since, until = day
        params = {
            "entity_code": entity_code,
            "srv_code": srv_code,
            "payer_key": payer_key,
            "since": since,
            "until": until,
            "payment_system": payment_system.value if payment_system else None,
            "double_payment_key": double_payment_key,
        }
        shape = (payer_key is not None, double_payment_key is not None)
        row: Any = {}
        chain: Any = None
        if self._postgres:
            scopes = []
            if payer_key is not None:
                scopes.append(advisory_lock_id(entity_code, srv_code, "payer", payer_key))
            if double_payment_key is not None:
                scopes.append(advisory_lock_id(entity_code, srv_code, "key", double_payment_key))
            scopes.sort()
            # [BEGIN,] lock, read: one round trip; the read starts (and takes its snapshot)
            # only once the lock is granted, so it sees what the previous holder committed.
            db, steps = self._connection_for()
            if scopes:
                steps.append(
                    (_lock_statement(len(scopes)), {f"lock_{i}": s for i, s in enumerate(scopes)})
                )
            if retrying is not None:
                steps.append((_LOCK_CHAIN_ROOT, {"retrying": retrying}))
                steps.append((_CHAIN_PG, {"retrying": retrying}))
            if any(shape):
                steps.append((_facts_statement("postgresql", *shape), params))
            rows = send(db, steps)
            row = rows[-1] if any(shape) else {}
            chain = rows[-2 if any(shape) else -1] if retrying is not None else None
        else:
            if any(shape):
                row = self._db.execute(_facts_statement("sqlite", *shape), params).one()._mapping
            if retrying is not None:
                chain = self._db.execute(_CHAIN, {"retrying": retrying}).mappings().one_or_none()
        previous = payer_day = None
        if double_payment_key is not None and row["previous_ticket_id"] is not None:
            previous = PreviousPayment(
                ticket_id=row["previous_ticket_id"],
                state=TranState(row["previous_state"]),
                retry_of=row["previous_retry_of"],
                chain_retries=row["chain_retries"],
            )
        if payer_key is not None:
            live = row["live_value"]
            if isinstance(live, str):  # SQLite: the exact decimal texts, comma-separated
                live = sum((Decimal(v) for v in live.split(",")), Decimal(0))
            payer_day = PayerDay(attempts=row["attempts"], live_value=Decimal(live or 0))
        return CreationFacts(
            previous=previous,
            payer_day=payer_day,
            retrying=_retry_chain(retrying, chain) if retrying is not None else None,
        )

    def retry_chain(self, ticket_id: int) -> RetryChain | None:
        """The payment's retry chain as it stands (no lock: what its receipt offers)."""
        row = self._db.execute(_CHAIN, {"retrying": ticket_id}).mappings().one_or_none()
        return _retry_chain(ticket_id, row) if row is not None else None

    def session_of(self, ticket_id: int) -> str | None:
        return self._db.scalar(select(_t.c.session_token).where(_t.c.ticket_id == ticket_id))

    def other_double_payment(
        self, entity_code: str, srv_code: str, double_payment_key: str, *, besides: int
    ) -> OtherPayment | None:
        """The newest payment other than `besides` with the same double-payment key that is
        live or approved (through `ix_transactions_double_payment_key`, newest first)."""
        row = self._db.execute(
            select(_t.c.ticket_id, _t.c.state, _t.c.bank_process_date, _t.c.updated_at)
            .where(
                _t.c.entity_code == entity_code,
                _t.c.srv_code == srv_code,
                _t.c.double_payment_key == double_payment_key,
                _t.c.ticket_id != besides,
                _t.c.state.in_([s.value for s in DOUBLE_PAYMENT_STATES]),
            )
            .order_by(_t.c.ticket_id.desc())
            .limit(1)
        ).one_or_none()
        if row is None:
            return None
        return OtherPayment(
            row.ticket_id, TranState(row.state), row.bank_process_date or row.updated_at
        )

    def due_for_expiry(self, now: datetime, limit: int) -> list[int]:
        """Live payments whose current state lapsed (CREATED, CAPTURED, BANK, PENDING past
        `expires_at`), oldest deadline first, locked for this worker; other nodes skip them.
        Read through the partial index `ix_transactions_lapsing_expires`, which holds live
        payments only, so the cost does not grow with the final ones. Payments collected at a
        teller are not among them (`caja_payments`, by its unique ticket_id):
        `gateway.caja.jobs.canje_lapsed_due` ends those; a cash coupon not yet paid is."""
        return list(self._db.scalars(_DUE_FOR_EXPIRY, {"now": now, "limit": limit}))

    def write_filled_references(self, transaction: Transaction, positions: tuple[int, ...]) -> None:
        """Store what `Transaction.fill_references` changed: the references at `positions`
        (only rows still empty are updated, a missing trailing one is inserted; anything else
        is ConcurrentUpdate: a sent reference is never overwritten) and the money columns,
        while the row is CREATED. The history line is written by the `save` that follows."""
        ticket_id = transaction.ticket_id
        assert ticket_id is not None
        for position in positions:
            value = transaction.references[position]
            updated = self._db.execute(
                update(_refs)
                .where(
                    _refs.c.ticket_id == ticket_id,
                    _refs.c.position == position,
                    _refs.c.value == "",
                )
                .values(value=value)
            ).rowcount
            if updated == 1:
                continue
            present = self._db.scalar(
                select(_refs.c.position).where(
                    _refs.c.ticket_id == ticket_id, _refs.c.position == position
                )
            )
            if present is not None:
                raise ConcurrentUpdate(f"ticket {ticket_id}: reference {position + 1} is not empty")
            self._db.execute(
                insert(_refs).values(ticket_id=ticket_id, position=position, value=value)
            )
        money = {
            name: getattr(transaction, name)
            for name in (
                "trans_value", "trans_vat_value", "currency", "pay_currency", "currency_rate",
            )
        }  # fmt: skip
        result = self._db.execute(
            update(_t)
            .where(_t.c.ticket_id == ticket_id, _t.c.state == TranState.CREATED.value)
            .values(**money)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"ticket {ticket_id} is no longer waiting for the payer")


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
        how many due ones were superseded instead.

        Only the oldest unsettled callback of each payment is due (order per payment). Rows
        other nodes are claiming are skipped (SKIP LOCKED); rows whose lease ended without an
        outcome are due again, and the lost try is recorded.
        """
        # On SQLite the unit of work began IMMEDIATE (`gateway.store.db`): the read and the
        # claim cannot interleave with another writer.
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
                        "error": leases.LAPSED,
                    }
                    for row in lapsed
                ],
            )
        moot = [row.id for row in rows if TranState(row.state) in MOOT_ONCE_FINAL]
        superseded = set(_supersede_moot(self._db, None, among=moot)) if moot else set()
        claimed = [row for row in rows if row.id not in superseded]
        leases.lease(self._db, _c, [row.id for row in claimed], token, lease_until)
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
        values: dict[str, Any]
        if outcome is CallbackStatus.DELIVERED:
            values = {"status": outcome.value, "delivered_at": finished_at}
        elif outcome is CallbackStatus.PENDING:
            assert retry_at is not None
            values = {"next_attempt_at": retry_at}
        else:
            values = {"status": outcome.value}
        held = leases.settle(
            self._db,
            _c,
            claim.id,
            unsettled=_PENDING,
            # The merchant has a 2xx'd callback whatever the claim: it is delivered.
            token=None if outcome is CallbackStatus.DELIVERED else claim.token,
            values=values,
        )
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


def advisory_lock_id(*scope: str) -> int:
    """A signed 64-bit advisory lock key for a scope; the same on every node and every run."""
    digest = hashlib.blake2b("\x1f".join(scope).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@cache
def _lock_statement(count: int) -> Compiled:
    """SELECT pg_advisory_xact_lock(:lock_0), ... : taken left to right, keys in ascending order."""
    return Compiled(
        select(
            *(
                func.pg_advisory_xact_lock(bindparam(f"lock_{i}", type_=BigInteger))
                for i in range(count)
            )
        ),
        read=False,
    )


def _retry_chain(ticket_id: int, row: Any) -> RetryChain:
    if row is None:
        raise LookupError(f"ticket {ticket_id} not found")
    return RetryChain(
        ticket_id=ticket_id,
        state=TranState(row["state"]),
        root=row["root"],
        retries=row["retries"],
        latest=row["latest"] or row["root"],
    )


_retried = _t.alias("retried")
_member = _t.alias("member")
_retried_root = func.coalesce(_retried.c.retry_of, _retried.c.ticket_id)
#: A payment's retry chain: its state, the chain's first ticket, how many retries link to that
#: ticket and the newest of them (`ix_transactions_retry_of`: (retry_of, ticket_id)).
_CHAIN = select(
    _retried.c.state,
    _retried_root.label("root"),
    select(func.count())
    .where(_member.c.retry_of == _retried_root)
    .correlate(_retried)
    .scalar_subquery()
    .label("retries"),
    select(func.max(_member.c.ticket_id))
    .where(_member.c.retry_of == _retried_root)
    .correlate(_retried)
    .scalar_subquery()
    .label("latest"),
).where(_retried.c.ticket_id == bindparam("retrying", type_=BigInteger))
_CHAIN_PG = Compiled(_CHAIN)
#: The row lock of a payment's chain's first ticket (its retry_of is written once: the subquery
#: needs no lock of its own).
_LOCK_CHAIN_ROOT = Compiled(
    select(_t.c.ticket_id)
    .where(
        _t.c.ticket_id
        == select(func.coalesce(_member.c.retry_of, _member.c.ticket_id))
        .where(_member.c.ticket_id == bindparam("retrying", type_=BigInteger))
        .scalar_subquery()
    )
    .with_for_update()
)

_previous = _t.alias("previous")
_chain = _t.alias("chain")
_latest = _t.alias("latest")


@cache
def _facts_statement(dialect: str, payer_day: bool, previous: bool) -> Any:
    """One SELECT of the facts `creation_facts` needs; built once per shape.

    SELECT <attempts>, <live value>, previous.ticket_id, previous.state, previous.retry_of,
           <retries of previous's chain>
    FROM (SELECT 1) LEFT JOIN transactions previous ON previous.ticket_id = <latest with key>

    Every part is an index probe: `ix_transactions_payer_day` for the day,
    `ix_transactions_double_payment_key` (its last column is ticket_id, so the latest is the
    first entry read backwards) and `ix_transactions_retry_of` for the chain.
    """
    columns: list[Any] = []
    if payer_day:
        scope = (
            _t.c.entity_code == bindparam("entity_code"),
            _t.c.srv_code == bindparam("srv_code"),
            _t.c.payer_key == bindparam("payer_key"),
            _t.c.created_at >= bindparam("since"),
            _t.c.created_at < bindparam("until"),
        )
        # NULL :payment_system counts every method; coalesce gives the parameter its type.
        system = or_(
            _t.c.payment_system.is_(None),
            _t.c.payment_system == func.coalesce(bindparam("payment_system"), _t.c.payment_system),
        )
        live_states = _t.c.state.in_(
            [literal_column(f"'{s.value}'") for s in sorted(DOUBLE_PAYMENT_STATES)]
        )
        # SQLite keeps money as exact text, which SQL SUM would turn into a float: it hands the
        # texts over and the repository adds them up as Decimals.
        total = (
            func.sum(_t.c.trans_value)
            if dialect == "postgresql"
            else func.group_concat(_t.c.trans_value)
        )
        columns += [
            select(func.count()).where(*scope).scalar_subquery().label("attempts"),
            select(total).where(*scope, live_states, system).scalar_subquery().label("live_value"),
        ]
    one = select(literal(1).label("one")).subquery("one")
    source: Any = one
    if previous:
        latest = (
            select(_latest.c.ticket_id)
            .where(
                _latest.c.entity_code == bindparam("entity_code"),
                _latest.c.srv_code == bindparam("srv_code"),
                _latest.c.double_payment_key == bindparam("double_payment_key"),
            )
            .order_by(_latest.c.ticket_id.desc())
            .limit(1)
            .scalar_subquery()
        )
        root = func.coalesce(_previous.c.retry_of, _previous.c.ticket_id)
        retries = (
            select(func.count()).where(_chain.c.retry_of == root).correlate(_previous)
        ).scalar_subquery()
        columns += [
            _previous.c.ticket_id.label("previous_ticket_id"),
            _previous.c.state.label("previous_state"),
            _previous.c.retry_of.label("previous_retry_of"),
            retries.label("chain_retries"),
        ]
        source = one.outerjoin(_previous, _previous.c.ticket_id == latest)
    statement = select(*columns).select_from(source)
    return Compiled(statement) if dialect == "postgresql" else statement
