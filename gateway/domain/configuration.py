"""A configuration document: entities with their services, the financial institutions, and
the banks of the caja service with their users and agreements (`gateway/domain/banks.py`).

What `ecollect-gateway config export` writes and `config import` applies, as domain objects (the
YAML shape lives in `gateway/config_file.py`). The rules of a whole document are here: every
entity, service and institution valid on its own (`merchant_services.*_problems`), codes unique
where the store keys them.

A document is declarative for what it names and silent about the rest: an entity or service it
lists is set to exactly what it says (a parameter left out takes the manual's default, the
references listed replace the service's), one it does not list is left as it is; nothing is ever
deleted. `institutions` None means the document does not speak about institutions at all;
`banks` None likewise. A bank's users and agreements are named by username and by agreement
code: those listed are set, those not listed are left as they are (disable them with
`enabled: false`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gateway.domain.banks import BankConfiguration, bank_problems, listed_twice
from gateway.domain.merchant_services import (
    Entity,
    MerchantService,
    Problem,
    canonical_network,
    entity_problems,
    institution_problems,
    service_problems,
)
from gateway.domain.payment_systems import FinancialInstitution

FORMAT_VERSION = 1


@dataclass(frozen=True)
class EntityConfiguration:
    entity: Entity
    services: tuple[MerchantService, ...] = ()


@dataclass(frozen=True)
class Configuration:
    entities: tuple[EntityConfiguration, ...] = ()
    institutions: tuple[FinancialInstitution, ...] | None = None
    banks: tuple[BankConfiguration, ...] | None = None


def configuration_problems(configuration: Configuration) -> list[Problem]:
    """Everything wrong with the document, each problem with its path from the top."""
    problems: list[Problem] = []
    first_entity: dict[str, int] = {}
    for i, entry in enumerate(configuration.entities):
        entity = entry.entity
        problems.extend(p.under("entities", i) for p in entity_problems(entity))
        if entity.code in first_entity:
            problems.append(
                Problem(
                    ("entities", i, "code"),
                    f"entity {entity.code} is already configured at "
                    f"entities[{first_entity[entity.code]}]",
                )
            )
        first_entity.setdefault(entity.code, i)
        first_service: dict[str, int] = {}
        for j, service in enumerate(entry.services):
            here = ("entities", i, "services", j)
            problems.extend(p.under(*here) for p in service_problems(service))
            if service.entity_code != entity.code:
                problems.append(Problem(here, f"belongs to entity {service.entity_code}"))
            if service.code in first_service:
                problems.append(
                    Problem(
                        (*here, "code"),
                        f"service {service.code} is already configured at "
                        f"entities[{i}].services[{first_service[service.code]}]",
                    )
                )
            first_service.setdefault(service.code, j)
    first_institution: dict[tuple[str, str], int] = {}
    for k, institution in enumerate(configuration.institutions or ()):
        place = ("financial_institutions", k)
        problems.extend(p.under(*place) for p in institution_problems(institution))
        key = (institution.payment_system.value, institution.code)
        if key in first_institution:
            problems.append(
                Problem(
                    (*place, "code"),
                    f"{institution.payment_system.name} {institution.code} is already configured "
                    f"at financial_institutions[{first_institution[key]}]",
                )
            )
        first_institution.setdefault(key, k)
    problems.extend(_banks_problems(configuration.banks or ()))
    return problems


def _banks_problems(banks: tuple[BankConfiguration, ...]) -> list[Problem]:
    problems: list[Problem] = []
    for i, bank in enumerate(banks):
        problems.extend(p.under("banks", i) for p in bank_problems(bank))
    problems += listed_twice([bank.code for bank in banks], "banks", "code", "bank ")
    first_user: dict[str, int] = {}
    for i, bank in enumerate(banks):
        for j, user in enumerate(bank.users):
            # A username is unique across banks: the UsernameToken alone names the bank.
            seen = first_user.setdefault(user.username, i)
            if seen != i:
                problems.append(
                    Problem(
                        ("banks", i, "users", j, "username"),
                        f"{user.username} is already a user of banks[{seen}] (usernames are "
                        "unique across banks)",
                    )
                )
    return problems


def canonical(configuration: Configuration) -> Configuration:
    """The document as it is stored: networks in canonical CIDR form (`10.0.0.1` is
    `10.0.0.1/32`), so that the same file imported twice compares equal to what it wrote.
    Only for a document without problems."""
    return dataclasses.replace(
        configuration,
        entities=tuple(
            dataclasses.replace(
                entry,
                entity=dataclasses.replace(
                    entry.entity,
                    allowed_networks=tuple(
                        canonical_network(n) for n in entry.entity.allowed_networks
                    ),
                ),
            )
            for entry in configuration.entities
        ),
    )
