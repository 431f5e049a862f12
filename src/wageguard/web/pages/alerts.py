"""Inspector pages for alerts: the inbox of one's region, one alert (evidence, history, actions as plain
HTML forms protected by a signed double-submit CSRF token), and "does this project owe wages?"."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, Forbidden, NotFound, ValidationFailed, WageGuardError
from wageguard.monitoring import queries, service
from wageguard.monitoring.calendar import months_back
from wageguard.monitoring.choices import AlertStatus, EventAction
from wageguard.monitoring.rules import all_rules
from wageguard.registry.choices import Role
from wageguard.web import csrf
from wageguard.web.deps import get_database, get_session, get_settings_dep, optional_principal
from wageguard.web.pages import alerts_text
from wageguard.web.pages.alerts_view import evidence_view, show, yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
FORM_ACTIONS = list(service.ALLOWED)
ACTION_VALUES = {a.value for a in EventAction}
_ = alerts_text  # the import installs this page's messages in the shared catalogue


def _deny(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect or a 403 page unless the caller is an inspector or admin."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.INSPECTOR, Role.ADMIN):
        return error_page(request, principal, Forbidden("inspectors only"))
    return None


def _page(
    request: Request, principal: Principal, name: str, ctx: dict[str, Any], status: int = 200
) -> Response:
    """Render with the rule titles, money formatting and a CSRF token bound to this browser's cookie."""
    en = page_lang(request) == "en"
    base = {
        "rules": {r.code: (r.title_en if en else r.title_zh) for r in all_rules()},
        "yuan": yuan,
        "csrf": csrf.token_for(request),
    }
    return render(request, name, {**base, **ctx}, principal=principal, status_code=status)


def _detail(
    request: Request, principal: Principal, session: Session, alert_id: int, **extra: Any
) -> Response:
    try:
        alert, events, names = queries.get_alert(session=session, principal=principal, alert_id=alert_id)
    except NotFound as exc:
        return error_page(request, principal, exc)
    status = AlertStatus(alert.status)
    actions = [a.value for a in FORM_ACTIONS if status in service.ALLOWED[a]]
    rule = next(r for r in all_rules() if r.code == alert.rule_code)
    ctx = {
        "alert": alert,
        "events": events,
        "names": names,
        "rule": rule,
        "evidence": evidence_view(alert.evidence, page_lang(request)),
        "lines": queries.alert_workers(session=session, principal=principal, alert_id=alert_id),
        "line_status": lambda line: show("status", line.evidence.get("status"), page_lang(request)),
        "actions": actions,
        "error": None,
        "done": None,
        **extra,
    }
    code = 200 if ctx["error"] is None else int(extra.get("status", 422))
    ctx.pop("status", None)
    return _page(request, principal, "alerts/detail.html", ctx, code)


@router.get("/alerts/{alert_id}")
def alert_page(
    request: Request, alert_id: int, principal: Caller, session: DbSession, done: str = ""
) -> Response:
    """One alert: its figures, evidence rows, history and the actions its status allows."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    return _detail(request, principal, session, alert_id, done=done if done in ACTION_VALUES else None)


def _message_key(exc: WageGuardError) -> tuple[str, int]:
    if isinstance(exc, Conflict):
        return "alerts.conflict", 409
    if "assignee" in str(exc):
        return "alerts.assignee_missing", 422
    return "alerts.note_missing", 422


@router.post("/alerts/{alert_id}/act")
def alert_act(
    request: Request,
    alert_id: int,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    action: Annotated[str, Form(max_length=24)],
    token: Annotated[str, Form(alias="csrf", max_length=400)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    assignee_name: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Apply one lifecycle action from the detail page's forms, then show the alert again (303)."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    if not csrf.check(settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), token):
        with db.sessions() as session:
            return _detail(request, principal, session, alert_id, error="alerts.csrf", status=403)
    try:
        chosen = EventAction(action)
        if chosen not in service.ALLOWED:
            raise ValidationFailed(f"unknown action {action}")
        with db.transaction() as session:
            service.act_on_alert(
                session=session,
                principal=principal,
                alert_id=alert_id,
                action=chosen,
                note=note.strip() or None,
                assignee_name=assignee_name.strip() or None,
            )
    except NotFound as exc:
        return error_page(request, principal, exc)
    except (Conflict, ValidationFailed, ValueError) as exc:
        key, code = _message_key(exc if isinstance(exc, WageGuardError) else ValidationFailed(str(exc)))
        with db.sessions() as session:
            return _detail(request, principal, session, alert_id, error=key, status=code)
    return RedirectResponse(f"/alerts/{alert_id}?done={chosen.value}", status_code=303)


@router.get("/projects/{project_id}/owed-wages")
def owed_page(
    request: Request,
    project_id: int,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    as_of: date | None = None,
    months: Annotated[int, Query(ge=1, le=24)] = 6,
) -> Response:
    """Does this project owe wages? Months × (attended, declared, paid, unpaid workers, amount owed)."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    day = as_of or date.today()
    with db.sessions() as session:
        try:
            rows = queries.project_owes(
                db_engine=db.engine,
                session=session,
                principal=principal,
                project_id=project_id,
                months=months_back(day, months),
                as_of=day,
                settings=settings,
            )
        except NotFound as exc:
            return error_page(request, principal, exc)
        code, name = queries.project_names(session=session, project_ids=[project_id])[project_id]
    totals = {k: sum(int(r[k]) for r in rows) for k in queries.OWES_COLUMNS}
    ctx = {"rows": rows, "totals": totals, "project_id": project_id, "code": code, "name": name, "day": day}
    return _page(request, principal, "alerts/owed.html", ctx)
