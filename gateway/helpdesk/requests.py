"""The helpdesk's request use cases: catalog, create, read, list, comment, share, workflow,
priority, survey, SLA and history (`HelpdeskPort`'s request half).

Each operation authenticates the session (FAIL_SESSIONEXPIRED), works in one unit of work and
either returns or raises `Refusal`. A request the caller may not see is FAIL_NOTFOUND in every
operation (`helpdesk_access`), a change locks the request's row first (`ledger.load(lock=True)`)
so two nodes never apply conflicting moves, and every change is an event of the append-only
history. Decisions of research/helpdesk-spec.md §6 cited as D-numbers.

Attachments are stored in the database (`helpdesk_attachments.content`): one place to back up
and to replicate, sizes capped by the settings; their type is what the content shows
(`helpdesk_attachments`), never only what the caller claims.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from gateway.clock import Clock
from gateway.domain import helpdesk_access as access
from gateway.domain import helpdesk_attachments as files
from gateway.domain import helpdesk_catalog as catalogs
from gateway.domain.helpdesk_sla import Priority
from gateway.domain.helpdesk_workflow import (
    NAMES,
    Actor,
    Flow,
    IllegalRequestTransition,
    Position,
    RequestState,
    targets,
)
from gateway.helpdesk import commands as c
from gateway.helpdesk import ledger, notifications, views
from gateway.helpdesk.codes import HelpdeskCode, Refusal, invalid_field, not_found
from gateway.helpdesk.sessions import authenticate
from gateway.settings import Settings
from gateway.store.helpdesk_requests import RequestFilter
from gateway.store.helpdesk_tables import AttachmentRow, EventRow, RequestRow, SurveyRow
from gateway.store.uow import UnitOfWork

#: (uow, *, email, invited_by, now, settings) -> the new customer's person id (an agent's
#: request on behalf of an e-mail nobody registered: the accounts' invitation).
Invite = Callable[..., int]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254
MAX_CC = 10
MAX_SHARES = 50
MAX_TEXT = 20_000
MAX_FIELD = 1_000
MAX_IDEMPOTENCY_KEY = 100
MAX_SEARCH = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: The form fields the wire carries as elements of their own, by type.
_ELEMENTS = {"user_email": "OnBehalfOf", "text_multiline": "Description", "phone": "Phone"}
_YES = {"SI", "S", "YES", "Y"}
_NO = {"NO", "N"}


class Requests:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        settings: Settings,
        invite: Invite | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._settings = settings
        self._invite = invite

    # -- catalog -----------------------------------------------------------------------

    def get_catalog(self, version: int | None = None) -> c.CatalogView:
        """The catalog in `version` (default: the current one, D27)."""
        try:
            found = catalogs.catalog(catalogs.CURRENT_VERSION if version is None else version)
        except ValueError:
            raise invalid_field("Version", "no such catalog version") from None
        return views.catalog_view(found)

    # -- create --------------------------------------------------------------------------

    def create_request(self, cmd: c.CreateRequest) -> c.Created:
        """A new request in Asignación y Revisión (D17), priority the item's default (D7),
        summary stored now (D3), flow from the category (D18). The same IdempotencyKey with
        the same payload answers the first request again (nothing written, no mail); with
        another payload FAIL_IDEMPOTENCYCONFLICT. The unique (creator, key) constraint
        decides between concurrent calls."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, cmd.session_token, now)
            key = (cmd.idempotency_key or "").strip() or None
            if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
                raise invalid_field("IdempotencyKey", f"longer than {MAX_IDEMPOTENCY_KEY}")
            fingerprint = _fingerprint(cmd)
            if key is not None:
                earlier = uow.requests.by_idempotency(viewer.person_id, key)
                if earlier is not None:
                    return self._replay(earlier, fingerprint)
            row, cc, accepted = self._draft(uow, viewer, cmd, now, key, fingerprint)
            if not uow.requests.insert(row):
                earlier = uow.requests.by_idempotency(viewer.person_id, key or "")
                assert earlier is not None
                return self._replay(earlier, fingerprint)  # rolled back: nothing written
            created = ledger.record(
                uow,
                row,
                "CREATED",
                now,
                actor_id=viewer.person_id,
                body=row.summary,
                to_state=row.state,
            )
            events = [created]
            ledger.sla_events(
                uow, row, None, ledger.clocks(row, events, now, self._settings), now, None
            )
            for email in cc:
                uow.requests.add_share(row.number, email, viewer.person_id, now)
                ledger.record(uow, row, "SHARED", now, actor_id=viewer.person_id, body=email)
            self._attach(uow, row, accepted, viewer, now, event_id=None, internal=False)
            ledger.refresh_sla_check(row, uow.requests.events(row.number), now, self._settings)
            notifications.created(uow, row, created, views.state_name(row), self._settings, now, cc)
            uow.commit()
            return c.Created(
                ledger.key_of(row.number), notifications.tracking_url(self._settings, row.number)
            )

    def _replay(self, earlier: RequestRow, fingerprint: str) -> c.Created:
        if earlier.idempotency_fingerprint != fingerprint:
            raise Refusal(
                HelpdeskCode.FAIL_IDEMPOTENCYCONFLICT,
                "IdempotencyKey: used before with a different request",
            )
        return c.Created(
            ledger.key_of(earlier.number),
            notifications.tracking_url(self._settings, earlier.number),
            replayed=True,
        )

    def _draft(
        self,
        uow: UnitOfWork,
        viewer: c.Viewer,
        cmd: c.CreateRequest,
        now: datetime,
        key: str | None,
        fingerprint: str,
    ) -> tuple[RequestRow, list[str], list[files.Accepted]]:
        """The new request's row, its CC shares and attachments, validated in wire order."""
        current = catalogs.catalog()
        item_code = (cmd.item_code or "").strip()
        if not item_code:
            raise invalid_field("ItemCode", "required")
        found = current.item(item_code)
        if found is None:
            raise invalid_field("ItemCode", "no such item in the current catalog")
        category, item = found
        reporter_id, reporter_email, company_id = self._reporter(uow, viewer, cmd, now)
        description = (cmd.description or "").strip()
        phone = (cmd.phone or "").strip()
        values = _field_values(cmd.fields)
        for form_field in item.fields:
            element = _ELEMENTS.get(form_field.type)
            if element == "OnBehalfOf":
                values[form_field.code] = reporter_email
            elif element == "Description":
                values[form_field.code] = description
            elif element == "Phone":
                values[form_field.code] = phone
        if len(description) > MAX_TEXT:
            raise invalid_field("Description", f"longer than {MAX_TEXT} characters")
        types = {f.code: f.type for f in item.fields}
        for code, problem in catalogs.validate(item, values):
            raise invalid_field(_ELEMENTS.get(types.get(code, ""), f"Fields[{code}]"), problem)
        extra = [
            {"code": f.code, "label": f.label, "value": values[f.code]}
            for f in item.fields
            if f.type not in _ELEMENTS and f.type != "attachments" and values.get(f.code)
        ]
        cc = _emails(cmd.cc_emails)
        related = self._related(uow, viewer, cmd.related_request_key)
        accepted = self._accept(cmd.attachments)
        row = RequestRow(
            catalog_version=current.version,
            category_code=category.code,
            item_code=f"{category.code}/{item.code}",
            summary=current.summary(category, item)[:300],
            flow=category.flow.value,
            state=RequestState.ASSIGNMENT_REVIEW.value,
            resume_to=None,
            priority=item.default_priority.value,
            reporter_id=reporter_id,
            created_by_id=viewer.person_id,
            company_id=company_id,
            description=description,
            phone=phone,
            fields=extra,
            notifications=True,
            idempotency_key=key,
            idempotency_fingerprint=fingerprint if key else None,
            related_number=related,
            precierre_cycle=0,
            created_at=now,
            updated_at=now,
            state_entered_at=now,
        )
        return row, cc, accepted

    def _reporter(
        self, uow: UnitOfWork, viewer: c.Viewer, cmd: c.CreateRequest, now: datetime
    ) -> tuple[int, str, int | None]:
        """(person id, e-mail, company id) of whom the request is for (D22): the caller by
        default; a customer may name a customer of his company, an agent any customer, or an
        unknown e-mail, who is then invited (`invite`)."""
        email = (cmd.on_behalf_of or "").strip().lower()
        if not email or email == viewer.email.lower():
            return viewer.person_id, viewer.email, viewer.company_id
        if len(email) > MAX_EMAIL or not _EMAIL.match(email):
            raise invalid_field("OnBehalfOf", "not an e-mail address")
        person = uow.requests.person_by_email(email)
        if person is None and viewer.is_agent:
            if self._invite is None:
                raise invalid_field("OnBehalfOf", "no registered customer with this e-mail")
            person_id = self._invite(
                uow, email=email, invited_by=viewer.person_id, now=now, settings=self._settings
            )
            person = uow.requests.person(person_id)
        if person is None or not access.may_report_for(
            viewer, person_role=person.role, person_company_id=person.company_id
        ):
            what = "not a customer" if viewer.is_agent else "not a customer of your company"
            raise invalid_field("OnBehalfOf", what)
        return person.id, person.email, person.company_id

    def _related(self, uow: UnitOfWork, viewer: c.Viewer, key: str | None) -> int | None:
        """D37: a new request may continue a Finalizado one the caller sees."""
        if not (key or "").strip():
            return None
        try:
            loaded = ledger.load(uow, viewer, key, lock=False)
        except Refusal:
            raise invalid_field("RelatedRequestKey", "no such request") from None
        if loaded.row.state != RequestState.FINISHED:
            raise invalid_field("RelatedRequestKey", "not a Finalizado request")
        return loaded.row.number

    def _accept(self, uploads: Sequence[c.NewAttachment]) -> list[files.Accepted]:
        limits = files.Limits(
            max_bytes=self._settings.helpdesk_attachment_max_bytes,
            max_count=self._settings.helpdesk_attachment_max_count,
            max_total_bytes=self._settings.helpdesk_attachment_max_total_bytes,
        )
        try:
            return files.accept(
                [files.Upload(u.file_name, u.content_type, u.content) for u in uploads], limits
            )
        except files.AttachmentRefused as refused:
            raise invalid_field(refused.field, refused.problem) from None

    def _attach(
        self,
        uow: UnitOfWork,
        row: RequestRow,
        accepted: Sequence[files.Accepted],
        viewer: c.Viewer,
        now: datetime,
        *,
        event_id: int | None,
        internal: bool,
    ) -> None:
        for upload in accepted:
            stored = uow.requests.add_attachment(
                AttachmentRow(
                    request_number=row.number,
                    event_id=event_id,
                    file_name=upload.file_name,
                    content_type=upload.content_type,
                    size=len(upload.content),
                    sha256=hashlib.sha256(upload.content).hexdigest(),
                    content=upload.content,
                    internal=internal,
                    uploaded_by_id=viewer.person_id,
                    created_at=now,
                )
            )
            ledger.record(
                uow,
                row,
                "ATTACHMENT_ADDED",
                now,
                actor_id=viewer.person_id,
                body=upload.file_name,
                internal=internal,
                data={"attachment_id": stored.id, "sha256": stored.sha256},
            )

    # -- read ----------------------------------------------------------------------------

    def get_request(self, session_token: str | None, request_key: str | None) -> c.RequestView:
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            loaded = ledger.load(uow, viewer, request_key, lock=False)
            row = loaded.row
            events = uow.requests.events(row.number)
            people = uow.requests.people(
                [row.reporter_id, row.created_by_id, *(e.actor_id for e in events)]
            )
            return views.request_view(
                viewer,
                row,
                shares=loaded.shares,
                events=events,
                attachments=uow.requests.attachments(row.number),
                people=people,
                catalog=catalogs.catalog(row.catalog_version),
                company_name=uow.requests.company_name(row.company_id),
                now=now,
                settings=self._settings,
            )

    def get_attachment(
        self, session_token: str | None, request_key: str | None, attachment_id: int | None
    ) -> c.AttachmentContent:
        """Only to a caller who sees the request, and an internal note's only to agents."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            loaded = ledger.load(uow, viewer, request_key, lock=False)
            if attachment_id is None:
                raise invalid_field("AttachmentId", "required")
            found = uow.requests.attachment(loaded.row.number, attachment_id)
            if found is None or not views.visible(viewer, found.internal):
                raise not_found("attachment")
            return c.AttachmentContent(views.attachment_info(found), found.content)

    def list_requests(self, cmd: c.ListRequests) -> c.RequestPage:
        """The caller's requests (D28), newest activity first; Total counts every match."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, cmd.session_token, now)
            where = _list_filter(viewer, cmd)
            page = 1 if cmd.page is None else cmd.page
            size = DEFAULT_PAGE_SIZE if cmd.page_size is None else cmd.page_size
            if page < 1:
                raise invalid_field("Page", "must be 1 or more")
            if not 1 <= size <= MAX_PAGE_SIZE:
                raise invalid_field("PageSize", f"must be between 1 and {MAX_PAGE_SIZE}")
            total, rows = uow.requests.search(where, (page - 1) * size, size)
            people = uow.requests.people(row.reporter_id for row in rows)
            return c.RequestPage(
                total=total,
                page=page,
                page_size=size,
                requests=tuple(views.summary(row, people) for row in rows),
            )

    def get_history(self, session_token: str | None, request_key: str | None) -> c.History:
        """Every event, oldest first; a customer's view leaves the internal ones out."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            row = ledger.load(uow, viewer, request_key, lock=False).row
            events = uow.requests.events(row.number)
            people = uow.requests.people(e.actor_id for e in events)
            return views.history(viewer, row, events, people)

    def get_sla_status(
        self, session_token: str | None, request_key: str | None, as_of: datetime | None
    ) -> c.SlaView:
        """Each clock as of `as_of` (default now), projected assuming no further change."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            row = ledger.load(uow, viewer, request_key, lock=False).row
            moment = now if as_of is None else _aware(as_of)
            if moment < row.created_at:
                raise invalid_field("AsOf", "before the request was created")
            return views.sla_view(row, uow.requests.events(row.number), moment, self._settings)

    # -- changes -------------------------------------------------------------------------

    def add_comment(self, cmd: c.AddComment) -> c.Commented:
        """A public comment or (agents) an internal note. A customer's comment in Pendiente
        por Cliente returns the request to the state it came from (D34); in Pre-cierre a
        comment changes nothing (D14); on a Finalizado request FAIL_REQUESTCLOSED (D37)."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, cmd.session_token, now)
            body = _text("Body", cmd.body, required=True)
            internal = bool(cmd.internal)
            loaded = ledger.load(uow, viewer, cmd.request_key, lock=True)
            row = loaded.row
            if internal and not viewer.is_agent:
                raise Refusal(HelpdeskCode.FAIL_NOTALLOWED, "Internal: notes are for agents")
            _open(row)
            accepted = self._accept(cmd.attachments)
            event = self._comment(uow, row, viewer, body, now, internal=internal)
            self._attach(uow, row, accepted, viewer, now, event_id=event.id, internal=internal)
            if viewer.is_agent and not internal:
                notifications.agent_reply(
                    uow, row, event, viewer.full_name, self._settings, now, loaded.shares
                )
            position = ledger.position_of(row)
            if not viewer.is_agent and position.state is RequestState.PENDING_CUSTOMER:
                assert position.resume_to is not None
                ledger.apply_move(
                    uow,
                    row,
                    position.resume_to,
                    Actor.CUSTOMER,
                    viewer.person_id,
                    now,
                    self._settings,
                    shares=loaded.shares,
                )
            uow.commit()
            return c.Commented(event.id, row.state, views.state_name(row))

    def _comment(
        self,
        uow: UnitOfWork,
        row: RequestRow,
        viewer: c.Viewer,
        body: str,
        now: datetime,
        *,
        internal: bool = False,
    ) -> EventRow:
        kind = "INTERNAL_NOTE" if internal else "COMMENT"
        return ledger.record(
            uow, row, kind, now, actor_id=viewer.person_id, body=body, internal=internal
        )

    def share_request(
        self, session_token: str | None, request_key: str | None, email: str | None
    ) -> None:
        """Share with an e-mail ("+ Compartir", D29): it sees the request and its mails.
        Sharing again with the same address changes nothing."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            (address,) = _emails([email or ""], element="Email", required=True)
            loaded = ledger.load(uow, viewer, request_key, lock=True)
            _open(loaded.row)
            if address in loaded.shares:
                return
            if len(loaded.shares) >= MAX_SHARES:
                raise invalid_field("Email", f"a request is shared with at most {MAX_SHARES}")
            uow.requests.add_share(loaded.row.number, address, viewer.person_id, now)
            ledger.record(uow, loaded.row, "SHARED", now, actor_id=viewer.person_id, body=address)
            uow.commit()

    def set_notifications(
        self, session_token: str | None, request_key: str | None, enabled: bool | None
    ) -> None:
        """The reporter's per-request switch "Notificaciones activadas" (D30)."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            if enabled is None:
                raise invalid_field("Enabled", "required")
            row = ledger.load(uow, viewer, request_key, lock=True).row
            if viewer.person_id != row.reporter_id:
                raise Refusal(HelpdeskCode.FAIL_NOTALLOWED, "only the reporter sets this")
            if row.notifications == enabled:
                return
            row.notifications = enabled
            text = "Notificaciones activadas" if enabled else "Notificaciones desactivadas"
            ledger.record(
                uow,
                row,
                "NOTIFICATIONS_CHANGED",
                now,
                actor_id=viewer.person_id,
                body=text,
                data={"enabled": enabled},
            )
            uow.commit()

    def get_available_transitions(
        self, session_token: str | None, request_key: str | None
    ) -> c.Transitions:
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            row = ledger.load(uow, viewer, request_key, lock=False).row
            position = ledger.position_of(row)
            names = NAMES[position.flow]
            allowed = _transition_targets(position, access.actor_of(viewer))
            return c.Transitions(
                state=row.state,
                state_name=position.name,
                transitions=tuple(
                    c.Transition(state.value, name)
                    for state, name in names.items()
                    if state in allowed
                ),
            )

    def transition_request(
        self,
        session_token: str | None,
        request_key: str | None,
        to_state: str | None,
        comment: str | None,
    ) -> c.Moved:
        """Move the request (`helpdesk_workflow`), with an optional public comment. ToState
        is a state code or any spelling of its name (D4)."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            target = parse_state(to_state)
            body = _text("Comment", comment, required=False)
            loaded = ledger.load(uow, viewer, request_key, lock=True)
            row = loaded.row
            _open(row)
            position = ledger.position_of(row)
            actor = access.actor_of(viewer)
            if target not in _transition_targets(position, actor):
                raise _illegal(row, target)
            if body:
                event = self._comment(uow, row, viewer, body, now)
                if viewer.is_agent and target not in notifications.MAILED_STATES:
                    notifications.agent_reply(
                        uow, row, event, viewer.full_name, self._settings, now, loaded.shares
                    )
            try:
                ledger.apply_move(
                    uow,
                    row,
                    target,
                    actor,
                    viewer.person_id,
                    now,
                    self._settings,
                    shares=loaded.shares,
                    comment=body if viewer.is_agent else None,
                )
            except IllegalRequestTransition:
                raise _illegal(row, target) from None
            uow.commit()
            return c.Moved(row.state, views.state_name(row))

    def set_priority(
        self, session_token: str | None, request_key: str | None, priority: str | None
    ) -> str:
        """Agents of the request's flow set the priority (D7); the SLA targets follow it."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, session_token, now)
            chosen = parse_priority(priority)
            row = ledger.load(uow, viewer, request_key, lock=True).row
            if not access.can_set_priority(viewer, Flow(row.flow)):
                raise Refusal(HelpdeskCode.FAIL_NOTALLOWED, "Priority: set by the helpdesk")
            _open(row)
            if row.priority == chosen.value:
                return chosen.value
            before = row.priority
            row.priority = chosen.value
            ledger.record(
                uow,
                row,
                "PRIORITY_CHANGED",
                now,
                actor_id=viewer.person_id,
                body=f"Prioridad: {before} -> {chosen.value}",
                data={"from": before, "to": chosen.value},
            )
            ledger.refresh_sla_check(row, uow.requests.events(row.number), now, self._settings)
            uow.commit()
            return chosen.value

    def answer_survey(self, cmd: c.AnswerSurvey) -> c.Moved:
        """The Pre-cierre survey, by the reporter only (D29), while in Pre-cierre (D38; a
        new answer in the same cycle replaces the earlier one). "Si" finalizes at once when
        `helpdesk_survey_closes` (D12); "No" needs a Comment (D14) and reopens a support
        request (a new SLA cycle); a commercial "No" is recorded and flagged to back office
        with an internal event, without reopening (D16)."""
        now = self._clock.now()
        with self._uow() as uow:
            viewer = authenticate(uow, cmd.session_token, now)
            loaded = ledger.load(uow, viewer, cmd.request_key, lock=True)
            row = loaded.row
            if viewer.is_agent or not access.can_answer_survey(viewer, loaded.parties):
                raise Refusal(HelpdeskCode.FAIL_NOTALLOWED, "the reporter answers the survey")
            if row.state != RequestState.PRE_CLOSURE:
                raise Refusal(
                    HelpdeskCode.FAIL_INVALIDTRANSITION, "the survey is open in Pre-cierre only"
                )
            service = _rating("ServiceRating", cmd.service_rating)
            timeliness = _rating("TimelinessRating", cmd.timeliness_rating)
            authorize = parse_yes_no(cmd.authorize_closing)
            comment = _text("Comment", cmd.comment, required=not authorize)
            survey = uow.requests.survey(row.number, row.precierre_cycle)
            if survey is None:
                survey = SurveyRow(request_number=row.number, cycle=row.precierre_cycle)
                uow.session.add(survey)
            survey.service_rating = service
            survey.timeliness_rating = timeliness
            survey.authorize_closing = authorize
            survey.comment = comment
            survey.answered_by_id = viewer.person_id
            survey.answered_at = now
            uow.session.flush()
            ledger.record(
                uow,
                row,
                "SURVEY_ANSWERED",
                now,
                actor_id=viewer.person_id,
                body=_survey_text(service, timeliness, authorize, comment),
                cycle=row.precierre_cycle,
                data={"service": service, "timeliness": timeliness, "authorize": authorize},
            )
            flow = Flow(row.flow)
            if authorize and self._settings.helpdesk_survey_closes:
                self._survey_move(uow, row, RequestState.FINISHED, viewer, now, loaded.shares)
            elif not authorize and flow is Flow.SUPPORT:
                self._survey_move(uow, row, RequestState.REOPENED, viewer, now, loaded.shares)
            elif not authorize:
                ledger.record(
                    uow,
                    row,
                    "INTERNAL_NOTE",
                    now,
                    actor_id=None,
                    internal=True,
                    body="Encuesta: el cliente no autoriza el cierre. Revisar (back office): "
                    + comment,
                    cycle=row.precierre_cycle,
                )
            uow.commit()
            return c.Moved(row.state, views.state_name(row))

    def _survey_move(
        self,
        uow: UnitOfWork,
        row: RequestRow,
        target: RequestState,
        viewer: c.Viewer,
        now: datetime,
        shares: Sequence[str],
    ) -> None:
        ledger.apply_move(
            uow,
            row,
            target,
            Actor.CUSTOMER,
            viewer.person_id,
            now,
            self._settings,
            shares=shares,
        )


# -- parsing ---------------------------------------------------------------------------


def _folded(value: str) -> str:
    """Case-, accent-, blank- and punctuation-insensitive form of a name or code."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.casefold())


_STATE_SPELLINGS: dict[str, RequestState] = {}
for _state in RequestState:
    _STATE_SPELLINGS[_folded(_state.value)] = _state
for _names in NAMES.values():
    for _state, _name in _names.items():
        _STATE_SPELLINGS[_folded(_name)] = _state
_PRIORITY_SPELLINGS = {
    **{_folded(p.value): p for p in Priority},
    "critica": Priority.CRITICAL,
    "alta": Priority.HIGH,
    "media": Priority.MEDIUM,
}


def parse_state(value: str | None) -> RequestState:
    """A state code (`IN_PROGRESS`) or any spelling of its name ("En curso", "EN CURSO",
    "re-abierto"): D4."""
    if not (value or "").strip():
        raise invalid_field("ToState", "required")
    found = _STATE_SPELLINGS.get(_folded(value or ""))
    if found is None:
        raise invalid_field("ToState", "no such state")
    return found


def parse_priority(value: str | None) -> Priority:
    if not (value or "").strip():
        raise invalid_field("Priority", "required")
    found = _PRIORITY_SPELLINGS.get(_folded(value or ""))
    if found is None:
        raise invalid_field("Priority", "one of CRITICA, ALTA, MEDIA")
    return found


def parse_yes_no(value: str | None) -> bool:
    """AuthorizeClosing: "Si" (Sí, SI, S) or "No" (N)."""
    folded = _folded(value or "").upper()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise invalid_field("AuthorizeClosing", "Si or No")


def _rating(element: str, value: int | None) -> int:
    if value is None:
        raise invalid_field(element, "required")
    if not 1 <= value <= 5:
        raise invalid_field(element, "from 1 to 5")
    return value


def _text(element: str, value: str | None, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid_field(element, "required")
    if len(text) > MAX_TEXT:
        raise invalid_field(element, f"longer than {MAX_TEXT} characters")
    return text


def _emails(
    values: Sequence[str], *, element: str = "CcEmails", required: bool = False
) -> list[str]:
    """Lower-cased, each once; at most MAX_CC (D31)."""
    if len(values) > MAX_CC:
        raise invalid_field(element, f"at most {MAX_CC} addresses")
    found: list[str] = []
    for position, value in enumerate(values, 1):
        email = (value or "").strip().lower()
        where = element if required else f"{element}[{position}]"
        if not email and required:
            raise invalid_field(where, "required")
        if len(email) > MAX_EMAIL or not _EMAIL.match(email):
            raise invalid_field(where, "not an e-mail address")
        if email not in found:
            found.append(email)
    return found


def _field_values(given: Sequence[c.FieldValue]) -> dict[str, str]:
    """Fields[{Code, Value}] by catalog code (`tipo-de-pago-en-linea` is TIPO_DE_PAGO_EN_LINEA)."""
    values: dict[str, str] = {}
    for position, entry in enumerate(given, 1):
        code = catalogs.code_of(entry.code or "")
        if not code:
            raise invalid_field(f"Fields[{position}].Code", "required")
        if code in values:
            raise invalid_field(f"Fields[{code}]", "given twice")
        value = (entry.value or "").strip()
        if len(value) > MAX_FIELD:
            raise invalid_field(f"Fields[{code}]", f"longer than {MAX_FIELD} characters")
        values[code] = value
    return values


def _fingerprint(cmd: c.CreateRequest) -> str:
    """SHA-256 of the normalized command (the session aside): the same key with the same
    payload is a retry; with another, a conflict."""
    normalized = {
        "item": (cmd.item_code or "").strip().upper(),
        "on_behalf_of": (cmd.on_behalf_of or "").strip().lower(),
        "description": (cmd.description or "").strip(),
        "phone": (cmd.phone or "").strip(),
        "fields": sorted(
            [catalogs.code_of(f.code or ""), (f.value or "").strip()] for f in cmd.fields
        ),
        "cc": sorted({(e or "").strip().lower() for e in cmd.cc_emails}),
        "attachments": [
            [files.clean_name(a.file_name), hashlib.sha256(a.content or b"").hexdigest()]
            for a in cmd.attachments
        ],
        "related": ledger.number_of(cmd.related_request_key),
    }
    encoded = json.dumps(normalized, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _list_filter(viewer: c.Viewer, cmd: c.ListRequests) -> RequestFilter:
    try:
        scope = c.Scope((cmd.scope or "ALL").strip().upper())
    except ValueError:
        raise invalid_field("Scope", "CREATED_BY_ME, SHARED_WITH_ME or ALL") from None
    states = []
    for value in cmd.states:
        try:
            states.append(RequestState((value or "").strip().upper()).value)
        except ValueError:
            raise invalid_field("States", f"no such state: {value}") from None
    text = (cmd.text or "").strip() or None
    if text is not None and len(text) > MAX_SEARCH:
        raise invalid_field("Text", f"longer than {MAX_SEARCH} characters")
    company = None if viewer.is_agent else viewer.company_id
    return RequestFilter(
        visible_to=None if viewer.is_agent else (viewer.person_id, viewer.email, company),
        created_by=viewer.person_id if scope is c.Scope.CREATED_BY_ME else None,
        shared_with=(viewer.email, company) if scope is c.Scope.SHARED_WITH_ME else None,
        shared_excludes=viewer.person_id if scope is c.Scope.SHARED_WITH_ME else None,
        states=states,
        item_code=(cmd.item_code or "").strip().upper() or None,
        created_from=_aware(cmd.created_from) if cmd.created_from else None,
        created_to=_aware(cmd.created_to) if cmd.created_to else None,
        text=text,
        number=ledger.number_of(text),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _transition_targets(position: Position, actor: Actor) -> frozenset[RequestState]:
    """What transitionRequest offers: the workflow's targets, less the customer's moves out of
    Pre-cierre, which are the survey's (answerSurvey)."""
    if actor is Actor.CUSTOMER and position.state is RequestState.PRE_CLOSURE:
        return frozenset()
    return targets(position, actor)


def _open(row: RequestRow) -> None:
    if row.state == RequestState.FINISHED:
        raise Refusal(
            HelpdeskCode.FAIL_REQUESTCLOSED,
            "the request is Finalizado: create a new request referencing it",
        )


def _illegal(row: RequestRow, target: RequestState) -> Refusal:
    return Refusal(
        HelpdeskCode.FAIL_INVALIDTRANSITION,
        f"ToState: cannot move from {row.state} to {target.value}",
    )


def _survey_text(service: int, timeliness: int, authorize: bool, comment: str) -> str:
    lines = [
        f"Calificación del servicio: {service}/5",
        f"Calificación del tiempo de solución: {timeliness}/5",
        f"Autoriza el cierre: {'Si' if authorize else 'No'}",
    ]
    if comment:
        lines.append(f"Comentario: {comment}")
    return "\n".join(lines)
