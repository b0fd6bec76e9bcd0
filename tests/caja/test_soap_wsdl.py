"""`wsdl/CajaBancos.wsdl`: ASMX-shaped, in agreement with the Spyne models, served with the
address the client called, and shipped byte for byte with the contract suite."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from werkzeug.test import Client

from gateway.caja.soap.endpoint import CONTRACT, PATH
from gateway.soap.documents import PLACEHOLDER
from tests.caja.soap_support import NS, caja_app
from tests.soap.support import REPO_WSDL
from tests.soap.wsdl_models import WSDL, assert_models_match_wsdl

SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
OPERATIONS = [
    "verificarEstado", "consultarCartera", "consultarReferencia", "notificarPago",
    "reversarPago", "conciliar",
]  # fmt: skip
SHIPPED = Path(__file__).resolve().parents[2] / "contract_tests" / "reference_wsdl"


def document() -> etree._Element:
    return etree.parse(str(REPO_WSDL / CONTRACT.wsdl_file)).getroot()


def test_the_spyne_models_are_the_wsdl():
    assert_models_match_wsdl(CONTRACT)


def test_asmx_names_service_ports_bindings_and_actions():
    root = document()
    assert root.get("targetNamespace") == NS
    (port_type,) = root.findall(f"{{{WSDL}}}portType")
    assert port_type.get("name") == "CajaBancosSoap"
    assert [op.get("name") for op in port_type] == OPERATIONS
    bindings = root.findall(f"{{{WSDL}}}binding")
    assert [(b.get("name"), b.get("type")) for b in bindings] == [
        ("CajaBancosSoap", "tns:CajaBancosSoap"),
        ("CajaBancosSoap12", "tns:CajaBancosSoap"),
    ]
    for binding, soap in zip(bindings, (SOAP, SOAP12), strict=True):
        actions = [
            (
                op.find(f"{{{soap}}}operation").get("soapAction"),
                op.find(f"{{{soap}}}operation").get("style"),
            )
            for op in binding.findall(f"{{{WSDL}}}operation")
        ]
        assert actions == [(f"{NS}/{op}", "document") for op in OPERATIONS]
    (service,) = root.findall(f"{{{WSDL}}}service")
    assert service.get("name") == "CajaBancos"
    assert [p.get("name") for p in service.findall(f"{{{WSDL}}}port")] == [
        "CajaBancosSoap",
        "CajaBancosSoap12",
    ]
    messages = [m.get("name") for m in root.findall(f"{{{WSDL}}}message")]
    assert messages == [f"{op}{d}" for op in OPERATIONS for d in ("SoapIn", "SoapOut")]


def test_every_request_starts_with_cabecera_and_every_answer_with_resultado():
    schema = document().find(f"{{{WSDL}}}types/{{http://www.w3.org/2001/XMLSchema}}schema")
    types = {t.get("name"): t for t in schema if t.get("name")}
    for op in OPERATIONS:
        first_in = types[f"{op}Type"].find(".//{http://www.w3.org/2001/XMLSchema}element")
        first_out = types[f"{op}ResponseType"].find(".//{http://www.w3.org/2001/XMLSchema}element")
        assert (first_in.get("name"), first_in.get("type")) == ("cabecera", "tns:Cabecera")
        assert (first_out.get("name"), first_out.get("type")) == ("resultado", "tns:Resultado")


def test_served_wsdl_is_the_file_with_the_address_filled_in(tmp_path):
    with caja_app(tmp_path / "g.sqlite3") as app:
        path = "/CajaBancos/WebService/CajaBancos.asmx"
        response = Client(app).get(path, query_string="wsdl", base_url="http://gateway.test")
        template = (REPO_WSDL / CONTRACT.wsdl_file).read_bytes()
        assert template.count(PLACEHOLDER) == 2
        assert response.get_data() == template.replace(
            PLACEHOLDER, f"http://gateway.test{path}".encode()
        )
        assert PATH.lower() == path.lower()


def test_the_contract_suite_ships_the_same_file():
    assert (SHIPPED / CONTRACT.wsdl_file).read_bytes() == (
        REPO_WSDL / CONTRACT.wsdl_file
    ).read_bytes()
