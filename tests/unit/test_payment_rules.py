"""The policy of a new payment: double payment, Máximo Reintentos, daily attempts and value."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.domain.errors import (
    InvalidPolicy,
    InvalidReference,
    InvalidTransValue,
    NotRetryable,
    RetriesExhausted,
    RetrySuperseded,
)
from gateway.domain.payment_rules import (
    CreationFacts,
    CreationLimits,
    OtherPayment,
    PayerDay,
    PreviousPayment,
    RetryChain,
    RetryOffer,
    admit,
    double_payment_notice,
    retry_offer,
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


# --- the payer's "Reintentar" --------------------------------------------------------------


def chain(state="NOT_AUTHORIZED", *, ticket=9, root=7, retries=1, latest=None) -> RetryChain:
    return RetryChain(ticket, TranState(state), root, retries, ticket if latest is None else latest)


@pytest.mark.parametrize("state", ["NOT_AUTHORIZED", "FAILED"])
def test_a_rejected_or_failed_payment_offers_a_retry_until_maximo_reintentos(state):
    assert retry_offer(2, chain(state, retries=1)) is RetryOffer.OFFERED
    assert retry_offer(2, chain(state, retries=2)) is RetryOffer.EXHAUSTED
    assert retry_offer(0, chain(state, retries=50)) is RetryOffer.OFFERED  # 0: no limit


@pytest.mark.parametrize("state", ["CREATED", "BANK", "PENDING", "CAPTURED", "OK", "EXPIRED"])
def test_other_states_offer_nothing(state):
    assert retry_offer(2, chain(state)) is RetryOffer.NONE


def test_only_the_last_payment_of_its_chain_is_retried():
    """The first ticket of a chain that was retried, or a retry that was retried again."""
    assert retry_offer(2, chain(ticket=7, root=7, retries=1, latest=9)) is RetryOffer.SUPERSEDED
    assert retry_offer(9, chain(ticket=8, retries=2, latest=9)) is RetryOffer.SUPERSEDED


def test_a_payers_retry_links_to_its_chains_first_ticket_without_a_double_payment_key():
    assert admit(OPEN, CreationFacts(retrying=chain(ticket=7, root=7, retries=0)), VALUE) == 7
    assert admit(OPEN, CreationFacts(retrying=chain(ticket=9, root=7)), VALUE) == 7


def test_a_payers_retry_is_refused_by_its_chain():
    limits = CreationLimits(max_retries=2)
    with pytest.raises(RetrySuperseded) as superseded:
        admit(limits, CreationFacts(retrying=chain(latest=11)), VALUE)
    assert superseded.value.latest == 11
    with pytest.raises(RetriesExhausted):
        admit(limits, CreationFacts(retrying=chain(retries=2)), VALUE)
    with pytest.raises(NotRetryable):
        admit(limits, CreationFacts(retrying=chain("OK")), VALUE)


def test_a_payers_retry_meets_the_double_payment_control_and_the_day():
    """Another live or approved payment with the same references refuses the retry when the
    service refuses double payment; the payer's day still counts the retry."""
    approved = PreviousPayment(12, TranState.OK, None, 0)
    facts = CreationFacts(previous=approved, retrying=chain())
    with pytest.raises(InvalidReference):
        admit(CreationLimits(accepts_double_payment=False), facts, VALUE)
    assert admit(OPEN, facts, VALUE) == 7
    mine = CreationFacts(previous=PreviousPayment(9, TranState.NOT_AUTHORIZED, 7, 1),
                         retrying=chain())  # fmt: skip
    assert admit(CreationLimits(accepts_double_payment=False), mine, VALUE) == 7
    tired = dataclasses.replace(mine, payer_day=PayerDay(3, Decimal(0)))
    with pytest.raises(InvalidPolicy):
        admit(CreationLimits(daily_attempt_limit=3), tired, VALUE)


def test_the_double_payment_notice_shows_a_live_or_approved_payment_and_blocks_if_refused():
    at = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    approved = OtherPayment(12, TranState.OK, at)
    accepted = double_payment_notice(True, approved)
    assert accepted is not None and not accepted.blocks and accepted.other.ticket_id == 12
    assert accepted.at.hour == 10  # Bogota, UTC-5
    refused = double_payment_notice(False, approved)
    assert refused is not None and refused.blocks
    assert double_payment_notice(False, None) is None
    assert double_payment_notice(False, OtherPayment(12, TranState.FAILED, at)) is None
