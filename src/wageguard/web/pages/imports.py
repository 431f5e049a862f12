"""Pay-sheet upload in the browser: the enterprise payroll clerk picks one of its projects and a month,
uploads a pay sheet (XLSX/CSV/JSON), reads the import report row by row before anything is stored, then
confirms.

The preview is ``payroll.paysheets.preview_payroll_file`` (the importer's own reader and validator, nothing
stored); the confirm runs ``import_payroll_file``, which validates again. Between the two the file waits
server-side under ``var/pending-uploads/<token>/`` (``PendingUploads``): the token is random, bound to the
user and the kind of upload, expires after ``PENDING_TTL_S``, and is claimed once (an atomic rename), so a
second confirm with the same token stores nothing more. The bank statement page (``money.py``) uses the
same store.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.policy import project_write_clause
from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ImportRejected, Problem
from wageguard.ingest.boundary import Limits
from wageguard.payroll.paysheets import PaySheetPreview, import_payroll_file, preview_payroll_file
from wageguard.registry.choices import Role
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector
from wageguard.web.deps import get_database, get_protector, get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import translate
from wageguard.web.pages import imports_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import home_for, login_redirect, page_lang, render
from wageguard.web.uploads import COPY_CHUNK, safe_filename

router = APIRouter(tags=["import-pages"], include_in_schema=False)
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
Db = Annotated[Database, Depends(get_database)]
Keys = Annotated[Protector, Depends(get_protector)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
_ = imports_text  # installs this page family's messages

PENDING_TTL_S = 30 * 60
PENDING_PER_USER = 5
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_MONTH = re.compile(r"20\d{2}-(0[1-9]|1[0-2])")
PAYSHEET = "paysheet"
CLERKS = (Role.ENTERPRISE, Role.ADMIN)


# -- the pending-upload store ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """One uploaded file waiting for its confirm."""

    token: str
    kind: str
    user_id: int | None
    filename: str
    params: dict[str, str]
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / self.filename


class PendingUploads:
    """Files between preview and confirm, under ``var/pending-uploads`` (private folders, one per token)."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.var_dir / "pending-uploads"
        self.max_bytes = settings.upload_max_bytes

    def _meta(self, folder: Path) -> dict[str, Any] | None:
        try:
            data = json.loads((folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def sweep(self, user_id: int | None = None) -> None:
        """Remove expired uploads (and claimed leftovers); keep at most ``PENDING_PER_USER`` per user."""
        if not self.root.is_dir():
            return
        now, mine = time.time(), []
        for folder in self.root.iterdir():
            meta = self._meta(folder)
            if meta is None or now - float(meta.get("created", 0)) > PENDING_TTL_S:
                shutil.rmtree(folder, ignore_errors=True)
            elif user_id is not None and meta.get("user_id") == user_id:
                mine.append((float(meta["created"]), folder))
        for _created, folder in sorted(mine)[: max(0, len(mine) - PENDING_PER_USER + 1)]:
            shutil.rmtree(folder, ignore_errors=True)

    def keep(self, principal: Principal, kind: str, upload: UploadFile, params: dict[str, str]) -> Pending:
        """Save ``upload`` (at most ``upload_max_bytes``) under a fresh token bound to ``principal``."""
        self.sweep(principal.user_id)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_urlsafe(24)
        folder = self.root / token
        folder.mkdir(mode=0o700)
        name = safe_filename(upload.filename, default_suffix=".csv")
        if name == "meta.json":
            name = "upload.json"
        upload.file.seek(0)
        written = 0
        with open(folder / name, "wb") as out:
            while block := upload.file.read(COPY_CHUNK):
                written += len(block)
                if written > self.max_bytes:
                    break
                out.write(block)
        meta = {"kind": kind, "user_id": principal.user_id, "filename": name, "params": params}
        (folder / "meta.json").write_text(json.dumps({**meta, "created": time.time()}), "utf-8")
        return Pending(token, kind, principal.user_id, name, params, folder)

    def find(self, principal: Principal, kind: str, token: str) -> Pending | None:
        """The caller's own unexpired upload of ``kind`` under ``token``, else ``None``."""
        if not _TOKEN.fullmatch(token or ""):
            return None
        folder = self.root / token
        meta = self._meta(folder)
        if meta is None or meta.get("kind") != kind or meta.get("user_id") != principal.user_id:
            return None
        if time.time() - float(meta.get("created", 0)) > PENDING_TTL_S:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return Pending(token, kind, principal.user_id, str(meta["filename"]), dict(meta["params"]), folder)

    def claim(self, pending: Pending) -> Pending | None:
        """Take the upload for its one confirm (an atomic rename: a second claim gets ``None``)."""
        claimed = pending.folder.with_name(f"{pending.token}.claimed-{secrets.token_hex(4)}")
        try:
            os.rename(pending.folder, claimed)
        except OSError:
            return None
        return Pending(
            pending.token, pending.kind, pending.user_id, pending.filename, pending.params, claimed
        )

    @staticmethod
    def drop(pending: Pending) -> None:
        shutil.rmtree(pending.folder, ignore_errors=True)


# -- the pay-sheet pages ---------------------------------------------------------------------------------


def _writable_projects(session: Session, principal: Principal) -> list[Project]:
    stmt = select(Project).where(project_write_clause(principal)).order_by(Project.name).limit(500)
    return list(session.scalars(stmt))


def _writable_project(session: Session, principal: Principal, project_id: int) -> Project | None:
    return session.scalar(select(Project).where(Project.id == project_id, project_write_clause(principal)))


def _refused(
    request: Request, principal: Principal, key: str, status: int = 403, home: str = "/imports/paysheet"
) -> Response:
    """The site's notice page with ``key``'s message and a link to a page the caller may use."""
    context = {"message": translate(page_lang(request), key), "home": home, "signed_in": True}
    return render(request, "message.html", context, principal=principal, status_code=status)


def _form_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    project_id: int | None = None,
    month: str = "",
    notice: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "projects": _writable_projects(session, principal),
        "project_id": project_id,
        "month": month,
        "notice": notice,
    }
    return render(request, "imports/paysheet.html", context, principal=principal, status_code=status)


def _mismatches(preview: PaySheetPreview, project: Project, month: str) -> list[Problem]:
    """Sheets of the file for another project or month than the one the clerk picked."""
    out = []
    for sheet in preview.sheets:
        if sheet["project_id"] != project.id:
            out.append(
                Problem(
                    "projectCode",
                    "project_mismatch",
                    f"文件中的项目（{sheet['project_code']}）不是所选项目（{project.project_code}）",
                    f"the file's project ({sheet['project_code']}) is not the chosen one "
                    f"({project.project_code})",
                    value=str(sheet["project_code"]),
                )
            )
        if sheet["pay_month"] != month:
            out.append(
                Problem(
                    "payMonth",
                    "month_mismatch",
                    f"文件中的工资月份（{sheet['pay_month']}）不是所选月份（{month}）",
                    f"the file's pay month ({sheet['pay_month']}) is not the chosen month ({month})",
                    value=str(sheet["pay_month"]),
                )
            )
    return out


def _preview(
    session: Session, principal: Principal, protector: Protector, settings: Settings, pending: Pending
) -> tuple[PaySheetPreview, Project | None]:
    project = _writable_project(session, principal, int(pending.params["project_id"]))
    preview = preview_payroll_file(
        session=session,
        principal=principal,
        protector=protector,
        path=pending.path,
        encoding=pending.params.get("encoding") or None,
        limits=Limits.of(settings),
    )
    if project is not None:
        preview.problems.extend(_mismatches(preview, project, pending.params["month"]))
    return preview, project


def _denied(request: Request, caller: Principal | None) -> Response | None:
    if caller is None:
        return login_redirect(request)
    if caller.role not in CLERKS:
        return _refused(request, caller, "imp.clerks_only", home=home_for(caller))
    return None


@router.get("/imports/paysheet")
def paysheet_form(
    request: Request, caller: MaybeCaller, session: DbSession, project: int | None = None, month: str = ""
) -> Response:
    """The upload form: one of the caller's projects, a month, the file."""
    if (denied := _denied(request, caller)) is not None:
        return denied
    assert caller is not None
    return _form_page(
        request, session, caller, project_id=project, month=month if _MONTH.fullmatch(month) else ""
    )


@router.post("/imports/paysheet")
def paysheet_preview(
    request: Request,
    caller: MaybeCaller,
    session: DbSession,
    protector: Keys,
    settings: AppSettings,
    file: Annotated[UploadFile | None, File()] = None,
    project_id: Annotated[str, Form(max_length=12)] = "",
    month: Annotated[str, Form(max_length=7)] = "",
    encoding: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Keep the upload, check it like the import would, and show the report; nothing is stored."""
    if (denied := _denied(request, caller)) is not None:
        return denied
    assert caller is not None
    lang = page_lang(request)
    pid = int(project_id) if project_id.isdigit() else None
    if pid is None or not _MONTH.fullmatch(month) or file is None or not file.filename:
        notice = translate(lang, "imp.form_incomplete")
        return _form_page(request, session, caller, project_id=pid, month=month, notice=notice, status=400)
    if _writable_project(session, caller, pid) is None:
        return _refused(request, caller, "imp.project_refused")
    params = {"project_id": str(pid), "month": month, "encoding": encoding.strip()}
    store = PendingUploads(settings)
    pending = store.keep(caller, PAYSHEET, file, params)
    preview, project = _preview(session, caller, protector, settings, pending)
    if preview.problems:
        store.drop(pending)  # nothing to confirm: the file is not kept
    context = {
        "preview": preview,
        "project": project,
        "month": month,
        "filename": file.filename,
        "token": None if preview.problems else pending.token,
        "yuan": yuan,
    }
    return render(request, "imports/paysheet_preview.html", context, principal=caller)


@router.post("/imports/paysheet/confirm")
def paysheet_confirm(
    request: Request,
    caller: MaybeCaller,
    db: Db,
    session: DbSession,
    protector: Keys,
    settings: AppSettings,
    token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Store the previewed file (validated again); a token is good for one confirm."""
    if (denied := _denied(request, caller)) is not None:
        return denied
    assert caller is not None
    store = PendingUploads(settings)
    found = store.find(caller, PAYSHEET, token)
    pending = store.claim(found) if found is not None else None
    if pending is None:
        return _refused(request, caller, "imp.token_gone", status=409)
    try:
        preview, project = _preview(session, caller, protector, settings, pending)
        session.rollback()  # end the read before the import takes the write lock
        if project is None:
            return _refused(request, caller, "imp.project_refused")
        if preview.problems:
            context = {"preview": preview, "project": project, "month": pending.params["month"], "yuan": yuan}
            context |= {"filename": pending.filename, "token": None}
            return render(
                request, "imports/paysheet_preview.html", context, principal=caller, status_code=422
            )
        try:
            stored = import_payroll_file(
                db=db,
                principal=caller,
                protector=protector,
                path=pending.path,
                actor=caller.username,
                encoding=pending.params.get("encoding") or None,
                limits=Limits.of(settings),
            )
        except ImportRejected as exc:
            preview.problems = list(exc.problems)
            context = {"preview": preview, "project": project, "month": pending.params["month"], "yuan": yuan}
            context |= {"filename": pending.filename, "token": None}
            return render(
                request, "imports/paysheet_preview.html", context, principal=caller, status_code=422
            )
    finally:
        store.drop(pending)
    sheets = list(zip(stored, preview.sheets, strict=False))
    context = {"sheets": sheets, "project": project, "month": pending.params["month"], "preview": preview}
    return render(request, "imports/paysheet_done.html", {**context, "yuan": yuan}, principal=caller)
