"""The helpdesk's tables, on the same SQL core (and `Base`) as the payments.

    helpdesk_companies       customers' companies, unique by tax id (type, normalized number)
    helpdesk_people          customers and agents, unique by lower-cased e-mail; a person
                             created on behalf of an e-mail by an agent has no password yet
    helpdesk_tokens          single-use sign-up and password-reset links (SHA-256 only)
    helpdesk_sessions        bearer sessions (SHA-256 only), expiring
    helpdesk_login_failures  failed logins per address, for throttling
    helpdesk_requests        one row per request, MITICKET-<number> from a sequence
    helpdesk_events          the append-only history of every request (a trigger forbids
                             UPDATE and DELETE on PostgreSQL and SQLite)
    helpdesk_attachments     files of requests and comments, content in the database
    helpdesk_shares          who a request is shared with, by e-mail (CC at creation too)
    helpdesk_surveys         the satisfaction survey, one per Pre-cierre cycle

Uniqueness and idempotency are constraints: one person per e-mail, one company per tax id,
one request per (creator, IdempotencyKey), one survey per (request, cycle).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.append_only import append_only
from gateway.store.models import Base
from gateway.store.types import UtcDateTime

ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys
EMAIL = String(254)
#: MITICKET-<n>: consecutive, never reused (D33).
request_number_seq = Sequence("helpdesk_request_number_seq", start=1)


class CompanyRow(Base):
    __tablename__ = "helpdesk_companies"
    __table_args__ = (
        UniqueConstraint("tax_id_type", "tax_id", name="uq_helpdesk_companies_tax_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    #: NIT | RUT | RUC | RFC (`gateway.domain.tax_ids.TaxIdType`).
    tax_id_type: Mapped[str] = mapped_column(String(8))
    #: Normalized: NIT "900123456-8", others upper case without blanks.
    tax_id: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PersonRow(Base):
    __tablename__ = "helpdesk_people"
    __table_args__ = (
        CheckConstraint(
            "role IN ('CUSTOMER', 'SUPPORT_ANALYST', 'BACK_OFFICE', 'ADMIN')",
            name="ck_helpdesk_people_role",
        ),
        Index("ix_helpdesk_people_company", "company_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    #: Lower-cased; the login name.
    email: Mapped[str] = mapped_column(EMAIL, unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="CUSTOMER")
    company_id: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_companies.id"))
    #: argon2id; None until the person completes the sign-up (created on their behalf).
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TokenRow(Base):
    """A single-use link: sign-up (for an e-mail, before the person may exist) or reset."""

    __tablename__ = "helpdesk_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('SIGNUP', 'RESET')", name="ck_helpdesk_tokens_purpose"),
        # Re-sending revokes the open links of the same address and purpose.
        Index("ix_helpdesk_tokens_email", "email", "purpose"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(EMAIL)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set once, by the UPDATE ... WHERE used_at IS NULL that consumes it (single use).
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SessionRow(Base):
    __tablename__ = "helpdesk_sessions"
    __table_args__ = (Index("ix_helpdesk_sessions_person", "person_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginFailureRow(Base):
    __tablename__ = "helpdesk_login_failures"
    __table_args__ = (Index("ix_helpdesk_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(EMAIL)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    address: Mapped[str] = mapped_column(String(64), default="")


class RequestRow(Base):
    __tablename__ = "helpdesk_requests"
    __table_args__ = (
        UniqueConstraint(
            "created_by_id", "idempotency_key", name="uq_helpdesk_requests_idempotency"
        ),
        CheckConstraint("priority IN ('CRITICA', 'ALTA', 'MEDIA')", name="ck_helpdesk_priority"),
        CheckConstraint("flow IN ('SUPPORT', 'COMMERCIAL')", name="ck_helpdesk_flow"),
        # Listings: newest activity first, per reporter, per company, overall.
        # (… updated_at, number): the listings' whole ORDER BY, so a page is read in order.
        Index("ix_helpdesk_requests_reporter", "reporter_id", "updated_at", "number"),
        Index("ix_helpdesk_requests_company", "company_id", "updated_at", "number"),
        Index("ix_helpdesk_requests_updated", "updated_at", "number"),
        # Agents' queues: the requests in a state, newest activity first.
        Index("ix_helpdesk_requests_state", "state", "updated_at", "number"),
        # The periodic jobs read only what is due (partial indexes).
        Index(
            "ix_helpdesk_requests_auto_close",
            "auto_close_at",
            postgresql_where=text("auto_close_at IS NOT NULL"),
            sqlite_where=text("auto_close_at IS NOT NULL"),
        ),
        Index(
            "ix_helpdesk_requests_sla_check",
            "sla_check_at",
            postgresql_where=text("sla_check_at IS NOT NULL"),
            sqlite_where=text("sla_check_at IS NOT NULL"),
        ),
    )

    number: Mapped[int] = mapped_column(
        ID, request_number_seq, primary_key=True, autoincrement=True
    )
    catalog_version: Mapped[int] = mapped_column(Integer)
    category_code: Mapped[str] = mapped_column(String(100))
    item_code: Mapped[str] = mapped_column(String(200))
    #: `<categoría> - <ítem>` as at creation (D3): later renames do not rewrite it.
    summary: Mapped[str] = mapped_column(String(300))
    flow: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(30))
    #: The working state a pause returns to (None unless `state` pauses).
    resume_to: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(8))
    #: The person the request is for ("Generar esta solicitud en nombre de").
    reporter_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    created_by_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    #: The reporter's company at creation.
    company_id: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_companies.id"))
    assignee_id: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: The item's form values: [{"code", "label", "value"}], in form order.
    fields: Mapped[list] = mapped_column(JSON, default=list)
    #: "Notificaciones activadas" (the reporter's per-request switch).
    notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    #: A fingerprint of the creating request: the same key with another payload is refused.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
    related_number: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_requests.number"))
    #: Current Pre-cierre cycle (the survey's), 0 before the first.
    precierre_cycle: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Last activity (listings sort on it).
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state_entered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Pre-cierre entry + 5 calendar days; None outside Pre-cierre.
    auto_close_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The earliest instant a running SLA clock breaches (None: none will, as things stand).
    sla_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EventRow(Base):
    """One entry of a request's history. Never updated, never deleted."""

    __tablename__ = "helpdesk_events"
    __table_args__ = (
        Index("ix_helpdesk_events_request", "request_number", "id"),
        # One breach event per (request, cycle, clock): the SLA job may run on many nodes.
        Index(
            "uq_helpdesk_events_breach",
            "request_number",
            "cycle",
            "clock",
            unique=True,
            postgresql_where=text("kind = 'SLA_BREACHED'"),
            sqlite_where=text("kind = 'SLA_BREACHED'"),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    request_number: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_requests.number"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: None: the system ("Respuesta automática").
    actor_id: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    #: `gateway.helpdesk.commands.HistoryEvent.kind`.
    kind: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text, default="")
    #: Agents only (internal notes and what only agents may see): never shown to a customer.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: For SLA events.
    clock: Mapped[str | None] = mapped_column(String(12))
    cycle: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class AttachmentRow(Base):
    """A file, content in the database (one place to back up; sizes are capped)."""

    __tablename__ = "helpdesk_attachments"
    __table_args__ = (Index("ix_helpdesk_attachments_request", "request_number", "id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    request_number: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_requests.number"))
    #: The comment (event) it came with; None: with the request itself.
    event_id: Mapped[int | None] = mapped_column(ID, ForeignKey("helpdesk_events.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    #: As the content shows it (sniffed), not as the caller said.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: Attached to an internal note: agents only.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ShareRow(Base):
    __tablename__ = "helpdesk_shares"
    __table_args__ = (Index("ix_helpdesk_shares_email", "email", "request_number"),)

    request_number: Mapped[int] = mapped_column(
        ID, ForeignKey("helpdesk_requests.number"), primary_key=True
    )
    #: Lower-cased; need not belong to a registered person yet.
    email: Mapped[str] = mapped_column(EMAIL, primary_key=True)
    shared_by_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SurveyRow(Base):
    __tablename__ = "helpdesk_surveys"
    __table_args__ = (
        CheckConstraint("service_rating BETWEEN 1 AND 5", name="ck_helpdesk_surveys_service"),
        CheckConstraint("timeliness_rating BETWEEN 1 AND 5", name="ck_helpdesk_surveys_timeliness"),
    )

    request_number: Mapped[int] = mapped_column(
        ID, ForeignKey("helpdesk_requests.number"), primary_key=True
    )
    #: `RequestRow.precierre_cycle` when answered.
    cycle: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_rating: Mapped[int] = mapped_column(Integer)
    timeliness_rating: Mapped[int] = mapped_column(Integer)
    authorize_closing: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int] = mapped_column(ID, ForeignKey("helpdesk_people.id"))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())


# The history is append-only, in the database itself.
append_only(EventRow.__table__)
