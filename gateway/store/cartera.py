"""The invoice portfolio's loader queries: batched reads and writes for `cartera load`.

    invoices_by_reference   the stored invoices of one service among a file's references,
                            locked (FOR UPDATE on PostgreSQL) until the load commits, so a
                            teller payment cannot slip between the loader's read and write
    insert / update / add_history
                            a few statements for any number of rows (`gateway/store/bulk.py`:
                            COPY and unnested arrays on PostgreSQL), never a round trip per row

The caja service's own look-ups of an invoice (by reference, a customer's unpaid ones) are in
`gateway/store/caja.py`, whose `StoredInvoice` this module answers too. Core statements over the
table, not ORM objects: a load of 100 000 lines would otherwise build 100 000 identity-mapped
objects for nothing. The query-plan test (tests/integration/test_cartera_query_plans.py) checks
these and the caja's look-ups on 1 000 000 invoices.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, String, bindparam, func, select, text
from sqlalchemy.orm import Session

from gateway.domain.cartera import Invoice, InvoiceState
from gateway.store import bulk
from gateway.store.caja import StoredInvoice, stored_invoice
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


def changed_columns(stored: Invoice, new: Invoice) -> list[str]:
    """The content columns whose values differ (Decimals compare by value: 100 == 100.00)."""
    before, after = content(stored), content(new)
    return [name for name in CONTENT_COLUMNS if before[name] != after[name]]


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
                    select(INVOICES)
                    .select_from(INVOICES.join(wanted, INVOICES.c.reference1 == wanted.c.ref))
                    .where(*service)
                )
                if lock:
                    query = query.with_for_update(of=INVOICES)
            else:
                # SQLite: BEGIN IMMEDIATE already holds the database for the load.
                query = select(INVOICES).where(*service, INVOICES.c.reference1.in_(chunk))
            for row in self.session.execute(query):
                found[row.reference1] = stored_invoice(row)
        return found

    def insert(self, invoices: Sequence[Invoice], now: datetime) -> dict[tuple[str, str, str], int]:
        """New PENDIENTE invoices (a coupon's with its payment, `Invoice.ticket_id`); their ids
        by (entity, service, reference1)."""
        rows = [
            {
                "entity_code": invoice.entity_code,
                "srv_code": invoice.srv_code,
                "reference1": invoice.reference1,
                "ticket_id": invoice.ticket_id,
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


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
