"""Chinese working days, the one calendar of the platform: statutory holidays and 调休 weekend workdays,
overridable by data.

A working day is a weekday that is not a statutory holiday, or a weekend day the State Council turned into a
workday (调休). The built-in data comes from the ``holidays`` package (China); rows of the
``calendar_overrides`` table win over it, so next year's 调休 schedule can be entered before the package is
upgraded. Every slice decides working days here: complaint deadlines (``load_calendar`` per request),
the monitoring engine (one ``load_calendar`` per run, handed to its Polars calendar) and device silence.

Counting convention (劳动保障监察条例 Art 17): the day of the event does not count, so
``add_working_days(d, 5)`` is the 5th working day *after* ``d``; ``working_days_between(a, b)`` counts the
working days in the half-open interval ``(a, b]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.calendar_models import CalendarOverride

CHINA_TZ_OFFSET = timedelta(hours=8)


def china_today(now: datetime | None = None) -> date:
    """Today's date in China (UTC+8); ``now`` is a naive UTC datetime."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return (now + CHINA_TZ_OFFSET).date()


@lru_cache(maxsize=64)
def _china_year(year: int) -> Any:
    return holidays.country_holidays("CN", years=year)


def builtin_is_working_day(day: date) -> bool:
    """Working day according to the ``holidays`` package only (no overrides)."""
    cal = _china_year(day.year)
    if day in cal.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in cal


class WorkingCalendar:
    """The built-in Chinese calendar with per-day overrides (``day -> is working``)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides: dict[date, bool] = dict(overrides or {})

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return builtin_is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted); ``n >= 0``."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


DEFAULT_CALENDAR = WorkingCalendar()


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The ``n``-th Chinese working day after ``start``."""
    return (calendar or DEFAULT_CALENDAR).add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """Chinese working days in ``(start, end]``."""
    return (calendar or DEFAULT_CALENDAR).working_days_between(start, end)


def is_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or DEFAULT_CALENDAR).is_working_day(day)


def load_calendar(session: Session) -> WorkingCalendar:
    """The calendar with every override stored in the database."""
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.is_working)).all()
    return WorkingCalendar({day: working for day, working in rows})
