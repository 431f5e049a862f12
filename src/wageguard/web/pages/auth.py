"""Login and logout pages: the form sets the ``wg_session`` cookie holding the same token as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from wageguard.auth.scope import Principal
from wageguard.auth.service import authenticate
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Unauthenticated
from wageguard.web.deps import get_database, get_settings_dep, optional_principal
from wageguard.web.i18n import translate
from wageguard.web.pages.render import page_lang, render
from wageguard.web.tokens import COOKIE_NAME, MAX_AGE_S, issue_token

router = APIRouter(include_in_schema=False)
HOME = "/projects"


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


@router.get("/")
def root(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Response:
    return RedirectResponse(HOME if principal else "/login", status_code=303)


@router.get("/login")
def login_form(
    request: Request, principal: Annotated[Principal | None, Depends(optional_principal)], next: str = ""
) -> Response:
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "username": "", "error": None})


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    next: Annotated[str, Form()] = "",
) -> Response:
    try:
        with db.sessions() as session:
            principal = authenticate(session=session, username=username, password=password)
    except Unauthenticated:
        context = {
            "next": safe_next(next),
            "username": username,
            "error": translate(page_lang(request), "login.failed"),
        }
        return render(request, "login.html", context, status_code=401)
    assert principal.user_id is not None
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        issue_token(settings.session_secret, principal.user_id),
        max_age=MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response
