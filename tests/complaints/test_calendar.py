"""Chinese working days across Spring Festival and National Day 2026, with 调休 weekend workdays.

Expected dates follow the State Council's 2026 schedule as carried by the ``holidays`` package: Spring
Festival off Feb 15–23 with Sat Feb 14 and Sat Feb 28 worked; National Day off Oct 1–7 with Sun Sep 20 and
Sat Oct 10 worked.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wageguard.complaints.service import set_calendar_day
from wageguard.db import Database
from wageguard.workdays import (
    WorkingCalendar,
    add_working_days,
    builtin_is_working_day,
    is_working_day,
    load_calendar,
    working_days_between,
)


def test_the_package_data_matches_the_2026_schedule() -> None:
    for day in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)):
        assert day.weekday() >= 5 and is_working_day(day), day  # 调休: weekend days that are worked
    spring = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    national = [date(2026, 10, 1) + timedelta(days=i) for i in range(7)]
    assert not any(is_working_day(d) for d in spring + national)
    assert is_working_day(date(2026, 2, 24)) and is_working_day(date(2026, 10, 8))
    assert not is_working_day(date(2026, 3, 1))  # an ordinary Sunday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Friday -> the 调休 Saturday
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # over the whole holiday
        (date(2026, 2, 12), 5, date(2026, 2, 26)),  # 13, 14, 24, 25, 26
        (date(2026, 2, 23), 5, date(2026, 2, 28)),  # 24, 25, 26, 27 and the 调休 Saturday 28
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Friday -> the 调休 Sunday
        (date(2026, 9, 29), 5, date(2026, 10, 12)),  # 30, Oct 8, 9, 10 (Sat, worked), 12
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),
        (date(2026, 6, 1), 0, date(2026, 6, 1)),
    ],
)
def test_add_working_days_over_the_holidays(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_working_days_between_counts_the_half_open_interval() -> None:
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 3  # Oct 8, 9, 10
    assert working_days_between(date(2026, 10, 11), date(2026, 9, 30)) == -3
    assert working_days_between(date(2026, 5, 6), date(2026, 5, 6)) == 0


def test_sixty_working_days_from_new_year_cross_the_spring_festival() -> None:
    start = date(2026, 1, 5)
    end = add_working_days(start, 60)
    assert working_days_between(start, end) == 60 and is_working_day(end)
    plain_weekdays = sum(
        1 for i in range(1, (end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5
    )
    assert plain_weekdays - 60 == 4  # six holiday weekdays (Feb 16-20, 23) minus two worked Saturdays
    assert end == date(2026, 4, 3)  # counted by hand: Jan 19, Feb 35 (incl. 14 and 28), Mar 57, Apr 1-3


def test_overrides_win_over_the_package() -> None:
    cal = WorkingCalendar({date(2027, 6, 5): True, date(2027, 6, 7): False})  # a made-up 2027 调休
    assert cal.is_working_day(date(2027, 6, 5)) and not builtin_is_working_day(date(2027, 6, 5))
    assert not cal.is_working_day(date(2027, 6, 7)) and builtin_is_working_day(date(2027, 6, 7))
    assert cal.add_working_days(date(2027, 6, 4), 2) == date(2027, 6, 8)


def test_overrides_are_data_in_the_database(db: Database) -> None:
    with db.transaction() as session:
        set_calendar_day(session=session, day=date(2026, 6, 22), is_working=False, note="假设的调整")
        set_calendar_day(session=session, day=date(2026, 6, 20), is_working=True)
    with db.transaction() as session:
        set_calendar_day(session=session, day=date(2026, 6, 20), is_working=False, note="撤销")
    with db.sessions() as session:
        cal = load_calendar(session)
    assert cal.overrides == {date(2026, 6, 22): False, date(2026, 6, 20): False}
    assert cal.add_working_days(date(2026, 6, 19), 1) == date(2026, 6, 23)
