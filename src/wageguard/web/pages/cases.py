"""Inspector pages for complaint cases (server-rendered, Chinese, region-scoped): list, detail, actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import TemplateNotFound
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.complaints import csrf
from wageguard.complaints.choices import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    OVERDUE_LABELS,
    STATE_LABELS,
    TRANSITIONS,
    CaseAction,
    CaseState,
    Outcome,
)
from wageguard.complaints.queries import get_case, list_cases
from wageguard.complaints.service import act_on_case
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wageguard.monitoring.choices import LEVEL_ZH, STATUS_ZH
from wageguard.monitoring.queries import ProjectAlert, open_alerts_for_project
from wageguard.registry.choices import Role
from wageguard.validation import format_fen
from wageguard.web.deps import get_database, get_session, get_settings_dep, optional_principal
from wageguard.workdays import china_today, load_calendar

router = APIRouter(tags=["case-pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.filters["yuan"] = format_fen
LABELS = {
    "states": STATE_LABELS,
    "outcomes": OUTCOME_LABELS,
    "overdue": OVERDUE_LABELS,
    "action_labels": ACTION_LABELS,
    "alert_levels": {lv.value: zh for lv, zh in LEVEL_ZH.items()},
    "alert_statuses": {st.value: zh for st, zh in STATUS_ZH.items()},
}


def _layout() -> str:
    """The shared base layout when the pages slice provides one, else this slice's own."""
    try:
        templates.env.get_template("base.html")
    except TemplateNotFound:
        return "cases/_layout.html"
    return "base.html"


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _page(
    request: Request, principal: Principal, name: str, context: dict[str, Any], status: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    cookie = request.cookies.get(csrf.CSRF_COOKIE) or csrf.new_cookie_value()
    context = {
        **context,
        **LABELS,
        "layout": _layout(),
        "principal": principal,
        "csrf": csrf.form_token(settings.session_secret, cookie),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.set_cookie(csrf.CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=csrf.MAX_AGE_S)
    return response


def _allowed(principal: Principal | None) -> bool:
    return principal is not None and principal.role in (Role.ADMIN, Role.INSPECTOR)


@router.get("/cases")
def case_list_page(
    request: Request,
    state: str = "",
    escalated: bool = False,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if principal is None:
        return _login_redirect(request)
    if not _allowed(principal):
        raise Forbidden("inspectors only", message_zh="仅劳动保障监察员可查看投诉案件")
    result = list_cases(
        session,
        principal,
        today=china_today(),
        calendar=load_calendar(session),
        settings=settings,
        state=state or None,
        escalated_only=escalated,
        limit=200,
    )
    context = {"result": result, "state": state, "escalated": escalated}
    return _page(request, principal, "cases/list.html", context)


def _detail(
    request: Request, principal: Principal, case_id: int, session: Session, settings: Settings, **extra: Any
) -> Response:
    case = get_case(
        session, principal, case_id, today=china_today(), calendar=load_calendar(session), settings=settings
    )
    actions = [a for a, (sources, _) in TRANSITIONS.items() if CaseState(case.state) in sources]
    if case.extended:
        actions = [a for a in actions if a is not CaseAction.EXTEND]
    alerts: list[ProjectAlert] = []
    if case.project_id is not None:
        alerts = open_alerts_for_project(session=session, principal=principal, project_id=case.project_id)
    context = {"case": case, "actions": actions, "outcome_choices": list(Outcome), "alerts": alerts, **extra}
    return _page(request, principal, "cases/detail.html", context, extra.pop("status", 200))


@router.get("/cases/{case_id}")
def case_detail_page(
    case_id: int,
    request: Request,
    done: str = "",
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if principal is None:
        return _login_redirect(request)
    if not _allowed(principal):
        raise Forbidden("inspectors only", message_zh="仅劳动保障监察员可查看投诉案件")
    return _detail(request, principal, case_id, session, settings, done=ACTION_LABELS.get(done))


@router.post("/cases/{case_id}/act")
async def case_act(
    case_id: int,
    request: Request,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if principal is None:
        return _login_redirect(request)
    if not _allowed(principal):
        raise Forbidden("inspectors only", message_zh="仅劳动保障监察员可处理投诉案件")
    form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    token, cookie = str(form.get("csrf") or ""), request.cookies.get(csrf.CSRF_COOKIE)
    error: str | None = None
    if not csrf.check(settings.session_secret, cookie, token):
        error = "页面已过期（安全校验未通过），请重试"
    else:
        error = _run_action(db, settings, principal, case_id, dict(form))
    if error is None:
        return RedirectResponse(f"/cases/{case_id}?done={form.get('action')}", status_code=303)
    with db.sessions() as session:
        return _detail(request, principal, case_id, session, settings, error=error, status=422)


def _run_action(
    db: Database, settings: Settings, principal: Principal, case_id: int, form: dict[str, Any]
) -> str | None:
    """Apply the posted action; the Chinese error message when it is refused."""
    try:
        action = CaseAction(str(form.get("action") or ""))
        outcome = Outcome(str(form["outcome"])) if form.get("outcome") else None
        act_on_case(
            db=db,
            principal=principal,
            settings=settings,
            case_id=case_id,
            action=action,
            reason=str(form.get("reason") or ""),
            outcome=outcome,
        )
    except ValueError:
        return "未知的操作"
    except ValidationFailed as exc:
        return "；".join(p.message_zh for p in exc.problems) or exc.message_zh
    except (Conflict, Forbidden, NotFound) as exc:
        return exc.message_zh
    return None
