"""``/projects/{id}/owed-wages``: does this project owe wages? One row per month (attended, declared, paid,
unpaid workers, amount owed), for inspectors and admins in their region and for an enterprise on its own
projects. Moved here from ``web/pages/alerts.py`` (issue 11)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Forbidden, NotFound
from wageguard.monitoring import queries
from wageguard.monitoring.calendar import months_back
from wageguard.registry.choices import Role
from wageguard.web.deps import get_database, get_settings_dep, optional_principal
from wageguard.web.i18n import translate
from wageguard.web.pages import owed_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import clock_text, error_page, login_redirect, page_lang, render, today_local

router = APIRouter(include_in_schema=False)
_ = owed_text  # the import installs this page's messages in the shared catalogue
Caller = Annotated[Principal | None, Depends(optional_principal)]
READERS = (Role.INSPECTOR, Role.ADMIN, Role.ENTERPRISE)
MONTH_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 6
MAX_MONTHS = 24
_WHOLE = re.compile(r"\d{1,2}")


def _months(raw: str | None) -> int | None:
    """The months asked for (1–24), the default when not given, None when the value is not one."""
    if raw is None or raw == "":
        return DEFAULT_MONTHS
    if not _WHOLE.fullmatch(raw) or not 1 <= int(raw) <= MAX_MONTHS:
        return None
    return int(raw)


def _as_of(raw: str | None, today: date) -> date | None:
    """The as-of day asked for (not after today), today when not given, None when it is not a date."""
    if raw is None or raw == "":
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day <= today and len(raw) == 10 else None


def _refused(request: Request, principal: Principal, key: str, project_id: int) -> Response:
    message = translate(page_lang(request), key)
    ctx = {"message": message, "project_id": project_id, "month_choices": MONTH_CHOICES}
    return render(request, "projects/owed_refused.html", ctx, principal=principal, status_code=422)


@router.get("/projects/{project_id}/owed-wages")
def owed_page(
    request: Request,
    project_id: int,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    as_of: str | None = None,
    months: str | None = None,
) -> Response:
    """Does this project owe wages? Months × (attended, declared, paid, unpaid workers, amount owed)."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in READERS:
        return error_page(request, principal, Forbidden("inspectors, admins and the project's enterprises"))
    count = _months(months)
    if count is None:
        return _refused(request, principal, "owedw.bad_months", project_id)
    today = today_local(settings)
    day = _as_of(as_of, today)
    if day is None:
        return _refused(request, principal, "owedw.bad_as_of", project_id)
    at = day.isoformat() if as_of else clock_text(datetime.now(UTC), settings.timezone)
    with db.sessions() as session:
        try:
            rows = queries.project_owes(
                db_engine=db.engine,
                session=session,
                principal=principal,
                project_id=project_id,
                months=months_back(day, count),
                as_of=day,
                settings=settings,
            )
        except NotFound as exc:
            return error_page(request, principal, exc)
        code, name = queries.project_names(session=session, project_ids=[project_id])[project_id]
    totals = {k: sum(int(r[k]) for r in rows) for k in queries.OWES_COLUMNS}
    ctx = {
        "rows": rows,
        "totals": totals,
        "project_id": project_id,
        "code": code,
        "name": name,
        "at": at,
        "as_of": as_of or "",
        "months": count,
        "month_choices": sorted({*MONTH_CHOICES, count}),
        "yuan": yuan,
    }
    return render(request, "projects/owed.html", ctx, principal=principal)
