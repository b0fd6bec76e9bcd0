"""The served caja WSDL is, structurally, the contract this suite ships (the bank's proxy was
generated from it), at every spelling of the path; both port addresses lead back to the tested
URL."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from contract_tests.caja.client import TNS, WSDL
from contract_tests.checks import assert_serves_shipped_wsdl


@pytest.mark.parametrize("spelling", ["as-documented", "lower-case", "upper-case"])
@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_the_served_wsdl_is_the_shipped_contract(
    base_url: str, caja_url: str, spelling: str, query: str
) -> None:
    path = urlsplit(caja_url).path
    path = {"as-documented": path, "lower-case": path.lower(), "upper-case": path.upper()}[spelling]
    assert_serves_shipped_wsdl(base_url, path, query, WSDL, TNS)
