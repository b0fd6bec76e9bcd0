"""Payment transactions and their state machine.

    CREATED ──► BANK ──► PENDING ──► OK | NOT_AUTHORIZED | FAILED
       │          └────────────────► OK | NOT_AUTHORIZED | FAILED
       ├──► CAPTURED ──► OK | EXPIRED            (cash coupon paid at a bank counter, or not)
       ├──► PENDING | OK | NOT_AUTHORIZED | FAILED (a card authorized directly)
       └──► EXPIRED                              (the payer never reached a bank)

OK, NOT_AUTHORIZED, FAILED and EXPIRED are final. EXPIRED happens only before the payer reaches
a financial institution (administrative manual, "Estados de Transacciones"). Every change is
appended to `history`; nothing in it is ever rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from gateway.domain.errors import IllegalTransition
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem


class TranState(StrEnum):
    CREATED = "CREATED"
    BANK = "BANK"
    PENDING = "PENDING"
    CAPTURED = "CAPTURED"
    OK = "OK"
    NOT_AUTHORIZED = "NOT_AUTHORIZED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def bank_answered(self) -> bool:
        """States a financial institution reports (they carry trazability code and date)."""
        return self in {TranState.PENDING, TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED}


FINAL_STATES = frozenset(
    {TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.EXPIRED}
)
#: States in which a payment with the same references counts as a double payment.
DOUBLE_PAYMENT_STATES = frozenset(
    {TranState.CREATED, TranState.BANK, TranState.PENDING, TranState.CAPTURED, TranState.OK}
)
#: States after which the payer may try again (a retry of the same references).
RETRYABLE_STATES = frozenset({TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.EXPIRED})

_ANSWERS = {TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED}
TRANSITIONS: dict[TranState, frozenset[TranState]] = {
    TranState.CREATED: frozenset(
        {TranState.BANK, TranState.CAPTURED, TranState.PENDING, TranState.EXPIRED} | _ANSWERS
    ),
    TranState.BANK: frozenset({TranState.PENDING} | _ANSWERS),
    TranState.PENDING: frozenset(_ANSWERS),
    TranState.CAPTURED: frozenset({TranState.OK, TranState.EXPIRED}),
}


@dataclass(frozen=True)
class StateChange:
    """One line of a transaction's audit trail."""

    from_state: TranState | None
    to_state: TranState
    at: datetime
    source: str
    detail: str = ""


@dataclass
class Transaction:
    entity_code: str
    srv_code: str
    trans_value: Decimal
    trans_vat_value: Decimal
    currency: str
    pay_currency: str
    currency_rate: Decimal
    references: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    session_token: str
    state: TranState = TranState.CREATED
    ticket_id: int | None = None
    payment_system: PaymentSystem | None = None
    fi_code: str | None = None
    fi_name: str | None = None
    trazability_code: str | None = None
    bank_process_date: datetime | None = None
    invoice: str | None = None
    url_response: str | None = None
    url_redirect: str | None = None
    sign: str | None = None
    sign_fields: str | None = None
    policy_code: str | None = None
    auth_references: tuple[str | None, ...] = ()
    extras: dict = field(default_factory=dict)
    double_payment_key: str | None = None
    #: The service refused double payments when this one was created ("Acepta pago doble").
    refuses_double_payment: bool = False
    payer_key: str | None = None
    retry_of: int | None = None
    channel: str = "webservice"
    history: list[StateChange] = field(default_factory=list)

    @property
    def double_payment_lock(self) -> str | None:
        """The key this payment holds against a double payment, while it holds one."""
        if self.refuses_double_payment and self.state in DOUBLE_PAYMENT_STATES:
            return self.double_payment_key
        return None

    @classmethod
    def open(cls, *, at: datetime, source: str, **values) -> Transaction:
        transaction = cls(created_at=at, **values)
        transaction.history.append(StateChange(None, TranState.CREATED, at, source))
        return transaction

    def move_to(self, target: TranState, *, at: datetime, source: str, detail: str = "") -> None:
        if target not in TRANSITIONS.get(self.state, frozenset()):
            raise IllegalTransition(self.state.value, target.value)
        self.history.append(StateChange(self.state, target, at, source, detail))
        self.state = target

    def choose(self, system: PaymentSystem, institution: FinancialInstitution | None) -> None:
        """The payer (or merchant) picked the method and, for PSE and cards, the institution."""
        self.payment_system = system
        if institution is not None:
            self.fi_code = institution.code
            self.fi_name = institution.name

    def record_bank_answer(
        self,
        target: TranState,
        *,
        at: datetime,
        source: str,
        trazability_code: str,
        bank_process_date: datetime,
    ) -> None:
        """A financial institution answered: the state plus what a bank reports with it."""
        if not target.bank_answered:
            raise IllegalTransition(self.state.value, target.value)
        self.move_to(target, at=at, source=source, detail=f"trazability {trazability_code}")
        self.trazability_code = trazability_code
        self.bank_process_date = bank_process_date
