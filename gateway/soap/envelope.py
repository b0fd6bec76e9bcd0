"""The one door every SOAP request comes through: a hardened parse and the envelope split.

The parser refuses what a payment endpoint never needs and an attacker always wants: a DTD
(so no entity declarations, no billion laughs, no external entities reading local files or
the network), trees deeper than `Settings.max_xml_depth`, documents of more elements than
`Settings.max_xml_elements`, libxml2's "huge tree" mode. The byte limit alone would let a
megabyte of `<a/>` through (a quarter of a million elements, each read, kept and answered by
the layers above); the biggest legal request has under a thousand. It keeps
what real clients send (R5, R10): any prefixes, default namespaces, an empty Header, comments
(dropped while parsing), leading whitespace before a root without XML declaration, bodies in
ISO-8859-1 declared in the XML declaration or only in the Content-Type.

Problems come out as the gateway's own errors (`faults.py`): malformed XML as `HttpRefusal`
(400, as ASMX), everything readable but unusable as a `SoapFault`.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from gateway.soap import faults
from gateway.soap.versions import BY_ENVELOPE, SoapVersion

__all__ = ["Envelope", "parse_envelope"]

_DTD_PROHIBITED = "For security reasons DTD is prohibited in this XML document."
_TOO_DEEP = "The XML document is nested too deeply."
_TOO_MANY = "The XML document has too many elements."
# An XML declaration that names its encoding; then the document says how to read it.
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.ASCII)
_UTF8 = {"utf-8", "utf8"}


@dataclass(frozen=True, slots=True)
class Envelope:
    version: SoapVersion
    #: The Header element, or None when the envelope has none.
    header: etree._Element | None
    #: The first element inside Body: the operation wrapper. None when Body is empty.
    body: etree._Element | None


_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers are not thread-safe; one per thread (gunicorn gthread workers).
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            strip_cdata=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


@lru_cache(maxsize=8)
def _depth_probe_source(max_depth: int) -> str:
    # True when any element sits deeper than max_depth: libxml2 stops walking as soon as a
    # level is empty, so a normal envelope costs a handful of steps.
    return "boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")"


@lru_cache(maxsize=8)
def _count_probe_source(max_elements: int) -> str:
    # True when the document has more than max_elements elements. libxml2 stops at the first
    # node a positional predicate on the descendant axis names, so this walks at most
    # max_elements + 1 elements (about 1 µs for a normal envelope, 20 µs for a 250 000-element
    # one, against 25 ms to parse that), where count(//*) would walk them all.
    return f"boolean(/descendant::*[{max_elements + 1}])"


def _probe(source: str) -> etree.XPath:
    # XPath evaluators, like parsers, are kept per thread.
    probes = getattr(_local, "probes", None)
    if probes is None:
        probes = _local.probes = {}
    probe = probes.get(source)
    if probe is None:
        probe = probes[source] = etree.XPath(source)
    return probe


def _too_deep(root: etree._Element, max_depth: int) -> bool:
    return bool(_probe(_depth_probe_source(max_depth))(root))


def _too_many(root: etree._Element, max_elements: int) -> bool:
    return bool(_probe(_count_probe_source(max_elements))(root))


def _transcode(data: bytes, charset: str | None) -> bytes:
    """Honour a Content-Type charset when the document itself names no encoding (nusoap).

    nusoap labels everything ISO-8859-1 by default, also when a hand-written envelope is
    really UTF-8 (research 4.6); bytes that decode as UTF-8 are taken as UTF-8, since Latin-1
    text almost never forms valid multi-byte UTF-8 sequences.
    """
    if not charset or data.isascii() or _DECLARED_ENCODING.match(data):
        return data
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        return data
    if codec in _UTF8:
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeDecodeError:
        return data  # let the parser report it


def parse_envelope(
    data: bytes,
    *,
    max_depth: int,
    max_elements: int | None = None,
    charset: str | None = None,
    understood: frozenset[str] = frozenset(),
) -> Envelope:
    """Parse a SOAP request body once and split it into version, Header and operation element.

    Raises `faults.HttpRefusal` (400) for XML that does not parse, `faults.SoapFault` for a
    DTD, excessive depth or element count (`max_elements` None: no count limit), a foreign
    envelope (VersionMismatch) or a missing Body, and for a Header entry marked
    mustUnderstand that is not one of `understood` (Clark names of the header entries the
    service processes itself, such as the caja's `wsse:Security`; by default none).
    """
    if not data.strip():
        raise faults.malformed_xml("empty request body")
    # Refuse before parsing: the cheapest defence against entity bombs. A DTD hidden in a
    # UTF-16 document is caught after parsing (entities are never expanded either way).
    if b"<!DOCTYPE" in data:
        raise faults.unreadable(_DTD_PROHIBITED)
    data = _transcode(data, charset)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise faults.unreadable(_TOO_DEEP) from None
        raise faults.malformed_xml(str(exc)) from None
    except ValueError as exc:  # e.g. an unusable encoding declaration
        raise faults.malformed_xml(str(exc)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise faults.unreadable(_DTD_PROHIBITED)
    if _too_deep(root, max_depth):
        raise faults.unreadable(_TOO_DEEP)
    if max_elements is not None and _too_many(root, max_elements):
        raise faults.unreadable(_TOO_MANY)

    qname = etree.QName(root)
    version = BY_ENVELOPE.get(qname.namespace or "")
    if version is None:
        raise faults.VersionMismatch(qname.namespace or "")
    if qname.localname != "Envelope":
        raise faults.unreadable(f"<{qname.localname} xmlns='{qname.namespace}'> was not expected.")

    env_ns = version.envelope_ns
    header_tag = f"{{{env_ns}}}Header"
    body_tag = f"{{{env_ns}}}Body"
    header = body = None
    for child in root:
        if child.tag == body_tag:
            body = child
        elif child.tag == header_tag:
            header = child
    if body is None:
        raise faults.unreadable("The SOAP Body element is missing.")
    if header is not None:
        _check_must_understand(header, env_ns, understood)
    operation = next(iter(body), None)
    return Envelope(version=version, header=header, body=operation)


def _check_must_understand(header: etree._Element, env_ns: str, understood: frozenset[str]) -> None:
    attribute = f"{{{env_ns}}}mustUnderstand"
    for entry in header:
        if not isinstance(entry.tag, str) or entry.tag in understood:
            continue
        if entry.get(attribute, "").strip() in ("1", "true"):
            qname = etree.QName(entry)
            raise faults.not_understood(f"{{{qname.namespace}}}{qname.localname}")
