"""Member kinds as ASMX declares them, for every contract on the shell.

XmlSerializer's rules, as the WSDLs show them (research/ecollect-contract.md §2.1): strings,
classes and byte arrays are `minOccurs=0 maxOccurs=1`, not nillable; value types (int, long,
boolean, dateTime, decimal) are `minOccurs=1`; a nullable value type may be absent (the
helpdesk declares those `minOccurs=0 nillable=true` and omits them when None); a wrapped list
is `ArrayOfX` whose `X` items are nillable. The defaults on value types are what a response
writes when the adapter left the value unset (O3); reading never applies them.
"""

from __future__ import annotations

from spyne import Array, Boolean, ComplexModel, Integer32, Integer64, Unicode
from spyne.model.binary import ByteArray

from gateway.soap.protocol import Instant

__all__ = [
    "Bool",
    "Content",
    "Int",
    "Long",
    "MaybeBool",
    "MaybeInstant",
    "MaybeInt",
    "MaybeLong",
    "String",
    "When",
    "array_of",
    "optional",
    "repeated",
]

#: xs:string, minOccurs=0 maxOccurs=1
String = Unicode(min_occurs=0, max_occurs=1, nillable=False)
#: xs:int, minOccurs=1; 0 when unset
Int = Integer32(min_occurs=1, max_occurs=1, nillable=False, default=0)
#: xs:long, minOccurs=1; 0 when unset
Long = Integer64(min_occurs=1, max_occurs=1, nillable=False, default=0)
#: xs:boolean, minOccurs=1; false when unset
Bool = Boolean(min_occurs=1, max_occurs=1, nillable=False, default=False)
#: xs:dateTime with its offset (`protocol.Instant`), minOccurs=1
When = Instant(min_occurs=1, max_occurs=1, nillable=False)
#: xs:base64Binary, minOccurs=0
Content = ByteArray(min_occurs=0, max_occurs=1, nillable=False)

# Nullable value types: absent when None.
MaybeInt = Integer32(min_occurs=0, max_occurs=1, nillable=True)
MaybeLong = Integer64(min_occurs=0, max_occurs=1, nillable=True)
MaybeBool = Boolean(min_occurs=0, max_occurs=1, nillable=True)
MaybeInstant = Instant(min_occurs=0, max_occurs=1, nillable=True)


def repeated(cls: type[ComplexModel]) -> type[ComplexModel]:
    """A complex member as unwrapped repeated elements (minOccurs=0 maxOccurs=unbounded)."""
    return cls.customize(min_occurs=0, max_occurs="unbounded", nillable=False)


def optional(cls: type[ComplexModel]) -> type[ComplexModel]:
    """A complex member, minOccurs=0 maxOccurs=1."""
    return cls.customize(min_occurs=0, max_occurs=1, nillable=False)


def array_of(item: type, namespace: str, item_type_name: str | None = None) -> type:
    """`ArrayOfX` as ASMX wraps a list: `<Member><X>…</X><X>…</X></Member>`, items nillable,
    the member itself minOccurs=0. Declare each array once per contract (a module constant)."""
    name = item_type_name or item.get_type_name()
    array = Array(item.customize(nillable=True), type_name=f"ArrayOf{name[:1].upper()}{name[1:]}")
    return optional(array.customize(__namespace__=namespace))
