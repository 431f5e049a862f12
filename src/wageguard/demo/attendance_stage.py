"""Demo stage, attendance: a gate per project and about three months of punches through the real ingest path.

Every punch goes through ``ingest_device_punches`` (the ZKTeco / Hikvision service function), so dedupe and
worker-day / worker-month upkeep are exercised exactly as in production. Site calendar: Monday to Saturday,
Sundays off unless a 调休 working day, statutory holidays (国庆 1–7 Oct 2026) off, per-worker absence
rates, a few night-shift workers (out before the 04:00 day boundary), a few long absences. Planted faults:
stranger punches on a few projects, unknown PINs on one, and one silent gate (stops days before ``as_of``).

Attendance is generated for the first projects (by id) up to ``MAX_WORKERS`` roster workers so ``make demo``
stays within a couple of minutes on two cores; ``ctx.truth["attendance"]["projects"]`` lists them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import device_by_serial, device_ref, push_roster, register_device
from wageguard.attendance.models import Device
from wageguard.attendance.queries import is_working_day
from wageguard.attendance.schemas import DeviceIn, DevicePunch
from wageguard.attendance.service import ingest_device_punches
from wageguard.attendance.store import IngestOptions, to_utc
from wageguard.demo.stages import DemoContext
from wageguard.registry.models import Project, ProjectWorker

MAX_WORKERS = 12_000
CHUNK_DAYS = 14
STRANGER_PROJECTS = 3


@dataclass
class Person:
    worker_id: int
    entry: date | None
    exit: date | None
    absence: float
    night: bool
    away: tuple[date, date] | None


def _site_day(day: date) -> bool:
    """Sites work Monday to Saturday (Sundays only when 调休 makes them working days), not on holidays."""
    if is_working_day(day):
        return True
    return day.weekday() == 5 and not _is_holiday(day)


def _is_holiday(day: date) -> bool:
    import holidays

    return day in holidays.country_holidays("CN", years=day.year)


def _projects(ctx: DemoContext) -> list[tuple[Project, list[tuple[int, date | None, date | None]]]]:
    with ctx.db.sessions() as s:
        projects = list(
            s.scalars(
                select(Project)
                .where(Project.region_code.startswith(ctx.region_code[:4]), Project.status == "003")
                .order_by(Project.id)
            )
        )
        rows = s.execute(
            select(
                ProjectWorker.project_id,
                ProjectWorker.worker_id,
                ProjectWorker.entry_date,
                ProjectWorker.exit_date,
            )
        ).all()
    roster: dict[int, list[tuple[int, date | None, date | None]]] = {}
    for pid, wid, entry, exit_ in rows:
        roster.setdefault(pid, []).append((wid, entry, exit_))
    chosen: list[tuple[Project, list[tuple[int, date | None, date | None]]]] = []
    total = 0
    for p in projects:
        people = roster.get(p.id, [])
        if not people:
            continue
        if total + len(people) > MAX_WORKERS and chosen:
            break
        chosen.append((p, sorted(people)))
        total += len(people)
    return chosen


def _serial(index: int, project: Project) -> str:
    return f"{'ZK' if index % 2 == 0 else 'HIK'}-{project.project_code}"


def _ensure_devices(ctx: DemoContext, projects: list[Project]) -> list[str]:
    serials = []
    for i, project in enumerate(projects):
        serial = _serial(i, project)
        with ctx.db.transaction() as s:
            if s.scalar(select(Device.id).where(Device.serial == serial)) is None:
                data = DeviceIn(
                    vendor=Vendor.ZKTECO if i % 2 == 0 else Vendor.HIKVISION,
                    serial=serial,
                    project_code=project.project_code,
                    gate="大门 main gate",
                    secret=f"demo-{serial}",
                    ip_allow="127.0.0.1",
                )
                register_device(session=s, data=data)
            push_roster(session=s, serial=serial)
        serials.append(serial)
    return serials


def _people(
    rng: random.Random, roster: list[tuple[int, date | None, date | None]], start: date
) -> list[Person]:
    out = []
    for wid, entry, exit_ in roster:
        away = None
        if rng.random() < 0.02:
            first = start + timedelta(days=rng.randint(0, 60))
            away = (first, first + timedelta(days=rng.randint(7, 20)))
        out.append(Person(wid, entry, exit_, rng.choice((0.02, 0.04, 0.06, 0.1)), rng.random() < 0.03, away))
    return out


def _punches(rng: random.Random, people: list[Person], days: list[date]) -> list[DevicePunch]:
    out: list[DevicePunch] = []
    for day in days:
        base = datetime(day.year, day.month, day.day)
        for p in people:
            if (p.entry and day < p.entry) or (p.exit and day > p.exit) or rng.random() < p.absence:
                continue
            if p.away and p.away[0] <= day <= p.away[1]:
                continue
            pin = str(p.worker_id)
            if p.night:
                t_in = base + timedelta(hours=19, minutes=rng.randint(0, 30))
                t_out = base + timedelta(days=1, hours=3, minutes=rng.randint(0, 50))
            else:
                t_in = base + timedelta(hours=6, minutes=50 + rng.randint(0, 60))
                t_out = base + timedelta(hours=17, minutes=rng.randint(0, 90))
            out.append(DevicePunch(pin, t_in, "01", "001"))
            out.append(DevicePunch(pin, t_out, "02", "001"))
    return out


def _faults(rng: random.Random, index: int, days: list[date]) -> list[DevicePunch]:
    """Strangers on the first few projects' gates, an unknown PIN on the next one."""
    out = []
    if index < STRANGER_PROJECTS:
        for n in range(rng.randint(2, 5)):
            day = rng.choice(days)
            at = datetime(day.year, day.month, day.day, 7, rng.randint(0, 59))
            out.append(DevicePunch(None, at, "01", "001", stranger_ref=f"demo-{index}-{n}"))
    if index == STRANGER_PROJECTS:
        day = days[len(days) // 2]
        out.append(DevicePunch("990001", datetime(day.year, day.month, day.day, 7, 15), "01", "001"))
    return out


def attendance_stage(ctx: DemoContext) -> None:
    """Register gates, enrol workers, and ingest about three months of punches up to ``ctx.as_of``."""
    started = time.perf_counter()
    rng = random.Random(ctx.seed * 31 + 3)
    month_index = ctx.as_of.year * 12 + ctx.as_of.month - 1 - (ctx.months - 1)
    first_month = date(month_index // 12, month_index % 12 + 1, 1)
    all_days = [first_month + timedelta(days=i) for i in range((ctx.as_of - first_month).days + 1)]
    work_days = [d for d in all_days if _site_day(d)]
    chosen = _projects(ctx)
    serials = _ensure_devices(ctx, [p for p, _ in chosen])
    silent_index = min(len(chosen) - 1, STRANGER_PROJECTS + 1) if chosen else -1
    end_of_day = datetime(ctx.as_of.year, ctx.as_of.month, ctx.as_of.day, 23, 59)
    now = to_utc(end_of_day, "Asia/Shanghai")
    options = IngestOptions.from_settings(ctx.settings)
    totals: dict[str, int] = {"received": 0, "inserted": 0}
    strangers: dict[str, int] = {}
    silent_since: date | None = None
    for index, ((project, roster), serial) in enumerate(zip(chosen, serials, strict=True)):
        people = _people(rng, roster, first_month)
        days = work_days
        if index == silent_index:
            days = [d for d in work_days if d <= ctx.as_of - timedelta(days=5)]
            silent_since = days[-1] if days else None
        extra = _faults(rng, index, days)
        if extra and index < STRANGER_PROJECTS:
            strangers[project.project_code] = len(extra)
        for start in range(0, len(days), CHUNK_DAYS):
            batch = _punches(rng, people, days[start : start + CHUNK_DAYS])
            if start == 0:
                batch += extra
            _ingest(ctx, serial, batch, options, now, totals)
        _mark_seen(ctx, serial, days[-1] if days else None)
    ctx.truth["attendance"] = {
        "projects": [p.project_code for p, _ in chosen],
        "workers": sum(len(r) for _, r in chosen),
        "devices": serials,
        "device_secret": "demo-<serial> (or from 127.0.0.1, the allow-list)",
        "silent_device": serials[silent_index] if chosen else None,
        "silent_since": silent_since.isoformat() if silent_since else None,
        "stranger_projects": strangers,
        "unknown_pin_project": chosen[STRANGER_PROJECTS][0].project_code
        if len(chosen) > STRANGER_PROJECTS
        else None,
        "first_day": first_month.isoformat(),
        "last_day": ctx.as_of.isoformat(),
        **totals,
    }
    seconds = time.perf_counter() - started
    ctx.log(
        f"    考勤 attendance: {len(chosen)} projects, {ctx.truth['attendance']['workers']:,} workers, "
        f"{totals['inserted']:,} punches stored in {seconds:.1f}s "
        f"({totals['inserted'] / max(seconds, 0.001):,.0f}/s)"
    )


def _ingest(
    ctx: DemoContext,
    serial: str,
    batch: list[DevicePunch],
    options: IngestOptions,
    now: datetime,
    totals: dict[str, Any],
) -> None:
    for start in range(0, len(batch), options.batch_max):
        with ctx.db.transaction() as s:
            device = device_ref(s, serial)
            result = ingest_device_punches(
                session=s,
                device=device,
                punches=batch[start : start + options.batch_max],
                options=options,
                now=now,
            )
        totals["received"] += result.received
        totals["inserted"] += result.inserted


def _mark_seen(ctx: DemoContext, serial: str, last_day: date | None) -> None:
    """The gate's last contact: the evening of its last working day (the silent gate's is days ago)."""
    if last_day is None:
        return
    with ctx.db.transaction() as s:
        device = device_by_serial(s, serial)
        seen = to_utc(datetime(last_day.year, last_day.month, last_day.day, 19, 0), device.tz)
        device.last_seen_at = seen
        device.last_punch_at = seen
