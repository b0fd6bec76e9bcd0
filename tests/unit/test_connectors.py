"""The connector registry and the sandbox stand-ins (gateway/connectors)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gateway.connectors.ports import Connectors, PaymentFacts
from gateway.connectors.sandbox import (
    TEST_CARDS,
    SandboxCardAuthorizer,
    SandboxPseBank,
    coupon_number,
    sandbox_connectors,
)
from gateway.domain.cards import parse_card
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import TranState

AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
FACTS = PaymentFacts(
    ticket_id=1000001, entity_code="10001", srv_code="1001", trans_value=Decimal(1000),
    trans_vat_value=Decimal(0), currency="COP", references=("123",), session_token="abc123",
    prefix="p_express", return_url="https://pagos.example.co/p_express/secure/services.aspx?WsPm=abc123",
    at=AT,
)  # fmt: skip


def test_no_connectors_support_nothing():
    none = Connectors()
    assert not any(none.supports(system) for system in PaymentSystem)
    assert none.offered([PaymentSystem.PSE, PaymentSystem.CREDIT_CARD, PaymentSystem.CASH]) == ()


def test_the_sandbox_covers_cards_pse_and_cash_only():
    sandbox = sandbox_connectors("https://pagos.example.co")
    accepted = [
        PaymentSystem.CASH,
        PaymentSystem.SPEI,
        PaymentSystem.CREDIT_CARD,
        PaymentSystem.PSE,
    ]
    assert sandbox.offered(accepted) == (
        PaymentSystem.PSE, PaymentSystem.CREDIT_CARD, PaymentSystem.CASH
    )  # fmt: skip


def test_a_card_authorizer_is_only_for_card_systems():
    with pytest.raises(ValueError):
        Connectors(cards={PaymentSystem.PSE: SandboxCardAuthorizer()})


@pytest.mark.parametrize(("number", "state"), sorted(TEST_CARDS.items()))
def test_the_sandbox_answers_each_documented_test_card(number, state):
    card = parse_card((number, "12/2030", "123"), date(2026, 11, 23))
    answer = SandboxCardAuthorizer(lambda: "777777").authorize(card, FACTS)
    assert (answer.state, answer.trazability_code, answer.bank_process_date) == (
        state,
        "777777",
        AT,
    )


def test_any_other_valid_card_is_approved_by_the_sandbox():
    card = parse_card(("4242424242424242", "12/2030", "123"), date(2026, 11, 23))
    assert SandboxCardAuthorizer().authorize(card, FACTS).state is TranState.OK


def test_the_sandbox_bank_is_a_page_of_the_gateway_itself():
    url = SandboxPseBank("https://pagos.example.co").start_session(FACTS)
    assert url == "https://pagos.example.co/sandbox/pse/abc123?prefix=p_express"


def test_coupon_numbers_carry_the_ticket_and_a_check_digit():
    assert coupon_number(1000001) == "0000010000014"  # weights 3,1,3,… from the right: 6 + 4
