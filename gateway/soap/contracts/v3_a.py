"""eCollectWebservicesv3, schema "A": `wsdl/eCollectWebservicesv3.A.wsdl`.

Served under the on-premise prefixes (`p_express`, `d_express`, ...). The dotnet-svcutil
proxy of this schema reads responses as an ordered sequence (research 4.1): one element out
of place and every later member is silently lost, so the response models below are the
WSDL's sequences member for member. `BankProcessDate` is an `xs:date`.
"""

from __future__ import annotations

from typing import Any

from spyne import ComplexModel, ServiceBase, rpc

from gateway.soap import operations
from gateway.soap.contracts.shared import (
    ArrayOfGetBankListResponseType,
    ArrayOfString,
    BankDate,
    CreateTransactionResponseType,
    GetBankListType,
    GetTransactionInformationType,
    Money,
    RetriesTicketIdType,
    String,
    Strings,
    repeated,
)
from gateway.soap.ns import ECOLLECT
from gateway.soap.operations import Call


class GetTransactionInformationResponseType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "getTransactionInformationResponseType"

    EntityCode = String
    TicketId = String
    TrazabilityCode = String
    TranState = String
    ReturnCode = String
    TransValue = Money
    TransVatValue = Money
    PayCurrency = String
    CurrencyRate = Money
    BankProcessDate = BankDate
    BankName = String
    PaymentSystem = String
    ReferenceArray = Strings
    AuthReferenceArray = ArrayOfString
    RetriesTicketId = repeated(RetriesTicketIdType)


class CreateTransactionType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "createTransactionType"

    EntityCode = String
    SrvCode = String
    TransValue = Money
    TransVatValue = Money
    SrvCurrency = String
    URLResponse = String
    URLRedirect = String
    Sign = String
    SignFields = String
    ReferenceArray = Strings
    PaymentSystem = String
    FICode = String
    AuthReferenceArray = ArrayOfString


class EcollectWebservicesV3A(ServiceBase):
    """Operations in portType order; each one translates and delegates (`operations`)."""

    @rpc(GetTransactionInformationType, _returns=GetTransactionInformationResponseType)
    def getTransactionInformation(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.get_transaction_information(ctx, request)

    @rpc(GetBankListType, _returns=ArrayOfGetBankListResponseType)
    def getBankList(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.get_bank_list(ctx, request)

    @rpc(CreateTransactionType, _returns=CreateTransactionResponseType)
    def createTransactionPayment(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.create_transaction_payment(ctx, request)

    @rpc(CreateTransactionType, _returns=GetTransactionInformationResponseType)
    def processTransactionPayment(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.process_transaction_payment(ctx, request)
