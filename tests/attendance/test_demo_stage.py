"""The demo attendance stage: a small city's gates, punches through the real path, planted faults."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from wageguard.attendance.models import Device, Punch, WorkerDay, WorkerMonth
from wageguard.attendance.queries import device_health, unmatched_punches
from wageguard.auth.models import User
from wageguard.demo.attendance_stage import attendance_stage
from wageguard.demo.registry_stage import registry_stage
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.demo.users import DEMO_DEVICE_ACCOUNT


def test_the_stage_is_registered_after_the_registry():
    names = [name for name, _ in all_stages()]
    assert names.index("attendance") == names.index("registry") + 1


def test_a_small_city_gets_three_months_of_attendance_with_planted_faults(
    db, protector, settings, tmp_path: Path
):
    ctx = DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path / "demo",
        projects=6,
        workers=120,
        as_of=date(2026, 11, 28),
        log=lambda _line: None,
    )
    registry_stage(ctx)
    attendance_stage(ctx)
    truth = ctx.truth["attendance"]
    assert truth["first_day"] == "2026-09-01" and truth["inserted"] > 0
    with db.sessions() as s:
        days = set(s.scalars(select(WorkerDay.work_date).distinct()))
        assert not days & {date(2026, 10, d) for d in range(1, 8)}  # 国庆 holiday
        assert date(2026, 10, 10) in days  # 调休 Saturday worked
        assert all(d.weekday() != 6 or d == date(2026, 9, 20) for d in days)  # Sundays off but 调休 Sep 20
        months = dict(s.execute(select(WorkerMonth.month, func.count()).group_by(WorkerMonth.month)).all())
        assert set(months) == {"2026-09", "2026-10", "2026-11"}
        kinds = {(u.kind) for u in unmatched_punches(s, month="2026-10")}  # faults sit in the fault month
        assert "stranger" in kinds
        health = {h.serial: h for h in device_health(s, as_of=datetime(2026, 11, 28, 12, 0), silent_hours=24)}
        assert [serial for serial, h in health.items() if h.silent] == [truth["silent_device"]]
        total = s.scalar(select(func.count()).select_from(Punch))
        assert total == truth["inserted"]
        assert s.scalar(select(func.count()).select_from(Device)) == len(truth["devices"])
        gate = s.scalar(select(User.id).where(User.username == DEMO_DEVICE_ACCOUNT))
        assert gate is not None and set(s.scalars(select(Device.account_user_id))) == {gate}  # all linked
    attendance_stage(ctx)  # a rerun stores nothing twice
    assert ctx.truth["attendance"]["inserted"] == 0
