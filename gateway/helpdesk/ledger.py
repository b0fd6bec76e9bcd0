"""The core every request use case and job shares: find the request the caller may see, record
an event, apply a workflow move with its SLA events, keep the due instants of the jobs.

    load        the request by key, visible to the viewer (FAIL_NOTFOUND otherwise), locked
                for a change (SELECT ... FOR UPDATE) when the use case writes
    record      append one event (helpdesk_events is append-only) and touch `updated_at`
    apply_move  `helpdesk_workflow.move`, the STATE_CHANGED event with the automatic activity
                text, the SLA_STARTED/PAUSED/RESUMED/STOPPED events the move causes per clock,
                the Pre-cierre timer (D13) and the mails of the new state
    refresh_sla_check  `RequestRow.sla_check_at`: the earliest due instant of a running clock
                not yet breached (what the breach job reads through its partial index)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gateway.domain import helpdesk_access as access
from gateway.domain import helpdesk_sla as sla
from gateway.domain.helpdesk_sla import Clock, ClockStatus, Priority, StateEntry
from gateway.domain.helpdesk_workflow import (
    Actor,
    Flow,
    Position,
    RequestState,
    activity_text,
    move,
)
from gateway.helpdesk import notifications
from gateway.helpdesk.codes import not_found
from gateway.helpdesk.commands import Viewer
from gateway.settings import Settings
from gateway.store.helpdesk_tables import EventRow, RequestRow
from gateway.store.uow import UnitOfWork

KEY_PREFIX = "MITICKET-"
_KEY = re.compile(r"^\s*MITICKET-([1-9][0-9]{0,17})\s*$", re.IGNORECASE)
#: Kinds whose `to_state` is a state the request entered (the SLA's history).
_ENTRIES = ("CREATED", "STATE_CHANGED")


def key_of(number: int) -> str:
    return f"{KEY_PREFIX}{number}"


def number_of(request_key: str | None) -> int | None:
    """`MITICKET-41` (any letter case) -> 41; anything else None."""
    match = _KEY.match(request_key or "")
    return int(match.group(1)) if match else None


@dataclass
class Loaded:
    """A request the viewer may see, with what decides who sees it."""

    row: RequestRow
    shares: list[str]

    @property
    def parties(self) -> access.RequestParties:
        return parties_of(self.row, self.shares)

    @property
    def position(self) -> Position:
        return position_of(self.row)


def parties_of(row: RequestRow, shares: Sequence[str]) -> access.RequestParties:
    return access.RequestParties(row.reporter_id, row.created_by_id, row.company_id, shares)


def position_of(row: RequestRow) -> Position:
    resume = RequestState(row.resume_to) if row.resume_to else None
    return Position(Flow(row.flow), RequestState(row.state), resume)


def load(uow: UnitOfWork, viewer: Viewer, request_key: str | None, *, lock: bool) -> Loaded:
    """The request `request_key` names, if the viewer may see it; FAIL_NOTFOUND otherwise
    (also for a malformed key: existence is never disclosed). `lock`: row-locked."""
    number = number_of(request_key)
    row = None
    if number is not None:
        row = uow.requests.lock(number) if lock else uow.requests.get(number)
    if row is None:
        raise not_found()
    loaded = Loaded(row, uow.requests.shares(row.number))
    if not access.can_see(viewer, loaded.parties):
        raise not_found()
    return loaded


def record(
    uow: UnitOfWork,
    row: RequestRow,
    kind: str,
    now: datetime,
    *,
    actor_id: int | None,
    body: str = "",
    internal: bool = False,
    from_state: str | None = None,
    to_state: str | None = None,
    clock: str | None = None,
    cycle: int | None = None,
    data: Mapping[str, Any] | None = None,
) -> EventRow:
    """Append one event to the request's history; the request's last activity is now, unless
    the event is the clocks' own bookkeeping (SLA_*: nobody acted on the request)."""
    if not kind.startswith("SLA_"):
        row.updated_at = max(row.updated_at, now)
    return uow.requests.add_event(
        EventRow(
            request_number=row.number,
            at=now,
            actor_id=actor_id,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            body=body,
            internal=internal,
            clock=clock,
            cycle=cycle,
            data=dict(data or {}),
        )
    )


# -- SLA ----------------------------------------------------------------------------------


def state_history(events: Sequence[EventRow]) -> list[StateEntry]:
    """The states the request entered, in order, from its events."""
    return [
        StateEntry(event.at, RequestState(event.to_state))
        for event in events
        if event.kind in _ENTRIES and event.to_state
    ]


def targets(settings: Settings) -> dict[tuple[Clock, Priority], timedelta | None]:
    """`helpdesk_sla.TARGETS`, the resolution targets overridden by the settings (D8)."""
    chosen = dict(sla.TARGETS)
    for priority, minutes in settings.helpdesk_resolution_minutes.items():
        chosen[(Clock.RESOLUTION, Priority(priority))] = timedelta(minutes=minutes)
    return chosen


def clocks(
    row: RequestRow, events: Sequence[EventRow], as_of: datetime, settings: Settings
) -> dict[Clock, ClockStatus]:
    history = state_history(events)
    chosen = targets(settings)
    return {
        clock: sla.status(clock, history, Priority(row.priority), as_of, chosen) for clock in Clock
    }


def breach_recorded(events: Sequence[EventRow], clock: Clock, cycle: int) -> bool:
    return any(
        e.kind == "SLA_BREACHED" and e.clock == clock.value and e.cycle == cycle for e in events
    )


def refresh_sla_check(
    row: RequestRow, events: Sequence[EventRow], now: datetime, settings: Settings
) -> None:
    """`sla_check_at` = the earliest instant the breach job has something to record: the due
    instant of a running clock, or now for a clock already late whose breach is not recorded
    (it stopped late between two runs of the job); None when nothing can breach."""
    due: list[datetime] = []
    if row.state != RequestState.FINISHED:
        for clock, status in clocks(row, events, now, settings).items():
            if breach_recorded(events, clock, len(status.cycles)):
                continue
            if status.breached:
                due.append(now)
            elif status.due_at is not None:
                due.append(status.due_at)
    row.sla_check_at = min(due) if due else None


def sla_events(
    uow: UnitOfWork,
    row: RequestRow,
    before: Mapping[Clock, ClockStatus] | None,
    after: Mapping[Clock, ClockStatus],
    now: datetime,
    actor_id: int | None,
) -> list[EventRow]:
    """What a change did to each clock, as events: started (a new cycle), stopped, paused,
    resumed. `before` None: the request is new. The events recorded."""
    recorded: list[EventRow] = []
    for clock, status in after.items():
        cycle = len(status.cycles)
        previous = None if before is None else before[clock]
        kind = None
        if previous is None or len(previous.cycles) < cycle:
            kind = "SLA_STARTED"
        elif previous.cycles[-1].stopped_at is None and status.cycles[-1].stopped_at is not None:
            kind = "SLA_STOPPED"
        elif not previous.paused and status.paused:
            kind = "SLA_PAUSED"
        elif previous.paused and not status.paused:
            kind = "SLA_RESUMED"
        if kind:
            recorded.append(
                record(uow, row, kind, now, actor_id=actor_id, clock=clock.value, cycle=cycle)
            )
    return recorded


# -- moves --------------------------------------------------------------------------------


def apply_move(
    uow: UnitOfWork,
    row: RequestRow,
    target: RequestState,
    actor: Actor,
    actor_id: int | None,
    now: datetime,
    settings: Settings,
    *,
    shares: Sequence[str] | None = None,
    comment: str | None = None,
) -> EventRow:
    """Move the (locked) request, or raise `IllegalRequestTransition`. Records the state
    change with its activity text, the SLA events, the Pre-cierre timer (D13: each entry a
    fresh one; leaving clears it) and queues the mail of the new state, quoting `comment`
    (the agent's words that came with the move: one mail, not two)."""
    before_position = position_of(row)
    after_position = move(before_position, target, actor)
    events = uow.requests.events(row.number)
    before = clocks(row, events, now, settings)
    row.state = after_position.state.value
    row.resume_to = after_position.resume_to.value if after_position.resume_to else None
    row.state_entered_at = now
    if after_position.state is RequestState.PRE_CLOSURE:
        row.precierre_cycle += 1
        row.auto_close_at = now + timedelta(days=settings.helpdesk_auto_close_days)
    else:
        row.auto_close_at = None
    if after_position.final:
        row.closed_at = now
    changed = record(
        uow,
        row,
        "STATE_CHANGED",
        now,
        actor_id=actor_id,
        body=activity_text(after_position),
        from_state=before_position.state.value,
        to_state=after_position.state.value,
    )
    events.append(changed)
    events += sla_events(uow, row, before, clocks(row, events, now, settings), now, actor_id)
    refresh_sla_check(row, events, now, settings)
    notifications.state_changed(
        uow,
        row,
        changed,
        settings,
        now,
        shares=shares or uow.requests.shares(row.number),
        comment=comment,
    )
    return changed
