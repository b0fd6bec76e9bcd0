"""Queries of the caja service: bank users and nonces, agreements, the invoices a teller
collects, and the operations, payments, cheques and reversals of `caja_tables`.

Idempotency is the database's: an operation is inserted ON CONFLICT (bank, idTransaccion) DO
NOTHING RETURNING its id, so of two requests with the same key exactly one inserts (the other
waits for it on PostgreSQL's unique index, then finds it); a nonce is remembered the same way.
`psycopg` reports rowcount -1 for those inserts: the RETURNING row is what tells.

Serialization: a payment locks its invoice (SELECT … FOR UPDATE) before deciding, so payments of
one invoice are judged one after the other on the latest paid total. A payment and a reversal of
the same bank transaction take one PostgreSQL advisory lock on (bank, idTransaccion)
(`lock_transaction_key`) before reading each other's rows: a reversal that finds no payment
cannot miss one being written. SQLite has one writer at a time (BEGIN IMMEDIATE), which
serializes the same reads there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from gateway.domain.caja_payments import Cheque, PaymentState
from gateway.domain.cartera import Installment, Invoice, InvoiceState
from gateway.domain.reconciliation import FormaPago, PagoCaja, nit_digits
from gateway.domain.transactions import TranState
from gateway.store.caja_tables import (
    AgreementRow,
    BankRow,
    BankUserRow,
    ChequeRow,
    InvoiceHistoryRow,
    InvoiceRow,
    NonceRow,
    OperationRow,
    PaymentRow,
    ReversalRow,
)
from gateway.store.inserts import insert_if_absent
from gateway.store.models import EntityRow, TransactionRow
from gateway.store.transactions import ConcurrentUpdate, advisory_lock_id

_banks = BankRow.__table__
_users = BankUserRow.__table__
_agreements = AgreementRow.__table__
_nonces = NonceRow.__table__
_invoices = InvoiceRow.__table__
_history = InvoiceHistoryRow.__table__
_operations = OperationRow.__table__
_payments = PaymentRow.__table__
_cheques = ChequeRow.__table__
_reversals = ReversalRow.__table__

#: consultarCartera reads at most this many of a customer's unpaid invoices, then keeps the
#: collectable ones (a customer with more is a data problem, not a teller's query).
CUSTOMER_INVOICES_READ = 500


@dataclass(frozen=True)
class BankUser:
    username: str
    password_sealed: str
    enabled: bool
    bank_code: str
    bank_name: str
    bank_enabled: bool


@dataclass(frozen=True)
class Agreement:
    id: int
    bank_code: str
    code: str
    entity_code: str
    srv_code: str
    gln: str | None
    max_invoices: int
    reference_length: int | None
    amount_length: int | None
    enabled: bool


@dataclass(frozen=True)
class StoredInvoice:
    id: int
    version: int
    invoice: Invoice


@dataclass(frozen=True)
class StoredOperation:
    id: int
    kind: str
    payload_sha256: str
    response: dict[str, Any]


@dataclass(frozen=True)
class StoredPayment:
    id: int
    bank_code: str
    id_transaccion: str
    agreement_id: int
    invoice_id: int
    ticket_id: int
    numero_autorizacion_banco: str
    valor_total: Decimal
    forma_pago: str
    state: PaymentState
    fecha_compensacion: date
    jornada: str
    oficina: str
    reference1: str


@dataclass(frozen=True)
class StoredReversal:
    id: int
    operation_id: int
    original_id_transaccion: str
    payment_id: int | None


@dataclass(frozen=True)
class NewPayment:
    operation_id: int
    bank_code: str
    id_transaccion: str
    agreement_id: int
    invoice_id: int
    ticket_id: int
    numero_autorizacion_banco: str
    valor_efectivo: Decimal
    valor_cheque: Decimal
    valor_total: Decimal
    forma_pago: str
    state: PaymentState
    fecha_compensacion: date
    jornada: str
    canal: str
    oficina: str
    terminal: str | None
    operador: str | None
    fecha_hora_transaccion: datetime
    cheques: tuple[Cheque, ...]


class CajaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def _db(self) -> Connection:
        return self.session.connection()

    @cached_property
    def _postgres(self) -> bool:
        return self._db.dialect.name == "postgresql"

    # --- authentication -----------------------------------------------------------------------

    def bank_user(self, username: str) -> BankUser | None:
        row = self._db.execute(
            select(
                _users.c.username,
                _users.c.password_sealed,
                _users.c.enabled,
                _users.c.bank_code,
                _banks.c.name,
                _banks.c.enabled.label("bank_enabled"),
            )
            .join(_banks, _banks.c.code == _users.c.bank_code)
            .where(_users.c.username == username)
        ).one_or_none()
        if row is None:
            return None
        return BankUser(
            username=row.username,
            password_sealed=row.password_sealed,
            enabled=bool(row.enabled),
            bank_code=row.bank_code,
            bank_name=row.name,
            bank_enabled=bool(row.bank_enabled),
        )

    def record_nonce(self, username: str, nonce: str, created_at: datetime) -> bool:
        """Remember a nonce; False when it was seen before (a replay)."""
        values = {"username": username, "nonce": nonce, "created_at": created_at}
        return insert_if_absent(self._db, _nonces, values, ("username", "nonce")) is not None

    def prune_nonces(self, before: datetime, limit: int) -> int:
        """Forget up to `limit` nonces created before `before` (through `ix_caja_nonces_created`):
        a token that old is refused for its Created anyway."""
        oldest = (
            select(_nonces.c.username, _nonces.c.nonce)
            .where(_nonces.c.created_at < before)
            .order_by(_nonces.c.created_at)
            .limit(limit)
        )
        if self._postgres:
            oldest = oldest.with_for_update(skip_locked=True)  # nodes prune side by side
        statement = delete(_nonces).where(tuple_(_nonces.c.username, _nonces.c.nonce).in_(oldest))
        return len(self._db.execute(statement.returning(_nonces.c.nonce)).all())

    # --- agreements and invoices --------------------------------------------------------------

    def agreement(self, bank_code: str, code: str) -> Agreement | None:
        row = self._db.execute(
            select(_agreements).where(
                _agreements.c.bank_code == bank_code, _agreements.c.code == code
            )
        ).one_or_none()
        return None if row is None else _agreement(row)

    def coupon_agreement(
        self, entity_code: str, srv_code: str, bank_code: str | None = None
    ) -> Agreement | None:
        """The enabled agreement with a GLN a service's coupons carry (its barcode's AI 415):
        of `bank_code`, else the lowest bank code, so every coupon of a service shows the same
        one (`ix_caja_agreements_service`)."""
        bank = [] if bank_code is None else [_agreements.c.bank_code == bank_code]
        row = self._db.execute(
            select(_agreements)
            .where(
                *bank,
                _agreements.c.entity_code == entity_code,
                _agreements.c.srv_code == srv_code,
                _agreements.c.enabled.is_(True),
                _agreements.c.gln.is_not(None),
            )
            .order_by(_agreements.c.bank_code, _agreements.c.code)
            .limit(1)
        ).one_or_none()
        return None if row is None else _agreement(row)

    def invoice(
        self, entity_code: str, srv_code: str, reference1: str, *, for_update: bool = False
    ) -> StoredInvoice | None:
        statement = select(_invoices).where(
            _invoices.c.entity_code == entity_code,
            _invoices.c.srv_code == srv_code,
            _invoices.c.reference1 == reference1,
        )
        if for_update:
            statement = statement.with_for_update()
        row = self._db.execute(statement).one_or_none()
        return None if row is None else stored_invoice(row)

    def invoice_by_id(self, invoice_id: int, *, for_update: bool = False) -> StoredInvoice:
        statement = select(_invoices).where(_invoices.c.id == invoice_id)
        if for_update:
            statement = statement.with_for_update()
        return stored_invoice(self._db.execute(statement).one())

    def unpaid_invoices(
        self, entity_code: str, srv_code: str, id_type: str, id_number: str
    ) -> list[StoredInvoice]:
        """A customer's PENDIENTE invoices, oldest first due date first
        (`ix_cartera_invoices_customer`)."""
        rows = self._db.execute(
            select(_invoices)
            .where(
                _invoices.c.entity_code == entity_code,
                _invoices.c.srv_code == srv_code,
                _invoices.c.id_type == id_type,
                _invoices.c.id_number == id_number,
                _invoices.c.state == InvoiceState.PENDIENTE.value,
            )
            .order_by(_invoices.c.due_date_1, _invoices.c.id)
            .limit(CUSTOMER_INVOICES_READ)
        ).all()
        return [stored_invoice(row) for row in rows]

    def payment_states(self, ticket_ids: Sequence[int]) -> dict[int, TranState]:
        """The states of the payments whose cash coupons these invoices are (primary key)."""
        if not ticket_ids:
            return {}
        t = TransactionRow.__table__
        rows = self._db.execute(
            select(t.c.ticket_id, t.c.state).where(t.c.ticket_id.in_(list(ticket_ids)))
        )
        return {row.ticket_id: TranState(row.state) for row in rows}

    def save_invoice(
        self, stored: StoredInvoice, changed: Invoice, *, at: datetime, source: str, detail: str
    ) -> None:
        """Write the invoice's new paid total, balance and state (optimistic: the version read)
        and its history line."""
        result = self._db.execute(
            update(_invoices)
            .where(_invoices.c.id == stored.id, _invoices.c.version == stored.version)
            .values(
                paid_total=changed.paid_total,
                balance=changed.balance,
                state=changed.state.value,
                updated_at=at,
                version=stored.version + 1,
            )
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"invoice {stored.id} changed since it was read")
        self._db.execute(
            insert(_history).values(
                invoice_id=stored.id,
                at=at,
                source=source,
                from_state=stored.invoice.state.value,
                to_state=changed.state.value,
                paid_total=changed.paid_total,
                detail=detail,
            )
        )

    # --- operations -------------------------------------------------------------------------

    def lock_transaction_key(self, bank_code: str, id_transaccion: str) -> None:
        """PostgreSQL: hold (until the unit of work ends) the lock every payment and reversal of
        this bank transaction takes first. SQLite: its one writer serializes them already."""
        if self._postgres:
            self._db.execute(
                select(
                    func.pg_advisory_xact_lock(advisory_lock_id("caja", bank_code, id_transaccion))
                )
            )

    def insert_operation(
        self,
        *,
        bank_code: str,
        id_transaccion: str,
        kind: str,
        payload_sha256: str,
        response: dict[str, Any],
        at: datetime,
    ) -> int | None:
        """The operation's id, or None when (bank, idTransaccion) already has one."""
        values = {
            "bank_code": bank_code,
            "id_transaccion": id_transaccion,
            "kind": kind,
            "payload_sha256": payload_sha256,
            "response": response,
            "created_at": at,
        }
        return insert_if_absent(self._db, _operations, values, ("bank_code", "id_transaccion"))

    def operation(self, bank_code: str, id_transaccion: str) -> StoredOperation | None:
        row = self._db.execute(
            select(_operations).where(
                _operations.c.bank_code == bank_code,
                _operations.c.id_transaccion == id_transaccion,
            )
        ).one_or_none()
        if row is None:
            return None
        return StoredOperation(row.id, row.kind, row.payload_sha256, dict(row.response))

    def set_response(self, operation_id: int, response: dict[str, Any]) -> None:
        self._db.execute(
            update(_operations).where(_operations.c.id == operation_id).values(response=response)
        )

    # --- payments -----------------------------------------------------------------------------

    def insert_payment(self, payment: NewPayment, at: datetime) -> int:
        values = {field.name: getattr(payment, field.name) for field in fields(payment)}
        cheques = values.pop("cheques")
        values.update(state=payment.state.value, created_at=at, updated_at=at)
        payment_id = self._db.execute(
            insert(_payments).values(**values).returning(_payments.c.id)
        ).scalar_one()
        if cheques:
            self._db.execute(
                insert(_cheques),
                [
                    {
                        "payment_id": payment_id,
                        "banco": cheque.banco,
                        "numero": cheque.numero,
                        "valor": cheque.valor,
                        "tipo_canje": cheque.tipo_canje.value,
                    }
                    for cheque in cheques
                ],
            )
        return int(payment_id)

    def payment(
        self, bank_code: str, id_transaccion: str, *, for_update: bool = False
    ) -> StoredPayment | None:
        statement = _payment_query().where(
            _payments.c.bank_code == bank_code, _payments.c.id_transaccion == id_transaccion
        )
        if for_update:
            statement = statement.with_for_update(of=_payments)
        row = self._db.execute(statement).one_or_none()
        return None if row is None else _stored_payment(row)

    def payments_of_day(
        self, bank_code: str, agreement_id: int | None, fecha_compensacion: date
    ) -> list[StoredPayment]:
        """A bank's payments of one compensation date, of one agreement or (None) of all
        (`ix_caja_payments_bank_date`), in the order they were taken."""
        query = _payment_query().where(
            _payments.c.bank_code == bank_code,
            _payments.c.fecha_compensacion == fecha_compensacion,
        )
        if agreement_id is not None:
            query = query.where(_payments.c.agreement_id == agreement_id)
        rows = self._db.execute(query.order_by(_payments.c.id)).all()
        return [_stored_payment(row) for row in rows]

    def file_payments(
        self, bank_code: str, fecha_compensacion: date, agreement_code: str | None
    ) -> list[PagoCaja]:
        """The payments that stand (APLICADO, PENDIENTE_CANJE) of a bank's compensation date,
        with what eCollect's Asobancaria 2001 file says of each: the agreement's GLN (else the
        company's NIT), the company's NIT and the account credited
        (`ix_caja_payments_bank_date`)."""
        entities = EntityRow.__table__
        query = (
            select(
                _payments.c.bank_code,
                _payments.c.fecha_compensacion,
                _agreements.c.gln,
                entities.c.nit,
                _agreements.c.account_number,
                _invoices.c.reference1,
                _payments.c.valor_total,
                _payments.c.forma_pago,
                _payments.c.id_transaccion,
                _payments.c.numero_autorizacion_banco,
                _payments.c.oficina,
            )
            .join(_agreements, _agreements.c.id == _payments.c.agreement_id)
            .join(_invoices, _invoices.c.id == _payments.c.invoice_id)
            .join(entities, entities.c.code == _agreements.c.entity_code)
            .where(
                _payments.c.bank_code == bank_code,
                _payments.c.fecha_compensacion == fecha_compensacion,
                _payments.c.state.in_(
                    [PaymentState.APLICADO.value, PaymentState.PENDIENTE_CANJE.value]
                ),
            )
            .order_by(_payments.c.id)
        )
        if agreement_code is not None:
            query = query.where(_agreements.c.code == agreement_code)
        return [
            PagoCaja(
                codigo_banco=row.bank_code,
                fecha_compensacion=row.fecha_compensacion,
                convenio_gln=row.gln or nit_digits(row.nit),
                nit_entidad=nit_digits(row.nit),
                numero_cuenta=row.account_number or "0",
                referencia1=row.reference1,
                valor=row.valor_total,
                forma_pago=FormaPago(row.forma_pago),
                id_transaccion=row.id_transaccion,
                numero_autorizacion_banco=row.numero_autorizacion_banco,
                oficina=row.oficina,
            )
            for row in self._db.execute(query)
        ]

    def canje_lapsed(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(bank, idTransaccion) of PENDIENTE_CANJE payments whose transaction's wait for the
        canje lapsed at `now`, oldest first: read through `ix_transactions_lapsing_expires`
        (live payments only), as the expiry job reads the others. Keyed on the payment, not on
        the transaction's channel: a payer's cash coupon paid with a cheque is one too."""
        transactions = TransactionRow.__table__
        rows = self._db.execute(
            select(_payments.c.bank_code, _payments.c.id_transaccion)
            .join(transactions, transactions.c.ticket_id == _payments.c.ticket_id)
            .where(
                # Implies the predicate of `ix_transactions_lapsing_expires` (PENDING lapses).
                transactions.c.state == TranState.PENDING.value,
                transactions.c.expires_at <= now,
                _payments.c.state == PaymentState.PENDIENTE_CANJE.value,
            )
            .order_by(transactions.c.expires_at)
            .limit(limit)
        ).all()
        return [(row.bank_code, row.id_transaccion) for row in rows]

    def set_payment_state(self, payment_id: int, state: PaymentState, at: datetime) -> None:
        self._db.execute(
            update(_payments)
            .where(_payments.c.id == payment_id)
            .values(state=state.value, updated_at=at)
        )

    # --- reversals ----------------------------------------------------------------------------

    def reversal_of(self, bank_code: str, original_id_transaccion: str) -> StoredReversal | None:
        row = self._db.execute(
            select(_reversals).where(
                _reversals.c.bank_code == bank_code,
                _reversals.c.original_id_transaccion == original_id_transaccion,
            )
        ).one_or_none()
        if row is None:
            return None
        return StoredReversal(row.id, row.operation_id, row.original_id_transaccion, row.payment_id)

    def insert_reversal(
        self,
        *,
        operation_id: int,
        bank_code: str,
        original_id_transaccion: str,
        numero_autorizacion_banco: str | None,
        payment_id: int | None,
        motivo: str,
        fecha_compensacion: date,
        jornada: str,
        at: datetime,
    ) -> int:
        return int(
            self._db.execute(
                insert(_reversals)
                .values(
                    operation_id=operation_id,
                    bank_code=bank_code,
                    original_id_transaccion=original_id_transaccion,
                    numero_autorizacion_banco=numero_autorizacion_banco,
                    payment_id=payment_id,
                    motivo=motivo,
                    fecha_compensacion=fecha_compensacion,
                    jornada=jornada,
                    created_at=at,
                )
                .returning(_reversals.c.id)
            ).scalar_one()
        )


def _payment_query() -> Any:
    return select(
        _payments.c.id,
        _payments.c.bank_code,
        _payments.c.id_transaccion,
        _payments.c.agreement_id,
        _payments.c.invoice_id,
        _payments.c.ticket_id,
        _payments.c.numero_autorizacion_banco,
        _payments.c.valor_total,
        _payments.c.forma_pago,
        _payments.c.state,
        _payments.c.fecha_compensacion,
        _payments.c.jornada,
        _payments.c.oficina,
        _invoices.c.reference1,
    ).join(_invoices, _invoices.c.id == _payments.c.invoice_id)


def _record(cls: Any, row: Row[Any], **converted: Any) -> Any:
    """A dataclass of the row's columns of the same names (`converted`: those it types)."""
    mapping = row._mapping
    return cls(
        **{f.name: mapping[f.name] for f in fields(cls) if f.name not in converted}, **converted
    )


def _agreement(row: Row[Any]) -> Agreement:
    return _record(Agreement, row, enabled=bool(row.enabled))  # type: ignore[no-any-return]


def _stored_payment(row: Row[Any]) -> StoredPayment:
    return _record(StoredPayment, row, state=PaymentState(row.state))  # type: ignore[no-any-return]


def stored_invoice(row: Row[Any]) -> StoredInvoice:
    installments = tuple(
        Installment(due, value)
        for due, value in (
            (row.due_date_1, row.value_1),
            (row.due_date_2, row.value_2),
            (row.due_date_3, row.value_3),
        )
        if due is not None and value is not None
    )
    invoice = Invoice(
        entity_code=row.entity_code,
        srv_code=row.srv_code,
        reference1=row.reference1,
        reference2=row.reference2,
        reference3=row.reference3,
        id_type=row.id_type,
        id_number=row.id_number,
        name=row.name,
        description=row.description,
        installments=installments,
        partial_allowed=bool(row.partial_allowed),
        minimum_value=row.minimum_value,
        minimum_percent=row.minimum_percent,
        overdue_days=row.overdue_days,
        state=InvoiceState(row.state),
        paid_total=row.paid_total,
        ticket_id=row.ticket_id,
    )
    return StoredInvoice(id=row.id, version=row.version, invoice=invoice)
