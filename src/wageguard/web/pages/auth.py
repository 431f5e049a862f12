"""Login and logout pages: the form sets the ``wg_session`` cookie holding a session token like the API's;
logout ends that session on the server at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from wageguard.auth.scope import Principal
from wageguard.auth.service import log_in, log_out
from wageguard.auth.throttle import LoginThrottle
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import TooManyAttempts, Unauthenticated
from wageguard.web.deps import (
    client_address,
    get_database,
    get_login_throttle,
    get_settings_dep,
    optional_principal,
)
from wageguard.web.i18n import translate
from wageguard.web.pages.render import page_lang, render
from wageguard.web.tokens import COOKIE_NAME, cookie_max_age

router = APIRouter(include_in_schema=False)
HOME = "/"  # the landing page (web/pages/home.py), one per role


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


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
    throttle: Annotated[LoginThrottle, Depends(get_login_throttle)],
    next: Annotated[str, Form()] = "",
) -> Response:
    context = {"next": safe_next(next), "username": username, "error": None}
    try:
        done = log_in(
            db=db,
            settings=settings,
            throttle=throttle,
            username=username,
            password=password,
            address=client_address(request, settings),
            now=throttle.clock(),
        )
    except Unauthenticated:
        context["error"] = translate(page_lang(request), "login.failed")
        return render(request, "login.html", context, status_code=401)
    except TooManyAttempts as exc:
        context["error"] = exc.message_zh if page_lang(request) == "zh" else str(exc)
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        done.token,
        max_age=cookie_max_age(settings),
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )
    return response


@router.post("/logout")
def logout(request: Request, db: Annotated[Database, Depends(get_database)]) -> Response:
    token = request.cookies.get(COOKIE_NAME)
    if token:
        log_out(db=db, token=token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response
