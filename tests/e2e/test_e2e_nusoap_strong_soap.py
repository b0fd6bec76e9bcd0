"""nusoap (PHP) and strong-soap (node) against the live gunicorn gateway: create -> OK -> get.

* nusoap 0.9.5 is Debian's `libnusoap-php`, copied once per session into a temporary directory
  and patched for PHP 8 there (`php/nusoap_patch.sh`: PHP4 constructors -> `__construct`); the
  system copy is never touched. `php/nusoap_call.php` drives it in the three styles merchants
  use (research notes, ecollect-contract.md 4.4-4.6): WSDL mode with PHP arrays and nusoap's
  default ISO-8859-1, WSDL mode with a hand-written raw XML body, and `send()` of a complete
  SoapUI-style envelope. Against v2 at `app_express` (the university's host) and v3 schema A.
* strong-soap 5.0.10 (the newest release for Node 20) calls on the port it picks by itself: the
  SOAP 1.2 one, `application/soap+xml` with no `action=` parameter (soap-interop.md 2.7).

The assertions are on what the clients read back: what merchant code relies on.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.e2e.conftest import ClientTool

HERE = Path(__file__).resolve().parent
NUSOAP_SYSTEM_DIR = Path("/usr/share/php/nusoap")
NUSOAP_PATCH = HERE / "php" / "nusoap_patch.sh"
NUSOAP_SCRIPT = HERE / "php" / "nusoap_call.php"
STRONG_SOAP_SCRIPT = HERE / "node" / "strong_soap_call.js"
STRONG_SOAP_MANIFEST = HERE / "node" / "node_modules" / "strong-soap" / "package.json"

ENTITY = "10001"
OPEN_SERVICE = "1001"
SANDBOX_BANK = "BANCO UNION COLOMBIANO"
ACCENTED = "Peña Núñez"
TNS = "http://www.avisortech.com/eCollectWebservices"
SOAP_ACTION = f'"{TNS}/'

#: (id, path prefix, version, xs type of BankProcessDate)
NUSOAP_ENDPOINTS = [("v2", "app_express", 2, "date"), ("v3A", "p_express", 3, "date")]
STRONG_SOAP_ENDPOINTS = [*NUSOAP_ENDPOINTS, ("v3B", "app_express", 3, "dateTime")]
DATE_FORMS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "dateTime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
}

Flow = Callable[..., tuple[dict[str, Any], dict[str, Any]]]


# --------------------------------------------------------------------------- tools


def _nusoap_problem() -> str | None:
    if not shutil.which("php"):
        return "php is not installed (apt-get install php-cli php-xml libnusoap-php)"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    if "xml" not in modules.split():
        return "PHP has no xml extension, which nusoap needs (apt-get install php-xml)"
    if not (NUSOAP_SYSTEM_DIR / "nusoap.php").exists():
        return f"no {NUSOAP_SYSTEM_DIR}/nusoap.php (apt-get install libnusoap-php)"
    return None


def _strong_soap_problem() -> str | None:
    if not shutil.which("node"):
        return "node is not installed"
    if not STRONG_SOAP_MANIFEST.exists():
        return "the npm package strong-soap is not installed (npm ci in tests/e2e/node)"
    return None


@pytest.fixture(scope="session")
def nusoap(tmp_path_factory: pytest.TempPathFactory) -> ClientTool:
    """nusoap_call.php on a PHP-8-patched copy of Debian's nusoap (patched once per worker)."""
    problem = _nusoap_problem()
    if problem is not None:
        return ClientTool("nusoap", ("php", str(NUSOAP_SCRIPT)), lambda: problem)
    copy = tmp_path_factory.mktemp("nusoap")
    done = subprocess.run(
        ["bash", str(NUSOAP_PATCH), str(copy), str(NUSOAP_SYSTEM_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"nusoap_patch.sh failed:\n{done.stdout}\n{done.stderr}")
    return ClientTool("nusoap", ("php", str(NUSOAP_SCRIPT), str(copy)), lambda: None)


STRONG_SOAP = ClientTool("strong-soap", ("node", str(STRONG_SOAP_SCRIPT)), _strong_soap_problem)


# --------------------------------------------------------------------------- helpers


def wsdl_url(base_url: str, prefix: str, version: int) -> str:
    return f"{base_url}/{prefix}/webservice/eCollectWebservicesv{version}.asmx?wsdl"


def payer_id() -> str:
    return str(random.randrange(10**9, 10**10))


def merchant_references(first: str | None = None) -> list[str]:
    """As the demo service 1001 takes them: [0] customer id, [1] text (a name with accents),
    [2] e-mail, then an extra reference (an order id) that is stored and echoed as sent."""
    return [first or payer_id(), ACCENTED, "payer@example.com", f"ORD-{uuid.uuid4().hex[:10]}"]


def bogota_today() -> str:
    return datetime.now(ZoneInfo("America/Bogota")).date().isoformat()


def fucs_request(references: list[str]) -> dict[str, Any]:
    """The nusoap array merchant (4.4): URLResponse, Sign and SignFields sent empty."""
    return {
        "EntityCode": ENTITY,
        "SrvCode": OPEN_SERVICE,
        "TransValue": "150000",
        "TransVatValue": "0",
        "SrvCurrency": "COP",
        "URLResponse": "",
        "URLRedirect": "https://merchant.example/return",
        "Sign": "",
        "SignFields": "",
        "ReferenceArray": references,
    }


def stored_references(http: requests.Session, base_url: str, prefix: str, ticket: str) -> list[str]:
    """The references the gateway holds, read with a plain UTF-8 SOAP 1.1 request."""
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<getTransactionInformation xmlns="{TNS}"><request>'
        f"<EntityCode>{ENTITY}</EntityCode><TicketId>{ticket}</TicketId>"
        "</request></getTransactionInformation></soap:Body></soap:Envelope>"
    )
    response = http.post(
        wsdl_url(base_url, prefix, 2 if prefix == "app_express" else 3).split("?")[0],
        data=envelope.encode("utf-8"),
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{TNS}/getTransactionInformation"',
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    return [element.text or "" for element in root.iter(f"{{{TNS}}}ReferenceArray")]


@pytest.fixture
def flow(base_url: str, http: requests.Session) -> Flow:
    """create with one client style, force the sandbox outcome OK, get with another."""

    def run(
        tool: ClientTool,
        wsdl: str,
        request: dict[str, Any],
        create_extra: tuple[str, ...] = (),
        get_extra: tuple[str, ...] = (),
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        created = tool.call(wsdl, "createTransactionPayment", request, *create_extra)
        result = created["result"]
        assert result["ReturnCode"] == "SUCCESS", created
        assert re.fullmatch(r"\d+", str(result["TicketId"])), created
        url = urlsplit(result["eCollectUrl"])
        assert url.scheme in {"http", "https"} and url.netloc, created

        ticket = str(result["TicketId"])
        outcome = http.post(
            f"{base_url}/sandbox/transactions/{ticket}/outcome",
            data={"TranState": "OK"},
            timeout=30,
        )
        assert outcome.status_code == 200, f"sandbox control: {outcome.status_code} {outcome.text}"
        request = {"EntityCode": ENTITY, "TicketId": ticket}
        info = tool.call(wsdl, "getTransactionInformation", request, *get_extra)
        return created, info

    return run


def assert_paid(
    created: dict[str, Any], info: dict[str, Any], date_type: str, bank_date: str, day_before: str
) -> None:
    """What merchant code reads after an approved payment."""
    result = info["result"]
    assert result["ReturnCode"] == "SUCCESS", info
    assert str(result["TicketId"]) == str(created["result"]["TicketId"]), info
    assert result["TranState"] == "OK", info
    assert result["TrazabilityCode"], f"TrazabilityCode is empty after an approved payment: {info}"
    assert DATE_FORMS[date_type].fullmatch(bank_date), (
        f"BankProcessDate {bank_date!r} is not the xs:{date_type} form"
    )
    assert bank_date[:10] in {day_before, bogota_today()}, (
        f"BankProcessDate {bank_date} is not today in America/Bogota"
    )
    assert result["BankName"] == SANDBOX_BANK, info


def assert_nusoap_wire_defaults(output: dict[str, Any]) -> None:
    """nusoap's defaults went over the wire: SOAP 1.1, ISO-8859-1, quoted SOAPAction."""
    assert output["soap_defencoding"] == "ISO-8859-1", output
    assert output["request_content_type"] == "text/xml; charset=ISO-8859-1", output
    assert str(output["request_soap_action"]).startswith(SOAP_ACTION), output


ids = [e[0] for e in NUSOAP_ENDPOINTS]


# --------------------------------------------------------------------------- nusoap


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(("variant", "prefix", "version", "date_type"), NUSOAP_ENDPOINTS, ids=ids)
def test_nusoap_arrays_iso_8859_1_pays_and_reads_back(
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    nusoap: ClientTool,
    flow: Flow,
    base_url: str,
    http: requests.Session,
    record_property: Callable[[str, object], None],
) -> None:
    """4.4: call($op, ['request' => [...]]) with nusoap's defaults; the accented reference
    crosses as ISO-8859-1 bytes in a body declared ISO-8859-1, and comes back intact."""
    day_before = bogota_today()
    references = merchant_references()
    wsdl = wsdl_url(base_url, prefix, version)
    created, info = flow(nusoap, wsdl, fucs_request(references), ("array",), ("array",))
    record_property("client", info["client"])

    for output in (created, info):
        assert_nusoap_wire_defaults(output)
        assert output["request_xml_declaration"] == '<?xml version="1.0" encoding="ISO-8859-1"?>'
    assert created["request_has_latin1_bytes"], "the accented reference was not sent as Latin-1"
    assert f"<ReferenceArray>{ACCENTED}</ReferenceArray>" in created["request_body"]
    assert "<URLResponse></URLResponse>" in created["request_body"]
    assert "<Sign></Sign><SignFields></SignFields>" in created["request_body"]

    assert list(info["result_keys"]) == ["getTransactionInformationResult"], info
    assert_paid(created, info, date_type, info["result"]["BankProcessDate"], day_before)
    assert info["result"]["ReferenceArray"] == references
    # ... and the gateway decoded them as ISO-8859-1: a UTF-8 client reads the same characters
    ticket = str(created["result"]["TicketId"])
    assert stored_references(http, base_url, prefix, ticket) == references


RAW_XML_ENDPOINTS = [
    pytest.param(*NUSOAP_ENDPOINTS[0], id="v2"),
    # v3 reads the university's PaymentSystem=0 with an empty FICode (v2 ignores both): a PSE
    # payment whose payer would pick the bank on the page; the sandbox bank answers for it.
    pytest.param(*NUSOAP_ENDPOINTS[1], id="v3A"),
]


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(("variant", "prefix", "version", "date_type"), RAW_XML_ENDPOINTS)
def test_nusoap_raw_xml_create_pays_and_reads_back(
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    nusoap: ClientTool,
    flow: Flow,
    base_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    """4.5: call('createTransactionPayment', $xmlString, '', '', false, false) with the
    university's quirks; the references are echoed exactly, trailing space included."""
    day_before = bogota_today()
    references = merchant_references(f"{payer_id()} ")[:3]  # the university sends three
    wsdl = wsdl_url(base_url, prefix, version)
    created, info = flow(nusoap, wsdl, fucs_request(references), ("xml",), ("array",))
    record_property("client", info["client"])

    body = created["request_body"]
    assert_nusoap_wire_defaults(created)
    assert created["request_xml_declaration"] == '<?xml version="1.0" encoding="ISO-8859-1"?>'
    for quirk in (
        f"<createTransactionPayment xmlns='{TNS}'><request >",
        "<PaymentDesc>",
        " </TransValue>",
        "<UserType>0</UserType>",
        f"<ReferenceArray>{references[0]}</ReferenceArray>",
        "<PaymentSystem>0</PaymentSystem>",
        "<URLResponse ></URLResponse>",
        "<FICode/>",
    ):
        assert quirk in body, f"{quirk!r} is not in what nusoap sent:\n{body}"

    assert info["result"]["ReferenceArray"] == references
    assert_paid(created, info, date_type, info["result"]["BankProcessDate"], day_before)


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(("variant", "prefix", "version", "date_type"), NUSOAP_ENDPOINTS, ids=ids)
def test_nusoap_send_soapui_envelope_reads_back(
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    nusoap: ClientTool,
    flow: Flow,
    base_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    """4.6: send() of a hand-written soapenv envelope (empty Header, `<!--Optional:-->`
    comments, no XML declaration, ISO-8859-1 Content-Type). One reference: nusoap hands a
    lone repeated element back as a scalar."""
    day_before = bogota_today()
    references = [payer_id()]
    wsdl = wsdl_url(base_url, prefix, version)
    created, info = flow(nusoap, wsdl, fucs_request(references), ("array",), ("send",))
    record_property("client", info["client"])

    body = info["request_body"]
    assert_nusoap_wire_defaults(info)
    assert info["request_soap_action"] == f'"{TNS}/getTransactionInformation"'
    assert info["request_xml_declaration"] is None, body
    assert body.startswith("<soapenv:Envelope ") and "<soapenv:Header/>" in body, body
    assert "<!--Optional:-->" in body, body

    assert list(info["result_keys"]) == ["getTransactionInformationResult"], info
    assert_paid(created, info, date_type, info["result"]["BankProcessDate"], day_before)
    assert info["result"]["ReferenceArray"] == references[0]


# --------------------------------------------------------------------------- strong-soap


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(
    ("variant", "prefix", "version", "date_type"),
    STRONG_SOAP_ENDPOINTS,
    ids=[e[0] for e in STRONG_SOAP_ENDPOINTS],
)
def test_strong_soap_default_port_pays_and_reads_back(
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    flow: Flow,
    base_url: str,
    record_property: Callable[[str, object], None],
) -> None:
    """strong-soap's default port is SOAP 1.2, with no action parameter and no SOAPAction:
    the gateway routes by the body element and answers in SOAP 1.2."""
    day_before = bogota_today()
    references = merchant_references()
    request = {**fucs_request(references), "URLResponse": "https://merchant.example/notify"}
    created, info = flow(STRONG_SOAP, wsdl_url(base_url, prefix, version), request)
    record_property("client", info["client"])

    for output in (created, info):
        content_type = output["request_content_type"]
        assert content_type.startswith("application/soap+xml"), output
        assert "action=" not in content_type, output
        assert output["request_soap_action"] is None, output
        assert output["request_envelope_ns"] == "http://www.w3.org/2003/05/soap-envelope"
        assert output["response_content_type"].startswith("application/soap+xml"), output

    assert_paid(created, info, date_type, info["wire"]["BankProcessDate"], day_before)
    assert info["types"]["BankProcessDate"] == "Date", info
    assert info["result"]["ReferenceArray"] == references
