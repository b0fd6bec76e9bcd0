"""eCollectWebservicesv2: the contract of `wsdl/eCollectWebservicesv2.wsdl`, served everywhere.

Two operations; `BankProcessDate` is an `xs:date`. Fields of newer schemas that v2 clients
send anyway (PaymentSystem, FICode, PaymentDesc, UserType: the nusoap raw-XML client, research
4.5) are not members here, so they are read past and ignored, as the real v2 host does (R6).
"""

from __future__ import annotations

from typing import Any

from spyne import ComplexModel, ServiceBase, rpc

from gateway.soap import operations
from gateway.soap.contracts.shared import (
    BankDate,
    CreateTransactionResponseType,
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


class EcollectWebservicesV2(ServiceBase):
    """Operations in portType order; each one translates and delegates (`operations`)."""

    @rpc(GetTransactionInformationType, _returns=GetTransactionInformationResponseType)
    def getTransactionInformation(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.get_transaction_information(ctx, request)

    @rpc(CreateTransactionType, _returns=CreateTransactionResponseType)
    def createTransactionPayment(ctx: Call, request: Any) -> Any:  # noqa: N802
        return operations.create_transaction_payment(ctx, request)
