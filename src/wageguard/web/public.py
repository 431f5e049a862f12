"""Public pages for workers (no login, no JavaScript): the complaint form, the receipt, the status look-up,
and the project's QR code and notice board.

Abuse resistance: CSRF (signed double-submit), a honeypot field, per-IP limits (in process) and per-phone
limits (in the database), a request-size cap and photo checks. Nothing here reveals another complaint or any
personal data: a status look-up needs the tracking code *and* the phone number, and shows only the state.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from wageguard.auth.scope import Principal
from wageguard.complaints import csrf
from wageguard.complaints.noticeboard import notice_board_pdf
from wageguard.complaints.qr import complaint_url, qr_png, qr_svg
from wageguard.complaints.queries import PublicProject, counties, public_project, public_status
from wageguard.complaints.ratelimit import RateLimiter
from wageguard.complaints.schemas import FORM_FIELDS, PhotoIn, parse_complaint_form
from wageguard.complaints.service import Receipt, new_tracking_code, photo_problems, submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, NotFound, Problem, Unauthenticated, ValidationFailed
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector
from wageguard.web.deps import get_database, get_protector, get_settings_dep, optional_principal
from wageguard.workdays import china_today

router = APIRouter(tags=["complaints-public"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEXT_PART_MAX = 64 * 1024


@dataclass
class FormState:
    """What the form page shows: the values typed so far and the messages beside each field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    banner: str | None = None
    idem: str = field(default_factory=lambda: secrets.token_hex(16))
    had_photos: bool = False

    def add(self, problems: list[Problem]) -> None:
        for p in problems:
            self.errors.setdefault(p.field if p.field in (*FORM_FIELDS, "photos") else "_", []).append(
                p.message_zh
            )
        if "_" in self.errors:
            self.banner = "；".join(self.errors.pop("_"))


def _limiter(request: Request, name: str) -> RateLimiter:
    settings: Settings = request.app.state.settings
    attr = f"complaint_limiter_{name}"
    if not hasattr(request.app.state, attr):
        setattr(request.app.state, attr, RateLimiter(settings.complaint_rate_per_ip_per_hour, 3600))
    limiter: RateLimiter = getattr(request.app.state, attr)
    return limiter


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a page, (re)issuing the CSRF cookie the page's forms are signed against."""
    settings: Settings = request.app.state.settings
    cookie = request.cookies.get(csrf.CSRF_COOKIE) or csrf.new_cookie_value()
    context = {**context, "csrf": csrf.form_token(settings.session_secret, cookie)}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.set_cookie(csrf.CSRF_COOKIE, cookie, httponly=True, samesite="lax", max_age=csrf.MAX_AGE_S)
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(request: Request, title: str, message: str, status_code: int) -> Response:
    return _render(request, "complaints/message.html", {"title": title, "message": message}, status_code)


def _form_page(
    request: Request, db: Database, project: PublicProject | None, state: FormState, status_code: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    with db.sessions() as session:
        county_list = [] if project else counties(session)
    context = {
        "project": project,
        "counties": county_list,
        "action": f"/c/{project.project_code}" if project else "/c/",
        "values": state.values,
        "errors": state.errors,
        "banner": state.banner,
        "idem": state.idem,
        "had_photos": state.had_photos,
        "photos_max": settings.complaint_photos_max,
        "photo_mb": f"{settings.complaint_photo_max_bytes / 1_000_000:g}",
    }
    return _render(request, "complaints/form.html", context, status_code)


def _project_or_none(db: Database, project_code: str | None) -> PublicProject | None:
    if not project_code:
        return None
    with db.sessions() as session:
        return public_project(session, project_code)


@router.get("/c/status")
def status_page(request: Request, code: str = "") -> Response:
    return _render(request, "complaints/status.html", {"code": code[:16], "status": None, "banner": None})


@router.post("/c/status")
async def status_lookup(
    request: Request, db: Database = Depends(get_database), protector: Protector = Depends(get_protector)
) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=1024)
    code, phone = str(form.get("code") or "")[:16], str(form.get("phone") or "")[:20]
    settings: Settings = request.app.state.settings
    context: dict[str, Any] = {"code": code, "status": None, "banner": None}
    if not csrf.check(
        settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), str(form.get("csrf") or "")
    ):
        context["banner"] = "页面已过期，请重新查询"
        return _render(request, "complaints/status.html", context, 403)
    if not _limiter(request, "status").hit(_client_ip(request)):
        context["banner"] = "查询过于频繁，请稍后再试"
        return _render(request, "complaints/status.html", context, 429)

    def lookup() -> Any:
        with db.sessions() as session:
            return public_status(session, protector, tracking_code=code, phone=phone)

    context["status"] = await run_in_threadpool(lookup)
    if context["status"] is None:
        context["banner"] = "未找到匹配的投诉，请核对查询码和手机号"
    return _render(request, "complaints/status.html", context, 200 if context["status"] else 404)


@router.get("/c/")
def blank_form(request: Request, db: Database = Depends(get_database)) -> Response:
    return _form_page(request, db, None, FormState())


@router.get("/c/{project_code}")
def project_form(project_code: str, request: Request, db: Database = Depends(get_database)) -> Response:
    try:
        project = _project_or_none(db, project_code)
    except NotFound as exc:
        return _message(request, "未找到项目", exc.message_zh, 404)
    return _form_page(request, db, project, FormState())


def _photos(form: FormData) -> list[PhotoIn]:
    return [
        PhotoIn(
            filename=item.filename or "photo", content_type=item.content_type or "", data=item.file.read()
        )
        for item in form.getlist("photos")
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


async def _read_form(request: Request, settings: Settings) -> FormData | None:
    cap = settings.complaint_photos_max * settings.complaint_photo_max_bytes + 256 * 1024
    if int(request.headers.get("content-length") or 0) > cap:
        return None
    try:
        return await request.form(
            max_files=settings.complaint_photos_max + 1, max_fields=40, max_part_size=TEXT_PART_MAX
        )
    except StarletteHTTPException:
        return None


async def _submit(request: Request, db: Database, protector: Protector, project_code: str | None) -> Response:
    settings: Settings = request.app.state.settings
    try:
        project = await run_in_threadpool(_project_or_none, db, project_code)
    except NotFound as exc:
        return _message(request, "未找到项目", exc.message_zh, 404)
    form = await _read_form(request, settings)
    if form is None:
        return _message(
            request, "提交内容过大", "提交内容过大：照片最多3张、每张不超过规定大小，请返回重试", 413
        )
    try:
        return await _handle(request, db, protector, project, form)
    finally:
        await form.close()


async def _handle(
    request: Request, db: Database, protector: Protector, project: PublicProject | None, form: FormData
) -> Response:
    settings: Settings = request.app.state.settings
    project_code = project.project_code if project else None
    state = FormState(values={k: str(form.get(k) or "")[:2000] for k in FORM_FIELDS})
    state.idem = str(form.get("idem") or "") or state.idem
    if form.get("website"):  # honeypot: only robots fill the hidden field; store nothing
        return _render(request, "complaints/receipt.html", _receipt_ctx(settings, new_tracking_code()))
    if not csrf.check(
        settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), str(form.get("csrf") or "")
    ):
        state.banner = "页面已过期（安全校验未通过），您填写的内容已保留，请再次提交"
        return _form_page(request, db, project, state, 403)
    if not _limiter(request, "submit").hit(_client_ip(request)):
        state.banner = "提交过于频繁，请稍后再试，或拨打12333"
        return _form_page(request, db, project, state, 429)
    photos = _photos(form)
    state.had_photos = bool(photos)
    data, problems = parse_complaint_form(state.values, today=china_today(), need_region=project is None)
    problems += photo_problems(photos, settings)
    if data is None or problems:
        state.add(problems)
        return _form_page(request, db, project, state, 422)
    try:
        receipt: Receipt = await run_in_threadpool(
            lambda: submit_complaint(
                db=db,
                protector=protector,
                settings=settings,
                form=data,
                photos=photos,
                idem_token=state.idem,
                project_code=project_code,
            )
        )
    except ValidationFailed as exc:
        state.add(exc.problems)
        return _form_page(request, db, project, state, 422)
    except Conflict as exc:
        state.banner, state.idem = exc.message_zh, secrets.token_hex(16)
        return _form_page(request, db, project, state, 409)
    return _render(request, "complaints/receipt.html", _receipt_ctx(settings, receipt.tracking_code))


def _receipt_ctx(settings: Settings, code: str) -> dict[str, Any]:
    return {"tracking_code": code, "accept_days": settings.complaint_accept_working_days}


@router.post("/c/")
async def submit_blank(
    request: Request, db: Database = Depends(get_database), protector: Protector = Depends(get_protector)
) -> Response:
    return await _submit(request, db, protector, None)


@router.post("/c/{project_code}")
async def submit_for_project(
    project_code: str,
    request: Request,
    db: Database = Depends(get_database),
    protector: Protector = Depends(get_protector),
) -> Response:
    return await _submit(request, db, protector, project_code)


def _project_url(db: Database, settings: Settings, project_code: str) -> str:
    with db.sessions() as session:
        public_project(session, project_code)
    return complaint_url(settings.public_base_url, project_code)


@router.get("/c/{project_code}/qr.svg")
def qr_code_svg(
    project_code: str, db: Database = Depends(get_database), settings: Settings = Depends(get_settings_dep)
) -> Response:
    return Response(qr_svg(_project_url(db, settings, project_code)), media_type="image/svg+xml")


@router.get("/c/{project_code}/qr.png")
def qr_code_png(
    project_code: str, db: Database = Depends(get_database), settings: Settings = Depends(get_settings_dep)
) -> Response:
    return Response(qr_png(_project_url(db, settings, project_code)), media_type="image/png")


@router.get("/c/{project_code}/notice-board.pdf")
def notice_board(
    project_code: str,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    principal: Principal | None = Depends(optional_principal),
) -> Response:
    """The printable notice board: for staff only (printing is costly), inspectors of the region or the
    project's enterprises."""
    if principal is None:
        raise Unauthenticated("login required")
    with db.sessions() as session:
        visible = session.scalar(
            select(Project.id).where(
                Project.project_code == project_code,
                principal.project_clause(Project.id, Project.region_code),
            )
        )
        if visible is None:
            raise NotFound(f"project {project_code}", message_zh="项目不存在")
        pdf = notice_board_pdf(session, settings, project_code)
    headers = {"Content-Disposition": f'attachment; filename="notice-board-{project_code}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
