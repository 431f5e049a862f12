"""Reads of the landing pages (``/``): one function per figure, each scoped by the caller.

- inspector / admin: the counties' arrears (``owing.owing_by_county``) and their totals, complaint cases due
  this week (the figures on top — alerts by level, amount owed — are ``screen/figures.py``'s);
- enterprise: its projects with their owes-wages answer (``owing.owing_by_project``), open alerts on them,
  pay sheets due (a month with attendance whose pay day + grace passed without a pay sheet);
- bank: its accounts (balance, last statement, last payment) and payments failed or returned.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.complaints.choices import FINISH_CLOCK_STATES, CaseState
from wageguard.complaints.models import Complaint
from wageguard.monitoring.choices import FINISHED, Level
from wageguard.monitoring.owing import CountyOwing, Owing, owing_by_county, owing_by_project
from wageguard.registry.choices import Role
from wageguard.registry.models import Project

LEVELS = [lv.value for lv in Level]  # red, orange, yellow
UNFINISHED = [s.value for s in FINISHED]


def county_arrears(*, session: Session, principal: Principal) -> list[CountyOwing]:
    """The caller's counties, most owed first (then most red alerts, then code)."""
    counties = owing_by_county(session=session, principal=principal)
    return sorted(counties, key=lambda c: (-c.owed_fen, -c.red_alerts, c.code))


@dataclass(frozen=True)
class ArrearsTotals:
    projects: int
    projects_owing: int
    owed_fen: int
    workers: int
    red_alerts: int


def arrears_totals(counties: list[CountyOwing]) -> ArrearsTotals:
    """The region's totals of its counties' figures (no second query)."""
    return ArrearsTotals(
        projects=sum(c.projects for c in counties),
        projects_owing=sum(c.projects_owing for c in counties),
        owed_fen=sum(c.owed_fen for c in counties),
        workers=sum(c.workers for c in counties),
        red_alerts=sum(c.red_alerts for c in counties),
    )


@dataclass(frozen=True)
class CasesDue:
    """Open complaint cases by their running deadline: due from today to Sunday, and already overdue."""

    this_week: int
    overdue: int
    week_end: date


def _current_deadline() -> ColumnElement[date]:
    return case(
        (Complaint.state == CaseState.RECEIVED.value, Complaint.accept_due),
        (Complaint.state.in_([s.value for s in FINISH_CLOCK_STATES]), Complaint.finish_due),
        else_=None,
    )


def cases_due_this_week(*, session: Session, principal: Principal, today: date) -> CasesDue:
    """Cases in the caller's region whose current deadline (accept or finish) falls between today and this
    week's Sunday, and those already past it (inspectors and admins only)."""
    week_end = today + timedelta(days=6 - today.weekday())
    if principal.role not in (Role.ADMIN, Role.INSPECTOR):
        return CasesDue(0, 0, week_end)
    deadline = _current_deadline()
    row = session.execute(
        select(
            func.count(case((and_(deadline >= today, deadline <= week_end), 1))),
            func.count(case((deadline < today, 1))),
        ).where(principal.region_clause(Complaint.region_code))
    ).one()
    return CasesDue(int(row[0] or 0), int(row[1] or 0), week_end)


@dataclass(frozen=True)
class ProjectOwingRow:
    project_id: int
    project_code: str
    name: str
    region_code: str
    owing: Owing | None  # None: nothing owed on record


def enterprise_projects(*, session: Session, principal: Principal, limit: int = 200) -> list[ProjectOwingRow]:
    """The projects the caller takes part in with their owes-wages answer, owing ones first (most owed)."""
    seen = principal.project_clause(Project.id, Project.region_code)
    projects = session.execute(
        select(Project.id, Project.project_code, Project.name, Project.region_code).where(seen)
    ).all()
    owing = owing_by_project(session=session, principal=principal, project_ids=[p.id for p in projects])
    rows = [ProjectOwingRow(p.id, p.project_code, p.name, p.region_code, owing.get(p.id)) for p in projects]
    rows.sort(key=lambda r: (not (r.owing and r.owing.owes), -(r.owing.owed_fen if r.owing else 0), r.name))
    return rows[:limit]


def top_owing_projects(*, session: Session, principal: Principal, limit: int = 10) -> list[ProjectOwingRow]:
    """The projects in scope owing the most (one click from the landing page to each one's answer)."""
    owing = owing_by_project(session=session, principal=principal)
    top = sorted((o for o in owing.values() if o.owes), key=lambda o: (-o.owed_fen, o.project_id))[:limit]
    if not top:
        return []
    names = {
        pid: (code, name, region)
        for pid, code, name, region in session.execute(
            select(Project.id, Project.project_code, Project.name, Project.region_code).where(
                Project.id.in_([o.project_id for o in top])
            )
        )
    }
    return [ProjectOwingRow(o.project_id, *names[o.project_id], o) for o in top if o.project_id in names]


@dataclass(frozen=True)
class PaySheetDue:
    """A project-month whose pay sheet is missing: ``overdue`` once its deadline (the project's pay day in
    the next month + grace days) has passed, else due by ``deadline``."""

    project_id: int
    project_code: str
    project_name: str
    month: str
    deadline: date
    overdue: bool


def _month_start(day: date, back: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(y, m + 1, 1)


def pay_deadline(month: date, pay_day: int, grace_days: int) -> date:
    """The pay day of the month after ``month`` (clamped to its length) plus grace days (as reconcile.py)."""
    nxt = _month_start(month, -1)
    day = min(pay_day, month_calendar.monthrange(nxt.year, nxt.month)[1])
    return date(nxt.year, nxt.month, day) + timedelta(days=grace_days)


def pay_sheets_due(
    *, session: Session, principal: Principal, today: date, months: int = 3, limit: int = 100
) -> list[PaySheetDue]:
    """Months (of the last ``months`` before this one) of the caller's projects with attendance and no pay
    sheet: overdue ones first, oldest first; also the last month's when its deadline is still ahead."""
    from wageguard.attendance.models import WorkerMonth
    from wageguard.payroll.models import PaySheet

    starts = [_month_start(today, back) for back in range(months, 0, -1)]
    labels = union_all(*(select(literal(d.strftime("%Y-%m")).label("month")) for d in starts)).subquery()
    seen = principal.project_clause(Project.id, Project.region_code)
    attended = (  # one primary-key probe per project-month (worker_months is keyed by project first)
        select(WorkerMonth.project_id)
        .where(WorkerMonth.project_id == Project.id, WorkerMonth.month == labels.c.month)
        .exists()
    )
    sheet = (
        select(PaySheet.id)
        .where(
            PaySheet.project_id == Project.id,
            PaySheet.pay_month == labels.c.month,
            PaySheet.is_current.is_(True),
        )
        .exists()
    )
    rows = session.execute(
        select(
            Project.id,
            labels.c.month,
            Project.project_code,
            Project.name,
            Project.pay_day,
            Project.grace_days,
        )
        .select_from(Project)
        .join(labels, true())
        .where(seen, attended, ~sheet)
    ).all()
    out = []
    for pid, month, code, name, pay_day, grace in rows:
        deadline = pay_deadline(date.fromisoformat(f"{month}-01"), pay_day or 15, grace or 0)
        out.append(PaySheetDue(pid, code, name, month, deadline, today > deadline))
    out.sort(key=lambda d: (not d.overdue, d.deadline, d.project_code))
    return out[:limit]


def _bank_accounts_clause(principal: Principal) -> ColumnElement[bool]:
    from wageguard.payroll.models import WageAccount

    if principal.is_admin:
        return true()
    if principal.role is Role.BANK and principal.bank_code:
        return WageAccount.bank_code == principal.bank_code
    return false()


@dataclass(frozen=True)
class BankAccountRow:
    id: int
    account_masked: str
    account_name: str | None
    is_virtual: bool
    project_id: int | None
    project_name: str | None
    balance_fen: int | None
    balance_as_of: date | None  # the last statement's date: the latest balance the bank reported


def bank_accounts(*, session: Session, principal: Principal, limit: int = 300) -> list[BankAccountRow]:
    """The wage accounts held at the caller's bank, with the latest balance its statements reported."""
    from wageguard.payroll.models import AccountBalance, WageAccount

    mine = _bank_accounts_clause(principal)
    last_day = (
        select(AccountBalance.account_id, func.max(AccountBalance.as_of).label("as_of"))
        .group_by(AccountBalance.account_id)
        .subquery()
    )
    balance = (
        select(
            AccountBalance.account_id, AccountBalance.as_of, func.max(AccountBalance.balance_fen).label("fen")
        )
        .join(
            last_day,
            and_(
                last_day.c.account_id == AccountBalance.account_id, last_day.c.as_of == AccountBalance.as_of
            ),
        )
        .group_by(AccountBalance.account_id, AccountBalance.as_of)
        .subquery()
    )
    rows = session.execute(
        select(WageAccount, Project.name, balance.c.fen, balance.c.as_of)
        .outerjoin(Project, Project.id == WageAccount.project_id)
        .outerjoin(balance, balance.c.account_id == WageAccount.id)
        .where(mine)
        .order_by(WageAccount.id)
        .limit(limit)
    ).all()
    return [
        BankAccountRow(
            a.id,
            a.account_masked,
            a.account_name,
            a.is_virtual,
            a.project_id,
            project_name,
            None if fen is None else int(fen),
            as_of,
        )
        for a, project_name, fen, as_of in rows
    ]


FAILED_CAP = 1000


@dataclass(frozen=True)
class FailedPayment:
    id: int
    account_id: int
    account_masked: str
    payee_name: str
    payee_card_masked: str
    amount_fen: int
    value_date: date
    status: str
    failure_reason: str | None


def failed_payments(
    *, session: Session, principal: Principal, limit: int = 50
) -> tuple[int, list[FailedPayment]]:
    """Payments on the caller's bank's accounts that failed or came back (count, newest first)."""
    from wageguard.payroll.choices import PaymentStatus
    from wageguard.payroll.models import BankPayment, WageAccount

    # literal values, not parameters: the planner then sees the partial index's predicate (0003d) holds
    bad: list[ColumnElement[str]] = [
        literal_column(f"'{status.value}'") for status in (PaymentStatus.FAILED, PaymentStatus.RETURNED)
    ]
    where = [
        BankPayment.status.in_(bad),
        BankPayment.account_id.in_(select(WageAccount.id).where(_bank_accounts_clause(principal))),
    ]
    rows = session.execute(  # one scan (failures are rare): the rows, counted here
        select(BankPayment, WageAccount.account_masked)
        .join(WageAccount, WageAccount.id == BankPayment.account_id)
        .where(*where)
        .order_by(BankPayment.value_date.desc(), BankPayment.id.desc())
        .limit(FAILED_CAP)
    ).all()
    total = len(rows)
    if total == FAILED_CAP:
        total = session.scalar(select(func.count(BankPayment.id)).where(*where)) or 0
    rows = rows[:limit]
    return int(total), [
        FailedPayment(
            p.id,
            p.account_id,
            masked,
            p.payee_name,
            p.payee_card_masked,
            p.amount_fen,
            p.value_date,
            p.status,
            p.failure_reason,
        )
        for p, masked in rows
    ]
