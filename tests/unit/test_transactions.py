from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.domain.errors import IllegalTransition
from gateway.domain.transactions import Transaction, TranState

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
    tx.move_to(TranState.BANK, at=AT, source="page")
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
    tx.move_to(TranState.BANK, at=AT, source="t")
    with pytest.raises(IllegalTransition):
        tx.move_to(TranState.EXPIRED, at=AT, source="t")


def test_a_cash_coupon_is_paid_or_expires():
    tx = transaction()
    tx.move_to(TranState.CAPTURED, at=AT, source="t")
    with pytest.raises(IllegalTransition):
        tx.move_to(TranState.NOT_AUTHORIZED, at=AT, source="t")
    tx.move_to(TranState.EXPIRED, at=AT, source="t")
    assert tx.state.is_final


def test_the_double_payment_lock_is_held_only_while_the_payment_is_live():
    tx = transaction(double_payment_key="k", refuses_double_payment=True)
    assert tx.double_payment_lock == "k"
    tx.move_to(TranState.NOT_AUTHORIZED, at=AT, source="t")
    assert tx.double_payment_lock is None
    assert transaction(double_payment_key="k").double_payment_lock is None
