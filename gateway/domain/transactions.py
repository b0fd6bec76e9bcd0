"""Payment transactions and their state machine.

    CREATED ──► BANK ──► PENDING ──► OK | NOT_AUTHORIZED | FAILED
       │          └────────────────► OK | NOT_AUTHORIZED | FAILED
       ├──► CAPTURED ──► OK | EXPIRED            (cash coupon paid at a bank counter, or not)
       │          └────► PENDING                 (paid there with a cheque still clearing)
       ├──► PENDING | OK | NOT_AUTHORIZED | FAILED (a card authorized directly)
       └──► EXPIRED                              (the payer never reached a bank)
    OK | PENDING ──► NOT_AUTHORIZED              (`reverse`: a teller payment taken back)

OK, NOT_AUTHORIZED, FAILED and EXPIRED are final, with one exception: a bank may take back a
payment collected at its teller window (caja `reversarPago`, research caja-asobancaria §D.4
rule 4, or a cheque the canje returned), which moves it OK (or PENDING) -> NOT_AUTHORIZED
through `reverse` alone, never through `move_to`; the merchant is called back with the new
state. NOT_AUTHORIZED ("rejected by the financial institution") is the one state the merchant
clients in the wild already know for a payment the bank does not stand behind; a new state
name would break the clients that map TranState with an enum. EXPIRED happens only before the
payer reaches a financial institution (administrative manual, "Estados de Transacciones").
Every change is appended to `history`; nothing in it is ever rewritten.

Every live state lapses: `expires_at` is when the *current* state runs out, set on entering it
(`Lifetimes.lapses_at`), so one (state, expires_at) index finds everything due:

    CREATED        the payer's web session (GATEWAY_SESSION_MINUTES)             -> EXPIRED
    CAPTURED       the end of the coupon's due day, Bogota time: the service's
                   "Limite en dias para pagos por sistema de pago" (expiry_days,
                   manual default 0: the day it was issued) after the issue day  -> EXPIRED
    BANK, PENDING  no bank answer within GATEWAY_BANK_ANSWER_HOURS               -> FAILED

A payment at the bank cannot be EXPIRED (the manual keeps that for payments that never reached
a bank); a bank that never answers is a failure to process it at the institution, FAILED: final,
so the double-payment lock is released and the merchant is called back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from gateway.clock import BOGOTA, bogota_date
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
    # PENDING: the coupon was paid at a teller with another bank's cheque (caja canje).
    TranState.CAPTURED: frozenset({TranState.OK, TranState.PENDING, TranState.EXPIRED}),
}

#: States a bank may take back (`Transaction.reverse`): approved, or waiting for its cheque.
REVERSIBLE_STATES = frozenset({TranState.OK, TranState.PENDING})

#: Live states that lapse at `expires_at`, what each becomes then, and why (history detail).
LAPSES: dict[TranState, tuple[TranState, str]] = {
    TranState.CREATED: (TranState.EXPIRED, "payment session ended before a method was chosen"),
    TranState.CAPTURED: (TranState.EXPIRED, "cash coupon not paid by its due date"),
    TranState.BANK: (TranState.FAILED, "no answer from the financial institution in time"),
    TranState.PENDING: (TranState.FAILED, "the financial institution never confirmed it in time"),
}


@dataclass(frozen=True)
class Lifetimes:
    """How long each live state lasts before the expiry job ends it (see the module docstring)."""

    #: CREATED: the payer's session on the payment page.
    session: timedelta
    #: BANK and PENDING: how long a bank may take to answer.
    bank_answer: timedelta

    def lapses_at(self, state: TranState, at: datetime, coupon_days: int = 0) -> datetime:
        """When `state`, entered `at`, runs out (`coupon_days`: the service's days, CAPTURED)."""
        if state is TranState.CREATED:
            return at + self.session
        if state in (TranState.BANK, TranState.PENDING):
            return at + self.bank_answer
        if state is TranState.CAPTURED:
            return coupon_due(at, coupon_days)
        raise ValueError(f"{state.value} does not lapse")


def coupon_due(issued_at: datetime, days: int) -> datetime:
    """The end (Bogota midnight, as UTC) of the day `days` after the coupon's issue day."""
    due_day = bogota_date(issued_at) + timedelta(days=max(days, 0))
    return datetime.combine(due_day + timedelta(days=1), time.min, tzinfo=BOGOTA).astimezone(UTC)


def coupon_last_day(expires_at: datetime) -> date:
    """The last Bogota day a CAPTURED payment's coupon can be paid: the day its state lapses
    at the end of (`coupon_due`)."""
    return bogota_date(expires_at - timedelta(microseconds=1))


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

    def move_to(
        self,
        target: TranState,
        *,
        at: datetime,
        source: str,
        detail: str = "",
        lapses_at: datetime | None = None,
    ) -> None:
        """Change state. Entering a state that lapses (BANK, PENDING, CAPTURED) needs the time
        it runs out: a forgotten deadline must not silently inherit the previous state's."""
        if target not in TRANSITIONS.get(self.state, frozenset()):
            raise IllegalTransition(self.state.value, target.value)
        if target in LAPSES:
            if lapses_at is None:
                raise ValueError(f"entering {target.value} needs the time it lapses")
            self.expires_at = lapses_at
        self.history.append(StateChange(self.state, target, at, source, detail))
        self.state = target

    def reverse(self, *, at: datetime, source: str, detail: str) -> None:
        """The bank took the payment back (a teller payment reversed the same compensation day,
        a cheque returned unpaid): OK or PENDING -> NOT_AUTHORIZED (module docstring)."""
        if self.state not in REVERSIBLE_STATES:
            raise IllegalTransition(self.state.value, TranState.NOT_AUTHORIZED.value)
        self.history.append(StateChange(self.state, TranState.NOT_AUTHORIZED, at, source, detail))
        self.state = TranState.NOT_AUTHORIZED

    def lapse(self, now: datetime, *, source: str) -> bool:
        """End the payment if its current state ran out by `now` (False: it has not, or it is
        final already: a bank answer may have arrived since it was found due)."""
        lapse = LAPSES.get(self.state)
        if lapse is None or self.expires_at > now:
            return False
        target, reason = lapse
        due = self.expires_at.astimezone(UTC).isoformat(timespec="seconds")
        self.move_to(target, at=now, source=source, detail=f"{reason} (due {due})")
        return True

    def fill_references(
        self,
        references: tuple[str, ...],
        positions: tuple[int, ...],
        *,
        at: datetime,
        source: str,
        trans_value: Decimal,
        trans_vat_value: Decimal,
        currency: str,
        pay_currency: str,
        currency_rate: Decimal,
    ) -> bool:
        """The payer filled references the merchant left empty (`positions`, see
        `gateway.domain.form_references`), which may set the value or the currency (a price or
        currency list). Only while the payment is CREATED, and only empty positions: what the
        merchant sent is never rewritten. Recorded as a CREATED -> CREATED line of the history
        naming the positions and, when it changed, the money. False (nothing recorded): no
        reference was filled and the money is as it was."""
        if self.state is not TranState.CREATED:
            raise IllegalTransition(self.state.value, self.state.value)
        for position in positions:
            if position < len(self.references) and self.references[position].strip():
                raise ValueError(f"reference {position + 1} was sent: it is not the payer's")
        money = (trans_value, trans_vat_value, currency, pay_currency, currency_rate)
        before = (
            self.trans_value, self.trans_vat_value, self.currency, self.pay_currency,
            self.currency_rate,
        )  # fmt: skip
        if not positions and money == before:
            return False
        detail = "payer filled references " + ", ".join(str(p + 1) for p in positions)
        if money != before:
            detail += (
                f"; value {self.trans_value} {self.currency} -> {trans_value} {currency}"
                f" (VAT {trans_vat_value}, paid in {pay_currency} at {currency_rate})"
            )
        self.references = references
        self.trans_value, self.trans_vat_value, self.currency = (
            trans_value,
            trans_vat_value,
            currency,
        )
        self.pay_currency, self.currency_rate = pay_currency, currency_rate
        self.history.append(StateChange(self.state, self.state, at, source, detail))
        return True

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
        lapses_at: datetime | None = None,
    ) -> None:
        """A financial institution answered: the state plus what a bank reports with it
        (`lapses_at`: when a PENDING answer runs out, see `Lifetimes`)."""
        if not target.bank_answered:
            raise IllegalTransition(self.state.value, target.value)
        self.move_to(
            target,
            at=at,
            source=source,
            detail=f"trazability {trazability_code}",
            lapses_at=lapses_at,
        )
        self.trazability_code = trazability_code
        self.bank_process_date = bank_process_date
