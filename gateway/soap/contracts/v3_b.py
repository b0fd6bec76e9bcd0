"""eCollectWebservicesv3, schema "B": `wsdl/eCollectWebservicesv3.B.wsdl` (app_express).

The superset schema of the SaaS host: `BankProcessDate` is an `xs:dateTime` (suds rejects a
date-only value there), and new members sit *between* schema A's ones (FICode after
BankProcessDate, TransCycle/Invoice before ReferenceArray, ...), which is why each variant
has its own response model rather than one model for all.
"""

from __future__ import annotations

from typing import Any

from spyne import ComplexModel, ServiceBase, rpc

from gateway.soap import operations
from gateway.soap.contracts.shared import (
    ArrayOfGetBankListResponseType,
    ArrayOfString,
    BankDateTime,
    CreateTransactionResponseType,
    GetBankListType,
    GetTransactionInformationType,
    Int,
    Money,
    RetriesTicketIdType,
    String,
    Strings,
    repeated,
)
from gateway.soap.ns import ECOLLECT
from gateway.soap.operations import Call


class OperationType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "operationType"

    OperCode = String
    FlagDBCR = String
    OperDesc = String
    Value = Money


class AdditionalInfoType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "AdditionalInfoType"

    InfoCode = String
    InfoData = String


class ItemType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "itemType"

    ItemCode = String
    FlagDBCR = String
    ItemQty = Int
    ItemDesc = String
    Value = Money


class SubserviceType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "subserviceType"

    EntityCode = String
    SrvCode = String
    ValueType = String
    TransValue = Money
    TransVatValue = Money


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
    BankProcessDate = BankDateTime
    FICode = String
    BankName = String
    PaymentSystem = String
    TransCycle = String
    Invoice = String
    ReferenceArray = Strings
    AuthReferenceArray = ArrayOfString
    OperationArray = repeated(OperationType)
    RetriesTicketId = repeated(RetriesTicketIdType)
    AdditionalInfoArray = repeated(AdditionalInfoType)
    SrvCode = String


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
    Invoice = String
    PolicyCode = String
    AuthReferenceArray = ArrayOfString
    ItemArray = repeated(ItemType)
    SubservicesArray = repeated(SubserviceType)
    AdditionalInfoArray = repeated(AdditionalInfoType)


class EcollectWebservicesV3B(ServiceBase):
    """Operations in portType order; each one translates and delegates (`operations`).

    v4 serves this same service under its own names (`contracts/v4.py`).
    """

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
