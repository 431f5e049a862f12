"""Does a project owe wages, how much and since when — read from the alerts table alone.

The arrears rules (``ARREARS_RULES``) each write one alert per project and month with the amount owed and
the workers affected. They overlap: W06 (attended, not paid) and W08 (paid less than declared) name
workers; W17 (group arrears) and W18 (criminal threshold) restate the same month's arrears for the project;
W05 (pay sheet overdue) estimates what is owed before any sheet exists; W19 (departed, not settled) is the
departed workers' share of W06/W08. W06, W17 and W05 are about the same unpaid workers (nothing paid),
W08 about other workers (paid something, less than declared: its condition needs a payment, W06's needs
none). So per project and month: the largest amount and head-count among the unpaid rules (W05/W06/W17,
never their sum) plus W08's amount and head-count, at least W19's (a floor, never added); a project's figure
is the sum of its months' amounts and its largest monthly head-count; ``since`` is its earliest such
month. An alert without a month (W18 sums a project's arrears over several months) is not one more
month: it is a floor under the monthly sum (its amount and head-count count when larger), never added to
it. Only unfinished alerts whose finding still holds count: a resolved or cleared alert no longer says
the project owes. Reads are scoped like every alert read (inspector: region; enterprise: its projects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.monitoring.choices import FINISHED
from wageguard.monitoring.models import Alert
from wageguard.registry.models import Project, Region

ARREARS_RULES = ("W05", "W06", "W08", "W17", "W18", "W19")
UNPAID_RULES = ("W05", "W06", "W17", "W18")  # nothing paid (W18: over months)
SHORT_RULES = ("W08",)  # paid less than declared: other workers than the unpaid ones
DEPARTED_RULES = ("W19",)  # departed workers unpaid or paid short: some of the above, never more


@dataclass(frozen=True)
class Owing:
    project_id: int
    owes: bool
    owed_fen: int
    workers: int
    since: str | None
    open_alerts: int
    red_alerts: int


@dataclass(frozen=True)
class CountyOwing:
    code: str
    name: str
    projects: int
    projects_owing: int
    owed_fen: int
    workers: int
    open_alerts: int
    red_alerts: int


def _scope(principal: Principal) -> ColumnElement[bool]:
    return principal.project_clause(Alert.project_id, Alert.region_code)  # type: ignore[arg-type]


def _unfinished() -> ColumnElement[bool]:
    return Alert.status.not_in([s.value for s in FINISHED])


def _largest(column: Any, where: ColumnElement[bool]) -> ColumnElement[int]:
    """The largest value of ``column`` among the group's rows matching ``where`` (0 when none)."""
    return func.coalesce(func.max(case((where, func.coalesce(column, 0)), else_=0)), 0)


def owing_by_project(
    *, session: Session, principal: Principal, project_ids: list[int] | None = None
) -> dict[int, Owing]:
    """The owes-wages answer per project in scope (only projects with an unfinished alert are listed, unless
    ``project_ids`` names them: those are always answered, ``owes=False`` when nothing is owed)."""
    scope = _scope(principal)
    only = [Alert.project_id.in_(project_ids)] if project_ids is not None else []
    unpaid = Alert.rule_code.in_(UNPAID_RULES)
    short = Alert.rule_code.in_(SHORT_RULES)
    departed = Alert.rule_code.in_(DEPARTED_RULES)
    months = (
        select(
            Alert.project_id.label("pid"),
            Alert.period.label("period"),
            _largest(Alert.amount_fen, unpaid),
            _largest(Alert.amount_fen, short),
            _largest(Alert.amount_fen, departed),
            _largest(Alert.workers, unpaid),
            _largest(Alert.workers, short),
            _largest(Alert.workers, departed),
        )
        .where(
            scope,
            *only,
            _unfinished(),
            Alert.still_holds.is_(True),
            Alert.rule_code.in_(ARREARS_RULES),
            Alert.project_id.is_not(None),
        )
        .group_by(Alert.project_id, Alert.period)
        .subquery()
    )
    monthly: dict[int, tuple[int, int, str | None]] = {}
    standing: dict[int, tuple[int, int]] = {}  # alerts without a month (W18: arrears summed over months)
    for pid, period, *figures in session.execute(select(months)):
        a_unpaid, a_short, a_departed, w_unpaid, w_short, w_departed = (int(f or 0) for f in figures)
        # unpaid and paid-short workers are different people; the departed are some of them (a floor)
        pid = int(pid)
        amount = max(a_unpaid + a_short, a_departed)
        workers = max(w_unpaid + w_short, w_departed)
        if period:
            before = monthly.get(pid, (0, 0, None))
            first = min(p for p in (before[2], period) if p)
            monthly[pid] = (before[0] + amount, max(before[1], workers), first)
        else:
            standing[pid] = (amount, workers)
    owed: dict[int, tuple[int, int, str | None]] = {}
    for pid in set(monthly) | set(standing):
        m_amount, m_workers, since = monthly.get(pid, (0, 0, None))
        s_amount, s_workers = standing.get(pid, (0, 0))
        owed[pid] = (max(m_amount, s_amount), max(m_workers, s_workers), since)
    counts = {
        int(pid): (int(n), int(red or 0))
        for pid, n, red in session.execute(
            select(Alert.project_id, func.count(), func.sum(case((Alert.level == "red", 1), else_=0)))
            .where(scope, *only, _unfinished(), Alert.project_id.is_not(None))
            .group_by(Alert.project_id)
        )
    }
    ids = set(project_ids) if project_ids is not None else set(owed) | set(counts)
    out: dict[int, Owing] = {}
    for pid in ids:
        amount, workers, since = owed.get(pid, (0, 0, None))
        n, red = counts.get(pid, (0, 0))
        out[pid] = Owing(pid, amount > 0, amount, workers, since if amount > 0 else None, n, red)
    return out


def owing_by_county(*, session: Session, principal: Principal) -> list[CountyOwing]:
    """Per county in scope: projects, projects owing, amount owed, workers affected, open and red alerts."""
    owing = owing_by_project(session=session, principal=principal)
    project_scope = principal.project_clause(Project.id, Project.region_code)
    county_of: dict[int, str] = {}
    totals: dict[str, list[int]] = {}
    for pid, code in session.execute(select(Project.id, Project.region_code).where(project_scope)):
        county_of[int(pid)] = code
        totals.setdefault(code, [0, 0, 0, 0, 0, 0])[0] += 1
    for pid, o in owing.items():
        county = county_of.get(pid)
        if county is None:
            continue
        row = totals[county]
        row[1] += 1 if o.owes else 0
        row[2] += o.owed_fen
        row[3] += o.workers
        row[4] += o.open_alerts
        row[5] += o.red_alerts
    names = dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(list(totals)))).all())
    return [CountyOwing(code, names.get(code, code), *values) for code, values in sorted(totals.items())]
