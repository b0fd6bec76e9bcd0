"""Why a message cannot be processed, in the words ASP.NET ASMX uses.

Two kinds of refusal exist (research/soap-interop.md §1.4, §1.6):

    SoapFault       the message arrived but cannot be handled: a SOAP fault of the caller's
                    version, HTTP 500 (rendered by `versions.Soap11` / `versions.Soap12`)
    HttpRefusal     the HTTP request itself is unusable: malformed XML (400), a Content-Type
                    that is no SOAP (415), a body over the limit (413); status only, no body

Business errors are neither: they are answers with a ReturnCode and HTTP 200 (O10).
The factory functions below hold every fault text the gateway sends, so the wording lives in
one place and matches what a client of the real host may have pattern-matched on.
"""

from __future__ import annotations

from enum import StrEnum


class FaultCode(StrEnum):
    """SOAP 1.1 fault codes; `versions.Soap12` translates them (Client -> Sender, ...)."""

    CLIENT = "Client"
    SERVER = "Server"
    VERSION_MISMATCH = "VersionMismatch"
    MUST_UNDERSTAND = "MustUnderstand"


class SoapFault(Exception):
    """A message that cannot be processed; answered as a fault, HTTP 500."""

    def __init__(self, code: FaultCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class VersionMismatch(SoapFault):
    """The root is no SOAP 1.1 or 1.2 Envelope; answered as SOAP 1.1 with an Upgrade header."""

    def __init__(self, namespace: str) -> None:
        super().__init__(
            FaultCode.VERSION_MISMATCH,
            f"Possible SOAP version mismatch: Envelope namespace {namespace} was unexpected. "
            "Expecting http://schemas.xmlsoap.org/soap/envelope/.",
        )
        self.namespace = namespace


class HttpRefusal(Exception):
    """An HTTP request that is not a SOAP message at all: status only, empty body."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def malformed_xml(reason: str) -> HttpRefusal:
    # ASMX answers an XmlException with 400 and no body (SetResponseErrorCode).
    return HttpRefusal(400, reason)


def unsupported_media_type(content_type: str) -> HttpRefusal:
    return HttpRefusal(
        415, f"content type {content_type!r} is neither text/xml nor application/soap+xml"
    )


def too_large(limit: int) -> HttpRefusal:
    return HttpRefusal(413, f"request body larger than {limit} bytes")


def no_valid_action() -> SoapFault:
    return SoapFault(
        FaultCode.CLIENT,
        "Unable to handle request without a valid action parameter. "
        "Please supply a valid soap action.",
    )


def unknown_soap_action(action: str) -> SoapFault:
    """SOAP 1.1: the SOAPAction header names no operation and the body element is unknown."""
    return SoapFault(
        FaultCode.CLIENT, f"Server did not recognize the value of HTTP Header SOAPAction: {action}."
    )


def unknown_action(action: str) -> SoapFault:
    """SOAP 1.2: the Content-Type `action` names no operation and the body element is unknown."""
    return SoapFault(
        FaultCode.CLIENT, f"Unable to handle request. The action '{action}' was not recognized."
    )


def unrecognized_request_element(local_name: str, namespace: str) -> SoapFault:
    return SoapFault(
        FaultCode.CLIENT,
        f"The request element <{local_name} xmlns='{namespace}'> was not recognized.",
    )


def unreadable(reason: str) -> SoapFault:
    """The envelope parsed but its content cannot be read (XmlSerializer's wording)."""
    return SoapFault(FaultCode.CLIENT, f"Server was unable to read request. ---> {reason}")


def not_understood(header: str) -> SoapFault:
    return SoapFault(FaultCode.MUST_UNDERSTAND, f"SOAP header {header} was not understood.")


def server_error() -> SoapFault:
    # ASMX with customErrors on adds " ---> <message>"; we never show the exception.
    return SoapFault(FaultCode.SERVER, "Server was unable to process request.")
