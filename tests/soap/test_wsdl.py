"""The served WSDLs: structurally the reference ones, addressed at the URL the client called,
and in agreement with the Spyne models that read and write the messages.

"Structurally identical" is the reference README's definition: same schema, messages,
portType, bindings, service and ports; prefixes, whitespace and the address may differ.
Compared here after C14N 2.0 with prefixes rewritten (also inside QName-valued attributes)
and the two `location` values blanked.
"""

from __future__ import annotations

import pytest
from lxml import etree

from gateway.soap.contracts import CONTRACTS
from gateway.soap.documents import PLACEHOLDER
from tests.soap.support import HOST, REFERENCE_WSDL, REPO_WSDL, c14n
from tests.soap.wsdl_models import assert_models_match_wsdl

S = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"

REFERENCE = {
    "v2": "eCollectWebservicesv2.app_express.wsdl",
    "v3_a": "eCollectWebservicesv3.p_express.wsdl",
    "v3_b": "eCollectWebservicesv3.app_express.wsdl",
    "v4": "eCollectWebservicesv4.app_express.wsdl",
}
#: Every configured prefix (tests' settings) and the v3 schema it serves.
PREFIXES = {"app_express": "B", "p_express": "A", "d_express": "A", "ecollectexpress": "A"}
SERVED = [
    (prefix, version, "v2" if version == 2 else "v4" if version == 4 else f"v3_{schema.lower()}")
    for prefix, schema in PREFIXES.items()
    for version in (2, 3, 4)
]


def reference(contract: str) -> bytes:
    path = REFERENCE_WSDL / REFERENCE[contract]
    if not path.exists():
        pytest.skip(
            f"reference WSDLs not found at {REFERENCE_WSDL.resolve()} "
            "(../shared/reference-wsdl beside the repository)"
        )
    return path.read_bytes()


def structure(wsdl: bytes) -> str:
    root = etree.fromstring(wsdl)
    for address in root.iter(f"{{{WSDL_SOAP}}}address", f"{{{WSDL_SOAP12}}}address"):
        address.set("location", "")
    return c14n(etree.tostring(root))


def addresses(wsdl: bytes) -> list[str]:
    root = etree.fromstring(wsdl)
    return [
        a.get("location") for a in root.iter(f"{{{WSDL_SOAP}}}address", f"{{{WSDL_SOAP12}}}address")
    ]


def get_wsdl(client, path: str, query: str = "wsdl", **headers: str):
    response = client.get(path, query_string=query, headers=headers, base_url=f"http://{HOST}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return response.get_data()


# -- fidelity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "version", "contract"), SERVED, ids=[f"{p}-v{v}" for p, v, _ in SERVED]
)
def test_served_wsdl_is_structurally_the_reference(client, prefix, version, contract):
    path = f"/{prefix}/webservice/eCollectWebservicesv{version}.asmx"
    served = get_wsdl(client, path)
    assert structure(served) == structure(reference(contract))
    assert addresses(served) == [f"http://{HOST}{path}"] * 2


@pytest.mark.parametrize("contract", list(CONTRACTS))
def test_served_wsdl_is_the_repository_file_with_the_address_filled_in(client, contract):
    prefix = {"v3_a": "p_express"}.get(contract, "app_express")
    version = int(contract[1])
    path = f"/{prefix}/webservice/eCollectWebservicesv{version}.asmx"
    template = (REPO_WSDL / CONTRACTS[contract].wsdl_file).read_bytes()
    assert template.count(PLACEHOLDER) == 2
    assert get_wsdl(client, path) == template.replace(PLACEHOLDER, f"http://{HOST}{path}".encode())


@pytest.mark.parametrize("contract", list(CONTRACTS))
def test_repository_wsdl_files_are_the_reference_files(contract):
    template = (REPO_WSDL / CONTRACTS[contract].wsdl_file).read_bytes()
    assert structure(template) == structure(reference(contract))


# -- addresses and discovery -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "Wsdl", "wsdl=", "x=1&wsdl"])
def test_wsdl_query_in_any_case(client, query):
    path = "/app_express/webservice/eCollectWebservicesv2.asmx"
    assert addresses(get_wsdl(client, path, query)) == [f"http://{HOST}{path}"] * 2


def test_the_address_keeps_the_path_as_the_client_wrote_it(client):
    path = "/app_Express/webservice/eCollectWebservicesv3.asmx"
    assert addresses(get_wsdl(client, path, "WSDL")) == [f"http://{HOST}{path}"] * 2


def test_proxy_headers_from_a_peer_that_is_no_trusted_proxy_are_ignored(client):
    # The session gateway trusts no proxy (GATEWAY_TRUSTED_PROXIES empty): anyone could send
    # these. Honoured from a trusted proxy: tests/soap/test_access_control.py.
    path = "/p_express/webservice/eCollectWebservicesv3.asmx"
    served = get_wsdl(
        client,
        path,
        **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pagos.example.com, proxy.internal"},
    )
    assert addresses(served) == [f"http://{HOST}{path}"] * 2


def test_the_address_keeps_a_port(client):
    path = "/p_express/webservice/eCollectWebservicesv2.asmx"
    response = client.get(path, query_string="wsdl", base_url="http://gateway.test:8443")
    assert addresses(response.get_data()) == [f"http://gateway.test:8443{path}"] * 2


def test_a_hostile_host_header_does_not_reach_the_document(client):
    path = "/app_express/webservice/eCollectWebservicesv2.asmx"
    served = get_wsdl(client, path, **{"X-Forwarded-Host": 'evil"/><x a="'})
    assert addresses(served) == [f"http://{HOST}{path}"] * 2  # settings.public_url's host


def test_disco_points_at_the_wsdl_and_both_ports(client):
    path = "/app_express/webservice/eCollectWebservicesv4.asmx"
    response = client.get(path, query_string="disco", base_url=f"http://{HOST}")
    assert response.status_code == 200
    root = etree.fromstring(response.get_data())
    url = f"http://{HOST}{path}"
    contract = root.find("{http://schemas.xmlsoap.org/disco/scl/}contractRef")
    assert contract.get("ref") == url + "?wsdl" and contract.get("docRef") == url
    ports = root.findall("{http://schemas.xmlsoap.org/disco/soap/}soap")
    assert [p.get("binding").split(":")[1] for p in ports] == [
        "eCollectWebservicesv4Soap",
        "eCollectWebservicesv4Soap12",
    ]


@pytest.mark.parametrize("query", ["", "op=getBankList"])
def test_a_bare_get_is_a_help_page(client, query):
    response = client.get("/d_express/webservice/eCollectWebservicesv3.asmx", query_string=query)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "processTransactionPayment" in response.text and "?WSDL" in response.text


# -- the Spyne models agree with the WSDL ------------------------------------------------------


@pytest.mark.parametrize("contract", list(CONTRACTS))
def test_spyne_models_have_the_wsdl_elements_order_and_occurrences(contract):
    assert_models_match_wsdl(CONTRACTS[contract])
