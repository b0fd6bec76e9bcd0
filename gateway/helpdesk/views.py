"""Rows to the plain results of `gateway.helpdesk.commands`, as the viewer may see them.

What a customer never gets is decided here once, for every operation: internal notes, internal
events and the attachments of internal notes are left out unless the viewer is an agent
(`helpdesk_access.can_see_internal`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from gateway.domain import helpdesk_access as access
from gateway.domain.business_calendar import ALWAYS
from gateway.domain.helpdesk_catalog import Catalog
from gateway.domain.helpdesk_sla import CALENDARS, Clock, ClockStatus, Priority
from gateway.domain.helpdesk_workflow import NAMES, Flow, RequestState
from gateway.helpdesk import commands as c
from gateway.helpdesk.ledger import clocks, key_of
from gateway.settings import Settings
from gateway.store.helpdesk_tables import AttachmentRow, EventRow, PersonRow, RequestRow

CLOCK_NAMES = {Clock.RESPONSE: "Inicio solución", Clock.RESOLUTION: "Tiempo de solución"}
CALENDAR_24X7 = "24x7"
CALENDAR_OFFICE = "Lunes a viernes 08:00-18:00 (America/Bogota, festivos CO)"
#: Events shown as comments: the conversation and the automatic activity entries.
_COMMENT_KINDS = ("COMMENT", "INTERNAL_NOTE", "STATE_CHANGED")
UNKNOWN = c.PersonRef(email="", full_name="", role=c.Role.CUSTOMER)


def minutes(duration: timedelta | None) -> int | None:
    """Whole minutes, floored."""
    return None if duration is None else int(duration.total_seconds() // 60)


def state_name(row: RequestRow, state: str | None = None) -> str:
    return NAMES[Flow(row.flow)][RequestState(state or row.state)]


def person_ref(row: PersonRow | None) -> c.PersonRef:
    if row is None:
        return UNKNOWN
    return c.PersonRef(email=row.email, full_name=row.full_name, role=c.Role(row.role))


def visible(viewer: c.Viewer, internal: bool) -> bool:
    return not internal or access.can_see_internal(viewer)


def attachment_info(row: AttachmentRow) -> c.AttachmentInfo:
    return c.AttachmentInfo(
        id=row.id,
        file_name=row.file_name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
        comment_id=row.event_id,
    )


def catalog_view(catalog: Catalog) -> c.CatalogView:
    categories = tuple(
        c.CatalogCategory(
            code=category.code,
            name=category.name,
            flow=category.flow.value,
            items=tuple(
                c.CatalogItem(
                    code=f"{category.code}/{item.code}",
                    name=item.name,
                    description=item.description,
                    default_priority=item.default_priority.value,
                    fields=tuple(
                        c.CatalogField(
                            code=f.code,
                            label=f.label,
                            required=f.required,
                            type=f.type,
                            options=f.options,
                            retired_options=f.retired_options,
                        )
                        for f in item.fields
                    ),
                )
                for item in category.items
            ),
        )
        for category in catalog.categories
    )
    return c.CatalogView(
        version=catalog.version,
        portal_name=catalog.portal,
        breadcrumb=f"Mesa de ayuda / {catalog.portal}",
        welcome=catalog.welcome,
        categories=categories,
    )


def sla_view(
    row: RequestRow, events: Sequence[EventRow], as_of: datetime, settings: Settings
) -> c.SlaView:
    statuses = clocks(row, events, as_of, settings)
    priority = Priority(row.priority)
    return c.SlaView(
        as_of=as_of,
        priority=priority.value,
        calendar=CALENDAR_24X7 if CALENDARS[priority] is ALWAYS else CALENDAR_OFFICE,
        clocks=tuple(_clock_view(row, clock, status) for clock, status in statuses.items()),
    )


def _clock_view(row: RequestRow, clock: Clock, status: ClockStatus) -> c.ClockView:
    target = status.target
    return c.ClockView(
        clock=clock.value,
        name=CLOCK_NAMES[clock],
        target_minutes=minutes(target),
        due_at=status.due_at,
        elapsed_minutes=minutes(status.elapsed) or 0,
        remaining_minutes=minutes(status.remaining),
        paused=status.paused,
        pause_reason=state_name(row, status.pause_state) if status.pause_state else None,
        breached=status.breached,
        cycles=tuple(
            c.ClockCycle(
                number=number,
                started_at=cycle.started_at,
                stopped_at=cycle.stopped_at,
                elapsed_minutes=minutes(cycle.elapsed) or 0,
                breached=target is not None and cycle.elapsed > target,
            )
            for number, cycle in enumerate(status.cycles, 1)
        ),
    )


def summary(row: RequestRow, people: Mapping[int, PersonRow]) -> c.RequestSummary:
    return c.RequestSummary(
        request_key=key_of(row.number),
        summary=row.summary,
        category_code=row.category_code,
        item_code=row.item_code,
        state=row.state,
        state_name=state_name(row),
        priority=row.priority,
        created_at=row.created_at,
        updated_at=row.updated_at,
        reporter=person_ref(people.get(row.reporter_id)),
    )


def request_view(
    viewer: c.Viewer,
    row: RequestRow,
    *,
    shares: Sequence[str],
    events: Sequence[EventRow],
    attachments: Sequence[AttachmentRow],
    people: Mapping[int, PersonRow],
    catalog: Catalog,
    company_name: str | None,
    now: datetime,
    settings: Settings,
) -> c.RequestView:
    found = catalog.item(row.item_code)
    category_name, item_name = (found[0].name, found[1].name) if found else ("", row.item_code)
    shown = [a for a in attachments if visible(viewer, a.internal)]
    by_event: dict[int | None, list[c.AttachmentInfo]] = {}
    for attachment in shown:
        by_event.setdefault(attachment.event_id, []).append(attachment_info(attachment))
    comments = tuple(
        c.Comment(
            id=event.id,
            # The activity entries are the "Respuesta automática" (no author).
            author=None
            if event.kind == "STATE_CHANGED" or event.actor_id is None
            else person_ref(people.get(event.actor_id)),
            created_at=event.at,
            body=event.body,
            internal=event.internal,
            attachments=tuple(by_event.get(event.id, ())),
        )
        for event in events
        if event.kind in _COMMENT_KINDS and visible(viewer, event.internal)
    )
    in_survey = row.state == RequestState.PRE_CLOSURE
    return c.RequestView(
        request_key=key_of(row.number),
        summary=row.summary,
        catalog_version=row.catalog_version,
        category_code=row.category_code,
        category_name=category_name,
        item_code=row.item_code,
        item_name=item_name,
        flow=row.flow,
        state=row.state,
        state_name=state_name(row),
        priority=row.priority,
        created_at=row.created_at,
        updated_at=row.updated_at,
        reporter=person_ref(people.get(row.reporter_id)),
        created_by=person_ref(people.get(row.created_by_id)),
        company_name=company_name,
        description=row.description,
        phone=row.phone,
        fields=tuple(
            c.RequestField(code=f["code"], label=f["label"], value=f["value"]) for f in row.fields
        ),
        comments=comments,
        shared_with=tuple(shares),
        attachments=tuple(attachment_info(a) for a in shown),
        notifications=row.notifications,
        sla=sla_view(row, events, now, settings),
        related_request_key=key_of(row.related_number) if row.related_number else None,
        survey_open=in_survey and viewer.person_id == row.reporter_id,
    )


def history(
    viewer: c.Viewer, row: RequestRow, events: Sequence[EventRow], people: Mapping[int, PersonRow]
) -> c.History:
    return c.History(
        request_key=key_of(row.number),
        events=tuple(
            c.HistoryEvent(
                id=event.id,
                at=event.at,
                kind=event.kind,
                actor=None if event.actor_id is None else person_ref(people.get(event.actor_id)),
                from_state=event.from_state,
                to_state=event.to_state,
                text=event.body or None,
                clock=event.clock,
            )
            for event in events
            if visible(viewer, event.internal)
        ),
    )
