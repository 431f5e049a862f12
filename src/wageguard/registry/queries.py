"""Reads of the registry, scoped to the caller: enterprises, projects, teams, and the shared scope helpers.

Every function takes ``(session, principal, ...)`` and applies the caller's scope in SQL
(``Principal.project_clause`` / ``region_clause``), so lists, details, filters and counts agree: a row outside
the scope is never listed, never counted, and its detail is ``NotFound`` (its existence is not revealed).
Banks and devices read no registry rows (``Forbidden``). Workers are in ``registry/worker_queries.py``,
regions and county counts in ``registry/region_queries.py``.
Personal numbers leave here masked only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal, region_prefix
from wageguard.errors import Forbidden, NotFound
from wageguard.registry.choices import CORP_TYPE, PROJECT_CATEGORY, PROJECT_STATUS, Role
from wageguard.registry.models import Enterprise, Project, ProjectParticipant, ProjectWorker, Region, Team
from wageguard.registry.schemas import (
    EnterpriseDetail,
    EnterpriseFilters,
    EnterpriseOut,
    EnterpriseRole,
    Page,
    PageQuery,
    ParticipantOut,
    ProjectDetail,
    ProjectFilters,
    ProjectOut,
    TeamFilters,
    TeamOut,
)

T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]
READERS = {Role.ADMIN, Role.INSPECTOR, Role.ENTERPRISE}


def ensure_reader(principal: Principal) -> None:
    """Banks and devices have no business reading the registry."""
    if principal.role not in READERS:
        raise Forbidden(
            f"role {principal.role} may not read the registry", message_zh="该角色无权查看登记信息"
        )


def in_region(column: Any, code: str) -> ColumnElement[bool]:
    """A region-coded column inside ``code`` (a province, prefecture or county code, or a prefix)."""
    prefix = region_prefix(code) if len(code) == 6 else code
    result: ColumnElement[bool] = column.startswith(prefix)
    return result


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match that treats ``%`` and ``_`` literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result: ColumnElement[bool] = column.ilike(f"%{escaped}%", escape="\\")
    return result


def visible_projects(principal: Principal) -> ColumnElement[bool]:
    """Projects the caller may see."""
    return principal.project_clause(Project.id, Project.region_code)


def visible_project_ids(principal: Principal) -> Select[int]:
    return select(Project.id).where(visible_projects(principal))


def ensure_project_visible(session: Session, principal: Principal, project_id: int) -> None:
    """``NotFound`` unless the project exists inside the caller's scope."""
    ensure_reader(principal)
    found = session.scalar(select(Project.id).where(Project.id == project_id, visible_projects(principal)))
    if found is None:
        raise NotFound(f"project {project_id} not found", message_zh="未找到该项目")


def paginate(session: Session, query: PageQuery, stmt: AnySelect, convert: Callable[[Any], T]) -> Page[T]:
    """One page of ``stmt`` (already filtered and ordered) with the total row count."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.limit(query.limit).offset(query.offset)).all()
    return Page[T](items=[convert(r) for r in rows], total=total, limit=query.limit, offset=query.offset)


# ---------------------------------------------------------------- enterprises


def visible_enterprises(principal: Principal) -> ColumnElement[bool]:
    """Enterprises in the caller's region, taking part in a visible project, or the caller's own."""
    taking_part = select(ProjectParticipant.enterprise_id).where(
        ProjectParticipant.project_id.in_(visible_project_ids(principal))
    )
    conds = [principal.region_clause(Enterprise.region_code), Enterprise.id.in_(taking_part)]  # type: ignore[arg-type]
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        conds.append(Enterprise.id == principal.enterprise_id)
    return or_(*conds)


def _enterprise_conditions(principal: Principal, f: EnterpriseFilters) -> list[ColumnElement[bool]]:
    conds = [visible_enterprises(principal)]
    if f.region:
        conds.append(in_region(Enterprise.region_code, f.region))
    if f.q:
        conds.append(or_(contains(Enterprise.name, f.q), contains(Enterprise.corp_code, f.q)))
    if f.project_id is not None:
        on_project = select(ProjectParticipant.enterprise_id).where(
            ProjectParticipant.project_id == f.project_id,
            ProjectParticipant.project_id.in_(visible_project_ids(principal)),
        )
        conds.append(Enterprise.id.in_(on_project))
    return conds


def list_enterprises(
    session: Session, principal: Principal, filters: EnterpriseFilters
) -> Page[EnterpriseOut]:
    ensure_reader(principal)
    stmt = select(Enterprise).where(*_enterprise_conditions(principal, filters)).order_by(Enterprise.id)
    return paginate(session, filters, stmt, lambda row: EnterpriseOut.model_validate(row[0]))


def get_enterprise(session: Session, principal: Principal, enterprise_id: int) -> EnterpriseDetail:
    """One visible enterprise with its roles on the projects the caller may see."""
    ensure_reader(principal)
    stmt = select(Enterprise).where(Enterprise.id == enterprise_id, visible_enterprises(principal))
    enterprise = session.scalar(stmt)
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id} not found", message_zh="未找到该企业")
    roles = session.execute(
        select(Project.id, Project.name, ProjectParticipant.corp_type)
        .join(ProjectParticipant, ProjectParticipant.project_id == Project.id)
        .where(ProjectParticipant.enterprise_id == enterprise_id, visible_projects(principal))
        .order_by(Project.id)
    )
    projects = [
        EnterpriseRole(project_id=pid, project_name=name, corp_type=ct, corp_type_name=CORP_TYPE.get(ct, ct))
        for pid, name, ct in roles
    ]
    return EnterpriseDetail(**EnterpriseOut.model_validate(enterprise).model_dump(), projects=projects)


# ---------------------------------------------------------------- projects


def _worker_count(project_id: Any) -> Any:
    return (
        select(func.count(ProjectWorker.id)).where(ProjectWorker.project_id == project_id).scalar_subquery()
    )


def _project_conditions(principal: Principal, f: ProjectFilters) -> list[ColumnElement[bool]]:
    conds = [visible_projects(principal)]
    if f.region:
        conds.append(in_region(Project.region_code, f.region))
    if f.status:
        conds.append(Project.status == f.status)
    if f.category:
        conds.append(Project.category == f.category)
    if f.enterprise_id is not None:
        taking_part = select(ProjectParticipant.project_id).where(
            ProjectParticipant.enterprise_id == f.enterprise_id
        )
        conds.append(Project.id.in_(taking_part))
    if f.q:
        conds.append(or_(contains(Project.name, f.q), contains(Project.project_code, f.q)))
    return conds


def _project_out(project: Project, region_name: str | None, worker_count: int) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        project_code=project.project_code,
        name=project.name,
        category=project.category,
        category_name=PROJECT_CATEGORY.get(project.category or ""),
        status=project.status,
        status_name=PROJECT_STATUS.get(project.status),
        region_code=project.region_code,
        region_name=region_name,
        address=project.address,
        invest_fen=project.invest_fen,
        start_date=project.start_date,
        complete_date=project.complete_date,
        pay_day=project.pay_day,
        grace_days=project.grace_days,
        worker_count=worker_count,
    )


def _project_select() -> AnySelect:
    return select(Project, Region.name, _worker_count(Project.id)).outerjoin(
        Region, Region.code == Project.region_code
    )


# sort keys of the project list -> the column ordered by (ties: county, then id)
PROJECT_SORTS: dict[str, Callable[[], Any]] = {
    "county": lambda: Project.region_code,
    "code": lambda: Project.project_code,
    "name": lambda: Project.name,
    "status": lambda: Project.status,
    "workers": lambda: _worker_count(Project.id),
}


def list_projects(
    session: Session, principal: Principal, filters: ProjectFilters, order: list[Any] | None = None
) -> Page[ProjectOut]:
    """One page of the visible projects, by county and id unless ``order`` (SQL sort expressions, e.g.
    ``PROJECT_SORTS[key]().desc()``) comes first."""
    ensure_reader(principal)
    stmt = (
        _project_select()
        .where(*_project_conditions(principal, filters))
        .order_by(*(order or []), Project.region_code, Project.id)
    )
    return paginate(session, filters, stmt, lambda row: _project_out(*row))


def get_project(session: Session, principal: Principal, project_id: int) -> ProjectDetail:
    """One visible project with its participants, teams and worker counts."""
    ensure_project_visible(session, principal, project_id)
    row = session.execute(_project_select().where(Project.id == project_id)).one()
    project: Project = row[0]
    active = session.scalar(
        select(func.count(ProjectWorker.id)).where(
            ProjectWorker.project_id == project_id, ProjectWorker.exit_date.is_(None)
        )
    )
    teams = list_teams(session, principal, TeamFilters(project_id=project_id, limit=10_000)).items
    return ProjectDetail(
        **_project_out(*row).model_dump(),
        description=project.description,
        lng=project.lng,
        lat=project.lat,
        link_man=project.link_man,
        link_phone_masked=project.link_phone_masked,
        builder_license=project.builder_license,
        contract_signed_date=project.contract_signed_date,
        labour_officer_name=project.labour_officer_name,
        labour_officer_phone_masked=project.labour_officer_phone_masked,
        notice_board_date=project.notice_board_date,
        active_worker_count=active or 0,
        participants=_participants(session, project_id),
        teams=teams,
    )


def _participants(session: Session, project_id: int) -> list[ParticipantOut]:
    rows = session.execute(
        select(ProjectParticipant, Enterprise)
        .join(Enterprise, Enterprise.id == ProjectParticipant.enterprise_id)
        .where(ProjectParticipant.project_id == project_id)
        .order_by(ProjectParticipant.corp_type, Enterprise.id)
    )
    return [
        ParticipantOut(
            enterprise_id=e.id,
            enterprise_name=e.name,
            corp_code=e.corp_code,
            corp_type=p.corp_type,
            corp_type_name=CORP_TYPE.get(p.corp_type, p.corp_type),
            entry_date=p.entry_date,
            exit_date=p.exit_date,
            pm_name=p.pm_name,
            pm_id_masked=p.pm_id_masked,
            pm_phone_masked=p.pm_phone_masked,
        )
        for p, e in rows
    ]


# ---------------------------------------------------------------- teams


def _team_conditions(principal: Principal, f: TeamFilters) -> list[ColumnElement[bool]]:
    conds = [visible_projects(principal)]
    if f.region:
        conds.append(in_region(Project.region_code, f.region))
    if f.project_id is not None:
        conds.append(Team.project_id == f.project_id)
    if f.enterprise_id is not None:
        conds.append(Team.enterprise_id == f.enterprise_id)
    if f.q:
        conds.append(contains(Team.name, f.q))
    return conds


def _team_select() -> AnySelect:
    workers = select(func.count(ProjectWorker.id)).where(ProjectWorker.team_id == Team.id).scalar_subquery()
    return (
        select(Team, Project.name, Enterprise.name, workers)
        .join(Project, Project.id == Team.project_id)
        .join(Enterprise, Enterprise.id == Team.enterprise_id)
    )


def _team_out(team: Team, project_name: str, enterprise_name: str, worker_count: int) -> TeamOut:
    return TeamOut(
        id=team.id,
        team_sys_no=team.team_sys_no,
        name=team.name,
        project_id=team.project_id,
        project_name=project_name,
        enterprise_id=team.enterprise_id,
        enterprise_name=enterprise_name,
        leader_name=team.leader_name,
        leader_id_masked=team.leader_id_masked,
        leader_phone_masked=team.leader_phone_masked,
        entry_date=team.entry_date,
        exit_date=team.exit_date,
        worker_count=worker_count,
    )


def list_teams(session: Session, principal: Principal, filters: TeamFilters) -> Page[TeamOut]:
    ensure_reader(principal)
    stmt = _team_select().where(*_team_conditions(principal, filters)).order_by(Team.project_id, Team.id)
    return paginate(session, filters, stmt, lambda row: _team_out(*row))


def get_team(session: Session, principal: Principal, team_id: int) -> TeamOut:
    ensure_reader(principal)
    row = session.execute(_team_select().where(Team.id == team_id, visible_projects(principal))).first()
    if row is None:
        raise NotFound(f"team {team_id} not found", message_zh="未找到该班组")
    return _team_out(*row)
