"""Entities, services with their reference rules, and financial institutions.

The catalog changes rarely and every create reads it, so each process keeps what it read for
`ttl` seconds (`GATEWAY_CATALOG_CACHE_SECONDS`). A write through this repository empties the
process's cache at once; other nodes see the change when their entries expire.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import LengthRule, ReferenceRule, ReferenceType
from gateway.store.models import (
    EntityRow,
    FinancialInstitutionRow,
    ServiceReferenceRow,
    ServiceRow,
)

SERVICE_FIELDS = (
    "entity_code", "code", "description", "active", "active_from", "active_until", "value",
    "open_value", "currency", "pay_currency", "currency_rate", "accepts_pse",
    "accepts_credit_card", "accepts_cash", "accepts_double_payment", "max_retries",
    "daily_attempt_limit", "daily_value_limit", "daily_limit_pse", "daily_limit_credit_card",
    "expiry_days", "url_response", "url_redirect", "vat_percentage", "informative_only",
    "confirmation_emails",
)  # fmt: skip


class CatalogCache:
    """Per-process memo of catalog reads, each entry kept `ttl` seconds (0: no caching)."""

    def __init__(self, ttl: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        if self.ttl <= 0:
            return load()
        now = self._monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        self._entries[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


class CatalogRepository:
    def __init__(self, session: Session, cache: CatalogCache) -> None:
        self.session = session
        self.cache = cache

    def entity(self, code: str) -> Entity | None:
        return self.cache.get(("entity", code), lambda: self._load_entity(code))

    def service(self, entity_code: str, code: str) -> MerchantService | None:
        return self.cache.get(
            ("service", entity_code, code), lambda: self._load_service(entity_code, code)
        )

    def institution(self, system: PaymentSystem, code: str) -> FinancialInstitution | None:
        return self.cache.get(
            ("institution", system, code), lambda: self._load_institution(system, code)
        )

    def institutions(self) -> list[FinancialInstitution]:
        return self.cache.get("institutions", self._load_institutions)

    # --- writes ------------------------------------------------------------------------------

    def add_entity(self, entity: Entity) -> None:
        self.cache.clear()
        self.session.merge(
            EntityRow(
                code=entity.code,
                name=entity.name,
                nit=entity.nit,
                enabled=entity.enabled,
                allowed_networks=list(entity.allowed_networks),
                callback_secret=entity.callback_secret,
            )
        )

    def put_service(self, service: MerchantService) -> None:
        """Create or replace a service and its reference rules."""
        self.cache.clear()
        row = self.session.scalars(
            select(ServiceRow).where(
                ServiceRow.entity_code == service.entity_code, ServiceRow.code == service.code
            )
        ).one_or_none()
        if row is None:
            row = ServiceRow(entity_code=service.entity_code, code=service.code)
            self.session.add(row)
        for name in SERVICE_FIELDS:
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

    def put_institution(self, institution: FinancialInstitution) -> None:
        self.cache.clear()
        self.session.merge(
            FinancialInstitutionRow(
                payment_system=institution.payment_system.value,
                code=institution.code,
                name=institution.name,
                enabled=institution.enabled,
            )
        )

    # --- loads -------------------------------------------------------------------------------

    def _load_entity(self, code: str) -> Entity | None:
        row = self.session.get(EntityRow, code)
        if row is None:
            return None
        return Entity(
            code=row.code,
            name=row.name,
            nit=row.nit,
            enabled=row.enabled,
            allowed_networks=tuple(row.allowed_networks or ()),
            callback_secret=row.callback_secret,
        )

    def _load_service(self, entity_code: str, code: str) -> MerchantService | None:
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
        values = {name: getattr(row, name) for name in SERVICE_FIELDS}
        return MerchantService(**values, references=rules)

    def _load_institution(self, system: PaymentSystem, code: str) -> FinancialInstitution | None:
        row = self.session.get(FinancialInstitutionRow, (system.value, code))
        if row is None or not row.enabled:
            return None
        return FinancialInstitution(system, row.code, row.name)

    def _load_institutions(self) -> list[FinancialInstitution]:
        rows = self.session.scalars(
            select(FinancialInstitutionRow)
            .where(FinancialInstitutionRow.enabled.is_(True))
            .order_by(FinancialInstitutionRow.payment_system, FinancialInstitutionRow.name)
        )
        return [
            FinancialInstitution(PaymentSystem(row.payment_system), row.code, row.name)
            for row in rows
        ]
