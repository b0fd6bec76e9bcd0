"""The request lifecycle: both flows, the customer's reply, Pre-cierre and its survey, the
rules on who moves what, internal notes, priorities and the mails each step sends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import AddComment, AnswerSurvey
from tests.helpdesk.requests_support import (
    COMMERCIAL_ITEM,
    world_fixture,  # noqa: F401
)

ACTIVITY = "El estado de la solicitud ha pasado a ser en {}."
SECRET = "nota interna: el cliente debe dinero"


def refused(code: HelpdeskCode, call, *args):  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as caught:
        call(*args)
    assert caught.value.code is code, caught.value.description
    return caught.value.description


def states(world, token, key):  # type: ignore[no-untyped-def]
    return [t.state for t in world.requests.get_available_transitions(token, key).transitions]


def test_the_support_flow_with_a_pause_the_reply_pre_cierre_and_the_survey(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana, cc_emails=("jefe@acme.co",))
    assert states(world, agent, key) == ["IN_PROGRESS", "PENDING_CUSTOMER"]
    assert states(world, ana, key) == []
    world.clock.advance(minutes=30)
    assert r.transition_request(agent, key, "en curso", None).state_name == "En curso"
    r.add_comment(AddComment(agent, key, SECRET, internal=True))
    world.clock.advance(minutes=10)
    moved = r.transition_request(agent, key, "Pendiente por Cliente", "Envíanos el comprobante")
    assert moved.state == "PENDING_CUSTOMER"
    world.clock.advance(hours=2)
    replied = r.add_comment(AddComment(ana, key, "Adjunto el comprobante"))
    assert (replied.state, replied.state_name) == ("IN_PROGRESS", "En curso")  # D34
    world.clock.advance(minutes=20)
    assert r.transition_request(agent, key, "PRE_CLOSURE", "Listo").state == "PRE_CLOSURE"
    view = r.get_request(ana, key)
    assert view.survey_open
    # A comment in Pre-cierre changes nothing (D14).
    assert r.add_comment(AddComment(ana, key, "Gracias")).state == "PRE_CLOSURE"
    answered = r.answer_survey(AnswerSurvey(ana, key, 5, 4, "Sí"))
    assert (answered.state, answered.state_name) == ("FINISHED", "Finalizado")

    view = r.get_request(ana, key)
    activities = [c.body for c in view.comments if c.author is None]
    assert activities == [
        ACTIVITY.format(name)
        for name in ("En curso", "Pendiente por Cliente", "En curso", "Pre-cierre", "Finalizado")
    ]
    assert SECRET not in [c.body for c in view.comments]
    assert SECRET in [c.body for c in r.get_request(agent, key).comments]
    history = r.get_history(ana, key)
    assert "INTERNAL_NOTE" not in [e.kind for e in history.events]
    assert "INTERNAL_NOTE" in [e.kind for e in r.get_history(agent, key).events]
    sla_kinds = [(e.kind, e.clock) for e in history.events if e.kind.startswith("SLA_")]
    assert sla_kinds == [
        ("SLA_STARTED", "RESPONSE"),
        ("SLA_STARTED", "RESOLUTION"),
        ("SLA_STOPPED", "RESPONSE"),
        ("SLA_PAUSED", "RESOLUTION"),
        ("SLA_RESUMED", "RESOLUTION"),
        ("SLA_STOPPED", "RESOLUTION"),
    ]
    # The resolution clock ran 30 + 10 + 20 minutes: the two hours of the pause do not count.
    resolution = {c.clock: c for c in r.get_sla_status(ana, key, None).clocks}["RESOLUTION"]
    assert resolution.elapsed_minutes == 60

    kinds = [m.kind for m in world.mails("ana@acme.co")]
    # One mail per move: the words an agent moves a request with go in the state's own mail.
    assert kinds == [
        "helpdesk.created",
        "helpdesk.pending_customer",
        "helpdesk.pre_closure",
        "helpdesk.finished",
    ]
    pending = next(m for m in world.mails() if m.kind == "helpdesk.pending_customer")
    assert "Envíanos el comprobante" in pending.text_body
    assert all(m.cc == ["jefe@acme.co"] for m in world.mails("ana@acme.co"))
    assert not any(SECRET in m.text_body or SECRET in m.html_body for m in world.mails())
    survey = next(m for m in world.mails() if m.kind == "helpdesk.pre_closure")
    assert "https://pagos.example.co/helpdesk/solicitudes/MITICKET-1/encuesta" in survey.text_body
    # Entered at 13:00 Bogota on Monday 23 Nov 2026: five calendar days later.
    assert "28/11/2026 13:00 (hora de Bogotá)" in survey.text_body

    # Finalizado is final (D37).
    for call, *args in [
        (r.add_comment, AddComment(ana, key, "otra cosa")),
        (r.share_request, ana, key, "x@acme.co"),
        (r.transition_request, agent, key, "IN_PROGRESS", None),
    ]:
        refused(HelpdeskCode.FAIL_REQUESTCLOSED, call, *args)
    assert states(world, agent, key) == []
    # ...and a new request may continue it.
    follow = world.create(ana, related_request_key=key.lower())
    assert r.get_request(ana, follow).related_request_key == key


def _to_pre_closure(world, agent, key):  # type: ignore[no-untyped-def]
    world.requests.transition_request(agent, key, "IN_PROGRESS", None)
    world.requests.transition_request(agent, key, "PRE_CLOSURE", None)


def test_survey_no_with_a_comment_reopens_in_a_new_sla_cycle(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    _to_pre_closure(world, agent, key)
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD, r.answer_survey, AnswerSurvey(ana, key, 2, 2, "No")
    )
    assert description.startswith("Comment")
    for bad, element in [
        (AnswerSurvey(ana, key, 0, 2, "Si"), "ServiceRating"),
        (AnswerSurvey(ana, key, 3, 6, "Si"), "TimelinessRating"),
        (AnswerSurvey(ana, key, 3, 3, "Quizás"), "AuthorizeClosing"),
    ]:
        assert refused(HelpdeskCode.FAIL_INVALIDFIELD, r.answer_survey, bad).startswith(element)
    world.clock.advance(hours=1)
    moved = r.answer_survey(AnswerSurvey(ana, key, 2, 1, "n", "Sigue fallando"))
    assert (moved.state, moved.state_name) == ("REOPENED", "Re-Abierto")
    sla = r.get_sla_status(ana, key, None)
    assert all(len(clock.cycles) == 2 for clock in sla.clocks)
    assert not r.get_request(ana, key).survey_open
    refused(
        HelpdeskCode.FAIL_INVALIDTRANSITION, r.answer_survey, AnswerSurvey(ana, key, 5, 5, "Si")
    )
    assert set(states(world, agent, key)) >= {"IN_PROGRESS", "ESCALATED"}
    # The second Pre-cierre is a second survey cycle.
    _to_pre_closure(world, agent, key)
    assert r.answer_survey(AnswerSurvey(ana, key, 5, 5, "SI")).state == "FINISHED"


def test_only_the_reporter_answers_the_survey(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    luis = world.customer("luis@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    refused(
        HelpdeskCode.FAIL_INVALIDTRANSITION, r.answer_survey, AnswerSurvey(ana, key, 5, 5, "Si")
    )
    _to_pre_closure(world, agent, key)
    for other in (luis, agent):
        refused(HelpdeskCode.FAIL_NOTALLOWED, r.answer_survey, AnswerSurvey(other, key, 5, 5, "Si"))
    # A customer leaves Pre-cierre only through the survey.
    assert states(world, ana, key) == []
    refused(HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, ana, key, "FINISHED", None)


def test_survey_si_only_recorded_when_configured_and_editable_in_the_cycle(world) -> None:
    from dataclasses import replace

    from sqlalchemy import select

    from gateway.store.helpdesk_tables import SurveyRow

    r = world.requests
    r._settings = replace(world.settings, helpdesk_survey_closes=False)
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    _to_pre_closure(world, agent, key)
    assert r.answer_survey(AnswerSurvey(ana, key, 4, 4, "Si")).state == "PRE_CLOSURE"
    assert r.answer_survey(AnswerSurvey(ana, key, 3, 2, "Si", "Mejor 3")).state == "PRE_CLOSURE"
    with world.uow() as uow:
        surveys = uow.session.execute(select(SurveyRow.__table__)).all()
    assert [(s.cycle, s.service_rating, s.comment) for s in surveys] == [(1, 3, "Mejor 3")]
    kinds = [e.kind for e in r.get_history(ana, key).events]
    assert kinds.count("SURVEY_ANSWERED") == 2


def test_the_commercial_flow_and_its_survey_no(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    back = world.back_office()
    analyst = world.analyst()
    key = world.create(ana, COMMERCIAL_ITEM)
    view = r.get_request(ana, key)
    assert (view.flow, view.summary) == (
        "COMMERCIAL",
        "Requerimiento comercial - Nuevo medio de pago",
    )
    # The support analyst does not work the commercial flow.
    assert states(world, analyst, key) == []
    refused(
        HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, analyst, key, "IN_PROGRESS", None
    )
    refused(HelpdeskCode.FAIL_NOTALLOWED, r.set_priority, analyst, key, "ALTA")
    assert states(world, back, key) == ["IN_PROGRESS", "PENDING_CUSTOMER"]
    assert r.transition_request(back, key, "En Curso", None).state_name == "En Curso"
    refused(HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, back, key, "ESCALATED", None)
    r.transition_request(back, key, "pre-cierre", None)
    moved = r.answer_survey(AnswerSurvey(ana, key, 1, 1, "No", "No es lo que pedí"))
    assert moved.state == "PRE_CLOSURE"  # D16: recorded, no reopening
    flagged = [e for e in r.get_history(back, key).events if e.kind == "INTERNAL_NOTE"]
    assert len(flagged) == 1 and "No es lo que pedí" in flagged[0].text
    assert "INTERNAL_NOTE" not in [e.kind for e in r.get_history(ana, key).events]


def test_illegal_moves_and_unknown_states(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    for target in ("PRE_CLOSURE", "FINISHED", "Re-Abierto", "ASSIGNMENT_REVIEW"):
        refused(HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, agent, key, target, None)
    refused(
        HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, ana, key, "IN_PROGRESS", None
    )
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD, r.transition_request, agent, key, "Volando", None
    )
    assert description.startswith("ToState")
    # Refused moves wrote nothing (not even their comment).
    refused(HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, agent, key, "FINISHED", "x")
    assert [e.kind for e in r.get_history(agent, key).events][-1] == "SLA_STARTED"
    # Pauses return only where they came from.
    r.transition_request(agent, key, "IN_PROGRESS", None)
    r.transition_request(agent, key, "En Fábrica", None)
    assert states(world, agent, key) == ["IN_PROGRESS"]
    assert states(world, ana, key) == []  # only Pendiente por Cliente is the customer's
    refused(
        HelpdeskCode.FAIL_INVALIDTRANSITION, r.transition_request, agent, key, "ESCALATED", None
    )


def test_internal_notes_and_priority_are_for_agents(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    refused(HelpdeskCode.FAIL_NOTALLOWED, r.add_comment, AddComment(ana, key, "x", internal=True))
    refused(HelpdeskCode.FAIL_NOTALLOWED, r.set_priority, ana, key, "CRITICA")
    assert r.set_priority(agent, key, "Crítica") == "CRITICA"
    assert r.get_request(ana, key).priority == "CRITICA"
    assert r.get_sla_status(ana, key, None).calendar == "24x7"
    refused(HelpdeskCode.FAIL_INVALIDFIELD, r.set_priority, agent, key, "Baja")
    refused(HelpdeskCode.FAIL_INVALIDFIELD, r.add_comment, AddComment(agent, key, "   "))


def test_notifications_can_be_turned_off_by_the_reporter(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    luis = world.customer("luis@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    refused(HelpdeskCode.FAIL_NOTALLOWED, r.set_notifications, luis, key, False)
    r.set_notifications(ana, key, False)
    assert not r.get_request(ana, key).notifications
    r.add_comment(AddComment(agent, key, "Estamos revisando"))
    assert [m.kind for m in world.mails()] == ["helpdesk.created"]
    r.share_request(ana, key, "jefe@acme.co")
    r.add_comment(AddComment(agent, key, "Seguimos"))
    assert world.mails()[-1].to == ["jefe@acme.co"]
    r.set_notifications(ana, key, True)
    r.add_comment(AddComment(agent, key, "Ya casi"))
    assert (world.mails()[-1].to, world.mails()[-1].cc) == (["ana@acme.co"], ["jefe@acme.co"])
    kinds = [e.kind for e in r.get_history(ana, key).events]
    assert kinds.count("NOTIFICATIONS_CHANGED") == 2


def test_sla_status_with_a_pause_and_as_of_projection(world) -> None:
    r = world.requests
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    created_at = world.clock.now()  # Monday 10:00 Bogota
    key = world.create(ana)
    response = {c.clock: c for c in r.get_sla_status(ana, key, None).clocks}["RESPONSE"]
    assert (response.target_minutes, response.remaining_minutes) == (240, 240)
    assert response.due_at == created_at + timedelta(hours=4)
    # Projected to 15:30 the same day: 30 minutes past the target.
    late = r.get_sla_status(ana, key, created_at + timedelta(hours=5, minutes=30))
    response = {c.clock: c for c in late.clocks}["RESPONSE"]
    assert (response.elapsed_minutes, response.remaining_minutes, response.breached) == (
        330,
        0,
        True,
    )
    world.clock.advance(hours=1)
    r.transition_request(agent, key, "IN_PROGRESS", None)
    world.clock.advance(hours=1)
    r.transition_request(agent, key, "PENDING_CUSTOMER", None)
    world.clock.advance(hours=3)
    status = {c.clock: c for c in r.get_sla_status(ana, key, None).clocks}
    assert status["RESPONSE"].elapsed_minutes == 60 and not status["RESPONSE"].breached
    resolution = status["RESOLUTION"]
    assert resolution.paused and resolution.pause_reason == "Pendiente por Cliente"
    assert resolution.elapsed_minutes == 120 and resolution.due_at is None
    # The next morning, still paused: nothing more counts.
    tomorrow = r.get_sla_status(ana, key, world.clock.now() + timedelta(hours=20))
    assert {c.clock: c for c in tomorrow.clocks}["RESOLUTION"].elapsed_minutes == 120
    description = refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        r.get_sla_status,
        ana,
        key,
        created_at - timedelta(seconds=1),
    )
    assert description.startswith("AsOf")


def test_a_resolution_target_from_the_settings(world) -> None:
    from dataclasses import replace

    world.requests._settings = replace(world.settings, helpdesk_resolution_minutes={"MEDIA": 600})
    ana = world.customer("ana@acme.co")
    key = world.create(ana)
    resolution = {c.clock: c for c in world.requests.get_sla_status(ana, key, None).clocks}[
        "RESOLUTION"
    ]
    assert resolution.target_minutes == 600 and resolution.remaining_minutes == 600
