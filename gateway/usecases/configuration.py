"""Configuration as data: export the catalog as a document, import a document in one go.

Import checks the whole document against the domain's rules first and refuses it, unchanged, if
anything is wrong. Then it writes everything in ONE database transaction: institutions, then each
entity and its services. Writes touch only what differs, so importing the same document twice
changes nothing (no row inserted, updated or deleted). Entities and services the document does not
name are left as they are, and nothing is ever deleted: removing a merchant is not something a
file should do by omission (disable it with `enabled: false` / `active: false` instead).

Banks come last (their agreements name services, which the document may create): each bank,
then its users, then its agreements. Before writing anything the import also checks what only
the store can tell, and refuses the whole document with the rest of its problems when an
agreement names a service that exists neither in the document nor in the store, a username
already belongs to another bank, or a `password_sealed` does not open with the configured keys.
A user's `password` is sealed here (`gateway.sealing`); a stored password that opens to the same
one is kept as it is, so importing a file with a plain password twice changes nothing either.

Other nodes see an import when their catalog cache entries expire
(`GATEWAY_CATALOG_CACHE_SECONDS`); the importing process's cache is emptied at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gateway.clock import Clock, SystemClock
from gateway.domain.banks import BankConfiguration, BankUser, agreement_problems
from gateway.domain.configuration import (
    Configuration,
    EntityConfiguration,
    canonical,
    configuration_problems,
)
from gateway.domain.merchant_services import Problem
from gateway.sealing import SealBroken, Sealer
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
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        sealer: Sealer | None = None,
        clock: Clock | None = None,
    ) -> None:
        """`sealer` None: no secret key is configured, so a document with bank users is
        refused (their passwords could be neither sealed nor checked)."""
        self._uow = uow_factory
        self._sealer = sealer
        self._clock = clock or SystemClock()

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
                banks=None if entity_code else tuple(uow.banks.all_banks()),
            )

    def apply(self, configuration: Configuration, *, dry_run: bool = False) -> ImportReport:
        """Write the document in one transaction (rolled back on any failure, or when
        `dry_run`); InvalidConfiguration, with nothing written, if it breaks a rule."""
        changes: list[tuple[str, Written]] = []
        with self._uow() as uow:
            problems = configuration_problems(configuration)
            problems += self._bank_problems(uow, configuration)
            if problems:
                raise InvalidConfiguration(problems)
            configuration = canonical(configuration)
            for institution in configuration.institutions or ():
                name = f"institution {institution.payment_system.name} {institution.code}"
                changes.append((name, uow.catalog.put_institution(institution)))
            for entry in configuration.entities:
                code = entry.entity.code
                changes.append((f"entity {code}", uow.catalog.put_entity(entry.entity)))
                for service in entry.services:
                    name = f"service {code}/{service.code}"
                    changes.append((name, uow.catalog.put_service(service)))
            changes.extend(self._put_banks(uow, configuration.banks or ()))
            if not dry_run:
                uow.commit()
        return ImportReport(applied=not dry_run, changes=changes)

    def _bank_problems(self, uow: UnitOfWork, configuration: Configuration) -> list[Problem]:
        """What only the store (and the keys) can tell, read before anything is written."""
        problems: list[Problem] = []
        documented = {
            (entry.entity.code, service.code)
            for entry in configuration.entities
            for service in entry.services
        }
        for i, bank in enumerate(configuration.banks or ()):
            for j, agreement in enumerate(bank.agreements):
                key = (agreement.entity, agreement.service)
                malformed = any(
                    p.path[0] in ("entity", "service") for p in agreement_problems(agreement)
                )  # already a problem (or a placeholder for a missing key)
                if not malformed and key not in documented and uow.catalog.service(*key) is None:
                    problems.append(
                        Problem(
                            ("banks", i, "agreements", j, "service"),
                            f"there is no service {agreement.entity}/{agreement.service} "
                            "(neither in this file nor in the database)",
                        )
                    )
            for j, user in enumerate(bank.users):
                owner = uow.banks.user_bank(user.username)
                if owner is not None and owner != bank.code:
                    problems.append(
                        Problem(
                            ("banks", i, "users", j, "username"),
                            f"{user.username} is a user of bank {owner} (usernames are unique "
                            "across banks)",
                        )
                    )
                problems.extend(p.under("banks", i, "users", j) for p in self._seal_problems(user))
        return problems

    def _seal_problems(self, user: BankUser) -> list[Problem]:
        if (user.password is None) == (user.password_sealed is None):
            return []  # the domain's problem already
        if self._sealer is None:
            return [
                Problem(
                    ("password_sealed" if user.password is None else "password",),
                    "GATEWAY_SECRET_KEY is not set: bank passwords can be neither sealed nor "
                    "checked",
                )
            ]
        if user.password is None and user.password_sealed is not None:
            try:
                self._sealer.open(user.password_sealed)
            except SealBroken:
                return [
                    Problem(
                        ("password_sealed",),
                        "does not open with the configured GATEWAY_SECRET_KEY (sealed under "
                        "another key, or altered)",
                    )
                ]
        return []

    def _put_banks(
        self, uow: UnitOfWork, banks: tuple[BankConfiguration, ...]
    ) -> list[tuple[str, Written]]:
        sealer = self._sealer
        now = self._clock.now()
        changes: list[tuple[str, Written]] = []
        for bank in banks:
            changes.append((f"bank {bank.code}", uow.banks.put_bank(bank)))
            for user in bank.users:
                assert sealer is not None, "refused by _seal_problems"
                password = (
                    user.password
                    if user.password is not None
                    else sealer.open(user.password_sealed or "")
                )

                def sealed(user: BankUser = user, password: str = password) -> str:
                    return user.password_sealed or sealer.seal(password)

                def same(stored: str, password: str = password) -> bool:
                    try:
                        return sealer.open(stored) == password
                    except SealBroken:  # sealed under a retired key: replace it
                        return False

                name = f"bank user {user.username}"
                changes.append((name, uow.banks.put_user(bank.code, user, sealed, same, now)))
            for agreement in bank.agreements:
                name = f"agreement {bank.code}/{agreement.code}"
                changes.append((name, uow.banks.put_agreement(bank.code, agreement)))
        return changes
