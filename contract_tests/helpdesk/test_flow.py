"""The support flow end to end, as the guides describe it, through the contract only:

a customer signed up through the e-mail link creates a request, an analyst takes it, asks the
customer (Pendiente por Cliente pauses the SLA), the customer's reply brings it back, the
analyst sends it to Pre-cierre, the survey closes it (Finalizado), and nothing may be added
after that. Then the auto-close after five calendar days, and the commercial flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contract_tests.mailbox import body_text


def listed(value: Any, *path: str) -> list[Any]:
    """`value.A.B` as a list ([] when an optional array is absent)."""
    for name in path:
        if value is None:
            return []
        value = getattr(value, name, None)
    return list(value or [])


def states(hd, person, key: str) -> set[str]:
    result = hd.ok("getAvailableTransitions", SessionToken=person.token, RequestKey=key)
    return {t.State for t in listed(result, "Transitions", "Transition")}


def view(hd, person, key: str) -> Any:
    return hd.ok("getRequest", SessionToken=person.token, RequestKey=key).Request


def test_the_support_flow_from_sign_up_to_finalizado(
    hd, mailbox, customer, analyst, stranger, new_request, move
) -> None:
    key = new_request(customer)
    assert key.startswith("MITICKET-") and key.split("-")[1].isdigit()
    created = mailbox.wait_for(customer.email, key)
    assert key in body_text(created)

    request = view(hd, customer, key)
    assert request.State == "ASSIGNMENT_REVIEW"
    assert request.StateName == "Asignación y Revisión"
    assert request.Summary == "Medios de pago - Pago en línea"
    assert request.Priority == "MEDIA"
    # The customer cannot move it; the analyst can take it.
    assert states(hd, customer, key) == set()
    assert "IN_PROGRESS" in states(hd, analyst, key)
    hd.refused(
        "transitionRequest",
        "FAIL_INVALIDTRANSITION",
        SessionToken=customer.token,
        RequestKey=key,
        ToState="IN_PROGRESS",
    )

    move(analyst, key, "En curso")  # a state's name is accepted as well as its code
    move(analyst, key, "PENDING_CUSTOMER", "¿Cuál es el número de la transacción?")
    question = mailbox.wait_for(customer.email, f"[{key}] Necesitamos tu respuesta")
    assert "¿Cuál es el número de la transacción?" in body_text(question)
    sla = hd.ok("getSlaStatus", SessionToken=customer.token, RequestKey=key)
    resolution = {c.Clock: c for c in listed(sla, "Clocks", "SlaClock")}["RESOLUTION"]
    assert resolution.Paused is True
    assert resolution.PauseReason == "Pendiente por Cliente"

    # The customer's reply returns the request to the state it came from (D34).
    reply = hd.ok("addComment", SessionToken=customer.token, RequestKey=key, Body="Es la 1000123.")
    assert reply.State == "IN_PROGRESS"

    # An internal note never reaches the customer.
    hd.ok(
        "addComment",
        SessionToken=analyst.token,
        RequestKey=key,
        Body="nota interna: revisar conciliación",
        Internal=True,
    )
    bodies = [c.Body for c in listed(view(hd, customer, key), "Comments", "Comment")]
    assert "Es la 1000123." in bodies
    assert not any("nota interna" in body for body in bodies)
    history = hd.ok("getHistory", SessionToken=customer.token, RequestKey=key)
    assert not any(
        "nota interna" in (e.Text or "") for e in listed(history, "Events", "HistoryEvent")
    )

    move(analyst, key, "PRE_CLOSURE", "Se reprocesó el pago.")
    survey_mail = mailbox.wait_for(customer.email, f"[{key}] Tu solicitud está en Pre-cierre")
    assert f"/helpdesk/solicitudes/{key}/encuesta" in body_text(survey_mail)
    assert "Se reprocesó el pago." in body_text(survey_mail)
    assert view(hd, customer, key).SurveyOpen is True
    # "No" needs a comment (D14).
    hd.refused(
        "answerSurvey",
        "FAIL_INVALIDFIELD",
        SessionToken=customer.token,
        RequestKey=key,
        ServiceRating=4,
        TimelinessRating=5,
        AuthorizeClosing="No",
    )
    closed = hd.ok(
        "answerSurvey",
        SessionToken=customer.token,
        RequestKey=key,
        ServiceRating=5,
        TimelinessRating=4,
        AuthorizeClosing="Si",
    )
    assert closed.State == "FINISHED"
    mailbox.wait_for(customer.email, f"[{key}] Tu solicitud ha sido finalizada")
    # One mail per event: created, the question, Pre-cierre, Finalizado.
    assert len([m for m in mailbox.to(customer.email) if key in str(m["Subject"])]) == 4
    assert states(hd, analyst, key) == set()
    hd.refused(
        "addComment", "FAIL_REQUESTCLOSED", SessionToken=customer.token, RequestKey=key, Body="x"
    )

    events = listed(
        hd.ok("getHistory", SessionToken=customer.token, RequestKey=key), "Events", "HistoryEvent"
    )
    moves = [(e.FromState, e.ToState) for e in events if e.Kind == "STATE_CHANGED"]
    assert moves == [
        ("ASSIGNMENT_REVIEW", "IN_PROGRESS"),
        ("IN_PROGRESS", "PENDING_CUSTOMER"),
        ("PENDING_CUSTOMER", "IN_PROGRESS"),
        ("IN_PROGRESS", "PRE_CLOSURE"),
        ("PRE_CLOSURE", "FINISHED"),
    ]
    texts = [e.Text for e in events]
    assert "El estado de la solicitud ha pasado a ser en Finalizado." in texts
    kinds = {e.Kind for e in events}
    assert {"CREATED", "SLA_STARTED", "SLA_PAUSED", "SLA_RESUMED"} <= kinds

    # Another company's customer: the request does not exist for them.
    for operation in ("getRequest", "getHistory", "getSlaStatus", "getAvailableTransitions"):
        hd.refused(operation, "FAIL_NOTFOUND", SessionToken=stranger.token, RequestKey=key)


def test_a_rejected_solution_reopens_the_request(hd, customer, analyst, new_request, move):
    key = new_request(customer)
    move(analyst, key, "IN_PROGRESS")
    move(analyst, key, "PRE_CLOSURE")
    reopened = hd.ok(
        "answerSurvey",
        SessionToken=customer.token,
        RequestKey=key,
        ServiceRating=2,
        TimelinessRating=1,
        AuthorizeClosing="No",
        Comment="Sigue sin reflejarse el pago.",
    )
    assert reopened.State == "REOPENED"
    assert reopened.StateName == "Re-Abierto"
    sla = hd.ok("getSlaStatus", SessionToken=analyst.token, RequestKey=key)
    response = {c.Clock: c for c in listed(sla, "Clocks", "SlaClock")}["RESPONSE"]
    assert len(listed(response, "Cycles", "SlaCycle")) == 2
    assert "IN_PROGRESS" in states(hd, analyst, key)


def test_pre_cierre_closes_itself_after_five_calendar_days(
    hd, customer, analyst, new_request, move, run_jobs
) -> None:
    key = new_request(customer)
    move(analyst, key, "IN_PROGRESS")
    move(analyst, key, "PRE_CLOSURE")
    entered = datetime.now(UTC)
    run_jobs(entered + timedelta(days=4, hours=23))
    assert view(hd, customer, key).State == "PRE_CLOSURE"
    run_jobs(entered + timedelta(days=5, minutes=5))
    request = view(hd, customer, key)
    assert request.State == "FINISHED"
    events = listed(
        hd.ok("getHistory", SessionToken=customer.token, RequestKey=key), "Events", "HistoryEvent"
    )
    last = [e for e in events if e.Kind == "STATE_CHANGED"][-1]
    assert (last.FromState, last.ToState, last.Actor) == ("PRE_CLOSURE", "FINISHED", None)


def test_the_commercial_flow_is_worked_by_back_office(
    hd, catalog, customer, analyst, backoffice, move
) -> None:
    commercial = next(
        c for c in catalog.Categories.Category if c.Name == "Requerimientos comerciales"
    )
    item = next(i for i in commercial.Items.Item if i.Name == "Nuevo medio de pago")
    key = hd.ok(
        "createRequest",
        SessionToken=customer.token,
        ItemCode=item.Code,
        Description="Queremos recibir pagos con Nequi",
        Phone="3001234567",
    ).RequestKey
    request = view(hd, customer, key)
    assert request.Flow == "COMMERCIAL"
    assert request.Summary == "Requerimiento comercial - Nuevo medio de pago"
    assert "IN_PROGRESS" not in states(hd, analyst, key)  # support analysts work the other flow
    assert states(hd, backoffice, key) == {"IN_PROGRESS", "PENDING_CUSTOMER"}
    move(backoffice, key, "IN_PROGRESS")
    assert "ESCALATED" not in states(hd, backoffice, key)  # no Escalado in this flow
    moved = move(backoffice, key, "PRE_CLOSURE")
    assert moved.StateName == "Pre-cierre"
