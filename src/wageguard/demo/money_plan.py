"""What the money stage of the demo city will write: read the registry (and attendance, when present) from
the database, decide accounts, wages and the planted faults. No writes here."""

from __future__ import annotations

import calendar
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.attendance.models import WorkerMonth
from wageguard.registry.models import BankCard, LabourContract, Project, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector

DEFAULT_DAILY_FEN = 300_00
MAX_MONTH_FEN = 30_000_00
DEPOSIT_EXEMPT_FEN = 3_000_000_00
FULL_MONTH_DAYS = 22  # at least the minimum-wage rule's full month (21.75 days)
DEFAULT_VALUE_FEN = 50_000_000_00  # contract value where the project records no investment
# Rarest fits first (they need a departing worker, a big team, a full month…).
FAULTS = ("departed_unsettled", "group_arrears", "team_leader_card", "leader_collects", "below_min_wage",
          "no_account", "late_pay", "owner_stopped", "no_deposit", "low_deposit", "deposit_used",
          "no_tripartite", "low_ratio", "partial_pay", "failed_transfer", "ghost_workers",
          "outlier_payment")  # fmt: skip
PAYMENT_FAULTS = {"departed_unsettled", "group_arrears", "team_leader_card", "leader_collects",
                  "below_min_wage", "late_pay", "partial_pay", "failed_transfer", "ghost_workers",
                  "outlier_payment"}  # fmt: skip

PROPENSITY_ARREARS = "propensity_arrears"  # workers left unpaid on a high-propensity contractor's project
ARREARS_A, ARREARS_B = -1.0, 1.3  # chance sigmoid(a + b·z) per general contractor
CLEAN_RESERVE = 3  # free projects the propensity arrears leave alone (the clean projects of a tiny city)


@dataclass
class Engaged:
    """A worker on a project, with the clear numbers a bank file and a pay sheet carry."""

    worker_id: int
    name: str
    id_number: str
    card: str
    team_id: int | None
    team_sys_no: str | None
    leader: bool
    entry: date | None
    exit: date | None
    basis: str | None
    rate_fen: int | None


@dataclass
class ProjectMoney:
    id: int
    code: str
    region_code: str
    status: str
    pay_day: int
    grace_days: int
    contractor_id: int | None
    invest_fen: int | None
    opened: date
    workers: list[Engaged] = field(default_factory=list)
    days: dict[tuple[int, str], float] = field(default_factory=dict)  # (worker, month) -> attended days


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + 1:04d}-01" if mon == 12 else f"{year:04d}-{mon + 1:02d}"


def demo_months(as_of: date, count: int) -> list[str]:
    months = [f"{as_of.year:04d}-{as_of.month:02d}"]
    while len(months) < count:
        year, mon = int(months[0][:4]), int(months[0][5:7])
        months.insert(0, f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}")
    return months


def load_projects(session: Session, protector: Protector, as_of: date) -> list[ProjectMoney]:
    """Every project with its engaged workers (clear ID and current card numbers decrypted for the files)."""
    projects = {
        p.id: ProjectMoney(
            p.id,
            p.project_code,
            p.region_code,
            p.status,
            p.pay_day,
            p.grace_days,
            p.contractor_id,
            p.invest_fen,
            min(p.contract_signed_date or p.start_date or date(2026, 1, 10), as_of),
        )
        for p in session.scalars(select(Project).order_by(Project.project_code))
    }
    rates = {
        (c.project_id, c.worker_id): (c.wage_basis, c.rate_fen)
        for c in session.scalars(select(LabourContract))
    }
    rows = session.execute(
        select(ProjectWorker, Worker.name, Worker.id_enc, BankCard.card_enc, Team.team_sys_no)
        .join(Worker, Worker.id == ProjectWorker.worker_id)
        .join(BankCard, (BankCard.worker_id == Worker.id) & BankCard.is_current.is_(True))
        .outerjoin(Team, Team.id == ProjectWorker.team_id)
        .order_by(ProjectWorker.project_id, ProjectWorker.id)
    )
    for pw, name, id_enc, card_enc, team_sys_no in rows:
        basis, rate = rates.get((pw.project_id, pw.worker_id), (None, None))
        projects[pw.project_id].workers.append(
            Engaged(
                pw.worker_id,
                name,
                protector.decrypt(id_enc),
                protector.decrypt(card_enc),
                pw.team_id,
                team_sys_no,
                pw.is_team_leader,
                pw.entry_date,
                pw.exit_date,
                basis,
                rate,
            )
        )
    return [p for p in projects.values() if p.workers]


def attach_days(session: Session, projects: list[ProjectMoney], months: list[str]) -> bool:
    """Attended days per worker-month from the attendance tables; False when there is no attendance."""
    if not session.scalar(select(func.count()).select_from(WorkerMonth).where(WorkerMonth.month.in_(months))):
        for p in projects:
            p.days = derived_days(p, months)
        return False
    by_id = {p.id: p for p in projects}
    rows = session.execute(
        select(WorkerMonth.project_id, WorkerMonth.worker_id, WorkerMonth.month, WorkerMonth.days).where(
            WorkerMonth.month.in_(months), WorkerMonth.days > 0
        )
    )
    for project_id, worker_id, month, days in rows:
        if project_id in by_id:
            by_id[project_id].days[(worker_id, month)] = float(days)
    return True


def derived_days(p: ProjectMoney, months: list[str]) -> dict[tuple[int, str], float]:
    """Without attendance data: 22 days a full month on site, pro rata by the entry and exit dates."""
    if p.status != "003":
        return {}
    out: dict[tuple[int, str], float] = {}
    for w in p.workers:
        for month in months:
            first, last = month_bounds(month)
            start, end = max(first, w.entry or first), min(last, w.exit or last)
            if start <= end:
                out[(w.worker_id, month)] = float(max(1, round(22 * ((end - start).days + 1) / last.day)))
    return out


def wage_fen(w: Engaged, days: float) -> int:
    """What a worker earns for ``days`` attended days under the labour contract (daily when unknown)."""
    if w.basis == "monthly" and w.rate_fen:
        fen = int(w.rate_fen * min(days, 22) / 22)
    elif w.basis == "daily" and w.rate_fen:
        fen = int(w.rate_fen * days)
    else:
        fen = int(DEFAULT_DAILY_FEN * days)
    return min(fen, MAX_MONTH_FEN) // 100 * 100


@dataclass
class Plant:
    """One planted money fault: the project, the month it concerns and the workers it touches."""

    fault: str
    project: ProjectMoney
    month: str
    workers: list[int] = field(default_factory=list)


def pay_date(p: ProjectMoney, month: str) -> date:
    """The project's pay day in the month after ``month`` (clamped to that month's length)."""
    first, last = month_bounds(next_month(month))
    return first.replace(day=min(p.pay_day, last.day))


def is_due(p: ProjectMoney, month: str, as_of: date) -> bool:
    """``as_of`` is past the deadline (pay day + grace days) for ``month``'s wages."""
    return as_of > pay_date(p, month) + timedelta(days=p.grace_days)


def attended(p: ProjectMoney, month: str) -> list[int]:
    return sorted(w for (w, m), d in p.days.items() if m == month and d > 0)


def _team_of(p: ProjectMoney, month: str, *, leader: bool, size: int) -> list[int] | None:
    """The biggest attended team of at least ``size`` (leader first, when ``leader`` one must attend)."""
    by_id = {w.worker_id: w for w in p.workers}
    teams: dict[int | None, list[Engaged]] = {}
    for wid in attended(p, month):
        teams.setdefault(by_id[wid].team_id, []).append(by_id[wid])
    fits = [
        sorted(ms, key=lambda w: (not w.leader, w.worker_id))
        for ms in teams.values()
        if len(ms) >= size and (not leader or any(w.leader for w in ms))
    ]
    best = max(fits, key=len, default=None)
    return [w.worker_id for w in best] if best else None


def _workers_for(fault: str, p: ProjectMoney, month: str, styles: dict[int, str]) -> list[int] | None:
    """The workers a fault touches on ``p`` (empty: the project), None when ``p`` cannot host it."""
    people = attended(p, month)
    by_id = {w.worker_id: w for w in p.workers}
    if fault in ("team_leader_card", "leader_collects"):
        return _team_of(p, month, leader=True, size=3)
    if fault == "group_arrears":
        return _team_of(p, month, leader=False, size=10)
    if fault == "below_min_wage":
        full = [w for w in people if p.days[(w, month)] >= FULL_MONTH_DAYS and not by_id[w].leader]
        return full[:1] or None
    if fault == "departed_unsettled":
        first, last = month_bounds(month)
        gone = [w for w in people if (x := by_id[w].exit) is not None and first <= x <= last]
        return gone[:1] or None
    if len(people) < 4:
        return None
    if fault == "low_ratio" and styles.get(p.id) == "camt":
        return None
    if fault in ("no_deposit", "low_deposit") and (p.invest_fen or DEFAULT_VALUE_FEN) < DEPOSIT_EXEMPT_FEN:
        return None
    return people[:1] if fault == "outlier_payment" else []


def assign_faults(
    projects: list[ProjectMoney],
    months: list[str],
    as_of: date,
    *,
    seed: int,
    taken: set[str],
    styles: dict[int, str],
    risk: dict[int, float] | None = None,
) -> dict[str, Plant]:
    """One project per fault, none already planted by an earlier stage (a fault no project can host is
    skipped), the rarest fits first. Faults touch ``months[0]`` (the fault month) where they can; a worker
    fault that needs a full month or a departure there may fall back to an earlier month. Payment faults
    try projects in an order biased towards general contractors of high hidden propensity (``risk``:
    enterprise id -> z, ``demo/risk_feeds.py``)."""
    rng = random.Random(seed * 7919 + 4)
    active = [p for p in projects if p.status == "003" and p.code not in taken]
    rng.shuffle(active)
    risky = _risk_order(active, risk or {}, random.Random(seed * 7919 + 5))
    chosen: dict[str, Plant] = {}
    used: set[int] = set()
    for fault in FAULTS:
        tries = months if fault in ("below_min_wage", "departed_unsettled") else months[:1]
        order = risky if fault in PAYMENT_FAULTS else active
        plant = _place(fault, [p for p in order if p.id not in used], tries, as_of, styles)
        if plant is not None:
            chosen[fault] = plant
            used.add(plant.project.id)
    return chosen


def _risk_order(active: list[ProjectMoney], risk: dict[int, float], rng: random.Random) -> list[ProjectMoney]:
    """``active`` drawn without replacement with weight exp(z) of each project's general contractor
    (weighted random keys u^(1/w), highest first): high-z contractors' projects tend to come first."""
    keys = {p.id: rng.random() ** (1.0 / math.exp(risk.get(p.contractor_id or 0, 0.0))) for p in active}
    return sorted(active, key=lambda p: -keys[p.id])


def propensity_plants(
    projects: list[ProjectMoney],
    months: list[str],
    as_of: date,
    *,
    seed: int,
    risk: dict[int, float],
    used: set[int],
    taken: set[str],
) -> list[Plant]:
    """Arrears driven by the hidden propensity: each general contractor, with chance sigmoid(a + b·z), gets
    one to three workers left unpaid for a month whose deadline has passed by ``as_of`` (the first of
    ``months`` that fits, the fault month first) on one of its active projects that no other fault touches.
    The workers are left out of the payments like a departing worker left unpaid (W06 each, W07). Some
    projects with attendance in the fault month stay free of them (``CLEAN_RESERVE``, or a tenth)."""
    by_gc: dict[int, list[ProjectMoney]] = defaultdict(list)
    for p in projects:
        if p.status == "003" and p.contractor_id is not None and p.id not in used and p.code not in taken:
            by_gc[p.contractor_id].append(p)
    free = [p for ps in by_gc.values() for p in ps if attended(p, months[0])]
    room = len(free) - max(CLEAN_RESERVE, len(free) // 10)  # a tiny city keeps some clean projects
    plants: list[Plant] = []
    for gc in sorted(by_gc):
        if len(plants) >= room:
            break
        rng = random.Random(f"wageguard-demo:{seed}:propensity-arrears:{gc}")
        if rng.random() >= 1.0 / (1.0 + math.exp(-(ARREARS_A + ARREARS_B * risk.get(gc, 0.0)))):
            continue
        candidates = sorted(by_gc[gc], key=lambda p: p.code)
        rng.shuffle(candidates)
        plant = _unpaid(candidates, months, as_of, rng)
        if plant is not None:
            plants.append(plant)
    return plants


def _unpaid(
    candidates: list[ProjectMoney], months: list[str], as_of: date, rng: random.Random
) -> Plant | None:
    for month in months:
        for p in candidates:
            people = attended(p, month)
            if is_due(p, month, as_of) and len(people) >= 4:
                workers = sorted(rng.sample(people, k=rng.randint(1, 3)))
                return Plant(PROPENSITY_ARREARS, p, month, workers)
    return None


def _place(
    fault: str, free: list[ProjectMoney], months: list[str], as_of: date, styles: dict[int, str]
) -> Plant | None:
    for month in months:
        for p in free:
            if fault in PAYMENT_FAULTS and not is_due(p, month, as_of):
                continue
            workers = _workers_for(fault, p, month, styles)
            if workers is not None:
                return Plant(fault, p, month, workers)
    return None


def guizhou_groups(projects: list[ProjectMoney], skip: set[int]) -> dict[int, list[ProjectMoney]]:
    """GCs with two or more projects: one real account each, with a virtual sub-account per project."""
    by_gc: dict[int, list[ProjectMoney]] = defaultdict(list)
    for p in projects:
        if p.contractor_id is not None and p.id not in skip:
            by_gc[p.contractor_id].append(p)
    groups = {gc: ps for gc, ps in by_gc.items() if len(ps) >= 2}
    first = sorted(groups)[:1]
    return {gc: groups[gc] for gc in first}
