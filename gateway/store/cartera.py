"""The invoice portfolio's queries: the loader's batched reads and writes, and the two look-ups
the caja service answers from.

    invoices_by_reference   the loader: the stored invoices of one service among a file's
                            references, locked (FOR UPDATE on PostgreSQL) until the load commits,
                            so a teller payment cannot slip between the loader's read and write
    insert / update / add_history
                            a few statements for any number of rows (`gateway/store/bulk.py`:
                            COPY and unnested arrays on PostgreSQL), never a round trip per row
    invoice                 consultarReferencia: (entity, service, reference1), the unique key
                            `uq_cartera_invoices_reference`
    customer_invoices       consultarCartera: a customer's invoices of one service, oldest first
                            due date first, through `ix_cartera_invoices_customer`

Core statements over the table, not ORM objects: a load of 100 000 lines would otherwise build
100 000 identity-mapped objects for nothing. The query-plan test
(tests/integration/test_cartera_query_plans.py) checks every one of these on 1 000 000 invoices.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, Row, String, bindparam, func, select, text
from sqlalchemy.orm import Session

from gateway.domain.cartera import Installment, Invoice, InvoiceState
from gateway.store import bulk
from gateway.store.caja_tables import InvoiceHistoryRow, InvoiceRow
from gateway.store.transactions import ConcurrentUpdate

INVOICES = InvoiceRow.__table__
HISTORY = InvoiceHistoryRow.__table__

#: References per look-up statement: SQLite allows 32 766 bound values; PostgreSQL takes them
#: as one array parameter.
READ_BATCH = 2000
PG_READ_BATCH = 20_000

#: The columns a portfolio file sets; the rest (state, paid_total, balance) follow payments.
CONTENT_COLUMNS = (
    "reference2", "reference3", "id_type", "id_number", "name", "description",
    "due_date_1", "value_1", "due_date_2", "value_2", "due_date_3", "value_3",
    "partial_allowed", "minimum_value", "minimum_percent", "overdue_days",
)  # fmt: skip
_KEY_COLUMNS = ("entity_code", "srv_code", "reference1")
_READ_COLUMNS = (
    "id", *_KEY_COLUMNS, *CONTENT_COLUMNS, "state", "paid_total", "balance", "version",
    "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class StoredInvoice:
    """An invoice as stored: the domain's invoice, with the row's id and optimistic version."""

    id: int
    version: int
    invoice: Invoice
    balance: Decimal
    updated_at: datetime
    #: The row's CONTENT_COLUMNS as read, for the loader's comparison.
    content: tuple[Any, ...] = field(default=(), repr=False, compare=False)


def content(invoice: Invoice) -> dict[str, Any]:
    """The row's CONTENT_COLUMNS for `invoice` (missing installments are NULL)."""
    values: dict[str, Any] = {
        "reference2": invoice.reference2,
        "reference3": invoice.reference3,
        "id_type": invoice.id_type,
        "id_number": invoice.id_number,
        "name": invoice.name,
        "description": invoice.description,
        "partial_allowed": invoice.partial_allowed,
        "minimum_value": invoice.minimum_value,
        "minimum_percent": invoice.minimum_percent,
        "overdue_days": invoice.overdue_days,
    }
    for k in (1, 2, 3):
        installment = invoice.installments[k - 1] if len(invoice.installments) >= k else None
        values[f"due_date_{k}"] = installment.due_date if installment else None
        values[f"value_{k}"] = installment.value if installment else None
    return values


def changed_columns(stored: StoredInvoice, new: Invoice) -> list[str]:
    """The content columns whose values differ (Decimals compare by value: 100 == 100.00)."""
    after = content(new)
    return [
        name for name, before in zip(CONTENT_COLUMNS, stored.content, strict=True)
        if before != after[name]
    ]  # fmt: skip


class CarteraRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the loader ---------------------------------------------------------------------------

    def invoices_by_reference(
        self, entity_code: str, srv_code: str, references: Sequence[str], *, lock: bool = False
    ) -> dict[str, StoredInvoice]:
        """The stored invoices of the service among `references`, by reference1."""
        found: dict[str, StoredInvoice] = {}
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        columns = [INVOICES.c[name] for name in _READ_COLUMNS]
        service = (INVOICES.c.entity_code == entity_code, INVOICES.c.srv_code == srv_code)
        for chunk in _chunks(references, PG_READ_BATCH if postgresql else READ_BATCH):
            if postgresql:
                # A join with the unnested array, not `reference1 = ANY(array)`: on a table
                # without statistics yet (just loaded) the planner may walk the service
                # through another index and test every row against the whole array
                # (rows x references); a join stays linear whatever the plan.
                array = bindparam("refs", list(chunk), ARRAY(String))
                wanted = func.unnest(array).table_valued("ref").render_derived(name="wanted")
                query = (
                    select(*columns)
                    .select_from(INVOICES.join(wanted, INVOICES.c.reference1 == wanted.c.ref))
                    .where(*service)
                )
                if lock:
                    query = query.with_for_update(of=INVOICES)
            else:
                # SQLite: BEGIN IMMEDIATE already holds the database for the load.
                query = select(*columns).where(*service, INVOICES.c.reference1.in_(chunk))
            for row in self.session.execute(query):
                found[row.reference1] = _stored(row)
        return found

    def insert(self, invoices: Sequence[Invoice], now: datetime) -> dict[tuple[str, str, str], int]:
        """New PENDIENTE invoices; their ids by (entity, service, reference1)."""
        rows = [
            {
                "entity_code": invoice.entity_code,
                "srv_code": invoice.srv_code,
                "reference1": invoice.reference1,
                **content(invoice),
                "state": InvoiceState.PENDIENTE.value,
                "paid_total": Decimal(0),
                "balance": invoice.installments[0].value,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for invoice in invoices
        ]
        connection = self.session.connection()
        for row, id_ in zip(rows, bulk.new_ids(connection, INVOICES, len(rows)), strict=True):
            row["id"] = id_
        bulk.insert(connection, INVOICES, rows)
        return {(row["entity_code"], row["srv_code"], row["reference1"]): row["id"] for row in rows}

    def update(self, changes: Sequence[tuple[StoredInvoice, Invoice]], now: datetime) -> None:
        """Set the file's content on unpaid invoices the caller read under lock; the version
        moves on, so a payment that read the invoice before the load cannot apply on stale
        values (its own versioned update finds no row)."""
        rows = [
            {
                "id": stored.id,
                "version": stored.version,
                **content(new),
                "balance": new.installments[0].value,
                "updated_at": now,
            }
            for stored, new in changes
        ]
        count = bulk.update(
            self.session.connection(),
            INVOICES,
            rows,
            keys=("id", "version"),
            increments=("version",),
        )
        if count != len(rows):  # cannot happen under the caller's lock; never write half
            raise ConcurrentUpdate(f"{len(rows) - count} invoice(s) changed during the load")

    def add_history(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append history rows (invoice_id, at, source, from_state, to_state, paid_total,
        detail): one executemany."""
        bulk.insert(self.session.connection(), HISTORY, rows)

    def refresh_statistics(self) -> None:
        """ANALYZE the invoices (PostgreSQL), inside the load's transaction (it counts the
        load's own rows). Until a table has statistics, (entity, service, reference1) and the
        customer index cost the same to the planner, and it may answer consultarReferencia by
        walking the whole service through the customer index; autovacuum would analyze only
        a minute or so later."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE cartera_invoices"))

    # --- the caja service's look-ups ----------------------------------------------------------

    def invoice(
        self, entity_code: str, srv_code: str, reference1: str, *, lock: bool = False
    ) -> StoredInvoice | None:
        """consultarReferencia / notificarPago: the invoice with this reference, if any;
        `lock`: FOR UPDATE (PostgreSQL), for a payment about to change it."""
        query = select(*(INVOICES.c[name] for name in _READ_COLUMNS)).where(
            INVOICES.c.entity_code == entity_code,
            INVOICES.c.srv_code == srv_code,
            INVOICES.c.reference1 == reference1,
        )
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).one_or_none()
        return None if row is None else _stored(row)

    def customer_invoices(
        self, entity_code: str, srv_code: str, id_type: str, id_number: str, limit: int
    ) -> list[StoredInvoice]:
        """consultarCartera: the customer's invoices of the service (every state: the caller
        decides what to show), oldest first due date first, at most `limit`."""
        rows = self.session.execute(
            select(*(INVOICES.c[name] for name in _READ_COLUMNS))
            .where(
                INVOICES.c.entity_code == entity_code,
                INVOICES.c.srv_code == srv_code,
                INVOICES.c.id_type == id_type,
                INVOICES.c.id_number == id_number,
            )
            .order_by(INVOICES.c.due_date_1, INVOICES.c.id)
            .limit(limit)
        )
        return [_stored(row) for row in rows]


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored(row: Row[Any]) -> StoredInvoice:
    """By position (the order of _READ_COLUMNS): 100 000 rows read by name cost seconds."""
    (id_, entity, service, reference1, *values, state, paid, balance, version, updated_at) = row
    (reference2, reference3, id_type, id_number, name, description, d1, v1, d2, v2, d3, v3,
     partial, minimum_value, minimum_percent, overdue_days) = values  # fmt: skip
    installments = tuple(
        Installment(day, value) for day, value in ((d1, v1), (d2, v2), (d3, v3)) if day is not None
    )
    invoice = Invoice(
        entity, service, reference1, reference2, reference3, id_type, id_number, name,
        description, installments, partial, minimum_value, minimum_percent, overdue_days,
        InvoiceState(state), paid,
    )  # fmt: skip
    return StoredInvoice(id_, version, invoice, balance, updated_at, tuple(values))
