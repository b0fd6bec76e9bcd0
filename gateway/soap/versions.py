"""SOAP 1.1 and SOAP 1.2 as ASMX writes them: one base class, one small subclass per version.

What differs between the two versions is only: the envelope namespace, the response
Content-Type, where the caller names the operation (the `SOAPAction` header or the `action`
parameter of the Content-Type), and the shape of a fault. Both versions use the envelope
prefix `soap` and declare `xsi`/`xsd` on the Envelope, as ASMX does (soap-interop §1.5).
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import unquote
from xml.sax.saxutils import escape

from gateway.soap import faults, ns
from gateway.soap.faults import FaultCode, SoapFault, VersionMismatch
from gateway.soap.wire import xml_safe

_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def _unquote_action(value: str | None) -> str | None:
    """`"http://…/op"` -> `http://…/op`; ASMX strips the quotes and URL-decodes (R3)."""
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return unquote(value)


class SoapVersion:
    name: ClassVar[str]
    envelope_ns: ClassVar[str]
    content_type: ClassVar[str]

    def __init__(self) -> None:
        self._head = (
            _DECLARATION
            + f'<soap:Envelope xmlns:soap="{self.envelope_ns}" xmlns:xsi="{ns.XSI}" '
            f'xmlns:xsd="{ns.XSD}"><soap:Body>'.encode()
        )
        self._tail = b"</soap:Body></soap:Envelope>"

    def envelope(self, payload: bytes) -> bytes:
        """Wrap a serialized body element (`<opResponse xmlns="…">…`) in an ASMX envelope."""
        return self._head + payload + self._tail

    def action(self, soap_action: str | None, content_type_action: str | None) -> str | None:
        raise NotImplementedError

    def fault(self, fault: SoapFault) -> bytes:
        raise NotImplementedError

    def unknown_action(self, action: str) -> SoapFault:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.name}>"


class Soap11(SoapVersion):
    name = "SOAP 1.1"
    envelope_ns = ns.SOAP11_ENV
    content_type = "text/xml; charset=utf-8"

    def action(self, soap_action: str | None, content_type_action: str | None) -> str | None:
        return _unquote_action(soap_action)

    def fault(self, fault: SoapFault) -> bytes:
        header = b""
        if isinstance(fault, VersionMismatch):
            # ASMX lists the envelopes it speaks, so a 1.2-only client can tell what went wrong.
            header = (
                f'<soap:Header><soap12:Upgrade xmlns:soap12="{ns.SOAP12_ENV}">'
                f'<soap12:SupportedEnvelope qname="soap:Envelope" />'
                f'<soap12:SupportedEnvelope qname="soap12:Envelope" />'
                f"</soap12:Upgrade></soap:Header>"
            ).encode()
        body = (
            f"<soap:Fault><faultcode>soap:{fault.code.value}</faultcode>"
            f"<faultstring>{escape(xml_safe(fault.message))}</faultstring>"
            f"<detail /></soap:Fault>"
        ).encode()
        if header:
            return self._head.replace(b"<soap:Body>", header + b"<soap:Body>") + body + self._tail
        return self.envelope(body)

    def unknown_action(self, action: str) -> SoapFault:
        return faults.unknown_soap_action(action)


class Soap12(SoapVersion):
    name = "SOAP 1.2"
    envelope_ns = ns.SOAP12_ENV
    content_type = "application/soap+xml; charset=utf-8"

    _codes: ClassVar[dict[FaultCode, str]] = {
        FaultCode.CLIENT: "Sender",
        FaultCode.SERVER: "Receiver",
        FaultCode.VERSION_MISMATCH: "VersionMismatch",
        FaultCode.MUST_UNDERSTAND: "MustUnderstand",
    }

    def action(self, soap_action: str | None, content_type_action: str | None) -> str | None:
        # The Content-Type parameter is the SOAP 1.2 way; zeep and some hand-built clients
        # send a SOAPAction header as well (or only), so fall back to it.
        return _unquote_action(content_type_action) or _unquote_action(soap_action)

    def fault(self, fault: SoapFault) -> bytes:
        return self.envelope(
            (
                f"<soap:Fault><soap:Code><soap:Value>soap:{self._codes[fault.code]}</soap:Value>"
                f'</soap:Code><soap:Reason><soap:Text xml:lang="en">'
                f"{escape(xml_safe(fault.message))}</soap:Text></soap:Reason>"
                f"<soap:Detail /></soap:Fault>"
            ).encode()
        )

    def unknown_action(self, action: str) -> SoapFault:
        return faults.unknown_action(action)


SOAP11 = Soap11()
SOAP12 = Soap12()

#: Version by envelope namespace: the envelope, not the HTTP headers, decides.
BY_ENVELOPE: dict[str, SoapVersion] = {SOAP11.envelope_ns: SOAP11, SOAP12.envelope_ns: SOAP12}


def guess(content_type: str) -> SoapVersion:
    """The version to answer in before the envelope is read (faults about the XML itself)."""
    return SOAP12 if content_type == "application/soap+xml" else SOAP11
