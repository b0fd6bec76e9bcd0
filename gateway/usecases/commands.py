"""What the protocol adapters hand to the use cases, and what they get back.

Plain data only: the SOAP adapter (and later the REST, caja and page adapters) builds these from
the wire and renders the results into its own contract variant. Absent wire elements arrive as
None; the use cases, not the adapters, decide what an absent value means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from gateway.domain.errors import ReturnCode


@dataclass(frozen=True)
class Item:
    """One line of a v3-B `ItemArray` (itemType)."""

    code: str | None = None
    flag_dbcr: str | None = None
    quantity: int | None = None
    description: str | None = None
    value: Decimal | None = None


@dataclass(frozen=True)
class Subservice:
    """One entry of a v3-B `SubservicesArray` (subserviceType)."""

    entity_code: str | None = None
    srv_code: str | None = None
    value_type: str | None = None
    trans_value: Decimal | None = None
    trans_vat_value: Decimal | None = None


@dataclass(frozen=True)
class AdditionalInfo:
    """One entry of a v3-B `AdditionalInfoArray` (AdditionalInfoType)."""

    code: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class CreatePayment:
    """`createTransactionPayment` / `processTransactionPayment` request, any contract variant.

    `prefix` is the path prefix the call arrived on (`app_express`, `p_express`, ...): the
    eCollectUrl mirrors it. `references` keeps the wire order and every entry, empty ones too.
    """

    entity_code: str | None = None
    srv_code: str | None = None
    trans_value: Decimal | None = None
    trans_vat_value: Decimal | None = None
    srv_currency: str | None = None
    url_response: str | None = None
    url_redirect: str | None = None
    sign: str | None = None
    sign_fields: str | None = None
    references: tuple[str, ...] = ()
    payment_system: str | None = None
    fi_code: str | None = None
    invoice: str | None = None
    policy_code: str | None = None
    auth_references: tuple[str | None, ...] | None = None
    items: tuple[Item, ...] = ()
    subservices: tuple[Subservice, ...] = ()
    additional_info: tuple[AdditionalInfo, ...] = ()
    prefix: str = "app_express"


@dataclass(frozen=True)
class CreateResult:
    """`createTransactionResponseType`: on failure ticket_id and ecollect_url are ''."""

    return_code: ReturnCode
    ticket_id: str = ""
    ecollect_url: str = ""


@dataclass(frozen=True)
class Operation:
    """v3-B `operationType`."""

    code: str
    flag_dbcr: str
    description: str
    value: Decimal


@dataclass(frozen=True)
class Retry:
    """`retriesTicketIdType`."""

    ticket_id: str
    tran_state: str


@dataclass(frozen=True)
class TransactionInfo:
    """`getTransactionInformationResponseType`, the union of every variant's fields.

    Strings are never None (the Java client throws on a missing TranState, PaymentSystem or
    ReturnCode); an unset bank_process_date is None and rendered by the adapter as the
    variant's minimum date (0001-01-01).
    """

    return_code: ReturnCode
    entity_code: str = ""
    ticket_id: str = ""
    trazability_code: str = ""
    tran_state: str = ""
    trans_value: Decimal = Decimal(0)
    trans_vat_value: Decimal = Decimal(0)
    pay_currency: str = ""
    currency_rate: Decimal = Decimal(0)
    bank_process_date: datetime | None = None
    fi_code: str = ""
    bank_name: str = ""
    payment_system: str = ""
    trans_cycle: str = ""
    invoice: str = ""
    references: tuple[str, ...] = ()
    auth_references: tuple[str | None, ...] = ()
    operations: tuple[Operation, ...] = ()
    retries: tuple[Retry, ...] = ()
    additional_info: tuple[AdditionalInfo, ...] = ()
    srv_code: str = ""


@dataclass(frozen=True)
class Bank:
    """`getBankListResponseType`: a financial institution the payer can pick."""

    payment_system: int
    code: str
    name: str


@dataclass(frozen=True)
class BankList:
    return_code: ReturnCode
    banks: tuple[Bank, ...] = field(default_factory=tuple)
