"""Why a message cannot be processed, in the words ASP.NET ASMX uses.

Two kinds of refusal exist (research/soap-interop.md §1.4, §1.6):

    SoapFault       the message arrived but cannot be handled: a SOAP fault of the caller's
                    version, HTTP 500 (rendered by `versions.Soap11` / `versions.Soap12`)
    HttpRefusal     the HTTP request itself is unusable: malformed XML (400), a Content-Type
                    that is no SOAP (415), a body over the limit (413); status only, no body.
                    Or the caller may not use the service at all: a merchant's call from
                    outside its allowed networks (403, IIS's short text, see `forbidden`)

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
    """An HTTP request answered without SOAP: a status and, at most, a short text body.

    `reason` is for the log; `body` (with `content_type`) is what the client reads.
    """

    def __init__(
        self, status: int, reason: str, body: bytes = b"", content_type: str | None = None
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.body = body
        self.content_type = content_type

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type)] if self.content_type else []


def malformed_xml(reason: str) -> HttpRefusal:
    # ASMX answers an XmlException with 400 and no body (SetResponseErrorCode).
    return HttpRefusal(400, reason)


def unsupported_media_type(content_type: str) -> HttpRefusal:
    return HttpRefusal(
        415, f"content type {content_type!r} is neither text/xml nor application/soap+xml"
    )


def too_large(limit: int) -> HttpRefusal:
    return HttpRefusal(413, f"request body larger than {limit} bytes")


#: What IIS answers a client its IP restriction (ipSecurity) turns away, to remote clients
#: (the detailed 403.6 / 403.503 page is only shown on the server itself). The client reads
#: no envelope: to it, the service is not there for this address.
FORBIDDEN_TEXT = b"403 - Forbidden: Access is denied."


def forbidden(entity_code: str, address: str) -> HttpRefusal:
    """A merchant's call from outside its allowed networks (`usecases.access`)."""
    return HttpRefusal(
        403,
        f"entity {entity_code!r} may not be acted for from {address!r}",
        FORBIDDEN_TEXT,
        "text/plain; charset=utf-8",
    )


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
