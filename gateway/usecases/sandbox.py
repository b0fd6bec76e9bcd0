"""The sandbox bank: what QA (and the sandbox bank pages) use to decide a payment's outcome.

Sandbox mode only: `gateway.bootstrap` builds it only then (and the /sandbox routes exist only
then). It answers as the sandbox PSE bank (`gateway.connectors.sandbox`) would.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import structlog

from gateway.clock import Clock
from gateway.domain.errors import IllegalTransition, TicketNotFound
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import Lifetimes, Transaction, TranState
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: The outcomes QA may force (the issue's TranState values).
FORCEABLE = frozenset(
    {TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.PENDING, TranState.EXPIRED}
)
DEFAULT_PSE_BANK = "1022"  # BANCO UNION COLOMBIANO, the PSE sandbox bank


def new_trazability_code() -> str:
    """A 10-digit code standing in for the PSE CUS a real bank reports."""
    return str(secrets.randbelow(9 * 10**9) + 10**9)


class SandboxBank:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        lifetimes: Lifetimes,
        trazability_factory: Callable[[], str] = new_trazability_code,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._lifetimes = lifetimes
        self._new_trazability = trazability_factory

    def answer_at_bank(self, token: str, target: TranState) -> Transaction:
        """The payer decided at the sandbox bank page of a PSE payment (BANK or PENDING)."""
        with self._uow() as uow:
            ticket_id = uow.transactions.ticket_for_session(token)
            transaction = uow.transactions.get(ticket_id) if ticket_id else None
        if transaction is None or transaction.ticket_id is None:
            raise TicketNotFound("no payment for this bank session")
        if transaction.state not in (TranState.BANK, TranState.PENDING) or not target.bank_answered:
            raise IllegalTransition(transaction.state.value, target.value)
        return self.force_outcome(transaction.ticket_id, target)

    def force_outcome(self, ticket_id: int, target: TranState) -> Transaction:
        """Move a live payment to `target` as a bank would: through BANK for a PSE payment,
        with trazability code, bank name and process date. Raises TicketNotFound or
        IllegalTransition (nothing is written then)."""
        if target not in FORCEABLE:
            raise IllegalTransition("?", target.value)
        now = self._clock.now()
        source = "sandbox:outcome"
        with self._uow() as uow:
            transaction = uow.transactions.get(ticket_id, for_update=True)
            if transaction is None:
                raise TicketNotFound(f"ticket {ticket_id} not found")
            if target is TranState.EXPIRED:
                transaction.move_to(target, at=now, source=source)
            else:
                if transaction.state.is_final:
                    raise IllegalTransition(transaction.state.value, target.value)
                # The payer would pick the bank on the page; the sandbox bank stands in when
                # none was chosen (no method yet, or PSE sent with an empty FICode).
                if transaction.payment_system in (None, PaymentSystem.PSE) and not (
                    transaction.fi_code
                ):
                    transaction.choose(
                        PaymentSystem.PSE,
                        uow.catalog.institution(PaymentSystem.PSE, DEFAULT_PSE_BANK),
                    )
                if transaction.state is TranState.CREATED and (
                    transaction.payment_system is PaymentSystem.PSE
                ):
                    transaction.move_to(
                        TranState.BANK,
                        at=now,
                        source=source,
                        lapses_at=self._lifetimes.lapses_at(TranState.BANK, now),
                    )
                transaction.record_bank_answer(
                    target,
                    at=now,
                    source=source,
                    trazability_code=transaction.trazability_code or self._new_trazability(),
                    bank_process_date=now,
                    lapses_at=self._lifetimes.lapses_at(TranState.PENDING, now),
                )
            uow.transactions.save(transaction)
            uow.commit()
        log.info("sandbox.outcome", ticket_id=ticket_id, state=target.value)
        return transaction
