"""What the helpdesk's adapters hand to its use cases, and what they get back.

Plain data only, snake_case; the SOAP adapter (`gateway.helpdesk.soap`) maps each to the wire
element of the same name in PascalCase (`request_key` <-> `RequestKey`). Absent wire elements
arrive as None: the use cases decide what an absent value means. Every result is returned
only on SUCCESS; a refusal is raised as `gateway.helpdesk.codes.Refusal`.

Instants are timezone-aware (UTC from the store); the adapter writes them in Bogota time with
their offset. Codes on the wire are the stable codes of the domain enums: states
(`RequestState`), priorities (`Priority`), flows (`Flow`), roles (`Role`), clocks (`Clock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """Who a person is to the helpdesk (the agents' roles are `helpdesk_workflow.Actor`'s)."""

    CUSTOMER = "CUSTOMER"
    SUPPORT_ANALYST = "SUPPORT_ANALYST"
    BACK_OFFICE = "BACK_OFFICE"
    ADMIN = "ADMIN"


class Scope(StrEnum):
    CREATED_BY_ME = "CREATED_BY_ME"
    SHARED_WITH_ME = "SHARED_WITH_ME"
    ALL = "ALL"


# -- who is calling -------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The person behind a valid session, as the request use cases need them."""

    person_id: int
    email: str
    full_name: str
    role: Role
    company_id: int | None

    @property
    def is_agent(self) -> bool:
        return self.role is not Role.CUSTOMER


# -- accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompleteRegistration:
    signup_token: str | None = None
    full_name: str | None = None
    password: str | None = None
    company_tax_id_type: str | None = None
    company_tax_id: str | None = None
    company_name: str | None = None


@dataclass(frozen=True)
class Registered:
    email: str


@dataclass(frozen=True)
class LoggedIn:
    session_token: str
    expires_at: datetime
    role: Role
    full_name: str


# -- catalog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogField:
    code: str
    label: str
    required: bool
    #: user_email | attachments | select | text_multiline | phone | text
    type: str
    placeholder: str | None = None
    options: tuple[str, ...] = ()
    #: Options of older versions: readable on old requests, never choosable.
    retired_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogItem:
    code: str
    name: str
    description: str | None
    default_priority: str
    fields: tuple[CatalogField, ...]


@dataclass(frozen=True)
class CatalogCategory:
    code: str
    name: str
    flow: str
    items: tuple[CatalogItem, ...]


@dataclass(frozen=True)
class CatalogView:
    version: int
    portal_name: str
    breadcrumb: str
    welcome: tuple[str, ...]
    categories: tuple[CatalogCategory, ...]


# -- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldValue:
    code: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class NewAttachment:
    file_name: str | None = None
    #: What the caller says; the stored type is the one the content shows (sniffed).
    content_type: str | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class CreateRequest:
    session_token: str | None = None
    item_code: str | None = None
    #: E-mail of the person the request is for (default: the caller).
    on_behalf_of: str | None = None
    description: str | None = None
    phone: str | None = None
    fields: tuple[FieldValue, ...] = ()
    cc_emails: tuple[str, ...] = ()
    attachments: tuple[NewAttachment, ...] = ()
    idempotency_key: str | None = None
    #: A Finalizado request this one continues (D37), e.g. "MITICKET-51".
    related_request_key: str | None = None


@dataclass(frozen=True)
class Created:
    request_key: str
    tracking_url: str
    #: True when the IdempotencyKey named a request created before (nothing new was written).
    replayed: bool = False


@dataclass(frozen=True)
class PersonRef:
    email: str
    full_name: str
    role: Role


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    comment_id: int | None = None


@dataclass(frozen=True)
class AttachmentContent:
    info: AttachmentInfo
    content: bytes


@dataclass(frozen=True)
class Comment:
    id: int
    author: PersonRef | None  # None: "Respuesta automática"
    created_at: datetime
    body: str
    internal: bool
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class RequestField:
    code: str
    label: str
    value: str


@dataclass(frozen=True)
class ClockCycle:
    number: int
    started_at: datetime
    stopped_at: datetime | None
    elapsed_minutes: int
    breached: bool


@dataclass(frozen=True)
class ClockView:
    clock: str  # RESPONSE | RESOLUTION
    name: str  # "Inicio solución" | "Tiempo de solución"
    target_minutes: int | None
    due_at: datetime | None
    elapsed_minutes: int
    remaining_minutes: int | None
    paused: bool
    #: The pausing state's name when paused ("Pendiente por Cliente", ...).
    pause_reason: str | None
    breached: bool
    cycles: tuple[ClockCycle, ...] = ()


@dataclass(frozen=True)
class SlaView:
    as_of: datetime
    priority: str
    calendar: str  # "24x7" | "Lunes a viernes 08:00-18:00 (America/Bogota, festivos CO)"
    clocks: tuple[ClockView, ...]


@dataclass(frozen=True)
class RequestSummary:
    request_key: str
    summary: str
    category_code: str
    item_code: str
    state: str
    state_name: str
    priority: str
    created_at: datetime
    updated_at: datetime
    reporter: PersonRef


@dataclass(frozen=True)
class RequestView:
    request_key: str
    summary: str
    catalog_version: int
    category_code: str
    category_name: str
    item_code: str
    item_name: str
    flow: str
    state: str
    state_name: str
    priority: str
    created_at: datetime
    updated_at: datetime
    reporter: PersonRef
    created_by: PersonRef
    company_name: str | None
    description: str
    phone: str
    fields: tuple[RequestField, ...]
    comments: tuple[Comment, ...]
    shared_with: tuple[str, ...]
    attachments: tuple[AttachmentInfo, ...]
    notifications: bool
    sla: SlaView
    related_request_key: str | None = None
    #: The survey of the current Pre-cierre cycle is open for the caller.
    survey_open: bool = False


@dataclass(frozen=True)
class ListRequests:
    session_token: str | None = None
    scope: str | None = None
    states: tuple[str, ...] = ()
    item_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None
    page: int | None = None
    page_size: int | None = None


@dataclass(frozen=True)
class RequestPage:
    total: int
    page: int
    page_size: int
    requests: tuple[RequestSummary, ...]


@dataclass(frozen=True)
class AddComment:
    session_token: str | None = None
    request_key: str | None = None
    body: str | None = None
    internal: bool | None = None
    attachments: tuple[NewAttachment, ...] = ()


@dataclass(frozen=True)
class Commented:
    comment_id: int
    #: The state after the comment (a customer's reply leaves Pendiente por Cliente).
    state: str
    state_name: str


@dataclass(frozen=True)
class Transition:
    state: str
    name: str


@dataclass(frozen=True)
class Transitions:
    state: str
    state_name: str
    transitions: tuple[Transition, ...]


@dataclass(frozen=True)
class Moved:
    state: str
    state_name: str


@dataclass(frozen=True)
class AnswerSurvey:
    session_token: str | None = None
    request_key: str | None = None
    service_rating: int | None = None
    timeliness_rating: int | None = None
    #: "Si" | "No" (also "Sí", "SI", "S", "N", ...)
    authorize_closing: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class HistoryEvent:
    id: int
    at: datetime
    #: CREATED | STATE_CHANGED | COMMENT | INTERNAL_NOTE | PRIORITY_CHANGED | SHARED |
    #: ATTACHMENT_ADDED | SURVEY_ANSWERED | NOTIFICATIONS_CHANGED | SLA_STARTED | SLA_PAUSED |
    #: SLA_RESUMED | SLA_STOPPED | SLA_BREACHED
    kind: str
    actor: PersonRef | None  # None: the system ("Respuesta automática")
    from_state: str | None = None
    to_state: str | None = None
    text: str | None = None
    #: For SLA events: which clock.
    clock: str | None = None


@dataclass(frozen=True)
class History:
    request_key: str
    events: tuple[HistoryEvent, ...] = field(default_factory=tuple)


# -- the port the adapters call -----------------------------------------------------------------


class HelpdeskPort(Protocol):
    """Every operation of the service (`gateway.helpdesk.service.Helpdesk`). Each returns its
    result on SUCCESS and raises `Refusal` otherwise."""

    def register_customer(self, email: str | None) -> None: ...

    def complete_registration(self, cmd: CompleteRegistration) -> Registered: ...

    def request_password_reset(self, email: str | None) -> None: ...

    def reset_password(self, reset_token: str | None, password: str | None) -> Registered: ...

    def login(self, email: str | None, password: str | None, *, address: str) -> LoggedIn: ...

    def logout(self, session_token: str | None) -> None: ...

    def get_catalog(self, version: int | None = None) -> CatalogView: ...

    def create_request(self, cmd: CreateRequest) -> Created: ...

    def get_request(self, session_token: str | None, request_key: str | None) -> RequestView: ...

    def get_attachment(
        self, session_token: str | None, request_key: str | None, attachment_id: int | None
    ) -> AttachmentContent: ...

    def list_requests(self, cmd: ListRequests) -> RequestPage: ...

    def add_comment(self, cmd: AddComment) -> Commented: ...

    def share_request(
        self, session_token: str | None, request_key: str | None, email: str | None
    ) -> None: ...

    def set_notifications(
        self, session_token: str | None, request_key: str | None, enabled: bool | None
    ) -> None: ...

    def get_available_transitions(
        self, session_token: str | None, request_key: str | None
    ) -> Transitions: ...

    def transition_request(
        self,
        session_token: str | None,
        request_key: str | None,
        to_state: str | None,
        comment: str | None,
    ) -> Moved: ...

    def set_priority(
        self, session_token: str | None, request_key: str | None, priority: str | None
    ) -> str: ...

    def answer_survey(self, cmd: AnswerSurvey) -> Moved: ...

    def get_sla_status(
        self, session_token: str | None, request_key: str | None, as_of: datetime | None
    ) -> SlaView: ...

    def get_history(self, session_token: str | None, request_key: str | None) -> History: ...
