"""Deliver the callbacks owed to merchants' URLResponse (the outbox), on any number of nodes.

Each pass claims due rows with SELECT … FOR UPDATE SKIP LOCKED, posts them, and records every
attempt. A 2xx delivers the row once and for all; a refusal (4xx) fails it; anything else is
tried again on the schedule of `gateway.domain.callbacks`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
import structlog

from gateway.clock import Clock
from gateway.domain.callbacks import next_attempt_at, should_retry
from gateway.store.models import CallbackAttemptRow
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

TIMEOUT_SECONDS = 10
EXCERPT_CHARS = 500


class DeliveryFailed(Exception):
    """The merchant could not be reached (no HTTP answer)."""


def post_form(url: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
    """The real sender: one HTTP POST, form-encoded. Transport errors become DeliveryFailed."""
    try:
        response = requests.post(
            url,
            data=fields,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            headers={"User-Agent": "ecollect-gateway/callbacks"},
        )
    except requests.RequestException as error:
        raise DeliveryFailed(type(error).__name__) from error
    return response.status_code, response.text[:EXCERPT_CHARS]


def deliver_due(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    send: Callable[[str, list[tuple[str, str]]], tuple[int, str]] = post_form,
    jitter: Callable[[timedelta], timedelta] = lambda delay: delay,
    batch: int = 20,
) -> int:
    """One pass; returns how many callbacks it tried."""
    with uow_factory() as uow:
        due = uow.callbacks.due(clock.now(), batch)
        for callback in due:
            _attempt(uow, callback, clock, send, jitter)
        uow.commit()
    return len(due)


def _attempt(uow: UnitOfWork, callback: Any, clock: Clock, send: Any, jitter: Any) -> None:
    started = time.monotonic()
    status: int | None = None
    excerpt = error = ""
    try:
        status, excerpt = send(callback.url, [tuple(pair) for pair in callback.payload])
    except DeliveryFailed as failure:
        error = str(failure)
    now = clock.now()
    callback.attempts += 1
    uow.session.add(
        CallbackAttemptRow(
            callback_id=callback.id,
            at=now,
            duration_ms=int((time.monotonic() - started) * 1000),
            http_status=status,
            response_excerpt=excerpt,
            error=error,
        )
    )
    if status is not None and 200 <= status < 300:
        callback.status, callback.delivered_at = "delivered", now
    elif should_retry(status, callback.attempts):
        callback.next_attempt_at = next_attempt_at(callback.attempts, now, jitter)
    else:
        callback.status = "failed"
    log.info(
        "callbacks.attempt",
        ticket_id=callback.ticket_id,
        state=callback.state,
        http_status=status,
        error=error or None,
        outcome=callback.status,
    )
