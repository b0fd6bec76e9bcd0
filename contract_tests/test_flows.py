"""create -> sandbox outcome -> get, per endpoint, over the SOAP 1.1 and the SOAP 1.2 port."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from contract_tests.checks import (
    BOGOTA,
    assert_bank_date,
    assert_created,
    assert_return_code,
    bogota_today,
)
from contract_tests.client import SOAP_PORTS, ContractClient
from contract_tests.codes import SANDBOX_OUTCOMES, TRAN_STATES
from contract_tests.data import payer_id
from contract_tests.settings import TargetData
from contract_tests.variants import Endpoint

FINAL_STATES = {"OK", "NOT_AUTHORIZED", "EXPIRED", "FAILED"}
#: clock difference allowed between this machine and the target
CLOCK_TOLERANCE = timedelta(minutes=15)

Client = Callable[..., ContractClient]
Outcome = Callable[[str, str], dict[str, str]]


@pytest.mark.parametrize("soap", SOAP_PORTS)
def test_create_returns_ticket_and_payment_url(
    endpoint: Endpoint, soap: str, soap_client: Client, payment: Callable[..., dict[str, Any]]
) -> None:
    assert_created(soap_client(endpoint, soap).create(payment()))


@pytest.mark.parametrize("soap", SOAP_PORTS)
def test_new_transaction_reads_back_as_sent(
    endpoint: Endpoint,
    soap: str,
    soap_client: Client,
    payment: Callable[..., dict[str, Any]],
    target: TargetData,
) -> None:
    client = soap_client(endpoint, soap)
    sent = payment(TransValue=Decimal("123456.50"), TransVatValue=Decimal("19000"))
    ticket = assert_created(client.create(sent))

    info = client.get(target.entity_code, ticket)

    assert_return_code(info, "SUCCESS")
    assert info.text("TicketId") == ticket
    assert info.text("EntityCode") == target.entity_code
    assert info.text("TranState") in TRAN_STATES - FINAL_STATES
    assert Decimal(info.text("TransValue") or "") == sent["TransValue"]
    assert Decimal(info.text("TransVatValue") or "") == sent["TransVatValue"]
    assert info.texts("ReferenceArray") == sent["ReferenceArray"]
    assert info.text("BankProcessDate") == endpoint.variant.min_bank_date, (
        "an unprocessed transaction's BankProcessDate must be the minimum date"
    )
    assert info.has("PaymentSystem"), "PaymentSystem must always be present (Java NPE)"


@pytest.mark.parametrize("soap", SOAP_PORTS)
def test_ok_outcome_reads_back_as_paid(
    endpoint: Endpoint,
    soap: str,
    soap_client: Client,
    payment: Callable[..., dict[str, Any]],
    force_outcome: Outcome,
    target: TargetData,
) -> None:
    client = soap_client(endpoint, soap)
    sent = payment()
    ticket = assert_created(client.create(sent))
    day_before = bogota_today()

    assert force_outcome(ticket, "OK") == {"TicketId": ticket, "TranState": "OK"}
    info = client.get(target.entity_code, ticket)

    assert_return_code(info, "SUCCESS")
    assert info.text("TicketId") == ticket
    assert info.text("TranState") == "OK"
    assert info.text("TrazabilityCode"), "a paid transaction carries its TrazabilityCode"
    assert info.text("BankName"), "a paid transaction names its bank"
    assert info.texts("ReferenceArray") == sent["ReferenceArray"]
    assert info.has("PaymentSystem")
    bank_date = assert_bank_date(info, endpoint.variant)
    assert date.fromisoformat(bank_date[:10]) in {day_before, bogota_today()}, (
        f"BankProcessDate {bank_date} is not today in America/Bogota"
    )
    # What the typed client hands to merchant code: a date for xs:date, a datetime for dateTime.
    typed = info.value.BankProcessDate
    if endpoint.variant.bank_date == "date":
        assert type(typed) is date
    else:
        assert isinstance(typed, datetime)
        # Bogotá wall-clock time of the approval (no zone on the wire), not UTC.
        now = datetime.now(BOGOTA).replace(tzinfo=None)
        assert abs(datetime.fromisoformat(bank_date) - now) < CLOCK_TOLERANCE, (
            f"BankProcessDate {bank_date} is not the Bogotá time of approval (now {now:%H:%M})"
        )


def test_reference_array_is_echoed_with_count_order_and_empty_entries(
    variant_endpoint: Endpoint,
    soap_client: Client,
    payment: Callable[..., dict[str, Any]],
    target: TargetData,
) -> None:
    """Legacy clients index into ReferenceArray (one reads 16 positions): echo it exactly."""
    client = soap_client(variant_endpoint)
    references = [payer_id(), "", "payer@example.com", "B", "A", "B", "", "20260101"]
    ticket = assert_created(client.create(payment(ReferenceArray=references)))

    info = client.get(target.entity_code, ticket)

    assert info.texts("ReferenceArray") == references


@pytest.mark.parametrize("outcome", [s for s in SANDBOX_OUTCOMES if s != "OK"])
def test_forced_outcome_is_reported(
    variant_endpoint: Endpoint,
    outcome: str,
    soap_client: Client,
    payment: Callable[..., dict[str, Any]],
    force_outcome: Outcome,
    target: TargetData,
) -> None:
    client = soap_client(variant_endpoint)
    ticket = assert_created(client.create(payment()))

    force_outcome(ticket, outcome)
    info = client.get(target.entity_code, ticket)

    assert_return_code(info, "SUCCESS")
    assert info.text("TranState") == outcome
    assert_bank_date(info, variant_endpoint.variant)
