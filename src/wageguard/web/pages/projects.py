"""The projects pages: counties of the caller's scope with counts, a filterable list, one project."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Forbidden, NotFound
from wageguard.monitoring.owing import owing_by_project
from wageguard.monitoring.project_months import last_months, project_months
from wageguard.monitoring.queries import open_alerts_for_project
from wageguard.monitoring.rules import catalogue
from wageguard.payroll.models import WageAccount
from wageguard.registry import queries, region_queries
from wageguard.registry.choices import Role
from wageguard.registry.models import Project
from wageguard.registry.schemas import CountySummary, Page, ProjectFilters, ProjectOut
from wageguard.risk import queries as risk_queries
from wageguard.web.assets import available
from wageguard.web.deps import get_session, get_settings_dep, optional_principal
from wageguard.web.pages import project_list_text, projects_text, risk_text, risk_view
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render, today_local

router = APIRouter(include_in_schema=False)
_ = projects_text, project_list_text, risk_text  # the imports install these pages' messages in the catalogue
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


SORTS = (*queries.PROJECT_SORTS, "owed")


def _sort_links(request: Request, sort: str, direction: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (again: the other way round) and its aria-sort."""
    links = {}
    for key in SORTS:
        current = key == sort
        if current:
            flip = "asc" if direction == "desc" else "desc"
        else:
            flip = "desc" if key in ("owed", "workers") else "asc"  # largest first, words A to Z
        url = request.url.include_query_params(sort=key, dir=flip).remove_query_params("offset")
        aria = ("ascending" if direction == "asc" else "descending") if current else "none"
        links[key] = {"url": str(url.replace(scheme="", netloc="")), "aria": aria}
    return links


def _order(session: Session, principal: Principal, sort: str, direction: str) -> list[Any]:
    """SQL sort expressions for the list: a column, or the amount owed (read once from the alerts table)."""
    if sort == "owed":
        owed = {
            pid: o.owed_fen
            for pid, o in owing_by_project(session=session, principal=principal).items()
            if o.owes
        }
        if not owed:
            return []
        key: Any = case(owed, value=Project.id, else_=0)
    elif sort in queries.PROJECT_SORTS:
        key = queries.PROJECT_SORTS[sort]()
    else:
        return []
    return [key.desc() if direction == "desc" else key.asc()]


@router.get("/projects")
def projects_page(
    request: Request,
    principal: Caller,
    session: DbSession,
    county: Annotated[str, Query(max_length=6, pattern=r"^(\d{6})?$")] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: Annotated[str, Query(max_length=16)] = "",
    dir: Annotated[str, Query(max_length=16)] = "",
    enterprise: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Counties of the caller's scope (project and worker counts) and their projects, filterable by county,
    sortable by each column (``sort``: county, code, name, status, workers, owed; ``dir``: asc/desc; an
    unknown value keeps the default order; ``enterprise``: the projects an enterprise takes part in, the
    command screen's rankings link here), with the owes-wages answer of each listed project."""
    if principal is None:
        return login_redirect(request)
    sort = sort if sort in SORTS else ""
    direction = dir if dir in ("asc", "desc") else ("desc" if sort in ("owed", "workers") else "asc")
    try:
        counties = region_queries.county_summaries(session, principal)
        filters = ProjectFilters(
            region=county or None, q=q or None, enterprise_id=enterprise, limit=PAGE_SIZE, offset=offset
        )
        page = queries.list_projects(session, principal, filters, _order(session, principal, sort, direction))
    except Forbidden as exc:
        return error_page(request, principal, exc)
    owing = owing_by_project(session=session, principal=principal, project_ids=[p.id for p in page.items])
    prev_url, next_url = _pager(request, page)
    context = {
        "counties": counties,
        "county": county,
        "q": q,
        "page": page,
        "map": _map(counties),
        "prev_url": prev_url,
        "next_url": next_url,
        "owing": owing,
        "sort": sort,
        "direction": direction,
        "sorts": _sort_links(request, sort, direction),
        "yuan": yuan,
    }
    return render(request, "projects/list.html", context, principal=principal)


@router.get("/projects/{project_id}")
def project_page(
    request: Request,
    project_id: int,
    principal: Caller,
    session: DbSession,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Response:
    """The one-click answer: owes wages or not, how much, since when, how many workers, the open alerts and
    12 months of attendance vs pay; then the project's facts, participants, teams and links."""
    if principal is None:
        return login_redirect(request)
    try:
        project = queries.get_project(session, principal, project_id)
        months = project_months(
            session=session,
            principal=principal,
            project_id=project_id,
            months=last_months(today_local(settings), 12),
        )
    except (Forbidden, NotFound) as exc:
        return error_page(request, principal, exc)
    owing = owing_by_project(session=session, principal=principal, project_ids=[project_id])[project_id]
    alerts = open_alerts_for_project(session=session, principal=principal, project_id=project_id)
    chart = [
        {
            "m": m.month,
            "att": m.attended_workers,
            "pw": m.paid_workers,
            "dec": m.declared_fen,
            "paid": m.paid_fen,
        }
        for m in months
    ]
    context = {
        "project": project,
        "owing": owing,
        "alerts": alerts,
        "months": months,
        "chart": json.dumps(chart),
        "links": project_links(session, principal, project.id, project.project_code, today_local(settings)),
        "yuan": yuan,
        "rules": {r.code: (r.title_en if page_lang(request) == "en" else r.title_zh) for r in catalogue()},
        "contractor_risk": contractor_risk(session, principal, project_id),
    }
    return render(request, "projects/detail.html", context, principal=principal)


def contractor_risk(session: Session, principal: Principal, project_id: int) -> dict[str, Any] | None:
    """The general contractor's latest score (name, total, grade, band, data date, enterprise page) when the
    caller may see it (``risk.queries.latest_score``: an enterprise user only its own); else ``None``."""
    contractor = risk_view.contractor_of(session, project_id)
    if contractor is None:
        return None
    score = risk_queries.latest_score(session, principal, contractor[0])
    if score is None:
        return None
    url = f"/enterprises/{contractor[0]}"
    return {**score, "enterprise_name": contractor[1], "url": url, "band_key": f"risk.band.{score['band']}"}


def project_links(
    session: Session, principal: Principal, project_id: int, code: str, today: date
) -> list[tuple[str, str]]:
    """(catalogue key, URL) of the pages about this project the caller may open."""
    month = f"{today:%Y-%m}"
    staff = principal.role in (Role.INSPECTOR, Role.ADMIN)
    links = [
        ("project.link.attendance", f"/attendance/sheet?project={quote(code)}&month={month}"),
        ("project.link.pay", f"/money/projects/{project_id}"),
    ]
    account = session.scalar(select(WageAccount.id).where(WageAccount.project_id == project_id).limit(1))
    if account is not None:
        links.append(("project.link.account", f"/money/accounts/{account}"))
    links.append(("project.link.devices", "/attendance/devices"))
    if staff:
        links.append(("project.link.complaints", f"/projects/{project_id}/complaints"))
    links.append(("project.link.owed", f"/projects/{project_id}/owed-wages"))  # enterprises: own projects
    links += [
        ("project.link.notice_board", f"/c/{quote(code)}/notice-board.pdf"),
        ("project.link.qr", f"/c/{quote(code)}/qr.svg"),
        ("project.link.form", f"/c/{quote(code)}"),
    ]
    return links
