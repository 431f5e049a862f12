"""Read API of the registry: regions, enterprises, projects, teams, workers; plus the audited reveal.

Thin routes: parse filters, check the page size, call one query in ``registry/queries.py``.
Lists answer ``{items, total, limit, offset}``; everything is scoped to the caller and masked.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.bounds import RowId
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Problem, ValidationFailed
from wageguard.registry import queries, region_queries, worker_queries
from wageguard.registry.reveal import reveal_project_contacts, reveal_worker
from wageguard.registry.schemas import (
    EngagementOut,
    EnterpriseDetail,
    EnterpriseFilters,
    EnterpriseOut,
    Page,
    PageQuery,
    ProjectContactsOut,
    ProjectDetail,
    ProjectFilters,
    ProjectOut,
    RegionNode,
    RevealIn,
    TeamFilters,
    TeamOut,
    WorkerDetail,
    WorkerFilters,
    WorkerOut,
    WorkerRevealOut,
)
from wageguard.security.crypto import Protector
from wageguard.web.deps import current_principal, get_database, get_protector, get_session, get_settings_dep

router = APIRouter(tags=["registry"])
F = TypeVar("F", bound=PageQuery)
Caller = Annotated[Principal, Depends(current_principal)]
DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def checked(filters: F, settings: Settings) -> F:
    """The filters, or a 422 when ``limit`` exceeds ``api_page_size_max``."""
    cap = settings.api_page_size_max
    if filters.limit > cap:
        problem = Problem(
            field="limit",
            code="limit_too_large",
            value=str(filters.limit),
            message_zh=f"每页最多 {cap} 条",
            message_en=f"limit may be at most {cap}",
        )
        raise ValidationFailed(f"limit may be at most {cap}", [problem], message_zh=problem.message_zh)
    return filters


@router.get("/regions", response_model=list[RegionNode])
def list_regions(principal: Caller, session: DbSession) -> list[RegionNode]:
    """The caller's regions as a tree (GB/T 2260), each with its visible project count."""
    return region_queries.region_tree(session, principal)


@router.get("/regions/{code}", response_model=RegionNode)
def region_detail(code: str, principal: Caller, session: DbSession) -> RegionNode:
    return region_queries.get_region(session, principal, code)


@router.get("/enterprises", response_model=Page[EnterpriseOut])
def list_enterprises(
    filters: Annotated[EnterpriseFilters, Query()],
    principal: Caller,
    session: DbSession,
    settings: AppSettings,
) -> Page[EnterpriseOut]:
    return queries.list_enterprises(session, principal, checked(filters, settings))


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseDetail)
def enterprise_detail(enterprise_id: RowId, principal: Caller, session: DbSession) -> EnterpriseDetail:
    return queries.get_enterprise(session, principal, enterprise_id)


@router.get("/projects", response_model=Page[ProjectOut])
def list_projects(
    filters: Annotated[ProjectFilters, Query()], principal: Caller, session: DbSession, settings: AppSettings
) -> Page[ProjectOut]:
    return queries.list_projects(session, principal, checked(filters, settings))


@router.get("/projects/{project_id}", response_model=ProjectDetail)
def project_detail(project_id: RowId, principal: Caller, session: DbSession) -> ProjectDetail:
    return queries.get_project(session, principal, project_id)


@router.get("/projects/{project_id}/workers", response_model=Page[EngagementOut])
def list_project_workers(
    project_id: RowId,
    filters: Annotated[WorkerFilters, Query()],
    principal: Caller,
    session: DbSession,
    settings: AppSettings,
    protector: Annotated[Protector, Depends(get_protector)],
) -> Page[EngagementOut]:
    """The workers of one project (项目工人) with team, 工种 and entry/exit; numbers masked."""
    checked(filters, settings)
    return worker_queries.list_project_workers(session, principal, project_id, filters, protector=protector)


@router.get("/teams", response_model=Page[TeamOut])
def list_teams(
    filters: Annotated[TeamFilters, Query()], principal: Caller, session: DbSession, settings: AppSettings
) -> Page[TeamOut]:
    return queries.list_teams(session, principal, checked(filters, settings))


@router.get("/teams/{team_id}", response_model=TeamOut)
def team_detail(team_id: RowId, principal: Caller, session: DbSession) -> TeamOut:
    return queries.get_team(session, principal, team_id)


@router.get("/workers", response_model=Page[WorkerOut])
def list_workers(
    filters: Annotated[WorkerFilters, Query()],
    principal: Caller,
    session: DbSession,
    settings: AppSettings,
    protector: Annotated[Protector, Depends(get_protector)],
) -> Page[WorkerOut]:
    """Workers the caller may see; ID, card and phone numbers masked. To find a person by ID number,
    prefer ``POST /workers/search``: a query string ends up in proxy logs and browser history."""
    return worker_queries.list_workers(session, principal, checked(filters, settings), protector=protector)


@router.post("/workers/search", response_model=Page[WorkerOut], openapi_extra={"x-wageguard-read-only": True})
def search_workers(
    filters: WorkerFilters,
    principal: Caller,
    session: DbSession,
    settings: AppSettings,
    protector: Annotated[Protector, Depends(get_protector)],
) -> Page[WorkerOut]:
    """The same search as ``GET /workers`` with the filters (an ID number) in the body; reads only."""
    return worker_queries.list_workers(session, principal, checked(filters, settings), protector=protector)


@router.get("/workers/{worker_id}", response_model=WorkerDetail)
def worker_detail(worker_id: RowId, principal: Caller, session: DbSession) -> WorkerDetail:
    return worker_queries.get_worker(session, principal, worker_id)


@router.post("/workers/{worker_id}/reveal", response_model=WorkerRevealOut)
def reveal(
    worker_id: RowId,
    body: RevealIn,
    principal: Caller,
    response: Response,
    db: Annotated[Database, Depends(get_database)],
    protector: Annotated[Protector, Depends(get_protector)],
) -> WorkerRevealOut:
    """Clear ID number, card, phone and home address, for admins and in-scope inspectors; each call is
    audited (reason and fields shown) and the answer is never cached."""
    response.headers["Cache-Control"] = "no-store"
    with db.transaction() as session:
        return reveal_worker(
            session=session, principal=principal, protector=protector, worker_id=worker_id, reason=body.reason
        )


@router.post("/projects/{project_id}/reveal", response_model=ProjectContactsOut)
def reveal_contacts(
    project_id: RowId,
    body: RevealIn,
    principal: Caller,
    response: Response,
    db: Annotated[Database, Depends(get_database)],
    protector: Annotated[Protector, Depends(get_protector)],
) -> ProjectContactsOut:
    """Clear phones of the project's contact, labour officer, project managers and team leaders, for admins
    and in-scope inspectors; each call is audited and the answer is never cached."""
    response.headers["Cache-Control"] = "no-store"
    with db.transaction() as session:
        return reveal_project_contacts(
            session=session,
            principal=principal,
            protector=protector,
            project_id=project_id,
            reason=body.reason,
        )
