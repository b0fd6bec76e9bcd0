"""The served helpdesk WSDL is, structurally, the contract this suite ships, at every spelling
of the path; both port addresses lead back to the tested URL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from contract_tests.checks import assert_serves_shipped_wsdl
from contract_tests.helpdesk.client import TNS, WSDL


@pytest.fixture(scope="module", params=["as-documented", "lower-case"])
def served_path(request: pytest.FixtureRequest, helpdesk_url: str) -> str:
    path = urlsplit(helpdesk_url).path
    return path if request.param == "as-documented" else path.lower()


@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_the_served_wsdl_is_the_shipped_contract(
    base_url: str, served_path: str, query: str
) -> None:
    assert_serves_shipped_wsdl(base_url, served_path, query, WSDL, TNS)
