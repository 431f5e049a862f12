"""The reads the risk pages need beside ``risk/queries.py``'s, scoped by ``Principal`` the same way: the
visit list filtered by county and band (the same rows, order and reasons as ``visit_list``), each listed
enterprise's projects and unfinished alerts in the caller's scope, one enterprise's projects and alerts,
and a project's general contractor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, union
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.monitoring.choices import FINISHED
from wageguard.monitoring.models import Alert
from wageguard.monitoring.rules import catalogue
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, Project, ProjectParticipant, Region
from wageguard.risk.models import RiskScore
from wageguard.risk.queries import VISIT_ORDER, enterprise_clause
from wageguard.risk.reasons import top_reasons

BANDS = ("red", "orange", "yellow", "blue")  # worst first
LIST_SIZE = 50


def county_clause(county: str) -> ColumnElement[bool]:
    """Enterprises registered in ``county`` or with a project there (the inspector's reach, one county)."""
    one_county = Principal(user_id=None, username="county", role=Role.INSPECTOR, region_code=county)
    return enterprise_clause(one_county, RiskScore.enterprise_id)


def ranked(
    session: Session, principal: Principal, *, county: str = "", band: str = "", limit: int = LIST_SIZE
) -> tuple[date | None, list[dict[str, Any]]]:
    """(the latest scored date, its rows): ``visit_list``'s rows on that date, worst first, each with its
    top three reasons, narrowed to ``county`` and ``band`` when given."""
    day = session.scalar(select(func.max(RiskScore.as_of)))
    if day is None:
        return None, []
    conds = [RiskScore.as_of == day, enterprise_clause(principal, RiskScore.enterprise_id)]
    if county:
        conds.append(county_clause(county))
    if band:
        conds.append(RiskScore.band == band)
    rows = session.execute(
        select(RiskScore, Enterprise.name)
        .join(Enterprise, Enterprise.id == RiskScore.enterprise_id)
        .where(*conds)
        .order_by(*VISIT_ORDER)
        .limit(limit)
    ).all()
    out = [
        {
            "enterprise_id": s.enterprise_id,
            "enterprise_name": name,
            "as_of": s.as_of,
            "region_code": s.region_code,
            "total": s.total,
            "grade": s.grade,
            "band": s.band,
            "probability": s.probability,
            "rank": i,
            "reasons": top_reasons(s.factors),
        }
        for i, (s, name) in enumerate(rows, start=1)
    ]
    return day, out


def _taking_part(enterprise_ids: list[int]) -> Any:
    """(enterprise_id, project_id) of the listed enterprises' projects, as general contractor or part."""
    return union(
        select(Project.contractor_id.label("eid"), Project.id.label("pid")).where(
            Project.contractor_id.in_(enterprise_ids)
        ),
        select(
            ProjectParticipant.enterprise_id.label("eid"), ProjectParticipant.project_id.label("pid")
        ).where(ProjectParticipant.enterprise_id.in_(enterprise_ids)),
    ).subquery()


def _unfinished() -> ColumnElement[bool]:
    return Alert.status.not_in([s.value for s in FINISHED])


def _own_alerts_clause(principal: Principal) -> ColumnElement[bool]:
    """Alerts about an enterprise itself (W21): staff of its region see them, enterprise users do not."""
    if principal.role is Role.ENTERPRISE:
        return false()
    return principal.region_clause(Alert.region_code)


def counts(session: Session, principal: Principal, enterprise_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per enterprise: (its projects in the caller's scope, unfinished alerts on them or about itself)."""
    if not enterprise_ids:
        return {}
    part = _taking_part(enterprise_ids)
    visible = principal.project_clause(Project.id, Project.region_code)
    projects: dict[int, int] = dict(
        session.execute(
            select(part.c.eid, func.count(func.distinct(part.c.pid)))
            .join(Project, Project.id == part.c.pid)
            .where(visible)
            .group_by(part.c.eid)
        ).all()
    )
    on_projects: dict[int, int] = dict(
        session.execute(
            select(part.c.eid, func.count(func.distinct(Alert.id)))
            .join(Alert, Alert.project_id == part.c.pid)
            .where(principal.project_clause(Alert.project_id, Alert.region_code), _unfinished())  # type: ignore[arg-type]
            .group_by(part.c.eid)
        ).all()
    )
    about: dict[int, int] = dict(
        session.execute(
            select(Alert.subject_id, func.count(Alert.id))
            .where(
                Alert.subject_type == "enterprise",
                Alert.subject_id.in_(enterprise_ids),
                _own_alerts_clause(principal),
                _unfinished(),
            )
            .group_by(Alert.subject_id)
        ).all()
    )
    return {
        eid: (int(projects.get(eid, 0)), int(on_projects.get(eid, 0)) + int(about.get(eid, 0)))
        for eid in enterprise_ids
    }


def visible_enterprise(
    session: Session, principal: Principal, enterprise_id: int
) -> tuple[Enterprise, str | None] | None:
    """The enterprise and its region's name when its page (and score) is the caller's to see
    (``enterprise_clause``: an inspector's reach, an enterprise user's own); else ``None``."""
    row = session.execute(
        select(Enterprise, Region.name)
        .outerjoin(Region, Region.code == Enterprise.region_code)
        .where(Enterprise.id == enterprise_id, enterprise_clause(principal, Enterprise.id))
    ).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class EnterpriseProject:
    """One project of the enterprise, as its page lists it."""

    id: int
    project_code: str
    name: str
    region_code: str
    region_name: str | None
    general_contractor: bool


def enterprise_projects(
    session: Session, principal: Principal, enterprise_id: int
) -> list[EnterpriseProject]:
    """The enterprise's projects (general contractor or participant) the caller may see, by code."""
    part = _taking_part([enterprise_id])
    rows = session.execute(
        select(Project, Region.name)
        .join(part, part.c.pid == Project.id)
        .outerjoin(Region, Region.code == Project.region_code)
        .where(principal.project_clause(Project.id, Project.region_code))
        .order_by(Project.project_code)
    ).all()
    return [
        EnterpriseProject(
            p.id, p.project_code, p.name, p.region_code, region, p.contractor_id == enterprise_id
        )
        for p, region in rows
    ]


@dataclass(frozen=True)
class EnterpriseAlert:
    """One unfinished alert on the enterprise's projects or about the enterprise itself."""

    id: int
    rule_code: str
    title_zh: str
    title_en: str
    level: str
    period: str
    project_id: int | None
    url: str


def enterprise_alerts(
    session: Session, principal: Principal, enterprise_id: int, project_ids: list[int], limit: int = 100
) -> list[EnterpriseAlert]:
    """Unfinished alerts on the listed projects (in scope) and about the enterprise, most severe first."""
    titles = {r.code: (r.title_zh, r.title_en) for r in catalogue()}
    on_projects = and_(
        Alert.project_id.in_(project_ids),
        principal.project_clause(Alert.project_id, Alert.region_code),  # type: ignore[arg-type]
    )
    about = and_(
        Alert.subject_type == "enterprise", Alert.subject_id == enterprise_id, _own_alerts_clause(principal)
    )
    severity = case((Alert.level == "red", 0), (Alert.level == "orange", 1), else_=2)
    rows = session.scalars(
        select(Alert)
        .where(or_(on_projects, about), _unfinished())
        .order_by(severity, Alert.first_seen_on.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [
        EnterpriseAlert(
            a.id,
            a.rule_code,
            titles.get(a.rule_code, (a.rule_code, a.rule_code))[0],
            titles.get(a.rule_code, (a.rule_code, a.rule_code))[1],
            a.level,
            a.period,
            a.project_id,
            f"/alerts/{a.id}",
        )
        for a in rows
    ]


def contractor_of(session: Session, project_id: int) -> tuple[int, str] | None:
    """The project's general contractor (id, name), if it has one."""
    row = session.execute(
        select(Enterprise.id, Enterprise.name)
        .join(Project, Project.contractor_id == Enterprise.id)
        .where(Project.id == project_id)
    ).first()
    return (row[0], row[1]) if row else None
