"""Demo stage, attendance: a gate per project and about three months of punches through the real ingest path.

Every punch goes through ``ingest_device_punches`` (the ZKTeco / Hikvision service function), so dedupe and
worker-day / worker-month upkeep are exercised exactly as in production. Site calendar: Monday to Saturday,
Sundays off unless a 调休 working day, statutory holidays (国庆 1–7 Oct 2026) off, per-worker absence
rates, a few night-shift workers (out before the 04:00 day boundary), a few long absences. One in and one
out punch per worker-day (the minimum pair), so the default city's 58,000 workers stay practical.

Every active project (在建) with workers gets a gate and attendance, so the money stage pays exactly the
worker-months that attended. Planted faults (projects not already planted by an earlier stage, recorded in
the ground truth): stranger punches on two projects and an unknown PIN on one, all in the fault month
(rule W13), one silent gate that stops five days before ``as_of`` and one gate silent for four Chinese
working days in the middle of the fault month, punching before and after (rule W16: one alert per gate and
month of silent working days).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import (
    assign_device_account,
    device_by_serial,
    device_ref,
    push_roster,
    register_device,
)
from wageguard.attendance.models import Device
from wageguard.attendance.schemas import DeviceIn, DevicePunch
from wageguard.attendance.service import ingest_device_punches
from wageguard.attendance.store import IngestOptions, to_utc
from wageguard.auth.models import User
from wageguard.auth.scope import SYSTEM
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import GroundTruth, ground_truth
from wageguard.demo.users import DEMO_DEVICE_ACCOUNT
from wageguard.monitoring.calendar import month_key
from wageguard.registry.models import Project, ProjectWorker
from wageguard.workdays import is_working_day

CHUNK_DAYS = 14
STRANGER_PROJECTS = 2
GAP_WORKING_DAYS = 4


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
    return [(p, sorted(roster[p.id])) for p in projects if roster.get(p.id)]


def _serial(index: int, project: Project) -> str:
    return f"{'ZK' if index % 2 == 0 else 'HIK'}-{project.project_code}"


def _ensure_devices(ctx: DemoContext, projects: list[Project]) -> list[str]:
    """A gate per project, each linked to the demo's device account (when the registry stage made it)."""
    with ctx.db.sessions() as s:
        account_id = s.scalar(select(User.id).where(User.username == DEMO_DEVICE_ACCOUNT))
    account = DEMO_DEVICE_ACCOUNT if account_id is not None else None
    serials = []
    for i, project in enumerate(projects):
        serial = _serial(i, project)
        with ctx.db.transaction() as s:
            known = s.execute(select(Device.account_user_id).where(Device.serial == serial)).first()
            if known is None:
                data = DeviceIn(
                    vendor=Vendor.ZKTECO if i % 2 == 0 else Vendor.HIKVISION,
                    serial=serial,
                    project_code=project.project_code,
                    gate="大门 main gate",
                    secret=f"demo-{serial}",
                    ip_allow="127.0.0.1",
                    account=account,
                )
                register_device(session=s, principal=SYSTEM, data=data)
            elif known.account_user_id is None and account is not None:
                assign_device_account(session=s, principal=SYSTEM, serial=serial, account=account)
            push_roster(session=s, principal=SYSTEM, serial=serial)
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


@dataclass
class Faults:
    """Which projects (by code) get strangers, an unknown PIN, a silent gate, a gate silent for some days
    mid-month; the days the faults use."""

    strangers: list[str]
    unknown_pin: str | None
    silent: str | None
    days: list[date]  # working days of the fault month up to ``as_of``
    gap: str | None = None

    @property
    def gap_days(self) -> list[date]:
        """The Chinese working days of the mid-month silence (the middle of the fault month)."""
        working = [d for d in self.days if is_working_day(d)]
        if self.gap is None or len(working) < GAP_WORKING_DAYS + 4:
            return []
        start = len(working) // 2 - GAP_WORKING_DAYS // 2
        return working[start : start + GAP_WORKING_DAYS]


def choose_faults(ctx: DemoContext, codes: list[str], fault_days: list[date]) -> Faults:
    """Projects not planted by an earlier stage, drawn from the seed (in a tiny city, planted ones too:
    W13 and W16 do not interact with other faults)."""
    truth = ground_truth(ctx)
    truth.forget("attendance")
    taken = truth.planted_projects()
    free = [c for c in codes if c not in taken]
    rng = random.Random(f"wageguard-demo:{ctx.seed}:attendance-faults")
    picked = rng.sample(free, k=min(len(free), STRANGER_PROJECTS + 3))
    picked += [c for c in codes if c in taken][: STRANGER_PROJECTS + 3 - len(picked)]  # a tiny city
    strangers = picked[:STRANGER_PROJECTS]
    rest: list[str | None] = [*picked[STRANGER_PROJECTS:], None, None, None]
    return Faults(strangers, rest[0], rest[1], fault_days, rest[2])


def _faults(rng: random.Random, code: str, faults: Faults) -> list[DevicePunch]:
    """Strangers' punches (2–5) or one unknown PIN's punch at the gate, on days of the fault month."""
    out = []
    if code in faults.strangers and faults.days:
        for n in range(rng.randint(2, 5)):
            day = rng.choice(faults.days)
            at = datetime(day.year, day.month, day.day, 7, rng.randint(0, 59))
            out.append(DevicePunch(None, at, "01", "001", stranger_ref=f"demo-{code}-{n}"))
    if code == faults.unknown_pin and faults.days:
        day = faults.days[len(faults.days) // 2]
        out.append(DevicePunch("990001", datetime(day.year, day.month, day.day, 7, 15), "01", "001"))
    return out


def _record_faults(
    truth: GroundTruth,
    faults: Faults,
    serials: dict[str, str],
    counts: dict[str, int],
    silent_since: date | None,
) -> None:
    month = f"{faults.days[0]:%Y-%m}" if faults.days else ""
    for code in faults.strangers:
        truth.plant("strangers_at_gate", "attendance", code, month=month, punches=counts.get(code, 0))
        if month in truth.months:
            truth.expect_project("W13", code, month, fault="strangers_at_gate")
    if faults.unknown_pin is not None:
        truth.plant("unknown_pin", "attendance", faults.unknown_pin, month=month, pin="990001")
        if month in truth.months:
            truth.expect_project("W13", faults.unknown_pin, month, fault="unknown_pin")
    judged = {*truth.months, month_key(truth.as_of.replace(day=1))}  # W16: the run's months, as-of month
    if faults.silent is not None and silent_since is not None:
        serial = serials[faults.silent]
        truth.plant("silent_gate", "attendance", faults.silent, serial=serial, last_day=silent_since)
        quiet = [silent_since + timedelta(days=i) for i in range(1, (truth.as_of - silent_since).days)]
        for period in sorted({month_key(d.replace(day=1)) for d in quiet if is_working_day(d)} & judged):
            truth.expect("W16", "device", serial, faults.silent, period, fault="silent_gate")
    if faults.gap is not None and faults.gap_days:
        serial = serials[faults.gap]
        days = [d.isoformat() for d in faults.gap_days]
        truth.plant("gate_silent_days", "attendance", faults.gap, serial=serial, month=month, days=days)
        if month in judged:
            truth.expect("W16", "device", serial, faults.gap, month, fault="gate_silent_days")


def attendance_stage(ctx: DemoContext) -> None:
    """Register gates, enrol workers, and ingest about three months of punches up to ``ctx.as_of``."""
    started = time.perf_counter()
    rng = random.Random(ctx.seed * 31 + 3)
    month_index = ctx.as_of.year * 12 + ctx.as_of.month - 1 - (ctx.months - 1)
    first_month = date(month_index // 12, month_index % 12 + 1, 1)
    all_days = [first_month + timedelta(days=i) for i in range((ctx.as_of - first_month).days + 1)]
    work_days = [d for d in all_days if _site_day(d)]
    fault_month = _fault_month(ctx.as_of, ctx.months)
    chosen = _projects(ctx)
    serials = _ensure_devices(ctx, [p for p, _ in chosen])
    by_code = {p.project_code: s for (p, _), s in zip(chosen, serials, strict=True)}
    faults = choose_faults(
        ctx, [p.project_code for p, _ in chosen], [d for d in work_days if f"{d:%Y-%m}" == fault_month]
    )
    end_of_day = datetime(ctx.as_of.year, ctx.as_of.month, ctx.as_of.day, 23, 59)
    now = to_utc(end_of_day, "Asia/Shanghai")
    options = IngestOptions.from_settings(ctx.settings)
    totals: dict[str, int] = {"received": 0, "inserted": 0}
    counts: dict[str, int] = {}
    silent_since: date | None = None
    for (project, roster), serial in zip(chosen, serials, strict=True):
        code = project.project_code
        people = _people(rng, roster, first_month)
        days = work_days
        if code == faults.silent:
            days = [d for d in work_days if d <= ctx.as_of - timedelta(days=5)]
            silent_since = days[-1] if days else None
        gap = faults.gap_days if code == faults.gap else []
        if gap:  # no punch from the first to the last silent working day (a Saturday between too)
            days = [d for d in work_days if not gap[0] <= d <= gap[-1]]
        extra = _faults(rng, code, faults)
        counts[code] = len(extra)
        for start in range(0, len(days), CHUNK_DAYS):
            batch = _punches(rng, people, days[start : start + CHUNK_DAYS])
            if start == 0:
                batch += extra
            _ingest(ctx, serial, batch, options, now, totals)
        _mark_seen(ctx, serial, days[-1] if days else None)
    _record_faults(ground_truth(ctx), faults, by_code, counts, silent_since)
    ctx.truth["attendance"] = {
        "projects": [p.project_code for p, _ in chosen],
        "workers": sum(len(r) for _, r in chosen),
        "devices": serials,
        "device_secret": "demo-<serial> (or from 127.0.0.1, the allow-list)",
        "silent_device": by_code.get(faults.silent or ""),
        "silent_since": silent_since.isoformat() if silent_since else None,
        "gap_device": by_code.get(faults.gap or ""),
        "gap_days": [d.isoformat() for d in faults.gap_days],
        "stranger_projects": {c: counts.get(c, 0) for c in faults.strangers},
        "unknown_pin_project": faults.unknown_pin,
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


def _fault_month(as_of: date, months: int) -> str:
    """The month faults are planted in: the one before ``as_of``'s (its wages are due in ``as_of``'s)."""
    index = as_of.year * 12 + as_of.month - 1 - (1 if months > 1 else 0)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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
