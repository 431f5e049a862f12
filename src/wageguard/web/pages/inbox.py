"""The alert inbox an inspector can work: one row per alert (grouped per project and month), sortable on
every column and filterable, counts per level, bulk acknowledge / assign, and an XLSX export of the same
filtered, sorted list.

Inspectors and admins see their region and act on it; an enterprise user sees the alerts on its own
projects, read only (no bulk actions, no assignee filter); banks and devices get the site's 403 page.
Query parameters are checked here, not by FastAPI, so a bad one answers a 400 page rather than JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Forbidden, ValidationFailed
from wageguard.exports.cells import safe_sheet_title, write_row
from wageguard.monitoring import queries, service
from wageguard.monitoring.choices import AlertStatus, EventAction, Level
from wageguard.monitoring.rules import catalogue
from wageguard.registry.choices import Role
from wageguard.web import csrf
from wageguard.web.deps import get_database, get_session, get_settings_dep, optional_principal
from wageguard.web.i18n import translate
from wageguard.web.pages import inbox_text
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import error_page, login_redirect, page_lang, render, today_local

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal | None, Depends(optional_principal)]
DbSession = Annotated[Session, Depends(get_session)]
PAGE_SIZE = 50
EXPORT_MAX = 20_000
YUAN_FORMAT = "#,##0.00"
DESCENDING_FIRST = frozenset({"level", "workers", "amount", "age"})  # a first click shows the largest
COLUMNS = (
    ("level", "inbox.level"),
    ("rule", "inbox.rule"),
    ("project", "inbox.project"),
    ("county", "inbox.county"),
    ("workers", "inbox.workers"),
    ("amount", "inbox.amount"),
    ("age", "inbox.age"),
    ("status", "inbox.status"),
    ("assignee", "inbox.assignee"),
)
REFUSALS = ("not_found", "status", "assignee")
_DIGITS = re.compile(r"^\d{1,12}$")
_REFUSED = re.compile(r"^(\d{1,12})-(not_found|status|assignee)$")
_ = inbox_text  # the import installs this page's messages in the shared catalogue


@dataclass(frozen=True)
class Chosen:
    """The inbox's query parameters, checked."""

    level: str = ""
    rule: str = ""
    county: str = ""
    project: str = ""  # the old numeric project id (links from other pages)
    q: str = ""  # part of a project's name or code
    status: str = ""
    assignee: str = ""
    mine: str = ""
    sort: str = ""
    dir: str = ""

    def params(self, **override: str) -> dict[str, str]:
        values = {**self.__dict__, **override}
        return {k: v for k, v in values.items() if v}


def _rule_codes() -> set[str]:
    return {r.code for r in catalogue()}


def _choose(request: Request, principal: Principal) -> tuple[Chosen, int, list[str]]:
    """The checked parameters, the offset, and the names of any bad ones."""
    qp = request.query_params
    get = {k: (qp.get(k) or "").strip() for k in Chosen.__dataclass_fields__}
    checks: dict[str, Callable[[str], bool]] = {
        "level": lambda v: v in {lv.value for lv in Level},
        "rule": lambda v: v in _rule_codes(),
        "county": lambda v: re.fullmatch(r"\d{6}", v) is not None,
        "project": lambda v: _DIGITS.fullmatch(v) is not None,
        "q": lambda v: len(v) <= 100,
        "status": lambda v: v in {s.value for s in AlertStatus},
        "assignee": lambda v: _DIGITS.fullmatch(v) is not None,
        "mine": lambda v: v == "1",
        "sort": lambda v: v in queries.SORT_KEYS,
        "dir": lambda v: v in ("asc", "desc"),
    }
    bad = [name for name, ok in checks.items() if get[name] and not ok(get[name])]
    offset_text = qp.get("offset") or "0"
    if not _DIGITS.fullmatch(offset_text) or int(offset_text) > 10_000_000:
        bad.append("offset")
    if principal.role is Role.ENTERPRISE:  # no assignee filter for an enterprise
        get["assignee"] = get["mine"] = ""
    return Chosen(**get), int(offset_text) if "offset" not in bad else 0, bad


def _alert_filter(chosen: Chosen, principal: Principal, limit: int, offset: int) -> queries.AlertFilter:
    assignee = int(chosen.assignee) if chosen.assignee else None
    if chosen.mine:
        assignee = principal.user_id if principal.user_id is not None else -1
    sort_dir = chosen.dir or ("desc" if chosen.sort in DESCENDING_FIRST else "asc")
    return queries.AlertFilter(
        level=chosen.level or None,
        rule=chosen.rule or None,
        county=chosen.county or None,
        project_id=int(chosen.project) if chosen.project else None,
        status=chosen.status or None,
        limit=limit,
        offset=offset,
        project_text=chosen.q or None,
        assignee_user_id=assignee,
        sort=chosen.sort,
        descending=sort_dir == "desc",
    )


def _deny(request: Request, principal: Principal | None) -> Response | None:
    """A login redirect, or the 403 page for callers who see no alerts (banks, devices)."""
    if principal is None:
        return login_redirect(request)
    if principal.role not in (Role.INSPECTOR, Role.ADMIN, Role.ENTERPRISE):
        return error_page(request, principal, Forbidden("no alerts for this role"))
    return None


def _may_act(principal: Principal) -> bool:
    return principal.role in (Role.INSPECTOR, Role.ADMIN)


def _notice_page(request: Request, principal: Principal, message: str, status: int, home: str) -> Response:
    ctx = {"message": message, "home": home, "signed_in": True}
    return render(request, "message.html", ctx, principal=principal, status_code=status)


def _bad_request(request: Request, principal: Principal, bad: list[str]) -> Response:
    lang = page_lang(request)
    comma = ", " if lang == "en" else "、"
    what = comma.join(bad)
    if "sort" in bad:
        what += "（" if lang == "zh" else " ("
        what += translate(lang, "inbox.sort_choices", keys=comma.join(queries.SORT_KEYS))
        what += "）" if lang == "zh" else ")"
    message = translate(lang, "inbox.bad_request", what=what)
    return _notice_page(request, principal, message, 400, "/alerts")


def _url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


@dataclass(frozen=True)
class Row:
    """One inbox row as shown (and exported)."""

    id: int
    level: str
    rule_code: str
    rule_title: str
    project_code: str | None
    project_name: str | None
    period: str
    county_code: str
    county_name: str
    workers: int | None
    amount_fen: int | None
    first_seen_on: date
    age_days: int
    status: str
    still_holds: bool
    assignee_name: str | None


def _rows(found: list[queries.InboxRow], today: date, en: bool) -> list[Row]:
    titles = {r.code: (r.title_en if en else r.title_zh) for r in catalogue()}
    out = []
    for r in found:
        a = r.alert
        out.append(
            Row(
                a.id,
                a.level,
                a.rule_code,
                titles.get(a.rule_code, ""),
                r.project_code,
                r.project_name,
                a.period,
                a.region_code,
                r.county_name or a.region_code,
                a.workers,
                a.amount_fen,
                a.first_seen_on,
                max((today - a.first_seen_on).days, 0),
                a.status,
                a.still_holds,
                a.assignee_name,
            )
        )
    return out


def _bulk_notice(request: Request) -> dict[str, Any] | None:
    """The outcome of a bulk action the redirect carries back (``done``, ``n``, ``refused``)."""
    qp, lang = request.query_params, page_lang(request)
    done = qp.get("done") or ""
    if done not in ("acknowledged", "assigned") or not _DIGITS.fullmatch(qp.get("n") or ""):
        return None
    refused = []
    for part in (qp.get("refused") or "").split("."):
        if m := _REFUSED.fullmatch(part):
            refused.append(translate(lang, f"inbox.refused_{m.group(2)}", id=m.group(1)))
    return {"done": translate(lang, f"inbox.done_{done}", n=int(qp.get("n") or 0)), "refused": refused}


@router.get("/alerts")
def inbox_page(
    request: Request,
    principal: Caller,
    session: DbSession,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Response:
    """The caller's alerts: filters, counts per level, sortable columns, bulk actions, export link."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    chosen, offset, bad = _choose(request, principal)
    if bad:
        return _bad_request(request, principal, bad)
    en = page_lang(request) == "en"
    lang = "en" if en else "zh"
    f = _alert_filter(chosen, principal, PAGE_SIZE, offset)
    total, found = queries.inbox_rows(session=session, principal=principal, f=f)
    counts = queries.level_counts(session=session, principal=principal, f=f)
    acting = _may_act(principal)
    inspectors = queries.region_inspectors(session=session, principal=principal) if acting else []
    picked_project = None
    if chosen.project:
        names = queries.project_names(session=session, project_ids=[int(chosen.project)])
        code, name = names.get(int(chosen.project), ("", chosen.project))
        picked_project = {"code": code, "name": name, "drop": _url("/alerts", chosen.params(project=""))}

    columns = []
    for key, label in COLUMNS:
        current = chosen.sort == key
        now_desc = f.descending if current else None
        next_dir = (
            ("asc" if now_desc else "desc") if current else ("desc" if key in DESCENDING_FIRST else "asc")
        )
        columns.append(
            {
                "key": key,
                "label": translate(lang, label),
                "url": _url("/alerts", chosen.params(sort=key, dir=next_dir)),
                "aria": ("descending" if now_desc else "ascending") if current else None,
                "num": key in ("workers", "amount", "age"),
            }
        )
    level_links = [
        {
            "level": lv.value,
            "n": counts.get(lv.value, 0),
            "url": _url("/alerts", chosen.params(level=lv.value)),
            "current": chosen.level == lv.value,
        }
        for lv in Level
    ]
    here = chosen.params()
    ctx = {
        "rows": _rows(found, today_local(settings), en),
        "total": total,
        "chosen": chosen,
        "columns": columns,
        "level_links": level_links,
        "all_levels": {"n": sum(counts.values()), "url": _url("/alerts", chosen.params(level=""))},
        "counties": queries.alert_counties(session=session, principal=principal),
        "rules": {r.code: (r.title_en if en else r.title_zh) for r in catalogue()},
        "levels": [lv.value for lv in Level],
        "statuses": [s.value for s in AlertStatus],
        "inspectors": inspectors,
        "picked_project": picked_project,
        "acting": acting,
        "yuan": yuan,
        "csrf": csrf.token_for(request),
        "back": _url("/alerts", {**here, **({"offset": str(offset)} if offset else {})}),
        "export_url": _url("/alerts.xlsx", here),
        "reset_url": _url("/alerts", {k: v for k, v in here.items() if k in ("sort", "dir")}),
        "prev_url": _url("/alerts", {**here, "offset": str(max(offset - PAGE_SIZE, 0))}) if offset else None,
        "next_url": _url("/alerts", {**here, "offset": str(offset + PAGE_SIZE)})
        if offset + PAGE_SIZE < total
        else None,
        "notice": _bulk_notice(request) if acting else None,
    }
    return render(request, "alerts/inbox.html", ctx, principal=principal)


def _workbook(rows: list[Row], lang: str) -> bytes:
    """The filtered list as a sheet: bilingual headers, amounts as yuan numbers (#,##0.00), no more personal
    data than the page shows (the assignee's display name)."""
    import openpyxl

    def t(key: str) -> str:
        return translate(lang, key)

    header = [
        "预警编号 Alert",
        "级别 Level",
        "规则 Rule",
        "规则名称 Rule title",
        "项目编号 Project code",
        "项目名称 Project",
        "所属月份 Month",
        "区县 County",
        "涉及人数 Workers",
        "涉及金额（元） Amount (yuan)",
        "首次发现 First seen",
        "发现至今（天） Age (days)",
        "处理状态 Status",
        "处理人 Assignee",
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = safe_sheet_title(t("inbox.sheet"))
    write_row(sheet, header)
    for r in rows:
        amount = Decimal(r.amount_fen).scaleb(-2) if r.amount_fen is not None else None
        write_row(
            sheet,
            [
                r.id,
                t(f"alert.level.{r.level}"),
                r.rule_code,
                r.rule_title,
                r.project_code or "",
                r.project_name or "",
                r.period,
                r.county_name,
                r.workers,
                amount,
                r.first_seen_on.isoformat(),
                r.age_days,
                t(f"alert.status.{r.status}"),
                r.assignee_name or "",
            ],
        )
        sheet.cell(row=sheet.max_row, column=10).number_format = YUAN_FORMAT
    for column, width in zip(
        "ABCDEFGHIJKLMN", (10, 8, 8, 24, 18, 32, 10, 12, 10, 16, 12, 10, 10, 14), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@router.get("/alerts.xlsx")
def inbox_export(
    request: Request,
    principal: Caller,
    session: DbSession,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Response:
    """The inbox's filtered, sorted list (every page, up to EXPORT_MAX rows) as XLSX."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    chosen, _offset, bad = _choose(request, principal)
    if bad:
        return _bad_request(request, principal, bad)
    lang = page_lang(request)
    f = _alert_filter(chosen, principal, EXPORT_MAX, 0)
    _total, found = queries.inbox_rows(session=session, principal=principal, f=f)
    content = _workbook(_rows(found, today_local(settings), lang == "en"), lang)
    name = f"alerts-{today_local(settings).isoformat()}.xlsx"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _safe_back(back: str) -> str:
    """Where to return after a bulk action: the inbox (with its filters), never another site."""
    if back == "/alerts" or (back.startswith("/alerts?") and "//" not in back and "\\" not in back):
        return back
    return "/alerts"


@router.post("/alerts/bulk")
def inbox_bulk(
    request: Request,
    principal: Caller,
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
    action: Annotated[str, Form(max_length=24)] = "",
    ids: Annotated[list[str] | None, Form(max_length=service.BULK_MAX)] = None,
    assignee: Annotated[str, Form(max_length=12)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/alerts",
    token: Annotated[str, Form(alias="csrf", max_length=400)] = "",
) -> Response:
    """Acknowledge or assign the ticked alerts; back to the inbox (303) with what was done and refused."""
    if (denied := _deny(request, principal)) is not None:
        return denied
    assert principal is not None
    if not _may_act(principal):
        return error_page(request, principal, Forbidden("inspectors only"))
    lang, home = page_lang(request), _safe_back(back)
    if not csrf.check(settings.session_secret, request.cookies.get(csrf.CSRF_COOKIE), token):
        return _notice_page(request, principal, translate(lang, "inbox.csrf"), 403, home)
    chosen_ids = [int(i) for i in (ids or []) if _DIGITS.fullmatch(i)]
    if action not in ("acknowledged", "assigned"):
        return _notice_page(request, principal, translate(lang, "inbox.bad_action"), 422, home)
    if not chosen_ids:
        return _notice_page(request, principal, translate(lang, "inbox.none_selected"), 422, home)
    if action == "assigned" and not _DIGITS.fullmatch(assignee):
        return _notice_page(request, principal, translate(lang, "inbox.assignee_missing"), 422, home)
    try:
        with db.transaction() as session:
            outcome = service.act_on_alerts(
                session=session,
                principal=principal,
                alert_ids=chosen_ids,
                action=EventAction(action),
                assignee_user_id=int(assignee) if action == "assigned" else None,
            )
    except ValidationFailed as exc:
        message = exc.message_zh if lang == "zh" else str(exc)
        return _notice_page(request, principal, message, 422, home)
    result = {"done": action, "n": str(len(outcome.applied))}
    if outcome.refused:
        result["refused"] = ".".join(f"{i}-{why}" for i, why in outcome.refused[:50])
    sep = "&" if "?" in home else "?"
    return RedirectResponse(f"{home}{sep}{urlencode(result)}", status_code=303)
