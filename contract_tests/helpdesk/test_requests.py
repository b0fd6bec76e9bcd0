"""Every other operation of the helpdesk contract, each with its refusals, on both SOAP ports
where the port could matter (the catalog, create, get)."""

from __future__ import annotations

import base64
import hashlib
import uuid

from contract_tests.helpdesk.conftest import pago_en_linea
from contract_tests.helpdesk.test_flow import listed, view

#: A 1×1 PNG: the smallest file whose type its content shows.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_the_catalog_is_the_guides_after_the_change_guide(helpdesk) -> None:
    catalog = helpdesk.ok("getCatalog")
    assert catalog.Version == 2
    categories = listed(catalog, "Categories", "Category")
    assert [c.Name for c in categories] == [
        "Módulo administrativo / Transferencia de archivos",
        "Medios de pago",
        "Funcionalidades ecollect",
        "Formación e información",
        "Requerimientos comerciales",
    ]
    items = [i for c in categories for i in listed(c, "Items", "Item")]
    assert len(items) == 22
    names = {i.Name for i in items}
    assert "Falla en experiencia de usuario" in names
    files = next(i for i in items if i.Name == "Gestión de archivos")
    select = next(f for f in listed(files, "Fields", "Field") if f.Label == "ítem")
    retired = "Solicitud eliminación y/o actualización registros de cartera"
    assert retired not in listed(select, "Options", "string")
    assert retired in listed(select, "RetiredOptions", "string")
    assert len(listed(select, "Options", "string")) == 4
    old = helpdesk.ok("getCatalog", Version=1)
    assert sum(len(listed(c, "Items", "Item")) for c in listed(old, "Categories", "Category")) == 21


def test_required_fields_are_named_when_missing(helpdesk, catalog, customer) -> None:
    item, field, _option = pago_en_linea(catalog)
    desc = helpdesk.refused(
        "createRequest",
        "FAIL_INVALIDFIELD",
        SessionToken=customer.token,
        ItemCode=item,
        Description="Sin el tipo de pago",
        Phone="3001234567",
    )
    assert field in desc
    assert "ItemCode" in helpdesk.refused(
        "createRequest",
        "FAIL_INVALIDFIELD",
        SessionToken=customer.token,
        ItemCode="NO/EXISTE",
        Description="x",
        Phone="3001234567",
    )


def test_idempotent_create_answers_the_same_key(hd, customer, new_request) -> None:
    key = uuid.uuid4().hex
    first = new_request(customer, IdempotencyKey=key)
    assert new_request(customer, IdempotencyKey=key) == first
    hd.refused(
        "createRequest",
        "FAIL_IDEMPOTENCYCONFLICT",
        SessionToken=customer.token,
        ItemCode=view(hd, customer, first).ItemCode,
        Description="otra cosa",
        Phone="3001234567",
        IdempotencyKey=key,
    )


def test_attachments_are_kept_with_their_hash_and_served_only_to_who_sees_them(
    hd, customer, stranger, new_request
) -> None:
    key = new_request(
        customer,
        Attachments={
            "NewAttachment": [
                {
                    "FileName": "captura.png",
                    "ContentType": "application/octet-stream",
                    "Content": PNG,
                }
            ]
        },
    )
    (info,) = listed(view(hd, customer, key), "Attachments", "AttachmentInfo")
    assert info.FileName == "captura.png"
    assert info.ContentType == "image/png"  # by content, not by what the caller said
    assert info.Size == len(PNG)
    assert info.Sha256 == hashlib.sha256(PNG).hexdigest()
    served = hd.ok(
        "getAttachment", SessionToken=customer.token, RequestKey=key, AttachmentId=info.Id
    )
    assert served.Content == PNG
    hd.refused(
        "getAttachment",
        "FAIL_NOTFOUND",
        SessionToken=stranger.token,
        RequestKey=key,
        AttachmentId=info.Id,
    )
    assert "Attachments" in hd.refused(
        "createRequest",
        "FAIL_INVALIDFIELD",
        SessionToken=customer.token,
        ItemCode=view(hd, customer, key).ItemCode,
        Description="ejecutable",
        Phone="3001234567",
        Fields={"FieldValue": _fields(hd, customer, key)},
        Attachments={
            "NewAttachment": [
                {"FileName": "x.pdf", "ContentType": "application/pdf", "Content": b"MZ\x90\x00"}
            ]
        },
    )


def _fields(hd, customer, key) -> list[dict[str, str]]:
    """The select values of an existing request, to create another like it."""
    return [
        {"Code": f.Code, "Value": f.Value}
        for f in listed(view(hd, customer, key), "Fields", "RequestField")
        if f.Code.startswith("TIPO")
    ]


def test_lists_share_and_notifications(hd, customer, sign_up, login, new_request) -> None:
    key = new_request(customer)
    page = hd.ok("listRequests", SessionToken=customer.token, Scope="CREATED_BY_ME", PageSize=100)
    assert page.Total >= 1
    rows = listed(page, "Requests", "RequestSummary")
    assert key in [r.RequestKey for r in rows]
    updated = [r.UpdatedAt for r in rows]
    assert updated == sorted(updated, reverse=True)  # newest activity first
    # Share with someone of another company: they now see it.
    friend = login(sign_up("friend", company="Otra Empresa S.A.S.", nit="800197268-4"))
    hd.refused("getRequest", "FAIL_NOTFOUND", SessionToken=friend.token, RequestKey=key)
    hd.ok("shareRequest", SessionToken=customer.token, RequestKey=key, Email=friend.email)
    assert view(hd, friend, key).RequestKey == key
    shared = hd.ok("listRequests", SessionToken=friend.token, Scope="SHARED_WITH_ME")
    assert key in [r.RequestKey for r in listed(shared, "Requests", "RequestSummary")]
    hd.ok("setNotifications", SessionToken=customer.token, RequestKey=key, Enabled=False)
    assert view(hd, customer, key).Notifications is False
    assert "PageSize" in hd.refused(
        "listRequests", "FAIL_INVALIDFIELD", SessionToken=customer.token, PageSize=1000
    )


def test_priority_is_the_agents_to_set(hd, customer, analyst, new_request) -> None:
    key = new_request(customer)
    hd.refused(
        "setPriority",
        "FAIL_NOTALLOWED",
        SessionToken=customer.token,
        RequestKey=key,
        Priority="ALTA",
    )
    assert (
        hd.ok("setPriority", SessionToken=analyst.token, RequestKey=key, Priority="ALTA").Priority
        == "ALTA"
    )
    sla = hd.ok("getSlaStatus", SessionToken=customer.token, RequestKey=key)
    assert sla.Priority == "ALTA"
    response = {c.Clock: c for c in listed(sla, "Clocks", "SlaClock")}["RESPONSE"]
    assert response.TargetMinutes == 120
    hd.refused(
        "addComment",
        "FAIL_NOTALLOWED",
        SessionToken=customer.token,
        RequestKey=key,
        Body="intento de nota interna",
        Internal=True,
    )


def test_unknown_keys_and_sessions(hd, customer) -> None:
    hd.refused("getRequest", "FAIL_NOTFOUND", SessionToken=customer.token, RequestKey="MITICKET-0")
    hd.refused("getRequest", "FAIL_NOTFOUND", SessionToken=customer.token, RequestKey="nada")
    hd.refused("getRequest", "FAIL_SESSIONEXPIRED", SessionToken="x" * 43, RequestKey="MITICKET-1")
