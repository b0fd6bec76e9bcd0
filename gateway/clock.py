"""The one source of time. Business rules speak Bogota time; storage speaks UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BOGOTA = ZoneInfo("America/Bogota")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def bogota_date(moment: datetime) -> date:
    return moment.astimezone(BOGOTA).date()


def bogota_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the Bogota calendar day containing `moment`, as UTC instants."""
    start = datetime.combine(bogota_date(moment), time.min, tzinfo=BOGOTA)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
