"""`wsdl/MesaDeAyuda.wsdl`: ASMX-shaped, in agreement with the Spyne models, served with the
address the client called."""

from __future__ import annotations

from lxml import etree
from werkzeug.test import Client

from gateway.helpdesk.soap.endpoint import CONTRACT
from gateway.soap.documents import PLACEHOLDER
from tests.helpdesk.soap_double import NS, PATH, RecordingHelpdesk, helpdesk_app
from tests.soap.support import REPO_WSDL
from tests.soap.wsdl_models import assert_asmx_shape, assert_models_match_wsdl

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
    assert_asmx_shape(document(), "MesaDeAyuda", NS, OPERATIONS)


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
