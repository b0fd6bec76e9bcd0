"""Loading the invoice portfolio (cartera) from a file: all of it, or nothing.

Every line is checked first (`gateway.domain.cartera_file`), then, in the load's one database
transaction, whether each line's entity and service exist. Any problem: every problem is
reported and nothing is written. A clean file is then applied in that same transaction:

- a reference the service does not have yet becomes a new PENDIENTE invoice;
- an unpaid invoice (PENDIENTE with nothing paid) takes the file's values, if they differ
  (its version moves on), or is left alone, unchanged;
- an invoice with money on it (PAGADA, or partly paid) or ANULADA is never touched: the line is
  reported as skipped, with its line number. Changing what a customer owes after they paid is
  a decision for a person, not for a file. Nor is a payer's cash coupon (an invoice linked to
  its payment): what it owes is the payment's;
- each invoice inserted or updated gets a `cartera_invoice_history` row (source
  `cartera_load`, detail: the file, its line, what changed).

The invoices a file names are read under lock (FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE), so a teller payment on one of them waits for the load and then sees its result.
Reads and writes are batched (`gateway/store/cartera.py`): a 100 000-line file takes a few
dozen statements, not 100 000 round trips; a load that inserts many invoices ANALYZEs the
table before it commits. Invoices the file does not name are left as they are:
a file never deletes (the caja service sees every invoice stored).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from gateway.caja.coupon_pdf import Coupon
from gateway.clock import Clock, SystemClock, bogota_date
from gateway.domain.cartera import CENT, InvoiceState
from gateway.domain.cartera_file import CarteraLine, LineError, read_cartera
from gateway.domain.gs1 import FixedWidths
from gateway.store.caja import StoredInvoice
from gateway.store.cartera import changed_columns
from gateway.store.uow import UnitOfWork

SOURCE = "cartera_load"
#: A load that inserts this many invoices refreshes the table's statistics before it commits,
#: so the caja's look-ups keep their index at once (`CarteraRepository.refresh_statistics`).
ANALYZE_AFTER = 1000


class InvalidCarteraFile(Exception):
    """The file has problems; `errors` holds every one, in line order. Nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the portfolio file")
        self.errors = errors


@dataclass(frozen=True)
class Skipped:
    """A line whose invoice has money on it (or is void): left exactly as it was."""

    line: int
    entity_code: str
    srv_code: str
    reference1: str
    state: InvoiceState
    paid_total: Decimal
    #: The payment whose cash coupon the invoice is, if it is one.
    ticket_id: int | None = None

    def __str__(self) -> str:
        if self.ticket_id is not None:
            why = f"es el cupón del pago {self.ticket_id}"
        elif self.state is InvoiceState.PENDIENTE:
            why = f"tiene pagos por {self.paid_total:.2f}"
        else:
            why = "está pagada" if self.state is InvoiceState.PAGADA else "está anulada"
        return (
            f"línea {self.line}: referencia1 {self.reference1} ({self.entity_code}/"
            f"{self.srv_code}): no se modificó, la factura {why}"
        )


@dataclass(frozen=True)
class LoadReport:
    applied: bool
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "cargada" if self.applied else "revisada (prueba: no se escribió nada)"
        return [
            *(str(skipped) for skipped in self.skipped),
            f"cartera {verb}: {self.inserted} nuevas, {self.updated} actualizadas, "
            f"{self.unchanged} sin cambios, {len(self.skipped)} omitidas (con pagos o anuladas)",
        ]


class NoCoupon(Exception):
    """Why an invoice has no coupon to print (a Spanish sentence for the operator)."""


class Cartera:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock | None = None) -> None:
        self._uow = uow_factory
        self._clock = clock or SystemClock()

    def load_file(self, data: bytes, *, name: str = "", dry_run: bool = False) -> LoadReport:
        """Check the file whole, then apply it in one transaction (rolled back on any
        failure, or when `dry_run`); InvalidCarteraFile, with nothing written, if any line
        is wrong."""
        parsed = read_cartera(data)
        with self._uow() as uow:
            errors = parsed.errors + _unknown_services(uow, parsed.service_lines)
            if errors:
                raise InvalidCarteraFile(sorted(errors, key=lambda error: error.line))
            report = self._apply(uow, parsed.lines, name, dry_run)
            if not dry_run:
                uow.commit()
        return report

    def load(self, lines: Sequence[CarteraLine], *, name: str, dry_run: bool = False) -> LoadReport:
        """Apply invoices already checked (the demo seed's): the same rules as a file's."""
        with self._uow() as uow:
            service_lines: dict[tuple[str, str], list[int]] = {}
            for line in lines:
                key = (line.invoice.entity_code, line.invoice.srv_code)
                service_lines.setdefault(key, []).append(line.line)
            errors = _unknown_services(uow, service_lines)
            if errors:
                raise InvalidCarteraFile(errors)
            report = self._apply(uow, lines, name, dry_run)
            if not dry_run:
                uow.commit()
        return report

    def _apply(
        self, uow: UnitOfWork, lines: Sequence[CarteraLine], name: str, dry_run: bool
    ) -> LoadReport:
        now = self._clock.now()
        by_service: dict[tuple[str, str], list[CarteraLine]] = {}
        for line in lines:
            by_service.setdefault((line.invoice.entity_code, line.invoice.srv_code), []).append(
                line
            )
        new: list[CarteraLine] = []
        changes: list[tuple[StoredInvoice, CarteraLine, list[str]]] = []
        unchanged = 0
        skipped: list[Skipped] = []
        for (entity, service), group in by_service.items():
            references = [line.invoice.reference1 for line in group]
            stored = uow.cartera.invoices_by_reference(entity, service, references, lock=True)
            for line in group:
                old = stored.get(line.invoice.reference1)
                if old is None:
                    new.append(line)
                elif (
                    old.invoice.state is not InvoiceState.PENDIENTE
                    or old.invoice.paid_total
                    or old.invoice.ticket_id is not None
                ):
                    invoice = old.invoice
                    skipped.append(
                        Skipped(
                            line.line,
                            entity,
                            service,
                            invoice.reference1,
                            invoice.state,
                            invoice.paid_total,
                            invoice.ticket_id,
                        )
                    )
                elif columns := changed_columns(old.invoice, line.invoice):
                    changes.append((old, line, columns))
                else:
                    unchanged += 1
        if not dry_run:
            ids = uow.cartera.insert([line.invoice for line in new], now)
            uow.cartera.update([(old, line.invoice) for old, line, _ in changes], now)
            history = [
                _history(ids[_key(line)], now, None, name, line, {"change": "created"})
                for line in new
            ] + [
                _history(old.id, now, InvoiceState.PENDIENTE, name, line, {"fields": columns})
                for old, line, columns in changes
            ]
            uow.cartera.add_history(history)
            if len(new) >= ANALYZE_AFTER:
                uow.cartera.refresh_statistics()
        return LoadReport(not dry_run, len(new), len(changes), unchanged, skipped)

    def coupon(
        self, entity_code: str, srv_code: str, reference1: str, bank_code: str | None = None
    ) -> Coupon:
        """The payment coupon of a portfolio invoice: its references, customer and the due dates
        still payable today (Bogota; the last one while its days of grace last), with the
        barcode of the service's agreement (of `bank_code`, else the enabled one with a GLN of
        the lowest bank code). Raises NoCoupon for an unknown, paid, annulled or overdue
        invoice, or a service with no agreement that has a GLN."""
        today = bogota_date(self._clock.now())
        with self._uow() as uow:
            stored = uow.caja.invoice(entity_code, srv_code, reference1)
            agreement = uow.caja.coupon_agreement(entity_code, srv_code, bank_code)
            entity = uow.catalog.entity(entity_code)
            service = uow.catalog.service(entity_code, srv_code)
        if stored is None or entity is None or service is None:
            raise NoCoupon(f"no hay factura {reference1} en el servicio {entity_code}/{srv_code}")
        invoice = stored.invoice
        state = invoice.state_on(today)
        if state is not InvoiceState.PENDIENTE:
            raise NoCoupon(f"la factura {reference1} está {state.value}: no tiene cupón")
        if agreement is None or agreement.gln is None:
            of_bank = f" con el banco {bank_code}" if bank_code else ""
            raise NoCoupon(
                f"el servicio {entity_code}/{srv_code} no tiene convenio{of_bank} con GLN"
            )
        payable = tuple(i for i in invoice.installments if i.due_date >= today)
        lines = payable or (
            replace(invoice.installments[-1], due_date=invoice.last_collectable_day),
        )
        # What is left to pay at each date, after what was paid already.
        lines = tuple(replace(i, value=max(i.value - invoice.paid_total, CENT)) for i in lines)
        widths = (
            FixedWidths(agreement.reference_length, agreement.amount_length)
            if agreement.reference_length and agreement.amount_length
            else None
        )
        return Coupon.for_invoice(
            replace(invoice, installments=lines, paid_total=Decimal(0)),
            entity_name=entity.name,
            entity_nit=entity.nit,
            service=service.description,
            agreement=agreement.code,
            gln=agreement.gln,
            reference_titles=[rule.title for rule in service.references],
            widths=widths,
        )


def _unknown_services(
    uow: UnitOfWork, service_lines: dict[tuple[str, str], list[int]]
) -> list[LineError]:
    errors: list[LineError] = []
    for (entity, service), lines in service_lines.items():
        if uow.catalog.service(entity, service) is not None:
            continue
        if uow.catalog.entity(entity) is None:
            column, message = "entity_code", f"la entidad {entity} no existe"
        else:
            column, message = "srv_code", f"la entidad {entity} no tiene el servicio {service}"
        errors.extend(LineError(line, column, message) for line in lines)
    return errors


def _key(line: CarteraLine) -> tuple[str, str, str]:
    return (line.invoice.entity_code, line.invoice.srv_code, line.invoice.reference1)


def _history(
    invoice_id: int,
    now: datetime,
    from_state: InvoiceState | None,
    name: str,
    line: CarteraLine,
    what: dict[str, object],
) -> dict[str, object]:
    return {
        "invoice_id": invoice_id,
        "at": now,
        "source": SOURCE,
        "from_state": None if from_state is None else from_state.value,
        "to_state": InvoiceState.PENDIENTE.value,
        "paid_total": Decimal(0),
        "detail": json.dumps({"file": name, "line": line.line, **what}, ensure_ascii=False),
    }
