"""Money API: wage accounts, inflows, balances, terms, deposits, pay sheets, bank files and pushes, views.

Thin routes: parse, call one use case (``payroll/service.py``, ``paysheets.py``, ``payments.py``) or one
query (``payroll/queries.py``), map the result. Reads are scoped by ``Principal.project_clause``; the use
cases ask the write policy (``auth/policy.py``) which projects and accounts the caller may write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.bounds import RowId
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.events import announce_import
from wageguard.ingest.boundary import Limits
from wageguard.payroll import exports, queries, service
from wageguard.payroll.banks.push import parse_push
from wageguard.payroll.payments import import_bank_file, push_bank_payments
from wageguard.payroll.paysheets import drafts_from_api, import_payroll_file, submit_pay_sheets
from wageguard.payroll.schemas import (
    AccountIn,
    AccountOut,
    BalanceIn,
    BankPushIn,
    DepositIn,
    InflowIn,
    MovementIn,
    PayrollsIn,
    TermsIn,
)
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.deps import (
    current_principal,
    get_database,
    get_protector,
    get_session,
    get_settings_dep,
    require_roles,
)
from wageguard.web.uploads import saved_upload

router = APIRouter(prefix="/money", tags=["money"])
Caller = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE))]
Bank = Annotated[Principal, Depends(require_roles(Role.BANK))]
MoneyIn = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, Role.BANK))]
DbSession = Annotated[Session, Depends(get_session)]
Db = Annotated[Database, Depends(get_database)]
Keys = Annotated[Protector, Depends(get_protector)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
MONTH = Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="yyyy-MM")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
}


def _saved(upload: UploadFile, settings: Settings) -> AbstractContextManager[Path]:
    """The upload in a private temporary folder under ``var/uploads`` (removed after the import)."""
    return saved_upload(upload, settings.var_dir / "uploads", default_suffix=".csv")


@router.get("/accounts")
def list_accounts(principal: Caller, session: DbSession) -> list[dict[str, Any]]:
    return queries.list_accounts(session, principal)


@router.post("/accounts", response_model=AccountOut, status_code=201)
def open_account(body: AccountIn, principal: Writer, db: Db, protector: Keys) -> Any:
    with db.transaction() as session:
        return service.open_account(session=session, principal=principal, protector=protector, data=body)


@router.get("/accounts/{account_id}/summary")
def account_summary(account_id: RowId, principal: Caller, session: DbSession) -> dict[str, Any]:
    return queries.account_summary(session, principal, account_id)


@router.get("/accounts/{account_id}/summary.xlsx", responses=XLSX_DOC)
def account_summary_xlsx(account_id: RowId, principal: Caller, session: DbSession) -> Response:
    data = exports.account_workbook(queries.account_summary(session, principal, account_id))
    headers = {"Content-Disposition": f'attachment; filename="account-{account_id}.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)


@router.post("/inflows", status_code=201)
def record_inflow(body: InflowIn, principal: MoneyIn, db: Db, protector: Keys) -> dict[str, int]:
    with db.transaction() as session:
        return {
            "inserted": service.record_inflow(
                session=session, principal=principal, protector=protector, data=body
            )
        }


@router.post("/balances", status_code=201)
def record_balance(body: BalanceIn, principal: MoneyIn, db: Db, protector: Keys) -> dict[str, bool]:
    with db.transaction() as session:
        service.record_balance(session=session, principal=principal, protector=protector, data=body)
    return {"ok": True}


@router.put("/terms")
def set_terms(body: TermsIn, principal: Writer, db: Db) -> dict[str, Any]:
    with db.transaction() as session:
        terms = service.set_money_terms(session=session, principal=principal, data=body)
        return {
            "project_id": terms.project_id,
            "labour_cost_ratio_bp": terms.labour_cost_ratio_bp,
            "payment_cycle_days": terms.payment_cycle_days,
            "deposit_ratio_bp": terms.deposit_ratio_bp,
        }


@router.post("/deposits", status_code=201)
def lodge_deposit(body: DepositIn, principal: Writer, db: Db) -> dict[str, int]:
    with db.transaction() as session:
        return {"id": service.lodge_deposit(session=session, principal=principal, data=body).id}


@router.post("/deposits/{deposit_id}/movements", status_code=201)
def move_deposit(deposit_id: RowId, body: MovementIn, principal: Writer, db: Db) -> dict[str, int]:
    with db.transaction() as session:
        return {
            "id": service.move_deposit(
                session=session, principal=principal, deposit_id=deposit_id, data=body
            ).id
        }


@router.post("/payrolls", status_code=201)
def submit_payrolls(
    sheets: Annotated[PayrollsIn, Body()], principal: Writer, db: Db, protector: Keys
) -> list[dict[str, Any]]:
    """Pay sheets in the national ``Payroll`` shape (one object or a list); all stored or none. A refused
    body answers 422 with rows ``sheet.line`` (``1.2``: sheet 1, line 2), field and reason in zh/en."""
    with db.transaction() as session:
        stored = submit_pay_sheets(
            session=session,
            principal=principal,
            protector=protector,
            drafts=drafts_from_api(sheets),
            source="api",
            actor=principal.username,
        )
    announce_import("pay_sheets")
    return stored


@router.post("/payrolls/file", status_code=201)
def import_payrolls(
    file: Annotated[UploadFile, File()],
    principal: Writer,
    db: Db,
    protector: Keys,
    settings: AppSettings,
    encoding: Annotated[str | None, Form(max_length=40)] = None,
) -> list[dict[str, Any]]:
    """Pay sheets from a JSON, CSV or XLSX upload (national field names; the format is told by the content);
    form field ``encoding`` names a CSV encoding detection cannot tell (``gb18030``, ``big5``, ``utf-16``
    ...); rejected: 422 with the report."""
    with _saved(file, settings) as path:
        return import_payroll_file(
            db=db,
            principal=principal,
            protector=protector,
            path=path,
            actor=principal.username,
            encoding=encoding,
            limits=Limits.of(settings),
        )


@router.post("/bank/files", status_code=201)
def import_bank(
    file: Annotated[UploadFile, File()],
    principal: Bank,
    db: Db,
    protector: Keys,
    settings: AppSettings,
    profile: Annotated[str, Form()] = "generic",
    account_no: Annotated[str | None, Form()] = None,
    encoding: Annotated[str | None, Form(max_length=40)] = None,
) -> dict[str, Any]:
    """A bank file (CSV/XLSX through ``profile``, or camt.053/054 / pain.001 XML) for ``account_no``."""
    with _saved(file, settings) as path:
        result = import_bank_file(
            db=db,
            principal=principal,
            protector=protector,
            path=path,
            profile=profile,
            account_no=account_no,
            actor=principal.username,
            chunk_rows=settings.import_batch_rows,
            limits=Limits.of(settings),
            encoding=encoding,
        )
    return result.as_dict()


@router.post("/bank/push", status_code=201)
def bank_push(
    body: BankPushIn, principal: Bank, db: Db, protector: Keys, settings: AppSettings
) -> dict[str, Any]:
    """A bank pushes payment results for one of its accounts; resends add nothing twice."""
    payments, problems = parse_push(body.payments)
    result = push_bank_payments(
        db=db,
        principal=principal,
        protector=protector,
        account_no=body.account_no,
        payments=payments,
        problems=problems,
        actor=principal.username,
        chunk_rows=settings.import_batch_rows,
    )
    return result.as_dict()


@router.get("/projects/{project_id}/pay")
def project_pay(
    project_id: RowId, principal: Caller, session: DbSession, month: str = MONTH
) -> dict[str, Any]:
    """Per worker: declared pay (current pay sheets) vs money paid, for one month."""
    view = queries.project_month_pay(session, principal, project_id, month)
    return {
        "project_id": view.project_id,
        "project_code": view.project_code,
        "month": view.month,
        "totals": view.totals(),
        "workers": [w.as_dict() for w in view.workers],
    }


@router.get("/projects/{project_id}/pay.xlsx", responses=XLSX_DOC)
def project_pay_xlsx(
    project_id: RowId, principal: Caller, session: DbSession, month: str = MONTH
) -> Response:
    view = queries.project_month_pay(session, principal, project_id, month)
    headers = {"Content-Disposition": f'attachment; filename="pay-{view.project_code}-{month}.xlsx"'}
    return Response(exports.pay_workbook(view), media_type=XLSX, headers=headers)
