"""Assertions on what a legacy client reads, shared by the flow and error tests."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from contract_tests.client import Reply
from contract_tests.variants import DATE_FORMS, Variant

BOGOTA = ZoneInfo("America/Bogota")


def bogota_today() -> date:
    return datetime.now(BOGOTA).date()


def assert_return_code(reply: Reply, expected: str) -> None:
    assert reply.text("ReturnCode") == expected, (
        f"{reply.operation}: ReturnCode {reply.text('ReturnCode')!r}, expected {expected!r}\n"
        + reply.describe()
    )


def assert_created(reply: Reply) -> str:
    """A successful create: digits TicketId, absolute eCollectUrl. Returns the TicketId."""
    assert_return_code(reply, "SUCCESS")
    ticket = reply.text("TicketId") or ""
    assert re.fullmatch(r"\d+", ticket), f"TicketId {ticket!r} is not decimal digits"
    url = urlsplit(reply.text("eCollectUrl") or "")
    assert url.scheme in {"http", "https"} and url.netloc, (
        f"eCollectUrl {reply.text('eCollectUrl')!r} is not an absolute URL"
    )
    return ticket


def assert_failed_create(reply: Reply, expected: str) -> None:
    """A refused create: the code, and TicketId/eCollectUrl present but empty (not omitted)."""
    assert_return_code(reply, expected)
    for name in ("TicketId", "eCollectUrl"):
        assert reply.text(name) == "", (
            f"failed create must carry an empty <{name}/> (a .NET client tests for ''), "
            f"got {reply.text(name)!r}\n{reply.describe()}"
        )


def assert_bank_date(reply: Reply, variant: Variant) -> str:
    """BankProcessDate has the lexical form the variant declares. Returns it."""
    value = reply.text("BankProcessDate") or ""
    form = DATE_FORMS[variant.bank_date]
    assert form.fullmatch(value), (
        f"BankProcessDate {value!r} is not the {variant.key} xs:{variant.bank_date} form "
        f"({form.pattern})"
    )
    return value
