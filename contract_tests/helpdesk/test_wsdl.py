"""The served helpdesk WSDL is, structurally, the contract this suite ships, at every spelling
of the path; both port addresses lead back to the tested URL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from contract_tests.helpdesk.client import TNS, WSDL
from contract_tests.wsdl_model import differences, parse_wsdl, report

PARTS = ("schema", "messages", "port_types", "bindings", "services")


@pytest.fixture(scope="module", params=["as-documented", "lower-case"])
def served_path(request: pytest.FixtureRequest, helpdesk_url: str) -> str:
    path = urlsplit(helpdesk_url).path
    return path if request.param == "as-documented" else path.lower()


@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_the_served_wsdl_is_the_shipped_contract(
    base_url: str, served_path: str, query: str
) -> None:
    response = requests.get(f"{base_url}{served_path}?{query}", timeout=30)
    assert response.status_code == 200, f"GET {served_path}?{query}: {response.status_code}"
    assert "xml" in response.headers.get("Content-Type", "")
    served = parse_wsdl(response.content)
    expected = parse_wsdl(WSDL.read_bytes())
    assert served.target_namespace == TNS
    for part in PARTS:
        problems = differences(getattr(expected, part), getattr(served, part))
        assert not problems, report(f"{served_path} {part}", problems)
    tested = urlsplit(base_url)
    assert sorted(kind for _, kind, _ in served.addresses) == ["soap", "soap12"]
    for port, _kind, location in served.addresses:
        where = urlsplit(location)
        assert where.netloc.lower() == tested.netloc.lower(), f"{port}: {location}"
        assert where.path.lower() == served_path.lower(), f"{port}: {location}"
