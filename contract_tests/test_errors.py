"""Business errors: HTTP 200 with the right ReturnCode, never a fault, never a foreign code.

A refused create still carries empty `TicketId` and `eCollectUrl` elements; a failed query still
carries every value-typed element (the client checks minOccurs=1 on every reply) and TranState
and PaymentSystem.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from contract_tests.checks import assert_created, assert_failed_create, assert_return_code
from contract_tests.client import SOAP_PORTS, ContractClient
from contract_tests.data import payer_id
from contract_tests.settings import TargetData
from contract_tests.variants import Endpoint

Client = Callable[..., ContractClient]
Payment = Callable[..., dict[str, Any]]
UNKNOWN_TICKET = "999999999999"


def _unknown(code: str, *, width: int) -> str:
    candidate = "9" * width
    return candidate if candidate != code else "8" * width


def create_errors(target: TargetData) -> list[tuple[str, dict[str, Any], str]]:
    return [
        (
            "unknown-entity",
            {"EntityCode": _unknown(target.entity_code, width=5)},
            "FAIL_INVALIDENTITYCODE",
        ),
        (
            "unknown-service",
            {"SrvCode": _unknown(target.open_service, width=4)},
            "FAIL_INVALIDSERVICECODE",
        ),
        ("no-references", {"ReferenceArray": []}, "FAIL_INVALIDREFERENCE1"),
        (
            "empty-first-reference",
            {"ReferenceArray": ["", "ORD-1", "payer@example.com"]},
            "FAIL_INVALIDREFERENCE1",
        ),
        (
            # not an identification number under any reading (digits; or letters, digits, '-')
            "malformed-first-reference",
            {"ReferenceArray": ["12 34/56!", "ORD-1"]},
            "FAIL_INVALIDREFERENCE1",
        ),
        (
            "fixed-value-mismatch",
            {"SrvCode": target.fixed_service, "TransValue": target.fixed_value - 1000},
            "FAIL_INVALIDTRANSVALUE",
        ),
        (
            "wrong-currency",
            {"SrvCurrency": "XXX" if target.currency != "XXX" else "XXY"},
            "FAIL_INVALIDCURRENCY",
        ),
    ]


ERROR_IDS = [case[0] for case in create_errors(TargetData())]


@pytest.mark.parametrize("case", ERROR_IDS)
def test_refused_create_returns_code_and_empty_ticket(
    case: str,
    variant_endpoint: Endpoint,
    soap_client: Client,
    payment: Payment,
    target: TargetData,
) -> None:
    overrides, expected = next((o, e) for name, o, e in create_errors(target) if name == case)

    reply = soap_client(variant_endpoint).create(payment(**overrides))

    assert_failed_create(reply, expected)


def test_fixed_value_service_accepts_its_value(
    variant_endpoint: Endpoint, soap_client: Client, payment: Payment, target: TargetData
) -> None:
    """The counterpart of fixed-value-mismatch: the same request with the right value passes."""
    sent = payment(SrvCode=target.fixed_service, TransValue=target.fixed_value)
    assert_created(soap_client(variant_endpoint).create(sent))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"PaymentSystem": "77"}, "FAIL_INVALIDPAYMENTSYSTEM"),
        ({"PaymentSystem": "0", "FICode": "987654"}, "FAIL_INVALIDFICODE"),
    ],
    ids=["bad-payment-system", "bad-fi-code"],
)
def test_refused_payment_method_returns_code_and_empty_ticket(
    fields: dict[str, str],
    expected: str,
    payment_system_endpoint: Endpoint,
    soap_client: Client,
    payment: Payment,
) -> None:
    reply = soap_client(payment_system_endpoint).create(payment(**fields))

    assert_failed_create(reply, expected)


def test_listed_pse_bank_is_accepted(
    payment_system_endpoint: Endpoint, soap_client: Client, payment: Payment, target: TargetData
) -> None:
    """The counterpart of bad-fi-code: a bank from getBankList with PaymentSystem 0 passes."""
    sent = payment(PaymentSystem="0", FICode=target.fi_code)
    assert_created(soap_client(payment_system_endpoint).create(sent))


@pytest.mark.parametrize("soap", SOAP_PORTS)
def test_unknown_ticket_is_reported_not_faulted(
    variant_endpoint: Endpoint, soap: str, soap_client: Client, target: TargetData
) -> None:
    info = soap_client(variant_endpoint, soap).get(target.entity_code, UNKNOWN_TICKET)

    assert_return_code(info, "FAIL_TICKETIDNOTFOUND")
    assert info.has("TranState") and info.has("PaymentSystem"), (
        "TranState and PaymentSystem must be present even on failure\n" + info.describe()
    )
    assert info.text("BankProcessDate") == variant_endpoint.variant.min_bank_date


def test_request_values_survive_as_decimals(
    variant_endpoint: Endpoint, soap_client: Client, payment: Payment, target: TargetData
) -> None:
    """Cents are not rounded away: 1000.99 goes in, 1000.99 comes out."""
    client = soap_client(variant_endpoint)
    ticket = assert_created(
        client.create(payment(TransValue=Decimal("1000.99"), ReferenceArray=[payer_id()]))
    )
    assert Decimal(client.get(target.entity_code, ticket).text("TransValue") or "") == Decimal(
        "1000.99"
    )
