"""A WSDL 1.1 document reduced to what a client generator reads, for structural comparison.

Prefixes, whitespace, attribute order, comments and documentation do not count; QName values
(`type`, `element`, `message`, `binding`, `base`, `ref`) are compared resolved, and XSD
defaults are made explicit (`minOccurs`/`maxOccurs` 1, `nillable` false), so
`<s:element name="a" type="s:string"/>` equals `<xs:element name="a" type="xs:string"
minOccurs="1" maxOccurs="1"/>`. Order counts where it means something on the wire (the
particles of a sequence) and nowhere else.

Each part of the document becomes a mapping `component key -> lines`, so a difference is
reported as "what is missing, what is extra, and a line diff of what changed".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

SHORT_NS = {XS: "xs", WSDL: "wsdl", SOAP11: "soap", SOAP12: "soap12"}
QNAME_ATTRIBUTES = {"type", "element", "message", "binding", "base", "ref", "itemType"}
XSD_DEFAULTS = {
    "element": {"minOccurs": "1", "maxOccurs": "1", "nillable": "false"},
    "any": {"minOccurs": "1", "maxOccurs": "1"},
    "sequence": {"minOccurs": "1", "maxOccurs": "1"},
    "choice": {"minOccurs": "1", "maxOccurs": "1"},
}
IGNORED = {f"{{{XS}}}annotation", f"{{{WSDL}}}documentation"}


class WsdlError(ValueError):
    """The document is not a WSDL 1.1 definitions element."""


def _short(namespace: str | None, local: str, tns: str) -> str:
    if namespace == tns:
        return f"tns:{local}"
    if namespace in SHORT_NS:
        return f"{SHORT_NS[namespace]}:{local}"
    return f"{{{namespace}}}{local}" if namespace else local


def _tag(element: etree._Element, tns: str) -> str:
    qname = etree.QName(element)
    return _short(qname.namespace, qname.localname, tns)


def _resolve(element: etree._Element, value: str, tns: str) -> str:
    prefix, sep, local = value.strip().rpartition(":")
    namespace = element.nsmap.get(prefix if sep else None)
    if sep and namespace is None:
        return f"UNRESOLVED-PREFIX {value}"
    return _short(namespace, local, tns)


def describe(
    element: etree._Element, tns: str, depth: int = 0, skip: str | None = None
) -> list[str]:
    """Indented lines for an element and its subtree, attributes normalised.

    `skip`: a child tag (Clark notation) left out, because the caller lists those children as
    components of their own.
    """
    attrs = {str(k): str(v) for k, v in element.attrib.items()}
    for name in QNAME_ATTRIBUTES & attrs.keys():
        attrs[name] = _resolve(element, attrs[name], tns)
    local = etree.QName(element).localname
    if etree.QName(element).namespace == XS:
        attrs = {**XSD_DEFAULTS.get(local, {}), **attrs}
    rendered = " ".join(f"{k}={attrs[k]}" for k in sorted(attrs))
    lines = ["  " * depth + f"{_tag(element, tns)} {rendered}".rstrip()]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in IGNORED and child.tag != skip:
            lines.extend(describe(child, tns, depth + 1))
    return lines


@dataclass
class WsdlModel:
    target_namespace: str
    schema: dict[str, list[str]]  # "element X" / "complexType X" / "schema" -> lines
    messages: dict[str, list[str]]
    port_types: dict[str, list[str]]
    bindings: dict[str, list[str]]
    services: dict[str, list[str]]
    addresses: list[tuple[str, str, str]]  # (port name, "soap"|"soap12", location)


def parse_wsdl(document: bytes) -> WsdlModel:
    try:
        root = etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise WsdlError(f"not well-formed XML: {exc}") from exc
    if root.tag != f"{{{WSDL}}}definitions":
        raise WsdlError(f"root element is {root.tag}, not wsdl:definitions")
    tns = root.get("targetNamespace", "")

    schema: dict[str, list[str]] = {}
    for index, xsd in enumerate(root.iterfind(f"{{{WSDL}}}types/{{{XS}}}schema")):
        head = {"attributeFormDefault": "unqualified", "elementFormDefault": "unqualified"}
        head.update(xsd.attrib)
        schema[f"schema #{index}"] = [" ".join(f"{k}={head[k]}" for k in sorted(head))]
        for component in xsd:
            if not isinstance(component.tag, str) or component.tag in IGNORED:
                continue
            key = f"{etree.QName(component).localname} {component.get('name', '?')}"
            schema[key] = describe(component, tns)

    def named(tag: str, member: str | None = None) -> dict[str, list[str]]:
        """Each `tag` element; its `member` children (operations, ports) keyed on their own,
        so that their order does not count."""
        found: dict[str, list[str]] = {}
        member_tag = f"{{{WSDL}}}{member}" if member else None
        for el in root.iterfind(f"{{{WSDL}}}{tag}"):
            key = f"{tag} {el.get('name')}"
            found[key] = describe(el, tns, skip=member_tag)
            for child in el.iterfind(member_tag) if member_tag else ():
                found[f"{key} {member} {child.get('name')}"] = describe(child, tns)
        return found

    services = named("service", "port")
    addresses: list[tuple[str, str, str]] = []
    for port in root.iterfind(f"{{{WSDL}}}service/{{{WSDL}}}port"):
        for namespace, kind in ((SOAP11, "soap"), (SOAP12, "soap12")):
            for address in port.iterfind(f"{{{namespace}}}address"):
                addresses.append((port.get("name", "?"), kind, address.get("location", "")))
    # The location is checked on its own (it must point at the tested host, not the original).
    for key, lines in services.items():
        services[key] = [line.split(" location=")[0] for line in lines]

    return WsdlModel(
        target_namespace=tns,
        schema=schema,
        messages=named("message"),
        port_types=named("portType", "operation"),
        bindings=named("binding", "operation"),
        services=services,
        addresses=addresses,
    )


def differences(expected: dict[str, list[str]], actual: dict[str, list[str]]) -> list[str]:
    """Human-readable differences between two component mappings ([] when equal)."""
    found: list[str] = []
    for key in sorted(expected.keys() - actual.keys()):
        found.append(f"missing: {key}")
    for key in sorted(actual.keys() - expected.keys()):
        found.append(f"unexpected: {key}")
    for key in sorted(expected.keys() & actual.keys()):
        if expected[key] != actual[key]:
            diff = difflib.unified_diff(
                expected[key], actual[key], "reference", "served", lineterm="", n=2
            )
            found.append(f"differs: {key}\n" + "\n".join(diff))
    return found


def report(title: str, problems: Iterable[str]) -> str:
    problems = list(problems)
    return f"{title}: {len(problems)} difference(s)\n" + "\n".join(problems)
