"""The helpdesk's main flow driven by a real PHP ext-soap client against the live gateway
(gunicorn + the jobs loop + a real SMTP server for its mail):

sign-up by the e-mail link -> login -> create a request with an attachment -> an analyst takes
it, asks the customer, the customer replies -> Pre-cierre -> survey "Si" -> Finalizado, and the
history the customer reads back. Each step is one PHP process, as a PHP portal would call it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from contract_tests.mailbox import SmtpMailbox, body_text
from contract_tests.server import RunningGateway
from tests.e2e.conftest import HERE, ClientTool, _php_problem

PHP = ClientTool("PHP ext-soap", ("php", str(HERE / "php" / "helpdesk_call.php")), _php_problem)
PATH = "/helpdesk/webservice/MesaDeAyuda.asmx"
PASSWORD = "Php-Mesa-2026-ok"
AGENT_PASSWORD = "MesaDemo-2026"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def php(mail_gateway: RunningGateway) -> Callable[..., dict[str, Any]]:
    wsdl = f"{mail_gateway.base_url}{PATH}?wsdl"

    def call(operation: str, *flags: str, **request: Any) -> dict[str, Any]:
        result = PHP.call(wsdl, operation, request, *flags)["result"]
        assert result["ReturnCode"] == "SUCCESS", f"{operation}: {result}"
        return result

    return call


def listed(value: Any, name: str) -> list[Any]:
    """SOAP_SINGLE_ELEMENT_ARRAYS: an ArrayOfX is {"X": [...]} (absent when empty)."""
    return list((value or {}).get(name) or [])


def test_php_runs_the_helpdesk_main_flow(php, mailbox: SmtpMailbox) -> None:
    email = f"php-{uuid.uuid4().hex[:8]}@contract.test"
    php("registerCustomer", Email=email)
    token = re.findall(r"token=([A-Za-z0-9_-]+)", body_text(mailbox.wait_for(email)))[-1]
    php(
        "completeRegistration",
        SignupToken=token,
        FullName="Cliente PHP",
        Password=PASSWORD,
        CompanyTaxIdType="NIT",
        CompanyTaxId="900123456-8",
        CompanyName="Comercio PHP S.A.S.",
    )
    customer = php("login", "--soap12", Email=email, Password=PASSWORD)["SessionToken"]
    analyst = php("login", Email="analista@demo.test", Password=AGENT_PASSWORD)["SessionToken"]

    catalog = php("getCatalog")
    items = [
        i for c in listed(catalog["Categories"], "Category") for i in listed(c["Items"], "Item")
    ]
    item = next(i for i in items if i["Name"] == "Pago en línea")
    field = next(
        f for f in listed(item["Fields"], "Field") if f["Label"] == "Tipo de pago en línea"
    )
    created = php(
        "createRequest",
        SessionToken=customer,
        ItemCode=item["Code"],
        Description="Pago PSE sin confirmar",
        Phone="3001234567",
        Fields={
            "FieldValue": [{"Code": field["Code"], "Value": listed(field["Options"], "string")[0]}]
        },
        Attachments={
            "NewAttachment": [
                {
                    "FileName": "soporte.png",
                    "ContentType": "image/png",
                    "Content": "base64:" + base64.b64encode(PNG).decode(),
                }
            ]
        },
        IdempotencyKey=uuid.uuid4().hex,
    )
    key = created["RequestKey"]
    assert created["TrackingUrl"].endswith(key)
    assert key in body_text(mailbox.wait_for(email, key))

    php("transitionRequest", SessionToken=analyst, RequestKey=key, ToState="IN_PROGRESS")
    php(
        "transitionRequest",
        SessionToken=analyst,
        RequestKey=key,
        ToState="PENDING_CUSTOMER",
        Comment="Envíenos el comprobante del banco.",
    )
    reply = php("addComment", SessionToken=customer, RequestKey=key, Body="Adjunto el comprobante.")
    assert reply["State"] == "IN_PROGRESS"
    php("transitionRequest", SessionToken=analyst, RequestKey=key, ToState="PRE_CLOSURE")
    closed = php(
        "answerSurvey",
        SessionToken=customer,
        RequestKey=key,
        ServiceRating=5,
        TimelinessRating=5,
        AuthorizeClosing="Si",
    )
    assert closed["State"] == "FINISHED" and closed["StateName"] == "Finalizado"

    request = php("getRequest", SessionToken=customer, RequestKey=key)["Request"]
    (attachment,) = listed(request["Attachments"], "AttachmentInfo")
    assert attachment["Sha256"] == hashlib.sha256(PNG).hexdigest()
    content = php(
        "getAttachment", SessionToken=customer, RequestKey=key, AttachmentId=attachment["Id"]
    )["Content"]
    assert content == "base64:" + base64.b64encode(PNG).decode()
    history = php("getHistory", SessionToken=customer, RequestKey=key)
    moves = [
        e["ToState"]
        for e in listed(history["Events"], "HistoryEvent")
        if e["Kind"] == "STATE_CHANGED"
    ]
    assert moves == ["IN_PROGRESS", "PENDING_CUSTOMER", "IN_PROGRESS", "PRE_CLOSURE", "FINISHED"]
    php("logout", SessionToken=customer)
