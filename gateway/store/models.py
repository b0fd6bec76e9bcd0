"""The SQL core: typed SQLAlchemy 2 models. `schema.sql` is generated from these.

Uniqueness and idempotency live in constraints, not in Python checks: two gateway nodes racing on
the same double-payment key meet at `uq_transactions_double_payment_lock`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from gateway.domain import limits
from gateway.domain.transactions import LAPSES
from gateway.store.append_only import append_only
from gateway.store.types import Money, UtcDateTime

#: The states that lapse at `expires_at` (`gateway.domain.transactions.LAPSES`), as SQL: the
#: predicate of the partial index and of the expiry query, written once so the two match.
LAPSING_PREDICATE = "state IN ({})".format(
    ", ".join(f"'{state.value}'" for state in sorted(LAPSES))
)

# Column lengths of request fields come from `gateway.domain.limits`, which the use cases check
# before the database: a too-long value gets its field's ReturnCode on SQLite and PostgreSQL.
ENTITY_CODE = String(limits.ENTITY_CODE.length)
SRV_CODE = String(limits.SRV_CODE.length)
CURRENCY = String(limits.CURRENCY.length)
PAYMENT_SYSTEM = String(limits.PAYMENT_SYSTEM.length)
FI_CODE = String(limits.FI_CODE.length)
URL = String(limits.URL_LENGTH)
REFERENCE = String(limits.REFERENCE.length)

TICKET_ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys
ticket_id_seq = Sequence("transactions_ticket_id_seq", start=1000001)


class Base(DeclarativeBase):
    pass


class EntityRow(Base):
    __tablename__ = "entities"

    code: Mapped[str] = mapped_column(ENTITY_CODE, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    nit: Mapped[str] = mapped_column(String(20), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: CIDRs the merchant calls from (JSON list of strings); empty: open.
    allowed_networks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    callback_secret: Mapped[str | None] = mapped_column(String(200))


class ServiceRow(Base):
    __tablename__ = "merchant_services"
    __table_args__ = (
        UniqueConstraint("entity_code", "code", name="uq_merchant_services_entity_code"),
        CheckConstraint("max_retries >= 0", name="ck_merchant_services_max_retries"),
        CheckConstraint("daily_attempt_limit >= 0", name="ck_merchant_services_attempt_limit"),
        CheckConstraint("expiry_days >= 0", name="ck_merchant_services_expiry_days"),
        CheckConstraint("value >= 0", name="ck_merchant_services_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_code: Mapped[str] = mapped_column(ENTITY_CODE, ForeignKey("entities.code"))
    code: Mapped[str] = mapped_column(SRV_CODE)
    description: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    open_value: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(CURRENCY, default="COP")
    pay_currency: Mapped[str | None] = mapped_column(CURRENCY)
    currency_rate: Mapped[Decimal] = mapped_column(Money(18, 6), default=Decimal(1))
    accepts_pse: Mapped[bool] = mapped_column(Boolean, default=True)
    accepts_credit_card: Mapped[bool] = mapped_column(Boolean, default=False)
    accepts_cash: Mapped[bool] = mapped_column(Boolean, default=False)
    accepts_double_payment: Mapped[bool] = mapped_column(Boolean, default=True)
    max_retries: Mapped[int] = mapped_column(Integer, default=2)
    daily_attempt_limit: Mapped[int] = mapped_column(Integer, default=0)
    daily_value_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    daily_limit_pse: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    daily_limit_credit_card: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    expiry_days: Mapped[int] = mapped_column(Integer, default=0)
    url_response: Mapped[str | None] = mapped_column(URL)
    url_redirect: Mapped[str | None] = mapped_column(URL)
    vat_percentage: Mapped[Decimal] = mapped_column(Money(5, 2), default=Decimal(0))
    informative_only: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmation_emails: Mapped[str | None] = mapped_column(String(500))
    comment_before: Mapped[str | None] = mapped_column(String(500))
    comment_after: Mapped[str | None] = mapped_column(String(500))
    show_values: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    redirect_with_params: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    redirect_link_text: Mapped[str | None] = mapped_column(String(500))
    new_payment_url: Mapped[str | None] = mapped_column(String(500))
    coupon_message: Mapped[str | None] = mapped_column(String(500))
    hide_conversion: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rate_label: Mapped[str | None] = mapped_column(String(100))
    converted_label: Mapped[str | None] = mapped_column(String(100))
    net_label: Mapped[str | None] = mapped_column(String(100))
    tax_label: Mapped[str | None] = mapped_column(String(100))
    total_label: Mapped[str | None] = mapped_column(String(100))
    issues_pins: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    references: Mapped[list[ServiceReferenceRow]] = relationship(
        order_by="ServiceReferenceRow.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ServiceReferenceRow(Base):
    __tablename__ = "service_references"
    __table_args__ = (
        UniqueConstraint("service_id", "position", name="uq_service_references_position"),
        # "Solo permite marcar las primeras 3 referencias para este control."
        CheckConstraint(
            "NOT double_payment_control OR position < 3", name="ck_service_references_double"
        ),
        CheckConstraint("position >= 0", name="ck_service_references_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("merchant_services.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20), default="TEXT")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    uppercase: Mapped[bool] = mapped_column(Boolean, default=False)
    constant_value: Mapped[str | None] = mapped_column(REFERENCE)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    length_rule: Mapped[str | None] = mapped_column(String(100))
    double_payment_control: Mapped[bool] = mapped_column(Boolean, default=False)
    prefix: Mapped[str | None] = mapped_column(String(50))
    help_text: Mapped[str | None] = mapped_column(String(500))
    #: The reference's list (`ReferenceList`: kind, prompt, store_text, parent, items with
    #: prices as decimal strings) as JSON: read and written whole with the service, never
    #: queried item by item.
    list_config: Mapped[dict | None] = mapped_column(JSON)
    #: A conditional reference: {"reference": position, "values": [stored values]}.
    shown_when: Mapped[dict | None] = mapped_column(JSON)


class FinancialInstitutionRow(Base):
    __tablename__ = "financial_institutions"

    payment_system: Mapped[str] = mapped_column(PAYMENT_SYSTEM, primary_key=True)
    code: Mapped[str] = mapped_column(FI_CODE, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class TransactionRow(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["entity_code", "srv_code"],
            ["merchant_services.entity_code", "merchant_services.code"],
            name="fk_transactions_service",
        ),
        UniqueConstraint("session_token", name="uq_transactions_session_token"),
        # At most one live payment per double-payment key where the service refuses doubles:
        # the lock column is set only then, and cleared when the payment fails or expires.
        UniqueConstraint(
            "entity_code",
            "srv_code",
            "double_payment_lock",
            name="uq_transactions_double_payment_lock",
        ),
        CheckConstraint("trans_value > 0", name="ck_transactions_value"),
        CheckConstraint("trans_vat_value >= 0", name="ck_transactions_vat"),
        CheckConstraint(
            "state IN ('CREATED','BANK','PENDING','CAPTURED','OK','NOT_AUTHORIZED','FAILED',"
            "'EXPIRED')",
            name="ck_transactions_state",
        ),
        # The latest payment with a key (ORDER BY ticket_id DESC LIMIT 1) is one index probe.
        # Partial: only payments that have a key, and no query that does not name one can use
        # it; so a cached generic plan of the payer's-day counts cannot scan a whole service
        # through it (it did, while the table had no statistics yet).
        Index(
            "ix_transactions_double_payment_key",
            "entity_code",
            "srv_code",
            "double_payment_key",
            "ticket_id",
            postgresql_where=text("double_payment_key IS NOT NULL"),
            sqlite_where=text("double_payment_key IS NOT NULL"),
        ),
        Index("ix_transactions_payer_day", "entity_code", "srv_code", "payer_key", "created_at"),
        # Only payments whose state can lapse: the expiry job's periodic query reads this small
        # index in `expires_at` order, however many final payments the table holds.
        Index(
            "ix_transactions_lapsing_expires",
            "expires_at",
            postgresql_where=text(LAPSING_PREDICATE),
            sqlite_where=text(LAPSING_PREDICATE),
        ),
        # A retry chain in order: RetriesTicketId of the information read, Máximo Reintentos.
        Index("ix_transactions_retry_of", "retry_of", "ticket_id"),
    )

    ticket_id: Mapped[int] = mapped_column(
        TICKET_ID, ticket_id_seq, primary_key=True, autoincrement=True
    )
    entity_code: Mapped[str] = mapped_column(ENTITY_CODE, ForeignKey("entities.code"))
    srv_code: Mapped[str] = mapped_column(SRV_CODE)
    trans_value: Mapped[Decimal] = mapped_column(Money())
    trans_vat_value: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(CURRENCY)
    pay_currency: Mapped[str] = mapped_column(CURRENCY)
    currency_rate: Mapped[Decimal] = mapped_column(Money(18, 6))
    state: Mapped[str] = mapped_column(String(20))
    payment_system: Mapped[str | None] = mapped_column(PAYMENT_SYSTEM)
    fi_code: Mapped[str | None] = mapped_column(FI_CODE)
    fi_name: Mapped[str | None] = mapped_column(String(100))
    trazability_code: Mapped[str | None] = mapped_column(String(40))
    bank_process_date: Mapped[datetime | None] = mapped_column(UtcDateTime())
    invoice: Mapped[str | None] = mapped_column(String(limits.INVOICE.length))
    url_response: Mapped[str | None] = mapped_column(URL)
    url_redirect: Mapped[str | None] = mapped_column(URL)
    sign: Mapped[str | None] = mapped_column(String(limits.SIGN.length))
    sign_fields: Mapped[str | None] = mapped_column(String(limits.SIGN_FIELDS.length))
    policy_code: Mapped[str | None] = mapped_column(String(limits.POLICY_CODE.length))
    auth_references: Mapped[list] = mapped_column(JSON, default=list)
    extras: Mapped[dict] = mapped_column(JSON, default=dict)
    double_payment_key: Mapped[str | None] = mapped_column(String(400))
    double_payment_lock: Mapped[str | None] = mapped_column(String(400))
    refuses_double_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    payer_key: Mapped[str | None] = mapped_column(String(100))
    retry_of: Mapped[int | None] = mapped_column(TICKET_ID, ForeignKey("transactions.ticket_id"))
    channel: Mapped[str] = mapped_column(String(20), default="webservice")
    session_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)


class ServicePinRow(Base):
    """A service's PIN list ("Generación de PINes", the manual's TabEtyPIN): `position` is the
    PINOrder the PINs are given in, `ticket_id` the approved payment that got it (NULL: free).

    One payment gets at most one PIN (`uq_service_pins_ticket`) and one PIN goes to at most one
    payment (its row is updated once, under a row lock, `store/pins.py`). The next free PIN is
    one probe of the partial index of free PINs, however long the list is.
    """

    __tablename__ = "service_pins"
    __table_args__ = (
        ForeignKeyConstraint(
            ["entity_code", "srv_code"],
            ["merchant_services.entity_code", "merchant_services.code"],
            name="fk_service_pins_service",
        ),
        UniqueConstraint("entity_code", "srv_code", "position", name="uq_service_pins_position"),
        UniqueConstraint("entity_code", "srv_code", "pin", name="uq_service_pins_pin"),
        UniqueConstraint("ticket_id", name="uq_service_pins_ticket"),
        CheckConstraint("position > 0", name="ck_service_pins_position"),
        Index(
            "ix_service_pins_free",
            "entity_code",
            "srv_code",
            "position",
            postgresql_where=text("ticket_id IS NULL"),
            sqlite_where=text("ticket_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity_code: Mapped[str] = mapped_column(ENTITY_CODE)
    srv_code: Mapped[str] = mapped_column(SRV_CODE)
    position: Mapped[int] = mapped_column(Integer)
    pin: Mapped[str] = mapped_column(String(100))
    ticket_id: Mapped[int | None] = mapped_column(TICKET_ID, ForeignKey("transactions.ticket_id"))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TransactionReferenceRow(Base):
    __tablename__ = "transaction_references"
    __table_args__ = (Index("ix_transaction_references_value", "value"),)

    ticket_id: Mapped[int] = mapped_column(
        TICKET_ID, ForeignKey("transactions.ticket_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[str] = mapped_column(REFERENCE)


class StateHistoryRow(Base):
    """Append-only audit trail of every state change (PostgreSQL enforces it with a trigger)."""

    __tablename__ = "transaction_state_history"
    __table_args__ = (Index("ix_transaction_state_history_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    ticket_id: Mapped[int] = mapped_column(TICKET_ID, ForeignKey("transactions.ticket_id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class CallbackRow(Base):
    """Outbox: one callback owed to a merchant's URLResponse per notified state of a payment.

    Written in the same database transaction as the state change; kept when settled. A node
    claims a due row by setting `claim_token` and pushing `next_attempt_at` to the end of its
    lease, so the due index also finds rows whose node died mid-delivery
    (`gateway.jobs.callbacks`).
    """

    __tablename__ = "merchant_callbacks"
    __table_args__ = (
        UniqueConstraint("ticket_id", "state", name="uq_merchant_callbacks_ticket_state"),
        CheckConstraint(
            "status IN ('pending', 'delivered', 'failed', 'superseded')",
            name="ck_merchant_callbacks_status",
        ),
        Index("ix_merchant_callbacks_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    ticket_id: Mapped[int] = mapped_column(TICKET_ID, ForeignKey("transactions.ticket_id"))
    state: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(URL)
    payload: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: Tries started (a claim counts one, also when its node died before recording it).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Due time; while claimed, the end of the claim's lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: The current claim (None: not claimed); recording an outcome must name it.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CallbackAttemptRow(Base):
    """One try at delivering a callback: when, how long, what the merchant answered."""

    __tablename__ = "merchant_callback_attempts"
    __table_args__ = (Index("ix_merchant_callback_attempts_callback", "callback_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    callback_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("merchant_callbacks.id")
    )
    #: Which try of the callback this was (1, 2, ...).
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: None when the node died before it could tell (the lease expired).
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    http_status: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")


append_only(StateHistoryRow.__table__)
