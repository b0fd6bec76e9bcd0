from __future__ import annotations

from gateway.jobs.expiry import expire_due
from gateway.usecases.commands import CreatePayment


def test_an_unpaid_session_expires_and_the_change_is_recorded(container, clock):
    """Each state lapses on its own clock (tests/integration/test_expiry.py has each one)."""
    pay = container.payments
    session = pay.create_transaction(
        CreatePayment(entity_code="10001", srv_code="1002", references=("123456",))
    )
    coupon = pay.process_transaction(
        CreatePayment(
            entity_code="10001", srv_code="1002", references=("123456",), payment_system="100"
        )
    )
    card = pay.process_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="1002",
            references=("123456",),
            payment_system="1",
            auth_references=("4111111111111111", "12/2030", "123"),
        )
    )
    assert expire_due(container.uow, clock) == 0
    clock.advance(minutes=61)
    assert expire_due(container.uow, clock) == 1
    assert expire_due(container.uow, clock) == 0
    states = {
        t: pay.get_transaction_information("10001", t).tran_state
        for t in (session.ticket_id, coupon.ticket_id, card.ticket_id)
    }
    assert states == {
        session.ticket_id: "EXPIRED",
        coupon.ticket_id: "CAPTURED",  # due at the end of its Bogota day
        card.ticket_id: "OK",
    }
    with container.uow() as uow:
        history = uow.transactions.get(int(session.ticket_id)).history
    assert (history[-1].to_state.value, history[-1].source) == ("EXPIRED", "job:expiry")
