"""Banks as configuration: the banks that may call the caja service, their WS-Security users
and their agreements (convenios), as `config import/export` reads and writes them.

A user's password comes in one of two forms. `password` is the password itself, written by an
operator; the import seals it (`gateway.sealing`) and never stores or prints it as it is.
`password_sealed` is the stored, sealed form, what `config export` writes: importing an export
gives the same state (the same sealed value), on the same node or on another with the same
`GATEWAY_SECRET_KEY`. Exactly one of the two.

An agreement lets its bank collect one service under `code` (the cabecera's codigoConvenio);
`gln` is the AI 415 of the service's GS1-128 coupons (13 digits, GS1 check digit), absent for a
convenio without barcodes. Lengths of the barcode's fixed-width fields, for teller readers that
drop the separators: `reference_length` (AI 8020 holds up to 25), `amount_length` (AI 390n up
to 15). `account_number` (at most 17 digits) and `account_type` (2 digits) are the collection
account of the Asobancaria 01 header.

Whether an agreement's service exists is the import's question (the document or the store);
the rules of the document alone are here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.domain import limits
from gateway.domain.gs1 import is_valid_gln
from gateway.domain.merchant_services import Problem

BANK_CODE = re.compile(r"[0-9]{3}")
USERNAME = re.compile(r"[0-9A-Za-z_.@-]{1,64}")
PASSWORD = re.compile(r"[!-~]+")  # printable ASCII without blanks: it is typed into bank code
AGREEMENT_CODE = re.compile(r"[0-9A-Za-z_.-]{1,20}")
_SERVICE_CODE = re.compile(r"[0-9A-Za-z_.-]+")

MIN_PASSWORD, MAX_PASSWORD = 12, 128
MAX_SEALED = 500  # caja_bank_users.password_sealed
MAX_BANK_NAME = 100
MAX_INVOICES = 100  # consultarCartera answers at most this many, whatever a convenio says
MAX_REFERENCE_LENGTH = 25  # AI 8020: X..25
MAX_AMOUNT_LENGTH = 15  # AI 390n: N..15
MAX_ACCOUNT_NUMBER = 17  # Asobancaria 01 header


@dataclass(frozen=True)
class BankUser:
    username: str
    password: str | None = field(default=None, repr=False)
    password_sealed: str | None = field(default=None, repr=False)
    enabled: bool = True


@dataclass(frozen=True)
class Agreement:
    code: str
    entity: str
    service: str
    gln: str | None = None
    max_invoices: int = 10
    reference_length: int | None = None
    amount_length: int | None = None
    account_number: str = ""
    account_type: str = "01"
    enabled: bool = True


@dataclass(frozen=True)
class BankConfiguration:
    code: str
    name: str
    enabled: bool = True
    users: tuple[BankUser, ...] = ()
    agreements: tuple[Agreement, ...] = ()


def bank_problems(bank: BankConfiguration) -> list[Problem]:
    """Everything wrong with the bank on its own, each problem tied to its field."""
    problems: list[Problem] = []
    if not BANK_CODE.fullmatch(bank.code):
        problems.append(Problem(("code",), "must be the bank's 3-digit code (e.g. '007')"))
    if not bank.name.strip():
        problems.append(Problem(("name",), "must not be empty"))
    elif len(bank.name) > MAX_BANK_NAME or not bank.name.isprintable():
        problems.append(Problem(("name",), f"must be printable text of at most {MAX_BANK_NAME}"))
    for i, user in enumerate(bank.users):
        problems.extend(p.under("users", i) for p in user_problems(user))
    for j, agreement in enumerate(bank.agreements):
        problems.extend(p.under("agreements", j) for p in agreement_problems(agreement))
    problems += listed_twice([user.username for user in bank.users], "users", "username", "")
    codes = [agreement.code for agreement in bank.agreements]
    problems += listed_twice(codes, "agreements", "code", "agreement ")
    return problems


def listed_twice(keys: Sequence[str], name: str, field: str, noun: str) -> list[Problem]:
    """A problem at `name[i].field` for each key listed again at `i`."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            problems.append(
                Problem((name, i, field), f"{noun}{key} is already listed at {name}[{first[key]}]")
            )
        first.setdefault(key, i)
    return problems


def user_problems(user: BankUser) -> list[Problem]:
    problems: list[Problem] = []
    if not USERNAME.fullmatch(user.username):
        problems.append(
            Problem(("username",), "must be 1 to 64 letters, digits, '.', '_', '@' or '-'")
        )
    if (user.password is None) == (user.password_sealed is None):
        problems.append(
            Problem(
                ("password",),
                "give exactly one of password (the password itself, sealed on import) and "
                "password_sealed (as config export writes it)",
            )
        )
    if user.password is not None and (
        not MIN_PASSWORD <= len(user.password) <= MAX_PASSWORD
        or not PASSWORD.fullmatch(user.password)
    ):
        problems.append(
            Problem(
                ("password",),
                f"must be {MIN_PASSWORD} to {MAX_PASSWORD} printable ASCII characters without "
                "blanks",
            )
        )
    if user.password_sealed is not None and not 0 < len(user.password_sealed) <= MAX_SEALED:
        problems.append(Problem(("password_sealed",), f"must be 1 to {MAX_SEALED} characters"))
    return problems


def agreement_problems(agreement: Agreement) -> list[Problem]:
    problems: list[Problem] = []
    if not AGREEMENT_CODE.fullmatch(agreement.code):
        problems.append(
            Problem(("code",), "must be 1 to 20 letters, digits, '-', '_' or '.' (codigoConvenio)")
        )
    for name, value, limit in (
        ("entity", agreement.entity, limits.ENTITY_CODE.length),
        ("service", agreement.service, limits.SRV_CODE.length),
    ):
        if not value or len(value) > limit or not _SERVICE_CODE.fullmatch(value):
            problems.append(Problem((name,), f"must be 1 to {limit} letters, digits, '-_.'"))
    if agreement.gln is not None and not is_valid_gln(agreement.gln):
        problems.append(
            Problem(
                ("gln",),
                f"{agreement.gln!r} is not a GLN: 13 digits whose last is the GS1 check digit",
            )
        )
    for name, value, maximum in (
        ("max_invoices", agreement.max_invoices, MAX_INVOICES),
        ("reference_length", agreement.reference_length, MAX_REFERENCE_LENGTH),
        ("amount_length", agreement.amount_length, MAX_AMOUNT_LENGTH),
    ):
        if value is not None and not 1 <= value <= maximum:
            problems.append(Problem((name,), f"must be an integer from 1 to {maximum}"))
    number = agreement.account_number
    if len(number) > MAX_ACCOUNT_NUMBER or not (
        number.isascii() and number.isdigit() or not number
    ):
        problems.append(
            Problem(("account_number",), f"must be at most {MAX_ACCOUNT_NUMBER} digits")
        )
    if not re.fullmatch(r"[0-9]{2}", agreement.account_type):
        problems.append(Problem(("account_type",), "must be 2 digits (e.g. '01')"))
    return problems
