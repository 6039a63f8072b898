"""Working days in England and Wales.

A working day is Monday to Friday and not an England and Wales bank holiday (the `holidays`
package, UK subdivision ENG, which knows substitute days and one-off holidays), nor a closure
day the force has added.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


class WorkingCalendar:
    def __init__(self, extra_closures: Iterable[date] = ()) -> None:
        self._extra_closures = frozenset(extra_closures)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
        self.add_working_days = lru_cache(maxsize=65536)(self._add_working_days)

    @property
    def extra_closures(self) -> frozenset[date]:
        return self._extra_closures

    def holiday_name(self, day: date) -> str | None:
        if day in self._extra_closures:
            return "Force closure day"
        name = self._bank_holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        return day not in self._extra_closures and day not in self._bank_holidays

    def _add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day strictly after `start`; `start` itself never counts.

        With `days` = 0 the result is `start` (a duty "at once").
        """
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall in (start, end]; negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count
