"""The mail outbox: every e-mail the gateway sends is a row here first.

Written in the same database transaction as what caused it (a request created, a state
changed, a payment approved), so no mail is lost or sent for something that rolled back;
delivered by `gateway.jobs.mail_outbox` with the callbacks' lease/record pattern, on any
number of nodes. `dedupe_key` is unique: one cause never queues the same mail twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.models import Base
from gateway.store.types import UtcDateTime


class MailRow(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_mail_outbox_status"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    #: What caused it, unique: e.g. "helpdesk:41:event:7:created" or "payment:1000123:approved".
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: What kind of mail (for logs and reports): "helpdesk.created", "helpdesk.signup", ...
    kind: Mapped[str] = mapped_column(String(40))
    #: Addresses, in order: the To header; `cc` the Cc header. Every one gets the message.
    to: Mapped[list] = mapped_column(JSON)
    cc: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Due time; while claimed, the end of the claim's lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Where it went: the Message-ID, the spool file, or the last error.
    outcome: Mapped[str] = mapped_column(Text, default="")
