"""Reads: the inspector's inbox, one alert with its history, runs, and "does this project owe wages?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.scope import Principal, region_prefix
from wageguard.errors import NotFound
from wageguard.monitoring.arrow_io import reading
from wageguard.monitoring.models import Alert, AlertAttachment, AlertEvent, AlertWorker, MonitorRun
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, Region, Team, Worker


@dataclass(frozen=True)
class AlertFilter:
    level: str | None = None
    rule: str | None = None
    county: str | None = None
    project_id: int | None = None
    status: str | None = None
    still_holds: bool | None = None
    limit: int = 100
    offset: int = 0
    project_text: str | None = None  # part of a project's name or code (case-insensitive)
    assignee_user_id: int | None = None
    sort: str = ""  # one of SORT_KEYS; "" is the inbox's default order (most severe, newest first)
    descending: bool = False


SORT_KEYS = ("level", "rule", "project", "county", "workers", "amount", "age", "status", "assignee")
_LEVEL_RANK = {"red": 0, "orange": 1, "yellow": 2}
_STATUS_RANK = {"open": 0, "acknowledged": 1, "in_hand": 2, "resolved": 3, "closed": 4}


def _alert_conditions(principal: Principal, f: AlertFilter, *, with_level: bool = True) -> list[Any]:
    """The filter's SQL conditions within what the caller may see (inspectors and admins: their region;
    an enterprise: alerts on the projects it takes part in; anyone else: nothing)."""
    where: list[Any] = [principal.project_clause(Alert.project_id, Alert.region_code)]  # type: ignore[arg-type]
    for column, value in (
        (Alert.level, f.level if with_level else None),
        (Alert.rule_code, f.rule),
        (Alert.region_code, f.county),
        (Alert.project_id, f.project_id),
        (Alert.status, f.status),
        (Alert.still_holds, f.still_holds),
        (Alert.assignee_user_id, f.assignee_user_id),
    ):
        if value is not None and value != "":
            where.append(column == value)
    if f.project_text:
        text = f.project_text.strip()
        named = select(Project.id).where(
            or_(
                Project.name.icontains(text, autoescape=True),
                Project.project_code.istartswith(text, autoescape=True),
            )
        )
        where.append(Alert.project_id.in_(named))
    return where


def _order(f: AlertFilter) -> list[Any]:
    """ORDER BY for the filter's sort key, then the default order and the id (a stable tiebreak).

    Level sorts by severity (descending: red first), age by the days since first seen (descending: oldest
    first), status along the lifecycle, county in GB/T 2260 code order; empty values come last either way."""
    rank = case(_LEVEL_RANK, value=Alert.level, else_=3)
    default = [rank, Alert.first_seen_on.desc(), Alert.id.desc()]
    if f.sort not in SORT_KEYS:
        return default
    descending = f.descending
    if f.sort == "age":  # older is larger: sort the day seen first the other way
        key: Any = Alert.first_seen_on
        descending = not descending
    else:
        key = {
            "level": -rank,
            "rule": Alert.rule_code,
            "project": Project.name,
            "county": Alert.region_code,
            "workers": Alert.workers,
            "amount": Alert.amount_fen,
            "status": case(_STATUS_RANK, value=Alert.status, else_=9),
            "assignee": Alert.assignee_name,
        }[f.sort]
    return [(key.desc() if descending else key.asc()).nulls_last(), *default]


@dataclass(frozen=True)
class InboxRow:
    """One inbox row: the alert with its project's code and name and its county's name."""

    alert: Alert
    project_code: str | None
    project_name: str | None
    county_name: str | None


def inbox_rows(*, session: Session, principal: Principal, f: AlertFilter) -> tuple[int, list[InboxRow]]:
    """The filtered alerts the caller may see (count and one page), sorted in SQL by ``f.sort``."""
    where = _alert_conditions(principal, f)
    total = session.scalar(select(func.count(Alert.id)).where(*where)) or 0
    q = (
        select(Alert, Project.project_code, Project.name, Region.name)
        .outerjoin(Project, Project.id == Alert.project_id)
        .outerjoin(Region, Region.code == Alert.region_code)
        .where(*where)
        .order_by(*_order(f))
        .limit(f.limit)
        .offset(f.offset)
    )
    return total, [InboxRow(a, code, name, county) for a, code, name, county in session.execute(q)]


def list_alerts(*, session: Session, principal: Principal, f: AlertFilter) -> tuple[int, list[Alert]]:
    """Alerts in the caller's region, most severe and newest first unless ``f.sort`` says otherwise."""
    total, rows = inbox_rows(session=session, principal=principal, f=f)
    return total, [r.alert for r in rows]


def level_counts(*, session: Session, principal: Principal, f: AlertFilter) -> dict[str, int]:
    """How many alerts of each level the filter finds when its level is left out."""
    where = _alert_conditions(principal, f, with_level=False)
    rows = session.execute(select(Alert.level, func.count(Alert.id)).where(*where).group_by(Alert.level))
    return {level: n for level, n in rows}


@dataclass(frozen=True)
class Inspector:
    user_id: int
    display_name: str
    region_code: str | None


def region_inspectors(*, session: Session, principal: Principal) -> list[Inspector]:
    """Active inspectors who can take alerts in the caller's region: those inside it and those above it
    (the assignment rule of ``monitoring/service.py``: the assignee's region covers the alert's)."""
    q = select(User.id, User.display_name, User.region_code).where(
        User.is_active.is_(True), User.role == Role.INSPECTOR.value
    )
    if not principal.is_admin:
        mine = principal.region_code or ""
        if not mine:
            return []
        above = sorted({mine[:2] + "0000", mine[:4] + "00", mine})
        q = q.where(or_(User.region_code.startswith(region_prefix(mine)), User.region_code.in_(above)))
    rows = session.execute(q.order_by(User.region_code, User.display_name, User.id))
    return [Inspector(uid, name, region) for uid, name, region in rows]


def get_alert(
    *, session: Session, principal: Principal, alert_id: int
) -> tuple[Alert, list[AlertEvent], dict[str, Any]]:
    """One alert in the caller's region, its history, and the names of its project and worker."""
    alert = get_alert_row(session=session, principal=principal, alert_id=alert_id)
    events = list(
        session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id))
    )
    names: dict[str, Any] = {}
    if alert.project_id is not None:
        p = session.get(Project, alert.project_id)
        names["project"] = {"code": p.project_code, "name": p.name} if p else None
    if alert.worker_id is not None:
        w = session.get(Worker, alert.worker_id)
        names["worker"] = {"name": w.name, "id_masked": w.id_masked} if w else None
    return alert, events, names


@dataclass(frozen=True)
class WorkerLine:
    """One worker's line of a grouped alert, with the worker's name and masked ID number."""

    worker_id: int
    name: str
    id_masked: str
    days: int | None
    declared_fen: int | None
    paid_fen: int | None
    amount_fen: int | None
    level: str
    evidence: dict[str, Any]


def alert_workers(*, session: Session, principal: Principal, alert_id: int) -> list[WorkerLine]:
    """The worker lines of one alert in the caller's region (largest amount first, then by name);
    empty for an alert about one project, device or enterprise."""
    get_alert_row(session=session, principal=principal, alert_id=alert_id)
    rows = session.execute(
        select(AlertWorker, Worker.name, Worker.id_masked)
        .join(Worker, Worker.id == AlertWorker.worker_id, isouter=True)
        .where(AlertWorker.alert_id == alert_id)
        .order_by(AlertWorker.amount_fen.desc().nulls_last(), Worker.name, AlertWorker.worker_id)
    ).all()
    return [
        WorkerLine(
            line.worker_id,
            name or "",
            masked or "",
            line.days,
            line.declared_fen,
            line.paid_fen,
            line.amount_fen,
            line.level,
            line.evidence,
        )
        for line, name, masked in rows
    ]


def get_alert_row(*, session: Session, principal: Principal, alert_id: int) -> Alert:
    """One alert in the caller's region, or ``NotFound`` (other regions' alerts do not exist for them)."""
    alert = session.get(Alert, alert_id)
    if alert is None or not (
        principal.covers_region(alert.region_code) or _enterprise_sees(session, principal, alert)
    ):
        raise NotFound(f"alert {alert_id} not found", message_zh="预警不存在")
    return alert


def _enterprise_sees(session: Session, principal: Principal, alert: Alert) -> bool:
    """An enterprise user sees the alerts on the projects its enterprise takes part in."""
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id is None or alert.project_id is None:
        return False
    clause = principal.project_clause(Project.id, Project.region_code)
    return session.scalar(select(Project.id).where(Project.id == alert.project_id, clause)) is not None


@dataclass(frozen=True)
class AttachmentRow:
    """An attachment of an answer, as the alert page lists it (no content)."""

    id: int
    event_id: int
    filename: str
    content_type: str
    size_bytes: int


def alert_attachments(
    *, session: Session, principal: Principal, alert_id: int
) -> dict[int, list[AttachmentRow]]:
    """The attachments of an alert the caller may see, by the answer (event id) they came with."""
    get_alert_row(session=session, principal=principal, alert_id=alert_id)
    rows = session.execute(
        select(
            AlertAttachment.id,
            AlertAttachment.event_id,
            AlertAttachment.filename,
            AlertAttachment.content_type,
            AlertAttachment.size_bytes,
        )
        .where(AlertAttachment.alert_id == alert_id)
        .order_by(AlertAttachment.id)
    ).all()
    out: dict[int, list[AttachmentRow]] = {}
    for r in rows:
        out.setdefault(r.event_id, []).append(
            AttachmentRow(r.id, r.event_id, r.filename, r.content_type, r.size_bytes)
        )
    return out


def display_names(*, session: Session, usernames: set[str]) -> dict[str, str]:
    """Display names of the users who took steps on an alert (its timeline's "who")."""
    if not usernames:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(sorted(usernames)))
    )
    return {username: name for username, name in rows if name}


@dataclass(frozen=True)
class EvidenceNames:
    """Names for the ids an alert's evidence holds (workers with masked ID numbers only)."""

    workers: dict[int, tuple[str, str]]
    teams: dict[int, str]
    projects: dict[int, tuple[str, str]]
    regions: dict[str, str]


def evidence_names(
    *,
    session: Session,
    worker_ids: set[int],
    team_ids: set[int],
    project_ids: set[int],
    region_codes: set[str],
) -> EvidenceNames:
    """Names of the workers (and masked ID numbers), teams, projects and regions named in evidence that
    the caller has already been allowed to read (the alert in their scope)."""
    workers: dict[int, tuple[str, str]] = {}
    ids = sorted(worker_ids)
    for i in range(0, len(ids), 500):
        q = select(Worker.id, Worker.name, Worker.id_masked).where(Worker.id.in_(ids[i : i + 500]))
        workers |= {wid: (name, masked) for wid, name, masked in session.execute(q)}
    teams = (
        {
            tid: name
            for tid, name in session.execute(select(Team.id, Team.name).where(Team.id.in_(sorted(team_ids))))
        }
        if team_ids
        else {}
    )
    projects = project_names(session=session, project_ids=sorted(project_ids))
    regions = region_names(session=session, codes=sorted(region_codes))
    return EvidenceNames(workers, teams, projects, regions)


def worker_alerts(
    *, session: Session, principal: Principal, worker_id: int, limit: int = 200
) -> list[tuple[Alert, AlertWorker | None]]:
    """A worker's alerts in the caller's region, newest period first: the grouped alerts whose lines name
    the worker (with the worker's line) and any alert about the worker alone."""
    in_region = principal.region_clause(Alert.region_code)
    grouped = session.execute(
        select(Alert, AlertWorker)
        .join(AlertWorker, AlertWorker.alert_id == Alert.id)
        .where(AlertWorker.worker_id == worker_id, in_region)
        .limit(limit)
    ).all()
    alone = session.scalars(select(Alert).where(Alert.worker_id == worker_id, in_region).limit(limit)).all()
    out: list[tuple[Alert, AlertWorker | None]] = [(a, line) for a, line in grouped]
    out += [(a, None) for a in alone]
    out.sort(key=lambda pair: (pair[0].period, pair[0].id), reverse=True)
    return out[:limit]


def latest_runs(*, session: Session, limit: int = 20) -> list[MonitorRun]:
    return list(session.scalars(select(MonitorRun).order_by(MonitorRun.id.desc()).limit(limit)))


OWES_COLUMNS = ("attended_workers", "attended_days", "declared_fen", "paid_fen", "unpaid_workers", "owed_fen")


def project_owes(
    *,
    db_engine: Any,
    session: Session,
    principal: Principal,
    project_id: int,
    months: list[date],
    as_of: date,
    settings: Any,
) -> list[dict[str, Any]]:
    """Per month: attended workers and days, declared, paid, unpaid workers and the amount owed (inspectors in
    their region, an enterprise on its own projects).

    Only this project's rows are read (the project filter is part of each fact query)."""
    project = session.get(Project, project_id)
    seen = principal.project_clause(Project.id, Project.region_code)
    if project is None or session.scalar(select(Project.id).where(Project.id == project_id, seen)) is None:
        raise NotFound(f"project {project_id} not found", message_zh="项目不存在")
    from wageguard.monitoring import facts as F
    from wageguard.monitoring.engine import reconcile
    from wageguard.monitoring.thresholds import resolve

    out = []
    thresholds = resolve(session, settings, [project.region_code])
    with reading(db_engine):
        projects = F.load_projects(db_engine, months[0], as_of, project_id=project_id)
        for month in months:
            wm = F.load_worker_months(db_engine, month, project_id=project_id, as_of=as_of)
            facts = F.Facts(
                month=month, as_of=as_of, projects=projects, worker_months=wm, thresholds=thresholds
            )
            _, pm = reconcile(facts)
            row = pm.row(0, named=True) if pm.height else {}
            figures = {k: row.get(k) or 0 for k in OWES_COLUMNS}
            out.append({"month": facts.period, "due": bool(row.get("due")), **figures})
    return out


def region_names(*, session: Session, codes: list[str]) -> dict[str, str]:
    """Names of the given region codes."""
    if not codes:
        return {}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    return {code: name for code, name in rows}


def alert_counties(*, session: Session, principal: Principal) -> list[tuple[str, str]]:
    """(code, name) of the counties that have alerts the caller may see, for the inbox filter."""
    seen = principal.project_clause(Alert.project_id, Alert.region_code)  # type: ignore[arg-type]
    codes = session.scalars(select(Alert.region_code).where(seen).distinct()).all()
    names = region_names(session=session, codes=list(codes))
    return sorted((c, names.get(c, c)) for c in codes)


def project_names(*, session: Session, project_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(code, name) of the given projects, for inbox rows."""
    if not project_ids:
        return {}
    rows = session.execute(
        select(Project.id, Project.project_code, Project.name).where(Project.id.in_(project_ids))
    ).all()
    return {pid: (code, name) for pid, code, name in rows}


@dataclass(frozen=True)
class ProjectAlert:
    """One unfinished alert of a project, as the complaint case page lists it."""

    id: int
    rule_code: str
    rule_title_zh: str
    level: str
    period: str
    status: str
    still_holds: bool
    url: str


def open_alerts_for_project(
    *, session: Session, principal: Principal, project_id: int, limit: int = 50
) -> list[ProjectAlert]:
    """The project's unfinished alerts in the caller's scope (region; an enterprise's own projects), most
    severe and newest first."""
    from wageguard.monitoring.choices import FINISHED
    from wageguard.monitoring.rules import catalogue

    titles = {r.code: r.title_zh for r in catalogue()}
    rank = case((Alert.level == "red", 0), (Alert.level == "orange", 1), else_=2)
    rows = session.scalars(
        select(Alert)
        .where(
            principal.project_clause(Alert.project_id, Alert.region_code),  # type: ignore[arg-type]
            Alert.project_id == project_id,
            Alert.status.not_in([s.value for s in FINISHED]),
        )
        .order_by(rank, Alert.first_seen_on.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [
        ProjectAlert(
            a.id,
            a.rule_code,
            titles.get(a.rule_code, a.rule_code),
            a.level,
            a.period,
            a.status,
            a.still_holds,
            f"/alerts/{a.id}",
        )
        for a in rows
    ]
