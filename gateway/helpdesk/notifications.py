"""The e-mails the helpdesk sends about a request, queued in the mail outbox (Spanish, D30).

    created      the key MITICKET-n and the tracking link
    agent reply  an agent's public comment (quoted)
    Pendiente por Cliente, Pre-cierre (the survey link and its deadline in Bogota time),
    Finalizado

Each is queued with `uow.mail.enqueue` in the unit of work of what caused it, so it goes out
exactly when that commits; its dedupe key is the event and the kind (never twice). Recipients:
the reporter, unless he turned the request's notifications off, and everyone it is shared with.
Only public content is ever written: an internal note never causes or enters a mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gateway.clock import BOGOTA
from gateway.domain.helpdesk_workflow import NAMES, Flow, RequestState
from gateway.mailtext import Rendered, render
from gateway.settings import Settings
from gateway.store.helpdesk_tables import EventRow, RequestRow
from gateway.store.uow import UnitOfWork


def tracking_url(settings: Settings, number: int) -> str:
    return f"{settings.public_url}/helpdesk/solicitudes/MITICKET-{number}"


def survey_url(settings: Settings, number: int) -> str:
    return f"{tracking_url(settings, number)}/encuesta"


def bogota_text(moment: datetime) -> str:
    return moment.astimezone(BOGOTA).strftime("%d/%m/%Y %H:%M") + " (hora de Bogotá)"


def recipients(uow: UnitOfWork, row: RequestRow, shares: Sequence[str]) -> list[str]:
    """The reporter (when his notifications are on) first, then the shares, each once."""
    found: list[str] = []
    if row.notifications:
        reporter = uow.requests.person(row.reporter_id)
        if reporter is not None:
            found.append(reporter.email)
    for email in shares:
        if email.lower() not in {f.lower() for f in found}:
            found.append(email)
    return found


def _queue(
    uow: UnitOfWork,
    row: RequestRow,
    event: EventRow,
    kind: str,
    message: Rendered,
    now: datetime,
    shares: Sequence[str],
) -> None:
    to = recipients(uow, row, shares)
    if event.internal or not to:
        return
    uow.mail.enqueue(
        dedupe_key=f"helpdesk:{row.number}:event:{event.id}:{kind}",
        kind=f"helpdesk.{kind}",
        to=to[:1],
        cc=to[1:],
        subject=message.subject,
        text=message.text,
        html=message.html,
        now=now,
    )


def _details(row: RequestRow, state_name: str) -> list[tuple[str, str]]:
    return [
        ("Solicitud", f"MITICKET-{row.number}"),
        ("Resumen", row.summary),
        ("Estado", state_name),
    ]


def created(
    uow: UnitOfWork,
    row: RequestRow,
    event: EventRow,
    state_name: str,
    settings: Settings,
    now: datetime,
    shares: Sequence[str],
) -> None:
    key = f"MITICKET-{row.number}"
    message = render(
        f"[{key}] Hemos recibido tu solicitud",
        [
            f"Tu solicitud quedó registrada con el número {key}.",
            "Te avisaremos por este medio cuando haya novedades.",
        ],
        greeting="Hola,",
        details=_details(row, state_name),
        link=("Ver la solicitud", tracking_url(settings, row.number)),
    )
    _queue(uow, row, event, "created", message, now, shares)


def agent_reply(
    uow: UnitOfWork,
    row: RequestRow,
    event: EventRow,
    author_name: str,
    settings: Settings,
    now: datetime,
    shares: Sequence[str],
) -> None:
    key = f"MITICKET-{row.number}"
    message = render(
        f"[{key}] Nueva respuesta en tu solicitud",
        [f"{author_name or 'Mesa de ayuda'} respondió en la solicitud {key}:"],
        greeting="Hola,",
        quote=event.body,
        link=("Ver la solicitud", tracking_url(settings, row.number)),
    )
    _queue(uow, row, event, "reply", message, now, shares)


#: The states whose entry mails the customer (a comment with the move goes in that mail).
MAILED_STATES = frozenset(
    {RequestState.PENDING_CUSTOMER, RequestState.PRE_CLOSURE, RequestState.FINISHED}
)


def state_changed(
    uow: UnitOfWork,
    row: RequestRow,
    event: EventRow,
    settings: Settings,
    now: datetime,
    *,
    shares: Sequence[str],
    comment: str | None = None,
) -> None:
    """The mail of the state `event` entered, for the states that have one (`MAILED_STATES`),
    quoting the public `comment` the move came with."""
    key = f"MITICKET-{row.number}"
    state = RequestState(event.to_state)
    link = ("Ver la solicitud", tracking_url(settings, row.number))
    if state is RequestState.PENDING_CUSTOMER:
        subject = f"[{key}] Necesitamos tu respuesta"
        paragraphs = [
            event.body,
            "Responde con un comentario en la solicitud para que podamos continuar.",
        ]
        kind = "pending_customer"
    elif state is RequestState.PRE_CLOSURE:
        subject = f"[{key}] Tu solicitud está en Pre-cierre: cuéntanos cómo te fue"
        deadline = bogota_text(row.auto_close_at) if row.auto_close_at else ""
        paragraphs = [
            event.body,
            "Responde la encuesta de satisfacción y dinos si autorizas el cierre.",
            f"Si no recibimos respuesta antes del {deadline}, la solicitud se cerrará "
            f"automáticamente ({settings.helpdesk_auto_close_days} días calendario).",
        ]
        link = ("Responder la encuesta", survey_url(settings, row.number))
        kind = "pre_closure"
    elif state is RequestState.FINISHED:
        subject = f"[{key}] Tu solicitud ha sido finalizada"
        paragraphs = [
            event.body,
            "Si necesitas algo más, crea una nueva solicitud y menciona este número.",
        ]
        kind = "finished"
    else:
        return
    details = _details(row, NAMES[Flow(row.flow)][state])
    message = render(
        subject, paragraphs, greeting="Hola,", link=link, details=details, quote=comment
    )
    _queue(uow, row, event, kind, message, now, shares)
