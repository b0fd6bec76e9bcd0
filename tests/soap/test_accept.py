"""What the gateway accepts: the request quirks of real clients (R1-R12, research §4.10).

Each test posts the raw envelope a client style sends and checks what that client would see:
HTTP 200, a ReturnCode, and (through getTransactionInformation) that the values arrived.
"""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from tests.soap.support import (
    FIXED_SERVICE,
    JAXWS,
    PHP_EXT_SOAP,
    SOAP12,
    SOAP12_STYLE,
    STRONG_SOAP,
    WCF,
    Answer,
    Style,
    action,
    asmx,
    create,
    create_fields,
    envelope,
    info_fields,
    load_envelope,
    post,
    unique_id,
)

V2 = asmx("app_express", 2)
V3A = asmx("p_express", 3)
V3B = asmx("app_express", 3)
V4 = asmx("app_express", 4)


def information(client: Client, path: str, ticket: str, style: Style = WCF) -> Answer:
    answer = post(client, path, envelope("getTransactionInformation", info_fields(ticket), style))
    assert answer.status == 200, answer.body
    assert answer.field("ReturnCode") == "SUCCESS"
    return answer


def created_ticket(answer: Answer) -> str:
    assert answer.status == 200, answer.body
    assert answer.field("ReturnCode") == "SUCCESS", answer.fields()
    ticket = answer.field("TicketId")
    assert ticket and ticket.isdigit()
    return ticket


# -- routing and transport ---------------------------------------------------------------------


def test_r1_soap11_without_soapaction_is_routed_by_the_body_element(client):
    # The raw C# HttpClient v4 client: no SOAPAction header at all (research 4.8).
    body = load_envelope("csharp_raw_create_v4.xml", id=unique_id())
    answer = post(client, V4, body, content_type="text/xml; charset=utf-8")
    assert answer.content_type == "text/xml; charset=utf-8"
    created_ticket(answer)


@pytest.mark.parametrize("query", ["wsdl", "WSDL", "Wsdl"])
def test_r2_a_post_to_asmx_wsdl_is_a_soap_call(client, query):
    body = load_envelope("csharp_raw_create_v4.xml", id=unique_id())
    answer = post(client, V4, body, query=query)
    assert answer.payload.tag.endswith("createTransactionPaymentResponse")
    created_ticket(answer)


@pytest.mark.parametrize(
    "soap_action",
    [
        f'"{action("createTransactionPayment")}"',  # WCF, PHP, nusoap, Spring-WS
        action("createTransactionPayment"),  # hand-built clients
        "http%3A%2F%2Fwww.avisortech.com%2FeCollectWebservices%2FcreateTransactionPayment",
    ],
    ids=["quoted", "unquoted", "url-encoded"],
)
def test_r3_quoted_unquoted_and_url_encoded_soapaction(client, soap_action):
    body = envelope("createTransactionPayment", create_fields(), WCF)
    created_ticket(post(client, V3A, body, soap_action=soap_action))


def test_r3_a_soapaction_naming_another_operation_is_overruled_by_the_body_element(client):
    # Documented choice (routing.py): the message carries a create, the answer is a create.
    body = envelope("createTransactionPayment", create_fields(), WCF)
    answer = post(client, V3B, body, soap_action=f'"{action("getTransactionInformation")}"')
    assert (
        answer.payload.tag == "{http://www.avisortech.com/eCollectWebservices}"
        "createTransactionPaymentResponse"
    )
    created_ticket(answer)


def test_r4_soap12_with_action_in_the_content_type(client):
    ticket = created_ticket(create(client, V3A))
    body = load_envelope("wcf12_get_v3a.xml", ticket=ticket)
    content_type = (
        f'application/soap+xml; charset=utf-8; action="{action("getTransactionInformation")}"'
    )
    answer = post(client, V3A, body, content_type=content_type)
    assert answer.status == 200
    assert answer.content_type == "application/soap+xml; charset=utf-8"
    assert answer.root.tag == f"{{{SOAP12}}}Envelope" and answer.root.prefix == "soap"
    assert answer.field("TicketId") == ticket


def test_r4_soap12_without_action_as_strong_soap_sends_it(client):
    ticket = created_ticket(create(client, V3B))
    body = load_envelope("strong_soap12_get_v3b.xml", ticket=ticket)
    answer = post(client, V3B, body, content_type="application/soap+xml; charset=utf-8")
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"
    assert answer.root.tag == f"{{{SOAP12}}}Envelope"


def test_r4_soap11_and_soap12_on_the_same_url_answer_in_their_own_version(client):
    ticket = created_ticket(create(client, V4))
    for style, content_type, envelope_ns in [
        (WCF, "text/xml; charset=utf-8", "http://schemas.xmlsoap.org/soap/envelope/"),
        (SOAP12_STYLE, "application/soap+xml; charset=utf-8", SOAP12),
    ]:
        answer = post(
            client,
            V4,
            envelope("getTransactionInformation", info_fields(ticket), style),
            content_type=content_type,
        )
        assert answer.status == 200 and answer.content_type == content_type
        assert answer.root.tag == f"{{{envelope_ns}}}Envelope"


def test_r4_a_soap12_envelope_labelled_text_xml_is_still_understood(client):
    ticket = created_ticket(create(client, V4))
    body = envelope("getTransactionInformation", info_fields(ticket), SOAP12_STYLE)
    answer = post(client, V4, body, content_type="text/xml; charset=utf-8")
    assert answer.status == 200 and answer.root.tag == f"{{{SOAP12}}}Envelope"


# -- envelope shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        PHP_EXT_SOAP,
        JAXWS,
        WCF,
        STRONG_SOAP,
        Style(envelope_prefix="soapenv", payload_prefix="ecol"),
    ],
    ids=[
        "php-ext-soap-ns1",
        "jaxws-ns2-empty-header",
        "wcf-default-ns",
        "strong-soap-12",
        "soapui-ecol",
    ],
)
def test_r5_any_prefixes_default_namespaces_and_empty_header(client, style):
    content_type = (
        "application/soap+xml; charset=utf-8"
        if style.envelope_ns == SOAP12
        else "text/xml; charset=utf-8"
    )
    ticket = created_ticket(
        post(
            client,
            V3B,
            envelope("createTransactionPayment", create_fields(), style),
            content_type=content_type,
        )
    )
    answer = post(
        client,
        V3B,
        envelope("getTransactionInformation", info_fields(ticket), style),
        content_type=content_type,
    )
    assert answer.field("TicketId") == ticket and answer.field("ReturnCode") == "SUCCESS"


def test_r5_php_ext_soap_create_and_get(client):
    ticket = created_ticket(
        post(
            client,
            V2,
            load_envelope("php_ext_soap_create_v2.xml", id=unique_id()),
            soap_action=f'"{action("createTransactionPayment")}"',
        )
    )
    answer = post(
        client,
        V2,
        load_envelope("php_ext_soap_get_v2.xml", ticket=ticket),
        soap_action=f'"{action("getTransactionInformation")}"',
    )
    assert answer.field("TicketId") == ticket
    assert answer.field("TransValue") == "150000.00"


def test_r5_jaxws_spring_ws_create_and_get_with_sixteen_references(client):
    payer = unique_id()
    ticket = created_ticket(
        post(
            client,
            V2,
            load_envelope("jaxws_create_v2.xml", id=payer),
            soap_action=f'"{action("createTransactionPayment")}"',
        )
    )
    answer = post(
        client,
        V2,
        load_envelope("jaxws_get_v2.xml", ticket=ticket),
        soap_action=f'"{action("getTransactionInformation")}"',
    )
    references = answer.all("ReferenceArray")
    assert len(references) == 16 and references[0] == payer and references[12] == "20240131"


def test_r5_wcf_svcutil_create_and_get_on_schema_a(client):
    payer = unique_id()
    ticket = created_ticket(
        post(
            client,
            V3A,
            load_envelope("wcf_create_v3a.xml", id=payer),
            soap_action=f'"{action("createTransactionPayment")}"',
        )
    )
    answer = post(
        client,
        V3A,
        load_envelope("wcf_get_v3a.xml", ticket=ticket),
        soap_action=f'"{action("getTransactionInformation")}"',
    )
    assert answer.all("ReferenceArray")[:5] == [
        payer,
        "FAC-88121",
        "tesoreria@example.com.co",
        "Juan",
        "Pérez",
    ]


# -- request content ---------------------------------------------------------------------------


def test_r6_unknown_elements_in_the_middle_of_request_are_ignored(client):
    # nusoap raw-XML mode (research 4.5): PaymentDesc and UserType are from 2005, and
    # PaymentSystem/FICode do not exist in v2; single-quoted xmlns, `<request >`.
    body = load_envelope("nusoap_raw_create_v2.xml", id=unique_id())
    answer = post(
        client,
        V2,
        body,
        content_type="text/xml; charset=ISO-8859-1",
        soap_action=f'"{action("createTransactionPayment")}"',
    )
    created_ticket(answer)


def test_r6_fields_of_a_newer_schema_are_ignored_by_an_older_contract(client):
    fields = create_fields(
        ItemArray=[("ItemCode", "A1"), ("ItemQty", "1"), ("Value", "10")],
        PolicyCode="P1",
        Unheard=[("Deep", [("Deeper", "x")])],
    )
    for path in (V2, V3A):
        created_ticket(post(client, path, envelope("createTransactionPayment", fields, WCF)))


def test_r6_unknown_siblings_of_request_are_ignored(client):
    body = envelope("createTransactionPayment", create_fields(), WCF).replace(
        b"<request>", b"<ClientVersion>7.1</ClientVersion><request>"
    )
    created_ticket(post(client, V3B, body))


def test_r7_elements_out_of_order_are_read(client):
    payer = unique_id()
    fields = [
        ("ReferenceArray", payer),
        ("TransValue", "123456"),
        ("SrvCurrency", "COP"),
        ("ReferenceArray", "ORDER-9"),
        ("SrvCode", "1001"),
        ("TransVatValue", "0"),
        ("EntityCode", "10001"),
    ]
    ticket = created_ticket(post(client, V3B, envelope("createTransactionPayment", fields, WCF)))
    answer = information(client, V3B, ticket)
    assert answer.field("TransValue") == "123456.00"
    assert answer.all("ReferenceArray") == [payer, "ORDER-9"]


def test_r8_empty_elements_are_accepted_and_empty_references_kept(client):
    payer = unique_id()
    body = envelope(
        "createTransactionPayment",
        create_fields(
            payer,
            "",
            "payer@example.com",
            "",
            URLResponse=None,
            PaymentSystem="",
            FICode=None,
            Invoice=None,
        ),
        WCF,
    ).replace(b"<URLResponse/>", b"<URLResponse ></URLResponse>")
    ticket = created_ticket(post(client, V3B, body))
    assert information(client, V3B, ticket).all("ReferenceArray") == [
        payer,
        "",
        "payer@example.com",
        "",
    ]


@pytest.mark.parametrize("text", ["150000 ", " 150000", "\n\t150000.00\r\n", "+150000"])
def test_r9_whitespace_around_numbers(client, text):
    ticket = created_ticket(
        post(client, V3B, envelope("createTransactionPayment", create_fields(value=text), WCF))
    )
    assert information(client, V3B, ticket).field("TransValue") == "150000.00"


def test_r10_iso_8859_1_declared_body_as_nusoap_sends_it(client):
    payer = unique_id()
    body = load_envelope("nusoap_wsdl_create_v2.xml", id=payer)
    assert "Matrícula".encode("iso-8859-1") in body
    ticket = created_ticket(
        post(
            client,
            V2,
            body,
            content_type="text/xml; charset=ISO-8859-1",
            soap_action=f'"{action("createTransactionPayment")}"',
        )
    )
    assert information(client, V2, ticket).all("ReferenceArray")[1] == f"Matrícula {payer}"


def test_r10_iso_8859_1_named_only_in_the_content_type(client):
    payer = unique_id()
    body = envelope("createTransactionPayment", create_fields(payer, "Año ñandú"), WCF)
    latin1 = body.decode("utf-8").encode("iso-8859-1")
    assert not latin1.startswith(b"<?xml")
    ticket = created_ticket(post(client, V3B, latin1, content_type="text/xml; charset=ISO-8859-1"))
    assert information(client, V3B, ticket).all("ReferenceArray")[1] == "Año ñandú"


def test_r10_utf8_mislabelled_iso_8859_1_is_read_as_utf8(client):
    # nusoap send() with a hand-written UTF-8 envelope keeps its ISO-8859-1 default label.
    payer = unique_id()
    body = envelope("createTransactionPayment", create_fields(payer, "Bogotá D.C."), WCF)
    ticket = created_ticket(post(client, V3B, body, content_type="text/xml; charset=ISO-8859-1"))
    assert information(client, V3B, ticket).all("ReferenceArray")[1] == "Bogotá D.C."


def test_r10_comments_inside_body_and_request(client):
    body = envelope("createTransactionPayment", create_fields(), PHP_EXT_SOAP)
    body = body.replace(b"<ns1:request>", b"<!--Optional:--><ns1:request><!-- SoapUI -->")
    body = body.replace(b"<SOAP-ENV:Body>", b"<SOAP-ENV:Body><!-- the payload -->")
    body = body.replace(b"<ns1:TransValue>150000", b"<ns1:TransValue>150<!-- k -->000")
    ticket = created_ticket(post(client, V3B, body))
    assert information(client, V3B, ticket).field("TransValue") == "150000.00"


def test_r10_leading_whitespace_before_a_root_without_declaration(client):
    body = load_envelope("csharp_raw_create_v4.xml", id=unique_id())
    assert body.startswith(b"\n   ") and b"<?xml" not in body
    created_ticket(post(client, V4, body))


@pytest.mark.parametrize("trans_value", [None, "absent"], ids=["empty-element", "missing"])
def test_r11_missing_or_empty_value_typed_elements_reach_the_use_case_as_unset(client, trans_value):
    # The fixed-value service reads an unset TransValue as "the service's value" (50000).
    fields = [f for f in create_fields(service=FIXED_SERVICE) if f[0] != "TransValue"]
    fields = [f for f in fields if f[0] != "TransVatValue"]
    if trans_value is None:
        fields.insert(2, ("TransValue", None))
    ticket = created_ticket(post(client, V2, envelope("createTransactionPayment", fields, WCF)))
    answer = information(client, V2, ticket)
    assert answer.field("TransValue") == "50000.00"


@pytest.mark.parametrize(
    "path",
    [
        "/APP_EXPRESS/WEBSERVICE/ECOLLECTWEBSERVICESV3.ASMX",
        "/app_Express/webservice/eCollectWebservicesv3.asmx",
        "/App_Express/WebService/eCollectWebServicesV3.asmx",
    ],
)
def test_r12_paths_are_case_insensitive(client, path):
    answer = post(client, path, envelope("createTransactionPayment", create_fields(), WCF))
    created_ticket(answer)


def test_r12_prefixes_come_from_configuration(client):
    # `ecollectexpress` is configured (schema A) in this gateway's settings; `nowhere` is not.
    created_ticket(
        post(
            client,
            "/eCollectExpress/webservice/eCollectWebservicesv3.asmx",
            envelope("createTransactionPayment", create_fields(), WCF),
        )
    )
    unknown = post(
        client,
        "/nowhere/webservice/eCollectWebservicesv3.asmx",
        envelope("createTransactionPayment", create_fields(), WCF),
    )
    assert unknown.status == 404


def test_xsi_annotations_are_not_interpreted(client):
    body = (
        envelope("createTransactionPayment", create_fields(), WCF)
        .replace(b"<EntityCode>", b'<EntityCode xsi:type="xsd:string">')
        .replace(b"<Sign/>", b"")
    )
    body = body.replace(b"<request>", b'<request><Sign xsi:nil="true"/>')
    created_ticket(post(client, V3A, body))


def test_the_request_prefix_is_passed_on_lower_case(client):
    answer = post(
        client,
        "/P_EXPRESS/webservice/eCollectWebservicesv3.asmx",
        envelope("createTransactionPayment", create_fields(), WCF),
    )
    created_ticket(answer)
    assert "/p_express/secure/services.aspx?WsPm=" in answer.field("eCollectUrl")


def test_r10_a_utf8_byte_order_mark_before_the_declaration(client):
    # .NET XmlWriter over Encoding.UTF8 writes a BOM first.
    body = b"\xef\xbb\xbf" + envelope("createTransactionPayment", create_fields(), PHP_EXT_SOAP)
    created_ticket(post(client, V3B, body))


def test_r10_a_utf16_body_declared_as_such(client):
    text = envelope("createTransactionPayment", create_fields(), WCF).decode()
    body = ('<?xml version="1.0" encoding="utf-16"?>' + text).encode("utf-16")
    created_ticket(post(client, V3B, body, content_type="text/xml; charset=utf-16"))
