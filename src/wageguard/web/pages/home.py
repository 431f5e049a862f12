"""The landing page ``/``, one per role: the inspector's region at a glance, the enterprise clerk's projects
and pay sheets due, the bank officer's accounts and failed payments. Anonymous visitors go to the login
page, devices to the gate page. Every figure is one read of ``monitoring/overview.py``."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.demo.progress import still_loading
from wageguard.monitoring import overview
from wageguard.monitoring.queries import region_names
from wageguard.registry.choices import Role
from wageguard.screen.figures import Figures, all_figures
from wageguard.screen.queries import own_view
from wageguard.web.assets import available
from wageguard.web.deps import get_session, get_settings_dep, optional_principal
from wageguard.web.pages import home_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import home_for, render, today_local

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TONGREN = "5206"
_ = home_text  # the import installs this page's messages in the shared catalogue


def _map(counties: list[Any]) -> dict[str, str] | None:
    """The ECharts county map coloured by amount owed (yuan), when installed and the counties are
    Tongren's."""
    tongren = [c for c in counties if c.code.startswith(TONGREN)]
    if not tongren or not available().county_map:
        return None
    values = [{"name": c.name, "value": c.owed_fen / 100, "code": c.code} for c in tongren]
    return {"geo": "/static/vendor/maps/tongren.geojson", "counts": json.dumps(values, ensure_ascii=False)}


def _figures(principal: Principal, session: Session, settings: Settings) -> Figures:
    """The screen's figures of the caller's own region or projects (one definition: screen/figures.py)."""
    return all_figures(
        session=session, view=own_view(session=session, principal=principal, today=today_local(settings))
    )


def _inspector(principal: Principal, session: Session, settings: Settings) -> dict[str, Any]:
    counties = overview.county_arrears(session=session, principal=principal)
    figures = _figures(principal, session, settings)
    region = principal.region_code or ""
    return {
        "region_name": region_names(session=session, codes=[region]).get(region, "") if region else "",
        "levels": figures.open_alerts,
        "figures": figures,
        "counties": counties,
        "totals": overview.arrears_totals(counties),
        "max_owed": max([c.owed_fen for c in counties] + [0]),
        "cases": overview.cases_due_this_week(
            session=session, principal=principal, today=today_local(settings)
        ),
        "map": _map(counties),
        "top": overview.top_owing_projects(session=session, principal=principal),
        "county_names": {c.code: c.name for c in counties},
    }


def _enterprise(principal: Principal, session: Session, settings: Settings) -> dict[str, Any]:
    return {
        "projects": overview.enterprise_projects(session=session, principal=principal),
        "levels": _figures(principal, session, settings).open_alerts,
        "due": overview.pay_sheets_due(session=session, principal=principal, today=today_local(settings)),
    }


def _bank(principal: Principal, session: Session) -> dict[str, Any]:
    failed_total, failed = overview.failed_payments(session=session, principal=principal)
    return {
        "accounts": overview.bank_accounts(session=session, principal=principal),
        "failed_total": failed_total,
        "failed": failed,
    }


@router.get("/")
def home_page(request: Request, principal: Caller, session: DbSession, settings: SettingsDep) -> Response:
    """The caller's landing page (the login page for a visitor, the gate page for a device)."""
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    if principal.role is Role.DEVICE:
        return RedirectResponse(home_for(principal), status_code=303)
    context: dict[str, Any] = {"yuan": yuan, "loading": still_loading(settings)}
    if principal.role is Role.ENTERPRISE:
        name, context = "home/enterprise.html", context | _enterprise(principal, session, settings)
    elif principal.role is Role.BANK:
        name, context = "home/bank.html", context | _bank(principal, session)
    else:
        name, context = "home/inspector.html", context | _inspector(principal, session, settings)
    return render(request, name, context, principal=principal)
