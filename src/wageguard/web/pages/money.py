"""Money pages: wage accounts, one account's inflows vs outflows vs balance, and a project's declared vs
paid pay per worker for a month (server-rendered, scoped to the caller)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.db import utcnow
from wageguard.errors import NotFound
from wageguard.payroll import queries
from wageguard.payroll.amounts import format_fen, month_of, previous_month
from wageguard.payroll.exports import STATE_ZH
from wageguard.web.deps import get_session, optional_principal

router = APIRouter(tags=["money-pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.filters["yuan"] = lambda fen: "—" if fen is None else format_fen(int(fen))
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]


def _login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _page(
    request: Request, name: str, context: dict[str, Any], principal: Principal, status: int = 200
) -> Response:
    return templates.TemplateResponse(request, name, {"principal": principal, **context}, status_code=status)


def _not_found(request: Request, principal: Principal) -> Response:
    return _page(request, "money/not_found.html", {}, principal, status=404)


@router.get("/money")
def accounts_page(request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    """工资专用账户 list."""
    if caller is None:
        return _login(request)
    return _page(request, "money/accounts.html", {"accounts": queries.list_accounts(session, caller)}, caller)


@router.get("/money/accounts/{account_id}")
def account_page(account_id: int, request: Request, caller: MaybeCaller, session: DbSession) -> Response:
    if caller is None:
        return _login(request)
    try:
        summary = queries.account_summary(session, caller, account_id)
    except NotFound:
        return _not_found(request, caller)
    return _page(request, "money/account.html", {"s": summary}, caller)


@router.get("/money/projects/{project_id}")
def project_pay_page(
    project_id: int, request: Request, caller: MaybeCaller, session: DbSession, month: str | None = None
) -> Response:
    """Declared pay vs money paid per worker for one month (default: last month)."""
    if caller is None:
        return _login(request)
    month = month if month and len(month) == 7 else previous_month(month_of(utcnow().date()))
    try:
        view = queries.project_month_pay(session, caller, project_id, month)
    except NotFound:
        return _not_found(request, caller)
    return _page(
        request, "money/project_pay.html", {"v": view, "totals": view.totals(), "states": STATE_ZH}, caller
    )
