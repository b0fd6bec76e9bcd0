"""The helpdesk contract, `wsdl/MesaDeAyuda.wsdl`, as Spyne models (namespace
`http://www.avisortech.com/MesaDeAyuda`, document/literal, ASMX style).

Every operation `op` reads `<op><request>` of type `opType` and answers
`<opResponse><opResult>` of type `opResponseType`, whose first members are `ReturnCode` and
`ReturnDesc`. Member names are the DTO fields of `gateway.helpdesk.commands` in PascalCase.
Lists are wrapped `ArrayOfX` with `X` items; instants are `xs:dateTime` in Bogotá with their
offset; file contents are `xs:base64Binary`. A value that may be absent (a refused answer's
members, an optional date) is `minOccurs=0` and simply omitted (`gateway.soap.members`).
"""

from __future__ import annotations

from typing import Any

from spyne import ComplexModel, ServiceBase, Unicode, rpc

from gateway.helpdesk.soap import operations
from gateway.helpdesk.soap.operations import HelpdeskCall
from gateway.soap.members import (
    Bool,
    Content,
    Int,
    Long,
    MaybeBool,
    MaybeInstant,
    MaybeInt,
    MaybeLong,
    String,
    When,
    array_of,
    optional,
)
from gateway.soap.ns import MESA_DE_AYUDA as NS

ArrayOfString = array_of(Unicode, NS)

# -- shared types ------------------------------------------------------------------------------


class Person(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Person"

    Email = String
    FullName = String
    Role = String


class FieldValue(ComplexModel):
    __namespace__ = NS
    __type_name__ = "FieldValue"

    Code = String
    Value = String


class NewAttachment(ComplexModel):
    __namespace__ = NS
    __type_name__ = "NewAttachment"

    FileName = String
    ContentType = String
    Content = Content


class Field(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Field"

    Code = String
    Label = String
    Required = Bool
    Type = String
    Placeholder = String
    Options = ArrayOfString
    RetiredOptions = ArrayOfString


class Item(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Item"

    Code = String
    Name = String
    Description = String
    DefaultPriority = String
    Fields = array_of(Field, NS)


class Category(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Category"

    Code = String
    Name = String
    Flow = String
    Items = array_of(Item, NS)


class AttachmentInfo(ComplexModel):
    __namespace__ = NS
    __type_name__ = "AttachmentInfo"

    Id = Long
    FileName = String
    ContentType = String
    Size = Long
    Sha256 = String
    CreatedAt = When
    CommentId = MaybeLong


ArrayOfAttachmentInfo = array_of(AttachmentInfo, NS)
ArrayOfNewAttachment = array_of(NewAttachment, NS)


class Comment(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Comment"

    Id = Long
    #: Absent: an automatic entry ("Respuesta automática").
    Author = optional(Person)
    CreatedAt = When
    Body = String
    Internal = Bool
    Attachments = ArrayOfAttachmentInfo


class RequestField(ComplexModel):
    __namespace__ = NS
    __type_name__ = "RequestField"

    Code = String
    Label = String
    Value = String


class SlaCycle(ComplexModel):
    __namespace__ = NS
    __type_name__ = "SlaCycle"

    Number = Int
    StartedAt = When
    StoppedAt = MaybeInstant
    ElapsedMinutes = Int
    Breached = Bool


class SlaClock(ComplexModel):
    __namespace__ = NS
    __type_name__ = "SlaClock"

    Clock = String
    Name = String
    TargetMinutes = MaybeInt
    DueAt = MaybeInstant
    ElapsedMinutes = Int
    RemainingMinutes = MaybeInt
    Paused = Bool
    PauseReason = String
    Breached = Bool
    Cycles = array_of(SlaCycle, NS)


ArrayOfSlaClock = array_of(SlaClock, NS)


class SlaStatus(ComplexModel):
    __namespace__ = NS
    __type_name__ = "SlaStatus"

    AsOf = When
    Priority = String
    Calendar = String
    Clocks = ArrayOfSlaClock


class RequestDetail(ComplexModel):
    __namespace__ = NS
    __type_name__ = "RequestDetail"

    RequestKey = String
    Summary = String
    CatalogVersion = Int
    CategoryCode = String
    CategoryName = String
    ItemCode = String
    ItemName = String
    Flow = String
    State = String
    StateName = String
    Priority = String
    CreatedAt = When
    UpdatedAt = When
    Reporter = optional(Person)
    CreatedBy = optional(Person)
    CompanyName = String
    Description = String
    Phone = String
    Fields = array_of(RequestField, NS)
    Comments = array_of(Comment, NS)
    SharedWith = ArrayOfString
    Attachments = ArrayOfAttachmentInfo
    Notifications = Bool
    Sla = optional(SlaStatus)
    RelatedRequestKey = String
    SurveyOpen = Bool


class RequestSummary(ComplexModel):
    __namespace__ = NS
    __type_name__ = "RequestSummary"

    RequestKey = String
    Summary = String
    CategoryCode = String
    ItemCode = String
    State = String
    StateName = String
    Priority = String
    CreatedAt = When
    UpdatedAt = When
    Reporter = optional(Person)


class Transition(ComplexModel):
    __namespace__ = NS
    __type_name__ = "Transition"

    State = String
    Name = String


class HistoryEvent(ComplexModel):
    __namespace__ = NS
    __type_name__ = "HistoryEvent"

    Id = Long
    At = When
    Kind = String
    #: Absent: the system.
    Actor = optional(Person)
    FromState = String
    ToState = String
    Text = String
    Clock = String


# -- accounts ----------------------------------------------------------------------------------


class RegisterCustomerType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "registerCustomerType"

    Email = String


class RegisterCustomerResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "registerCustomerResponseType"

    ReturnCode = String
    ReturnDesc = String


class CompleteRegistrationType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "completeRegistrationType"

    SignupToken = String
    FullName = String
    Password = String
    CompanyTaxIdType = String
    CompanyTaxId = String
    CompanyName = String


class CompleteRegistrationResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "completeRegistrationResponseType"

    ReturnCode = String
    ReturnDesc = String
    Email = String


class RequestPasswordResetType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "requestPasswordResetType"

    Email = String


class RequestPasswordResetResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "requestPasswordResetResponseType"

    ReturnCode = String
    ReturnDesc = String


class ResetPasswordType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "resetPasswordType"

    ResetToken = String
    Password = String


class ResetPasswordResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "resetPasswordResponseType"

    ReturnCode = String
    ReturnDesc = String
    Email = String


class LoginType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "loginType"

    Email = String
    Password = String


class LoginResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "loginResponseType"

    ReturnCode = String
    ReturnDesc = String
    SessionToken = String
    ExpiresAt = MaybeInstant
    Role = String
    FullName = String


class LogoutType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "logoutType"

    SessionToken = String


class LogoutResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "logoutResponseType"

    ReturnCode = String
    ReturnDesc = String


# -- catalog -----------------------------------------------------------------------------------


class GetCatalogType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getCatalogType"

    #: Absent: the current version.
    Version = MaybeInt


class GetCatalogResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getCatalogResponseType"

    ReturnCode = String
    ReturnDesc = String
    Version = MaybeInt
    PortalName = String
    Breadcrumb = String
    Welcome = ArrayOfString
    Categories = array_of(Category, NS)


# -- requests ----------------------------------------------------------------------------------


class CreateRequestType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "createRequestType"

    SessionToken = String
    ItemCode = String
    OnBehalfOf = String
    Description = String
    Phone = String
    Fields = array_of(FieldValue, NS)
    CcEmails = ArrayOfString
    Attachments = ArrayOfNewAttachment
    IdempotencyKey = String
    RelatedRequestKey = String


class CreateRequestResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "createRequestResponseType"

    ReturnCode = String
    ReturnDesc = String
    RequestKey = String
    TrackingUrl = String
    Replayed = MaybeBool


class GetRequestType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getRequestType"

    SessionToken = String
    RequestKey = String


class GetRequestResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getRequestResponseType"

    ReturnCode = String
    ReturnDesc = String
    Request = optional(RequestDetail)


class GetAttachmentType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getAttachmentType"

    SessionToken = String
    RequestKey = String
    AttachmentId = Long


class GetAttachmentResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getAttachmentResponseType"

    ReturnCode = String
    ReturnDesc = String
    Attachment = optional(AttachmentInfo)
    Content = Content


class ListRequestsType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "listRequestsType"

    SessionToken = String
    #: CREATED_BY_ME | SHARED_WITH_ME | ALL
    Scope = String
    States = ArrayOfString
    ItemCode = String
    CreatedFrom = MaybeInstant
    CreatedTo = MaybeInstant
    Text = String
    Page = MaybeInt
    PageSize = MaybeInt


class ListRequestsResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "listRequestsResponseType"

    ReturnCode = String
    ReturnDesc = String
    Total = MaybeInt
    Page = MaybeInt
    PageSize = MaybeInt
    Requests = array_of(RequestSummary, NS)


class AddCommentType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "addCommentType"

    SessionToken = String
    RequestKey = String
    Body = String
    Internal = MaybeBool
    Attachments = ArrayOfNewAttachment


class AddCommentResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "addCommentResponseType"

    ReturnCode = String
    ReturnDesc = String
    CommentId = MaybeLong
    State = String
    StateName = String


class ShareRequestType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "shareRequestType"

    SessionToken = String
    RequestKey = String
    Email = String


class ShareRequestResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "shareRequestResponseType"

    ReturnCode = String
    ReturnDesc = String


class SetNotificationsType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "setNotificationsType"

    SessionToken = String
    RequestKey = String
    Enabled = Bool


class SetNotificationsResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "setNotificationsResponseType"

    ReturnCode = String
    ReturnDesc = String


# -- workflow ----------------------------------------------------------------------------------


class GetAvailableTransitionsType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getAvailableTransitionsType"

    SessionToken = String
    RequestKey = String


class GetAvailableTransitionsResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getAvailableTransitionsResponseType"

    ReturnCode = String
    ReturnDesc = String
    State = String
    StateName = String
    Transitions = array_of(Transition, NS)


class TransitionRequestType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "transitionRequestType"

    SessionToken = String
    RequestKey = String
    ToState = String
    Comment = String


class TransitionRequestResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "transitionRequestResponseType"

    ReturnCode = String
    ReturnDesc = String
    State = String
    StateName = String


class SetPriorityType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "setPriorityType"

    SessionToken = String
    RequestKey = String
    Priority = String


class SetPriorityResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "setPriorityResponseType"

    ReturnCode = String
    ReturnDesc = String
    Priority = String


class AnswerSurveyType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "answerSurveyType"

    SessionToken = String
    RequestKey = String
    ServiceRating = Int
    TimelinessRating = Int
    #: "Si" | "No"
    AuthorizeClosing = String
    Comment = String


class AnswerSurveyResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "answerSurveyResponseType"

    ReturnCode = String
    ReturnDesc = String
    State = String
    StateName = String


class GetSlaStatusType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getSlaStatusType"

    SessionToken = String
    RequestKey = String
    #: Absent: now.
    AsOf = MaybeInstant


class GetSlaStatusResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getSlaStatusResponseType"

    ReturnCode = String
    ReturnDesc = String
    AsOf = MaybeInstant
    Priority = String
    Calendar = String
    Clocks = ArrayOfSlaClock


class GetHistoryType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getHistoryType"

    SessionToken = String
    RequestKey = String


class GetHistoryResponseType(ComplexModel):
    __namespace__ = NS
    __type_name__ = "getHistoryResponseType"

    ReturnCode = String
    ReturnDesc = String
    Events = array_of(HistoryEvent, NS)


# -- the service -------------------------------------------------------------------------------


class MesaDeAyuda(ServiceBase):
    """Operations in portType order; each one translates and delegates (`operations`)."""

    @rpc(RegisterCustomerType, _returns=RegisterCustomerResponseType)
    def registerCustomer(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.register_customer(ctx, request)

    @rpc(CompleteRegistrationType, _returns=CompleteRegistrationResponseType)
    def completeRegistration(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.complete_registration(ctx, request)

    @rpc(RequestPasswordResetType, _returns=RequestPasswordResetResponseType)
    def requestPasswordReset(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.request_password_reset(ctx, request)

    @rpc(ResetPasswordType, _returns=ResetPasswordResponseType)
    def resetPassword(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.reset_password(ctx, request)

    @rpc(LoginType, _returns=LoginResponseType)
    def login(ctx: HelpdeskCall, request: Any) -> Any:
        return operations.login(ctx, request)

    @rpc(LogoutType, _returns=LogoutResponseType)
    def logout(ctx: HelpdeskCall, request: Any) -> Any:
        return operations.logout(ctx, request)

    @rpc(GetCatalogType, _returns=GetCatalogResponseType)
    def getCatalog(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_catalog(ctx, request)

    @rpc(CreateRequestType, _returns=CreateRequestResponseType)
    def createRequest(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.create_request(ctx, request)

    @rpc(GetRequestType, _returns=GetRequestResponseType)
    def getRequest(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_request(ctx, request)

    @rpc(GetAttachmentType, _returns=GetAttachmentResponseType)
    def getAttachment(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_attachment(ctx, request)

    @rpc(ListRequestsType, _returns=ListRequestsResponseType)
    def listRequests(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.list_requests(ctx, request)

    @rpc(AddCommentType, _returns=AddCommentResponseType)
    def addComment(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.add_comment(ctx, request)

    @rpc(ShareRequestType, _returns=ShareRequestResponseType)
    def shareRequest(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.share_request(ctx, request)

    @rpc(SetNotificationsType, _returns=SetNotificationsResponseType)
    def setNotifications(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.set_notifications(ctx, request)

    @rpc(GetAvailableTransitionsType, _returns=GetAvailableTransitionsResponseType)
    def getAvailableTransitions(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_available_transitions(ctx, request)

    @rpc(TransitionRequestType, _returns=TransitionRequestResponseType)
    def transitionRequest(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.transition_request(ctx, request)

    @rpc(SetPriorityType, _returns=SetPriorityResponseType)
    def setPriority(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.set_priority(ctx, request)

    @rpc(AnswerSurveyType, _returns=AnswerSurveyResponseType)
    def answerSurvey(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.answer_survey(ctx, request)

    @rpc(GetSlaStatusType, _returns=GetSlaStatusResponseType)
    def getSlaStatus(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_sla_status(ctx, request)

    @rpc(GetHistoryType, _returns=GetHistoryResponseType)
    def getHistory(ctx: HelpdeskCall, request: Any) -> Any:  # noqa: N802
        return operations.get_history(ctx, request)
