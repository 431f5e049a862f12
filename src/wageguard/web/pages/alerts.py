"""Alert pages: one alert (evidence in words, timeline, actions as plain HTML forms protected by the
signed double-submit CSRF token; the enterprise of its project answers it with a note and an attachment,
which the inspector sees), and "does this project owe wages?". The inbox is ``inbox.py``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal, region_prefix
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, Forbidden, NotFound, ValidationFailed, WageGuardError
from wageguard.monitoring import queries, service
from wageguard.monitoring.choices import AlertStatus, EventAction
from wageguard.monitoring.rules import catalogue, describe_rule
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web import csrf
from wageguard.web.deps import get_database, get_protector, get_session, get_settings_dep, optional_principal
from wageguard.web.pages import alerts_text
from wageguard.web.pages.alerts_view import Names, actor, evidence_view, ids_of, line_details, show, yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render
from wageguard.web.uploads import safe_filename

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
        "rules": {r.code: (r.title_en if en else r.title_zh) for r in catalogue()},
        "yuan": yuan,
        "csrf": csrf.token_for(request),
    }
    return render(request, name, {**base, **ctx}, principal=principal, status_code=status)


def _viewer(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect or a 403 page unless the caller may open an alert page (inspectors and admins act;
    an enterprise sees and answers the alerts on its own projects; others have no alert pages)."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.INSPECTOR, Role.ADMIN, Role.ENTERPRISE):
        return error_page(request, principal, Forbidden("no alert pages for this role"))
    return None


def _names(session: Session, alert: Any, lines: list[queries.WorkerLine]) -> Names:
    """Names for the ids in the alert's evidence and its workers' lines, read once."""
    pieces: list[Any] = [alert.evidence, *[line.evidence for line in lines]]
    found = queries.evidence_names(
        session=session,
        worker_ids={int(i) for i in ids_of(pieces, "worker_id") if isinstance(i, int)},
        team_ids={int(i) for i in ids_of(pieces, "team_id") if isinstance(i, int)},
        project_ids={int(i) for i in ids_of(pieces, "project_id") if isinstance(i, int)},
        region_codes={alert.region_code, *[str(c) for c in ids_of(pieces, "region_code")]},
    )
    return Names(found.workers, found.teams, found.projects, found.regions)


def _detail(
    request: Request, principal: Principal, session: Session, alert_id: int, **extra: Any
) -> Response:
    try:
        alert, events, names = queries.get_alert(session=session, principal=principal, alert_id=alert_id)
    except NotFound as exc:
        return error_page(request, principal, exc)
    lang = page_lang(request)
    acts = principal.role in (Role.INSPECTOR, Role.ADMIN)
    status = AlertStatus(alert.status)
    actions = [a.value for a in FORM_ACTIONS if status in service.ALLOWED[a]] if acts else []
    rule = describe_rule(alert.rule_code)
    lines = queries.alert_workers(session=session, principal=principal, alert_id=alert_id)
    known = _names(session, alert, lines)
    attachments = queries.alert_attachments(session=session, principal=principal, alert_id=alert_id)
    answers = [e for e in events if e.action == EventAction.RESPONDED.value]
    people = queries.display_names(session=session, usernames={e.actor for e in events})
    inspectors = [  # those who may take this alert: their region covers the alert's (as the service checks)
        i
        for i in (queries.region_inspectors(session=session, principal=principal) if acts else [])
        if i.region_code and alert.region_code.startswith(region_prefix(i.region_code))
    ]
    ctx = {
        "alert": alert,
        "events": events,
        "names": names,
        "rule": rule,
        "basis": rule.basis_en if lang == "en" and rule.basis_en else rule.basis,
        "region_name": known.regions.get(alert.region_code, alert.region_code),
        "evidence": evidence_view(alert.evidence, lang, known),
        "lines": lines,
        "line_status": lambda line: show("status", line.evidence.get("status"), lang),
        "line_details": lambda line: line_details(line.evidence, lang, known),
        "actor": lambda name: people.get(name) or actor(name, lang),
        "raised_seen": any(e.action == EventAction.RAISED.value for e in events),
        "actions": actions,
        "acts": acts,
        "answers": answers,
        "attachments": attachments,
        "may_answer": principal.role in (Role.ENTERPRISE, Role.ADMIN),
        "inspectors": inspectors,
        "max_mb": service.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "error": None,
        "problems": [],
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
    """One alert: its figures, evidence in words, timeline, the enterprise's answers, and the actions its
    status allows (inspectors) or the answer form (the enterprise of its project)."""
    if (denied := _viewer(request, principal)) is not None:
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
    assignee_user_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Apply one lifecycle action from the detail page's forms, then show the alert again (303). The
    assignee is picked from the region's inspectors (checked again in the service)."""
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
        if chosen is EventAction.ASSIGNED and not assignee_user_id.isdigit():
            raise ValidationFailed("assignee required", message_zh="请指定处理人")
        with db.transaction() as session:
            service.act_on_alert(
                session=session,
                principal=principal,
                alert_id=alert_id,
                action=chosen,
                note=note.strip() or None,
                assignee_user_id=int(assignee_user_id) if assignee_user_id.isdigit() else None,
            )
    except NotFound as exc:
        return error_page(request, principal, exc)
    except (Conflict, ValidationFailed, ValueError) as exc:
        key, code = _message_key(exc if isinstance(exc, WageGuardError) else ValidationFailed(str(exc)))
        with db.sessions() as session:
            return _detail(request, principal, session, alert_id, error=key, status=code)
    return RedirectResponse(f"/alerts/{alert_id}?done={chosen.value}", status_code=303)


@router.post("/alerts/{alert_id}/answer")
def alert_answer(
    request: Request,
    alert_id: int,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    protector: Annotated[Protector, Depends(get_protector)],
    note: Annotated[str, Form(max_length=2000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The enterprise answers an alert on its project: a note and perhaps a file (PDF / JPEG / PNG by its
    content), recorded in the alert's history (303 back to the alert)."""
    if (denied := _viewer(request, principal)) is not None:
        return denied
    assert principal is not None
    attachment = None
    if file is not None and file.filename:
        data = file.file.read(service.ATTACHMENT_MAX_BYTES + 1)
        attachment = service.AttachmentIn(safe_filename(file.filename), data)
    try:
        with db.transaction() as session:
            service.answer_alert(
                session=session,
                principal=principal,
                protector=protector,
                alert_id=alert_id,
                note=note,
                attachment=attachment,
            )
    except NotFound as exc:
        return error_page(request, principal, exc)
    except ValidationFailed as exc:
        with db.sessions() as session:
            return _detail(
                request,
                principal,
                session,
                alert_id,
                error="alerts.answer_refused",
                problems=exc.problems,
                status=422,
            )
    return RedirectResponse(f"/alerts/{alert_id}?done={EventAction.RESPONDED.value}", status_code=303)


@router.get("/alerts/{alert_id}/attachments/{attachment_id}")
def alert_attachment(
    request: Request,
    alert_id: int,
    attachment_id: int,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    protector: Annotated[Protector, Depends(get_protector)],
) -> Response:
    """One attachment, decrypted, under the type its content was sniffed as (never the uploader's), as a
    download; every view is audited and nothing is cached."""
    if (denied := _viewer(request, principal)) is not None:
        return denied
    assert principal is not None
    try:
        with db.transaction() as session:
            out = service.view_alert_attachment(
                session=session,
                principal=principal,
                protector=protector,
                alert_id=alert_id,
                attachment_id=attachment_id,
            )
    except NotFound as exc:
        return error_page(request, principal, exc)
    stem = out.filename.rsplit(".", 1)[0] or "attachment"
    name = stem + service.SUFFIX[out.content_type]
    headers = {
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'attachment; filename="attachment{service.SUFFIX[out.content_type]}"; '
        f"filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(out.data, media_type=out.content_type, headers=headers)
