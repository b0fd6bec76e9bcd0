"""The off-session callback to the merchant's URLResponse: what it says, how it is signed, in
which order callbacks go, and when one is tried again.

A payment whose state a bank (or the expiry) settles owes its merchant one callback per notified
state. The callback carries the fields of getTransactionInformation as form fields, written
exactly as the SOAP answer writes them (`gateway.domain.formats`): amounts with their two
decimals, `CurrencyRate` with its six, `BankProcessDate` as the Bogotá wall time
`yyyy-MM-ddTHH:mm:ss` (the v3 B / v4 `xs:dateTime` form; `0001-01-01T00:00:00` when unset).

Outcomes (decided here, applied by the outbox job):
- a 2xx answer delivers the callback, once and for all;
- a 3xx is not a delivery and is never followed (a redirect could lead anywhere, including
  inside): the callback fails, like a 4xx refusal (only 408 and 429 ask to come back);
- a target the URLResponse policy refuses (`gateway.domain.callback_targets`) fails at once;
- no answer or a 5xx is tried again at 30 s doubling to 15 min, 9 attempts (> 60 min).

Order: per payment, callbacks go in the order of the state changes; a non-final state (PENDING)
still undelivered once a final one is owed is superseded: the merchant never hears "pending"
after "approved".

Signature: when the entity has a `callback_secret`, each callback carries
`X-Ecollect-Timestamp: <unix seconds>` and `X-Ecollect-Signature: sha256=<hex>`, the
HMAC-SHA256 under the secret of `<timestamp>.<body>` (the exact bytes sent), in the manner of
Stripe and GitHub webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from gateway.domain.formats import MIN_DATETIME, datetime_to_wire, decimal_to_wire
from gateway.domain.transactions import FINAL_STATES, Transaction, TranState

#: States the merchant hears about at its URLResponse.
NOTIFIED_STATES = frozenset(
    {TranState.PENDING, TranState.OK, TranState.NOT_AUTHORIZED, TranState.FAILED, TranState.EXPIRED}
)
#: Notified states that mean nothing any more once a final state is owed.
MOOT_ONCE_FINAL = NOTIFIED_STATES - FINAL_STATES
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
#: The eCollect host keeps retrying for 60 minutes; 9 attempts at 30 s doubling to 15 min span
#: a little over an hour.
MAX_ATTEMPTS = 9

TIMESTAMP_HEADER = "X-Ecollect-Timestamp"
SIGNATURE_HEADER = "X-Ecollect-Signature"

# The scales the store keeps (NUMERIC(18,2) amounts, NUMERIC(18,6) rates), hence the ones the
# SOAP answer, which reads them back, prints.
_MONEY = Decimal("0.01")
_RATE = Decimal("0.000001")


class CallbackStatus(StrEnum):
    """Where a callback stands in the outbox."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    #: Never sent: a final state was owed before this non-final one went out.
    SUPERSEDED = "superseded"


def notification_fields(
    transaction: Transaction, state: TranState | None = None
) -> list[tuple[str, str]]:
    """Form fields of the callback for `state` (default: the current one), named and written
    as in getTransactionInformation."""
    bank_date = transaction.bank_process_date
    fields = [
        ("EntityCode", transaction.entity_code),
        ("SrvCode", transaction.srv_code),
        ("TicketId", str(transaction.ticket_id)),
        ("TrazabilityCode", transaction.trazability_code or ""),
        ("TranState", (state or transaction.state).value),
        ("ReturnCode", "SUCCESS"),
        ("TransValue", decimal_to_wire(Decimal(transaction.trans_value).quantize(_MONEY))),
        ("TransVatValue", decimal_to_wire(Decimal(transaction.trans_vat_value).quantize(_MONEY))),
        ("PayCurrency", transaction.pay_currency),
        ("CurrencyRate", decimal_to_wire(Decimal(transaction.currency_rate).quantize(_RATE))),
        ("BankProcessDate", datetime_to_wire(bank_date or MIN_DATETIME)),
        ("FICode", transaction.fi_code or ""),
        ("BankName", transaction.fi_name or ""),
        ("PaymentSystem", transaction.payment_system.value if transaction.payment_system else ""),
        ("Invoice", transaction.invoice or ""),
    ]
    fields.extend(("ReferenceArray", value) for value in transaction.references)
    return fields


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_headers(secret: str | None, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers that sign `body` for an entity with `secret` (none without one)."""
    if not secret:
        return {}
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def supersedes(later: TranState, earlier: TranState) -> bool:
    """Is the callback for `earlier` moot once one for `later` is owed?"""
    return later in FINAL_STATES and earlier in MOOT_ONCE_FINAL


def should_retry(status: int | None, attempts: int) -> bool:
    """After `attempts` tries ending with HTTP `status` (None: no answer), try again?

    A merchant's 4xx is a refusal, not a passing fault (only 408 and 429 ask to come back); a
    3xx is a redirect, which is not followed.
    """
    if attempts >= MAX_ATTEMPTS:
        return False
    if status is None or status >= 500:
        return True
    return status in (408, 429)


def outcome(status: int | None, attempts: int, refused: bool = False) -> CallbackStatus:
    """What the `attempts`-th try, answered with `status`, leaves the callback as
    (PENDING: try again later)."""
    if refused:
        return CallbackStatus.FAILED
    if status is not None and 200 <= status < 300:
        return CallbackStatus.DELIVERED
    return CallbackStatus.PENDING if should_retry(status, attempts) else CallbackStatus.FAILED


def next_attempt_at(
    attempts: int, now: datetime, jitter: Callable[[timedelta], timedelta] = lambda d: d
) -> datetime:
    """When to try again after `attempts` failed tries: 30 s doubling, capped at 15 minutes."""
    delay = min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    return now + jitter(delay)
