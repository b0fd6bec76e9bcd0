"""The policy of a new payment: double payment, Máximo Reintentos, daily attempts and value."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from gateway.domain.errors import InvalidPolicy, InvalidReference, InvalidTransValue
from gateway.domain.payment_rules import (
    CreationFacts,
    CreationLimits,
    PayerDay,
    PreviousPayment,
    admit,
)
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import TranState
from gateway.seed import DEMO_SERVICES

OPEN = CreationLimits()
VALUE = Decimal(100)


def previous(state: TranState, *, ticket: int = 7, retry_of: int | None = None, retries: int = 0):
    return CreationFacts(previous=PreviousPayment(ticket, state, retry_of, retries))


def day(attempts: int = 0, live: str = "0") -> CreationFacts:
    return CreationFacts(payer_day=PayerDay(attempts, Decimal(live)))


def test_a_first_payment_passes_and_retries_nothing():
    assert admit(OPEN, CreationFacts(), VALUE) is None


@pytest.mark.parametrize("state", ["CREATED", "BANK", "PENDING", "CAPTURED", "OK"])
def test_a_live_or_approved_payment_with_the_key_refuses_a_double_payment(state):
    refusing = CreationLimits(accepts_double_payment=False)
    with pytest.raises(InvalidReference):
        admit(refusing, previous(TranState(state)), VALUE)
    assert admit(OPEN, previous(TranState(state)), VALUE) is None  # accepted: not a retry


@pytest.mark.parametrize("state", ["NOT_AUTHORIZED", "FAILED", "EXPIRED"])
def test_after_a_failed_payment_the_new_one_retries_the_chains_first_ticket(state):
    limits = CreationLimits(accepts_double_payment=False, max_retries=2)
    assert admit(limits, previous(TranState(state)), VALUE) == 7
    assert admit(limits, previous(TranState(state), ticket=9, retry_of=7, retries=1), VALUE) == 7


def test_retries_stop_at_maximo_reintentos_and_zero_means_unlimited():
    capped = CreationLimits(max_retries=2)
    with pytest.raises(InvalidPolicy):
        admit(capped, previous(TranState.FAILED, ticket=9, retry_of=7, retries=2), VALUE)
    unlimited = CreationLimits(max_retries=0)
    assert admit(unlimited, previous(TranState.FAILED, retry_of=7, retries=50), VALUE) == 7


def test_daily_attempts_refuse_at_the_limit():
    limits = CreationLimits(daily_attempt_limit=3)
    assert admit(limits, day(attempts=2), VALUE) is None
    with pytest.raises(InvalidPolicy):
        admit(limits, day(attempts=3), VALUE)


def test_daily_value_counts_this_payment_and_may_reach_the_cap_exactly():
    limits = CreationLimits(daily_value_cap=Decimal(300))
    assert admit(limits, day(live="200"), VALUE) is None
    with pytest.raises(InvalidTransValue):
        admit(limits, day(live="200.01"), VALUE)


def test_the_references_are_judged_before_the_day():
    limits = CreationLimits(accepts_double_payment=False, daily_attempt_limit=1)
    facts = dataclasses.replace(previous(TranState.OK), payer_day=PayerDay(5, Decimal(0)))
    with pytest.raises(InvalidReference):
        admit(limits, facts, VALUE)


def test_limits_come_from_the_service_parameters():
    service = dataclasses.replace(
        DEMO_SERVICES[0],
        accepts_double_payment=False,
        max_retries=4,
        daily_attempt_limit=0,
        daily_value_limit=True,
        daily_limit_pse=Decimal(500),
        daily_limit_credit_card=Decimal(900),
        accepts_cash=False,
    )
    pse = CreationLimits.of(service, PaymentSystem.PSE)
    assert (pse.accepts_double_payment, pse.max_retries, pse.daily_value_cap) == (
        False,
        4,
        Decimal(500),
    )
    assert pse.counts_payer_day
    assert CreationLimits.of(service, None).daily_value_cap == Decimal(900)  # most generous
    assert not CreationLimits.of(DEMO_SERVICES[0], None).counts_payer_day
