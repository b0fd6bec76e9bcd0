"""Member kinds and the types every contract variant declares identically.

ASMX's rules, as the WSDLs show them (research/ecollect-contract.md §2.1): strings and classes
are `minOccurs=0 maxOccurs=1`, not nillable; value types (decimal, date, dateTime, int) are
`minOccurs=1`; lists are either unwrapped repeated elements or a wrapped `ArrayOf…` whose items
are nillable. The defaults on value types are what a response writes when the use case left
the value unset (O3); reading never applies them (an absent TransValue arrives as None, R11).
`String`, `Int`, `repeated` and `optional` are the shell's (`gateway.soap.members`), re-exported.
"""

from __future__ import annotations

from decimal import Decimal as D

from spyne import Array, ComplexModel, Date, DateTime, Decimal, Unicode, UnsignedInteger

from gateway.soap.members import Int as Int
from gateway.soap.members import String as String
from gateway.soap.members import optional as optional
from gateway.soap.members import repeated as repeated
from gateway.soap.ns import ECOLLECT
from gateway.soap.wire import MIN_DATE, MIN_DATETIME

# -- member kinds ------------------------------------------------------------------------------

#: xs:string, minOccurs=0 maxOccurs=unbounded, unwrapped (ReferenceArray)
Strings = Unicode(min_occurs=0, max_occurs="unbounded", nillable=False)
#: xs:decimal, minOccurs=1; 0 when unset
Money = Decimal(min_occurs=1, max_occurs=1, nillable=False, default=D(0))
#: xs:date, minOccurs=1; 0001-01-01 when unset (v2, v3 A)
BankDate = Date(min_occurs=1, max_occurs=1, nillable=False, default=MIN_DATE)
#: xs:dateTime, minOccurs=1; 0001-01-01T00:00:00 when unset (v3 B, v4)
BankDateTime = DateTime(min_occurs=1, max_occurs=1, nillable=False, default=MIN_DATETIME)
#: xs:nonNegativeInteger, minOccurs=0
Count = UnsignedInteger(min_occurs=0, max_occurs=1, nillable=False)


# -- types shared by every variant -------------------------------------------------------------


class GetTransactionInformationType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "getTransactionInformationType"

    EntityCode = String
    TicketId = String


class RetriesTicketIdType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "retriesTicketIdType"

    TicketId = String
    TranState = String


class CreateTransactionResponseType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "createTransactionResponseType"

    ReturnCode = String
    TicketId = String
    eCollectUrl = String


# v3 and v4 only, but identical in A and B.

#: Wrapped `<AuthReferenceArray><string>…</string></AuthReferenceArray>`, items nillable.
ArrayOfString = optional(
    Array(Unicode(nillable=True), type_name="ArrayOfString").customize(__namespace__=ECOLLECT)
)


class GetBankListType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "getBankListType"

    EntityCode = String


class GetBankListResponseType(ComplexModel):
    __namespace__ = ECOLLECT
    __type_name__ = "getBankListResponseType"

    paymentSystem = Count
    financialInstitutionCode = Count
    financialInstitutionName = String


#: `getBankListResult`: wrapper with `<getBankListResponseType>` items (O9).
ArrayOfGetBankListResponseType = Array(
    GetBankListResponseType.customize(nillable=True),
    type_name="ArrayOfGetBankListResponseType",
)
