"""The helpdesk's two workflows: which state a request may move to, and who may move it.

From `research/helpdesk-spec.md` §2 and its decisions (D12, D14–D17, D34–D36):

    Soporte (categories 1–4)                         Requerimiento comercial (category 5)
    ASSIGNMENT_REVIEW ─► IN_PROGRESS ◄─► ESCALATED   ASSIGNMENT_REVIEW ─► IN_PROGRESS
        │                 │    ▲           │             │                  │
        ▼                 ▼    │           ▼             ▼                  ▼
    PENDING_CUSTOMER   (pause states) ──► back      PENDING_CUSTOMER ──► back
                          │                                              IN_PROGRESS ─► PRE_CLOSURE
    IN_PROGRESS / ESCALATED ─► PRE_CLOSURE ─► FINISHED (survey "Si", or 5 calendar days)
                                   └──► REOPENED (survey "No" + comment) ─► IN_PROGRESS, ...

A request starts in ASSIGNMENT_REVIEW (D17: no unnamed state before it). A pause state (the four
of the Premisas; a per-state flag, D36) returns to the working state it was entered from, by an
agent or, for PENDING_CUSTOMER, by the customer's reply (D34). FINISHED is final (D37).
States are stable codes; the names shown are the guides' spellings, per flow (§2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RequestState(StrEnum):
    ASSIGNMENT_REVIEW = "ASSIGNMENT_REVIEW"
    IN_PROGRESS = "IN_PROGRESS"
    ESCALATED = "ESCALATED"
    PENDING_CUSTOMER = "PENDING_CUSTOMER"
    IN_FACTORY = "IN_FACTORY"
    ESCALATED_TO_PROVIDER = "ESCALATED_TO_PROVIDER"
    PLATFORM_MAINTENANCE = "PLATFORM_MAINTENANCE"
    PRE_CLOSURE = "PRE_CLOSURE"
    REOPENED = "REOPENED"
    FINISHED = "FINISHED"


class Flow(StrEnum):
    SUPPORT = "SUPPORT"
    COMMERCIAL = "COMMERCIAL"


class Actor(StrEnum):
    """Who moves a request: the customer, an agent by role, or the system (jobs, surveys)."""

    CUSTOMER = "CUSTOMER"
    SUPPORT_ANALYST = "SUPPORT_ANALYST"
    BACK_OFFICE = "BACK_OFFICE"
    ADMIN = "ADMIN"
    SYSTEM = "SYSTEM"


S = RequestState

#: "Estados que pausan ANS" (Premisas): the SLA clocks stand still in these.
PAUSING = frozenset(
    {S.PENDING_CUSTOMER, S.IN_FACTORY, S.ESCALATED_TO_PROVIDER, S.PLATFORM_MAINTENANCE}
)

NAMES: dict[Flow, dict[RequestState, str]] = {
    Flow.SUPPORT: {
        S.ASSIGNMENT_REVIEW: "Asignación y Revisión",
        S.IN_PROGRESS: "En curso",
        S.ESCALATED: "Escalado",
        S.PENDING_CUSTOMER: "Pendiente por Cliente",
        S.IN_FACTORY: "En Fábrica",
        S.ESCALATED_TO_PROVIDER: "Escalado a Proveedor",
        S.PLATFORM_MAINTENANCE: "Mantenimiento a Plataforma",
        S.PRE_CLOSURE: "Pre-cierre",
        S.REOPENED: "Re-Abierto",
        S.FINISHED: "Finalizado",
    },
    Flow.COMMERCIAL: {
        S.ASSIGNMENT_REVIEW: "Asignación y Revisión",
        S.IN_PROGRESS: "En Curso",
        S.PENDING_CUSTOMER: "Pendiente por Cliente",
        S.PRE_CLOSURE: "Pre-cierre",
        S.FINISHED: "Finalizado",
    },
}

#: The agents who work each flow (admins may do whatever an agent may).
AGENTS: dict[Flow, frozenset[Actor]] = {
    Flow.SUPPORT: frozenset({Actor.SUPPORT_ANALYST, Actor.ADMIN}),
    Flow.COMMERCIAL: frozenset({Actor.BACK_OFFICE, Actor.ADMIN}),
}

_AGENT_MOVES: dict[Flow, dict[RequestState, frozenset[RequestState]]] = {
    Flow.SUPPORT: {
        S.ASSIGNMENT_REVIEW: frozenset({S.IN_PROGRESS, S.PENDING_CUSTOMER}),
        S.IN_PROGRESS: frozenset({S.ESCALATED, S.PRE_CLOSURE} | PAUSING),
        S.ESCALATED: frozenset({S.IN_PROGRESS, S.PRE_CLOSURE} | PAUSING),  # D35
        S.REOPENED: frozenset({S.IN_PROGRESS, S.ESCALATED} | PAUSING),  # D15
    },
    Flow.COMMERCIAL: {
        S.ASSIGNMENT_REVIEW: frozenset({S.IN_PROGRESS, S.PENDING_CUSTOMER}),
        S.IN_PROGRESS: frozenset({S.PENDING_CUSTOMER, S.PRE_CLOSURE}),
    },
}


def flow_of_category(category_position: int) -> Flow:
    """D18: categories 1–4 follow the support flow, category 5 (commercial) its own."""
    return Flow.COMMERCIAL if category_position == 5 else Flow.SUPPORT


@dataclass(frozen=True)
class Position:
    """Where a request stands: its state, and the working state a pause will return to."""

    flow: Flow
    state: RequestState
    #: The state a pause was entered from (None unless `state` pauses).
    resume_to: RequestState | None = None

    @classmethod
    def initial(cls, flow: Flow) -> Position:
        return cls(flow, S.ASSIGNMENT_REVIEW)

    @property
    def name(self) -> str:
        return NAMES[self.flow][self.state]

    @property
    def paused(self) -> bool:
        return self.state in PAUSING

    @property
    def final(self) -> bool:
        return self.state is S.FINISHED


def targets(position: Position, actor: Actor) -> frozenset[RequestState]:
    """The states `actor` may move the request to (getAvailableTransitions)."""
    if position.final:
        return frozenset()
    if position.paused:
        back = frozenset({position.resume_to}) if position.resume_to else frozenset()
        if actor in AGENTS[position.flow]:
            return back
        if actor is Actor.CUSTOMER and position.state is S.PENDING_CUSTOMER:
            return back  # the customer's reply (D34)
        return frozenset()
    if position.state is S.PRE_CLOSURE:
        if actor is Actor.SYSTEM:
            return frozenset({S.FINISHED})  # five calendar days without an answer
        if actor is Actor.CUSTOMER:
            # The survey: "Si" closes at once (D12); "No" with a comment reopens a support
            # request (D14). A commercial "No" is recorded only, it does not reopen (D16).
            reopen = {S.REOPENED} if position.flow is Flow.SUPPORT else set()
            return frozenset({S.FINISHED, *reopen})
        return frozenset()
    if actor in AGENTS[position.flow]:
        return _AGENT_MOVES[position.flow].get(position.state, frozenset())
    return frozenset()


class IllegalRequestTransition(Exception):
    """A move the workflow does not allow to this actor (FAIL_INVALIDTRANSITION)."""

    def __init__(self, position: Position, target: RequestState, actor: Actor) -> None:
        super().__init__(f"{actor.value} cannot move a request from {position.state} to {target}")
        self.position = position
        self.target = target
        self.actor = actor


def move(position: Position, target: RequestState, actor: Actor) -> Position:
    """The position after `actor` moves the request to `target`, or IllegalRequestTransition."""
    if target not in targets(position, actor) or target not in NAMES[position.flow]:
        raise IllegalRequestTransition(position, target, actor)
    if target in PAUSING:
        return Position(position.flow, target, resume_to=position.state)
    return Position(position.flow, target)


def activity_text(position: Position) -> str:
    """The automatic activity entry every state change writes (author "Respuesta automática")."""
    return f"El estado de la solicitud ha pasado a ser en {position.name}."
