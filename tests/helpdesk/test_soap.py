"""`MesaDeAyuda.asmx` through the real web app: wire -> DTO -> HelpdeskPort -> wire.

The helpdesk behind it is a recording double (`soap_double`): these tests prove the adapter's
mapping (names, order, dates with the Bogotá offset, lists, omitted optional members), the
refusal and failure answers, and that the helpdesk sits on the same ASMX shell as the payment
services (both SOAP versions, case-insensitive path, faults, its own body limit).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree
from werkzeug.test import Client

from gateway.helpdesk.codes import HelpdeskCode, Refusal, invalid_field
from gateway.helpdesk.commands import (
    AddComment,
    CreateRequest,
    FieldValue,
    ListRequests,
    NewAttachment,
)
from tests.helpdesk.soap_double import NS, PATH, RecordingHelpdesk, helpdesk_app
from tests.soap.support import SOAP12, SOAP12_STYLE, STRONG_SOAP, Style, envelope, post

BOGOTA = timezone(timedelta(hours=-5))
Q = f"{{{NS}}}"


@pytest.fixture
def helpdesk() -> RecordingHelpdesk:
    return RecordingHelpdesk()


@pytest.fixture
def client(tmp_path, helpdesk) -> Client:
    app = helpdesk_app(tmp_path / "gateway.sqlite3", helpdesk, max_request_bytes=4096)
    yield Client(app)
    app.container.close()


SOAP11_STYLE = Style()


def call(client, operation, fields, style=SOAP11_STYLE, path=PATH, **headers):
    body = envelope(operation, fields, style, namespace=NS)
    soap12 = style.envelope_ns == SOAP12
    answer = post(
        client,
        path,
        body,
        content_type="application/soap+xml; charset=utf-8" if soap12 else "text/xml; charset=utf-8",
        soap_action=None if soap12 else f'"{NS}/{operation}"',
        headers=headers,
    )
    return answer


def result(answer, operation):
    assert answer.status == 200, answer.body
    response = answer.payload
    assert response.tag == f"{Q}{operation}Response"
    (res,) = response
    assert res.tag == f"{Q}{operation}Result"
    return res


def names(element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def _q(path: str) -> str:
    return "/".join(f"{Q}{part}" for part in path.split("/"))


# -- the shell ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PATH, PATH.lower(), PATH.upper()])
def test_the_path_is_case_insensitive(client, helpdesk, path):
    res = result(
        call(client, "registerCustomer", [("Email", "a@example.com")], path=path),
        "registerCustomer",
    )
    assert names(res) == ["ReturnCode", "ReturnDesc"]
    assert res.findtext(_q("ReturnCode")) == "SUCCESS"
    assert helpdesk.last("register_customer") == (("a@example.com",), {})


@pytest.mark.parametrize("style", [SOAP12_STYLE, STRONG_SOAP], ids=["soap12", "strong-soap"])
def test_soap12_without_action_routes_by_the_body_element(client, helpdesk, style):
    answer = call(client, "logout", [("SessionToken", "tok")], style)
    assert answer.content_type == "application/soap+xml; charset=utf-8"
    assert result(answer, "logout").findtext(_q("ReturnCode")) == "SUCCESS"
    assert helpdesk.last("logout") == (("tok",), {})


def test_wsdl_disco_and_help_page_as_the_payment_services(client):
    wsdl = client.get(PATH, query_string="WSDL", base_url="http://gateway.test")
    assert wsdl.status_code == 200
    root = etree.fromstring(wsdl.get_data())
    locations = [a.get("location") for a in root.iter("{*}address")]
    assert locations == [f"http://gateway.test{PATH}"] * 2
    assert root.get("targetNamespace") == NS
    disco = etree.fromstring(client.get(PATH, query_string="disco").get_data())
    bindings = [s.get("binding").split(":")[1] for s in disco.iter("{*}soap")]
    assert bindings == ["MesaDeAyudaSoap", "MesaDeAyudaSoap12"]
    page = client.get(PATH)
    assert "text/html" in page.headers["Content-Type"] and "getSlaStatus" in page.text


def test_without_a_helpdesk_the_path_is_not_there(tmp_path):
    app = helpdesk_app(tmp_path / "none.sqlite3", None)
    try:
        response = Client(app).get(PATH, query_string="wsdl")
        assert response.status_code == 404
    finally:
        app.container.close()


def test_its_own_body_limit_lets_attachments_through_that_payments_would_refuse(client, helpdesk):
    content = base64.b64encode(b"x" * 6000).decode()  # the payment services' limit is 4096 here
    fields = [("SessionToken", "t"), ("Attachments", [("NewAttachment", [("Content", content)])])]
    answer = call(client, "addComment", fields)
    assert result(answer, "addComment").findtext(_q("ReturnCode")) == "SUCCESS"
    assert helpdesk.last("add_comment")[0][0].attachments[0].content == b"x" * 6000
    payments = post(client, "/app_express/webservice/eCollectWebservicesv4.asmx", b"<x/>" * 2000)
    assert payments.status == 413


def test_over_its_limit_is_refused_unread(tmp_path, helpdesk):
    app = helpdesk_app(tmp_path / "small.sqlite3", helpdesk, helpdesk_max_request_bytes=1000)
    try:
        body = envelope("logout", [("SessionToken", "t" * 2000)], namespace=NS)
        answer = post(Client(app), PATH, body)
        assert answer.status == 413 and helpdesk.calls == []
    finally:
        app.container.close()


@pytest.mark.parametrize(
    ("operation", "fields", "reason"),
    [
        ("listRequests", [("Page", "two")], "Server was unable to read request."),
        (
            "addComment",
            [("Attachments", [("NewAttachment", [("Content", "not*base64")])])],
            "base64Binary",
        ),
        ("setNotifications", [("Enabled", "maybe")], "boolean"),
        ("getSlaStatus", [("AsOf", "yesterday")], "dateTime"),
        ("deleteEverything", [], "without a valid action parameter"),
    ],
)
def test_unreadable_messages_are_soap_faults(client, helpdesk, operation, fields, reason):
    body = envelope(operation, fields, namespace=NS)
    answer = post(client, PATH, body)
    code, text_ = answer.fault()
    assert answer.status == 500 and code == "soap:Client" and reason in text_
    assert helpdesk.calls == []


def test_an_unknown_soap_action_is_asmx_fault(client):
    body = envelope("registerCustomer", [], namespace=NS)
    answer = post(client, PATH, body, soap_action=f"{NS}/deleteEverything")
    assert answer.fault() == (
        "soap:Client",
        f"Server did not recognize the value of HTTP Header SOAPAction: {NS}/deleteEverything.",
    )


def test_malformed_xml_is_400_without_a_body(client):
    answer = post(client, PATH, b"<soap:Envelope")
    assert answer.status == 400 and answer.body == b""


# -- refusals and failures ---------------------------------------------------------------------


def test_a_refusal_is_its_code_and_description_and_nothing_else(client, helpdesk):
    helpdesk.failures["get_request"] = Refusal(HelpdeskCode.FAIL_NOTFOUND, "no such request")
    res = result(
        call(client, "getRequest", [("SessionToken", "t"), ("RequestKey", "MITICKET-9")]),
        "getRequest",
    )
    assert names(res) == ["ReturnCode", "ReturnDesc"]
    assert (res.findtext(_q("ReturnCode")), res.findtext(_q("ReturnDesc"))) == (
        "FAIL_NOTFOUND",
        "no such request",
    )


def test_a_refused_login_has_no_value_members(client, helpdesk):
    helpdesk.failures["login"] = invalid_field("Email", "required")
    res = result(call(client, "login", [("Password", "x")]), "login")
    assert names(res) == ["ReturnCode", "ReturnDesc"]
    assert res.findtext(_q("ReturnDesc")) == "Email: required"


def test_an_unexpected_error_is_fail_system_without_a_trace(client, helpdesk, capsys):
    helpdesk.failures["list_requests"] = RuntimeError("password=secret in the DSN")
    answer = call(client, "listRequests", [("SessionToken", "t")])
    res = result(answer, "listRequests")
    assert (res.findtext(_q("ReturnCode")), res.findtext(_q("ReturnDesc"))) == (
        "FAIL_SYSTEM",
        "internal error",
    )
    assert b"secret" not in answer.body and b"Traceback" not in answer.body
    assert "helpdesk.soap.failed" in capsys.readouterr().err


# -- wire -> DTO -------------------------------------------------------------------------------


def test_login_passes_the_callers_address(client, helpdesk):
    response = client.post(
        PATH,
        data=envelope("login", [("Email", "a@example.com"), ("Password", "pw")], namespace=NS),
        content_type="text/xml; charset=utf-8",
        environ_overrides={"REMOTE_ADDR": "203.0.113.9"},
    )
    res = etree.fromstring(response.get_data()).find(f"{{*}}Body/{Q}loginResponse/{Q}loginResult")
    assert helpdesk.last("login") == (("a@example.com", "pw"), {"address": "203.0.113.9"})
    assert names(res) == [
        "ReturnCode",
        "ReturnDesc",
        "SessionToken",
        "ExpiresAt",
        "Role",
        "FullName",
    ]
    assert res.findtext(_q("ExpiresAt")) == "2026-12-02T10:45:10-05:00"
    assert res.findtext(_q("Role")) == "CUSTOMER"


def test_create_request_maps_every_member(client, helpdesk):
    fields = [
        ("SessionToken", "tok"),
        ("ItemCode", "pago-en-linea"),
        ("OnBehalfOf", "otro@example.com"),
        ("Description", "No puedo pagar"),
        ("Phone", "3001234567"),
        ("Fields", [("FieldValue", [("Code", "tipo-de-pago-en-linea"), ("Value", "PSE")])]),
        ("CcEmails", [("string", "a@example.com"), ("string", "b@example.com")]),
        (
            "Attachments",
            [
                (
                    "NewAttachment",
                    [("FileName", "a.png"), ("ContentType", "image/png"), ("Content", "iVBORw==")],
                )
            ],
        ),
        ("IdempotencyKey", "k-1"),
        ("RelatedRequestKey", "MITICKET-3"),
    ]
    res = result(call(client, "createRequest", fields), "createRequest")
    ((cmd,), _) = helpdesk.last("create_request")
    assert cmd == CreateRequest(
        session_token="tok",
        item_code="pago-en-linea",
        on_behalf_of="otro@example.com",
        description="No puedo pagar",
        phone="3001234567",
        fields=(FieldValue("tipo-de-pago-en-linea", "PSE"),),
        cc_emails=("a@example.com", "b@example.com"),
        attachments=(NewAttachment("a.png", "image/png", base64.b64decode("iVBORw==")),),
        idempotency_key="k-1",
        related_request_key="MITICKET-3",
    )
    assert names(res) == ["ReturnCode", "ReturnDesc", "RequestKey", "TrackingUrl", "Replayed"]
    assert res.findtext(_q("Replayed")) == "false"


def test_absent_members_arrive_as_none_and_empty_lists(client, helpdesk):
    result(call(client, "createRequest", [("SessionToken", "tok")]), "createRequest")
    ((cmd,), _) = helpdesk.last("create_request")
    assert cmd == CreateRequest(session_token="tok")
    result(call(client, "addComment", [("Body", "hola")]), "addComment")
    assert helpdesk.last("add_comment")[0][0] == AddComment(body="hola")


def test_list_requests_reads_dates_in_bogota_unless_an_offset_is_given(client, helpdesk):
    fields = [
        ("SessionToken", "t"),
        ("Scope", "ALL"),
        ("States", [("string", "OPEN"), ("string", "IN_PROGRESS")]),
        ("CreatedFrom", "2026-12-01T00:00:00"),
        ("CreatedTo", " 2026-12-03T05:00:00Z "),
        ("Text", "pse"),
        ("Page", " 3 "),
        ("PageSize", "20"),
    ]
    res = result(call(client, "listRequests", fields), "listRequests")
    ((cmd,), _) = helpdesk.last("list_requests")
    assert cmd == ListRequests(
        session_token="t",
        scope="ALL",
        states=("OPEN", "IN_PROGRESS"),
        created_from=datetime(2026, 12, 1, tzinfo=BOGOTA),
        created_to=datetime(2026, 12, 3, tzinfo=BOGOTA),
        text="pse",
        page=3,
        page_size=20,
    )
    assert [res.findtext(_q(n)) for n in ("Total", "Page", "PageSize")] == ["41", "3", "20"]
    (summary,) = res.find(_q("Requests"))
    assert summary.tag == f"{Q}RequestSummary"
    assert names(summary) == [
        "RequestKey",
        "Summary",
        "CategoryCode",
        "ItemCode",
        "State",
        "StateName",
        "Priority",
        "CreatedAt",
        "UpdatedAt",
        "Reporter",
    ]
    assert summary.findtext(_q("CreatedAt")) == "2026-12-02T09:30:00-05:00"
    assert summary.findtext(_q("Reporter/Email")) == "cliente@example.com"


def test_the_plain_operations_pass_their_members(client, helpdesk):
    key = [("SessionToken", "t"), ("RequestKey", "MITICKET-12")]
    call(
        client,
        "completeRegistration",
        [
            ("SignupToken", "s"),
            ("FullName", "Ana"),
            ("Password", "p"),
            ("CompanyTaxIdType", "NIT"),
            ("CompanyTaxId", "900123456-8"),
            ("CompanyName", "ACME"),
        ],
    )
    assert helpdesk.last("complete_registration")[0][0].company_tax_id == "900123456-8"
    call(client, "resetPassword", [("ResetToken", "r"), ("Password", "p")])
    assert helpdesk.last("reset_password") == (("r", "p"), {})
    call(client, "requestPasswordReset", [("Email", "a@example.com")])
    assert helpdesk.last("request_password_reset") == (("a@example.com",), {})
    call(client, "getCatalog", [])
    assert helpdesk.last("get_catalog") == ((None,), {})
    call(client, "getAttachment", [*key, ("AttachmentId", "7")])
    assert helpdesk.last("get_attachment") == (("t", "MITICKET-12", 7), {})
    call(client, "shareRequest", [*key, ("Email", "jefe@example.com")])
    assert helpdesk.last("share_request") == (("t", "MITICKET-12", "jefe@example.com"), {})
    call(client, "setNotifications", [*key, ("Enabled", "false")])
    assert helpdesk.last("set_notifications") == (("t", "MITICKET-12", False), {})
    call(client, "transitionRequest", [*key, ("ToState", "PRE_CLOSED"), ("Comment", "listo")])
    assert helpdesk.last("transition_request") == (("t", "MITICKET-12", "PRE_CLOSED", "listo"), {})
    call(client, "setPriority", [*key, ("Priority", "CRITICAL")])
    assert helpdesk.last("set_priority") == (("t", "MITICKET-12", "CRITICAL"), {})
    call(
        client,
        "answerSurvey",
        [
            *key,
            ("ServiceRating", "5"),
            ("TimelinessRating", "4"),
            ("AuthorizeClosing", "Si"),
            ("Comment", "gracias"),
        ],
    )
    survey = helpdesk.last("answer_survey")[0][0]
    assert (survey.service_rating, survey.timeliness_rating, survey.authorize_closing) == (
        5,
        4,
        "Si",
    )
    call(client, "getSlaStatus", [*key, ("AsOf", "2026-12-04T12:00:00-05:00")])
    assert helpdesk.last("get_sla_status") == (
        ("t", "MITICKET-12", datetime(2026, 12, 4, 12, tzinfo=BOGOTA)),
        {},
    )
    call(client, "getHistory", key)
    assert helpdesk.last("get_history") == (("t", "MITICKET-12"), {})
    call(client, "getAvailableTransitions", key)
    assert helpdesk.last("get_available_transitions") == (("t", "MITICKET-12"), {})


# -- DTO -> wire -------------------------------------------------------------------------------


def test_get_request_writes_the_whole_view_in_order(client):
    res = result(
        call(client, "getRequest", [("SessionToken", "t"), ("RequestKey", "MITICKET-12")]),
        "getRequest",
    )
    assert names(res) == ["ReturnCode", "ReturnDesc", "Request"]
    request = res.find(_q("Request"))
    # CompanyName and RelatedRequestKey are None: omitted.
    assert names(request) == [
        "RequestKey",
        "Summary",
        "CatalogVersion",
        "CategoryCode",
        "CategoryName",
        "ItemCode",
        "ItemName",
        "Flow",
        "State",
        "StateName",
        "Priority",
        "CreatedAt",
        "UpdatedAt",
        "Reporter",
        "CreatedBy",
        "Description",
        "Phone",
        "Fields",
        "Comments",
        "SharedWith",
        "Attachments",
        "Notifications",
        "Sla",
        "SurveyOpen",
    ]
    assert request.findtext(_q("Description")) == "No puedo pagar <con> PSE & tarjeta"
    assert request.findtext(_q("CreatedBy/Role")) == "SUPPORT_ANALYST"
    automatic, reply = request.find(_q("Comments"))
    assert names(automatic) == ["Id", "CreatedAt", "Body", "Internal", "Attachments"]  # no Author
    assert reply.findtext(_q("Author/FullName")) == "Luis Analista"
    assert reply.findtext(_q("Attachments/AttachmentInfo/CommentId")) == "31"
    first, _ = request.find(_q("Attachments"))
    assert names(first) == ["Id", "FileName", "ContentType", "Size", "Sha256", "CreatedAt"]
    assert request.findtext(_q("SharedWith/string")) == "jefe@example.com"
    assert request.findtext(_q("Sla/AsOf")) == "2026-12-02T10:45:10-05:00"
    response_clock, resolution_clock = request.find(_q("Sla/Clocks"))
    assert names(resolution_clock) == [
        "Clock",
        "Name",
        "ElapsedMinutes",
        "Paused",
        "PauseReason",
        "Breached",
        "Cycles",
    ]
    assert resolution_clock.findtext(_q("Paused")) == "true"
    assert response_clock.findtext(_q("Cycles/SlaCycle/ElapsedMinutes")) == "75"
    assert names(response_clock.find(_q("Cycles/SlaCycle"))) == [
        "Number",
        "StartedAt",
        "ElapsedMinutes",
        "Breached",
    ]


def test_get_catalog_writes_categories_items_and_fields(client):
    res = result(call(client, "getCatalog", [("Version", "2")]), "getCatalog")
    assert names(res) == [
        "ReturnCode",
        "ReturnDesc",
        "Version",
        "PortalName",
        "Breadcrumb",
        "Welcome",
        "Categories",
    ]
    assert [s.text for s in res.find(_q("Welcome"))] == ["Bienvenido", "Elija una categoría"]
    field = res.find(_q("Categories/Category/Items/Item/Fields/Field"))
    assert names(field) == ["Code", "Label", "Required", "Type", "Options", "RetiredOptions"]
    assert [o.text for o in field.find(_q("Options"))] == ["PSE", "Tarjeta"]
    assert field.findtext(_q("RetiredOptions/string")) == "Efectivo"
    item = res.find(_q("Categories/Category/Items/Item"))
    assert names(item) == ["Code", "Name", "DefaultPriority", "Fields"]  # no Description


def test_get_attachment_writes_the_content_as_base64(client):
    res = result(call(client, "getAttachment", [("AttachmentId", "7")]), "getAttachment")
    assert base64.b64decode(res.findtext(_q("Content"))) == b"\x89PNG"
    assert res.findtext(_q("Attachment/Sha256")) == "ab" * 32


def test_history_transitions_and_sla_status(client):
    res = result(call(client, "getHistory", []), "getHistory")
    created, paused = res.find(_q("Events"))
    assert names(created) == ["Id", "At", "Kind", "Actor", "ToState"]
    assert names(paused) == ["Id", "At", "Kind", "Text", "Clock"]  # the system: no Actor
    res = result(call(client, "getAvailableTransitions", []), "getAvailableTransitions")
    assert [t.findtext(_q("State")) for t in res.find(_q("Transitions"))] == [
        "PENDING_CUSTOMER",
        "PRE_CLOSED",
    ]
    res = result(call(client, "getSlaStatus", []), "getSlaStatus")
    assert names(res) == ["ReturnCode", "ReturnDesc", "AsOf", "Priority", "Calendar", "Clocks"]
    res = result(call(client, "setPriority", []), "setPriority")
    assert res.findtext(_q("Priority")) == "CRITICAL"
    res = result(call(client, "answerSurvey", []), "answerSurvey")
    assert (res.findtext(_q("State")), res.findtext(_q("StateName"))) == ("FINISHED", "Finalizado")
