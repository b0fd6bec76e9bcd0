"""Configuration as data: export the catalog as a document, import a document in one go.

Import checks the whole document against the domain's rules first and refuses it, unchanged, if
anything is wrong. Then it writes everything in ONE database transaction: institutions, then each
entity and its services. Writes touch only what differs, so importing the same document twice
changes nothing (no row inserted, updated or deleted). Entities and services the document does not
name are left as they are, and nothing is ever deleted: removing a merchant is not something a
file should do by omission (disable it with `enabled: false` / `active: false` instead).

Other nodes see an import when their catalog cache entries expire
(`GATEWAY_CATALOG_CACHE_SECONDS`); the importing process's cache is emptied at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.domain.configuration import (
    Configuration,
    EntityConfiguration,
    canonical,
    configuration_problems,
)
from gateway.domain.merchant_services import Problem
from gateway.store.catalog import Change, Written
from gateway.store.uow import UnitOfWork


class InvalidConfiguration(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the configuration")
        self.problems = problems


class UnknownEntity(LookupError):
    pass


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, not applied, would do): one line per object it names."""

    applied: bool
    changes: list[tuple[str, Written]] = field(default_factory=list)

    def count(self, change: Change) -> int:
        return sum(1 for _, written in self.changes if written.change is change)

    @property
    def changed(self) -> bool:
        return any(written.change is not Change.UNCHANGED for _, written in self.changes)

    def lines(self) -> list[str]:
        """The created and updated objects (field names only: secrets are never printed)."""
        lines = []
        for name, written in self.changes:
            if written.change is Change.CREATED:
                lines.append(f"{name}: created")
            elif written.change is Change.UPDATED:
                lines.append(f"{name}: updated ({', '.join(written.fields)})")
        created, updated = self.count(Change.CREATED), self.count(Change.UPDATED)
        unchanged = self.count(Change.UNCHANGED)
        verb = "imported" if self.applied else "checked (dry run, nothing written)"
        lines.append(
            f"configuration {verb}: {created} created, {updated} updated, {unchanged} unchanged"
        )
        return lines


class Configurations:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow = uow_factory

    def export(self, entity_code: str | None = None) -> Configuration:
        """The stored catalog: every entity (or just one) with its services, by code.

        The institutions are global: they come with a full export, not with one entity's.
        """
        with self._uow() as uow:
            entities = uow.catalog.all_entities(entity_code)
            if entity_code is not None and not entities:
                raise UnknownEntity(f"there is no entity {entity_code!r}")
            return Configuration(
                entities=tuple(
                    EntityConfiguration(entity, tuple(uow.catalog.services_of(entity.code)))
                    for entity in entities
                ),
                institutions=None if entity_code else tuple(uow.catalog.all_institutions()),
            )

    def apply(self, configuration: Configuration, *, dry_run: bool = False) -> ImportReport:
        """Write the document in one transaction (rolled back on any failure, or when
        `dry_run`); InvalidConfiguration, with nothing written, if it breaks a rule."""
        problems = configuration_problems(configuration)
        if problems:
            raise InvalidConfiguration(problems)
        configuration = canonical(configuration)
        changes: list[tuple[str, Written]] = []
        with self._uow() as uow:
            for institution in configuration.institutions or ():
                name = f"institution {institution.payment_system.name} {institution.code}"
                changes.append((name, uow.catalog.put_institution(institution)))
            for entry in configuration.entities:
                code = entry.entity.code
                changes.append((f"entity {code}", uow.catalog.put_entity(entry.entity)))
                for service in entry.services:
                    name = f"service {code}/{service.code}"
                    changes.append((name, uow.catalog.put_service(service)))
            if not dry_run:
                uow.commit()
        return ImportReport(applied=not dry_run, changes=changes)
