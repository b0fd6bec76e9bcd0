"""Business time in the SLA calendars: exact examples, then properties (hypothesis)."""

from __future__ import annotations

import time as system_time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.business_calendar import (
    ALWAYS,
    BOGOTA,
    BusinessHours,
    add,
    measure,
    measure_excluding,
    merged,
)

COLOMBIA = BusinessHours.colombia()
CALENDARS = {"colombia": COLOMBIA, "always": ALWAYS}


def bogota(*args: int) -> datetime:
    return datetime(*args, tzinfo=BOGOTA)


# -- examples from the guide's table (Alta: 2 h, Media: 4 h, Monday to Friday 08:00–18:00) --------


def test_alta_raised_on_friday_at_five_is_due_on_monday_at_nine():
    friday = bogota(2026, 11, 20, 17, 0)
    assert add(COLOMBIA, friday, timedelta(hours=2)) == bogota(2026, 11, 23, 9, 0)


def test_media_raised_before_opening_starts_counting_at_eight():
    early = bogota(2026, 11, 24, 6, 30)
    assert add(COLOMBIA, early, timedelta(hours=4)) == bogota(2026, 11, 24, 12, 0)
    assert measure(COLOMBIA, early, bogota(2026, 11, 24, 9, 0)) == timedelta(hours=1)


def test_eighteen_hundred_is_outside_and_weekends_do_not_count():
    assert measure(COLOMBIA, bogota(2026, 11, 27, 18, 0), bogota(2026, 11, 30, 8, 0)) == timedelta(
        0
    )
    assert add(COLOMBIA, bogota(2026, 11, 27, 17, 59), timedelta(minutes=1)) == bogota(
        2026, 11, 27, 18, 0
    )


def test_colombian_holidays_have_no_working_time():
    # 2026-12-08, Immaculate Conception (a Tuesday), and 2026-12-25, Christmas (a Friday).
    assert measure(COLOMBIA, bogota(2026, 12, 8, 0, 0), bogota(2026, 12, 9, 0, 0)) == timedelta(0)
    assert add(COLOMBIA, bogota(2026, 12, 24, 17, 0), timedelta(hours=2)) == bogota(
        2026, 12, 28, 9, 0
    )


def test_critica_runs_around_the_clock():
    saturday_night = bogota(2026, 11, 28, 23, 30)
    assert add(ALWAYS, saturday_night, timedelta(hours=1)) == bogota(2026, 11, 29, 0, 30)
    assert measure(ALWAYS, saturday_night, bogota(2026, 11, 29, 0, 30)) == timedelta(hours=1)


def test_zero_duration_is_the_start_itself_and_naive_instants_are_refused():
    sunday = bogota(2026, 11, 29, 10, 0)
    assert add(COLOMBIA, sunday, timedelta(0)) == sunday
    with pytest.raises(ValueError):
        measure(COLOMBIA, datetime(2026, 11, 23, 9, 0), datetime(2026, 11, 23, 10, 0))
    with pytest.raises(ValueError):
        add(COLOMBIA, sunday, timedelta(minutes=-1))


def test_a_calendar_without_working_days_is_refused_not_looped_forever():
    never = BusinessHours(weekdays=frozenset())
    assert measure(never, bogota(2026, 1, 1), bogota(2027, 1, 1)) == timedelta(0)
    with pytest.raises(ValueError):
        add(never, bogota(2026, 1, 1), timedelta(minutes=1))


def test_pauses_are_merged_and_subtracted():
    monday = bogota(2026, 11, 23, 8, 0)
    gaps = [
        (bogota(2026, 11, 23, 9, 0), bogota(2026, 11, 23, 10, 0)),
        (bogota(2026, 11, 23, 9, 30), bogota(2026, 11, 23, 11, 0)),  # overlaps the first
        (bogota(2026, 11, 23, 19, 0), bogota(2026, 11, 23, 20, 0)),  # outside working hours
    ]
    assert merged(gaps)[0] == (bogota(2026, 11, 23, 9, 0), bogota(2026, 11, 23, 11, 0))
    end = bogota(2026, 11, 23, 18, 0)
    assert measure_excluding(COLOMBIA, monday, end, gaps) == timedelta(hours=8)


# -- properties ---------------------------------------------------------------------------


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))
calendars = st.sampled_from(sorted(CALENDARS))


@settings(max_examples=300, deadline=None)
@given(name=calendars, start=instants, duration=durations)
def test_measuring_what_add_added_gives_it_back(name, start, duration):
    calendar = CALENDARS[name]
    assert measure(calendar, start, add(calendar, start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(name=calendars, a=instants, b=instants, c=instants)
def test_working_time_adds_up_over_consecutive_intervals(name, a, b, c):
    first, middle, last = sorted((a, b, c))
    calendar = CALENDARS[name]
    whole = measure(calendar, first, last)
    assert whole == measure(calendar, first, middle) + measure(calendar, middle, last)
    assert whole <= last - first


@settings(max_examples=200, deadline=None)
@given(
    name=calendars,
    start=instants,
    length=durations,
    pauses=st.lists(
        st.tuples(instants, st.timedeltas(timedelta(0), timedelta(days=5))), max_size=5
    ),
)
def test_pauses_never_count(name, start, length, pauses):
    calendar = CALENDARS[name]
    end = start + length
    gaps = [(opens, opens + span) for opens, span in pauses]
    counted = measure_excluding(calendar, start, end, gaps)
    assert timedelta(0) <= counted <= measure(calendar, start, end)
    # No instant inside a pause counts: the time left equals the working time of the pieces
    # of [start, end) between the pauses.
    pieces, cursor = [], start
    for opens, closes in merged(gaps):
        if opens > cursor:
            pieces.append((cursor, min(opens, end)))
        cursor = max(cursor, closes)
    pieces.append((cursor, end))
    assert counted == sum((measure(calendar, s, e) for s, e in pieces), timedelta(0))


@settings(max_examples=100, deadline=None)
@given(start=instants, duration=durations, offset=st.integers(min_value=-12, max_value=14))
def test_the_answer_is_the_same_instant_whatever_zone_the_input_is_written_in(
    start, duration, offset
):
    elsewhere = start.astimezone(timezone(timedelta(hours=offset)))
    assert add(COLOMBIA, elsewhere, duration) == add(COLOMBIA, start, duration)


@pytest.mark.parametrize("server_zone", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_results_do_not_depend_on_the_server_time_zone(server_zone, monkeypatch):
    friday = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)  # 17:00 in Bogotá
    monkeypatch.setenv("TZ", server_zone)
    system_time.tzset()
    try:
        assert add(COLOMBIA, friday, timedelta(hours=2)) == bogota(2026, 11, 23, 9, 0)
        assert add(COLOMBIA, friday.astimezone(ZoneInfo(server_zone)), timedelta(hours=2)) == (
            bogota(2026, 11, 23, 9, 0)
        )
    finally:
        monkeypatch.undo()
        system_time.tzset()
