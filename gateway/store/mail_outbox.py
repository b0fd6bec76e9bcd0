"""The mail outbox's repository: queue a message (in the caller's transaction), and the
claim/record steps of its delivery job (`gateway.jobs.mail_outbox`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.store.mail_tables import MailRow


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
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "outcome": "",
        }
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            statement = postgresql.insert(MailRow).on_conflict_do_nothing(
                index_elements=["dedupe_key"]
            )
        elif dialect == "sqlite":
            statement = sqlite.insert(MailRow).on_conflict_do_nothing(index_elements=["dedupe_key"])
        else:  # pragma: no cover - the gateway runs on SQLite or PostgreSQL
            statement = insert(MailRow)
        result = self.session.execute(statement.values(**values))
        return bool(result.rowcount)
