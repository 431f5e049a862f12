"""Rendering of this slice's pages: templates, language choice, the shared context, page errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Forbidden, NotFound, Unauthenticated, WageGuardError
from wageguard.registry.choices import Role
from wageguard.timezones import zone
from wageguard.web import csrf
from wageguard.web.assets import available
from wageguard.web.i18n import LANG_COOKIE, LANGS, choose_lang, error_message, translate, translator
from wageguard.web.tokens import COOKIE_NAME

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATE_DIR)
ONE_YEAR_S = 365 * 24 * 3600


@lru_cache(maxsize=8)
def _zone(name: str) -> Any:
    return zone(name)


def local_time(value: datetime, zone_name: str) -> datetime:
    """An instant in the platform's zone; naive datetimes are UTC (how the database stores them)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone(zone_name))


def clock_text(value: datetime | date | str | None, zone_name: str = "Asia/Shanghai") -> str:
    """``2026-12-01 14:05`` in the platform's zone, to the minute; a date stays a date; nothing is a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            parsed: datetime | date = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        return local_time(value, zone_name).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def day_text(value: datetime | date | None, zone_name: str = "Asia/Shanghai") -> str:
    """The calendar day in the platform's zone (an instant is converted first)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return local_time(value, zone_name).date().isoformat()
    return value.isoformat()


@pass_context
def _clock_filter(context: Context, value: datetime | date | str | None) -> str:
    return clock_text(value, context.get("zone_name") or "Asia/Shanghai")


@pass_context
def _day_filter(context: Context, value: datetime | date | None) -> str:
    return day_text(value, context.get("zone_name") or "Asia/Shanghai")


def install_filters(env_templates: Jinja2Templates) -> None:
    """``{{ value|clock }}`` and ``{{ value|day }}`` in the platform's zone (the context's ``zone_name``)."""
    env_templates.env.filters["clock"] = _clock_filter
    env_templates.env.filters["day"] = _day_filter


install_filters(templates)


def today_local(settings: Settings) -> date:
    """Today in the platform's zone."""
    return datetime.now(UTC).astimezone(_zone(settings.timezone)).date()


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
    zone_name = request.app.state.settings.timezone
    base = {
        "zone_name": zone_name,
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
    """The first page this principal may see: the landing page ``/`` for every staff role (its own view per
    role), the gate page for devices."""
    if principal is None:
        return "/login"
    if principal.role == Role.DEVICE:
        return "/attendance/devices"
    return "/"


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
