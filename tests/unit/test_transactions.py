from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from gateway.domain.errors import IllegalTransition
from gateway.domain.transactions import (
    Lifetimes,
    Transaction,
    TranState,
    coupon_due,
    coupon_last_day,
)

AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def transaction(**overrides) -> Transaction:
    values = dict(
        entity_code="10001",
        srv_code="1001",
        trans_value=Decimal("1000.00"),
        trans_vat_value=Decimal(0),
        currency="COP",
        pay_currency="COP",
        currency_rate=Decimal(1),
        references=("123",),
        expires_at=AT,
        session_token="t",
    )
    values.update(overrides)
    return Transaction.open(at=AT, source="test", **values)


def test_a_new_transaction_is_created_and_its_creation_is_recorded():
    tx = transaction()
    assert tx.state is TranState.CREATED
    assert [(c.from_state, c.to_state) for c in tx.history] == [(None, TranState.CREATED)]


def test_a_pse_payment_goes_to_the_bank_then_gets_the_banks_answer():
    tx = transaction()
    tx.move_to(TranState.BANK, at=AT, source="page", lapses_at=AT)
    tx.record_bank_answer(
        TranState.OK, at=AT, source="bank", trazability_code="77", bank_process_date=AT
    )
    assert tx.state is TranState.OK
    assert tx.trazability_code == "77" and tx.bank_process_date == AT
    assert [c.to_state for c in tx.history] == [TranState.CREATED, TranState.BANK, TranState.OK]


@pytest.mark.parametrize(
    "final", [TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.EXPIRED]
)
def test_final_states_never_change(final):
    tx = transaction()
    tx.move_to(final, at=AT, source="t")
    for target in TranState:
        with pytest.raises(IllegalTransition):
            tx.move_to(target, at=AT, source="t")
    assert len(tx.history) == 2


def test_a_payment_at_the_bank_cannot_expire():
    tx = transaction()
    tx.move_to(TranState.BANK, at=AT, source="t", lapses_at=AT)
    with pytest.raises(IllegalTransition):
        tx.move_to(TranState.EXPIRED, at=AT, source="t")


def test_a_cash_coupon_is_paid_or_expires():
    tx = transaction()
    tx.move_to(TranState.CAPTURED, at=AT, source="t", lapses_at=AT)
    with pytest.raises(IllegalTransition):
        tx.move_to(TranState.NOT_AUTHORIZED, at=AT, source="t")
    tx.move_to(TranState.EXPIRED, at=AT, source="t")
    assert tx.state.is_final


def test_a_cash_coupon_paid_at_a_teller_with_a_cheque_waits_for_it_and_may_be_taken_back():
    tx = transaction()
    tx.move_to(TranState.CAPTURED, at=AT, source="t", lapses_at=AT)
    tx.record_bank_answer(
        TranState.PENDING,
        at=AT,
        source="caja",
        trazability_code="AUT1",
        bank_process_date=AT,
        lapses_at=AT + timedelta(days=5),
    )
    assert (tx.state, tx.expires_at) == (TranState.PENDING, AT + timedelta(days=5))
    tx.reverse(at=AT, source="caja", detail="cheque devuelto")
    assert tx.state is TranState.NOT_AUTHORIZED


def test_a_coupons_last_day_is_the_bogota_day_its_state_lapses_at_the_end_of():
    # Lapses at Bogota midnight of the 26th→27th (05:00 UTC): payable up to the 26th.
    assert coupon_last_day(coupon_due(AT, 3)) == date(2026, 11, 26)
    assert coupon_last_day(coupon_due(AT, 0)) == date(2026, 11, 23)


def test_the_double_payment_lock_is_held_only_while_the_payment_is_live():
    tx = transaction(double_payment_key="k", refuses_double_payment=True)
    assert tx.double_payment_lock == "k"
    tx.move_to(TranState.NOT_AUTHORIZED, at=AT, source="t")
    assert tx.double_payment_lock is None
    assert transaction(double_payment_key="k").double_payment_lock is None


LIFETIMES = Lifetimes(session=timedelta(minutes=60), bank_answer=timedelta(hours=72))


def test_each_live_state_lapses_after_its_own_lifetime():
    assert LIFETIMES.lapses_at(TranState.CREATED, AT) == AT + timedelta(minutes=60)
    assert LIFETIMES.lapses_at(TranState.BANK, AT) == AT + timedelta(hours=72)
    assert LIFETIMES.lapses_at(TranState.PENDING, AT) == AT + timedelta(hours=72)
    # AT is 10:00 in Bogota on 2026-11-23: a 3-day coupon runs to the end of 2026-11-26 there.
    assert LIFETIMES.lapses_at(TranState.CAPTURED, AT, coupon_days=3) == datetime(
        2026, 11, 27, 5, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        LIFETIMES.lapses_at(TranState.OK, AT)


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        # 23:30 in Bogota on the 23rd (04:30 UTC on the 24th): still the 23rd's coupon.
        (datetime(2026, 11, 24, 4, 30, tzinfo=UTC), datetime(2026, 11, 24, 5, 0, tzinfo=UTC)),
        # 00:30 in Bogota on the 24th: due at the end of the 24th, Bogota.
        (datetime(2026, 11, 24, 5, 30, tzinfo=UTC), datetime(2026, 11, 25, 5, 0, tzinfo=UTC)),
    ],
)
def test_a_coupon_is_due_at_the_end_of_its_bogota_day(issued, due):
    assert coupon_due(issued, 0) == due


def test_entering_a_state_that_lapses_sets_its_deadline_and_cannot_forget_it():
    tx = transaction()
    with pytest.raises(ValueError):
        tx.move_to(TranState.BANK, at=AT, source="t")
    assert tx.state is TranState.CREATED and len(tx.history) == 1
    tx.move_to(TranState.BANK, at=AT, source="t", lapses_at=AT + timedelta(hours=72))
    assert tx.expires_at == AT + timedelta(hours=72)


@pytest.mark.parametrize(
    ("state", "ends"),
    [
        (TranState.CREATED, TranState.EXPIRED),
        (TranState.CAPTURED, TranState.EXPIRED),
        (TranState.BANK, TranState.FAILED),
        (TranState.PENDING, TranState.FAILED),
    ],
)
def test_a_lapsed_state_ends_with_its_reason_recorded(state, ends):
    tx = transaction()
    due = AT + timedelta(hours=1)
    if state is TranState.CREATED:
        tx.expires_at = due
    else:
        tx.move_to(state, at=AT, source="t", lapses_at=due)
    assert not tx.lapse(due - timedelta(seconds=1), source="job:expiry")
    assert tx.state is state
    assert tx.lapse(due, source="job:expiry")
    last = tx.history[-1]
    assert (tx.state, last.from_state, last.source) == (ends, state, "job:expiry")
    assert "2026-11-23T16:00:00+00:00" in last.detail
    assert not tx.lapse(due + timedelta(days=9), source="job:expiry")  # final: stays


def test_a_payment_that_failed_at_the_bank_releases_its_double_payment_lock():
    tx = transaction(double_payment_key="k", refuses_double_payment=True)
    tx.move_to(TranState.BANK, at=AT, source="t", lapses_at=AT)
    assert tx.double_payment_lock == "k"
    tx.lapse(AT, source="job:expiry")
    assert tx.state is TranState.FAILED and tx.double_payment_lock is None
