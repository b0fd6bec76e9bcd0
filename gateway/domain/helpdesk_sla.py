"""The helpdesk's SLA ("ANS") clocks, computed from a request's state history (D8–D11).

Two clocks, both in the business calendar of the request's priority (§3.2, D9):

    RESPONSE    "Inicio solución": from the start of a cycle until the request first leaves the
                state the cycle started in (ASSIGNMENT_REVIEW, or REOPENED), normally to
                IN_PROGRESS. Targets: Crítica 0 ("Inmediata", D10: any positive time breaches),
                Alta 2 h, Media 4 h.
    RESOLUTION  "Tiempo de solución": from the start of a cycle until PRE_CLOSURE, less the time
                spent in the pausing states. No target until the business sets one.

A cycle starts at creation and again at each REOPENED; earlier cycles are kept. The status is
projected to `as_of` assuming no further change: events after it are ignored, and a clock that
is paused at `as_of` has no due instant. The priority's current target and calendar apply to
the whole of the current cycle ("the SLA target is chosen again whenever the priority
changes", D7). Pure functions: the use case reads the history and the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from gateway.domain.business_calendar import (
    ALWAYS,
    BusinessHours,
    Calendar,
    Interval,
    add,
    measure,
    measure_excluding,
)
from gateway.domain.helpdesk_workflow import PAUSING, RequestState


class Priority(StrEnum):
    CRITICAL = "CRITICA"
    HIGH = "ALTA"
    MEDIUM = "MEDIA"


class Clock(StrEnum):
    RESPONSE = "RESPONSE"
    RESOLUTION = "RESOLUTION"


_COLOMBIA = BusinessHours.colombia()
CALENDARS: Mapping[Priority, Calendar] = {
    Priority.CRITICAL: ALWAYS,
    Priority.HIGH: _COLOMBIA,
    Priority.MEDIUM: _COLOMBIA,
}
#: Default targets (configurable per priority); None: measured, no target.
TARGETS: Mapping[tuple[Clock, Priority], timedelta | None] = {
    (Clock.RESPONSE, Priority.CRITICAL): timedelta(0),
    (Clock.RESPONSE, Priority.HIGH): timedelta(hours=2),
    (Clock.RESPONSE, Priority.MEDIUM): timedelta(hours=4),
    (Clock.RESOLUTION, Priority.CRITICAL): None,
    (Clock.RESOLUTION, Priority.HIGH): None,
    (Clock.RESOLUTION, Priority.MEDIUM): None,
}


@dataclass(frozen=True)
class StateEntry:
    """The request entered `state` at `at` (the first entry is its creation)."""

    at: datetime
    state: RequestState


@dataclass(frozen=True)
class Cycle:
    started_at: datetime
    stopped_at: datetime | None
    elapsed: timedelta
    #: Pauses inside the cycle, up to `as_of` (the last may still be open: ends at `as_of`).
    pauses: tuple[Interval, ...]


@dataclass(frozen=True)
class ClockStatus:
    clock: Clock
    target: timedelta | None
    #: When the current cycle reaches its target, assuming no further change (None: no target,
    #: stopped, or paused now).
    due_at: datetime | None
    elapsed: timedelta
    remaining: timedelta | None
    paused: bool
    #: The pausing state the clock stands still in, when paused.
    pause_state: RequestState | None
    breached: bool
    cycles: tuple[Cycle, ...]


def status(
    clock: Clock,
    history: Sequence[StateEntry],
    priority: Priority,
    as_of: datetime,
    targets: Mapping[tuple[Clock, Priority], timedelta | None] = TARGETS,
    calendars: Mapping[Priority, Calendar] = CALENDARS,
) -> ClockStatus:
    if not history:
        raise ValueError("a request's history starts with its creation")
    if as_of < history[0].at:
        raise ValueError("the SLA cannot be read before the request existed")
    calendar = calendars[priority]
    target = targets[(clock, priority)]
    seen = [entry for entry in history if entry.at <= as_of]
    cycles = [_cycle(clock, calendar, part, as_of) for part in _cycles(seen)]
    current = cycles[-1]
    last = seen[-1]
    running = current.stopped_at is None
    paused = running and clock is Clock.RESOLUTION and last.state in PAUSING
    remaining = None if target is None else max(target - current.elapsed, timedelta(0))
    due_at = None
    if target is not None and running and not paused:
        due_at = _due(calendar, current, target)
    return ClockStatus(
        clock=clock,
        target=target,
        due_at=due_at,
        elapsed=current.elapsed,
        remaining=remaining,
        paused=paused,
        pause_state=last.state if paused else None,
        breached=target is not None and current.elapsed > target,
        cycles=tuple(cycles),
    )


def _cycles(history: Sequence[StateEntry]) -> list[list[StateEntry]]:
    """The history cut at each REOPENED (which starts a new cycle)."""
    parts: list[list[StateEntry]] = []
    for entry in history:
        if not parts or entry.state is RequestState.REOPENED:
            parts.append([])
        parts[-1].append(entry)
    return parts


def _cycle(clock: Clock, calendar: Calendar, part: list[StateEntry], as_of: datetime) -> Cycle:
    start = part[0]
    stopped_at = None
    pauses: list[Interval] = []
    pause_from: datetime | None = None
    for entry in part[1:]:
        if clock is Clock.RESPONSE and stopped_at is None and entry.state is not start.state:
            stopped_at = entry.at
        if clock is Clock.RESOLUTION and stopped_at is None:
            if pause_from is not None and entry.state not in PAUSING:
                pauses.append((pause_from, entry.at))
                pause_from = None
            if entry.state in PAUSING and pause_from is None:
                pause_from = entry.at
            if entry.state is RequestState.PRE_CLOSURE:
                stopped_at = entry.at
    if pause_from is not None:
        pauses.append((pause_from, as_of))
    end = stopped_at or as_of
    elapsed = measure_excluding(calendar, start.at, end, pauses)
    return Cycle(start.at, stopped_at, elapsed, tuple(pauses))


def _due(calendar: Calendar, cycle: Cycle, target: timedelta) -> datetime:
    """When the running time of `cycle` reaches `target`, its (closed) pauses skipped."""
    left, cursor = target, cycle.started_at
    for opens, closes in cycle.pauses:
        ran = measure(calendar, cursor, opens)
        if ran >= left:
            return add(calendar, cursor, left)
        left -= ran
        cursor = max(cursor, closes)
    return add(calendar, cursor, left)
