"""Money pages: wage accounts (with balance, last statement and payments that did not arrive), one account's
inflows vs outflows vs balance, a project's declared vs paid pay per worker for a month, their XLSX exports,
and the bank officer's statement upload (preview row by row, then confirm), server-rendered in Chinese or
English and scoped to the caller.

The statement preview is ``payroll.payment_preview.preview_bank_file``: the import itself in a
transaction that is rolled back. Between preview and confirm the file waits in the pending-upload store
of ``imports.py``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.errors import Forbidden, ImportRejected, NotFound, WageGuardError
from wageguard.ingest.boundary import Limits
from wageguard.payroll import exports, queries
from wageguard.payroll.amounts import month_of, previous_month
from wageguard.payroll.banks.profiles import PROFILES
from wageguard.payroll.payment_preview import BankPreview, preview_bank_file
from wageguard.payroll.payments import import_bank_file
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.deps import get_database, get_protector, get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import error_message, translate
from wageguard.web.pages import money_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.imports import Pending, PendingUploads
from wageguard.web.pages.render import error_page, home_for, login_redirect, page_lang, render

router = APIRouter(tags=["money-pages"], include_in_schema=False)
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
Db = Annotated[Database, Depends(get_database)]
Keys = Annotated[Protector, Depends(get_protector)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
_ = money_text  # the import installs this page family's messages in the shared catalogue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATEMENT = "statement"
UPLOADERS = (Role.BANK, Role.ADMIN)
_MONTH = re.compile(r"20\d{2}-(0[1-9]|1[0-2])")


def _page(
    request: Request, name: str, context: dict[str, Any], principal: Principal, status_code: int = 200
) -> Response:
    return render(request, name, {"yuan": yuan, **context}, principal=principal, status_code=status_code)


@router.get("/money")
def accounts_page(request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    """工资专用账户 list: each account with its balance, last statement and payments failed or returned."""
    if caller is None:
        return login_redirect(request)
    accounts = queries.list_accounts(session, caller)
    standing = queries.account_standing(session, [a["id"] for a in accounts])
    context = {"accounts": accounts, "standing": standing, "uploads": caller.role in UPLOADERS}
    return _page(request, "money/accounts.html", context, caller)


@router.get("/money/accounts/{account_id}/export.xlsx")
def account_export(account_id: int, request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    """The account's inflows vs outflows as XLSX (the site's 404 page outside the caller's scope)."""
    if caller is None:
        return login_redirect(request)
    try:
        data = exports.account_workbook(queries.account_summary(session, caller, account_id))
    except NotFound as exc:
        return error_page(request, caller, exc)
    headers = {"Content-Disposition": f'attachment; filename="account-{account_id}.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/money/projects/{project_id}/pay.xlsx")
def project_pay_export(
    project_id: int, request: Request, caller: MaybeCaller, session: DbSession, month: str = ""
) -> Response:
    """Declared vs paid per worker as XLSX."""
    if caller is None:
        return login_redirect(request)
    month = month if _MONTH.fullmatch(month) else previous_month(month_of(utcnow().date()))
    try:
        view = queries.project_month_pay(session, caller, project_id, month)
    except NotFound as exc:
        return error_page(request, caller, exc)
    headers = {"Content-Disposition": f'attachment; filename="pay-{view.project_code}-{month}.xlsx"'}
    return Response(exports.pay_workbook(view), media_type=XLSX, headers=headers)


@router.get("/money/accounts/{account_id}")
def account_page(account_id: int, request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    if caller is None:
        return login_redirect(request)
    try:
        summary = queries.account_summary(session, caller, account_id)
    except NotFound as exc:
        return error_page(request, caller, exc)
    return _page(request, "money/account.html", {"s": summary}, caller)


@router.get("/money/projects/{project_id}")
def project_pay_page(
    project_id: int, request: Request, caller: MaybeCaller, session: DbSession, month: str | None = None
) -> Response:
    """Declared pay vs money paid per worker for one month (default: last month)."""
    if caller is None:
        return login_redirect(request)
    month = month if month and _MONTH.fullmatch(month) else previous_month(month_of(utcnow().date()))
    try:
        view = queries.project_month_pay(session, caller, project_id, month)
    except NotFound as exc:
        return error_page(request, caller, exc)
    return _page(request, "money/project_pay.html", {"v": view, "totals": view.totals()}, caller)


# -- bank statements: upload, preview, confirm -----------------------------------------------------------


def _notice(request: Request, principal: Principal, message: str, status: int, home: str) -> Response:
    context = {"message": message, "home": home, "signed_in": True}
    return render(request, "message.html", context, principal=principal, status_code=status)


def _uploader(request: Request, caller: Principal | None) -> Response | None:
    if caller is None:
        return login_redirect(request)
    if caller.role not in UPLOADERS:
        message = translate(page_lang(request), "money.up.banks_only")
        return _notice(request, caller, message, 403, home_for(caller))
    return None


def _upload_form(
    request: Request, principal: Principal, *, notice: str | None = None, status: int = 200
) -> Response:
    context = {"profiles": list(PROFILES.values()), "notice": notice}
    return _page(request, "money/statement_upload.html", context, principal, status_code=status)


def _bank_preview(
    db: Database, principal: Principal, protector: Protector, settings: Settings, pending: Pending
) -> BankPreview:
    return preview_bank_file(
        db=db,
        principal=principal,
        protector=protector,
        path=pending.path,
        profile=pending.params.get("profile") or "generic",
        account_no=pending.params.get("account_no") or None,
        actor=principal.username,
        chunk_rows=settings.import_batch_rows,
        limits=Limits.of(settings),
        encoding=pending.params.get("encoding") or None,
    )


@router.get("/money/statements/upload")
def statement_form(request: Request, caller: MaybeCaller) -> Response:
    """The bank officer's upload form: the file (camt.053/054, pain.001 or a CSV/XLSX profile)."""
    if (denied := _uploader(request, caller)) is not None:
        return denied
    assert caller is not None
    return _upload_form(request, caller)


@router.post("/money/statements/upload")
def statement_preview(
    request: Request,
    caller: MaybeCaller,
    db: Db,
    protector: Keys,
    settings: AppSettings,
    file: Annotated[UploadFile | None, File()] = None,
    profile: Annotated[str, Form(max_length=20)] = "generic",
    account_no: Annotated[str, Form(max_length=40)] = "",
    encoding: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Check the file by importing it in a transaction that is rolled back; show every payment line."""
    if (denied := _uploader(request, caller)) is not None:
        return denied
    assert caller is not None
    lang = page_lang(request)
    if file is None or not file.filename:
        return _upload_form(request, caller, notice=translate(lang, "money.up.no_file"), status=400)
    if profile not in PROFILES:
        profile = "generic"
    params = {"profile": profile, "account_no": account_no.strip(), "encoding": encoding.strip()}
    store = PendingUploads(settings)
    pending = store.keep(caller, STATEMENT, file, params)
    try:
        preview = _bank_preview(db, caller, protector, settings, pending)
    except (NotFound, Forbidden) as exc:
        store.drop(pending)
        return _notice(request, caller, error_message(lang, exc), 403, "/money/statements/upload")
    if preview.problems:
        store.drop(pending)
    context = {
        "preview": preview,
        "filename": file.filename,
        "token": None if preview.problems else pending.token,
    }
    return _page(request, "money/statement_preview.html", context, caller)


@router.post("/money/statements/upload/confirm")
def statement_confirm(
    request: Request,
    caller: MaybeCaller,
    db: Db,
    protector: Keys,
    settings: AppSettings,
    token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Import the previewed file for real (checked again); a token is good for one confirm."""
    if (denied := _uploader(request, caller)) is not None:
        return denied
    assert caller is not None
    lang = page_lang(request)
    store = PendingUploads(settings)
    found = store.find(caller, STATEMENT, token)
    pending = store.claim(found) if found is not None else None
    if pending is None:
        return _notice(
            request, caller, translate(lang, "money.up.token_gone"), 409, "/money/statements/upload"
        )
    try:
        result = import_bank_file(
            db=db,
            principal=caller,
            protector=protector,
            path=pending.path,
            profile=pending.params.get("profile") or "generic",
            account_no=pending.params.get("account_no") or None,
            actor=caller.username,
            chunk_rows=settings.import_batch_rows,
            limits=Limits.of(settings),
            encoding=pending.params.get("encoding") or None,
        )
    except ImportRejected as exc:
        preview = BankPreview(file_format="", problems=list(exc.problems))
        context = {"preview": preview, "filename": pending.filename, "token": None}
        return _page(request, "money/statement_preview.html", context, caller, status_code=422)
    except WageGuardError as exc:
        if not isinstance(exc, NotFound | Forbidden):
            raise
        return _notice(request, caller, error_message(lang, exc), 403, "/money/statements/upload")
    finally:
        store.drop(pending)
    return _page(request, "money/statement_done.html", {"r": result, "filename": pending.filename}, caller)
