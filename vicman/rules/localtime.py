"""Instants are stored in UTC; every deadline is counted on Europe/London calendar dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def to_utc(moment: datetime) -> datetime:
    """An aware UTC instant. A naive datetime is read as Europe/London wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


@lru_cache(maxsize=131072)
def local_date(moment: datetime) -> date:
    """The Europe/London calendar date of an instant (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def end_of_local_day(day: date) -> datetime:
    """The last instant of a Europe/London date, in UTC: what "as of that date" includes."""
    return to_utc(datetime.combine(day, time.max))


def start_of_local_day(day: date) -> datetime:
    return to_utc(datetime.combine(day, time.min))
