"""Attendance pages: the monthly sheet (月考勤表) and device health (server-rendered, scoped)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import TemplateNotFound
from sqlalchemy.orm import Session

from wageguard.attendance import queries
from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import utcnow
from wageguard.errors import NotFound, ValidationFailed
from wageguard.web.deps import get_session, get_settings_dep, optional_principal

router = APIRouter(tags=["attendance-pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]


def _layout() -> str:
    """The shared base layout when the pages slice provides one, else this slice's own."""
    try:
        templates.env.get_template("base.html")
    except TemplateNotFound:
        return "attendance/_layout.html"
    return "base.html"


def _login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


@router.get("/attendance/sheet")
def sheet_page(
    request: Request,
    caller: MaybeCaller,
    session: DbSession,
    project: str | None = None,
    month: str | None = None,
    team: str | None = None,
) -> Response:
    """月考勤表: pick a project and month, see the worker × day grid, export it."""
    if caller is None:
        return _login(request)
    month = month or utcnow().strftime("%Y-%m")
    context: dict[str, object] = {"layout": _layout(), "project": project, "month": month, "team": team}
    status = 200
    if project:
        try:
            sheet = queries.monthly_sheet(
                session, project_code=project, month=month, team_sys_no=team or None, principal=caller
            )
            context.update(sheet=sheet, days=list(range(1, sheet.day_count + 1)))
        except (NotFound, ValidationFailed) as exc:
            context["error"] = f"{exc.message_zh} / {exc}"
            status = 404 if isinstance(exc, NotFound) else 422
    return templates.TemplateResponse(request, "attendance/sheet.html", context, status_code=status)


@router.get("/attendance/devices")
def devices_page(
    request: Request,
    caller: MaybeCaller,
    session: DbSession,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Response:
    """Device health: last contact per gate, silent gates highlighted (rule W16)."""
    if caller is None:
        return _login(request)
    health = queries.device_health(
        session, as_of=utcnow(), silent_hours=settings.device_silent_hours, principal=caller
    )
    context = {"layout": _layout(), "devices": health, "silent_hours": settings.device_silent_hours}
    return templates.TemplateResponse(request, "attendance/devices.html", context)
