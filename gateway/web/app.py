"""The WSGI shell that mounts every face of the gateway (Werkzeug).

    /<prefix>/webservice/eCollectWebservicesv{2,3,4}.asmx   the eCollect SOAP services
    /helpdesk/webservice/MesaDeAyuda.asmx                  the helpdesk SOAP service (when
                                                           the container has a helpdesk)
    /cajabancos/webservice/CajaBancos.asmx                 the bank-teller SOAP service (when
                                                           the container has a caja)
    /<prefix>/secure/services.aspx?WsPm=<token>            the payer's pages (eCollectUrl)
    /<prefix>/secure/cupon.pdf?WsPm=<token>                a cash payment's coupon (PDF)
    /sandbox/...                                           sandbox bank page and QA control
    /helpdesk/registro?token=…                             helpdesk: complete the sign-up
    /helpdesk/registro/enlace                              helpdesk: send a new sign-up link
    /helpdesk/restablecer?token=…, /restablecer/enlace     helpdesk: password reset
    /helpdesk/ingresar, /helpdesk/salir                    helpdesk: log in, log out
    /helpdesk/solicitudes/<key>                            helpdesk: a request (tracking page)
    /helpdesk/solicitudes/<key>/comentarios                helpdesk: add a comment
    /helpdesk/solicitudes/<key>/notificaciones             helpdesk: notifications on or off
    /helpdesk/solicitudes/<key>/adjuntos/<id>              helpdesk: download an attachment
    /helpdesk/solicitudes/<key>/encuesta                   helpdesk: the satisfaction survey
    /healthz                                               liveness and database check

Around all of them: the client's origin resolved once (`client`, kept in the environ for every
face), a request id on every log line and response, the request size limit, and a last-resort
handler so that no stack trace ever reaches a client.

A caller's `X-Request-Id` is kept when it is 1 to 64 printable ASCII characters without spaces
(what a proxy or a merchant's tracing writes: uuids, hex, base64); anything else is replaced by
a generated one, so that no caller can push long, multi-line or escape-laden text into every log
line and response header of its request.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterable
from typing import Any

import structlog
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container, build
from gateway.caja.soap.endpoint import caja_service
from gateway.helpdesk.soap.endpoint import helpdesk_service
from gateway.logs import configure_logging
from gateway.settings import Settings
from gateway.soap.asmx import AsmxApp
from gateway.soap.ecollect import ecollect_service
from gateway.web import helpdesk_pages, pages, sandbox
from gateway.web.client import ENVIRON_KEY, ClientResolver

log = structlog.get_logger(__name__)

StartResponse = Any
WSGIEnviron = dict[str, Any]

#: A caller's request id worth keeping: printable ASCII, no spaces, at most 64 characters.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,64}")


def request_id_of(environ: WSGIEnviron) -> str:
    """The caller's X-Request-Id when it is short and printable, else a new one."""
    offered = environ.get("HTTP_X_REQUEST_ID")
    if offered and _REQUEST_ID.fullmatch(offered):
        return str(offered)
    return uuid.uuid4().hex


class GatewayApp:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.settings = container.settings
        settings = container.settings
        #: The SOAP services on the ASMX shell, each answering its own paths.
        self.soap_services = [
            AsmxApp(ecollect_service(container.payments, settings, container.access), settings)
        ]
        if container.helpdesk is not None:  # without one, its path is 404 like any unknown one
            self.soap_services.append(
                AsmxApp(helpdesk_service(container.helpdesk, settings), settings)
            )
        if container.caja is not None:
            self.soap_services.append(AsmxApp(caja_service(container.caja, settings), settings))
        self.clients = ClientResolver(container.settings.trusted_proxies)
        rules = [
            Rule("/healthz", endpoint="health", methods=["GET", "HEAD"]),
            Rule("/<prefix>/secure/services.aspx", endpoint="entry", methods=["GET", "POST"]),
            Rule("/<prefix>/secure/cupon.pdf", endpoint="coupon", methods=["GET", "HEAD"]),
            *helpdesk_pages.rules(),
        ]
        if self.settings.sandbox:
            rules.append(
                Rule(
                    "/sandbox/transactions/<ticket_id>/outcome",
                    endpoint="outcome",
                    methods=["POST"],
                )
            )
            rules.append(Rule("/sandbox/pse/<token>", endpoint="bank", methods=["GET", "POST"]))
        self.urls = Map(rules, strict_slashes=False)

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = request_id_of(environ)
        client = environ[ENVIRON_KEY] = self.clients.resolve(environ)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        answered: list[str] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Request-Id", request_id))
            answered.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self._handle(environ, start)
        finally:
            # One access line per request, on the same request id as everything it logged.
            log.info(
                "request",
                method=environ.get("REQUEST_METHOD"),
                path=environ.get("PATH_INFO"),
                client=client.address,
                status=int(answered[-1][:3]) if answered else None,
                ms=round((time.perf_counter() - started) * 1000, 2),
            )

    def _handle(self, environ: WSGIEnviron, start: StartResponse) -> Iterable[bytes]:
        try:
            soap = self._soap_service(environ.get("PATH_INFO", ""))
            limit = soap.max_request_bytes if soap else self.settings.max_request_bytes
            too_large = self._buffer_body(environ, limit)
            if too_large is not None:
                return too_large(environ, start)
            if soap is not None:
                return soap(environ, start)
            return self._dispatch(Request(environ))(environ, start)
        except Exception:
            log.exception("request.failed", path=environ.get("PATH_INFO"))
            return Response("Internal Server Error", 500, mimetype="text/plain")(environ, start)

    def _soap_service(self, path: str) -> AsmxApp | None:
        for service in self.soap_services:
            if service.route(path) is not None:
                return service
        return None

    def _buffer_body(self, environ: WSGIEnviron, limit: int) -> Response | None:
        """Read the body once, at most `limit` bytes (the SOAP service's own limit on its
        paths, max_request_bytes elsewhere); larger ones are refused unread."""
        length = environ.get("CONTENT_LENGTH") or ""
        if length.strip().isdigit() and int(length) > limit:
            return Response("Request Entity Too Large", 413, mimetype="text/plain")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length.strip().isdigit() and not chunked:
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = "0"
            return None
        to_read = int(length) if length.strip().isdigit() else limit + 1
        body = environ["wsgi.input"].read(to_read)
        if len(body) > limit:
            return Response("Request Entity Too Large", 413, mimetype="text/plain")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None

    def _dispatch(self, request: Request) -> Response:
        adapter = self.urls.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except NotFound:
            return Response("Not Found", 404, mimetype="text/plain")
        except HTTPException as error:
            return Response(error.name, error.code or 400, mimetype="text/plain")
        if endpoint == "health":
            return self._health()
        if endpoint == "entry":
            return pages.entry_page(self.container, request, values["prefix"])
        if endpoint == "coupon":
            return pages.coupon_pdf(self.container, request)
        if endpoint.startswith("helpdesk."):
            return helpdesk_pages.dispatch(self.container, request, endpoint, values)
        if endpoint == "bank":
            return sandbox.bank_page(self.container, request, values["token"])
        return sandbox.force_outcome(self.container, request, values["ticket_id"])

    def _health(self) -> Response:
        try:
            with self.container.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.exception("health.database_unreachable")
            return Response('{"status": "database unreachable"}', 503, mimetype="application/json")
        return Response('{"status": "ok"}', 200, mimetype="application/json")


def create_app(settings: Settings | None = None, container: Container | None = None) -> GatewayApp:
    settings = settings or (container.settings if container else Settings.from_env())
    configure_logging(settings.log_level)
    return GatewayApp(container or build(settings))
