"""The delivery pass every outbox job runs (merchant callbacks, mail): claim, send with no
transaction open, record. The SQL half is `gateway.store.leases`.

1. `Lease.start` gives the pass its claim token and lease; the job claims its due rows with it in
   one short transaction (each row: this token, its try counted, `next_attempt_at` = the end of
   the lease), so a node that dies mid-pass loses nothing: its rows are due again when the lease
   ends. Delivery is therefore at least once.
2. `each` sends the claimed rows concurrently, one thread per row: no database transaction is
   open and no row lock is held across a network call.
3. `attempt` times one send and turns a crash of the sender into an error value, so the job
   always records the try, in its own short transaction, conditional on the claim.

Lease times come from the node's clock: nodes are expected to keep NTP time (skew far below
the lease), and a lease must exceed the longest send (else a second node could send while the
first still is).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from gateway.clock import Clock

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Lease:
    token: str
    #: When the pass started: rows due by then are claimed.
    now: datetime
    #: When the claim ends if nobody records it.
    until: datetime

    @classmethod
    def start(cls, clock: Clock, length: timedelta, longest_send: timedelta) -> Lease:
        if length <= longest_send:
            raise ValueError("a lease must exceed the longest send")
        now = clock.now()
        return cls(token=uuid.uuid4().hex, now=now, until=now + length)


@dataclass(frozen=True)
class Attempt(Generic[R]):
    """One timed send: its value, or the exception it raised (never both)."""

    started_at: datetime
    finished_at: datetime
    duration_ms: int
    value: R | None
    error: Exception | None


def attempt(clock: Clock, send: Callable[[], R]) -> Attempt[R]:
    started_at = clock.now()
    started = time.monotonic()
    value: R | None = None
    error: Exception | None = None
    try:
        value = send()
    except Exception as exc:  # recorded by the caller: a failing send must not lose the try
        error = exc
    return Attempt(
        started_at=started_at,
        finished_at=clock.now(),
        duration_ms=int((time.monotonic() - started) * 1000),
        value=value,
        error=error,
    )


def each(claims: Sequence[T], deliver: Callable[[T], None], name: str) -> None:
    """Run `deliver` on every claim concurrently; returns when all are done."""
    if not claims:
        return
    with ThreadPoolExecutor(max_workers=len(claims), thread_name_prefix=name) as pool:
        for _ in pool.map(deliver, claims):
            pass
