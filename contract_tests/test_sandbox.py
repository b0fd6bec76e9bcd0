"""The sandbox control QA uses to force outcomes behaves as documented (404, 409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests.checks import assert_created
from contract_tests.client import ContractClient
from contract_tests.sandbox import Sandbox
from contract_tests.settings import TargetData
from contract_tests.variants import Endpoint


def test_sandbox_refuses_a_second_outcome_after_ok(
    v2_endpoint: Endpoint,
    soap_client: Callable[..., ContractClient],
    payment: Callable[..., dict[str, Any]],
    force_outcome: Callable[[str, str], dict[str, str]],
    sandbox: Sandbox,
    target: TargetData,
) -> None:
    client = soap_client(v2_endpoint)
    ticket = assert_created(client.create(payment()))
    force_outcome(ticket, "OK")

    again = sandbox.post_outcome(ticket, "NOT_AUTHORIZED")

    assert again.status_code == 409, f"HTTP {again.status_code} {again.text[:300]}"
    assert client.get(target.entity_code, ticket).text("TranState") == "OK"


def test_sandbox_answers_404_for_an_unknown_ticket(
    v2_endpoint: Endpoint,
    soap_client: Callable[..., ContractClient],
    payment: Callable[..., dict[str, Any]],
    force_outcome: Callable[[str, str], dict[str, str]],
    sandbox: Sandbox,
) -> None:
    # Meaningful only where a sandbox exists: force_outcome skips the test where it does not.
    ticket = assert_created(soap_client(v2_endpoint).create(payment()))
    force_outcome(ticket, "PENDING")

    assert sandbox.post_outcome("999999999999", "OK").status_code == 404
