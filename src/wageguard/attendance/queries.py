"""Reads of the attendance slice: the monthly sheet, device health, silent devices, unmatched punches.

All read derived tables (worker_days / worker_months) or small device tables — never the raw punch history,
except ``unmatched_punches`` which reads one project-month through its index.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from wageguard.attendance.choices import PunchKind
from wageguard.attendance.models import Device, Punch, SerialGap, WorkerDay
from wageguard.attendance.schemas import DeviceHealth, PunchSummary, Sheet, SheetRow
from wageguard.auth.scope import SYSTEM, Principal
from wageguard.errors import NotFound, Problem, ValidationFailed
from wageguard.registry.choices import WORK_TYPE
from wageguard.registry.models import Project, ProjectWorker, Team, Worker
from wageguard.workdays import CHINA_TZ_OFFSET, WorkingCalendar, load_calendar


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of ``YYYY-MM``."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError as exc:
        problem = Problem(
            field="month",
            code="month_invalid",
            message_zh="月份应为 YYYY-MM",
            message_en="month must be YYYY-MM",
        )
        raise ValidationFailed(f"bad month {month!r}", [problem], message_zh="月份格式错误") from exc
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return first, last


def _visible_project(session: Session, code: str, principal: Principal) -> Project:
    project = session.scalar(
        select(Project).where(
            Project.project_code == code, principal.project_clause(Project.id, Project.region_code)
        )
    )
    if project is None:
        raise NotFound(f"project {code} not found", message_zh=f"项目 {code} 不存在或无权查看")
    return project


def monthly_sheet(
    session: Session,
    *,
    project_code: str,
    month: str,
    team_sys_no: str | None = None,
    principal: Principal = SYSTEM,
) -> Sheet:
    """The 月考勤表: every roster worker (and anyone with attendance) × day of month, minutes and totals."""
    first, last = month_bounds(month)
    project = _visible_project(session, project_code, principal)
    team_name: str | None = None
    team_id: int | None = None
    if team_sys_no:
        team_row = session.execute(
            select(Team.id, Team.name).where(Team.team_sys_no == team_sys_no, Team.project_id == project.id)
        ).first()
        if team_row is None:
            raise NotFound(f"team {team_sys_no} not found", message_zh=f"班组 {team_sys_no} 不存在")
        team_id, team_name = team_row
    people = (
        select(Worker.id, Worker.name, Worker.id_masked, Team.name, ProjectWorker.work_type)
        .join(ProjectWorker, ProjectWorker.worker_id == Worker.id)
        .outerjoin(Team, Team.id == ProjectWorker.team_id)
        .where(ProjectWorker.project_id == project.id)
        .order_by(Team.name, Worker.name, Worker.id)
    )
    if team_id is not None:
        people = people.where(ProjectWorker.team_id == team_id)
    rows: dict[int, SheetRow] = {}
    for wid, name, masked, team, work_type in session.execute(people):
        rows[wid] = SheetRow(wid, name, masked, team or "", WORK_TYPE.get(work_type or "", work_type or ""))
    days = select(WorkerDay.worker_id, WorkerDay.work_date, WorkerDay.minutes).where(
        WorkerDay.project_id == project.id, WorkerDay.work_date.between(first, last)
    )
    if team_id is not None:
        days = days.where(WorkerDay.worker_id.in_(list(rows)))
    per_day: dict[int, int] = {}
    for wid, work_date, minutes in session.execute(days):
        row = rows.get(wid)
        if row is None:
            continue
        row.minutes_by_day[work_date.day] = minutes
        row.days += 1
        row.minutes += minutes
        per_day[work_date.day] = per_day.get(work_date.day, 0) + 1
    return Sheet(project.project_code, project.name, team_name, month, last.day, list(rows.values()), per_day)


def device_health(
    session: Session,
    *,
    as_of: datetime,
    silent_hours: int,
    principal: Principal = SYSTEM,
    project_status: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[DeviceHealth]:
    """Every visible active device with its last contact; silent = not heard for ``silent_hours`` and at
    least one working day in the silence (``as_of`` and times are naive UTC; dates in China time). Working
    days follow ``calendar`` (default: the shared calendar with the database overrides)."""
    calendar = calendar or load_calendar(session)
    gaps = (
        select(SerialGap.device_id, func.count().label("n"), func.sum(SerialGap.missing).label("missing"))
        .group_by(SerialGap.device_id)
        .subquery()
    )
    q = (
        select(Device, Project.project_code, gaps.c.n, gaps.c.missing)
        .join(Project, Project.id == Device.project_id)
        .outerjoin(gaps, gaps.c.device_id == Device.id)
        .where(Device.active.is_(True), principal.project_clause(Project.id, Project.region_code))
        .order_by(Device.serial)
    )
    if project_status is not None:
        q = q.where(Project.status == project_status)
    out = []
    for device, code, n_gaps, missing in session.execute(q):
        since = device.last_seen_at or device.created_at
        hours = (as_of - since).total_seconds() / 3600
        wdays = calendar.working_days_between(
            (since + CHINA_TZ_OFFSET).date(), (as_of + CHINA_TZ_OFFSET).date()
        )
        silent = hours > silent_hours and wdays > 0
        out.append(
            DeviceHealth(
                device.id,
                device.serial,
                device.vendor,
                device.project_id,
                code,
                device.region_code,
                device.gate,
                device.last_seen_at,
                device.last_punch_at,
                round(hours, 1),
                silent,
                wdays,
                int(n_gaps or 0),
                int(missing or 0),
            )
        )
    return out


def silent_devices(
    session: Session, *, as_of: datetime, silent_hours: int, principal: Principal = SYSTEM
) -> list[DeviceHealth]:
    """Devices of active (在建) projects silent for longer than the threshold on a working day (W16)."""
    health = device_health(
        session, as_of=as_of, silent_hours=silent_hours, principal=principal, project_status="003"
    )
    return [h for h in health if h.silent]


def unmatched_punches(session: Session, *, month: str, principal: Principal = SYSTEM) -> list[PunchSummary]:
    """Punches in a month not matched to a roster worker, per project and kind (feeds W13)."""
    first, last = month_bounds(month)
    q = (
        select(
            Punch.project_id,
            Punch.kind,
            func.count(),
            func.min(Punch.work_date),
            func.max(Punch.work_date),
        )
        .join(Project, Project.id == Punch.project_id)
        .where(
            and_(Punch.work_date >= first, Punch.work_date <= last),
            Punch.kind != PunchKind.WORKER.value,
            principal.project_clause(Project.id, Project.region_code),
        )
        .group_by(Punch.project_id, Punch.kind)
        .order_by(Punch.project_id, Punch.kind)
    )
    return [PunchSummary(p, k, int(n), lo, hi) for p, k, n, lo, hi in session.execute(q)]
