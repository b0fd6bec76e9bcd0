"""The ASMX-compatible WSGI endpoint: one shell, one instance per SOAP service.

An `AsmxApp` serves one `service.AsmxService` (the eCollect payment services, the helpdesk):

    GET  ?wsdl / ?WSDL        the contract's WSDL, addresses = the URL called
    GET  ?disco               the DISCO document
    GET  (anything else)      a help page
    POST (also to ?wsdl, R2)  a SOAP 1.1 or 1.2 message, told apart by its envelope

A POST goes: Content-Type check (415) -> body read (413, the service's limit) -> hardened
parse (`envelope`, 400 or fault) -> operation by body element (`routing`) -> Spyne reads the
wrapper into the contract's model (`protocol`) -> the service's `invoke` (for the payment
services: the merchant access check, then the contract method) -> Spyne writes the result
into an `<opResponse xmlns="…">` element -> ASMX envelope of the caller's version
(`versions`). Every Spyne Application is built once, here, at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import structlog
from lxml import etree
from spyne import Application

from gateway.settings import Settings
from gateway.soap import faults, versions
from gateway.soap.documents import ServiceDocuments, request_url
from gateway.soap.envelope import parse_envelope
from gateway.soap.faults import HttpRefusal, SoapFault
from gateway.soap.protocol import AsmxXml, UnreadableValue
from gateway.soap.routing import route_operation
from gateway.soap.service import HEADER_ENVIRON_KEY, AsmxService, Contract, Method, Route
from gateway.web.client import client_origin

__all__ = ["AsmxApp"]

log = structlog.get_logger()

StartResponse = Callable[..., Any]
Response = tuple[str, list[tuple[str, str]], bytes]

_SOAP_MEDIA_TYPES = frozenset({"text/xml", "application/soap+xml"})
_STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Request Entity Too Large",
    415: "415 Unsupported Media Type",
    500: "500 Internal Server Error",
}


class _ServedContract:
    """A contract with its Spyne Application, operation table and GET documents."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.namespace = namespace = contract.namespace
        self.app: Application = contract.application()
        self.reader: AsmxXml = self.app.in_protocol
        self.writer: AsmxXml = self.app.out_protocol
        self.methods: dict[str, Method] = {}
        #: body element Clark name -> operation name
        self.operations: dict[str, str] = {}
        for clark, descriptors in self.app.interface.service_method_map.items():
            descriptor = descriptors[0]
            ((result_name, result_type),) = descriptor.out_message._type_info.items()
            method = Method(
                name=descriptor.name,
                function=descriptor.function,
                in_message=descriptor.in_message,
                result_type=result_type,
                result_name=result_name,
                response_open=f'<{descriptor.out_message.get_type_name()} xmlns="{namespace}">',
                response_close=f"</{descriptor.out_message.get_type_name()}>",
            )
            self.methods[method.name] = method
            self.operations[clark] = method.name
            # Compile the read and write plans now rather than on the first call.
            self.reader.prepare_reading(method.in_message)
            self.writer.prepare_writing(result_type, result_name, namespace)
        self.documents = ServiceDocuments(
            contract.name, contract.wsdl_file, list(self.methods), namespace
        )


class AsmxApp:
    """WSGI app of one SOAP service; mount it where `route` matches a path."""

    def __init__(self, service: AsmxService, settings: Settings) -> None:
        self._service = service
        self._settings = settings
        self._invoke = service.invoke
        self._served = {key: _ServedContract(c) for key, c in service.contracts.items()}

    @property
    def name(self) -> str:
        return self._service.name

    @property
    def max_request_bytes(self) -> int:
        """The largest body this service reads; the web shell buffers up to it."""
        return self._service.max_request_bytes

    def route(self, path: str) -> Route | None:
        """What `path` names in this service, or None when it is not one of its paths."""
        return self._service.resolve(path)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self._respond(environ)
        except Exception:
            # A bug in this layer: ASMX's generic words, never the exception or a trace.
            log.exception("soap.internal_error", service=self.name, path=environ.get("PATH_INFO"))
            version = versions.guess(_media_type(environ)[0])
            status, headers, body = _fault_response(version, faults.server_error())
        headers.append(("Content-Length", str(len(body))))
        start_response(_STATUS.get(status, str(status)), headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [body]

    # -- dispatch ------------------------------------------------------------------------------

    def _respond(self, environ: dict[str, Any]) -> Response:
        route = self.route(environ.get("PATH_INFO", ""))
        if route is None:
            return 404, [], b""
        served = self._served[route.contract]
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            return self._post(environ, route, served)
        if method in ("GET", "HEAD"):
            return self._get(environ, served)
        return 405, [("Allow", "GET, HEAD, POST")], b""

    def _get(self, environ: dict[str, Any], served: _ServedContract) -> Response:
        origin = client_origin(environ)
        url = request_url(
            environ,
            self._settings.public_url,
            forwarded_host=origin.forwarded_host,
            forwarded_proto=origin.forwarded_proto,
        )
        keys = _query_keys(environ.get("QUERY_STRING", ""))
        if "wsdl" in keys:
            return 200, [("Content-Type", "text/xml; charset=utf-8")], served.documents.wsdl(url)
        if "disco" in keys:
            return 200, [("Content-Type", "text/xml; charset=utf-8")], served.documents.disco(url)
        return 200, [("Content-Type", "text/html; charset=utf-8")], served.documents.help_page(url)

    def _post(self, environ: dict[str, Any], route: Route, served: _ServedContract) -> Response:
        media_type, params = _media_type(environ)
        version: versions.SoapVersion = versions.guess(media_type)
        try:
            if media_type not in _SOAP_MEDIA_TYPES:
                raise faults.unsupported_media_type(media_type)
            data = self._read_body(environ)
            envelope = parse_envelope(
                data,
                max_depth=self._settings.max_xml_depth,
                max_elements=self._service.max_xml_elements or self._settings.max_xml_elements,
                charset=params.get("charset"),
                understood=self._service.understood_headers,
            )
            version = envelope.version
            body = envelope.body
            action = version.action(environ.get("HTTP_SOAPACTION"), params.get("action"))
            name = route_operation(
                served.operations, body.tag if body is not None else None, action, version
            )
            assert body is not None  # route_operation refuses an empty Body
            environ[HEADER_ENVIRON_KEY] = envelope.header
            payload = self._run(served, served.methods[name], body, route, environ)
        except HttpRefusal as refusal:
            log.info("soap.refused", status=refusal.status, reason=refusal.reason)
            return refusal.status, refusal.headers, refusal.body
        except SoapFault as fault:
            log.info("soap.fault", code=fault.code.value, reason=fault.message)
            if isinstance(fault, faults.VersionMismatch):
                version = versions.SOAP11  # ASMX answers a foreign envelope in SOAP 1.1
            return _fault_response(version, fault)
        return 200, [("Content-Type", version.content_type)], version.envelope(payload)

    def _run(
        self,
        served: _ServedContract,
        method: Method,
        body: etree._Element,
        route: Route,
        environ: dict[str, Any],
    ) -> bytes:
        try:
            message = served.reader.from_element(None, method.in_message, body)
        except UnreadableValue as exc:
            raise faults.unreadable(
                f"There is an error in XML document. ---> <{exc.member}>: {exc.error}"
            ) from None
        request = getattr(message, "request", None) if message is not None else None
        if request is None:
            raise faults.unreadable(
                f"<{method.name} xmlns='{served.namespace}'> carries no <request> element."
            )
        result = self._invoke(method, request, route, environ)
        parts = [method.response_open]
        served.writer.to_parent(
            None, method.result_type, result, parts, served.namespace, method.result_name
        )
        parts.append(method.response_close)
        return "".join(parts).encode("utf-8")

    def _read_body(self, environ: dict[str, Any]) -> bytes:
        limit = self._service.max_request_bytes
        stream = environ.get("wsgi.input")
        length_header = environ.get("CONTENT_LENGTH") or ""
        if length_header.strip():
            try:
                length = int(length_header)
            except ValueError:
                raise faults.malformed_xml("unreadable Content-Length") from None
            if length > limit:
                raise faults.too_large(limit)
            return stream.read(length) if stream is not None and length > 0 else b""
        if stream is None or not environ.get("wsgi.input_terminated"):
            return b""  # no length and no end marker: nothing can be read safely
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise faults.too_large(limit)
        return data


def _fault_response(version: versions.SoapVersion, fault: SoapFault) -> Response:
    return 500, [("Content-Type", version.content_type)], version.fault(fault)


def _media_type(environ: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """`application/soap+xml; charset=utf-8; action="…"` -> media type and parameters."""
    value = environ.get("CONTENT_TYPE") or ""
    media_type, _, rest = value.partition(";")
    params: dict[str, str] = {}
    while rest:
        part, _, rest = _next_parameter(rest)
        key, sep, val = part.partition("=")
        if sep:
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] == '"':
                val = val[1:-1].replace('\\"', '"')
            params[key.strip().lower()] = val
    return media_type.strip().lower(), params


def _next_parameter(text: str) -> tuple[str, str, str]:
    # A quoted value may contain ";" (an action URL could); split outside quotes only.
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return text[:index], ";", text[index + 1 :]
    return text, "", ""


def _query_keys(query: str) -> set[str]:
    """`?wsdl`, `?WSDL`, `?wsdl=` and `?Wsdl&x=1` all name `wsdl` (ASMX compares ignoring case)."""
    if not query:
        return set()
    return {part.partition("=")[0].strip().lower() for part in query.split("&")}
