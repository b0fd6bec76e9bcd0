"""Helpers of the SOAP adapter tests: posting envelopes, reading answers, zeep without network.

Everything here looks at the gateway the way a client does: raw bytes in, status, headers and
XML out. Envelopes in the styles of real clients live as files in `envelopes/` (with
`${name}` placeholders filled per test) or are built by `envelope()`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import canonicalize

import requests
from lxml import etree
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.web.app import GatewayApp, create_app

NS = "http://www.avisortech.com/eCollectWebservices"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

ENVELOPES = Path(__file__).resolve().parent / "envelopes"
#: The reference WSDLs: ../shared/reference-wsdl beside the repository.
REFERENCE_WSDL = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference-wsdl"
REPO_WSDL = Path(__file__).resolve().parents[2] / "wsdl"

#: The host name the tests call the gateway by; WSDL addresses must echo it.
HOST = "gateway.test"

ENTITY = "10001"
OPEN_SERVICE = "1001"
FIXED_SERVICE = "1002"


def action(operation: str) -> str:
    return f"{NS}/{operation}"


def asmx(prefix: str = "app_express", version: int = 3) -> str:
    return f"/{prefix}/webservice/eCollectWebservicesv{version}.asmx"


def unique_id() -> str:
    """A fresh identification number, so no two tests share a payer."""
    return str(uuid.uuid4().int)[:10]


def gateway_settings(database: Path, **overrides: Any) -> Settings:
    return Settings(
        database_url=f"sqlite:///{database}",
        public_url=f"http://{HOST}",
        # A prefix that is not a default one, to prove prefixes come from configuration.
        variants={"app_express": "B", "p_express": "A", "d_express": "A", "ecollectexpress": "A"},
        **overrides,
    )


def seeded_app(database: Path, **overrides: Any) -> GatewayApp:
    """`ecollect-gateway db init` + `seed demo` on a SQLite file, then the web app."""
    settings = gateway_settings(database, **overrides)
    init_db(settings)
    seed_demo(settings)
    return create_app(settings)


# -- envelopes ---------------------------------------------------------------------------------


def load_envelope(name: str, **values: str) -> bytes:
    """An envelope file from `envelopes/`, `${placeholders}` filled; bytes kept as stored."""
    raw = (ENVELOPES / name).read_bytes()
    if not values:
        return raw
    encoding = "iso-8859-1" if b'encoding="ISO-8859-1"' in raw[:100] else "utf-8"
    return Template(raw.decode(encoding)).substitute(values).encode(encoding)


@dataclass(frozen=True)
class Style:
    """How one kind of client lays out an envelope."""

    envelope_ns: str = SOAP11
    envelope_prefix: str = "soap"
    #: Prefix of the payload elements; None: a default namespace on the wrapper.
    payload_prefix: str | None = None
    declaration: str = '<?xml version="1.0" encoding="utf-8"?>'
    empty_header: bool = False
    #: Declarations on the Body element (WCF puts xsi/xsd there).
    body_declarations: str = ""


PHP_EXT_SOAP = Style(
    envelope_prefix="SOAP-ENV",
    payload_prefix="ns1",
    declaration='<?xml version="1.0" encoding="UTF-8"?>',
)
WCF = Style(
    envelope_prefix="s", declaration="", body_declarations=f' xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"'
)
JAXWS = Style(envelope_prefix="SOAP-ENV", payload_prefix="ns2", empty_header=True, declaration="")
SOAP12_STYLE = Style(envelope_ns=SOAP12, envelope_prefix="soap")
STRONG_SOAP = Style(
    envelope_ns=SOAP12, envelope_prefix="soap", payload_prefix="ns1", empty_header=True
)

Fields = list[tuple[str, Any]]


def envelope(operation: str, fields: Fields, style: Style = Style(), namespace: str = NS) -> bytes:
    """`<operation><request>fields</request></operation>` in an envelope of `style`.

    A field value is text, None (an empty element) or a list of fields (a nested element).
    `namespace`: the service's (eCollect's unless told).
    """
    p = f"{style.payload_prefix}:" if style.payload_prefix else ""
    ns = namespace
    decl = f' xmlns:{style.payload_prefix}="{ns}"' if style.payload_prefix else f' xmlns="{ns}"'
    e = style.envelope_prefix
    header = f"<{e}:Header/>" if style.empty_header else ""
    return (
        f'{style.declaration}<{e}:Envelope xmlns:{e}="{style.envelope_ns}">{header}'
        f"<{e}:Body{style.body_declarations}><{p}{operation}{decl}><{p}request>"
        f"{_render(fields, p)}</{p}request></{p}{operation}></{e}:Body></{e}:Envelope>"
    ).encode()


def _render(fields: Fields, p: str) -> str:
    out = []
    for name, value in fields:
        if value is None:
            out.append(f"<{p}{name}/>")
        elif isinstance(value, list):
            out.append(f"<{p}{name}>{_render(value, p)}</{p}{name}>")
        else:
            out.append(f"<{p}{name}>{value}</{p}{name}>")
    return "".join(out)


def create_fields(
    *references: str, service: str = OPEN_SERVICE, value: str = "150000", **extra: Any
) -> Fields:
    """A valid createTransactionType in schema order; `extra` appended as given."""
    refs = references or (unique_id(), "ORDER-1", "payer@example.com")
    fields: Fields = [
        ("EntityCode", ENTITY),
        ("SrvCode", service),
        ("TransValue", value),
        ("TransVatValue", "0"),
        ("SrvCurrency", "COP"),
        ("URLRedirect", "https://shop.example.com/back"),
    ]
    fields += [("ReferenceArray", ref) for ref in refs]
    fields += list(extra.items())
    return fields


def info_fields(ticket: str, entity: str = ENTITY) -> Fields:
    return [("EntityCode", entity), ("TicketId", ticket)]


# -- answers -----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @cached_property
    def root(self) -> etree._Element:
        return etree.fromstring(self.body)

    @property
    def payload(self) -> etree._Element:
        """The element inside Body (`<op>Response` or Fault)."""
        (body,) = [child for child in self.root if etree.QName(child).localname == "Body"]
        return body[0]

    @property
    def result(self) -> etree._Element:
        (result,) = self.payload
        return result

    def fields(self) -> list[tuple[str, str | None]]:
        """(local name, text) of the result's children, in wire order; namespace checked."""
        out = []
        for child in self.result:
            qname = etree.QName(child)
            assert qname.namespace == NS, f"{qname} is not qualified in the service namespace"
            out.append((qname.localname, child.text))
        return out

    def field(self, name: str) -> str | None:
        values = [text for local, text in self.fields() if local == name]
        assert len(values) == 1, f"{name}: {values} in {self.fields()}"
        return values[0]

    def all(self, name: str) -> list[str]:
        return [text or "" for local, text in self.fields() if local == name]

    def fault(self) -> tuple[str, str]:
        """(code, reason) of a SOAP 1.1 or 1.2 fault, code as written (prefixed)."""
        fault = self.payload
        assert etree.QName(fault).localname == "Fault"
        if etree.QName(fault).namespace == SOAP11:
            return fault.findtext("faultcode"), fault.findtext("faultstring")
        return (
            fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value"),
            fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text"),
        )


def post(
    client: Client,
    path: str,
    body: bytes,
    *,
    content_type: str | None = "text/xml; charset=utf-8",
    soap_action: str | None = None,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> Answer:
    all_headers = dict(headers or {})
    if soap_action is not None:
        all_headers["SOAPAction"] = soap_action
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    response = client.post(
        path,
        data=body,
        headers=all_headers,
        query_string=query or None,
        base_url=f"http://{HOST}",
    )
    return Answer(response.status_code, dict(response.headers), response.get_data())


def create(client: Client, path: str = asmx(), *references: str, **extra: Any) -> Answer:
    """A successful createTransactionPayment, the way WCF sends it."""
    answer = post(
        client,
        path,
        envelope("createTransactionPayment", create_fields(*references, **extra), WCF),
        soap_action=f'"{action("createTransactionPayment")}"',
    )
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS", answer.body
    return answer


# -- XML comparison ----------------------------------------------------------------------------


def c14n(xml: bytes | str, **options: Any) -> str:
    """C14N 2.0, whitespace-only text dropped, prefixes rewritten (n0, n1, ...), also inside
    QName-valued attributes, so that two documents differing only in prefixes compare equal."""
    text = xml.decode() if isinstance(xml, bytes) else xml
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    return canonicalize(
        text,
        strip_text=True,
        rewrite_prefixes=True,
        qname_aware_attrs=["type", "element", "base", "ref", "message", "binding", "qname"],
        **options,
    )


def assert_xml_equal(left: bytes | str, right: bytes | str) -> None:
    assert c14n(left) == c14n(right)


# -- zeep over WSGI ----------------------------------------------------------------------------


@dataclass
class WSGIAdapter(BaseAdapter):
    """A `requests` transport adapter that hands every request to a WSGI app in process."""

    app: Any
    sent: list[requests.PreparedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self._client = Client(self.app)

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:
        self.sent.append(request)
        url = urlsplit(request.url)
        wsgi = self._client.open(
            path=url.path,
            query_string=url.query or None,
            method=request.method,
            headers=dict(request.headers),
            data=request.body,
            base_url=f"{url.scheme}://{url.netloc}",
        )
        response = requests.Response()
        response.status_code = wsgi.status_code
        response.headers = CaseInsensitiveDict(dict(wsgi.headers))
        response._content = wsgi.get_data()
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
