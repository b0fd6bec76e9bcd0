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
from tests.soap.wsdl_models import WSDL, assert_asmx_shape, assert_models_match_wsdl

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
    assert_asmx_shape(document(), "CajaBancos", NS, OPERATIONS)


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
