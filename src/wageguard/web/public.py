"""Public pages for workers (no login, no JavaScript): the complaint form, the receipt, the status look-up,
and the project's QR code and notice board.

Abuse resistance: CSRF (signed double-submit), a honeypot field, per-client-address and per-phone limits
(in the shared counter store: Redis, else the database), a request-size cap and photo checks. Nothing here
reveals another complaint or any personal data: a status look-up needs the tracking code *and* the phone
number, and shows only the state.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from wageguard.auth.scope import Principal
from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.noticeboard import notice_board_pdf
from wageguard.complaints.qr import complaint_url, qr_png, qr_svg
from wageguard.complaints.queries import PublicProject, counties, public_project, public_status, queued_status
from wageguard.complaints.ratelimit import RateLimiter
from wageguard.complaints.schemas import FORM_FIELDS, PhotoIn, parse_complaint_form
from wageguard.complaints.service import (
    RETRY_AFTER_S,
    Receipt,
    check_accepting,
    new_tracking_code,
    photo_problems,
    submit_complaint,
)
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Busy, Conflict, NotFound, Problem, TooLarge, Unauthenticated, ValidationFailed
from wageguard.registry.models import Project
from wageguard.security.counters import DatabaseCounterStore
from wageguard.security.crypto import Protector
from wageguard.web import csrf
from wageguard.web.deps import (
    client_address,
    counter_store_of,
    get_clock,
    get_database,
    get_protector,
    get_settings_dep,
    optional_principal,
)
from wageguard.web.i18n import LANG_COOKIE, LANGS, translate, translator
from wageguard.web.pages import cases_text, public_text
from wageguard.web.pages.render import ONE_YEAR_S, install_filters, page_lang, today_local
from wageguard.workdays import china_today, load_calendar

router = APIRouter(tags=["complaints-public"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
install_filters(templates)
TEXT_PART_MAX = 64 * 1024
_ = public_text  # the pages' messages are in the catalogue


@dataclass
class FormState:
    """What the form page shows: the values typed so far and the messages beside each field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    banner: str | None = None
    idem: str = field(default_factory=lambda: secrets.token_hex(16))
    had_photos: bool = False

    def add(self, problems: list[Problem], lang: str) -> None:
        """Put each problem's message, in the page language, beside its field (else in the banner)."""
        for p in problems:
            self.errors.setdefault(p.field if p.field in (*FORM_FIELDS, "photos") else "_", []).append(
                p.message_en if lang == "en" else p.message_zh
            )
        if "_" in self.errors:
            self.banner = ("; " if lang == "en" else "；").join(self.errors.pop("_"))


async def _within_ip_limit(request: Request, name: str, *, writes: bool = False) -> bool:
    """Count this request against its client address's hourly limit (shared by every worker). ``Busy`` when
    the database cannot take a write now and this request needs one (``writes``, or counters kept in the
    database)."""
    settings: Settings = request.app.state.settings
    limiter = RateLimiter(
        counter_store_of(request.app),
        f"complaint-{name}",
        limit=settings.complaint_rate_per_ip_per_hour,
        window=timedelta(hours=1),
        secret=settings.index_key_bytes,
        clock=get_clock(request),
    )

    def hit() -> bool:
        if writes or isinstance(limiter.store, DatabaseCounterStore):  # Busy at once while an import
            check_accepting(db=request.app.state.db)  # holds the write lock, not after a long wait
        try:
            return limiter.hit(client_address(request, settings))
        except OperationalError as exc:  # the database's counters behind a lock taken since the check
            raise Busy("counters busy", retry_after_s=RETRY_AFTER_S) from exc

    return await run_in_threadpool(hit)


def _busy(response: Response, busy: Busy) -> Response:
    """A "busy, try again" answer: 503 with ``Retry-After``."""
    response.headers["Retry-After"] = str(busy.retry_after_s)
    return response


_INTAKE_LOCK = threading.Lock()


def complaint_intake_of(app: Any) -> ComplaintIntake:
    """The app's durable complaint intake (``<var_dir>/intake/complaints.db``), made on first use."""
    intake: ComplaintIntake | None = getattr(app.state, "complaint_intake", None)
    if intake is None:
        with _INTAKE_LOCK:
            intake = getattr(app.state, "complaint_intake", None)
            if intake is None:
                intake = ComplaintIntake(app.state.settings.var_dir / "intake" / "complaints.db")
                app.state.complaint_intake = intake
    return intake


def _client_key(request: Request) -> str:
    """A keyed HMAC of the client address (the intake counts an address's complaints under it)."""
    settings: Settings = request.app.state.settings
    address = client_address(request, settings)
    return hmac.new(settings.index_key_bytes, f"complaint\0{address}".encode(), hashlib.sha256).hexdigest()[
        :40
    ]


async def _within_intake_limit(request: Request) -> bool:
    """The address's hourly limit while its counters cannot be written: what waits in the intake."""
    settings: Settings = request.app.state.settings
    since = get_clock(request)() - timedelta(hours=1)
    intake, key = complaint_intake_of(request.app), _client_key(request)
    waiting = await run_in_threadpool(lambda: intake.count_since(since=since, client_key=key))
    return waiting < settings.complaint_rate_per_ip_per_hour


def _t(request: Request, key: str, **values: Any) -> str:
    return translate(page_lang(request), key, **values)


def _switch_url(request: Request, lang: str, **params: str) -> str:
    """A plain GET link to this page (or the one ``params`` name) in the other language."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"} | params
    return f"{request.url.path}?{urlencode({**query, 'lang': 'zh' if lang == 'en' else 'en'})}"


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a page in the page language with the CSRF token its forms are signed with (the cookie it
    matches goes out with the response); ``?lang=`` is remembered in the ``lang`` cookie so that the form's
    POST answers in the same language."""
    lang = page_lang(request)
    context = {
        "switch_url": _switch_url(request, lang),
        **context,
        "csrf": csrf.token_for(request),
        "t": translator(lang),
        "lang": lang,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR_S, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(request: Request, key: str, status_code: int, **values: Any) -> Response:
    """A page with one message: title ``key``, text ``key_text``, in the page language."""
    context = {"title": _t(request, key), "message": _t(request, f"{key}_text", **values)}
    return _render(request, "complaints/message.html", context, status_code)


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


async def _form_page_async(
    request: Request, db: Database, project: PublicProject | None, state: FormState, status_code: int = 200
) -> Response:
    """``_form_page`` from an async route: its database read runs in the thread pool, not on the loop."""
    return await run_in_threadpool(_form_page, request, db, project, state, status_code)


def _project_or_none(db: Database, project_code: str | None) -> PublicProject | None:
    if not project_code:
        return None
    with db.sessions() as session:
        return public_project(session, project_code)


@router.get("/c/status")
def status_page(request: Request, code: str = "") -> Response:
    context = {"code": code[:16], "status": None, "banner": None}
    return _render(request, "complaints/status.html", context)


@router.post("/c/status")
async def status_lookup(
    request: Request, db: Database = Depends(get_database), protector: Protector = Depends(get_protector)
) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=1024)
    code, phone = str(form.get("code") or "")[:16], str(form.get("phone") or "")[:20]
    settings: Settings = request.app.state.settings
    switch = _switch_url(request, page_lang(request), code=code)
    context: dict[str, Any] = {"code": code, "status": None, "banner": None, "switch_url": switch}
    if not csrf.check(
        settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), str(form.get("csrf") or "")
    ):
        context["banner"] = _t(request, "public.status_expired")
        return _render(request, "complaints/status.html", context, 403)
    try:
        within = await _within_ip_limit(request, "status")
    except Busy as busy:
        context["banner"] = _t(request, "public.status_busy")
        return _busy(_render(request, "complaints/status.html", context, 503), busy)
    if not within:
        context["banner"] = _t(request, "public.status_too_often")
        return _render(request, "complaints/status.html", context, 429)

    def lookup() -> Any:
        with db.sessions() as session:
            found = public_status(
                session,
                protector,
                tracking_code=code,
                phone=phone,
                today=today_local(settings),
                calendar=load_calendar(session),
            )
        if found is None:  # not filed yet: it may be waiting in the intake
            intake = complaint_intake_of(request.app)
            found = queued_status(intake, protector, tracking_code=code, phone=phone)
        return found

    context["status"] = await run_in_threadpool(lookup)
    context["countdown"] = lambda days_left: cases_text.countdown(page_lang(request), days_left)
    if context["status"] is None:
        context["banner"] = _t(request, "public.status_not_found")
    return _render(request, "complaints/status.html", context, 200 if context["status"] else 404)


@router.get("/c/")
def blank_form(request: Request, db: Database = Depends(get_database)) -> Response:
    return _form_page(request, db, None, FormState())


@router.get("/c/{project_code}")
def project_form(project_code: str, request: Request, db: Database = Depends(get_database)) -> Response:
    try:
        project = _project_or_none(db, project_code)
    except NotFound:
        return _message(request, "public.not_found", 404)
    return _form_page(request, db, project, FormState())


async def _photos(form: FormData) -> list[PhotoIn]:
    """The photos, read without blocking the loop (a part spooled to disk is read in the thread pool)."""
    return [
        PhotoIn(item.filename or "photo", item.content_type or "", await item.read())
        for item in form.getlist("photos")
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


async def _read_form(request: Request, settings: Settings) -> FormData | None:
    """The form, or ``None`` when it is too large: the body is counted while it streams in
    (``web/uploads.BodyLimit``), so an oversized one is refused before it is read whole."""
    try:
        return await request.form(
            max_files=settings.complaint_photos_max + 1, max_fields=40, max_part_size=TEXT_PART_MAX
        )
    except (StarletteHTTPException, TooLarge):
        return None


async def _submit(request: Request, db: Database, protector: Protector, project_code: str | None) -> Response:
    settings: Settings = request.app.state.settings
    try:
        project = await run_in_threadpool(_project_or_none, db, project_code)
    except NotFound:
        return _message(request, "public.not_found", 404)
    form = await _read_form(request, settings)
    if form is None:
        return _message(request, "public.too_large", 413, max=settings.complaint_photos_max)
    try:
        return await _handle(request, db, protector, project, form)
    finally:
        await form.close()


async def _handle(
    request: Request, db: Database, protector: Protector, project: PublicProject | None, form: FormData
) -> Response:
    settings: Settings = request.app.state.settings
    lang = page_lang(request)
    project_code = project.project_code if project else None
    state = FormState(values={k: str(form.get(k) or "") for k in FORM_FIELDS})  # too long: a field error
    state.idem = str(form.get("idem") or "") or state.idem
    if form.get("website"):  # honeypot: only robots fill the hidden field; store nothing
        return _render(request, "complaints/receipt.html", _receipt_ctx(request, new_tracking_code()))
    if not csrf.check(
        settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), str(form.get("csrf") or "")
    ):
        state.banner = translate(lang, "public.expired")
        return await _form_page_async(request, db, project, state, 403)
    photos = await _photos(form)
    state.had_photos = bool(photos)
    try:
        within = await _within_ip_limit(request, "submit", writes=True)
    except Busy:  # the database cannot count it now: the complaint will wait in the intake
        try:
            within = await _within_intake_limit(request)
        except Busy as busy:
            return await _busy_form(request, db, project, state, busy)
    if not within:
        state.banner = translate(lang, "public.too_often")
        return await _form_page_async(request, db, project, state, 429)
    data, problems = parse_complaint_form(state.values, today=china_today(), need_region=project is None)
    problems += photo_problems(photos, settings)
    if data is None or problems:
        state.add(problems, lang)
        return await _form_page_async(request, db, project, state, 422)
    intake, client_key = complaint_intake_of(request.app), _client_key(request)
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
                counters=counter_store_of(request.app),
                intake=intake,
                client_key=client_key,
            )
        )
    except ValidationFailed as exc:
        state.add(exc.problems, lang)
        return await _form_page_async(request, db, project, state, 422)
    except Conflict as exc:
        banner = exc.message_zh if lang == "zh" else translate(lang, "public.conflict")
        state.banner, state.idem = banner, secrets.token_hex(16)
        return await _form_page_async(request, db, project, state, 409)
    except Busy as busy:
        return await _busy_form(request, db, project, state, busy)
    return _render(request, "complaints/receipt.html", _receipt_ctx(request, receipt.tracking_code))


async def _busy_form(
    request: Request, db: Database, project: PublicProject | None, state: FormState, busy: Busy
) -> Response:
    """The form again, as typed and with the same form token (sending it again files it once), saying the
    complaint was not sent: 503 with ``Retry-After``. Nothing of it was stored."""
    lang = page_lang(request)
    state.banner = translate(lang, "public.busy", seconds=busy.retry_after_s)
    if state.had_photos:
        state.banner += translate(lang, "public.busy_photos")
    return _busy(await _form_page_async(request, db, project, state, 503), busy)


def _receipt_ctx(request: Request, code: str) -> dict[str, Any]:
    """The receipt; its language link leads to the status page, which keeps the tracking code."""
    settings: Settings = request.app.state.settings
    lang = "zh" if page_lang(request) == "en" else "en"
    return {
        "tracking_code": code,
        "accept_days": settings.complaint_accept_working_days,
        "switch_url": f"/c/status?{urlencode({'code': code, 'lang': lang})}",
    }


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
