"""What the money stage of the demo city will write: read the registry (and attendance, when present) from
the database, decide accounts, wages and the planted faults. No writes here."""

from __future__ import annotations

import calendar
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.attendance.models import WorkerMonth
from wageguard.registry.models import BankCard, LabourContract, Project, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector

DEFAULT_DAILY_FEN = 300_00
MAX_MONTH_FEN = 30_000_00
FAULTS = ("no_account", "late_pay", "owner_stopped", "no_deposit", "no_tripartite", "partial_pay",
          "team_leader_card", "failed_transfer", "ghost_workers")  # fmt: skip


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


def assign_faults(
    projects: list[ProjectMoney], pay_month: str, as_of: date, seed: int
) -> dict[str, ProjectMoney]:
    """One project per fault (distinct while there are enough active projects, cycling when there are not)."""
    rng = random.Random(seed * 7919 + 4)
    active = [p for p in projects if p.status == "003" and sum(1 for w, m in p.days if m == pay_month) >= 4]
    rng.shuffle(active)
    chosen: dict[str, ProjectMoney] = {}
    used: set[int] = set()
    for i, fault in enumerate(FAULTS):
        fits = [p for p in active if fault != "late_pay" or p.pay_day + p.grace_days + 2 <= as_of.day]
        fits = [p for p in fits if chosen.get("no_account") is not p] or fits
        if not fits:
            continue
        fresh = [p for p in fits if p.id not in used]
        pick = fresh[0] if fresh else fits[i % len(fits)]
        chosen[fault] = pick
        used.add(pick.id)
    return chosen


def guizhou_groups(projects: list[ProjectMoney], skip: set[int]) -> dict[int, list[ProjectMoney]]:
    """GCs with two or more projects: one real account each, with a virtual sub-account per project."""
    by_gc: dict[int, list[ProjectMoney]] = defaultdict(list)
    for p in projects:
        if p.contractor_id is not None and p.id not in skip:
            by_gc[p.contractor_id].append(p)
    groups = {gc: ps for gc, ps in by_gc.items() if len(ps) >= 2}
    first = sorted(groups)[:1]
    return {gc: groups[gc] for gc in first}
