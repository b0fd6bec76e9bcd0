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


# The helpdesk suite (`contract_tests/helpdesk/`): its endpoint, the accounts it logs in with
# (the demo seed's by default), and how it reads the target's mail and runs its timed jobs.
HELPDESK_OPTIONS: tuple[tuple[str, str, str, str | None, str], ...] = (
    (
        "--contract-helpdesk-path",
        "contract_helpdesk_path",
        "--helpdesk-path",
        "/helpdesk/webservice/MesaDeAyuda.asmx",
        "path of the helpdesk service",
    ),
    (
        "--contract-helpdesk-analyst",
        "contract_helpdesk_analyst",
        "--helpdesk-analyst",
        "analista@demo.test",
        "e-mail of a SUPPORT_ANALYST agent",
    ),
    (
        "--contract-helpdesk-backoffice",
        "contract_helpdesk_backoffice",
        "--helpdesk-backoffice",
        "backoffice@demo.test",
        "e-mail of a BACK_OFFICE agent",
    ),
    (
        "--contract-helpdesk-customer",
        "contract_helpdesk_customer",
        "--helpdesk-customer",
        "cliente@demo.test",
        "e-mail of a registered customer (of another company than the suite's own sign-ups)",
    ),
    (
        "--contract-helpdesk-password",
        "contract_helpdesk_password",
        "--helpdesk-password",
        "MesaDemo-2026",
        "password of those three accounts",
    ),
    (
        "--contract-helpdesk-smtp-listen",
        "contract_helpdesk_smtp_listen",
        "--helpdesk-smtp-listen",
        None,
        "HOST:PORT to receive the target's mail on (the target's GATEWAY_SMTP_URL must be "
        "smtp://HOST:PORT?tls=none); default for a local gateway: its own",
    ),
    (
        "--contract-helpdesk-mail-spool",
        "contract_helpdesk_mail_spool",
        "--helpdesk-mail-spool",
        None,
        "read the target's mail from this spool folder (its GATEWAY_MAIL_SPOOL) instead",
    ),
    (
        "--contract-helpdesk-jobs-command",
        "contract_helpdesk_jobs_command",
        "--helpdesk-jobs-command",
        None,
        "shell command running the target's timed jobs once as of {now} (ISO 8601), e.g. "
        "'ecollect-gateway jobs run --once --now {now}'; without it the auto-close checks skip",
    ),
)


# The caja suite (`contract_tests/caja/`): the bank it acts for and its agreement (the demo
# seed's bank 007 by default), and the contract portfolio loaded on the target.
CAJA_OPTIONS: tuple[tuple[str, str, str, str | None, str], ...] = (
    (
        "--contract-caja-path",
        "contract_caja_path",
        "--caja-path",
        "/cajabancos/webservice/CajaBancos.asmx",
        "path of the caja (bank teller) service",
    ),
    ("--contract-caja-bank", "contract_caja_bank", "--caja-bank", "007", "the bank's codigoBanco"),
    (
        "--contract-caja-bank-name",
        "contract_caja_bank_name",
        "--caja-bank-name",
        "Bancolombia",
        "the bank's name, the BankName a merchant reads for its teller payments",
    ),
    (
        "--contract-caja-user",
        "contract_caja_user",
        "--caja-user",
        "bancolombia-demo",
        "WS-Security Username of one of the bank's users",
    ),
    (
        "--contract-caja-password",
        "contract_caja_password",
        "--caja-password",
        "CajaDemo-2026",
        "that user's password",
    ),
    (
        "--contract-caja-agreement",
        "contract_caja_agreement",
        "--caja-agreement",
        "1001",
        "codigoConvenio of an enabled agreement of the bank",
    ),
    (
        "--contract-caja-gln",
        "contract_caja_gln",
        "--caja-gln",
        "7709998000018",
        "the agreement's GLN (AI 415 of its coupons)",
    ),
    (
        "--contract-caja-entity",
        "contract_caja_entity",
        "--caja-entity",
        "10001",
        "EntityCode of the agreement's service (the merchant that reads the payments)",
    ),
    (
        "--contract-caja-service",
        "contract_caja_service",
        "--caja-service",
        "1001",
        "SrvCode of the agreement's service",
    ),
    (
        "--contract-caja-max-invoices",
        "contract_caja_max_invoices",
        "--caja-max-invoices",
        "10",
        "the agreement's max_invoices (most invoices consultarCartera lists)",
    ),
    (
        "--contract-caja-other-agreement",
        "contract_caja_other_agreement",
        "--caja-other-agreement",
        "5101",
        "codigoConvenio of an agreement of another bank (the local gateway gets bank 051 with it)",
    ),
    (
        "--contract-caja-cartera-tag",
        "contract_caja_cartera_tag",
        "--caja-cartera-tag",
        None,
        "tag of a fresh contract portfolio loaded on the target today (python -m "
        "contract_tests.caja.cartera); a local gateway gets one of its own; without it the "
        "checks that collect invoices skip",
    ),
)
