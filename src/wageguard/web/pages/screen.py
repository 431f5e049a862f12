"""The command screen's pages: ``/overview`` inside the app (base.html, light) and ``/screen`` for a wall
display (its own full-page template: a 1920×1080 canvas scaled to fit, dark, panels that rotate), both
``?region=CODE&measure=owed|red_alerts|on_time_rate|risk``; ``/screen/map/{code}`` serves a region's map file.

Each page is one read of ``screen/queries.py``'s ``screen_view`` (the object ``GET /api/v1/screen`` answers),
embedded as JSON so one request renders; ``static/js/screen.js`` draws it and follows
``/api/v1/screen/live`` (Server-Sent Events). Query parameters are checked here, not by FastAPI, so a bad one
answers the site's 400 page rather than JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Forbidden, NotFound, ValidationFailed, WageGuardError
from wageguard.registry.choices import Role
from wageguard.screen import queries, regions
from wageguard.web.deps import get_now, get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import error_message, translate
from wageguard.web.pages import screen_text
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Now = Annotated[datetime, Depends(get_now)]
_ = screen_text  # the import installs these pages' messages in the shared catalogue

VIEWERS = (Role.INSPECTOR, Role.ADMIN, Role.ENTERPRISE)
MEASURES = ("owed", "red_alerts", "on_time_rate", "risk")
REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")
# The figures of the top row, in order, with their unit (how screen.js formats them).
FIGURES: tuple[tuple[str, str], ...] = (
    ("projects_under_construction", "count"),
    ("registered_workers", "count"),
    ("workers_on_site_today", "count"),
    ("wages_paid_this_month", "fen"),
    ("wages_paid_this_year", "fen"),
    ("wages_paid_to_date", "fen"),
    ("wage_month_paid", "fen"),
    ("wage_month_declared", "fen"),
    ("projects_owing", "count"),
    ("amount_owed", "fen"),
    ("workers_affected", "count"),
    ("open_alerts", "levels"),
    ("complaints_this_month", "count"),
    ("complaints_in_time_share", "share"),
)
# The wall's top row; the other figures sit in its left column.
WALL_TOP = (
    "projects_under_construction",
    "registered_workers",
    "workers_on_site_today",
    "wages_paid_this_month",
    "wages_paid_this_year",
    "wages_paid_to_date",
    "amount_owed",
    "open_alerts",
)
# Messages screen.js needs, in the page's language.
SCRIPT_KEYS = (
    "screen.unit.wan_yuan",
    "screen.unit.yi_yuan",
    "screen.unit.yuan",
    "screen.hover.projects",
    "screen.hover.workers",
    "screen.hover.on_site",
    "screen.hover.owed",
    "screen.hover.owing",
    "screen.hover.red_alerts",
    "screen.hover.on_time_rate",
    "screen.series.paid",
    "screen.series.declared",
    "screen.series.raised",
    "screen.series.closed",
    "screen.series.on_site",
    "screen.kind.alert",
    "screen.kind.complaint",
    "screen.complaint_title",
    "screen.level.red",
    "screen.level.orange",
    "screen.level.yellow",
    "screen.live",
    "screen.live_lost",
    "screen.rank.none",
    "screen.feed_none",
    "screen.no_children",
    "screen.hover.risk_high",
    *(f"screen.measure.{m}" for m in MEASURES),
)


UNITS = {
    "projects_under_construction": "screen.unit.projects",
    "registered_workers": "screen.unit.people",
    "workers_on_site_today": "screen.unit.people",
    "projects_owing": "screen.unit.projects",
    "workers_affected": "screen.unit.people",
    "complaints_this_month": "screen.unit.cases",
}
YI_FEN, WAN_FEN = 10_000_000_000, 1_000_000  # 1 亿元 and 1 万元 in fen


def exact_yuan(fen: int) -> str:
    """Integer fen as yuan with thousands separators and two decimals (exact, no floats)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def shown(value: Any, kind: str, name: str, *, compact: bool) -> tuple[str, str, str]:
    """A figure as shown: (number, unit message key, exact text for the tooltip); ``—`` when unknown.
    Amounts in fen are yuan, in 亿元 / 万元 on the wall (``compact``); shares are percentages.
    ``static/js/screen.js`` formats live updates the same way."""
    if value is None:
        return "—", "", ""
    if kind == "share":
        return f"{float(value) * 100:.1f}%", "", ""
    if kind == "fen":
        fen = int(value)
        exact = exact_yuan(fen)
        if compact and abs(fen) >= YI_FEN:
            return f"{fen / YI_FEN:,.2f}", "screen.unit.yi_yuan", exact
        if compact and abs(fen) >= WAN_FEN:
            return f"{fen / WAN_FEN:,.2f}", "screen.unit.wan_yuan", exact
        return exact, "screen.unit.yuan", exact
    return f"{int(value):,}", UNITS.get(name, "screen.unit.alerts" if kind == "levels" else ""), ""


def _refusal(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect for a visitor, the 403 page for banks and devices, else nothing."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in VIEWERS:
        return error_page(request, principal, Forbidden("inspectors, admins and enterprises only"))
    return None


def _notice(request: Request, principal: Principal, message: str, status: int) -> Response:
    ctx = {"message": message, "home": "/", "signed_in": True}
    return render(request, "message.html", ctx, principal=principal, status_code=status)


def _bad_measure(request: Request, principal: Principal) -> Response:
    lang = page_lang(request)
    choices = (", " if lang == "en" else "、").join(MEASURES)
    return _notice(request, principal, translate(lang, "screen.bad_measure", choices=choices), 400)


def _domain_refusal(request: Request, principal: Principal, exc: WageGuardError) -> Response:
    """The region refused by ``screen_view``, its reason in the page language: 403 outside the caller's
    scope, 404 unknown, 422 malformed, else 400."""
    status = 400
    for cls, code in ((Forbidden, 403), (NotFound, 404), (ValidationFailed, 422)):
        if isinstance(exc, cls):
            status = code
    return _notice(request, principal, error_message(page_lang(request), exc), status)


def _json_for_script(value: Any) -> str:
    """JSON safe inside an inert ``<template>`` element: no markup can break out (``<``, ``>``, ``&``
    escaped); the CSP allows no inline script, so the page's data is never a ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _screen_page(
    request: Request,
    template: str,
    *,
    principal: Principal | None,
    session: Session,
    settings: Settings,
    now: datetime,
) -> Response:
    refused = _refusal(request, principal)
    if refused is not None or principal is None:
        return refused or login_redirect(request)
    measure = request.query_params.get("measure") or MEASURES[0]
    if measure not in MEASURES:
        return _bad_measure(request, principal)
    region = request.query_params.get("region") or None
    lang = page_lang(request)
    try:
        view = queries.screen_view(
            session=session, principal=principal, settings=settings, region_code=region, now=now, lang=lang
        )
    except WageGuardError as exc:
        return _domain_refusal(request, principal, exc)
    ctx = {
        "view": view,
        "view_json": _json_for_script(view),
        "texts_json": _json_for_script({key: translate(lang, key) for key in SCRIPT_KEYS}),
        "figures": FIGURES,
        "wall_top": [f for f in FIGURES if f[0] in WALL_TOP],
        "wall_side": [f for f in FIGURES if f[0] not in WALL_TOP],
        "measure": measure,
        "measures": MEASURES,
        "rotate_s": settings.screen_rotate_seconds,
        "shown": shown,
        "region_param": view["region"]["code"] if region else "",
    }
    return render(request, template, ctx, principal=principal)


@router.get("/overview")
def overview_page(
    request: Request, principal: Caller, session: DbSession, settings: SettingsDep, now: Now
) -> Response:
    """The region's figures, map, trends, rankings and live feed inside the app."""
    return _screen_page(
        request, "screen/overview.html", principal=principal, session=session, settings=settings, now=now
    )


@router.get("/screen")
def wall_page(
    request: Request, principal: Caller, session: DbSession, settings: SettingsDep, now: Now
) -> Response:
    """The same for a wall display: 1920×1080, dark, rotating panels, a clock."""
    return _screen_page(
        request, "screen/wall.html", principal=principal, session=session, settings=settings, now=now
    )


@router.get("/screen/map/{code}")
def map_file(request: Request, code: str, principal: Caller, settings: SettingsDep) -> Response:
    """The base map of a region (GeoJSON or ECharts' compressed form); 404 when the region has none."""
    refused = _refusal(request, principal)
    if refused is not None:
        return refused
    found = regions.map_file(settings, code) if REGION_CODE.match(code) else None
    if found is None or not found.path.is_file():
        return error_page(request, principal, NotFound(f"no map for region {code}"))
    headers = {"Cache-Control": "private, max-age=3600"}
    return FileResponse(found.path, media_type="application/json", headers=headers)
