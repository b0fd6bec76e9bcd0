"""A zeep client generated from the served `?wsdl` calls the helpdesk on both ports.

zeep (strict mode) parses every answer against the WSDL's schema: element order, types
(an `xs:dateTime` with its offset, `xs:base64Binary`, `xs:boolean`) and occurrences. No
network: requests go to the WSGI app through a `requests` adapter.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
import zeep
from zeep.transports import Transport

from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import FieldValue, NewAttachment
from tests.helpdesk.soap_double import CREATED, PATH, UPDATED, RecordingHelpdesk, helpdesk_app
from tests.soap.support import HOST, WSGIAdapter

BOGOTA = timezone(timedelta(hours=-5))


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    helpdesk = RecordingHelpdesk()
    app = helpdesk_app(tmp_path_factory.mktemp("zeep") / "g.sqlite3", helpdesk)
    yield app, helpdesk
    app.container.close()


@pytest.fixture(params=["MesaDeAyudaSoap", "MesaDeAyudaSoap12"])
def service(gateway, request):
    app, _ = gateway
    session = requests.Session()
    session.mount(f"http://{HOST}/", WSGIAdapter(app))
    client = zeep.Client(f"http://{HOST}{PATH}?wsdl", transport=Transport(session=session))
    return client.bind("MesaDeAyuda", request.param)


def test_login_answers_an_instant_with_the_bogota_offset(service, gateway):
    answer = service.login(request={"Email": "a@example.com", "Password": "pw"})
    assert (answer.ReturnCode, answer.ReturnDesc) == ("SUCCESS", "OK")
    assert answer.SessionToken == "tok-123" and answer.Role == "CUSTOMER"
    assert answer.ExpiresAt == UPDATED and answer.ExpiresAt.utcoffset() == timedelta(hours=-5)


def test_create_request_with_lists_and_an_attachment(service, gateway):
    _, helpdesk = gateway
    answer = service.createRequest(
        request={
            "SessionToken": "tok",
            "ItemCode": "pago-en-linea",
            "Fields": {"FieldValue": [{"Code": "tipo-de-pago-en-linea", "Value": "PSE"}]},
            "CcEmails": {"string": ["a@example.com"]},
            "Attachments": {
                "NewAttachment": [
                    {"FileName": "a.txt", "ContentType": "text/plain", "Content": b"hola\x00"}
                ]
            },
        }
    )
    assert (answer.RequestKey, answer.Replayed) == ("MITICKET-12", False)
    cmd = helpdesk.last("create_request")[0][0]
    assert cmd.fields == (FieldValue("tipo-de-pago-en-linea", "PSE"),)
    assert cmd.attachments == (NewAttachment("a.txt", "text/plain", b"hola\x00"),)
    assert cmd.cc_emails == ("a@example.com",)


def test_get_request_reads_the_whole_view(service):
    answer = service.getRequest(request={"SessionToken": "t", "RequestKey": "MITICKET-12"})
    view = answer.Request
    assert view.CreatedAt == CREATED and view.CreatedBy.Role == "SUPPORT_ANALYST"
    assert view.CompanyName is None and view.SurveyOpen is False
    automatic, reply = view.Comments.Comment
    assert automatic.Author is None and reply.Author.FullName == "Luis Analista"
    assert [a.Id for a in view.Attachments.AttachmentInfo] == [7, 8]
    response_clock, resolution_clock = view.Sla.Clocks.SlaClock
    assert response_clock.TargetMinutes == 120 and resolution_clock.TargetMinutes is None
    assert (
        resolution_clock.Paused is True and resolution_clock.PauseReason == "Pendiente por Cliente"
    )


def test_catalog_attachment_list_and_history(service, gateway):
    _, helpdesk = gateway
    catalog = service.getCatalog(request={})
    (category,) = catalog.Categories.Category
    (field,) = category.Items.Item[0].Fields.Field
    assert field.Required is True and field.Options.string == ["PSE", "Tarjeta"]
    assert service.getAttachment(request={"AttachmentId": 7}).Content == b"\x89PNG"
    page = service.listRequests(
        request={"Scope": "ALL", "CreatedFrom": datetime(2026, 12, 1, tzinfo=BOGOTA), "Page": 3}
    )
    assert (page.Total, page.Page, page.PageSize) == (41, 3, 20)
    assert helpdesk.last("list_requests")[0][0].created_from == datetime(2026, 12, 1, tzinfo=BOGOTA)
    events = service.getHistory(request={"RequestKey": "MITICKET-12"}).Events.HistoryEvent
    assert [e.Kind for e in events] == ["CREATED", "SLA_PAUSED"] and events[1].Actor is None
    sla = service.getSlaStatus(request={"RequestKey": "MITICKET-12"})
    assert sla.Calendar.startswith("Lunes") and len(sla.Clocks.SlaClock) == 2


def test_a_refusal_parses_with_only_code_and_description(service, gateway):
    _, helpdesk = gateway
    helpdesk.failures["list_requests"] = Refusal(HelpdeskCode.FAIL_SESSIONEXPIRED, "log in again")
    try:
        answer = service.listRequests(request={"SessionToken": "old"})
    finally:
        del helpdesk.failures["list_requests"]
    assert (answer.ReturnCode, answer.ReturnDesc) == ("FAIL_SESSIONEXPIRED", "log in again")
    assert answer.Total is None and answer.Requests is None
