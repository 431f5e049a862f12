"""Rendering of this slice's pages: templates, language choice, the shared context, page errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Forbidden, NotFound, Unauthenticated, WageGuardError
from wageguard.registry.choices import Role
from wageguard.web import csrf
from wageguard.web.assets import available
from wageguard.web.i18n import LANG_COOKIE, LANGS, choose_lang, error_message, translate, translator
from wageguard.web.tokens import COOKIE_NAME

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATE_DIR)
ONE_YEAR_S = 365 * 24 * 3600


def page_lang(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return choose_lang(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), settings.locale_default
    )


def wan(fen: int | None) -> str:
    """Money in 万元 (10,000 yuan) with two decimals, from integer fen."""
    if fen is None:
        return "—"
    return f"{fen / 1_000_000:,.2f}"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    principal: Principal | None = None,
    status_code: int = 200,
) -> Response:
    """A template with ``t``, ``lang``, ``principal``, ``vendor`` and ``csrf_token`` (for the forms and the
    ``csrf-token`` meta tag); ``?lang=`` is remembered in a cookie."""
    lang = page_lang(request)
    t = translator(lang)
    base = {
        "t": t,
        "lang": lang,
        "principal": principal,
        "vendor": available(),
        "csrf_token": csrf.token_for(request),
    }
    base["wan"] = lambda fen: t("money.wan", value=wan(fen)) if fen is not None else t("common.none")
    response = templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR_S, samesite="lax")
    return response


def login_redirect(request: Request) -> Response:
    """Send an anonymous visitor to the login page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def home_for(principal: Principal | None) -> str:
    """The first page this principal may see: banks the money pages, devices the gate page."""
    if principal is None:
        return "/login"
    if principal.role == Role.BANK:
        return "/money"
    if principal.role == Role.DEVICE:
        return "/attendance/devices"
    return "/projects"


def _message_page(
    request: Request, message: str, status: int, principal: Principal | None, home: str
) -> Response:
    """The site's notice page: the message, a link to a page the caller may see, and a logout button."""
    signed_in = principal is not None or COOKIE_NAME in request.cookies
    context = {"message": message, "home": home, "signed_in": signed_in}
    return render(request, "message.html", context, principal=principal, status_code=status)


def error_page(request: Request, principal: Principal | None, exc: WageGuardError) -> Response:
    """A friendly page for a domain error met while rendering (404 for anything out of scope)."""
    lang = page_lang(request)
    if isinstance(exc, Forbidden):
        status, key = 403, "error.forbidden"
    elif isinstance(exc, NotFound):
        status, key = 404, "error.not_found"
    else:
        raise exc
    return _message_page(request, translate(lang, key), status, principal, home_for(principal))


def status_page(request: Request, status: int) -> Response:
    """The notice page for a bare status (no such page, method not allowed, forbidden)."""
    key = "error.forbidden" if status == 403 else "error.not_found"
    return _message_page(request, translate(page_lang(request), key), status, None, "/")


def domain_error_page(request: Request, exc: WageGuardError, status: int) -> Response:
    """A domain error met outside a page's own handling, shown to a browser as the site's page."""
    if isinstance(exc, Unauthenticated):
        return login_redirect(request)
    if isinstance(exc, NotFound | Forbidden) and not isinstance(exc, csrf.CsrfRejected):
        return status_page(request, status)
    return _message_page(request, error_message(page_lang(request), exc), status, None, "/")
