"""Twelve months of one project, as its page charts them: workers who attended vs workers paid, wages
declared on the current pay sheets vs wages paid to the workers.

Each figure is one grouped read of this project's rows only (``worker_months``, ``pay_sheet_lines`` of the
current sheets, ``bank_payments``) along the tables' ``(project_id, month)`` indexes, so the cost follows the
project's size, not the province's. "Paid" counts successful payments that reached a card
(``PAID_OUTCOMES``: the worker's own or, flagged by W11, another one — as the pay pages count it);
"declared" is the net pay of the current sheets, as the owes-wages table and the engine use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from wageguard.attendance.models import WorkerMonth
from wageguard.auth.scope import Principal
from wageguard.errors import NotFound
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.models import BankPayment, PaySheet, PaySheetLine
from wageguard.payroll.queries import PAID_OUTCOMES
from wageguard.registry.models import Project


@dataclass(frozen=True)
class MonthFigures:
    month: str
    attended_workers: int
    paid_workers: int
    declared_fen: int
    paid_fen: int


def last_months(today: date, count: int = 12) -> list[str]:
    """``count`` months ending with ``today``'s, oldest first, as ``YYYY-MM``."""
    index = today.year * 12 + today.month - 1
    return [f"{(index - k) // 12:04d}-{(index - k) % 12 + 1:02d}" for k in range(count - 1, -1, -1)]


def project_months(
    *, session: Session, principal: Principal, project_id: int, months: list[str]
) -> list[MonthFigures]:
    """The figures of ``months`` for one project the caller may see (``NotFound`` otherwise)."""
    visible = session.scalar(
        select(Project.id).where(
            Project.id == project_id, principal.project_clause(Project.id, Project.region_code)
        )
    )
    if visible is None:
        raise NotFound(f"project {project_id} not found", message_zh="项目不存在")
    first, last = months[0], months[-1]
    attended = dict(
        session.execute(
            select(WorkerMonth.month, func.count())
            .where(
                WorkerMonth.project_id == project_id,
                WorkerMonth.month.between(first, last),
                WorkerMonth.days > 0,
            )
            .group_by(WorkerMonth.month)
        ).all()
    )
    declared = dict(
        session.execute(
            select(PaySheetLine.pay_month, func.sum(PaySheetLine.net_fen))
            .join(PaySheet, PaySheet.id == PaySheetLine.sheet_id)
            .where(
                PaySheetLine.project_id == project_id,
                PaySheetLine.pay_month.between(first, last),
                PaySheet.is_current.is_(True),
            )
            .group_by(PaySheetLine.pay_month)
        ).all()
    )
    paid = {
        month: (int(workers or 0), int(amount or 0))
        for month, workers, amount in session.execute(
            select(
                BankPayment.pay_month,
                func.count(distinct(BankPayment.worker_id)),
                func.sum(BankPayment.amount_fen),
            )
            .where(
                BankPayment.project_id == project_id,
                BankPayment.pay_month.between(first, last),
                BankPayment.status == PaymentStatus.SUCCESS.value,
                BankPayment.outcome.in_(PAID_OUTCOMES),
            )
            .group_by(BankPayment.pay_month)
        )
    }
    return [
        MonthFigures(
            month,
            int(attended.get(month, 0) or 0),
            paid.get(month, (0, 0))[0],
            int(declared.get(month, 0) or 0),
            paid.get(month, (0, 0))[1],
        )
        for month in months
    ]
