"""Every figure of the command screen, defined once: one function per figure, named after it.

The screen (``/screen``, ``/overview``), the workbench landing and the API (``/api/v1/screen``) all read
these. Each takes the ``View`` (whose screen, which region, which day) and reads the tallies kept at ingest
and engine run — never the fact tables — except the complaint figures, read from the month's complaints
(a few thousand rows a month even for a province, through ``ix_complaints_received_region``).

``LIVE`` says which tally (measure, period) each figure adds up, so a live event's changes become the
figures' deltas by the same definitions (``live_deltas``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from wageguard.complaints.choices import CaseState
from wageguard.complaints.models import Complaint
from wageguard.screen.view import View
from wageguard.tallies.measures import ALL_TIME, Measure, day_key, month_key, year_key

LEVELS = ("red", "orange", "yellow")
HANDLED = (CaseState.RESOLVED.value, CaseState.CLOSED.value, CaseState.NOT_ACCEPTED.value)


def wage_month(today: date) -> str:
    """The wage month paid this month (wages of a month are paid in the next): the previous month."""
    return month_key(today.replace(day=1) - timedelta(days=1))


Period = Callable[[date], str]
LIVE: dict[str, tuple[Measure, Period]] = {
    "projects_under_construction": (Measure.PROJECTS, lambda _d: ALL_TIME),
    "registered_workers": (Measure.WORKERS, lambda _d: ALL_TIME),
    "workers_on_site_today": (Measure.ON_SITE, day_key),
    "wages_paid_this_month": (Measure.PAID, month_key),
    "wages_paid_this_year": (Measure.PAID, year_key),
    "wages_paid_to_date": (Measure.PAID, lambda _d: ALL_TIME),
    "wage_month_paid": (Measure.PAID_FOR, wage_month),
    "wage_month_declared": (Measure.DECLARED, wage_month),
    "projects_owing": (Measure.OWING, lambda _d: ALL_TIME),
    "amount_owed": (Measure.OWED, lambda _d: ALL_TIME),
    "workers_affected": (Measure.OWED_WORKERS, lambda _d: ALL_TIME),
    "open_alerts_red": (Measure.ALERTS_RED, lambda _d: ALL_TIME),
    "open_alerts_orange": (Measure.ALERTS_ORANGE, lambda _d: ALL_TIME),
    "open_alerts_yellow": (Measure.ALERTS_YELLOW, lambda _d: ALL_TIME),
}


def _tally(session: Session, view: View, name: str) -> int:
    measure, period = LIVE[name]
    return view.sum(session, measure, period(view.today))


def projects_under_construction(*, session: Session, view: View) -> int:
    """Projects whose registered status is 在建 (under construction)."""
    return _tally(session, view, "projects_under_construction")


def registered_workers(*, session: Session, view: View) -> int:
    """Workers registered on a project by real name and not exited (one per engagement)."""
    return _tally(session, view, "registered_workers")


def workers_on_site_today(*, session: Session, view: View) -> int:
    """Workers with attendance today (the platform's day) on a project of the view."""
    return _tally(session, view, "workers_on_site_today")


def wages_paid_this_month(*, session: Session, view: View) -> int:
    """Fen transferred successfully to workers this calendar month (by the bank's value date)."""
    return _tally(session, view, "wages_paid_this_month")


def wages_paid_this_year(*, session: Session, view: View) -> int:
    return _tally(session, view, "wages_paid_this_year")


def wages_paid_to_date(*, session: Session, view: View) -> int:
    return _tally(session, view, "wages_paid_to_date")


def wage_month_paid(*, session: Session, view: View) -> int:
    """Fen paid for the wage month due this month (``wage_month``), whenever transferred."""
    return _tally(session, view, "wage_month_paid")


def wage_month_declared(*, session: Session, view: View) -> int:
    """Net fen declared on the current pay sheets of the wage month due this month."""
    return _tally(session, view, "wage_month_declared")


def projects_owing(*, session: Session, view: View) -> int:
    """Projects that owe wages now (``monitoring/owing.py``'s answer, kept at each engine run)."""
    return _tally(session, view, "projects_owing")


def amount_owed(*, session: Session, view: View) -> int:
    return _tally(session, view, "amount_owed")


def workers_affected(*, session: Session, view: View) -> int:
    return _tally(session, view, "workers_affected")


def open_alerts_by_level(*, session: Session, view: View) -> dict[str, int]:
    """Unfinished alerts per level (red, orange, yellow; every level present)."""
    keys = {level: LIVE[f"open_alerts_{level}"] for level in LEVELS}
    found = view.sums(session, [(m, p(view.today)) for m, p in keys.values()])
    return {level: found.get((m, p(view.today)), 0) for level, (m, p) in keys.items()}


def _complaints_scope(view: View) -> ColumnElement[bool]:
    if view.project_ids is not None:
        return Complaint.project_id.in_(list(view.project_ids))
    return Complaint.region_code.startswith(view.prefix or "")


def _this_month(view: View) -> ColumnElement[bool]:
    return and_(Complaint.received_date >= view.today.replace(day=1), _complaints_scope(view))


def complaints_this_month(*, session: Session, view: View) -> int:
    """Complaints received this month."""
    return int(session.scalar(select(func.count()).where(_this_month(view))) or 0)


def complaints_in_time_share(*, session: Session, view: View) -> float | None:
    """Of this month's complaints whose handling is judged (handled, or past their due date unhandled), the
    share handled by the statutory limit: accepted or refused by ``accept_due``, resolved or closed by
    ``finish_due``. None when none is judged yet."""
    handled_on = func.coalesce(Complaint.resolved_date, Complaint.closed_date)
    due = func.coalesce(Complaint.finish_due, Complaint.accept_due)
    handled = Complaint.state.in_(HANDLED)
    in_time = and_(handled, or_(handled_on.is_(None), handled_on <= due))
    judged = or_(handled, due < view.today)
    row = session.execute(
        select(func.sum(case((in_time, 1), else_=0)), func.sum(case((judged, 1), else_=0))).where(
            _this_month(view), Complaint.state != CaseState.WITHDRAWN.value
        )
    ).one()
    ok, total = int(row[0] or 0), int(row[1] or 0)
    return round(ok / total, 4) if total else None


@dataclass(frozen=True)
class Figures:
    projects_under_construction: int
    registered_workers: int
    workers_on_site_today: int
    wages_paid_this_month: int
    wages_paid_this_year: int
    wages_paid_to_date: int
    wage_month_paid: int
    wage_month_declared: int
    projects_owing: int
    amount_owed: int
    workers_affected: int
    open_alerts: dict[str, int]
    complaints_this_month: int
    complaints_in_time_share: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def all_figures(*, session: Session, view: View) -> Figures:
    """Every figure of the view; the tally figures in one statement (each still defined above)."""
    keys = {name: (m, p(view.today)) for name, (m, p) in LIVE.items()}
    found = view.sums(session, list(keys.values()))
    value = {name: found.get(key, 0) for name, key in keys.items()}
    return Figures(
        projects_under_construction=value["projects_under_construction"],
        registered_workers=value["registered_workers"],
        workers_on_site_today=value["workers_on_site_today"],
        wages_paid_this_month=value["wages_paid_this_month"],
        wages_paid_this_year=value["wages_paid_this_year"],
        wages_paid_to_date=value["wages_paid_to_date"],
        wage_month_paid=value["wage_month_paid"],
        wage_month_declared=value["wage_month_declared"],
        projects_owing=value["projects_owing"],
        amount_owed=value["amount_owed"],
        workers_affected=value["workers_affected"],
        open_alerts={level: value[f"open_alerts_{level}"] for level in LEVELS},
        complaints_this_month=complaints_this_month(session=session, view=view),
        complaints_in_time_share=complaints_in_time_share(session=session, view=view),
    )


@lru_cache(maxsize=4)
def _figures_of_tallies(today: date) -> dict[tuple[str, str], list[str]]:
    """(measure, period) -> the figures summing it, on ``today``."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for name, (measure, period) in LIVE.items():
        wanted.setdefault((measure.value, period(today)), []).append(name)
    return wanted


def live_deltas(changes: list[list[Any]], today: date) -> dict[str, Any]:
    """The figures' deltas of one event's tally changes ``[measure, period, project, region, delta]``
    (already filtered to the viewer): the same shape as ``Figures.as_dict`` (alerts nested by level)."""
    wanted = _figures_of_tallies(today)
    out: dict[str, Any] = {}
    for measure, period, _pid, _region, delta in changes:
        for name in wanted.get((measure, period), ()):
            if name.startswith("open_alerts_"):
                levels = out.setdefault("open_alerts", {})
                level = name.removeprefix("open_alerts_")
                levels[level] = levels.get(level, 0) + delta
            else:
                out[name] = out.get(name, 0) + delta
    return out
