"""Inspector pages for complaint cases (server-rendered, Chinese or English, region-scoped): list, detail,
actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.complaints.case_handling import act_on_case, assign_case
from wageguard.complaints.choices import (
    OPEN_STATES,
    STATE_LABELS,
    TRANSITIONS,
    CaseAction,
    CaseState,
    Outcome,
)
from wageguard.complaints.queries import (
    case_assignees,
    counties_in_scope,
    get_case,
    list_cases,
    project_for_cases,
)
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wageguard.monitoring.queries import ProjectAlert, open_alerts_for_project
from wageguard.monitoring.rules import catalogue
from wageguard.registry.choices import Role
from wageguard.web import csrf
from wageguard.web.deps import get_database, get_protector, get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import error_message, translate
from wageguard.web.pages import cases_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render, today_local
from wageguard.workdays import load_calendar

router = APIRouter(tags=["case-pages"], include_in_schema=False)
_ = cases_text  # the import installs this page family's messages in the shared catalogue
ACTIONS = {a.value for a in CaseAction} | {"assign"}
SORTS = ("received", "deadline")


def _page(
    request: Request, principal: Principal, name: str, context: dict[str, Any], status: int = 200
) -> Response:
    """Render in the page language with money formatting and a CSRF token bound to this browser's cookie."""
    en = page_lang(request) == "en"
    context = {
        **context,
        "states": list(STATE_LABELS),
        "yuan": yuan,
        "rule_titles": {r.code: (r.title_en if en else r.title_zh) for r in catalogue()},
        "countdown": lambda days_left: cases_text.countdown(page_lang(request), days_left),
        "csrf": csrf.token_for(request),
    }
    return render(request, name, context, principal=principal, status_code=status)


def _denied(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect or a 403 page unless the caller is an inspector or admin."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.ADMIN, Role.INSPECTOR):
        return error_page(request, principal, Forbidden("inspectors only"))
    return None


@router.get("/cases")
def case_list_page(
    request: Request,
    state: str = "",
    escalated: bool = False,
    county: str = "",
    mine: bool = False,
    sort: str = "received",
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if (denied := _denied(request, principal)) is not None:
        return denied
    assert principal is not None
    county_choices = counties_in_scope(session, principal)
    county = county if county in dict(county_choices) else ""
    sort = sort if sort in SORTS else "received"
    result = list_cases(
        session,
        principal,
        today=today_local(settings),
        calendar=load_calendar(session),
        settings=settings,
        state=state or None,
        escalated_only=escalated,
        county=county or None,
        assignee_user_id=(principal.user_id or -1) if mine else None,
        sort=sort,
        limit=200,
    )
    context = {
        "result": result,
        "state": state,
        "escalated": escalated,
        "county": county,
        "counties": county_choices,
        "mine": mine,
        "sort": sort,
        "sorts": SORTS,
    }
    return _page(request, principal, "cases/list.html", context)


@router.get("/projects/{project_id}/complaints")
def project_cases_page(
    project_id: int,
    request: Request,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    """Every complaint about one project (inspectors of its region and admins; enterprises do not see
    complaints: the site's 403 page)."""
    if (denied := _denied(request, principal)) is not None:
        return denied
    assert principal is not None
    try:
        project = project_for_cases(session, principal, project_id)
    except NotFound as exc:
        return error_page(request, principal, exc)
    result = list_cases(
        session,
        principal,
        today=today_local(settings),
        calendar=load_calendar(session),
        settings=settings,
        project_id=project.id,
        limit=500,
    )
    return _page(request, principal, "cases/project.html", {"project": project, "result": result})


def _detail(
    request: Request,
    principal: Principal,
    case_id: int,
    session: Session,
    settings: Settings,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    try:
        case = get_case(
            session,
            principal,
            case_id,
            today=today_local(settings),
            calendar=load_calendar(session),
            settings=settings,
            protector=get_protector(request),
        )
    except NotFound as exc:
        return error_page(request, principal, exc)
    assignees = case_assignees(session, case.region_code)
    actions = [a for a, (sources, _) in TRANSITIONS.items() if CaseState(case.state) in sources]
    if case.extended:
        actions = [a for a in actions if a is not CaseAction.EXTEND]
    alerts: list[ProjectAlert] = []
    if case.project_id is not None:
        alerts = open_alerts_for_project(session=session, principal=principal, project_id=case.project_id)
    context = {
        "case": case,
        "actions": actions,
        "outcome_choices": list(Outcome),
        "alerts": alerts,
        "assignees": assignees,
        "can_assign": CaseState(case.state) in OPEN_STATES,
        **extra,
    }
    return _page(request, principal, "cases/detail.html", context, status)


@router.get("/cases/{case_id}")
def case_detail_page(
    case_id: int,
    request: Request,
    done: str = "",
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if (denied := _denied(request, principal)) is not None:
        return denied
    assert principal is not None
    done = done if done in ACTIONS else ""
    return _detail(request, principal, case_id, session, settings, done=done)


@router.post("/cases/{case_id}/act")
async def case_act(
    case_id: int,
    request: Request,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    if (denied := _denied(request, principal)) is not None:
        return denied
    assert principal is not None
    form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    token, cookie = str(form.get("csrf") or ""), request.cookies.get(csrf.CSRF_COOKIE)
    lang = page_lang(request)
    if not csrf.check(settings.session_secret, cookie, token):
        error: str | None = translate(lang, "case.csrf")
    else:  # the write (and any read after it) in the thread pool: a lock wait never holds the event loop
        error = await run_in_threadpool(_run_action, db, settings, principal, case_id, dict(form), lang)
    if error is None:
        return RedirectResponse(f"/cases/{case_id}?done={form.get('action')}", status_code=303)
    return await run_in_threadpool(_refused_page, request, db, principal, case_id, settings, error)


@router.post("/cases/{case_id}/assign")
async def case_assign(
    case_id: int,
    request: Request,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    """Assign the case to the inspector picked in the form's list (checked again in the service)."""
    if (denied := _denied(request, principal)) is not None:
        return denied
    assert principal is not None
    form = await request.form(max_files=0, max_fields=10, max_part_size=1024)
    token, cookie = str(form.get("csrf") or ""), request.cookies.get(csrf.CSRF_COOKIE)
    lang = page_lang(request)
    if not csrf.check(settings.session_secret, cookie, token):
        error: str | None = translate(lang, "case.csrf")
    else:
        error = await run_in_threadpool(
            _run_assign, db, principal, case_id, str(form.get("assignee") or ""), lang
        )
    if error is None:
        return RedirectResponse(f"/cases/{case_id}?done=assign", status_code=303)
    return await run_in_threadpool(_refused_page, request, db, principal, case_id, settings, error)


def _run_assign(db: Database, principal: Principal, case_id: int, assignee: str, lang: str) -> str | None:
    if not assignee.isdigit() or len(assignee) > 12:
        return translate(lang, "case.assignee_required")
    try:
        assign_case(db=db, principal=principal, case_id=case_id, assignee_user_id=int(assignee))
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        return error_message(lang, exc)
    return None


def _refused_page(
    request: Request, db: Database, principal: Principal, case_id: int, settings: Settings, error: str
) -> Response:
    with db.sessions() as session:
        return _detail(request, principal, case_id, session, settings, error=error, status=422)


def _run_action(
    db: Database, settings: Settings, principal: Principal, case_id: int, form: dict[str, Any], lang: str
) -> str | None:
    """Apply the posted action; the reason in the page language when it is refused."""
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
        return translate(lang, "case.unknown_action")
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        return error_message(lang, exc)
    return None
