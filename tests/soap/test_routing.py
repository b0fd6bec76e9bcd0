"""Which contract a path serves and which operation a message asks for."""

from __future__ import annotations

import pytest

from gateway.settings import Settings
from gateway.soap import faults
from gateway.soap.faults import SoapFault
from gateway.soap.routing import Endpoint, resolve, route_operation
from gateway.soap.versions import SOAP11, SOAP12

SETTINGS = Settings(variants={"app_express": "B", "p_express": "A", "d_express": "A"})
NS = "http://www.avisortech.com/eCollectWebservices"
OPERATIONS = {
    f"{{{NS}}}getTransactionInformation": "getTransactionInformation",
    f"{{{NS}}}createTransactionPayment": "createTransactionPayment",
}


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/app_express/webservice/eCollectWebservicesv2.asmx", Endpoint("app_express", 2, "v2")),
        ("/p_express/webservice/eCollectWebservicesv2.asmx", Endpoint("p_express", 2, "v2")),
        ("/app_Express/webservice/eCollectWebservicesv3.asmx", Endpoint("app_express", 3, "B")),
        ("/P_Express/webservice/eCollectWebservicesv3.asmx", Endpoint("p_express", 3, "A")),
        ("/d_Express/WEBSERVICE/ECOLLECTWEBSERVICESV3.ASMX", Endpoint("d_express", 3, "A")),
        ("/d_express/webservice/eCollectWebservicesv4.asmx", Endpoint("d_express", 4, "B")),
    ],
)
def test_r12_paths_resolve_case_insensitively_to_the_configured_variant(path, endpoint):
    assert resolve(path, SETTINGS) == endpoint


def test_contract_keys():
    assert [
        Endpoint("x", 2, "v2").contract,
        Endpoint("x", 3, "A").contract,
        Endpoint("x", 3, "B").contract,
        Endpoint("x", 4, "B").contract,
    ] == ["v2", "v3_a", "v3_b", "v4"]


@pytest.mark.parametrize(
    "path",
    [
        "/unknown/webservice/eCollectWebservicesv3.asmx",
        "/app_express/webservice/eCollectWebservicesv5.asmx",
        "/app_express/webservice/eCollectWebservicesv3.asmx/getBankList",
        "/app_express/eCollectWebservicesv3.asmx",
        "/app_express/webservice/eCollectWebservicesv3.asmx.bak",
        "/a/b/webservice/eCollectWebservicesv3.asmx",
        "",
    ],
)
def test_other_paths_are_not_served(path):
    assert resolve(path, SETTINGS) is None


def test_prefixes_and_schemas_come_from_settings():
    settings = Settings(variants={"ecollectexpress": "A", "app_express": "A"})
    assert resolve("/eCollectExpress/webservice/eCollectWebservicesv3.asmx", settings) == Endpoint(
        "ecollectexpress", 3, "A"
    )
    assert resolve("/app_express/webservice/eCollectWebservicesv3.asmx", settings).schema == "A"
    assert resolve("/p_express/webservice/eCollectWebservicesv3.asmx", settings) is None


@pytest.mark.parametrize("version", [SOAP11, SOAP12], ids=["soap11", "soap12"])
def test_r1_without_an_action_or_with_a_known_one_the_body_element_routes(version):
    body = f"{{{NS}}}createTransactionPayment"
    for act in (
        None,
        "",
        f"{NS}/createTransactionPayment",
        # A known action naming another operation: the body element wins (documented choice).
        f"{NS}/getTransactionInformation",
    ):
        assert route_operation(OPERATIONS, body, act, version) == "createTransactionPayment"


@pytest.mark.parametrize(
    "act",
    [
        "urn:whatever",
        f"{NS}/processTransactionPayment",  # an operation, but not of this contract
        f"{NS}/CreateTransactionPayment",  # ASMX looks actions up case-sensitively
        f"{NS}createTransactionPayment",
    ],
)
def test_soap11_an_unknown_soapaction_faults_even_when_the_body_element_is_known(act):
    # ASMX's SOAP 1.1 router looks the SOAPAction header up before it reads the body.
    with pytest.raises(SoapFault) as caught:
        route_operation(OPERATIONS, f"{{{NS}}}createTransactionPayment", act, SOAP11)
    assert caught.value.code is faults.FaultCode.CLIENT
    assert caught.value.message == (
        f"Server did not recognize the value of HTTP Header SOAPAction: {act}."
    )


def test_soap12_an_unknown_action_falls_back_to_the_body_element():
    # ASMX's SOAP 1.2 router tries the action, then the body element.
    body = f"{{{NS}}}createTransactionPayment"
    assert route_operation(OPERATIONS, body, "urn:whatever", SOAP12) == "createTransactionPayment"


@pytest.mark.parametrize(
    ("body", "action", "version", "message"),
    [
        (f"{{{NS}}}nope", None, SOAP11, faults.no_valid_action().message),
        (None, f"{NS}/createTransactionPayment", SOAP11, faults.no_valid_action().message),
        (f"{{{NS}}}nope", "urn:x", SOAP11, faults.unknown_soap_action("urn:x").message),
        (f"{{{NS}}}nope", "urn:x", SOAP12, faults.unknown_action("urn:x").message),
        (
            f"{{{NS}}}nope",
            f"{NS}/createTransactionPayment",
            SOAP12,
            f"The request element <nope xmlns='{NS}'> was not recognized.",
        ),
    ],
)
def test_unknown_body_elements_get_the_asmx_fault(body, action, version, message):
    with pytest.raises(SoapFault) as caught:
        route_operation(OPERATIONS, body, action, version)
    assert caught.value.message == message
    assert caught.value.code is faults.FaultCode.CLIENT
