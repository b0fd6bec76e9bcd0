"""Deliver the mail outbox (`mail_outbox`, queued by `uow.mail.enqueue` in the transaction of
what caused each message), on any number of nodes, surviving a node killed in the middle.

One pass, the lease pattern of `gateway.jobs.leases` (the merchant callbacks' too):
1. claims up to `batch` due messages in one short transaction: this pass's claim token, the try
   counted, `next_attempt_at` = the end of the lease (`LEASE`), so the messages of a node that
   dies are simply due again when it ends;
2. sends them concurrently with no transaction open, through `gateway.jobs.mail.transport`
   (SMTP when `GATEWAY_SMTP_URL` is set, else the `.eml` spool), each composed from its row:
   To, Cc, Subject, the text and its HTML alternative, From = `GATEWAY_MAIL_FROM`, and a
   Message-ID derived from the row (`mail.message_id`), the same at every try;
3. records each outcome in its own short transaction, conditional on the claim: sent (status
   `sent`, `sent_at`, `outcome` = the Message-ID or the spool file), whatever became of the
   claim, as the message is out; a failure only while the claim holds, so a node whose lease
   ended changes nothing. A row recorded `sent` is never claimed again.

Failures (`permanent`): the server refusing this message (its recipients, or a 5xx to its sender
or its data) fails it for good; anything else (no connection, a timeout, a 4xx, a login or TLS
failure: the server's or the configuration's trouble, not the message's) is tried again after
`RETRY_DELAYS`, then failed after `MAX_ATTEMPTS` tries. `outcome` keeps the last error.

Delivery is at least once: a node killed after the server took the message but before the
record means one repeat, with the same Message-ID (a spool repeat overwrites its own file).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from gateway.clock import Clock
from gateway.jobs import mail
from gateway.jobs.leases import Lease, attempt, each
from gateway.settings import Settings
from gateway.store.mail_outbox import ClaimedMail
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

#: Messages claimed (and sent concurrently) per pass.
BATCH = 10
#: How long a claim holds. A send is a handful of SMTP exchanges, each bounded by the
#: transport's timeout (`SmtpTransport.timeout`, 30 s): the lease outlasts the slowest.
LEASE = timedelta(minutes=10)
SEND_TIMEOUT = timedelta(seconds=mail.SmtpTransport.timeout)
#: Waits after the 1st, 2nd, ... temporary failure; the try after the last one is the last.
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_at(attempt: int, now: datetime) -> datetime | None:
    """When try `attempt` (1, 2, ...), failed temporarily at `now`, is tried again; None: it
    was the last."""
    if attempt >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[attempt - 1]


def permanent(error: Exception) -> bool:
    """The server refused this very message: trying it again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True  # some may have got it: a repeat would send it to them twice
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def describe(error: Exception) -> str:
    """The error as `outcome` keeps it (no credentials: smtplib's errors carry none)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        text = f"recipients refused: {refused}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:500]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def deliver_mail_due(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    settings: Settings | None = None,
    *,
    transport: mail.Transport | None = None,
    batch: int = BATCH,
    lease: timedelta = LEASE,
) -> int:
    """One pass; returns how many messages it tried (0: nothing was due)."""
    settings = settings or Settings()
    transport = transport or mail.transport(settings.smtp_url, settings.mail_spool)
    claim = Lease.start(clock, lease, SEND_TIMEOUT)
    with uow_factory() as uow:
        claims = uow.mail.claim_due(claim.now, claim.until, claim.token, batch, MAX_ATTEMPTS)
        uow.commit()
    if not claims:
        return 0
    log.info("mail.claimed", count=len(claims), claim=claim.token, until=claim.until)

    def deliver(row: ClaimedMail) -> None:
        _deliver(uow_factory, clock, settings.mail_from, transport, row)

    each(claims, deliver, "mail")
    return len(claims)


def _deliver(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    sender: str,
    transport: mail.Transport,
    row: ClaimedMail,
) -> None:
    def send() -> str:
        message = mail.compose(
            mail.Mail(to=row.to, cc=row.cc, subject=row.subject, text=row.text, html=row.html),
            sender,
            clock.now(),
            message_id=mail.message_id(row.id, row.dedupe_key, sender),
        )
        return transport.send(message)

    tried = attempt(clock, send)
    error = tried.error
    with uow_factory() as uow:
        if error is None:
            held = uow.mail.record_sent(row, at=tried.finished_at, outcome=str(tried.value))
            result = "sent"
        else:
            again = None if permanent(error) else retry_at(row.attempt, tried.finished_at)
            held = uow.mail.record_failure(row, error=describe(error), retry_at=again)
            result = "failed" if again is None else "retry"
        uow.commit()
    log.info(
        "mail.attempt",
        mail_id=row.id,
        kind=row.kind,
        attempt=row.attempt,
        duration_ms=tried.duration_ms,
        error=describe(error) if error else None,
        outcome=result if held else "lease_lost",
    )
