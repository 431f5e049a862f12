"""Money pages: wage accounts, one account's inflows vs outflows vs balance, and a project's declared vs
paid pay per worker for a month (server-rendered in Chinese or English, scoped to the caller)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.db import utcnow
from wageguard.errors import NotFound
from wageguard.payroll import queries
from wageguard.payroll.amounts import format_fen, month_of, previous_month
from wageguard.web.deps import get_session, optional_principal
from wageguard.web.pages import money_text
from wageguard.web.pages.render import error_page, login_redirect, render

router = APIRouter(tags=["money-pages"], include_in_schema=False)
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
_ = money_text  # the import installs this page family's messages in the shared catalogue


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else format_fen(int(fen))


def _page(request: Request, name: str, context: dict[str, Any], principal: Principal) -> Response:
    return render(request, name, {"yuan": _yuan, **context}, principal=principal)


@router.get("/money")
def accounts_page(request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    """工资专用账户 list."""
    if caller is None:
        return login_redirect(request)
    return _page(request, "money/accounts.html", {"accounts": queries.list_accounts(session, caller)}, caller)


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
    month = month if month and len(month) == 7 else previous_month(month_of(utcnow().date()))
    try:
        view = queries.project_month_pay(session, caller, project_id, month)
    except NotFound as exc:
        return error_page(request, caller, exc)
    return _page(request, "money/project_pay.html", {"v": view, "totals": view.totals()}, caller)
