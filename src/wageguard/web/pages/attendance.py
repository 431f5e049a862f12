"""Attendance pages: the monthly sheet (月考勤表) and device health (server-rendered in Chinese or English,
scoped to the caller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from wageguard.attendance import queries
from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import utcnow
from wageguard.errors import NotFound, ValidationFailed
from wageguard.web.deps import get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import error_message
from wageguard.web.pages import attendance_text
from wageguard.web.pages.render import login_redirect, page_lang, render

router = APIRouter(tags=["attendance-pages"], include_in_schema=False)
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
_ = attendance_text  # the import installs this page family's messages in the shared catalogue


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
        return login_redirect(request)
    month = month or utcnow().strftime("%Y-%m")
    context: dict[str, object] = {"project": project, "month": month, "team": team}
    status = 200
    if project:
        try:
            sheet = queries.monthly_sheet(
                session, project_code=project, month=month, team_sys_no=team or None, principal=caller
            )
            context.update(sheet=sheet, days=list(range(1, sheet.day_count + 1)))
        except (NotFound, ValidationFailed) as exc:
            context["error"] = error_message(page_lang(request), exc)
            status = 404 if isinstance(exc, NotFound) else 422
    return render(request, "attendance/sheet.html", context, principal=caller, status_code=status)


@router.get("/attendance/devices")
def devices_page(
    request: Request,
    caller: MaybeCaller,
    session: DbSession,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Response:
    """Device health: last contact per gate, silent gates highlighted (rule W16)."""
    if caller is None:
        return login_redirect(request)
    health = queries.device_health(
        session, as_of=utcnow(), silent_hours=settings.device_silent_hours, principal=caller
    )
    context = {"devices": health, "silent_hours": settings.device_silent_hours}
    return render(request, "attendance/devices.html", context, principal=caller)
