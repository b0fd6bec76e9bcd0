"""Every served `?wsdl` / `?WSDL` is structurally the reference WSDL of the variant its path serves.

A client generated from the served document must be the client generated from the original
eCollect WSDL: same schema components (child order, type, minOccurs, maxOccurs, nillable), same
messages, portType, SOAP 1.1 and 1.2 bindings (soapAction, style, use), service and port names.
Only the address differs, and it must lead back to the tested host and path.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from contract_tests.variants import TNS, Endpoint
from contract_tests.wsdl_model import WsdlModel, differences, parse_wsdl, report

QUERIES = ("wsdl", "WSDL")


@cache
def reference(path: Path) -> WsdlModel:
    return parse_wsdl(path.read_bytes())


@pytest.fixture(scope="session")
def fetch_wsdl(base_url: str, http: requests.Session) -> Callable[[Endpoint, str], bytes]:
    cache: dict[str, requests.Response] = {}

    def fetch(endpoint: Endpoint, query: str) -> bytes:
        url = f"{endpoint.url(base_url)}?{query}"
        if url not in cache:
            cache[url] = http.get(url, timeout=30)
        response = cache[url]
        assert response.status_code == 200, f"GET {url}: HTTP {response.status_code}"
        content_type = response.headers.get("Content-Type", "")
        assert "xml" in content_type, f"GET {url}: Content-Type {content_type!r}, not XML"
        return response.content

    return fetch


@pytest.fixture(params=QUERIES)
def served(
    request: pytest.FixtureRequest,
    wsdl_endpoint: Endpoint,
    fetch_wsdl: Callable[[Endpoint, str], bytes],
) -> WsdlModel:
    return parse_wsdl(fetch_wsdl(wsdl_endpoint, request.param))


def test_wsdl_declares_the_service_namespace(served: WsdlModel) -> None:
    assert served.target_namespace == TNS


def test_schema_matches_reference(wsdl_endpoint: Endpoint, served: WsdlModel) -> None:
    expected = reference(wsdl_endpoint.variant.reference_path).schema
    problems = differences(expected, served.schema)
    title = f"{wsdl_endpoint.path} types vs {wsdl_endpoint.variant.reference_file}"
    assert not problems, report(title, problems)


def test_messages_match_reference(wsdl_endpoint: Endpoint, served: WsdlModel) -> None:
    expected = reference(wsdl_endpoint.variant.reference_path).messages
    problems = differences(expected, served.messages)
    assert not problems, report(f"{wsdl_endpoint.path} messages", problems)


def test_port_type_matches_reference(wsdl_endpoint: Endpoint, served: WsdlModel) -> None:
    expected = reference(wsdl_endpoint.variant.reference_path).port_types
    problems = differences(expected, served.port_types)
    assert not problems, report(f"{wsdl_endpoint.path} portType", problems)


def test_soap11_and_soap12_bindings_match_reference(
    wsdl_endpoint: Endpoint, served: WsdlModel
) -> None:
    expected = reference(wsdl_endpoint.variant.reference_path).bindings
    problems = differences(expected, served.bindings)
    assert not problems, report(f"{wsdl_endpoint.path} bindings", problems)


def test_service_and_port_names_match_reference(wsdl_endpoint: Endpoint, served: WsdlModel) -> None:
    expected = reference(wsdl_endpoint.variant.reference_path).services
    problems = differences(expected, served.services)
    assert not problems, report(f"{wsdl_endpoint.path} service", problems)


def test_every_port_address_is_the_tested_endpoint(
    wsdl_endpoint: Endpoint, served: WsdlModel, base_url: str
) -> None:
    """soap:address and soap12:address: absolute, on the tested host, at the requested path."""
    tested = urlsplit(base_url)
    kinds = sorted(kind for _, kind, _ in served.addresses)
    assert kinds == ["soap", "soap12"], f"port addresses found: {served.addresses}"
    for port, _kind, location in served.addresses:
        where = urlsplit(location)
        assert where.scheme in {"http", "https"} and where.netloc, (
            f"port {port}: address {location!r} is not an absolute URL"
        )
        assert where.netloc.lower() == tested.netloc.lower(), (
            f"port {port}: address {location!r} is not on the tested host {tested.netloc}"
        )
        assert where.path.lower() == wsdl_endpoint.path.lower(), (
            f"port {port}: address {location!r} does not lead back to {wsdl_endpoint.path}"
        )
