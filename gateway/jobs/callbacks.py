"""Deliver the callbacks owed to merchants' URLResponse (the outbox), on any number of nodes,
surviving a node killed in the middle.

One pass (the lease pattern of `gateway.jobs.leases`, shared with the mail outbox):
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

from collections.abc import Callable, Mapping
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
from gateway.jobs.leases import Lease, attempt, each
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
    # A lease shorter than a send would let a second node send while the first still is.
    lease = Lease.start(
        clock,
        timedelta(seconds=settings.callback_lease_seconds),
        timedelta(seconds=settings.callback_timeout_seconds),
    )
    send = send or HttpSender.from_settings(settings).send
    with uow_factory() as uow:
        claims, superseded = uow.callbacks.claim_due(lease.now, lease.until, lease.token, batch)
        secrets = {}
        for code in {claim.entity_code for claim in claims}:
            entity = uow.catalog.entity(code)
            secrets[code] = entity.callback_secret if entity else None
        uow.commit()
    if superseded:
        log.info("callbacks.superseded", count=superseded)
    if not claims:
        return superseded
    log.info("callbacks.claimed", count=len(claims), claim=lease.token, until=lease.until)

    def deliver(claim: ClaimedCallback) -> None:
        _deliver(uow_factory, clock, send, jitter, claim, secrets.get(claim.entity_code))

    each(claims, deliver, "callback")
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

    def post() -> SendResult:
        # Signed now, over the very bytes that go out: a repeat carries a fresh timestamp.
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers.update(signature_headers(secret, int(clock.now().timestamp()), body))
        return send(claim.url, body, headers)

    tried = attempt(clock, post)
    result = tried.value
    if result is None:  # a bug in the sender must not lose the record of the try
        log.error("callbacks.send_crashed", ticket_id=claim.ticket_id, exc_info=tried.error)
        result = SendResult(error=f"sender error: {type(tried.error).__name__}")
    settled = outcome(result.status, claim.attempt, result.refused)
    retry_at = (
        next_attempt_at(claim.attempt, tried.finished_at, jitter)
        if settled is CallbackStatus.PENDING
        else None
    )
    with uow_factory() as uow:
        held = uow.callbacks.record(
            claim,
            outcome=settled,
            started_at=tried.started_at,
            finished_at=tried.finished_at,
            duration_ms=tried.duration_ms,
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
