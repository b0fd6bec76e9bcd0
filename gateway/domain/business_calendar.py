"""Business time: how much of an interval falls in a calendar's working hours, and when a given
amount of working time has passed.

The helpdesk's SLA clocks run in the calendar of a request's priority (helpdesk-spec §3.2, D9):
"Crítica" 24×7 (`ALWAYS`), "Alta" and "Media" Monday to Friday 08:00–18:00 in America/Bogota
without Colombian public holidays (`BusinessHours.colombia()`); 18:00 itself is outside. Every
instant in and out is timezone-aware; the windows are wall-clock times of the calendar's own zone,
so nothing depends on the server's time zone. Durations are `timedelta`s, exact to the
microsecond: measuring what `add` added gives it back.

    measure(start, end)            working time in [start, end)
    add(start, duration)           the first instant by which `duration` of working time passed
    measure_excluding(s, e, gaps)  working time in [s, e) outside the (paused) `gaps`
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

BOGOTA = ZoneInfo("America/Bogota")
#: `add` looks this far ahead for working time before it gives up (a calendar with no working day).
_HORIZON_DAYS = 366 * 20

Interval = tuple[datetime, datetime]


class Calendar(Protocol):
    def windows(self, start: datetime, end: datetime | None) -> Iterator[Interval]:
        """The working windows meeting [start, end) (end None: unbounded), in order, clipped."""
        ...


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs timezone-aware instants")
    return moment


@dataclass(frozen=True)
class AlwaysOpen:
    """24×7: every instant is working time (no holidays)."""

    def windows(self, start: datetime, end: datetime | None) -> Iterator[Interval]:
        _aware(start)
        if end is None:
            yield start, datetime.max.replace(tzinfo=start.tzinfo)
        elif _aware(end) > start:
            yield start, end


ALWAYS = AlwaysOpen()


@dataclass(frozen=True)
class BusinessHours:
    """Working hours on some weekdays in one time zone, minus holidays."""

    zone: ZoneInfo = BOGOTA
    #: ISO weekdays (Monday 1 … Sunday 7).
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    #: Whether a date is a holiday (no working time at all that day).
    is_holiday: Callable[[date], bool] = field(default=lambda day: False, compare=False)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("a working day must open before it closes")
        if not self.weekdays <= frozenset(range(1, 8)):
            raise ValueError("weekdays are ISO numbers 1 (Monday) to 7 (Sunday)")

    @classmethod
    def colombia(cls) -> BusinessHours:
        """Monday to Friday 08:00–18:00, America/Bogota, without Colombian public holidays."""
        calendar = holidays.country_holidays("CO")
        return cls(is_holiday=lambda day: day in calendar)

    def _window(self, day: date) -> Interval | None:
        if day.isoweekday() not in self.weekdays or self.is_holiday(day):
            return None
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone),
            datetime.combine(day, self.closes, tzinfo=self.zone),
        )

    def windows(self, start: datetime, end: datetime | None) -> Iterator[Interval]:
        day = _aware(start).astimezone(self.zone).date()
        last = None if end is None else _aware(end).astimezone(self.zone).date()
        for _ in range(_HORIZON_DAYS):
            if last is not None and day > last:
                return
            window = self._window(day)
            if window is not None:
                opens = max(window[0], start)
                closes = window[1] if end is None else min(window[1], end)
                if opens < closes:
                    yield opens, closes
            day += timedelta(days=1)
        if end is None:
            raise ValueError(f"no working time within {_HORIZON_DAYS} days")


def measure(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end); zero when end is not after start."""
    if _aware(end) <= _aware(start):
        return timedelta(0)
    return sum((closes - opens for opens, closes in calendar.windows(start, end)), timedelta(0))


def add(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The first instant by which `duration` of working time has passed since `start` (start
    itself for a zero duration, even outside working hours)."""
    if duration < timedelta(0):
        raise ValueError("a duration of working time cannot be negative")
    if not duration:
        return _aware(start)
    left = duration
    for opens, closes in calendar.windows(start, None):
        if closes - opens >= left:
            return opens + left
        left -= closes - opens
    raise AssertionError("unreachable: windows() raises past its horizon")


def merged(gaps: Iterable[Interval]) -> list[Interval]:
    """Intervals sorted and joined where they overlap or touch (empty ones dropped)."""
    result: list[Interval] = []
    for opens, closes in sorted(gap for gap in gaps if gap[1] > gap[0]):
        if result and opens <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], closes))
        else:
            result.append((opens, closes))
    return result


def measure_excluding(
    calendar: Calendar, start: datetime, end: datetime, gaps: Sequence[Interval]
) -> timedelta:
    """Working time in [start, end) outside `gaps` (a paused clock does not count)."""
    paused = sum(
        (measure(calendar, max(opens, start), min(closes, end)) for opens, closes in merged(gaps)),
        timedelta(0),
    )
    return measure(calendar, start, end) - paused
