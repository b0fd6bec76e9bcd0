"""The bank-teller (caja) service's tables and the invoice portfolio (cartera), on the same SQL
core (and `Base`) as the payments.

    caja_banks                 banks that may call the caja service (Asobancaria 3-digit code)
    caja_bank_users            a bank's WS-Security UsernameToken users
    caja_agreements            convenios: which bank may collect which service, with its GLN
    caja_nonces                UsernameToken nonces seen, to refuse a replay within the window
    cartera_invoices           the invoices a service's customers owe (one per reference1);
                               a payer's cash coupon is one, linked to its payment (ticket_id)
    cartera_invoice_history    append-only: every change of an invoice's state or paid total
    caja_operations            the idempotency record: one row per (bank, idTransaccion), the
                               first final answer given to it, and a digest of its payload
    caja_payments              a confirmed teller payment; the approved transaction it created
    caja_cheques               the cheques of a payment
    caja_reversals             reversals, also those that arrived before their payment

Idempotency and "once" are constraints: one operation per (bank, idTransaccion), one payment
per operation and per transaction, one reversal per original (bank, idTransaccion).
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.append_only import append_only
from gateway.store.models import ENTITY_CODE, SRV_CODE, TICKET_ID, Base
from gateway.store.types import Money, UtcDateTime

ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys
BANK_CODE = String(3)
#: Asobancaria 06 "Referencia principal del usuario": 48 characters.
CARTERA_REFERENCE = String(48)
ID_TRANSACCION = String(36)
AUTHORIZATION = String(16)


class BankRow(Base):
    __tablename__ = "caja_banks"
    __table_args__ = (CheckConstraint("length(code) = 3", name="ck_caja_banks_code"),)

    code: Mapped[str] = mapped_column(BANK_CODE, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class BankUserRow(Base):
    """A UsernameToken user. PasswordDigest (Base64(SHA-1(nonce + created + password))) needs
    the password itself on the server, so it is kept sealed (`password_sealed`), never hashed."""

    __tablename__ = "caja_bank_users"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    bank_code: Mapped[str] = mapped_column(BANK_CODE, ForeignKey("caja_banks.code"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_sealed: Mapped[str] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AgreementRow(Base):
    """A convenio: bank `bank_code` may collect service (entity_code, srv_code) under `code`
    (the cabecera's codigoConvenio); `gln` is the AI 415 of the service's coupons."""

    __tablename__ = "caja_agreements"
    __table_args__ = (
        UniqueConstraint("bank_code", "code", name="uq_caja_agreements_bank_code"),
        ForeignKeyConstraint(
            ["entity_code", "srv_code"],
            ["merchant_services.entity_code", "merchant_services.code"],
            name="fk_caja_agreements_service",
        ),
        CheckConstraint("max_invoices > 0", name="ck_caja_agreements_max_invoices"),
        Index("ix_caja_agreements_service", "entity_code", "srv_code"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    bank_code: Mapped[str] = mapped_column(BANK_CODE, ForeignKey("caja_banks.code"))
    code: Mapped[str] = mapped_column(String(20))
    entity_code: Mapped[str] = mapped_column(ENTITY_CODE)
    srv_code: Mapped[str] = mapped_column(SRV_CODE)
    gln: Mapped[str | None] = mapped_column(String(13))
    #: consultarCartera answers at most this many invoices.
    max_invoices: Mapped[int] = mapped_column(Integer, default=10)
    #: Fixed widths of the coupon's barcode when a teller's reader drops the separators.
    reference_length: Mapped[int | None] = mapped_column(Integer)
    amount_length: Mapped[int | None] = mapped_column(Integer)
    #: Where the bank credits the money (Asobancaria 01 header).
    account_number: Mapped[str] = mapped_column(String(17), default="")
    account_type: Mapped[str] = mapped_column(String(2), default="01")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class NonceRow(Base):
    __tablename__ = "caja_nonces"
    __table_args__ = (Index("ix_caja_nonces_created", "created_at"),)

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvoiceRow(Base):
    __tablename__ = "cartera_invoices"
    __table_args__ = (
        UniqueConstraint(
            "entity_code", "srv_code", "reference1", name="uq_cartera_invoices_reference"
        ),
        ForeignKeyConstraint(
            ["entity_code", "srv_code"],
            ["merchant_services.entity_code", "merchant_services.code"],
            name="fk_cartera_invoices_service",
        ),
        CheckConstraint(
            "state IN ('PENDIENTE', 'PAGADA', 'ANULADA')", name="ck_cartera_invoices_state"
        ),
        CheckConstraint("value_1 > 0", name="ck_cartera_invoices_value"),
        CheckConstraint("paid_total >= 0", name="ck_cartera_invoices_paid"),
        CheckConstraint("overdue_days >= 0", name="ck_cartera_invoices_overdue_days"),
        # consultarCartera: a customer's invoices of one service, oldest due date first.
        Index(
            "ix_cartera_invoices_customer",
            "entity_code",
            "srv_code",
            "id_type",
            "id_number",
            "due_date_1",
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    entity_code: Mapped[str] = mapped_column(ENTITY_CODE)
    srv_code: Mapped[str] = mapped_column(SRV_CODE)
    reference1: Mapped[str] = mapped_column(CARTERA_REFERENCE)
    reference2: Mapped[str | None] = mapped_column(CARTERA_REFERENCE)
    reference3: Mapped[str | None] = mapped_column(CARTERA_REFERENCE)
    #: CC, NIT, CE, TI, PA.
    id_type: Mapped[str] = mapped_column(String(3))
    id_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    due_date_1: Mapped[date] = mapped_column(Date)
    value_1: Mapped[Decimal] = mapped_column(Money())
    due_date_2: Mapped[date | None] = mapped_column(Date)
    value_2: Mapped[Decimal | None] = mapped_column(Money())
    due_date_3: Mapped[date | None] = mapped_column(Date)
    value_3: Mapped[Decimal | None] = mapped_column(Money())
    partial_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The least a partial payment may be: a value, or a percentage of what is owed.
    minimum_value: Mapped[Decimal | None] = mapped_column(Money())
    minimum_percent: Mapped[Decimal | None] = mapped_column(Money(5, 2))
    #: Days after the last due date a payment is still accepted (at the last value).
    overdue_days: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(12), default="PENDIENTE")
    paid_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    #: What is owed at the first due date after the last change (value_1 - paid_total, or 0).
    balance: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: The payment whose cash coupon this is (`Checkout.choose`); a teller's payment of it
    #: settles that payment (`caja/pagos.py`). NULL: a portfolio invoice.
    ticket_id: Mapped[int | None] = mapped_column(
        TICKET_ID, ForeignKey("transactions.ticket_id"), unique=True
    )


class InvoiceHistoryRow(Base):
    """Append-only (a trigger forbids UPDATE and DELETE on PostgreSQL and SQLite)."""

    __tablename__ = "cartera_invoice_history"
    __table_args__ = (Index("ix_cartera_invoice_history_invoice", "invoice_id", "id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ID, ForeignKey("cartera_invoices.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: cartera_load | caja_payment | caja_reversal | caja_cheque_confirmed | ...
    source: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    paid_total: Mapped[Decimal] = mapped_column(Money())
    detail: Mapped[str] = mapped_column(Text, default="")


class OperationRow(Base):
    """The first final (codigo 000) answer given to a bank's idTransaccion: a repeat with the
    same payload digest gets `response` again (indicadorDuplicado=S), another payload `006`."""

    __tablename__ = "caja_operations"
    __table_args__ = (
        UniqueConstraint("bank_code", "id_transaccion", name="uq_caja_operations_bank_id"),
        CheckConstraint("kind IN ('PAGO', 'REVERSO')", name="ck_caja_operations_kind"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    bank_code: Mapped[str] = mapped_column(BANK_CODE, ForeignKey("caja_banks.code"))
    id_transaccion: Mapped[str] = mapped_column(ID_TRANSACCION)
    kind: Mapped[str] = mapped_column(String(8))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PaymentRow(Base):
    __tablename__ = "caja_payments"
    __table_args__ = (
        CheckConstraint(
            "state IN ('APLICADO', 'PENDIENTE_CANJE', 'REVERSADO', 'DEVUELTO')",
            name="ck_caja_payments_state",
        ),
        CheckConstraint("forma_pago IN ('E', 'C', 'M')", name="ck_caja_payments_forma"),
        CheckConstraint("valor_total > 0", name="ck_caja_payments_total"),
        # In whole cents: SQLite keeps money as exact text (`Money`), which `+` would turn into
        # floats (and `text = number` never holds there); PostgreSQL's NUMERIC is exact anyway.
        CheckConstraint(
            "CAST(ROUND(valor_total * 100) AS BIGINT) = CAST(ROUND(valor_efectivo * 100) AS BIGINT)"
            " + CAST(ROUND(valor_cheque * 100) AS BIGINT)",
            name="ck_caja_payments_sum",
        ),
        # One payment per bank transaction (its operation is unique too); reversarPago finds
        # the original through it.
        UniqueConstraint("bank_code", "id_transaccion", name="uq_caja_payments_bank_id"),
        # conciliar and the Asobancaria writer: a bank's payments of one compensation date.
        Index("ix_caja_payments_bank_date", "bank_code", "fecha_compensacion", "id"),
        Index("ix_caja_payments_invoice", "invoice_id", "id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ID, ForeignKey("caja_operations.id"), unique=True)
    bank_code: Mapped[str] = mapped_column(BANK_CODE, ForeignKey("caja_banks.code"))
    id_transaccion: Mapped[str] = mapped_column(ID_TRANSACCION)
    agreement_id: Mapped[int] = mapped_column(ID, ForeignKey("caja_agreements.id"))
    invoice_id: Mapped[int] = mapped_column(ID, ForeignKey("cartera_invoices.id"))
    ticket_id: Mapped[int] = mapped_column(
        TICKET_ID, ForeignKey("transactions.ticket_id"), unique=True
    )
    numero_autorizacion_banco: Mapped[str] = mapped_column(AUTHORIZATION)
    valor_efectivo: Mapped[Decimal] = mapped_column(Money())
    valor_cheque: Mapped[Decimal] = mapped_column(Money())
    valor_total: Mapped[Decimal] = mapped_column(Money())
    forma_pago: Mapped[str] = mapped_column(String(1))
    state: Mapped[str] = mapped_column(String(16))
    fecha_compensacion: Mapped[date] = mapped_column(Date)
    #: 1 normal, 2 adicional.
    jornada: Mapped[str] = mapped_column(String(1))
    canal: Mapped[str] = mapped_column(String(2))
    oficina: Mapped[str] = mapped_column(String(4))
    terminal: Mapped[str | None] = mapped_column(String(10))
    operador: Mapped[str | None] = mapped_column(String(10))
    fecha_hora_transaccion: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChequeRow(Base):
    __tablename__ = "caja_cheques"
    __table_args__ = (
        CheckConstraint("tipo_canje IN ('P', 'O')", name="ck_caja_cheques_canje"),
        CheckConstraint("valor > 0", name="ck_caja_cheques_valor"),
        Index("ix_caja_cheques_payment", "payment_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ID, ForeignKey("caja_payments.id"))
    banco: Mapped[str] = mapped_column(BANK_CODE)
    numero: Mapped[str] = mapped_column(String(20))
    valor: Mapped[Decimal] = mapped_column(Money())
    #: P: the collecting bank's own cheque; O: another bank's (stays PENDIENTE_CANJE).
    tipo_canje: Mapped[str] = mapped_column(String(1))


class ReversalRow(Base):
    """A reversal, once per original (bank, idTransaccion). `payment_id` None: it arrived
    before its payment, which it then blocks (research §D.4 rule 5)."""

    __tablename__ = "caja_reversals"
    __table_args__ = (
        UniqueConstraint("bank_code", "original_id_transaccion", name="uq_caja_reversals_original"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ID, ForeignKey("caja_operations.id"), unique=True)
    bank_code: Mapped[str] = mapped_column(BANK_CODE, ForeignKey("caja_banks.code"))
    original_id_transaccion: Mapped[str] = mapped_column(ID_TRANSACCION)
    numero_autorizacion_banco: Mapped[str | None] = mapped_column(AUTHORIZATION)
    payment_id: Mapped[int | None] = mapped_column(ID, ForeignKey("caja_payments.id"))
    motivo: Mapped[str] = mapped_column(String(3))
    fecha_compensacion: Mapped[date] = mapped_column(Date)
    jornada: Mapped[str] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


append_only(InvoiceHistoryRow.__table__)
