"""Assertions on what a legacy client reads, shared by the flow and error tests."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests

from contract_tests.client import Reply
from contract_tests.variants import DATE_FORMS, Variant
from contract_tests.wsdl_model import differences, parse_wsdl, report

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


WSDL_PARTS = ("schema", "messages", "port_types", "bindings", "services")


def assert_serves_shipped_wsdl(
    base_url: str, path: str, query: str, shipped: Path, tns: str
) -> None:
    """`GET path?query` is, structurally, the WSDL this suite ships (one of the project's own
    contracts), and both port addresses lead back to the tested host and path."""
    response = requests.get(f"{base_url}{path}?{query}", timeout=30)
    assert response.status_code == 200, f"GET {path}?{query}: {response.status_code}"
    assert "xml" in response.headers.get("Content-Type", "")
    served = parse_wsdl(response.content)
    expected = parse_wsdl(shipped.read_bytes())
    assert served.target_namespace == tns
    for part in WSDL_PARTS:
        problems = differences(getattr(expected, part), getattr(served, part))
        assert not problems, report(f"{path} {part}", problems)
    tested = urlsplit(base_url)
    assert sorted(kind for _, kind, _ in served.addresses) == ["soap", "soap12"]
    for port, _kind, location in served.addresses:
        where = urlsplit(location)
        assert where.netloc.lower() == tested.netloc.lower(), f"{port}: {location}"
        assert where.path.lower() == path.lower(), f"{port}: {location}"
