"""Catalog, createRequest, getRequest, attachments, visibility and listRequests."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest

from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import AddComment, FieldValue, ListRequests
from tests.helpdesk.requests_support import (
    COMMERCIAL_ITEM,
    ONLINE_ITEM,
    PDF,
    PNG,
    SUPPORT_ITEM,
    attachment,
    new_request,
    world_fixture,  # noqa: F401
)

ONLINE_CODE = "TIPO_DE_PAGO_EN_LINEA"
ONLINE_FIELD = f"Fields[{ONLINE_CODE}]"


def refused(code: HelpdeskCode, call, *args):  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as caught:
        call(*args)
    assert caught.value.code is code, caught.value.description
    return caught.value.description


def test_catalog_current_and_old_versions(world) -> None:
    current = world.requests.get_catalog()
    assert current.version == 2
    items = {i.code: i for cat in current.categories for i in cat.items}
    assert "FUNCIONALIDADES_ECOLLECT/FALLA_EN_EXPERIENCIA_DE_USUARIO" in items
    assert len(items) == 22
    old = world.requests.get_catalog(1)
    assert sum(len(cat.items) for cat in old.categories) == 21
    description = refused(HelpdeskCode.FAIL_INVALIDFIELD, world.requests.get_catalog, 7)
    assert description.startswith("Version")


def test_create_answers_a_key_and_a_tracking_link_and_mails_the_reporter(world) -> None:
    ana = world.customer("ana@acme.co")
    created = world.requests.create_request(
        new_request(ana, ONLINE_ITEM, cc_emails=("Jefe@ACME.co",))
    )
    assert created.request_key == "MITICKET-1"
    assert created.tracking_url == "https://pagos.example.co/helpdesk/solicitudes/MITICKET-1"
    view = world.requests.get_request(ana, "miticket-1")
    assert view.summary == "Medios de pago - Pago en línea"
    assert (view.state, view.state_name, view.priority) == (
        "ASSIGNMENT_REVIEW",
        "Asignación y Revisión",
        "MEDIA",
    )
    assert view.flow == "SUPPORT"
    assert [(f.label, f.value) for f in view.fields] == [("Tipo de pago en línea", "PSE")]
    assert view.shared_with == ("jefe@acme.co",)
    (mail,) = world.mails()
    assert mail.to == ["ana@acme.co"] and mail.cc == ["jefe@acme.co"]
    assert "MITICKET-1" in mail.subject and created.tracking_url in mail.text_body
    # The next request takes the next number of the sequence.
    assert world.create(ana) == "MITICKET-2"


@pytest.mark.parametrize(
    ("fields", "element"),
    [
        ({"item_code": "MEDIOS_DE_PAGO/NO_EXISTE"}, "ItemCode"),
        ({"item_code": None}, "ItemCode"),
        ({"description": "  "}, "Description"),
        ({"phone": None}, "Phone"),
        ({"phone": "llámame"}, "Phone"),
        ({"fields": ()}, "Fields[TIPO_DE_PAGO_EN_LINEA]"),
        (
            {"fields": (FieldValue("tipo-de-pago-en-linea", "Bitcoin"),)},
            "Fields[TIPO_DE_PAGO_EN_LINEA]",
        ),
        (
            {"fields": (FieldValue("COLOR", "rojo"), FieldValue("TIPO_DE_PAGO_EN_LINEA", "PSE"))},
            "Fields[COLOR]",
        ),
        ({"cc_emails": ("no-es-correo",)}, "CcEmails[1]"),
        ({"cc_emails": tuple(f"p{i}@acme.co" for i in range(11))}, "CcEmails"),
        ({"on_behalf_of": "nadie@otra.co"}, "OnBehalfOf"),
        ({"related_request_key": "MITICKET-999"}, "RelatedRequestKey"),
    ],
)
def test_create_refuses_a_bad_field_naming_it_and_writes_nothing(world, fields, element) -> None:
    ana = world.customer("ana@acme.co")
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(ana, ONLINE_ITEM, **fields),
    )
    assert description.split(":")[0] == element
    assert world.requests.list_requests(ListRequests(session_token=ana)).total == 0
    assert world.mails() == []


def test_a_field_code_may_be_spelt_as_its_label_slug(world) -> None:
    ana = world.customer("ana@acme.co")
    key = world.create(ana, ONLINE_ITEM, fields=(FieldValue("tipo-de-pago-en-linea", "PSE"),))
    assert world.requests.get_request(ana, key).fields[0].value == "PSE"


def test_the_retired_option_cannot_be_chosen(world) -> None:
    ana = world.customer("ana@acme.co")
    retired = "Solicitud eliminación y/o actualización registros de cartera"
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(
            ana,
            "MODULO_ADMINISTRATIVO_TRANSFERENCIA_DE_ARCHIVOS/GESTION_DE_ARCHIVOS",
            fields=(FieldValue("ITEM", retired),),
        ),
    )
    assert description == "Fields[ITEM]: option no longer offered"


def test_on_behalf_of_a_colleague_but_not_of_another_company(world) -> None:
    ana = world.customer("ana@acme.co")
    world.customer("luis@acme.co")
    world.customer("eva@otra.co", company="OTRA")
    key = world.create(ana, on_behalf_of="Luis@acme.co")
    view = world.requests.get_request(ana, key)
    assert (view.reporter.email, view.created_by.email) == ("luis@acme.co", "ana@acme.co")
    refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(ana, on_behalf_of="eva@otra.co"),
    )


def test_an_agent_creates_for_a_customer_or_invites_an_unknown_address(world) -> None:
    agent = world.analyst()
    world.customer("ana@acme.co")
    key = world.create(agent, on_behalf_of="ana@acme.co")
    assert world.requests.get_request(agent, key).reporter.email == "ana@acme.co"
    # No invitation wired: refused, naming the element.
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(agent, on_behalf_of="nuevo@acme.co"),
    )
    assert description.startswith("OnBehalfOf")
    invited: list[str] = []

    def invite(uow, *, email, invited_by, now, settings):  # type: ignore[no-untyped-def]
        from gateway.store.helpdesk_tables import PersonRow

        row = PersonRow(email=email, role="CUSTOMER", created_at=now, active=True)
        uow.session.add(row)
        uow.session.flush()
        invited.append(email)
        return row.id

    world.requests._invite = invite
    key = world.create(agent, on_behalf_of="nuevo@acme.co")
    assert invited == ["nuevo@acme.co"]
    assert world.requests.get_request(agent, key).reporter.email == "nuevo@acme.co"


def test_related_request_must_be_finalizado(world) -> None:
    ana = world.customer("ana@acme.co")
    open_key = world.create(ana)
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(ana, related_request_key=open_key),
    )
    assert description == "RelatedRequestKey: not a Finalizado request"


# -- idempotency --------------------------------------------------------------------------


def test_the_same_idempotency_key_and_payload_answers_the_same_request(world) -> None:
    ana = world.customer("ana@acme.co")
    first = world.requests.create_request(new_request(ana, idempotency_key="k-1"))
    again = world.requests.create_request(new_request(ana, idempotency_key="k-1"))
    assert (again.request_key, again.replayed, first.replayed) == (first.request_key, True, False)
    assert len(world.mails()) == 1
    assert world.requests.list_requests(ListRequests(session_token=ana)).total == 1
    refused(
        HelpdeskCode.FAIL_IDEMPOTENCYCONFLICT,
        world.requests.create_request,
        new_request(ana, idempotency_key="k-1", description="Otra cosa"),
    )
    # Another person's key is another key.
    luis = world.customer("luis@acme.co")
    other = world.requests.create_request(new_request(luis, idempotency_key="k-1"))
    assert other.request_key != first.request_key and not other.replayed


# -- attachments ------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_attachments_are_typed_by_their_content_and_hashed(world) -> None:
    ana = world.customer("ana@acme.co")
    key = world.create(
        ana,
        attachments=(
            attachment("../../etc/factura.pdf", PDF, "image/png"),
            attachment("captura.png", PNG, "application/octet-stream"),
            attachment("datos.csv", "id;valor\n1;ñandú\n".encode(), "text/csv"),
            attachment("carta.docx", _docx(), None),
        ),
    )
    view = world.requests.get_request(ana, key)
    assert [(a.file_name, a.content_type) for a in view.attachments] == [
        ("factura.pdf", "application/pdf"),
        ("captura.png", "image/png"),
        ("datos.csv", "text/csv"),
        ("carta.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    first = view.attachments[0]
    assert first.sha256 == hashlib.sha256(PDF).hexdigest() and first.size == len(PDF)
    content = world.requests.get_attachment(ana, key, first.id)
    assert content.content == PDF


@pytest.mark.parametrize(
    ("uploads", "element"),
    [
        (
            (attachment("a.pdf", PDF), attachment("virus.exe", b"MZ\x90\x00\x03")),
            "Attachments[2].Content",
        ),
        ((attachment("vacío.txt", b""),), "Attachments[1].Content"),
        ((attachment("grande.pdf", PDF + b"x" * 2000),), "Attachments[1].Content"),
        (tuple(attachment(f"{i}.pdf", PDF) for i in range(3)), "Attachments"),
    ],
)
def test_attachments_outside_the_limits_are_refused(world, uploads, element) -> None:
    from dataclasses import replace

    world.requests._settings = replace(
        world.settings, helpdesk_attachment_max_bytes=1000, helpdesk_attachment_max_count=2
    )
    ana = world.customer("ana@acme.co")
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        world.requests.create_request,
        new_request(ana, attachments=uploads),
    )
    assert description.split(":")[0] == element


def test_an_internal_note_attachment_is_for_agents_only(world) -> None:
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    world.requests.add_comment(
        AddComment(agent, key, "Log del servidor", True, (attachment("log.txt", b"secreto"),))
    )
    assert world.requests.get_request(ana, key).attachments == ()
    (info,) = world.requests.get_request(agent, key).attachments
    refused(HelpdeskCode.FAIL_NOTFOUND, world.requests.get_attachment, ana, key, info.id)
    assert world.requests.get_attachment(agent, key, info.id).content == b"secreto"


# -- visibility ---------------------------------------------------------------------------


def test_another_customers_request_does_not_exist_for_him_in_any_operation(world) -> None:
    from gateway.helpdesk.commands import AnswerSurvey

    ana = world.customer("ana@acme.co")
    eva = world.customer("eva@otra.co", company="OTRA")
    key = world.create(ana, attachments=(attachment("f.pdf", PDF),))
    (info,) = world.requests.get_request(ana, key).attachments
    r = world.requests
    calls = [
        (r.get_request, eva, key),
        (r.get_attachment, eva, key, info.id),
        (r.add_comment, AddComment(eva, key, "hola")),
        (r.share_request, eva, key, "eva@otra.co"),
        (r.set_notifications, eva, key, False),
        (r.get_available_transitions, eva, key),
        (r.transition_request, eva, key, "IN_PROGRESS", None),
        (r.set_priority, eva, key, "ALTA"),
        (r.answer_survey, AnswerSurvey(eva, key, 5, 5, "Si")),
        (r.get_sla_status, eva, key, None),
        (r.get_history, eva, key),
    ]
    for call, *args in calls:
        refused(HelpdeskCode.FAIL_NOTFOUND, call, *args)
    for bad_key in ("MITICKET-999", "OTRO-1", "", None, "MITICKET-1; DROP"):
        refused(HelpdeskCode.FAIL_NOTFOUND, r.get_request, ana, bad_key)
    assert r.list_requests(ListRequests(session_token=eva)).total == 0


def test_colleagues_and_shared_addresses_see_the_request(world) -> None:
    ana = world.customer("ana@acme.co")
    luis = world.customer("luis@acme.co")
    eva = world.customer("eva@otra.co", company="OTRA")
    key = world.create(ana)
    assert world.requests.get_request(luis, key).request_key == key  # same company (D29)
    world.requests.share_request(ana, key, "EVA@otra.co")
    world.requests.share_request(ana, key, "eva@otra.co")  # again: nothing new
    assert world.requests.get_request(eva, key).shared_with == ("eva@otra.co",)
    world.requests.add_comment(AddComment(eva, key, "Yo también lo veo"))
    kinds = [e.kind for e in world.requests.get_history(ana, key).events]
    assert kinds.count("SHARED") == 1


def test_an_expired_session_is_refused(world) -> None:
    ana = world.customer("ana@acme.co")
    world.clock.advance(days=61)
    refused(HelpdeskCode.FAIL_SESSIONEXPIRED, world.requests.list_requests, ListRequests(ana))
    refused(HelpdeskCode.FAIL_SESSIONEXPIRED, world.requests.get_request, "nope", "MITICKET-1")


# -- listRequests ---------------------------------------------------------------------------


def test_list_scopes_filters_and_pages(world) -> None:
    ana = world.customer("ana@acme.co")
    luis = world.customer("luis@acme.co")
    eva = world.customer("eva@otra.co", company="OTRA")
    agent = world.analyst()
    keys = []
    for n in range(5):
        keys.append(world.create(ana, description=f"Problema número {n}"))
        world.clock.advance(minutes=1)
    luis_key = world.create(luis, ONLINE_ITEM)
    world.clock.advance(minutes=1)
    eva_key = world.create(eva, COMMERCIAL_ITEM)
    world.requests.share_request(eva, eva_key, "ana@acme.co")
    world.clock.advance(minutes=1)
    world.requests.add_comment(AddComment(ana, keys[0], "¿Alguna novedad?"))  # newest activity

    def listed(token, **fields):  # type: ignore[no-untyped-def]
        page = world.requests.list_requests(ListRequests(session_token=token, **fields))
        return page.total, [s.request_key for s in page.requests]

    total, order = listed(ana)
    assert total == 7
    assert order == [keys[0], eva_key, luis_key, keys[4], keys[3], keys[2], keys[1]]
    assert listed(ana, scope="CREATED_BY_ME")[0] == 5
    assert sorted(listed(ana, scope="shared_with_me")[1]) == sorted([luis_key, eva_key])
    assert listed(eva)[1] == [eva_key]
    assert listed(agent)[0] == 7
    assert listed(ana, item_code=ONLINE_ITEM)[1] == [luis_key]
    assert listed(ana, text="NÚMERO 3")[1] == [keys[3]]
    assert listed(ana, text="miticket-2")[1] == [keys[1]]
    assert listed(ana, text="100%")[0] == 0
    assert listed(ana, states=("IN_PROGRESS",))[0] == 0
    assert listed(ana, states=("ASSIGNMENT_REVIEW",))[0] == 7
    assert listed(ana, page=2, page_size=3) == (7, [keys[4], keys[3], keys[2]])
    assert listed(ana, page=3, page_size=3) == (7, [keys[1]])
    start = world.clock.now() - timedelta(minutes=3)  # when keys[4] was created
    assert listed(ana, created_from=start)[1] == [eva_key, luis_key, keys[4]]
    assert listed(ana, created_to=start)[0] == 5
    for bad in (
        {"page_size": 101},
        {"page_size": 0},
        {"page": 0},
        {"scope": "MINE"},
        {"states": ("ABIERTO",)},
    ):
        refused(
            HelpdeskCode.FAIL_INVALIDFIELD,
            world.requests.list_requests,
            ListRequests(session_token=ana, **bad),
        )


def test_the_list_item_code_is_any_case(world) -> None:
    ana = world.customer("ana@acme.co")
    world.create(ana, SUPPORT_ITEM)
    page = world.requests.list_requests(ListRequests(ana, item_code=SUPPORT_ITEM.lower()))
    assert page.total == 1
