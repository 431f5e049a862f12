"""The command screen's "today" is the work day: before the attendance day boundary (04:00 in the platform's
zone) it is still the previous day, as punches are counted, so a night shift stays on the on-site figure
past midnight."""

from __future__ import annotations

from datetime import date, datetime, time

from wageguard.config import Settings
from wageguard.screen.queries import work_day


def test_the_work_day_turns_at_the_day_boundary_in_the_platforms_zone() -> None:
    s = Settings(environment="test", timezone="Asia/Shanghai", attendance_day_boundary=time(4, 0))
    assert work_day(s, datetime(2026, 12, 2, 18, 12)) == date(2026, 12, 2)  # 02:12 on the 3rd in China
    assert work_day(s, datetime(2026, 12, 2, 20, 0)) == date(2026, 12, 3)  # 04:00 on the 3rd
    assert work_day(s, datetime(2026, 12, 2, 15, 59)) == date(2026, 12, 2)  # 23:59 on the 2nd
    midnight = Settings(environment="test", timezone="Asia/Shanghai", attendance_day_boundary=time(0, 0))
    assert work_day(midnight, datetime(2026, 12, 2, 18, 12)) == date(2026, 12, 3)
