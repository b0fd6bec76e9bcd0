"""The check that a contract's Spyne models are its WSDL: names, order, types, occurrences.

Used for every contract on the ASMX shell (the eCollect variants, the helpdesk).
"""

from __future__ import annotations

import math

from lxml import etree
from spyne.model import Array, ComplexModelBase, Unicode
from spyne.model.binary import ByteArray
from spyne.model.primitive import (
    Boolean,
    Date,
    DateTime,
    Decimal,
    Integer32,
    Integer64,
    UnsignedInteger,
)

from gateway.soap.service import Contract
from tests.soap.support import REPO_WSDL

S = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

_KINDS = [
    (UnsignedInteger, "s:nonNegativeInteger"),
    (Integer64, "s:long"),
    (Integer32, "s:int"),
    (Decimal, "s:decimal"),
    (Boolean, "s:boolean"),
    (Date, "s:date"),  # before DateTime: Spyne's Date is a DateTime
    (DateTime, "s:dateTime"),
    (ByteArray, "s:base64Binary"),
    (Unicode, "s:string"),
]

Row = tuple[str, str, str, str, bool]


def _declared_type(member: type) -> str:
    if issubclass(member, ComplexModelBase):
        return f"tns:{member.get_type_name()}"
    for kind, name in _KINDS:
        if issubclass(member, kind):
            return name
    raise AssertionError(member)


def _occurs(value: float) -> str:
    return "unbounded" if math.isinf(value) else str(int(value))


def _nillable(owner: type, member: type) -> bool:
    # Spyne's defaults make strings, classes and the message members nillable; what a WSDL
    # declares nillable is an array's items and a nullable value type.
    value_typed = not issubclass(member, (Unicode, ByteArray, ComplexModelBase))
    return bool(member.Attributes.nillable) and (issubclass(owner, Array) or value_typed)


def _model_sequence(cls: type) -> list[Row]:
    return [
        (
            name,
            _declared_type(member),
            _occurs(member.Attributes.min_occurs),
            _occurs(member.Attributes.max_occurs),
            _nillable(cls, member),
        )
        for name, member in cls._type_info.items()
    ]


def _wsdl_sequence(complex_type: etree._Element) -> list[Row]:
    return [
        (
            el.get("name"),
            el.get("type"),
            el.get("minOccurs"),
            el.get("maxOccurs"),
            el.get("nillable") == "true",
        )
        for el in complex_type.iter(f"{{{S}}}element")
    ]


def _reachable(cls: type, found: dict[str, type]) -> None:
    for member in cls._type_info.values():
        if issubclass(member, ComplexModelBase):
            found.setdefault(member.get_type_name(), member)
            _reachable(member, found)


def assert_models_match_wsdl(contract: Contract) -> None:
    document = etree.parse(str(REPO_WSDL / contract.wsdl_file))
    schema = document.find(f"{{{WSDL}}}types/{{{S}}}schema")
    assert schema.get("targetNamespace") == contract.namespace
    named = {ct.get("name"): ct for ct in schema.findall(f"{{{S}}}complexType")}
    wrappers = {
        el.get("name"): el.find(f"{{{S}}}complexType") for el in schema.findall(f"{{{S}}}element")
    }
    app = contract.application()
    models: dict[str, type] = {}
    operations = []
    for clark, (descriptor,) in app.interface.service_method_map.items():
        assert clark == f"{{{contract.namespace}}}{descriptor.name}"
        operations.append(descriptor.name)
        for message in (descriptor.in_message, descriptor.out_message):
            assert _model_sequence(message) == _wsdl_sequence(wrappers[message.get_type_name()])
            _reachable(message, models)
    assert set(wrappers) == {f"{op}{suffix}" for op in operations for suffix in ("", "Response")}
    assert set(models) == set(named)
    for name, model in models.items():
        assert _model_sequence(model) == _wsdl_sequence(named[name]), name
    port_type = document.find(f"{{{WSDL}}}portType")
    assert operations == [op.get("name") for op in port_type]


def assert_asmx_shape(root: etree._Element, name: str, namespace: str, operations: list[str]):
    """ASMX's names: one portType `<name>Soap` with `operations` in order, bindings `<name>Soap`
    and `<name>Soap12` on it with document actions `<namespace>/<op>`, service `<name>` with
    both ports, messages `<op>SoapIn`/`<op>SoapOut`."""
    assert root.get("targetNamespace") == namespace
    (port_type,) = root.findall(f"{{{WSDL}}}portType")
    assert port_type.get("name") == f"{name}Soap"
    assert [op.get("name") for op in port_type] == operations
    bindings = root.findall(f"{{{WSDL}}}binding")
    assert [(b.get("name"), b.get("type")) for b in bindings] == [
        (f"{name}Soap", f"tns:{name}Soap"),
        (f"{name}Soap12", f"tns:{name}Soap"),  # one portType, as ASMX
    ]
    for binding, soap in zip(bindings, (SOAP, SOAP12), strict=True):
        actions = [
            (
                op.find(f"{{{soap}}}operation").get("soapAction"),
                op.find(f"{{{soap}}}operation").get("style"),
            )
            for op in binding.findall(f"{{{WSDL}}}operation")
        ]
        assert actions == [(f"{namespace}/{op}", "document") for op in operations]
    (service,) = root.findall(f"{{{WSDL}}}service")
    assert service.get("name") == name
    assert [p.get("name") for p in service.findall(f"{{{WSDL}}}port")] == [
        f"{name}Soap",
        f"{name}Soap12",
    ]
    messages = [m.get("name") for m in root.findall(f"{{{WSDL}}}message")]
    assert messages == [f"{op}{d}" for op in operations for d in ("SoapIn", "SoapOut")]
