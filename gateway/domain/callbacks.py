"""The off-session callback to the merchant's URLResponse, and when to try it again.

A payment whose state a bank (or the expiry) settles owes its merchant one callback per state.
The callback carries the fields of getTransactionInformation as form fields; the merchant's 2xx
answer delivers it. The retry decisions are pure functions so tests can pin the schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from gateway.domain.transactions import Transaction, TranState

#: States the merchant hears about at its URLResponse.
NOTIFIED_STATES = frozenset(
    {TranState.PENDING, TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.EXPIRED}
)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
#: The eCollect host keeps retrying for 60 minutes; 9 attempts at 30 s doubling to 15 min span
#: a little over an hour.
MAX_ATTEMPTS = 9


def notification_fields(
    transaction: Transaction, state: TranState | None = None
) -> list[tuple[str, str]]:
    """Form fields of the callback for `state` (default: the current one), named as in
    getTransactionInformation."""
    bank_date = transaction.bank_process_date
    fields = [
        ("EntityCode", transaction.entity_code),
        ("SrvCode", transaction.srv_code),
        ("TicketId", str(transaction.ticket_id)),
        ("TrazabilityCode", transaction.trazability_code or ""),
        ("TranState", (state or transaction.state).value),
        ("ReturnCode", "SUCCESS"),
        ("TransValue", str(transaction.trans_value)),
        ("TransVatValue", str(transaction.trans_vat_value)),
        ("PayCurrency", transaction.pay_currency),
        ("CurrencyRate", str(transaction.currency_rate)),
        ("BankProcessDate", bank_date.isoformat() if bank_date else ""),
        ("FICode", transaction.fi_code or ""),
        ("BankName", transaction.fi_name or ""),
        ("PaymentSystem", transaction.payment_system.value if transaction.payment_system else ""),
        ("Invoice", transaction.invoice or ""),
    ]
    fields.extend(("ReferenceArray", value) for value in transaction.references)
    return fields


def should_retry(status: int | None, attempts: int) -> bool:
    """After `attempts` tries ending with HTTP `status` (None: no answer), try again?

    A merchant's 4xx is a refusal, not a passing fault (only 408 and 429 ask to come back).
    """
    if attempts >= MAX_ATTEMPTS:
        return False
    if status is None or status >= 500:
        return True
    return status in (408, 429)


def next_attempt_at(
    attempts: int, now: datetime, jitter: Callable[[timedelta], timedelta] = lambda d: d
) -> datetime:
    """When to try again after `attempts` failed tries: 30 s doubling, capped at 15 minutes."""
    delay = min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    return now + jitter(delay)
