"""The command screen's reads beside the figures: the map's sub-regions (or a county's projects), trends,
rankings and the live feed — all from tallies except the feed (the newest alerts and complaints by id) —
and ``screen_view``, the one object the pages and ``GET /api/v1/screen`` return."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.complaints.feed import complaint_feed_items
from wageguard.complaints.models import Complaint
from wageguard.config import Settings
from wageguard.monitoring.models import Alert
from wageguard.monitoring.tallying import alert_feed_items
from wageguard.registry.models import Project, Region
from wageguard.screen import figures as F
from wageguard.screen.regions import ScreenRegion, map_file, resolve_region
from wageguard.screen.view import View
from wageguard.tallies.measures import ALL_TIME, Measure, day_key, month_key, months_back
from wageguard.timezones import zone

FEED_SIZE = 20
RANK_SIZE = 10
MEASURES = ("owed", "red_alerts", "on_time_rate", "risk")  # what the map may be coloured by
CHILD_MEASURES: dict[str, tuple[Measure, F.Period]] = {
    "projects": (Measure.PROJECTS, lambda _d: ALL_TIME),
    "workers": (Measure.WORKERS, lambda _d: ALL_TIME),
    "on_site": (Measure.ON_SITE, day_key),
    "owed_fen": (Measure.OWED, lambda _d: ALL_TIME),
    "owing": (Measure.OWING, lambda _d: ALL_TIME),
    "red_alerts": (Measure.ALERTS_RED, lambda _d: ALL_TIME),
    "risk_high": (Measure.RISK_HIGH, lambda _d: ALL_TIME),  # enterprises graded C/D (region rows only)
}


def view_of(region: ScreenRegion, today: date) -> View:
    return View(region.prefix, region.project_ids, today)


def own_view(*, session: Session, principal: Principal, today: date) -> View:
    """The view of the caller's own region (or, for an enterprise, its projects)."""
    return view_of(resolve_region(session=session, principal=principal, code=None), today)


def on_time_rate(projects: int, owing: int) -> float | None:
    """Share of the projects under construction that owe nothing now (None without projects)."""
    if projects <= 0:
        return None
    return round(max(0.0, 1 - owing / projects), 4)


def _pairs(today: date, params: dict[str, Any]) -> str:
    terms = []
    for n, (measure, period) in enumerate(CHILD_MEASURES.values()):
        params[f"m{n}"], params[f"p{n}"] = measure.value, period(today)
        terms.append(f"(measure = :m{n} AND period = :p{n})")
    return " OR ".join(terms)


def _figures_of(values: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {name: int(values.get(name, 0)) for name in CHILD_MEASURES}
    out["on_time_rate"] = on_time_rate(out["projects"], out["owing"])
    return out


def _name_of_measure(today: date) -> dict[tuple[str, str], str]:
    return {(m.value, p(today)): name for name, (m, p) in CHILD_MEASURES.items()}


def children(*, session: Session, region: ScreenRegion, today: date) -> list[dict[str, Any]]:
    """The sub-regions of a country, province or city with their map figures, every child listed (zeros
    when nothing is kept for it), by code."""
    if region.level not in ("country", "province", "city"):
        return []
    width = {"country": 2, "province": 4, "city": 6}[region.level]
    params: dict[str, Any] = {"prefix": f"{region.prefix or ''}%"}
    sql = (
        f"SELECT substr(region_code, 1, {width}), measure, period, SUM(value) FROM tallies "
        f"WHERE project_id = 0 AND region_code LIKE :prefix AND ({_pairs(today, params)}) GROUP BY 1, 2, 3"
    )
    names = _name_of_measure(today)
    sums: dict[str, dict[str, int]] = {}
    for head, measure, period, value in session.execute(text(sql), params):
        sums.setdefault(str(head).ljust(6, "0"), {})[names[(str(measure), str(period))]] = int(value or 0)
    if region.level == "country":
        listed = session.execute(select(Region.code, Region.name).where(Region.level == "province")).all()
    else:
        listed = session.execute(
            select(Region.code, Region.name).where(Region.parent_code == region.code)
        ).all()
    known = dict(listed)
    for code in sums:
        known.setdefault(code, code)
    return [
        {"code": code, "name": name, **_figures_of(sums.get(code, {})), "url": f"?region={code}"}
        for code, name in sorted(known.items())
    ]


def points(*, session: Session, region: ScreenRegion, today: date) -> list[dict[str, Any]]:
    """A county's (or an enterprise's) projects with their figures and coordinates, most owed first."""
    if region.level not in ("county", "projects"):
        return []
    params: dict[str, Any] = {}
    if region.project_ids is not None:
        scope = View(None, region.project_ids, today).rows_clause(params)
    else:
        params["county"] = region.code
        scope = "project_id > 0 AND region_code = :county"
    sql = (
        f"SELECT project_id, measure, period, value FROM tallies WHERE {scope} AND ({_pairs(today, params)})"
    )
    names = _name_of_measure(today)
    sums: dict[int, dict[str, int]] = {}
    for pid, measure, period, value in session.execute(text(sql), params):
        sums.setdefault(int(pid), {})[names[(str(measure), str(period))]] = int(value or 0)
    query = select(Project.id, Project.name, Project.lng, Project.lat, Project.region_code)
    if region.project_ids is not None:
        query = query.where(Project.id.in_(list(region.project_ids)))
    else:
        query = query.where(Project.region_code == region.code)
    out = []
    for pid, name, lng, lat, county in session.execute(query):
        figures = _figures_of(sums.get(int(pid), {}))
        out.append(
            {
                "id": int(pid),
                "name": name,
                "lng": lng,
                "lat": lat,
                "region_code": county,
                **figures,
                "url": f"/projects/{int(pid)}",
            }
        )
    return sorted(out, key=lambda p: (-p["owed_fen"], -p["red_alerts"], p["id"]))


def trends(*, session: Session, view: View) -> dict[str, Any]:
    """12 wage months paid vs declared, 12 months alerts raised vs finished, 30 days on site."""
    wage_months = months_back(F.wage_month(view.today), 12)
    months = months_back(month_key(view.today), 12)
    days = [day_key(view.today - timedelta(days=n)) for n in range(29, -1, -1)]
    keys = (
        [(Measure.PAID_FOR.value, m) for m in wage_months]
        + [(Measure.DECLARED.value, m) for m in wage_months]
        + [(Measure.ALERTS_RAISED.value, m) for m in months]
        + [(Measure.ALERTS_CLOSED.value, m) for m in months]
        + [(Measure.ON_SITE.value, d) for d in days]
    )
    found = view.sums(session, keys)
    return {
        "wage_months": wage_months,
        "paid_for_fen": [found.get((Measure.PAID_FOR.value, m), 0) for m in wage_months],
        "declared_fen": [found.get((Measure.DECLARED.value, m), 0) for m in wage_months],
        "months": months,
        "alerts_raised": [found.get((Measure.ALERTS_RAISED.value, m), 0) for m in months],
        "alerts_closed": [found.get((Measure.ALERTS_CLOSED.value, m), 0) for m in months],
        "days": days,
        "on_site": [found.get((Measure.ON_SITE.value, d), 0) for d in days],
    }


def rankings(*, session: Session, view: View, subregions: list[dict[str, Any]]) -> dict[str, Any]:
    """Enterprises (the projects' general contractors) by amount owed and by open alerts; sub-regions by
    on-time rate, lowest first (where to look). One statement: the view's project rows joined to their
    contractors, summed per contractor."""
    alert_measures = [Measure.ALERTS_RED, Measure.ALERTS_ORANGE, Measure.ALERTS_YELLOW]
    measures = [Measure.OWED, Measure.OWING, *alert_measures]
    params: dict[str, Any] = {f"k{n}": m.value for n, m in enumerate(measures)}
    marks = ", ".join(f":k{n}" for n in range(len(measures)))
    scope = view.rows_clause(params, projects=True, alias="t")
    sql = (
        "SELECT p.contractor_id, e.name, t.measure, SUM(t.value) FROM tallies t "
        "JOIN projects p ON p.id = t.project_id JOIN enterprises e ON e.id = p.contractor_id "
        f"WHERE t.period = '' AND t.value <> 0 AND t.measure IN ({marks}) AND {scope} "
        "GROUP BY p.contractor_id, e.name, t.measure"
    )
    per: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for eid, name, measure, value in session.execute(text(sql), params):
        acc = per.setdefault(int(eid), [0, 0, 0, 0])
        names[int(eid)] = str(name)
        if measure == Measure.OWED.value:
            acc[0] += int(value)
        elif measure == Measure.OWING.value:
            acc[1] += int(value)
        else:
            acc[2] += int(value)
            acc[3] += int(value) if measure == Measure.ALERTS_RED.value else 0
    by_owed = sorted((e for e in per.items() if e[1][0] > 0), key=lambda e: (-e[1][0], e[0]))[:RANK_SIZE]
    by_alerts = sorted((e for e in per.items() if e[1][2] > 0), key=lambda e: (-e[1][3], -e[1][2], e[0]))
    return {
        "enterprises_by_owed": [
            {
                "id": eid,
                "name": names.get(eid, ""),
                "owed_fen": v[0],
                "projects_owing": v[1],
                "url": f"/projects?enterprise={eid}&sort=owed&dir=desc",
            }
            for eid, v in by_owed
        ],
        "enterprises_by_alerts": [
            {
                "id": eid,
                "name": names.get(eid, ""),
                "open_alerts": v[2],
                "red_alerts": v[3],
                "url": f"/projects?enterprise={eid}&sort=owed&dir=desc",
            }
            for eid, v in by_alerts[:RANK_SIZE]
        ],
        "children_by_on_time": [
            {"code": c["code"], "name": c["name"], "on_time_rate": c["on_time_rate"], "url": c["url"]}
            for c in sorted(
                (c for c in subregions if c["on_time_rate"] is not None),
                key=lambda c: (c["on_time_rate"], c["code"]),
            )[:RANK_SIZE]
        ],
    }


def feed(*, session: Session, view: View) -> list[dict[str, Any]]:
    """The newest alerts and complaints of the view (newest first, by id: the primary key walks back)."""
    alert_scope: ColumnElement[bool]
    complaint_scope: ColumnElement[bool]
    if view.project_ids is not None:
        alert_scope = Alert.project_id.in_(list(view.project_ids))
        complaint_scope = Complaint.project_id.in_(list(view.project_ids))
    else:
        alert_scope = Alert.region_code.startswith(view.prefix or "")
        complaint_scope = Complaint.region_code.startswith(view.prefix or "")
    alert_ids = session.scalars(
        select(Alert.id).where(alert_scope).order_by(Alert.id.desc()).limit(FEED_SIZE)
    )
    complaint_ids = session.scalars(
        select(Complaint.id).where(complaint_scope).order_by(Complaint.id.desc()).limit(FEED_SIZE)
    )
    items = alert_feed_items(session, list(alert_ids)) + complaint_feed_items(session, list(complaint_ids))
    return sorted(items, key=lambda i: i["at"], reverse=True)[:FEED_SIZE]


def figure_links(region: ScreenRegion) -> dict[str, str]:
    """The list behind each figure."""
    county = f"?county={region.code}" if region.level == "county" else ""
    amp = f"&county={region.code}" if region.level == "county" else ""
    return {
        "projects_under_construction": f"/projects{county}",
        "registered_workers": f"/projects{county}",
        "workers_on_site_today": f"/projects{county}",
        "wages_paid_this_month": "/money",
        "wages_paid_this_year": "/money",
        "wages_paid_to_date": "/money",
        "wage_month_paid": "/money",
        "wage_month_declared": "/money",
        "projects_owing": f"/projects?sort=owed&dir=desc{amp}",
        "amount_owed": f"/projects?sort=owed&dir=desc{amp}",
        "workers_affected": f"/projects?sort=owed&dir=desc{amp}",
        "open_alerts": f"/alerts{county}",
        "complaints_this_month": "/cases",
        "complaints_in_time_share": "/cases",
    }


def local_now(settings: Settings, now: datetime) -> datetime:
    """``now`` (aware, or naive UTC) in the platform's zone."""
    aware = now if now.tzinfo is not None else now.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(zone(settings.timezone))


def work_day(settings: Settings, now: datetime) -> date:
    """The work day ``now`` falls in, in the platform's zone: before ``attendance_day_boundary`` (04:00) it
    is still the previous day's, as punches are counted (a night shift's on-site figure stays put)."""
    boundary = settings.attendance_day_boundary
    return (local_now(settings, now) - timedelta(hours=boundary.hour, minutes=boundary.minute)).date()


def localized_feed(items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Feed items with ``title`` in the reader's language (alerts carry both)."""
    out = []
    for item in items:
        shown = dict(item)
        if "title_zh" in item:
            shown["title"] = item["title_en"] if lang == "en" else item["title_zh"]
        out.append(shown)
    return out


def screen_view(
    *,
    session: Session,
    principal: Principal,
    settings: Settings,
    region_code: str | None,
    now: datetime,
    lang: str = "zh",
) -> dict[str, Any]:
    """Everything a screen shows, in one object (``GET /api/v1/screen``; the pages embed it)."""
    region = resolve_region(session=session, principal=principal, code=region_code)
    local = local_now(settings, now)
    today = work_day(settings, now)
    view = view_of(region, today)
    subregions = children(session=session, region=region, today=today)
    found = map_file(settings, region.code) if region.code else None
    return {
        "region": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "child_level": region.child_level,
            "parent": {"code": region.parent[0], "name": region.parent[1]} if region.parent else None,
        },
        "as_of": local.isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "month": month_key(today),
        "wage_month": F.wage_month(today),
        "figures": F.all_figures(session=session, view=view).as_dict(),
        "links": figure_links(region),
        "children": subregions,
        "points": points(session=session, region=region, today=today),
        "trends": trends(session=session, view=view),
        "rankings": rankings(session=session, view=view, subregions=subregions),
        "feed": localized_feed(feed(session=session, view=view), lang),
        "map": {
            "url": f"/screen/map/{region.code}" if found else None,
            "name_key": found.name_key if found else "name",
            "feature": region.name if region.level == "county" else None,
            "approval": settings.screen_map_approval,
        },
    }
