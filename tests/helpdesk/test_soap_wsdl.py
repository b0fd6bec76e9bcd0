"""`wsdl/MesaDeAyuda.wsdl`: ASMX-shaped, in agreement with the Spyne models, served with the
address the client called."""

from __future__ import annotations

from lxml import etree
from werkzeug.test import Client

from gateway.helpdesk.soap.endpoint import CONTRACT
from gateway.soap.documents import PLACEHOLDER
from tests.helpdesk.soap_double import NS, PATH, RecordingHelpdesk, helpdesk_app
from tests.soap.support import REPO_WSDL
from tests.soap.wsdl_models import WSDL, assert_models_match_wsdl

SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
OPERATIONS = [
    "registerCustomer", "completeRegistration", "requestPasswordReset", "resetPassword",
    "login", "logout", "getCatalog", "createRequest", "getRequest", "getAttachment",
    "listRequests", "addComment", "shareRequest", "setNotifications",
    "getAvailableTransitions", "transitionRequest", "setPriority", "answerSurvey",
    "getSlaStatus", "getHistory",
]  # fmt: skip


def document() -> etree._Element:
    return etree.parse(str(REPO_WSDL / CONTRACT.wsdl_file)).getroot()


def test_the_spyne_models_are_the_wsdl():
    assert_models_match_wsdl(CONTRACT)


def test_asmx_names_service_ports_bindings_and_actions():
    root = document()
    assert root.get("targetNamespace") == NS
    (port_type,) = root.findall(f"{{{WSDL}}}portType")
    assert port_type.get("name") == "MesaDeAyudaSoap"
    assert [op.get("name") for op in port_type] == OPERATIONS
    bindings = root.findall(f"{{{WSDL}}}binding")
    assert [(b.get("name"), b.get("type")) for b in bindings] == [
        ("MesaDeAyudaSoap", "tns:MesaDeAyudaSoap"),
        ("MesaDeAyudaSoap12", "tns:MesaDeAyudaSoap"),  # one portType, as ASMX
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
    assert service.get("name") == "MesaDeAyuda"
    assert [p.get("name") for p in service] == ["MesaDeAyudaSoap", "MesaDeAyudaSoap12"]
    messages = [m.get("name") for m in root.findall(f"{{{WSDL}}}message")]
    assert messages == [f"{op}{d}" for op in OPERATIONS for d in ("SoapIn", "SoapOut")]


def test_served_wsdl_is_the_file_with_the_address_filled_in(tmp_path):
    app = helpdesk_app(tmp_path / "g.sqlite3", RecordingHelpdesk())
    try:
        path = "/HelpDesk/WebService/MesaDeAyuda.asmx"
        response = Client(app).get(path, query_string="wsdl", base_url="http://gateway.test")
        template = (REPO_WSDL / CONTRACT.wsdl_file).read_bytes()
        assert template.count(PLACEHOLDER) == 2
        assert response.get_data() == template.replace(
            PLACEHOLDER, f"http://gateway.test{path}".encode()
        )
        assert PATH.lower() == path.lower()
    finally:
        app.container.close()
