"""What every contract method does: wire request -> use-case DTO -> call -> wire result.

Variant-agnostic: the contract modules pass their own Spyne request instances in and get a
plain object out whose attributes carry the wire names of the *union* of all variants; the
contract's response model then writes only its own members, in its own order (O2). No
business decision is taken here: absent elements travel as None, and the only ReturnCode this
layer ever sets is FAIL_SYSTEM, when a use case raises instead of answering.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

import structlog

from gateway.domain.errors import ReturnCode
from gateway.soap.routing import Endpoint
from gateway.soap.wire import bogota_wall_time
from gateway.usecases.commands import (
    AdditionalInfo,
    BankList,
    CreatePayment,
    CreateResult,
    Item,
    Subservice,
    TransactionInfo,
)

log = structlog.get_logger()

T = TypeVar("T")


class PaymentsPort(Protocol):
    """The use cases the payment web services delegate to (`gateway.usecases.payments`)."""

    def create_transaction(self, cmd: CreatePayment) -> CreateResult: ...

    def process_transaction(self, cmd: CreatePayment) -> TransactionInfo: ...

    def get_transaction_information(
        self, entity_code: str | None, ticket_id: str | None
    ) -> TransactionInfo: ...

    def get_bank_list(self, entity_code: str | None) -> BankList: ...


@dataclass(frozen=True, slots=True)
class Call:
    """The `ctx` a contract method receives: the use cases and the endpoint called."""

    payments: PaymentsPort
    endpoint: Endpoint
    operation: str


# -- the four operations -----------------------------------------------------------------------


def get_transaction_information(ctx: Call, request: Any) -> SimpleNamespace:
    info = _delegate(
        ctx,
        ctx.payments.get_transaction_information,
        TransactionInfo(return_code=ReturnCode.FAIL_SYSTEM),
        request.EntityCode,
        request.TicketId,
    )
    return transaction_info_to_wire(info)


def create_transaction_payment(ctx: Call, request: Any) -> SimpleNamespace:
    result = _delegate(
        ctx,
        ctx.payments.create_transaction,
        CreateResult(return_code=ReturnCode.FAIL_SYSTEM),
        create_payment_from_wire(request, ctx.endpoint.prefix),
    )
    return SimpleNamespace(
        ReturnCode=result.return_code.value,
        # O8: a failed create carries empty TicketId and eCollectUrl elements, not none.
        TicketId=result.ticket_id or "",
        eCollectUrl=result.ecollect_url or "",
    )


def process_transaction_payment(ctx: Call, request: Any) -> SimpleNamespace:
    info = _delegate(
        ctx,
        ctx.payments.process_transaction,
        TransactionInfo(return_code=ReturnCode.FAIL_SYSTEM),
        create_payment_from_wire(request, ctx.endpoint.prefix),
    )
    return transaction_info_to_wire(info)


def get_bank_list(ctx: Call, request: Any) -> list[SimpleNamespace]:
    banks = _delegate(
        ctx,
        ctx.payments.get_bank_list,
        BankList(return_code=ReturnCode.FAIL_SYSTEM),
        request.EntityCode,
    )
    # getBankListResult has no ReturnCode: a refusal is an empty list.
    return [
        SimpleNamespace(
            paymentSystem=str(bank.payment_system),
            financialInstitutionCode=bank.code,
            financialInstitutionName=bank.name,
        )
        for bank in banks.banks
    ]


def _delegate(ctx: Call, use_case: Any, failed: T, *args: Any) -> T:
    """Run a use case; if it raises (a bug, the database down) answer `failed` instead.

    The use cases answer business errors with a ReturnCode and never raise for them, so
    anything caught here is unexpected: logged in full, never shown to the client.
    """
    try:
        return use_case(*args)
    except Exception:
        log.exception(
            "soap.use_case_failed",
            operation=ctx.operation,
            prefix=ctx.endpoint.prefix,
            version=ctx.endpoint.version,
        )
        return failed


# -- wire -> DTO -------------------------------------------------------------------------------


def create_payment_from_wire(request: Any, prefix: str) -> CreatePayment:
    """`createTransactionType` of any variant; members a variant lacks read as None."""
    field = request.__dict__.get
    auth = field("AuthReferenceArray")
    return CreatePayment(
        entity_code=field("EntityCode"),
        srv_code=field("SrvCode"),
        trans_value=field("TransValue"),
        trans_vat_value=field("TransVatValue"),
        srv_currency=field("SrvCurrency"),
        url_response=field("URLResponse"),
        url_redirect=field("URLRedirect"),
        sign=field("Sign"),
        sign_fields=field("SignFields"),
        # Wire order, every entry, empty ones as '' (O7 echoes them back exactly).
        references=tuple("" if ref is None else ref for ref in field("ReferenceArray") or ()),
        payment_system=field("PaymentSystem"),
        fi_code=field("FICode"),
        invoice=field("Invoice"),
        policy_code=field("PolicyCode"),
        auth_references=None if auth is None else tuple(auth),
        items=tuple(
            Item(
                code=item.ItemCode,
                flag_dbcr=item.FlagDBCR,
                quantity=item.ItemQty,
                description=item.ItemDesc,
                value=item.Value,
            )
            for item in field("ItemArray") or ()
            if item is not None
        ),
        subservices=tuple(
            Subservice(
                entity_code=sub.EntityCode,
                srv_code=sub.SrvCode,
                value_type=sub.ValueType,
                trans_value=sub.TransValue,
                trans_vat_value=sub.TransVatValue,
            )
            for sub in field("SubservicesArray") or ()
            if sub is not None
        ),
        additional_info=tuple(
            AdditionalInfo(code=info.InfoCode, data=info.InfoData)
            for info in field("AdditionalInfoArray") or ()
            if info is not None
        ),
        prefix=prefix,
    )


# -- DTO -> wire -------------------------------------------------------------------------------


def transaction_info_to_wire(info: TransactionInfo) -> SimpleNamespace:
    """`getTransactionInformationResponseType` members of every variant, by wire name.

    Strings are always written (as empty elements when unset): O5 needs TranState,
    PaymentSystem and ReturnCode, and order-strict WCF readers are happiest with a constant
    shape. The bank date is Bogotá wall time; None becomes the model default 0001-01-01.
    """
    date = info.bank_process_date
    return SimpleNamespace(
        EntityCode=info.entity_code or "",
        TicketId=info.ticket_id or "",
        TrazabilityCode=info.trazability_code or "",
        TranState=info.tran_state or "",
        ReturnCode=info.return_code.value,
        TransValue=info.trans_value,
        TransVatValue=info.trans_vat_value,
        PayCurrency=info.pay_currency or "",
        CurrencyRate=info.currency_rate,
        BankProcessDate=None if date is None else bogota_wall_time(date),
        FICode=info.fi_code or "",
        BankName=info.bank_name or "",
        PaymentSystem=info.payment_system or "",
        TransCycle=info.trans_cycle or "",
        Invoice=info.invoice or "",
        ReferenceArray=info.references,
        # An empty wrapped array would be written as <AuthReferenceArray />; ASMX omits a
        # null one, and the DTO cannot tell the two apart: omit.
        AuthReferenceArray=info.auth_references or None,
        OperationArray=[
            SimpleNamespace(
                OperCode=op.code, FlagDBCR=op.flag_dbcr, OperDesc=op.description, Value=op.value
            )
            for op in info.operations
        ],
        RetriesTicketId=[
            SimpleNamespace(TicketId=retry.ticket_id, TranState=retry.tran_state)
            for retry in info.retries
        ],
        AdditionalInfoArray=[
            SimpleNamespace(InfoCode=extra.code, InfoData=extra.data)
            for extra in info.additional_info
        ],
        SrvCode=info.srv_code or "",
    )
