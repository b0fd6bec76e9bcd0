"""What the suite needs to know about the target: where it is and which demo data it holds.

Every value is a command-line option (`python -m contract_tests --help`) whose default is the
gateway's demo seed, so the suite runs as-is against `ecollect-gateway seed demo`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

from contract_tests.variants import Prefix, parse_prefix

BASE_URL_ENV = "GATEWAY_CONTRACT_BASE_URL"
DEFAULT_PREFIXES = ("app_express", "p_express", "d_express")


@dataclass(frozen=True)
class TargetData:
    entity_code: str = "10001"
    #: open value service: references [0] id number (required digits), [1] order, [2] e-mail
    open_service: str = "1001"
    #: fixed value service, and its value
    fixed_service: str = "1002"
    fixed_value: Decimal = Decimal("50000")
    currency: str = "COP"
    #: a PSE financial institution (PaymentSystem 0) that getBankList lists
    fi_code: str = "1022"
    prefixes: tuple[Prefix, ...] = field(
        default_factory=lambda: tuple(parse_prefix(p) for p in DEFAULT_PREFIXES)
    )


# (pytest option, dest, CLI flag, default, help); the CLI flags are what `python -m
# contract_tests` accepts, the pytest options are namespaced to stay clear of other plugins.
OPTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "--contract-entity-code",
        "contract_entity_code",
        "--entity-code",
        "10001",
        "EntityCode of a merchant the target knows",
    ),
    (
        "--contract-open-service",
        "contract_open_service",
        "--open-service",
        "1001",
        "SrvCode of an open-value COP service whose first reference is a digits-only id",
    ),
    (
        "--contract-fixed-service",
        "contract_fixed_service",
        "--fixed-service",
        "1002",
        "SrvCode of a fixed-value service",
    ),
    (
        "--contract-fixed-value",
        "contract_fixed_value",
        "--fixed-value",
        "50000",
        "the value of --fixed-service",
    ),
    (
        "--contract-currency",
        "contract_currency",
        "--currency",
        "COP",
        "the currency the services accept",
    ),
    (
        "--contract-fi-code",
        "contract_fi_code",
        "--fi-code",
        "1022",
        "FICode of a PSE bank the target lists in getBankList",
    ),
)


def base_url_from(option: str | None) -> str | None:
    value = option or os.environ.get(BASE_URL_ENV) or ""
    return value.rstrip("/") or None
