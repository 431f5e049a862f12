"""The projects pages: counties of the caller's scope with counts, a filterable list, one project."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.errors import Forbidden, NotFound
from wageguard.registry import queries, region_queries
from wageguard.registry.schemas import CountySummary, Page, ProjectFilters, ProjectOut
from wageguard.web.assets import available
from wageguard.web.deps import get_session, optional_principal
from wageguard.web.pages.render import error_page, login_redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
TONGREN = "5206"
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]


def _map(counties: list[CountySummary]) -> dict[str, str] | None:
    """Data for the ECharts county map, when the files are installed and the counties are Tongren's."""
    tongren = [c for c in counties if c.code.startswith(TONGREN)]
    if not tongren or not available().county_map:
        return None
    counts = [{"name": c.name, "value": c.project_count, "code": c.code} for c in tongren]
    return {"geo": "/static/vendor/maps/tongren.geojson", "counts": json.dumps(counts, ensure_ascii=False)}


def _pager(request: Request, page: Page[ProjectOut]) -> tuple[str | None, str | None]:
    def at(offset: int) -> str:
        return str(request.url.include_query_params(offset=offset).replace(scheme="", netloc=""))

    prev_url = at(max(page.offset - page.limit, 0)) if page.offset > 0 else None
    next_url = at(page.offset + page.limit) if page.offset + page.limit < page.total else None
    return prev_url, next_url


@router.get("/projects")
def projects_page(
    request: Request,
    principal: Caller,
    session: DbSession,
    county: Annotated[str, Query(max_length=6, pattern=r"^(\d{6})?$")] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Counties of the caller's scope (project and worker counts) and their projects, filterable by county."""
    if principal is None:
        return login_redirect(request)
    try:
        counties = region_queries.county_summaries(session, principal)
        filters = ProjectFilters(region=county or None, q=q or None, limit=PAGE_SIZE, offset=offset)
        page = queries.list_projects(session, principal, filters)
    except Forbidden as exc:
        return error_page(request, principal, exc)
    prev_url, next_url = _pager(request, page)
    context = {
        "counties": counties,
        "county": county,
        "q": q,
        "page": page,
        "map": _map(counties),
        "prev_url": prev_url,
        "next_url": next_url,
    }
    return render(request, "projects/list.html", context, principal=principal)


@router.get("/projects/{project_id}")
def project_page(request: Request, project_id: int, principal: Caller, session: DbSession) -> Response:
    """One project: facts, participants, teams and worker counts (masked data only)."""
    if principal is None:
        return login_redirect(request)
    try:
        project = queries.get_project(session, principal, project_id)
    except (Forbidden, NotFound) as exc:
        return error_page(request, principal, exc)
    return render(request, "projects/detail.html", {"project": project}, principal=principal)
