"""Who may see and do what on a helpdesk request: pure rules over plain facts.

Agents (support analyst, back office, admin) see every request (§4); a customer sees the
requests he reported or created, those shared with his e-mail, and those of his company: the
organisation shares them (D28/D29, the guide's "Compartida con" panel). Whoever may not see a
request is told it does not exist (FAIL_NOTFOUND), never "access denied".

Which agent may move which flow is `helpdesk_workflow.AGENTS`; priorities are set by the agents
of the request's flow (D7); internal notes are written and read by agents only; the survey is
answered by the reporter only (D29).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from gateway.domain.helpdesk_workflow import AGENTS, Actor, Flow

CUSTOMER = "CUSTOMER"
AGENT_ROLES = frozenset({"SUPPORT_ANALYST", "BACK_OFFICE", "ADMIN"})


@dataclass(frozen=True)
class Caller:
    """The facts about the person calling (a `Viewer` fits)."""

    person_id: int
    email: str
    role: str
    company_id: int | None


@dataclass(frozen=True)
class RequestParties:
    """The facts about a request that decide who sees it."""

    reporter_id: int
    created_by_id: int
    company_id: int | None
    shared_with: Collection[str] = ()


def is_agent(caller: Caller) -> bool:
    return str(caller.role) in AGENT_ROLES


def actor_of(caller: Caller) -> Actor:
    """The workflow actor a person moves requests as."""
    return Actor(str(caller.role)) if is_agent(caller) else Actor.CUSTOMER


def is_party(caller: Caller, parties: RequestParties) -> bool:
    """The caller reported or created the request."""
    return caller.person_id in (parties.reporter_id, parties.created_by_id)


def is_shared_with(caller: Caller, parties: RequestParties) -> bool:
    """Shared with the caller's e-mail, or with his company (D29)."""
    if caller.email.lower() in {email.lower() for email in parties.shared_with}:
        return True
    return caller.company_id is not None and caller.company_id == parties.company_id


def can_see(caller: Caller, parties: RequestParties) -> bool:
    return is_agent(caller) or is_party(caller, parties) or is_shared_with(caller, parties)


def can_see_internal(caller: Caller) -> bool:
    """Internal notes, their attachments and internal events: agents only."""
    return is_agent(caller)


def works_flow(caller: Caller, flow: Flow) -> bool:
    """An agent whose role moves this flow (admins move both)."""
    return is_agent(caller) and actor_of(caller) in AGENTS[flow]


def can_set_priority(caller: Caller, flow: Flow) -> bool:
    """D7: the helpdesk sets the priority (the agents of the flow); customers never."""
    return works_flow(caller, flow)


def can_answer_survey(caller: Caller, parties: RequestParties) -> bool:
    """D29: only the reporter answers the survey."""
    return caller.person_id == parties.reporter_id


def may_report_for(caller: Caller, *, person_role: str, person_company_id: int | None) -> bool:
    """D22: whom a new request may be made for ("Generar esta solicitud en nombre de").

    A customer may name a customer of his own company; an agent any customer."""
    if person_role != CUSTOMER:
        return False
    if is_agent(caller):
        return True
    return caller.company_id is not None and caller.company_id == person_company_id
