"""What every helpdesk contract method does: wire request -> DTO -> `HelpdeskPort` -> wire.

No decision is taken here: absent elements travel as None (the use cases decide what an
absent value means), lists as tuples in wire order with nil items dropped. The answer of a
successful call is `ReturnCode` SUCCESS, `ReturnDesc` "OK" and the result's members; a
`Refusal` is its code and description with every other member absent; any other exception
(a bug, the database down) is FAIL_SYSTEM "internal error", logged in full, never shown.

A message that cannot be read at all (malformed XML, a letter in `Page`, bad base64) never
gets here: the shell answers it with a SOAP fault, as for the payment services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypeVar

import structlog

from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import (
    AddComment,
    AnswerSurvey,
    AttachmentInfo,
    CatalogField,
    ClockView,
    Comment,
    CompleteRegistration,
    CreateRequest,
    FieldValue,
    HelpdeskPort,
    HistoryEvent,
    ListRequests,
    NewAttachment,
    PersonRef,
    RequestSummary,
    RequestView,
    SlaView,
)
from gateway.soap.service import Invoke, Method
from gateway.web.client import client_origin

__all__ = ["HelpdeskCall", "invoker"]

log = structlog.get_logger()

T = TypeVar("T")
Wire = SimpleNamespace


@dataclass(frozen=True, slots=True)
class HelpdeskCall:
    """The `ctx` a contract method receives: the use cases and the HTTP request."""

    helpdesk: HelpdeskPort
    environ: Mapping[str, Any]
    operation: str


def invoker(helpdesk: HelpdeskPort) -> Invoke:
    """The shell's `invoke` for the helpdesk: run the method, answer refusals and failures."""

    def invoke(method: Method, request: Any, route: Any, environ: Mapping[str, Any]) -> Any:
        try:
            return method.function(HelpdeskCall(helpdesk, environ, method.name), request)
        except Refusal as refusal:
            return _answer(refusal.code, refusal.description)
        except Exception:
            log.exception("helpdesk.soap.failed", operation=method.name)
            return _answer(HelpdeskCode.FAIL_SYSTEM, "internal error")

    return invoke


def _answer(code: HelpdeskCode, description: str, **members: Any) -> Wire:
    return Wire(ReturnCode=code.value, ReturnDesc=description, **members)


def _ok(**members: Any) -> Wire:
    return _answer(HelpdeskCode.SUCCESS, "OK", **members)


# -- accounts ----------------------------------------------------------------------------------


def register_customer(ctx: HelpdeskCall, request: Any) -> Wire:
    ctx.helpdesk.register_customer(request.Email)
    return _ok()


def complete_registration(ctx: HelpdeskCall, request: Any) -> Wire:
    registered = ctx.helpdesk.complete_registration(
        CompleteRegistration(
            signup_token=request.SignupToken,
            full_name=request.FullName,
            password=request.Password,
            company_tax_id_type=request.CompanyTaxIdType,
            company_tax_id=request.CompanyTaxId,
            company_name=request.CompanyName,
        )
    )
    return _ok(Email=registered.email)


def request_password_reset(ctx: HelpdeskCall, request: Any) -> Wire:
    ctx.helpdesk.request_password_reset(request.Email)
    return _ok()


def reset_password(ctx: HelpdeskCall, request: Any) -> Wire:
    registered = ctx.helpdesk.reset_password(request.ResetToken, request.Password)
    return _ok(Email=registered.email)


def login(ctx: HelpdeskCall, request: Any) -> Wire:
    address = client_origin(ctx.environ).address
    session = ctx.helpdesk.login(request.Email, request.Password, address=address)
    return _ok(
        SessionToken=session.session_token,
        ExpiresAt=session.expires_at,
        Role=session.role.value,
        FullName=session.full_name,
    )


def logout(ctx: HelpdeskCall, request: Any) -> Wire:
    ctx.helpdesk.logout(request.SessionToken)
    return _ok()


# -- catalog -----------------------------------------------------------------------------------


def get_catalog(ctx: HelpdeskCall, request: Any) -> Wire:
    catalog = ctx.helpdesk.get_catalog(request.Version)
    return _ok(
        Version=catalog.version,
        PortalName=catalog.portal_name,
        Breadcrumb=catalog.breadcrumb,
        Welcome=list(catalog.welcome),
        Categories=[
            Wire(
                Code=category.code,
                Name=category.name,
                Flow=category.flow,
                Items=[
                    Wire(
                        Code=item.code,
                        Name=item.name,
                        Description=item.description,
                        DefaultPriority=item.default_priority,
                        Fields=[_catalog_field(field) for field in item.fields],
                    )
                    for item in category.items
                ],
            )
            for category in catalog.categories
        ],
    )


def _catalog_field(field: CatalogField) -> Wire:
    return Wire(
        Code=field.code,
        Label=field.label,
        Required=field.required,
        Type=field.type,
        Placeholder=field.placeholder,
        Options=list(field.options),
        RetiredOptions=list(field.retired_options),
    )


# -- requests ----------------------------------------------------------------------------------


def create_request(ctx: HelpdeskCall, request: Any) -> Wire:
    created = ctx.helpdesk.create_request(
        CreateRequest(
            session_token=request.SessionToken,
            item_code=request.ItemCode,
            on_behalf_of=request.OnBehalfOf,
            description=request.Description,
            phone=request.Phone,
            fields=_items(request.Fields, lambda f: FieldValue(code=f.Code, value=f.Value)),
            cc_emails=_items(request.CcEmails, str),
            attachments=_new_attachments(request.Attachments),
            idempotency_key=request.IdempotencyKey,
            related_request_key=request.RelatedRequestKey,
        )
    )
    return _ok(
        RequestKey=created.request_key,
        TrackingUrl=created.tracking_url,
        Replayed=created.replayed,
    )


def get_request(ctx: HelpdeskCall, request: Any) -> Wire:
    view = ctx.helpdesk.get_request(request.SessionToken, request.RequestKey)
    return _ok(Request=_request_view(view))


def get_attachment(ctx: HelpdeskCall, request: Any) -> Wire:
    found = ctx.helpdesk.get_attachment(
        request.SessionToken, request.RequestKey, request.AttachmentId
    )
    return _ok(Attachment=_attachment(found.info), Content=found.content)


def list_requests(ctx: HelpdeskCall, request: Any) -> Wire:
    page = ctx.helpdesk.list_requests(
        ListRequests(
            session_token=request.SessionToken,
            scope=request.Scope,
            states=_items(request.States, str),
            item_code=request.ItemCode,
            created_from=request.CreatedFrom,
            created_to=request.CreatedTo,
            text=request.Text,
            page=request.Page,
            page_size=request.PageSize,
        )
    )
    return _ok(
        Total=page.total,
        Page=page.page,
        PageSize=page.page_size,
        Requests=[_summary(summary) for summary in page.requests],
    )


def add_comment(ctx: HelpdeskCall, request: Any) -> Wire:
    commented = ctx.helpdesk.add_comment(
        AddComment(
            session_token=request.SessionToken,
            request_key=request.RequestKey,
            body=request.Body,
            internal=request.Internal,
            attachments=_new_attachments(request.Attachments),
        )
    )
    return _ok(
        CommentId=commented.comment_id, State=commented.state, StateName=commented.state_name
    )


def share_request(ctx: HelpdeskCall, request: Any) -> Wire:
    ctx.helpdesk.share_request(request.SessionToken, request.RequestKey, request.Email)
    return _ok()


def set_notifications(ctx: HelpdeskCall, request: Any) -> Wire:
    ctx.helpdesk.set_notifications(request.SessionToken, request.RequestKey, request.Enabled)
    return _ok()


# -- workflow ----------------------------------------------------------------------------------


def get_available_transitions(ctx: HelpdeskCall, request: Any) -> Wire:
    found = ctx.helpdesk.get_available_transitions(request.SessionToken, request.RequestKey)
    return _ok(
        State=found.state,
        StateName=found.state_name,
        Transitions=[Wire(State=t.state, Name=t.name) for t in found.transitions],
    )


def transition_request(ctx: HelpdeskCall, request: Any) -> Wire:
    moved = ctx.helpdesk.transition_request(
        request.SessionToken, request.RequestKey, request.ToState, request.Comment
    )
    return _ok(State=moved.state, StateName=moved.state_name)


def set_priority(ctx: HelpdeskCall, request: Any) -> Wire:
    priority = ctx.helpdesk.set_priority(request.SessionToken, request.RequestKey, request.Priority)
    return _ok(Priority=priority)


def answer_survey(ctx: HelpdeskCall, request: Any) -> Wire:
    moved = ctx.helpdesk.answer_survey(
        AnswerSurvey(
            session_token=request.SessionToken,
            request_key=request.RequestKey,
            service_rating=request.ServiceRating,
            timeliness_rating=request.TimelinessRating,
            authorize_closing=request.AuthorizeClosing,
            comment=request.Comment,
        )
    )
    return _ok(State=moved.state, StateName=moved.state_name)


def get_sla_status(ctx: HelpdeskCall, request: Any) -> Wire:
    sla = ctx.helpdesk.get_sla_status(request.SessionToken, request.RequestKey, request.AsOf)
    return _ok(**vars(_sla(sla)))


def get_history(ctx: HelpdeskCall, request: Any) -> Wire:
    history = ctx.helpdesk.get_history(request.SessionToken, request.RequestKey)
    return _ok(Events=[_event(event) for event in history.events])


# -- wire -> DTO -------------------------------------------------------------------------------


def _items(values: Iterable[Any] | None, convert: Callable[[Any], T]) -> tuple[T, ...]:
    """A wrapped list in wire order; absent -> (), nil items dropped."""
    return tuple(convert(value) for value in values or () if value is not None)


def _new_attachments(values: Iterable[Any] | None) -> tuple[NewAttachment, ...]:
    return _items(
        values,
        lambda a: NewAttachment(
            file_name=a.FileName, content_type=a.ContentType, content=a.Content
        ),
    )


# -- DTO -> wire -------------------------------------------------------------------------------


def _person(person: PersonRef | None) -> Wire | None:
    if person is None:
        return None
    return Wire(Email=person.email, FullName=person.full_name, Role=person.role.value)


def _attachment(info: AttachmentInfo) -> Wire:
    return Wire(
        Id=info.id,
        FileName=info.file_name,
        ContentType=info.content_type,
        Size=info.size,
        Sha256=info.sha256,
        CreatedAt=info.created_at,
        CommentId=info.comment_id,
    )


def _comment(comment: Comment) -> Wire:
    return Wire(
        Id=comment.id,
        Author=_person(comment.author),
        CreatedAt=comment.created_at,
        Body=comment.body,
        Internal=comment.internal,
        Attachments=[_attachment(a) for a in comment.attachments],
    )


def _clock(clock: ClockView) -> Wire:
    return Wire(
        Clock=clock.clock,
        Name=clock.name,
        TargetMinutes=clock.target_minutes,
        DueAt=clock.due_at,
        ElapsedMinutes=clock.elapsed_minutes,
        RemainingMinutes=clock.remaining_minutes,
        Paused=clock.paused,
        PauseReason=clock.pause_reason,
        Breached=clock.breached,
        Cycles=[
            Wire(
                Number=cycle.number,
                StartedAt=cycle.started_at,
                StoppedAt=cycle.stopped_at,
                ElapsedMinutes=cycle.elapsed_minutes,
                Breached=cycle.breached,
            )
            for cycle in clock.cycles
        ],
    )


def _sla(sla: SlaView) -> Wire:
    return Wire(
        AsOf=sla.as_of,
        Priority=sla.priority,
        Calendar=sla.calendar,
        Clocks=[_clock(clock) for clock in sla.clocks],
    )


def _summary(summary: RequestSummary) -> Wire:
    return Wire(
        RequestKey=summary.request_key,
        Summary=summary.summary,
        CategoryCode=summary.category_code,
        ItemCode=summary.item_code,
        State=summary.state,
        StateName=summary.state_name,
        Priority=summary.priority,
        CreatedAt=summary.created_at,
        UpdatedAt=summary.updated_at,
        Reporter=_person(summary.reporter),
    )


def _request_view(view: RequestView) -> Wire:
    return Wire(
        RequestKey=view.request_key,
        Summary=view.summary,
        CatalogVersion=view.catalog_version,
        CategoryCode=view.category_code,
        CategoryName=view.category_name,
        ItemCode=view.item_code,
        ItemName=view.item_name,
        Flow=view.flow,
        State=view.state,
        StateName=view.state_name,
        Priority=view.priority,
        CreatedAt=view.created_at,
        UpdatedAt=view.updated_at,
        Reporter=_person(view.reporter),
        CreatedBy=_person(view.created_by),
        CompanyName=view.company_name,
        Description=view.description,
        Phone=view.phone,
        Fields=[Wire(Code=f.code, Label=f.label, Value=f.value) for f in view.fields],
        Comments=[_comment(comment) for comment in view.comments],
        SharedWith=list(view.shared_with),
        Attachments=[_attachment(a) for a in view.attachments],
        Notifications=view.notifications,
        Sla=_sla(view.sla),
        RelatedRequestKey=view.related_request_key,
        SurveyOpen=view.survey_open,
    )


def _event(event: HistoryEvent) -> Wire:
    return Wire(
        Id=event.id,
        At=event.at,
        Kind=event.kind,
        Actor=_person(event.actor),
        FromState=event.from_state,
        ToState=event.to_state,
        Text=event.text,
        Clock=event.clock,
    )
