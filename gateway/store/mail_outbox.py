"""The mail outbox's repository: queue a message (in the caller's transaction), and the
claim/record steps of its delivery job (`gateway.jobs.mail_outbox`), on the lease steps the
callbacks use (`gateway.store.leases`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from gateway.store import leases
from gateway.store.inserts import insert_if_absent
from gateway.store.mail_tables import MailRow

PENDING, SENT, FAILED = "pending", "sent", "failed"

_m = MailRow.__table__


@dataclass(frozen=True)
class ClaimedMail:
    """A message this node leased: what to send, and what identifies the claim."""

    id: int
    dedupe_key: str
    kind: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str | None
    #: Which try this is (1, 2, ...).
    attempt: int
    token: str


class MailOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(
        self,
        *,
        dedupe_key: str,
        kind: str,
        to: Sequence[str],
        subject: str,
        text: str,
        html: str | None = None,
        cc: Sequence[str] = (),
        now: datetime,
    ) -> bool:
        """Queue one message, due now, in the current transaction. False (and nothing queued)
        when a message with this `dedupe_key` exists: one cause, one mail, on any node."""
        if not to:
            raise ValueError("a message needs at least one recipient")
        values = {
            "dedupe_key": dedupe_key,
            "kind": kind,
            "to": list(to),
            "cc": list(cc),
            "subject": subject,
            "text_body": text,
            "html_body": html,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "outcome": "",
        }
        return insert_if_absent(self._db, _m, values, ["dedupe_key"]) is not None

    @cached_property
    def _db(self) -> Connection:
        return self.session.connection()

    def claim_due(
        self, now: datetime, lease_until: datetime, token: str, limit: int, max_attempts: int
    ) -> list[ClaimedMail]:
        """Lease up to `limit` due messages (pending, `next_attempt_at <= now`, a lapsed lease
        included), oldest due first, to `token` until `lease_until`. Rows other nodes are
        claiming are skipped (SKIP LOCKED on PostgreSQL; SQLite's unit of work began
        IMMEDIATE). A lapsed claim that already used the last try is failed, not claimed: a
        message that stops its node every time does not loop forever."""
        rows = self._db.execute(
            select(_m)
            .where(_m.c.status == PENDING, _m.c.next_attempt_at <= now)
            .order_by(_m.c.next_attempt_at, _m.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        spent = [row for row in rows if row.claim_token and row.attempts >= max_attempts]
        for row in spent:
            leases.settle(
                self._db,
                _m,
                row.id,
                unsettled=PENDING,
                token=row.claim_token,
                values={"status": FAILED, "outcome": leases.LAPSED},
            )
        claimed = [row for row in rows if row not in spent]
        leases.lease(self._db, _m, [row.id for row in claimed], token, lease_until)
        return [
            ClaimedMail(
                id=row.id,
                dedupe_key=row.dedupe_key,
                kind=row.kind,
                to=tuple(row.to),
                cc=tuple(row.cc or ()),
                subject=row.subject,
                text=row.text_body,
                html=row.html_body,
                attempt=row.attempts + 1,
                token=token,
            )
            for row in claimed
        ]

    def record_sent(self, claim: ClaimedMail, *, at: datetime, outcome: str) -> bool:
        """The message went out: sent, whatever became of the claim (it is out), unless some
        node already recorded it settled. False when nothing changed."""
        return leases.settle(
            self._db,
            _m,
            claim.id,
            unsettled=PENDING,
            token=None,
            values={"status": SENT, "sent_at": at, "outcome": outcome},
        )

    def record_failure(self, claim: ClaimedMail, *, error: str, retry_at: datetime | None) -> bool:
        """The try failed: due again at `retry_at`, or failed for good (None). Only while the
        claim holds; False (nothing changed) when its lease had ended."""
        values: dict[str, object] = {"outcome": error}
        values.update({"next_attempt_at": retry_at} if retry_at else {"status": FAILED})
        return leases.settle(
            self._db, _m, claim.id, unsettled=PENDING, token=claim.token, values=values
        )
