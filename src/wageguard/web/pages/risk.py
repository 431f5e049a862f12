"""The risk pages: ``/risk``, the inspection list "whom to visit this week" (inspectors and admins), and
``/enterprises/{id}``, one enterprise's score, factors, history, projects and alerts.

Enterprises never see another enterprise's score: an enterprise user gets 403 on the list and only its own
enterprise page (any other is 404, as is anything outside an inspector's reach); banks and devices 403.
Query parameters are checked here, not by FastAPI, so a bad one answers a bilingual 400 page.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal, region_prefix
from wageguard.errors import Forbidden, NotFound
from wageguard.monitoring.owing import owing_by_project
from wageguard.registry import region_queries
from wageguard.registry.choices import Role
from wageguard.risk import queries as risk_queries
from wageguard.risk.reasons import odds_factor, value_text
from wageguard.risk.scorecard import FACTOR_BY_KEY
from wageguard.web.deps import get_session, optional_principal
from wageguard.web.i18n import translate
from wageguard.web.pages import risk_text, risk_view
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
_ = risk_text  # the import installs these pages' messages in the shared catalogue
_COUNTY = re.compile(r"^\d{6}$")
_ID = re.compile(r"^\d{1,10}$")
LIST_PARAMS = ("county", "band", "lang")


def _staff_only(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect, or the 403 page for anyone but inspectors and admins."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.INSPECTOR, Role.ADMIN):
        return error_page(request, principal, Forbidden("the visit list is for inspectors"))
    return None


def _county_ok(principal: Principal, county: str) -> bool:
    if not _COUNTY.fullmatch(county):
        return False
    return principal.is_admin or (
        bool(principal.region_code) and county.startswith(region_prefix(principal.region_code or ""))
    )


def _bad_request(request: Request, principal: Principal, bad: list[str]) -> Response:
    lang = page_lang(request)
    comma = ", " if lang == "en" else "、"
    reasons = []
    if "county" in bad:
        reasons.append(translate(lang, "risk.bad_county"))
    if "band" in bad:
        reasons.append(translate(lang, "risk.bad_band", keys=comma.join(risk_view.BANDS)))
    others = [b for b in bad if b not in ("county", "band")]
    if others:
        reasons.append(translate(lang, "risk.bad_other", keys=comma.join(others)))
    message = translate(lang, "risk.bad_request", what=("; " if lang == "en" else "；").join(reasons))
    ctx = {"message": message, "home": "/risk", "signed_in": True}
    return render(request, "message.html", ctx, principal=principal, status_code=400)


@router.get("/risk")
def visit_list_page(request: Request, principal: Caller, session: DbSession) -> Response:
    """The enterprises the caller may see, worst first on the latest scored date, with grade and band,
    score, three reasons in words, projects and unfinished alerts; ``county`` and ``band`` narrow it."""
    denied = _staff_only(request, principal)
    if denied is not None or principal is None:
        return denied or login_redirect(request)
    qp = request.query_params
    county, band = (qp.get("county") or "").strip(), (qp.get("band") or "").strip()
    bad = [k for k in qp if k not in LIST_PARAMS]
    if county and not _county_ok(principal, county):
        bad.append("county")
    if band and band not in risk_view.BANDS:
        bad.append("band")
    if bad:
        return _bad_request(request, principal, bad)
    day, rows = risk_view.ranked(session, principal, county=county, band=band)
    counts = risk_view.counts(session, principal, [r["enterprise_id"] for r in rows])
    context = {
        "as_of": day,
        "rows": rows,
        "counts": counts,
        "county": county,
        "band": band,
        "bands": risk_view.BANDS,
        "counties": region_queries.county_summaries(session, principal),
    }
    return render(request, "risk/list.html", context, principal=principal)


def _factor_rows(latest: dict[str, Any] | None, lang: str) -> list[dict[str, Any]]:
    if latest is None:
        return []
    return [
        {
            "factor": f["factor"],
            "name": getattr(FACTOR_BY_KEY[f["factor"]], lang),
            "value": value_text(f["factor"], f["value"], lang),
            "points": int(f["points"]),
            "contribution": f.get("contribution"),
            "effect": odds_factor(float(f["contribution"])) if "contribution" in f else "",
        }
        for f in latest["factors"]
    ]


@router.get("/enterprises/{enterprise_id}")
def enterprise_page(request: Request, enterprise_id: str, principal: Caller, session: DbSession) -> Response:
    """One enterprise: its latest score (grade, band, data date), the points of each factor (table and
    chart), its score history, band worsenings, projects with the owes-wages answer and unfinished alerts.
    An id that is not a number in range is the 404 page, like any enterprise outside the caller's reach."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.INSPECTOR, Role.ADMIN, Role.ENTERPRISE):
        return error_page(request, principal, Forbidden("no enterprise pages for this role"))
    number = int(enterprise_id) if _ID.fullmatch(enterprise_id) else 0
    found = risk_view.visible_enterprise(session, principal, number) if 0 < number < 2**31 else None
    if found is None:
        return error_page(request, principal, NotFound(f"enterprise {enterprise_id!r} not found"))
    enterprise, region_name = found
    context = _enterprise_context(session, principal, number, page_lang(request))
    context.update(enterprise=enterprise, region_name=region_name)
    return render(request, "risk/enterprise.html", context, principal=principal)


def _enterprise_context(session: Session, principal: Principal, number: int, lang: str) -> dict[str, Any]:
    """The enterprise page's reads: score, factors (table and chart data), history, band worsenings,
    projects with their owes-wages answers, unfinished alerts."""
    latest = risk_queries.latest_score(session, principal, number)
    history = risk_queries.score_history(session, principal, number)
    projects = risk_view.enterprise_projects(session, principal, number)
    project_ids = [p.id for p in projects]
    factors = _factor_rows(latest, lang)
    return {
        "latest": latest,
        "factors": factors,
        "factor_chart": json.dumps([{"n": f["name"], "p": f["points"]} for f in factors], ensure_ascii=False),
        "history": history,
        "history_chart": json.dumps([{"d": h["as_of"].isoformat(), "t": h["total"]} for h in history]),
        "changes": risk_queries.band_changes(session, principal, number),
        "projects": projects,
        "owing": owing_by_project(session=session, principal=principal, project_ids=project_ids),
        "alerts": risk_view.enterprise_alerts(session, principal, number, project_ids),
        "yuan": yuan,
    }
