"""Entities, services with their reference rules, and financial institutions.

The catalog changes rarely and every create reads it, so each process keeps what it read for
`ttl` seconds (`GATEWAY_CATALOG_CACHE_SECONDS`). A write through this repository empties the
process's cache at once; other nodes see the change when their entries expire.

Writes compare with what is stored and change only what differs (see `put_entity`); the
whole-catalog reads serve `ecollect-gateway config export` and bypass the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import (
    LengthRule,
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
    ShownWhen,
)
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
    "confirmation_emails", "comment_before", "comment_after", "show_values",
    "redirect_with_params", "redirect_link_text", "new_payment_url", "coupon_message",
    "hide_conversion", "rate_label", "converted_label", "net_label", "tax_label", "total_label",
    "issues_pins",
)  # fmt: skip

_KEYS = ("entity_code", "code")  # what identifies a service row; never updated


class CatalogCache:
    """Per-process memo of catalog reads, each entry kept `ttl` seconds (0: no caching).

    Misses are remembered too (an unknown code costs one read per `ttl`), so the cache holds at
    most `max_entries`: past that, expired entries go first, then the oldest, and a caller
    sending random codes cannot grow a node's memory.
    """

    def __init__(
        self,
        ttl: float,
        monotonic: Callable[[], float] = time.monotonic,
        max_entries: int = 4096,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
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
        self._entries.pop(key, None)
        if len(self._entries) >= self.max_entries:
            self._evict(now)
        self._entries[key] = (now + self.ttl, value)
        return value

    def _evict(self, now: float) -> None:
        for key in [key for key, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # insertion order: the oldest

    def __len__(self) -> int:
        return len(self._entries)

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
    #
    # Each write compares with what is stored and touches only columns that differ, so writing
    # the same configuration again issues no UPDATE, INSERT or DELETE (`config import` twice
    # changes nothing). The answer says what happened, for the import's report.

    def put_entity(self, entity: Entity) -> Written:
        """Create or update an entity (its services are written separately)."""
        self.cache.clear()
        row = self.session.get(EntityRow, entity.code)
        created = row is None
        if row is None:
            row = EntityRow(code=entity.code)
            self.session.add(row)
        changed = _assign(
            row,
            {
                "name": entity.name,
                "nit": entity.nit,
                "enabled": entity.enabled,
                "allowed_networks": list(entity.allowed_networks),
                "callback_secret": entity.callback_secret,
            },
            created,
        )
        self.session.flush()
        return Written.of(created, changed)

    add_entity = put_entity  # the name the seed and older callers use

    def put_service(self, service: MerchantService) -> Written:
        """Create or replace a service and its reference rules (replaced by position)."""
        self.cache.clear()
        row = self.session.scalars(
            select(ServiceRow).where(
                ServiceRow.entity_code == service.entity_code, ServiceRow.code == service.code
            )
        ).one_or_none()
        created = row is None
        if row is None:
            row = ServiceRow(entity_code=service.entity_code, code=service.code)
            self.session.add(row)
        values = {name: getattr(service, name) for name in SERVICE_FIELDS if name not in _KEYS}
        changed = _assign(row, values, created)
        if self._put_references(row, service.references) and not created:
            changed.append("references")
        self.session.flush()
        return Written.of(created, changed)

    def _put_references(self, row: ServiceRow, rules: tuple[ReferenceRule, ...]) -> bool:
        """Update the rules in place by position, drop the surplus, add the new: True if any
        row changed. Positions never move, so `uq_service_references_position` holds."""
        existing = {ref.position: ref for ref in row.references}
        changed = False
        for position, rule in enumerate(rules):
            values = _reference_values(rule)
            ref = existing.pop(position, None)
            if ref is None:
                row.references.append(ServiceReferenceRow(position=position, **values))
                changed = True
            elif _assign(ref, values, False):
                changed = True
        for ref in existing.values():
            row.references.remove(ref)  # delete-orphan
            changed = True
        return changed

    def put_institution(self, institution: FinancialInstitution) -> Written:
        self.cache.clear()
        key = (institution.payment_system.value, institution.code)
        row = self.session.get(FinancialInstitutionRow, key)
        created = row is None
        if row is None:
            row = FinancialInstitutionRow(payment_system=key[0], code=key[1])
            self.session.add(row)
        changed = _assign(row, {"name": institution.name, "enabled": institution.enabled}, created)
        self.session.flush()
        return Written.of(created, changed)

    # --- whole-catalog reads (configuration export; never cached) --------------------------

    def all_entities(self, code: str | None = None) -> list[Entity]:
        """Every entity by code (or the one with `code`, if there is one)."""
        query = select(EntityRow).order_by(EntityRow.code)
        if code is not None:
            query = query.where(EntityRow.code == code)
        return [_entity(row) for row in self.session.scalars(query)]

    def services_of(self, entity_code: str) -> list[MerchantService]:
        rows = self.session.scalars(
            select(ServiceRow)
            .where(ServiceRow.entity_code == entity_code)
            .order_by(ServiceRow.code)
        )
        return [_service(row) for row in rows]

    def all_institutions(self) -> list[FinancialInstitution]:
        """Every institution, the disabled ones too."""
        rows = self.session.scalars(
            select(FinancialInstitutionRow).order_by(
                FinancialInstitutionRow.payment_system, FinancialInstitutionRow.code
            )
        )
        return [
            FinancialInstitution(PaymentSystem(row.payment_system), row.code, row.name, row.enabled)
            for row in rows
        ]

    # --- loads -------------------------------------------------------------------------------

    def _load_entity(self, code: str) -> Entity | None:
        row = self.session.get(EntityRow, code)
        return None if row is None else _entity(row)

    def _load_service(self, entity_code: str, code: str) -> MerchantService | None:
        row = self.session.scalars(
            select(ServiceRow).where(ServiceRow.entity_code == entity_code, ServiceRow.code == code)
        ).one_or_none()
        return None if row is None else _service(row)

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


# --- row mapping ---------------------------------------------------------------------------------


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Written:
    """What a write did, and to which fields (names of the domain, `references` for the rules)."""

    change: Change
    fields: tuple[str, ...] = ()

    @classmethod
    def of(cls, created: bool, changed: list[str]) -> Written:
        if created:
            return cls(Change.CREATED)
        return cls(Change.UPDATED if changed else Change.UNCHANGED, tuple(changed))


def _assign(row: object, values: dict[str, Any], created: bool) -> list[str]:
    """Set the attributes that differ from the row's; the names of those that did."""
    changed = []
    for name, value in values.items():
        if created or getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def _reference_values(rule: ReferenceRule) -> dict[str, Any]:
    return {
        "title": rule.title,
        "type": rule.type.value,
        "required": rule.required,
        "uppercase": rule.uppercase,
        "constant_value": rule.constant_value,
        "hidden": rule.hidden,
        "read_only": rule.read_only,
        "length_rule": rule.length.text if rule.length else None,
        "double_payment_control": rule.double_payment_control,
        "prefix": rule.prefix,
        "help_text": rule.help,
        "list_config": _list_json(rule.list),
        "shown_when": None
        if rule.shown_when is None
        else {"reference": rule.shown_when.position, "values": list(rule.shown_when.values)},
    }


def _list_json(options: ReferenceList | None) -> dict[str, Any] | None:
    if options is None:
        return None
    return {
        "kind": options.kind.value,
        "prompt": options.prompt,
        "store_text": options.store_text,
        "parent": options.parent,
        "items": [
            {
                "code": item.code,
                "text": item.text,
                "price": None if item.price is None else format(item.price, "f"),
                "currency": item.currency,
                "parent": item.parent,
            }
            for item in options.items
        ],
    }


def _list_of(data: dict[str, Any] | None) -> ReferenceList | None:
    if data is None:
        return None
    return ReferenceList(
        kind=ListKind(data["kind"]),
        prompt=data["prompt"],
        store_text=data["store_text"],
        parent=data["parent"],
        items=tuple(
            ListItem(
                code=item["code"],
                text=item["text"],
                price=None if item["price"] is None else Decimal(item["price"]),
                currency=item["currency"],
                parent=item["parent"],
            )
            for item in data["items"]
        ),
    )


def _entity(row: EntityRow) -> Entity:
    return Entity(
        code=row.code,
        name=row.name,
        nit=row.nit,
        enabled=row.enabled,
        allowed_networks=tuple(row.allowed_networks or ()),
        callback_secret=row.callback_secret,
    )


def _service(row: ServiceRow) -> MerchantService:
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
            prefix=ref.prefix,
            help=ref.help_text,
            list=_list_of(ref.list_config),
            shown_when=None
            if ref.shown_when is None
            else ShownWhen(ref.shown_when["reference"], tuple(ref.shown_when["values"])),
        )
        for ref in row.references
    )
    values = {name: getattr(row, name) for name in SERVICE_FIELDS}
    return MerchantService(**values, references=rules)
