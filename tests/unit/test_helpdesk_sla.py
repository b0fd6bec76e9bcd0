"""SLA clocks of helpdesk requests (D8–D11): examples from the guide's table, then properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.business_calendar import BOGOTA, measure_excluding
from gateway.domain.helpdesk_sla import (
    CALENDARS,
    TARGETS,
    Clock,
    Priority,
    StateEntry,
    status,
)
from gateway.domain.helpdesk_workflow import PAUSING, RequestState

S = RequestState


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BOGOTA)  # 2026-11-20 is a Friday


def history(*entries: tuple[datetime, RequestState]) -> list[StateEntry]:
    return [StateEntry(moment, state) for moment, state in entries]


def test_alta_raised_friday_evening_is_due_monday_and_breaches_if_picked_up_late():
    raised = history((at(20, 17), S.ASSIGNMENT_REVIEW), (at(23, 9, 30), S.IN_PROGRESS))
    before = status(Clock.RESPONSE, raised, Priority.HIGH, as_of=at(20, 17, 30))
    assert (before.due_at, before.elapsed, before.breached) == (
        at(23, 9),
        timedelta(minutes=30),
        False,
    )
    after = status(Clock.RESPONSE, raised, Priority.HIGH, as_of=at(24, 12))
    assert after.elapsed == timedelta(hours=2, minutes=30)  # Fri 17-18, Mon 08-09:30
    assert after.breached and after.due_at is None and after.remaining == timedelta(0)


def test_resolution_stands_still_while_waiting_for_the_customer():
    request = history(
        (at(23, 8), S.ASSIGNMENT_REVIEW),
        (at(23, 9), S.IN_PROGRESS),
        (at(23, 10), S.PENDING_CUSTOMER),
        (at(23, 14), S.IN_PROGRESS),
        (at(23, 16), S.PRE_CLOSURE),
    )
    waiting = status(Clock.RESOLUTION, request, Priority.MEDIUM, as_of=at(23, 12))
    assert waiting.paused and waiting.pause_state is S.PENDING_CUSTOMER
    assert waiting.elapsed == timedelta(hours=2) and waiting.due_at is None
    done = status(Clock.RESOLUTION, request, Priority.MEDIUM, as_of=at(27, 12))
    assert done.elapsed == timedelta(hours=4) and not done.paused
    assert done.target is None and not done.breached  # measured, no target (D8)


def test_a_reopened_request_starts_new_cycles_and_keeps_the_old_ones():
    request = history(
        (at(23, 8), S.ASSIGNMENT_REVIEW),
        (at(23, 9), S.IN_PROGRESS),
        (at(23, 11), S.PRE_CLOSURE),
        (at(24, 10), S.REOPENED),
        (at(24, 10, 45), S.IN_PROGRESS),
    )
    response = status(Clock.RESPONSE, request, Priority.HIGH, as_of=at(24, 12))
    assert [c.elapsed for c in response.cycles] == [timedelta(hours=1), timedelta(minutes=45)]
    resolution = status(Clock.RESOLUTION, request, Priority.HIGH, as_of=at(24, 12))
    assert [c.elapsed for c in resolution.cycles] == [timedelta(hours=3), timedelta(hours=2)]


def test_critica_is_immediate_around_the_clock():
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=BOGOTA)
    request = history((sunday_night, S.ASSIGNMENT_REVIEW))
    now = status(Clock.RESPONSE, request, Priority.CRITICAL, as_of=sunday_night)
    assert (now.target, now.breached, now.due_at) == (timedelta(0), False, sunday_night)
    later = status(Clock.RESPONSE, request, Priority.CRITICAL, as_of=sunday_night + timedelta(1))
    assert later.breached and later.elapsed == timedelta(days=1)


def test_the_status_is_a_projection_that_ignores_what_came_later():
    request = history((at(23, 8), S.ASSIGNMENT_REVIEW), (at(23, 15), S.IN_PROGRESS))
    earlier = status(Clock.RESPONSE, request, Priority.MEDIUM, as_of=at(23, 10))
    assert earlier.cycles[0].stopped_at is None and earlier.due_at == at(23, 12)
    with pytest.raises(ValueError):
        status(Clock.RESPONSE, request, Priority.MEDIUM, as_of=at(23, 7))


working = st.sampled_from([S.IN_PROGRESS, S.ESCALATED])
pausing = st.sampled_from(sorted(PAUSING))


@settings(max_examples=200, deadline=None)
@given(
    priority=st.sampled_from(list(Priority)),
    start=st.datetimes(datetime(2025, 1, 1), datetime(2027, 1, 1), timezones=st.just(UTC)),
    steps=st.lists(
        st.tuples(st.timedeltas(timedelta(minutes=1), timedelta(days=3)), working, pausing),
        max_size=6,
    ),
    tail=st.timedeltas(timedelta(0), timedelta(days=3)),
    target=st.timedeltas(timedelta(minutes=1), timedelta(days=5)),
)
def test_resolution_counts_only_unpaused_time_and_its_due_instant_is_exact(
    priority, start, steps, tail, target
):
    """Work, pause, work, ...: the elapsed time is the working time outside the pauses, and the
    due instant is where exactly `target` of it has run."""
    entries, moment, pauses = [StateEntry(start, S.ASSIGNMENT_REVIEW)], start, []
    for gap, work, pause in steps:
        moment += gap
        entries.append(StateEntry(moment, work))
        moment += gap
        entries.append(StateEntry(moment, pause))
        pauses.append((moment, moment + gap))
        moment += gap
        entries.append(StateEntry(moment, work))
    as_of = moment + tail
    targets = {**TARGETS, (Clock.RESOLUTION, priority): target}
    clock = status(Clock.RESOLUTION, entries, priority, as_of, targets=targets)
    calendar = CALENDARS[priority]
    assert not clock.paused
    assert clock.elapsed == measure_excluding(calendar, start, as_of, pauses)
    assert clock.breached == (clock.elapsed > target)
    assert measure_excluding(calendar, start, clock.due_at, pauses) == target
