"""Messages that cannot be processed: ASMX fault wording and shape, and plain HTTP refusals.

Faults (research soap-interop §1.6): prefix `soap`, the caller's SOAP version, HTTP 500,
`faultcode`/`faultstring`/empty `<detail />` (1.1) or Code/Reason/empty Detail (1.2).
Malformed XML is HTTP 400 and a wrong Content-Type 415, both without a body.
"""

from __future__ import annotations

import pytest
from lxml import etree
from werkzeug.test import Client

from gateway.settings import Settings
from gateway.soap import operations
from gateway.soap.asmx import AsmxApp
from gateway.soap.ecollect import ecollect_service
from tests.soap.support import (
    NS,
    SOAP11,
    SOAP12,
    SOAP12_STYLE,
    WCF,
    action,
    asmx,
    create_fields,
    envelope,
    info_fields,
    post,
)

PATH = asmx("app_express", 3)
UNKNOWN = envelope("getTransactionInfo", info_fields("1"), WCF)
UNKNOWN_12 = envelope("getTransactionInfo", info_fields("1"), SOAP12_STYLE)
SOAP12_CT = "application/soap+xml; charset=utf-8"


def assert_soap11_fault(answer, code: str, reason: str) -> None:
    assert answer.status == 500
    assert answer.content_type == "text/xml; charset=utf-8"
    assert answer.root.tag == f"{{{SOAP11}}}Envelope" and answer.root.prefix == "soap"
    fault = answer.payload
    assert fault.tag == f"{{{SOAP11}}}Fault" and fault.prefix == "soap"
    assert [child.tag for child in fault] == ["faultcode", "faultstring", "detail"]
    assert len(fault.find("detail")) == 0
    assert answer.fault() == (code, reason)


def assert_soap12_fault(answer, code: str, reason: str) -> None:
    assert answer.status == 500
    assert answer.content_type == SOAP12_CT
    assert answer.root.tag == f"{{{SOAP12}}}Envelope" and answer.root.prefix == "soap"
    fault = answer.payload
    assert [etree.QName(child).localname for child in fault] == ["Code", "Reason", "Detail"]
    text = fault.find(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
    assert text.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert answer.fault() == (code, reason)


NO_ACTION = (
    "Unable to handle request without a valid action parameter. Please supply a valid soap action."
)


def test_unknown_body_element_without_soapaction(client):
    assert_soap11_fault(post(client, PATH, UNKNOWN), "soap:Client", NO_ACTION)


def test_unknown_body_element_and_unknown_soapaction(client):
    answer = post(client, PATH, UNKNOWN, soap_action='"urn:nothing"')
    assert_soap11_fault(
        answer,
        "soap:Client",
        "Server did not recognize the value of HTTP Header SOAPAction: urn:nothing.",
    )


def test_unknown_body_element_with_a_known_soapaction(client):
    answer = post(client, PATH, UNKNOWN, soap_action=f'"{action("getTransactionInformation")}"')
    assert_soap11_fault(
        answer,
        "soap:Client",
        f"The request element <getTransactionInfo xmlns='{NS}'> was not recognized.",
    )


@pytest.mark.parametrize(
    "soap_action",
    ['"urn:nothing"', "urn:nothing", f'"{NS}/getBankListX"', f'"{action("getBankList")}"'],
    ids=["quoted", "unquoted", "near-miss", "operation-of-another-contract"],
)
def test_a_known_body_element_with_an_unknown_soapaction_is_refused_as_asmx(client, soap_action):
    # ASMX's SOAP 1.1 router looks the header up first: the body element never gets a say.
    # (getBankList is no operation of v2.)
    body = envelope("createTransactionPayment", create_fields(), WCF)
    answer = post(client, asmx("app_express", 2), body, soap_action=soap_action)
    shown = soap_action.strip('"')
    assert_soap11_fault(
        answer,
        "soap:Client",
        f"Server did not recognize the value of HTTP Header SOAPAction: {shown}.",
    )


@pytest.mark.parametrize(
    "soap_action", [None, '""', "", "  "], ids=["absent", '""', "empty", "blank"]
)
def test_an_absent_or_empty_soapaction_routes_by_the_body_element(client, soap_action):
    # The raw C# v4 client sends none; nusoap's call() sends `SOAPAction: ""` by default.
    body = envelope("createTransactionPayment", create_fields(), WCF)
    answer = post(client, PATH, body, soap_action=soap_action)
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


def test_soap12_with_an_unknown_action_and_a_known_body_element_is_served(client):
    # ASMX's SOAP 1.2 router falls back to the body element when the action names nothing.
    body = envelope("createTransactionPayment", create_fields(), SOAP12_STYLE)
    answer = post(client, PATH, body, content_type=SOAP12_CT + '; action="urn:x"')
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


def test_a_known_operation_name_in_a_foreign_namespace_is_unknown(client):
    body = envelope("getTransactionInformation", info_fields("1"), WCF).replace(
        NS.encode(), b"http://tempuri.org/"
    )
    assert_soap11_fault(post(client, PATH, body), "soap:Client", NO_ACTION)


def test_soap12_unknown_body_element_without_action(client):
    answer = post(client, PATH, UNKNOWN_12, content_type=SOAP12_CT)
    assert_soap12_fault(answer, "soap:Sender", NO_ACTION)


def test_soap12_unknown_body_element_and_unknown_action(client):
    answer = post(client, PATH, UNKNOWN_12, content_type=SOAP12_CT + '; action="urn:x"')
    assert_soap12_fault(
        answer, "soap:Sender", "Unable to handle request. The action 'urn:x' was not recognized."
    )


def test_empty_body(client):
    body = f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body/></soap:Envelope>'.encode()
    assert_soap11_fault(post(client, PATH, body), "soap:Client", NO_ACTION)


def test_envelope_without_body(client):
    body = f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Header/></soap:Envelope>'.encode()
    assert_soap11_fault(
        post(client, PATH, body),
        "soap:Client",
        "Server was unable to read request. ---> The SOAP Body element is missing.",
    )


@pytest.mark.parametrize(
    "root",
    [
        '<Envelope xmlns="urn:not-soap"><Body/></Envelope>',
        f'<createTransactionPayment xmlns="{NS}"><request/></createTransactionPayment>',
    ],
    ids=["foreign-envelope", "bare-payload"],
)
def test_an_unknown_envelope_namespace_is_a_version_mismatch_in_soap11(client, root):
    answer = post(client, PATH, root.encode(), content_type=SOAP12_CT)
    assert answer.status == 500 and answer.content_type == "text/xml; charset=utf-8"
    code, reason = answer.fault()
    assert code == "soap:VersionMismatch"
    assert reason.startswith("Possible SOAP version mismatch: Envelope namespace ")
    upgrade = answer.root.find(f"{{{SOAP11}}}Header/{{{SOAP12}}}Upgrade")
    assert upgrade is not None and len(upgrade) == 2


def test_wrapper_without_request_element(client):
    body = envelope("createTransactionPayment", [], WCF).replace(b"<request></request>", b"")
    answer = post(client, PATH, body)
    code, reason = answer.fault()
    assert answer.status == 500 and code == "soap:Client"
    assert reason.startswith("Server was unable to read request. ---> ")


@pytest.mark.parametrize("value", ["12,5", "1e5", "NaN", "Infinity", "ten", "1_000"])
def test_a_value_typed_element_that_is_no_number(client, value):
    body = envelope("createTransactionPayment", create_fields(value=value), WCF)
    answer = post(client, PATH, body)
    code, reason = answer.fault()
    assert answer.status == 500 and code == "soap:Client"
    assert reason.startswith("Server was unable to read request. ---> There is an error in XML")
    assert "TransValue" in reason


def test_must_understand_header_is_not_understood(client):
    body = envelope("getTransactionInformation", info_fields("1"), WCF).replace(
        b"<s:Body",
        b'<s:Header><wsse:Security xmlns:wsse="urn:sec" s:mustUnderstand="1"/></s:Header><s:Body',
    )
    code, reason = post(client, PATH, body).fault()
    assert code == "soap:MustUnderstand"
    assert reason == "SOAP header {urn:sec}Security was not understood."


# -- HTTP refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body>",
        b"not xml at all",
        b"",
        b"<a><b></a>",
    ],
    ids=["truncated", "text", "empty", "mismatched"],
)
def test_malformed_xml_is_400_without_body(client, body):
    answer = post(client, PATH, body)
    assert answer.status == 400 and answer.body == b""


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_a_content_type_that_is_no_soap_is_415_without_body(client, content_type):
    body = envelope("getTransactionInformation", info_fields("1"), WCF)
    answer = post(client, PATH, body, content_type=content_type)
    assert answer.status == 415 and answer.body == b""


def test_other_methods_are_405(client):
    response = client.put(PATH, data=b"<x/>")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


# -- bugs --------------------------------------------------------------------------------------


def test_a_bug_in_the_adapter_is_a_server_fault_without_details(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(operations, "transaction_info_to_wire", broken)
    answer = post(client, PATH, envelope("getTransactionInformation", info_fields("1"), WCF))
    assert_soap11_fault(answer, "soap:Server", "Server was unable to process request.")
    assert b"secret" not in answer.body and b"Traceback" not in answer.body


def test_a_bug_answers_soap12_callers_in_soap12(client, monkeypatch):
    monkeypatch.setattr(operations, "transaction_info_to_wire", lambda *_: 1 / 0)
    body = envelope("getTransactionInformation", info_fields("1"), SOAP12_STYLE)
    answer = post(client, PATH, body, content_type=SOAP12_CT)
    assert_soap12_fault(answer, "soap:Receiver", "Server was unable to process request.")


def test_the_next_request_after_a_fault_is_served(client):
    post(client, PATH, UNKNOWN)
    post(client, PATH, b"<broken")
    answer = post(client, PATH, envelope("createTransactionPayment", create_fields(), WCF))
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


def test_the_endpoint_guards_its_own_body_limit_and_paths(app):
    # Mounted without the web shell (which refuses large bodies first), the endpoint still does.
    endpoint = Client(
        AsmxApp(
            ecollect_service(
                app.container.payments, Settings(max_request_bytes=100), app.container.access
            ),
            Settings(),
        )
    )
    big = envelope("createTransactionPayment", create_fields(), WCF)
    assert len(big) > 100
    response = endpoint.post(PATH, data=big, content_type="text/xml; charset=utf-8")
    assert response.status_code == 413 and response.get_data() == b""
    assert endpoint.post("/elsewhere.asmx", data=b"<x/>").status_code == 404


def test_head_answers_like_get_without_a_body(client):
    response = client.head(PATH, query_string="wsdl")
    assert response.status_code == 200 and response.get_data() == b""
    assert int(response.headers["Content-Length"]) > 1000
