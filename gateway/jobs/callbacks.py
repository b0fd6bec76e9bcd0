"""Deliver the callbacks owed to merchants' URLResponse (the outbox), on any number of nodes,
surviving a node killed in the middle.

One pass:
1. claims up to `batch` due callbacks in one short transaction: each gets this pass's claim
   token, its try number, and a lease (`GATEWAY_CALLBACK_LEASE_SECONDS`) written as its
   `next_attempt_at`, so if this node dies the rows are simply due again when the lease ends
   (and the lost try is recorded then). Per payment only the oldest unsettled callback is
   due, so callbacks go in the order of the state changes; an unsent PENDING is superseded
   once a final state is owed;
2. posts them concurrently, with no database transaction open (no row lock is held across a
   merchant's HTTP call), through `HttpSender`: the URLResponse policy, one DNS lookup, the
   vetted address, timeouts, no redirects, a capped answer;
3. records each try in its own short transaction, conditional on the claim: a node whose lease
   ended changes nothing (it could otherwise resurrect a delivered row or count a try twice);
   only a 2xx it got still delivers a row nobody settled yet.

Outcomes are decided by `gateway.domain.callbacks.outcome`: 2xx delivered; a refused target, a
3xx or a 4xx (but 408/429) failed; else tried again on the schedule. Delivery is at least once:
a node killed after the merchant answered but before recording means one repeat, which is why
callbacks are signed per send and carry TicketId + TranState for the merchant to deduplicate.
Lease times come from this node's clock: nodes are expected to keep NTP time (skew far below
the lease).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import structlog

from gateway.clock import Clock
from gateway.domain.callbacks import (
    CallbackStatus,
    next_attempt_at,
    outcome,
    signature_headers,
)
from gateway.jobs.http_sender import HttpSender, SendResult
from gateway.settings import Settings
from gateway.store.transactions import ClaimedCallback
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: Callbacks claimed (and posted concurrently) per pass.
BATCH = 10

Send = Callable[[str, bytes, Mapping[str, str]], SendResult]


def deliver_due(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings | None = None,
    *,
    send: Send | None = None,
    jitter: Callable[[timedelta], timedelta] = lambda delay: delay,
    batch: int = BATCH,
) -> int:
    """One pass; returns how many callbacks it settled or tried (0: nothing was due)."""
    settings = settings or Settings()
    if settings.callback_lease_seconds <= settings.callback_timeout_seconds:
        # A lease shorter than a send would let a second node send while the first still is.
        raise ValueError("the callback lease must exceed the callback timeout")
    send = send or HttpSender.from_settings(settings).send
    lease = timedelta(seconds=settings.callback_lease_seconds)
    token = uuid.uuid4().hex
    now = clock.now()
    with uow_factory() as uow:
        claims, superseded = uow.callbacks.claim_due(now, now + lease, token, batch)
        secrets = {}
        for code in {claim.entity_code for claim in claims}:
            entity = uow.catalog.entity(code)
            secrets[code] = entity.callback_secret if entity else None
        uow.commit()
    if superseded:
        log.info("callbacks.superseded", count=superseded)
    if not claims:
        return superseded
    log.info("callbacks.claimed", count=len(claims), claim=token, lease_s=lease.total_seconds())

    def deliver(claim: ClaimedCallback) -> None:
        _deliver(uow_factory, clock, send, jitter, claim, secrets.get(claim.entity_code))

    with ThreadPoolExecutor(max_workers=len(claims), thread_name_prefix="callback") as pool:
        for _ in pool.map(deliver, claims):
            pass
    return len(claims) + superseded


def _deliver(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    send: Send,
    jitter: Callable[[timedelta], timedelta],
    claim: ClaimedCallback,
    secret: str | None,
) -> None:
    body = urlencode(claim.payload).encode("utf-8")
    started_at = clock.now()
    # Signed now, over the very bytes that go out: a repeat carries a fresh timestamp.
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update(signature_headers(secret, int(started_at.timestamp()), body))
    started = time.monotonic()
    try:
        result = send(claim.url, body, headers)
    except Exception as error:  # a bug in the sender must not lose the record of the try
        log.exception("callbacks.send_crashed", ticket_id=claim.ticket_id)
        result = SendResult(error=f"sender error: {type(error).__name__}")
    duration_ms = int((time.monotonic() - started) * 1000)
    finished_at = clock.now()
    settled = outcome(result.status, claim.attempt, result.refused)
    retry_at = (
        next_attempt_at(claim.attempt, finished_at, jitter)
        if settled is CallbackStatus.PENDING
        else None
    )
    with uow_factory() as uow:
        held = uow.callbacks.record(
            claim,
            outcome=settled,
            started_at=started_at,
            finished_at=finished_at,
            duration_ms=duration_ms,
            http_status=result.status,
            excerpt=result.excerpt,
            error=result.error,
            retry_at=retry_at,
        )
        uow.commit()
    log.info(
        "callbacks.attempt",
        ticket_id=claim.ticket_id,
        state=claim.state.value,
        attempt=claim.attempt,
        http_status=result.status,
        error=result.error or None,
        outcome=settled.value if held else "lease_lost",
    )
