"""What a GET on an `.asmx` URL answers: `?wsdl`, `?disco` and the help page.

The WSDL is the static file of the contract in `wsdl/` (a copy of the reference, structurally
identical by construction, see the README in ../shared/reference-wsdl), shipped inside the
package as the data package `gateway.wsdl` (setup.py maps it to the top-level folder) and read
with importlib.resources, so a wheel installed anywhere serves it; with both addresses
set to the URL the client used, as ASMX computes it (scheme, host, port and path, no query;
soap-interop §1.2). Spyne's own WSDL is never served: its names and shape differ from ASMX's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape as html_escape
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import quoteattr

__all__ = ["ServiceDocuments", "request_url", "wsdl_files"]

_CHECKOUT = Path(__file__).resolve().parents[2]
#: The top-level `wsdl/` folder of a source checkout.
_SOURCE_WSDL = _CHECKOUT / "wsdl"
#: What `wsdl/*.wsdl` hold in place of both `location` attribute values.
PLACEHOLDER = b"${SERVICE_URL}"

# A Host header is client input that ends up in a document: accept host names, IPv4/IPv6
# literals and a port, nothing else.
_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def wsdl_files() -> Traversable:
    """Where the served WSDLs are: the package `gateway.wsdl` of an installed gateway (a wheel,
    or an editable install, which maps it to the checkout's `wsdl/`); a source checkout whose
    `gateway` is the one running (its folder on sys.path) reads its own `wsdl/` folder, also
    when another checkout is the one installed in the environment (a git worktree)."""
    if (_CHECKOUT / "pyproject.toml").is_file() and _SOURCE_WSDL.is_dir():
        return _SOURCE_WSDL
    try:
        return files("gateway.wsdl")
    except ModuleNotFoundError:
        return _SOURCE_WSDL


def request_url(
    environ: Mapping[str, Any],
    fallback: str,
    *,
    forwarded_host: str | None = None,
    forwarded_proto: str | None = None,
) -> str:
    """The URL the client called, without query.

    `forwarded_host` and `forwarded_proto` are what a trusted proxy reported
    (`gateway.web.client.ClientOrigin`); the X-Forwarded-* headers themselves are never read
    here, since anyone may send them. `fallback` (Settings.public_url) supplies scheme and
    host when the request carries no usable Host (HTTP/1.0 clients, a hostile header).
    """
    scheme = (forwarded_proto or environ.get("wsgi.url_scheme") or "").lower()
    host = forwarded_host or environ.get("HTTP_HOST")
    if not host:
        server, port = environ.get("SERVER_NAME"), str(environ.get("SERVER_PORT", ""))
        if server:
            default_port = {"http": "80", "https": "443"}.get(scheme)
            host = server if not port or port == default_port else f"{server}:{port}"
    base = urlsplit(fallback)
    if scheme not in ("http", "https"):
        scheme = base.scheme or "http"
    if not host or _HOST.fullmatch(host) is None:
        host = base.netloc
    raw_path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # WSGI hands the path over as bytes decoded as Latin-1; re-encode before quoting.
    path = quote(raw_path.encode("latin-1", "replace"), safe=_PATH_SAFE)
    return f"{scheme}://{host}{path}"


class ServiceDocuments:
    """The GET documents of one contract, prepared once; the URL is filled in per request.

    `namespace` is the contract's target namespace (the DISCO bindings are in it)."""

    def __init__(
        self, service_name: str, wsdl_file: str, operations: Sequence[str], namespace: str
    ) -> None:
        template = wsdl_files().joinpath(wsdl_file).read_bytes()
        self._wsdl_parts = template.split(PLACEHOLDER)
        if len(self._wsdl_parts) != 3:
            raise ValueError(f"{wsdl_file}: expected 2 address placeholders {PLACEHOLDER!r}")
        self._service_name = service_name
        self._operations = tuple(operations)
        self._namespace = namespace

    def wsdl(self, url: str) -> bytes:
        # The placeholder sits inside a double-quoted attribute: escape for that context.
        location = quoteattr(url)[1:-1].encode()
        return location.join(self._wsdl_parts)

    def disco(self, url: str) -> bytes:
        """The DISCO document ASMX answers `?disco` with (Mono's disco and svcutil use it)."""
        u = quoteattr(url)
        wsdl_ref = quoteattr(url + "?wsdl")
        name, namespace = self._service_name, self._namespace
        return (
            '<?xml version="1.0" encoding="utf-8"?>\r\n'
            '<discovery xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns="http://schemas.xmlsoap.org/disco/">\r\n'
            f"  <contractRef ref={wsdl_ref} docRef={u} "
            'xmlns="http://schemas.xmlsoap.org/disco/scl/" />\r\n'
            f'  <soap address={u} xmlns:q1="{namespace}" binding="q1:{name}Soap" '
            'xmlns="http://schemas.xmlsoap.org/disco/soap/" />\r\n'
            f'  <soap address={u} xmlns:q2="{namespace}" binding="q2:{name}Soap12" '
            'xmlns="http://schemas.xmlsoap.org/disco/soap/" />\r\n'
            "</discovery>"
        ).encode()

    def help_page(self, url: str) -> bytes:
        """A short HTML page in the spirit of ASMX's Documentation protocol."""
        name = html_escape(self._service_name)
        href = html_escape(url, quote=True)
        items = "".join(
            f'<li><a href="{href}?op={html_escape(op, quote=True)}">{html_escape(op)}</a></li>'
            for op in self._operations
        )
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{name} Web Service</title>"
            f'<link rel="alternate" type="text/xml" href="{href}?disco"/></head>'
            f"<body><h1>{name}</h1>"
            "<p>The following operations are supported. For a formal definition, please "
            f'review the <a href="{href}?WSDL">Service Description</a>.</p>'
            f"<ul>{items}</ul></body></html>"
        ).encode()
