"""How much of each field a request may carry, and the ReturnCode of a field that carries more.

One table for the web services and the store: `store/models.py` sizes its columns with these
lengths, and the use cases check a request against them before the database sees it, so a
too-long value gets the ReturnCode of its field on every database (SQLite does not enforce
VARCHAR lengths; PostgreSQL raises, which would otherwise come out as FAIL_SYSTEM).

A string is judged as it would be stored: codes, URLs and the other scalar fields trimmed (the
use cases store them trimmed), references exactly as sent (they are stored and echoed as sent,
O7). Strings without a column (AuthReferenceArray, the v3-B arrays, kept as JSON) have bounds of
their own, chosen below. The choice of ReturnCode where no field-named code exists:

- URLResponse, URLRedirect -> FAIL_INVALIDSERVICECODE: they override the service's own
  parameters of the same name ("URL confirmación post off session (URLResponse)", "URL
  redirecciona usuario (URLRedirect)", Longitud 500 in the administrative manual).
- Sign, SignFields -> FAIL_INVALIDREFERENCE1: the only client seen filling them signs a
  reference (Sign = MD5 of the reference, SignFields = "Referencia", research §3.5).
- Invoice -> FAIL_INVALIDREFERENCE1: the merchant's own key of the payment, sized like one.
- PolicyCode -> FAIL_INVALIDPOLICY (its own code).

Array counts (research §3.7 for what merchants send): references 30 (3 to 16 seen, the Java
client reads 16); AuthReferenceArray 35 (the card layout uses 4; the REST PaymentInfo attribute
codes a merchant might map by position run 0..34); ItemArray 100 lines (a large shopping cart);
SubservicesArray 20 (split payments between sub-merchants); AdditionalInfoArray 30.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from gateway.domain.errors import (
    BusinessRefusal,
    InvalidAuthReference,
    InvalidCurrency,
    InvalidEntityCode,
    InvalidFICode,
    InvalidItems,
    InvalidPaymentSystem,
    InvalidPolicy,
    InvalidReference,
    InvalidServiceCode,
)
from gateway.domain.references import MAX_REFERENCE_LENGTH


@dataclass(frozen=True, slots=True)
class FieldLimit:
    """At most `length` characters in the wire field `name`; more is refused with `refusal`."""

    name: str
    length: int
    refusal: type[BusinessRefusal]
    #: Judged without surrounding blanks (the field is stored trimmed).
    trimmed: bool = True

    def fits(self, value: str | None) -> bool:
        if value is None or len(value) <= self.length:
            return True  # the common case costs one len()
        return self.trimmed and len(value.strip()) <= self.length

    def check(self, value: str | None) -> None:
        if not self.fits(value):
            raise self.refusal(f"{self.name} is longer than {self.length} characters")


@dataclass(frozen=True, slots=True)
class CountLimit:
    """At most `count` entries in the wire array `name`."""

    name: str
    count: int
    refusal: type[BusinessRefusal]

    def check(self, values: Sized) -> None:
        if len(values) > self.count:
            raise self.refusal(f"{self.name} has more than {self.count} entries")


# -- columns (store/models.py sizes them with these) -------------------------------------------
ENTITY_CODE = FieldLimit("EntityCode", 20, InvalidEntityCode)
SRV_CODE = FieldLimit("SrvCode", 20, InvalidServiceCode)
CURRENCY = FieldLimit("SrvCurrency", 3, InvalidCurrency)
URL_RESPONSE = FieldLimit("URLResponse", 500, InvalidServiceCode)
URL_REDIRECT = FieldLimit("URLRedirect", 500, InvalidServiceCode)
SIGN = FieldLimit("Sign", 200, InvalidReference)
SIGN_FIELDS = FieldLimit("SignFields", 200, InvalidReference)
#: "Con longitud máxima 100 caracteres" (administrative manual, "Forzar Longitud").
REFERENCE = FieldLimit("ReferenceArray", MAX_REFERENCE_LENGTH, InvalidReference, trimmed=False)
PAYMENT_SYSTEM = FieldLimit("PaymentSystem", 3, InvalidPaymentSystem)
FI_CODE = FieldLimit("FICode", 20, InvalidFICode)
INVOICE = FieldLimit("Invoice", 100, InvalidReference)
POLICY_CODE = FieldLimit("PolicyCode", 50, InvalidPolicy)
#: Every URL column (service parameters, transactions, the callback outbox).
URL_LENGTH = URL_RESPONSE.length

# -- strings kept as JSON ----------------------------------------------------------------------
AUTH_REFERENCE = FieldLimit("AuthReferenceArray", 255, InvalidAuthReference)
ITEM_CODE = FieldLimit("ItemArray/ItemCode", 50, InvalidItems)
ITEM_FLAG_DBCR = FieldLimit("ItemArray/FlagDBCR", 10, InvalidItems)
ITEM_DESC = FieldLimit("ItemArray/ItemDesc", 200, InvalidItems)
SUBSERVICE_ENTITY_CODE = FieldLimit("SubservicesArray/EntityCode", ENTITY_CODE.length, InvalidItems)
SUBSERVICE_SRV_CODE = FieldLimit("SubservicesArray/SrvCode", SRV_CODE.length, InvalidItems)
SUBSERVICE_VALUE_TYPE = FieldLimit("SubservicesArray/ValueType", 10, InvalidItems)
INFO_CODE = FieldLimit("AdditionalInfoArray/InfoCode", 50, InvalidItems)
#: A URL fits (the gateway itself puts the PSE bank URL there).
INFO_DATA = FieldLimit("AdditionalInfoArray/InfoData", URL_LENGTH, InvalidItems)

# -- arrays ------------------------------------------------------------------------------------
REFERENCES = CountLimit("ReferenceArray", 30, InvalidReference)
AUTH_REFERENCES = CountLimit("AuthReferenceArray", 35, InvalidAuthReference)
ITEMS = CountLimit("ItemArray", 100, InvalidItems)
SUBSERVICES = CountLimit("SubservicesArray", 20, InvalidItems)
ADDITIONAL_INFO = CountLimit("AdditionalInfoArray", 30, InvalidItems)

#: xs:int, what ItemQty is declared as (a .NET or Java client cannot send more).
MAX_ITEM_QUANTITY = 2**31 - 1
#: Array amounts fit the Money columns, NUMERIC(18, 2), like TransValue.
MAX_AMOUNT = Decimal(10) ** 16
AMOUNT_PLACES = 2


# -- what a create request looks like to these checks (usecases.commands.CreatePayment) ----------
class ItemFields(Protocol):
    code: str | None
    flag_dbcr: str | None
    quantity: int | None
    description: str | None
    value: Decimal | None


class SubserviceFields(Protocol):
    entity_code: str | None
    srv_code: str | None
    value_type: str | None
    trans_value: Decimal | None
    trans_vat_value: Decimal | None


class AdditionalInfoFields(Protocol):
    code: str | None
    data: str | None


class PaymentRequest(Protocol):
    entity_code: str | None
    srv_code: str | None
    srv_currency: str | None
    url_response: str | None
    url_redirect: str | None
    sign: str | None
    sign_fields: str | None
    references: Sequence[str]
    payment_system: str | None
    fi_code: str | None
    invoice: str | None
    policy_code: str | None
    auth_references: Sequence[str | None] | None
    items: Sequence[ItemFields]
    subservices: Sequence[SubserviceFields]
    additional_info: Sequence[AdditionalInfoFields]


def check_payment_request(request: PaymentRequest) -> None:
    """Refuse a createTransactionPayment / processTransactionPayment that carries more than the
    store holds, with the ReturnCode of the first field found too long (in wire order)."""
    ENTITY_CODE.check(request.entity_code)
    SRV_CODE.check(request.srv_code)
    CURRENCY.check(request.srv_currency)
    URL_RESPONSE.check(request.url_response)
    URL_REDIRECT.check(request.url_redirect)
    SIGN.check(request.sign)
    SIGN_FIELDS.check(request.sign_fields)
    REFERENCES.check(request.references)
    for reference in request.references:
        _check_reference(reference)
    PAYMENT_SYSTEM.check(request.payment_system)
    FI_CODE.check(request.fi_code)
    INVOICE.check(request.invoice)
    POLICY_CODE.check(request.policy_code)
    if request.auth_references is not None:
        AUTH_REFERENCES.check(request.auth_references)
        _check_all(AUTH_REFERENCE, request.auth_references)
    ITEMS.check(request.items)
    for item in request.items:
        ITEM_CODE.check(item.code)
        ITEM_FLAG_DBCR.check(item.flag_dbcr)
        ITEM_DESC.check(item.description)
        if item.quantity is not None and item.quantity > MAX_ITEM_QUANTITY:
            raise InvalidItems(f"ItemQty is larger than {MAX_ITEM_QUANTITY}")
        _check_amount(item.value, "ItemArray/Value")
    SUBSERVICES.check(request.subservices)
    for sub in request.subservices:
        SUBSERVICE_ENTITY_CODE.check(sub.entity_code)
        SUBSERVICE_SRV_CODE.check(sub.srv_code)
        SUBSERVICE_VALUE_TYPE.check(sub.value_type)
        _check_amount(sub.trans_value, "SubservicesArray/TransValue")
        _check_amount(sub.trans_vat_value, "SubservicesArray/TransVatValue")
    ADDITIONAL_INFO.check(request.additional_info)
    for info in request.additional_info:
        INFO_CODE.check(info.code)
        INFO_DATA.check(info.data)


def check_entity_code(entity_code: str | None) -> None:
    """getTransactionInformation / getBankList: an EntityCode no entity can have."""
    ENTITY_CODE.check(entity_code)


def _check_reference(value: str) -> None:
    REFERENCE.check(value)
    # A service that upper-cases its references may lengthen non-ASCII text (ß -> SS).
    if not value.isascii() and len(value.upper()) > REFERENCE.length:
        raise InvalidReference(f"ReferenceArray is longer than {REFERENCE.length} characters")


def _check_all(limit: FieldLimit, values: Iterable[str | None]) -> None:
    for value in values:
        limit.check(value)


def _check_amount(value: Decimal | None, name: str) -> None:
    """An array amount fits a Money column, as TransValue must (merchant_services._money)."""
    if value is None:
        return
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise InvalidItems(f"{name} is out of range")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_PLACES:
        raise InvalidItems(f"{name} has more than {AMOUNT_PLACES} decimal places")
