"""The measures kept in ``tallies`` and the period keys they are kept under (one name per measure)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Measure(StrEnum):
    PROJECTS = "projects"  # 1 per project under construction (在建), period ''
    WORKERS = "workers"  # registered workers still engaged (no exit date), period ''
    ON_SITE = "on_site"  # workers with attendance on the day, period 'YYYY-MM-DD'
    PAID = "paid"  # wages paid (successful transfers) by value date: 'YYYY-MM', 'YYYY' and '' (to date)
    PAID_FOR = "paid_for"  # wages paid for a wage month (the pay month the payment settles), 'YYYY-MM'
    DECLARED = "declared"  # net wages declared on the current pay sheets of a wage month, 'YYYY-MM'
    OWED = "owed"  # amount owed now (monitoring/owing.py's answer), period ''
    OWED_WORKERS = "owed_workers"  # workers affected by what is owed now, period ''
    OWING = "owing"  # 1 per project that owes wages now, period ''
    ALERTS_RED = "alerts_red"  # unfinished alerts per level, period ''
    ALERTS_ORANGE = "alerts_orange"
    ALERTS_YELLOW = "alerts_yellow"
    ALERTS_RAISED = "alerts_raised"  # alerts first seen in the month, 'YYYY-MM'
    ALERTS_CLOSED = "alerts_closed"  # alerts finished (resolved, closed, cleared) in the month, 'YYYY-MM'
    RISK_HIGH = "risk_high"  # enterprises graded C or D at their latest scoring, by their region, period ''


ALERT_LEVEL_MEASURES = {
    "red": Measure.ALERTS_RED,
    "orange": Measure.ALERTS_ORANGE,
    "yellow": Measure.ALERTS_YELLOW,
}
ALL_TIME = ""


def day_key(day: date) -> str:
    return day.isoformat()


def month_key(day: date) -> str:
    return day.strftime("%Y-%m")


def year_key(day: date) -> str:
    return f"{day.year:04d}"


def months_back(month: str, count: int) -> list[str]:
    """``count`` month keys ending with ``month`` (oldest first)."""
    year, mon = int(month[:4]), int(month[5:7])
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return keys[::-1]
