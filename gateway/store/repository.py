"""Repositories: domain objects in, domain objects out. Rows never leave this package."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.domain.callbacks import NOTIFIED_STATES, notification_fields
from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import LengthRule, ReferenceRule, ReferenceType
from gateway.domain.transactions import (
    DOUBLE_PAYMENT_STATES,
    StateChange,
    Transaction,
    TranState,
)
from gateway.store.models import (
    CallbackRow,
    EntityRow,
    FinancialInstitutionRow,
    ServiceReferenceRow,
    ServiceRow,
    StateHistoryRow,
    TransactionReferenceRow,
    TransactionRow,
)

_SERVICE_FIELDS = (
    "entity_code",
    "code",
    "description",
    "active",
    "active_from",
    "active_until",
    "value",
    "open_value",
    "currency",
    "pay_currency",
    "currency_rate",
    "accepts_pse",
    "accepts_credit_card",
    "accepts_cash",
    "accepts_double_payment",
    "max_retries",
    "daily_attempt_limit",
    "daily_value_limit",
    "daily_limit_pse",
    "daily_limit_credit_card",
    "expiry_days",
    "url_response",
    "url_redirect",
    "vat_percentage",
    "informative_only",
    "confirmation_emails",
)
_TRANSACTION_FIELDS = (
    "entity_code",
    "srv_code",
    "trans_value",
    "trans_vat_value",
    "currency",
    "pay_currency",
    "currency_rate",
    "fi_code",
    "fi_name",
    "trazability_code",
    "bank_process_date",
    "invoice",
    "url_response",
    "url_redirect",
    "sign",
    "sign_fields",
    "policy_code",
    "double_payment_key",
    "payer_key",
    "retry_of",
    "channel",
    "session_token",
    "expires_at",
    "created_at",
    "refuses_double_payment",
)


class CatalogRepository:
    """Entities, services with their reference rules, and financial institutions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def entity(self, code: str) -> Entity | None:
        row = self.session.get(EntityRow, code)
        if row is None:
            return None
        return Entity(code=row.code, name=row.name, nit=row.nit, enabled=row.enabled)

    def service(self, entity_code: str, code: str) -> MerchantService | None:
        row = self.session.scalars(
            select(ServiceRow).where(ServiceRow.entity_code == entity_code, ServiceRow.code == code)
        ).one_or_none()
        if row is None:
            return None
        rules = tuple(
            ReferenceRule(
                title=ref.title,
                type=ReferenceType(ref.type),
                required=ref.required,
                uppercase=ref.uppercase,
                constant_value=ref.constant_value,
                hidden=ref.hidden,
                read_only=ref.read_only,
                length=LengthRule.parse(ref.length_rule),
                double_payment_control=ref.double_payment_control,
            )
            for ref in row.references
        )
        values = {name: getattr(row, name) for name in _SERVICE_FIELDS}
        return MerchantService(**values, references=rules)

    def add_entity(self, entity: Entity) -> None:
        self.session.merge(
            EntityRow(code=entity.code, name=entity.name, nit=entity.nit, enabled=entity.enabled)
        )

    def put_service(self, service: MerchantService) -> None:
        """Create or replace a service and its reference rules."""
        row = self.session.scalars(
            select(ServiceRow).where(
                ServiceRow.entity_code == service.entity_code, ServiceRow.code == service.code
            )
        ).one_or_none()
        if row is None:
            row = ServiceRow(entity_code=service.entity_code, code=service.code)
            self.session.add(row)
        for name in _SERVICE_FIELDS:
            setattr(row, name, getattr(service, name))
        row.references.clear()
        self.session.flush()  # old rules go before new ones take their positions
        row.references = [
            ServiceReferenceRow(
                position=position,
                title=rule.title,
                type=rule.type.value,
                required=rule.required,
                uppercase=rule.uppercase,
                constant_value=rule.constant_value,
                hidden=rule.hidden,
                read_only=rule.read_only,
                length_rule=rule.length.text if rule.length else None,
                double_payment_control=rule.double_payment_control,
            )
            for position, rule in enumerate(service.references)
        ]
        self.session.flush()

    def institutions(self) -> list[FinancialInstitution]:
        rows = self.session.scalars(
            select(FinancialInstitutionRow)
            .where(FinancialInstitutionRow.enabled.is_(True))
            .order_by(FinancialInstitutionRow.payment_system, FinancialInstitutionRow.name)
        )
        return [
            FinancialInstitution(PaymentSystem(row.payment_system), row.code, row.name)
            for row in rows
        ]

    def institution(self, system: PaymentSystem, code: str) -> FinancialInstitution | None:
        row = self.session.get(FinancialInstitutionRow, (system.value, code))
        if row is None or not row.enabled:
            return None
        return FinancialInstitution(system, row.code, row.name)

    def put_institution(self, institution: FinancialInstitution) -> None:
        self.session.merge(
            FinancialInstitutionRow(
                payment_system=institution.payment_system.value,
                code=institution.code,
                name=institution.name,
                enabled=institution.enabled,
            )
        )


class TransactionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[int, TransactionRow] = {}
        self._persisted_history: dict[int, int] = {}

    def add(self, transaction: Transaction) -> None:
        row = TransactionRow(references=[], history=[])
        self.session.add(row)
        self._write(row, transaction, persisted_history=0)
        self.session.flush()  # the sequence hands out the TicketId here
        transaction.ticket_id = row.ticket_id
        self._remember(row, transaction)

    def get(self, ticket_id: int, *, for_update: bool = False) -> Transaction | None:
        statement = select(TransactionRow).where(TransactionRow.ticket_id == ticket_id)
        if for_update:
            statement = statement.with_for_update()
        row = self.session.scalars(statement).one_or_none()
        if row is None:
            return None
        transaction = _to_domain(row)
        self._remember(row, transaction)
        return transaction

    def save(self, transaction: Transaction) -> None:
        assert transaction.ticket_id is not None
        row = self._rows[transaction.ticket_id]
        self._write(row, transaction, self._persisted_history[transaction.ticket_id])
        self.session.flush()
        self._remember(row, transaction)

    def latest_with_key(self, entity_code: str, srv_code: str, key: str) -> Transaction | None:
        ticket_id = self.session.scalar(
            select(TransactionRow.ticket_id)
            .where(
                TransactionRow.entity_code == entity_code,
                TransactionRow.srv_code == srv_code,
                TransactionRow.double_payment_key == key,
            )
            .order_by(TransactionRow.ticket_id.desc())
            .limit(1)
        )
        return None if ticket_id is None else self.get(ticket_id)

    def due_for_expiry(self, now: datetime, limit: int) -> list[int]:
        """Live payments past their expiry, locked for this worker; other nodes skip them."""
        return list(
            self.session.scalars(
                select(TransactionRow.ticket_id)
                .where(
                    TransactionRow.state.in_([TranState.CREATED.value, TranState.CAPTURED.value]),
                    TransactionRow.expires_at <= now,
                )
                .order_by(TransactionRow.ticket_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    def due_callbacks(self, now: datetime, limit: int) -> list[CallbackRow]:
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

    def count_retries(self, root_ticket_id: int) -> int:
        return (
            self.session.scalar(
                select(func.count()).where(TransactionRow.retry_of == root_ticket_id)
            )
            or 0
        )

    def retries_of(self, root_ticket_id: int) -> list[tuple[int, str]]:
        rows = self.session.execute(
            select(TransactionRow.ticket_id, TransactionRow.state)
            .where(TransactionRow.retry_of == root_ticket_id)
            .order_by(TransactionRow.ticket_id)
        )
        return [(ticket, state) for ticket, state in rows]

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
            TransactionRow.entity_code == entity_code,
            TransactionRow.srv_code == srv_code,
            TransactionRow.payer_key == payer_key,
            TransactionRow.created_at >= since,
            TransactionRow.created_at < until,
        )
        attempts = self.session.scalar(select(func.count()).where(*scope)) or 0
        live = select(TransactionRow.trans_value).where(
            *scope, TransactionRow.state.in_([s.value for s in DOUBLE_PAYMENT_STATES])
        )
        if payment_system is not None:
            live = live.where(
                (TransactionRow.payment_system == payment_system.value)
                | TransactionRow.payment_system.is_(None)
            )
        # Summed in Python: SQLite keeps money as exact text, which SQL SUM would turn to float.
        value = sum(self.session.scalars(live), Decimal(0))
        return attempts, value

    # --- mapping -----------------------------------------------------------------------------

    def _remember(self, row: TransactionRow, transaction: Transaction) -> None:
        self._rows[row.ticket_id] = row
        self._persisted_history[row.ticket_id] = len(transaction.history)

    def _write(self, row: TransactionRow, transaction: Transaction, persisted_history: int) -> None:
        for name in _TRANSACTION_FIELDS:
            setattr(row, name, getattr(transaction, name))
        row.state = transaction.state.value
        row.payment_system = (
            transaction.payment_system.value if transaction.payment_system else None
        )
        row.auth_references = list(transaction.auth_references)
        row.extras = dict(transaction.extras)
        row.updated_at = (
            transaction.history[-1].at if transaction.history else transaction.created_at
        )
        row.double_payment_lock = transaction.double_payment_lock
        if not row.references:
            row.references = [
                TransactionReferenceRow(position=position, value=value)
                for position, value in enumerate(transaction.references)
            ]
        for change in transaction.history[persisted_history:]:
            row.history.append(
                StateHistoryRow(
                    from_state=change.from_state.value if change.from_state else None,
                    to_state=change.to_state.value,
                    at=change.at,
                    source=change.source,
                    detail=change.detail,
                )
            )
            if change.to_state in NOTIFIED_STATES and transaction.url_response:
                # The callback owed rides in the same database transaction as the change.
                self.session.add(
                    CallbackRow(
                        ticket_id=transaction.ticket_id,
                        state=change.to_state.value,
                        url=transaction.url_response,
                        payload=[
                            list(pair) for pair in notification_fields(transaction, change.to_state)
                        ],
                        status="pending",
                        attempts=0,
                        next_attempt_at=change.at,
                        created_at=change.at,
                    )
                )


def _to_domain(row: TransactionRow) -> Transaction:
    values = {name: getattr(row, name) for name in _TRANSACTION_FIELDS}
    return Transaction(
        **values,
        ticket_id=row.ticket_id,
        state=TranState(row.state),
        payment_system=PaymentSystem(row.payment_system) if row.payment_system else None,
        references=tuple(ref.value for ref in row.references),
        auth_references=tuple(row.auth_references or ()),
        extras=dict(row.extras or {}),
        history=[
            StateChange(
                from_state=TranState(change.from_state) if change.from_state else None,
                to_state=TranState(change.to_state),
                at=change.at,
                source=change.source,
                detail=change.detail,
            )
            for change in row.history
        ],
    )
