"""Real SOAP clients against the live gunicorn gateway: create -> sandbox outcome OK -> get.

Each client reads the WSDL the gateway serves, as deployed integrations do, and prints what it
read; the assertions are on that output: what merchant code would see.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

CLIENT_NAMES = ("zeep", "php-soap", "node-soap", "suds")
ENTITY = "10001"
OPEN_SERVICE = "1001"

#: (id, path prefix, version, xs type of BankProcessDate)
ENDPOINTS = [
    ("v2", "app_express", 2, "date"),
    ("v3A", "p_express", 3, "date"),
    ("v3B", "app_express", 3, "dateTime"),
]
DATE_FORMS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "dateTime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
}
#: the type each typed client gives BankProcessDate, per xs type
TYPED = {
    "zeep": {"date": "date", "dateTime": "datetime"},
    "suds": {"date": "date", "dateTime": "datetime"},
    "node-soap": {"date": "Date", "dateTime": "Date"},
}


def wsdl_url(base_url: str, prefix: str, version: int) -> str:
    return f"{base_url}/{prefix}/webservice/eCollectWebservicesv{version}.asmx?wsdl"


def create_request(references: list[str]) -> dict[str, Any]:
    """Schema order, as generated clients send it."""
    return {
        "EntityCode": ENTITY,
        "SrvCode": OPEN_SERVICE,
        "TransValue": "150000",
        "TransVatValue": "0",
        "SrvCurrency": "COP",
        "URLResponse": "https://merchant.example/notify",
        "URLRedirect": "https://merchant.example/return",
        "ReferenceArray": references,
    }


def payer_id() -> str:
    return str(random.randrange(10**9, 10**10))


def bogota_today() -> str:
    return datetime.now(ZoneInfo("America/Bogota")).date().isoformat()


def as_list(value: Any) -> list[Any]:
    """node-soap and suds hand back a lone repeated element as a scalar."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def force_ok(http: requests.Session, base_url: str, ticket: str) -> None:
    response = http.post(
        f"{base_url}/sandbox/transactions/{ticket}/outcome", data={"TranState": "OK"}, timeout=30
    )
    assert response.status_code == 200, f"sandbox control: {response.status_code} {response.text}"


def bank_date_text(name: str, output: dict[str, Any]) -> str:
    """BankProcessDate as it crossed the wire (node-soap and typed clients convert it)."""
    if name == "node-soap":
        return str(output["wire"]["BankProcessDate"])
    return str(output["result"]["BankProcessDate"])


@pytest.fixture
def flow(
    client_tools: dict[str, Any], base_url: str, http: requests.Session
) -> Callable[..., tuple[dict[str, Any], dict[str, Any], list[str]]]:
    """Run create, force OK, run get with one client; returns both outputs and the references."""

    def run(
        name: str, prefix: str, version: int, *extra: str, references: list[str] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        tool = client_tools[name]
        wsdl = wsdl_url(base_url, prefix, version)
        refs = references or [payer_id(), f"ORD-{uuid.uuid4().hex[:10]}", "payer@example.com"]
        created = tool.call(wsdl, "createTransactionPayment", create_request(refs), *extra)
        result = created["result"]
        assert result["ReturnCode"] == "SUCCESS", created
        assert re.fullmatch(r"\d+", str(result["TicketId"])), created
        url = urlsplit(result["eCollectUrl"])
        assert url.scheme in {"http", "https"} and url.netloc, created

        force_ok(http, base_url, str(result["TicketId"]))
        request = {"EntityCode": ENTITY, "TicketId": str(result["TicketId"])}
        info = tool.call(wsdl, "getTransactionInformation", request, *extra)
        return created, info, refs

    return run


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(
    ("variant", "prefix", "version", "date_type"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_client_pays_and_reads_back(
    name: str,
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    flow: Callable[..., tuple[dict[str, Any], dict[str, Any], list[str]]],
    record_property: Callable[[str, object], None],
) -> None:
    day_before = bogota_today()
    created, info, references = flow(name, prefix, version)
    record_property("client", info["client"])

    result = info["result"]
    assert result["ReturnCode"] == "SUCCESS", info
    assert str(result["TicketId"]) == str(created["result"]["TicketId"])
    assert result["TranState"] == "OK"
    assert result["TrazabilityCode"], "TrazabilityCode is empty after an approved payment"
    assert [str(r) for r in as_list(result["ReferenceArray"])] == references
    bank_date = bank_date_text(name, info)
    assert DATE_FORMS[date_type].fullmatch(bank_date), (
        f"{variant}: BankProcessDate {bank_date!r} is not the xs:{date_type} form"
    )
    assert bank_date[:10] in {day_before, bogota_today()}, (
        f"BankProcessDate {bank_date} is not today in America/Bogota"
    )
    if name in TYPED:
        assert info["types"]["BankProcessDate"] == TYPED[name][date_type], info["types"]


@pytest.mark.e2e
@pytest.mark.clients
@pytest.mark.parametrize(
    ("variant", "prefix", "version", "date_type"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_php_soap12_pays_and_reads_back(
    variant: str,
    prefix: str,
    version: int,
    date_type: str,
    flow: Callable[..., tuple[dict[str, Any], dict[str, Any], list[str]]],
) -> None:
    created, info, references = flow("php-soap", prefix, version, "--soap12")

    for output in (created, info):
        assert output["request_content_type"].startswith("application/soap+xml"), output
        assert (
            'action="http://www.avisortech.com/eCollectWebservices/'
            in (output["request_content_type"])
        )
    result = info["result"]
    assert result["TranState"] == "OK"
    assert result["ReferenceArray"] == references
    assert DATE_FORMS[date_type].fullmatch(result["BankProcessDate"])


@pytest.mark.e2e
@pytest.mark.clients
def test_php_classmap_maps_replies_onto_generated_classes(
    flow: Callable[..., tuple[dict[str, Any], dict[str, Any], list[str]]],
) -> None:
    """The reply's type names match the classmap keys, so merchant getters work; with
    SOAP_SINGLE_ELEMENT_ARRAYS a single reference still comes back as a list."""
    payer = payer_id()
    created, info, _ = flow("php-soap", "app_express", 2, references=[payer])

    assert created["response_class"] == "createTransactionPaymentResponse"
    assert created["result_class"] == "createTransactionResponseType"
    assert created["request_content_type"].startswith("text/xml")
    assert info["response_class"] == "getTransactionInformationResponse"
    assert info["result_class"] == "getTransactionInformationResponseType"
    assert info["result"]["ReferenceArray"] == [payer]
