"""Reads of the money slice, shared by the API, pages, exports and the CLI. Every read is scoped by the
caller's ``Principal.project_clause``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, case, func, select
from sqlalchemy.orm import Session

from wageguard.auth.policy import account_write_clause
from wageguard.auth.scope import Principal
from wageguard.errors import NotFound
from wageguard.ingest.models import ImportBatch
from wageguard.payroll.choices import MatchOutcome, PaymentStatus
from wageguard.payroll.models import (
    AccountBalance,
    BankPayment,
    LabourCostInflow,
    PaySheet,
    PaySheetLine,
    WageAccount,
)
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, Team, Worker

PAID_OUTCOMES = (MatchOutcome.MATCHED.value, MatchOutcome.OTHER_CARD.value)


def visible_project(session: Session, principal: Principal, project_id: int) -> Project:
    project = session.scalar(
        select(Project).where(
            Project.id == project_id, principal.project_clause(Project.id, Project.region_code)
        )
    )
    if project is None:
        raise NotFound("project not found", message_zh="未找到项目")
    return project


@dataclass
class WorkerPay:
    """Declared pay vs money paid for one worker in one month."""

    worker_id: int
    name: str
    id_masked: str
    team: str | None = None
    days: float | None = None
    gross_fen: int = 0
    net_fen: int = 0
    paid_fen: int = 0
    failed_fen: int = 0
    other_card_fen: int = 0
    last_paid: date | None = None

    @property
    def gap_fen(self) -> int:
        return self.net_fen - self.paid_fen

    @property
    def state(self) -> str:
        if self.net_fen == 0 and self.paid_fen > 0:
            return "undeclared"
        if self.paid_fen == 0:
            return "unpaid"
        return "partial" if self.paid_fen < self.net_fen else "paid"

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "gap_fen": self.gap_fen, "state": self.state}


@dataclass
class ProjectMonthPay:
    project_id: int
    project_code: str
    project_name: str
    month: str
    workers: list[WorkerPay] = field(default_factory=list)
    unknown_payee_fen: int = 0

    def totals(self) -> dict[str, int]:
        return {
            "gross_fen": sum(w.gross_fen for w in self.workers),
            "net_fen": sum(w.net_fen for w in self.workers),
            "paid_fen": sum(w.paid_fen for w in self.workers),
            "failed_fen": sum(w.failed_fen for w in self.workers),
            "unknown_payee_fen": self.unknown_payee_fen,
        }


def _declared(session: Session, project_id: int, month: str) -> Any:
    return session.execute(
        select(
            PaySheetLine.worker_id, Team.name, PaySheetLine.days, PaySheetLine.gross_fen, PaySheetLine.net_fen
        )
        .join(PaySheet, PaySheet.id == PaySheetLine.sheet_id)
        .join(Team, Team.id == PaySheet.team_id)
        .where(PaySheet.project_id == project_id, PaySheet.pay_month == month, PaySheet.is_current.is_(True))
    )


def _paid(session: Session, project_id: int, month: str) -> Any:
    ok = BankPayment.status == PaymentStatus.SUCCESS.value
    return session.execute(
        select(
            BankPayment.worker_id,
            func.sum(case((ok & BankPayment.outcome.in_(PAID_OUTCOMES), BankPayment.amount_fen), else_=0)),
            func.sum(case((~ok, BankPayment.amount_fen), else_=0)),
            func.sum(
                case(
                    (ok & (BankPayment.outcome == MatchOutcome.OTHER_CARD.value), BankPayment.amount_fen),
                    else_=0,
                )
            ),
            func.max(case((ok, BankPayment.value_date), else_=None)),
        )
        .where(BankPayment.project_id == project_id, BankPayment.pay_month == month)
        .group_by(BankPayment.worker_id)
    )


def project_month_pay(session: Session, principal: Principal, project_id: int, month: str) -> ProjectMonthPay:
    """Per worker of a project and month: declared gross/net (current pay sheets) vs money paid."""
    project = visible_project(session, principal, project_id)
    view = ProjectMonthPay(project.id, project.project_code, project.name, month)
    rows: dict[int, WorkerPay] = {}
    for worker_id, team, days, gross, net in _declared(session, project.id, month):
        w = rows.setdefault(worker_id, WorkerPay(worker_id, "", "", team))
        w.days = (w.days or 0) + (days or 0)
        w.gross_fen += gross
        w.net_fen += net
    for worker_id, paid, failed, other, last in _paid(session, project.id, month):
        if worker_id is None:
            view.unknown_payee_fen += int(paid or 0) + int(other or 0)
            continue
        w = rows.setdefault(worker_id, WorkerPay(worker_id, "", ""))
        w.paid_fen, w.failed_fen, w.other_card_fen, w.last_paid = (
            int(paid or 0),
            int(failed or 0),
            int(other or 0),
            last,
        )
    view.unknown_payee_fen += _unknown_fen(session, project.id, month)
    if rows:
        for wid, name, masked in session.execute(
            select(Worker.id, Worker.name, Worker.id_masked).where(Worker.id.in_(rows))
        ):
            rows[wid].name, rows[wid].id_masked = name, masked
    view.workers = sorted(rows.values(), key=lambda w: (w.team or "", w.name))
    return view


def _unknown_fen(session: Session, project_id: int, month: str) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(BankPayment.amount_fen), 0)).where(
            BankPayment.project_id == project_id,
            BankPayment.pay_month == month,
            BankPayment.outcome == MatchOutcome.UNKNOWN_PAYEE.value,
            BankPayment.status == PaymentStatus.SUCCESS.value,
        )
    )
    return int(total or 0)


def account_read_clause(principal: Principal) -> ColumnElement[bool]:
    """Wage accounts the caller may see: by project or region, and for a bank the accounts held at it (the
    same accounts the write policy lets it write; a bank user without a bank code sees none)."""
    if principal.role is Role.BANK:
        return account_write_clause(principal)
    return principal.project_clause(WageAccount.project_id, WageAccount.region_code)  # type: ignore[arg-type]


def list_accounts(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Wage accounts the caller may see, with their project."""
    rows = session.execute(
        select(WageAccount, Project.project_code, Project.name)
        .outerjoin(Project, Project.id == WageAccount.project_id)
        .where(account_read_clause(principal))
        .order_by(WageAccount.id)
    )
    out = []
    for account, code, name in rows:
        out.append(
            {
                "id": account.id,
                "project_id": account.project_id,
                "project_code": code,
                "project_name": name,
                "parent_account_id": account.parent_account_id,
                "account_masked": account.account_masked,
                "bank_name": account.bank_name,
                "is_virtual": account.is_virtual,
                "opened_date": account.opened_date,
                "tripartite_date": account.tripartite_date,
                "region_code": account.region_code,
            }
        )
    return out


def _account_ids(session: Session, principal: Principal, account_id: int) -> tuple[WageAccount, list[int]]:
    account = session.scalar(
        select(WageAccount).where(
            WageAccount.id == account_id,
            account_read_clause(principal),
        )
    )
    if account is None:
        raise NotFound("account not found", message_zh="未找到工资专用账户")
    children = list(
        session.scalars(select(WageAccount.id).where(WageAccount.parent_account_id == account.id))
    )
    return account, [account.id, *children]


def account_summary(session: Session, principal: Principal, account_id: int) -> dict[str, Any]:
    """Per month: labour-cost inflows vs successful payroll outflows, and the latest reported balance.

    A real account's figures include its virtual sub-accounts."""
    account, ids = _account_ids(session, principal, account_id)
    month_in = func.substr(func.cast(LabourCostInflow.value_date, String()), 1, 7)
    inflows: dict[str, int] = dict(
        session.execute(
            select(month_in, func.sum(LabourCostInflow.amount_fen))
            .where(LabourCostInflow.account_id.in_(ids))
            .group_by(month_in)
        ).all()
    )
    month_out = func.substr(func.cast(BankPayment.value_date, String()), 1, 7)
    outflows: dict[str, int] = dict(
        session.execute(
            select(month_out, func.sum(BankPayment.amount_fen))
            .where(BankPayment.account_id.in_(ids), BankPayment.status == PaymentStatus.SUCCESS.value)
            .group_by(month_out)
        ).all()
    )
    balance = session.execute(
        select(AccountBalance.as_of, AccountBalance.balance_fen)
        .where(AccountBalance.account_id == account.id)
        .order_by(AccountBalance.as_of.desc())
        .limit(1)
    ).first()
    months = sorted(set(inflows) | set(outflows))
    return {
        "account_id": account.id,
        "account_masked": account.account_masked,
        "project_id": account.project_id,
        "sub_accounts": len(ids) - 1,
        "months": [
            {"month": m, "inflow_fen": int(inflows.get(m, 0)), "outflow_fen": int(outflows.get(m, 0))}
            for m in months
        ],
        "inflow_total_fen": int(sum(inflows.values())),
        "outflow_total_fen": int(sum(outflows.values())),
        "balance_fen": None if balance is None else balance.balance_fen,
        "balance_as_of": None if balance is None else balance.as_of,
    }


@dataclass(frozen=True)
class AccountStanding:
    """An account's latest reported balance, last bank file and payments that did not arrive."""

    balance_fen: int | None = None
    balance_as_of: date | None = None
    last_file: str | None = None
    last_file_at: Any = None
    failed: int = 0
    returned: int = 0
    not_arrived_fen: int = 0


def account_standing(session: Session, account_ids: list[int]) -> dict[int, AccountStanding]:
    """Per account (ids the caller may already see): balance, last statement, failed/returned payments."""
    if not account_ids:
        return {}
    latest = (
        select(AccountBalance.account_id, func.max(AccountBalance.as_of).label("as_of"))
        .where(AccountBalance.account_id.in_(account_ids))
        .group_by(AccountBalance.account_id)
        .subquery()
    )
    balances = {
        a: (fen, day)
        for a, fen, day in session.execute(
            select(AccountBalance.account_id, AccountBalance.balance_fen, AccountBalance.as_of).join(
                latest,
                (latest.c.account_id == AccountBalance.account_id) & (latest.c.as_of == AccountBalance.as_of),
            )
        )
    }
    failed_ = BankPayment.status == PaymentStatus.FAILED.value
    returned_ = BankPayment.status == PaymentStatus.RETURNED.value
    flows = {
        a: (int(f or 0), int(r or 0), int(fen or 0), batch)
        for a, f, r, fen, batch in session.execute(
            select(
                BankPayment.account_id,
                func.sum(case((failed_, 1), else_=0)),
                func.sum(case((returned_, 1), else_=0)),
                func.sum(case((failed_ | returned_, BankPayment.amount_fen), else_=0)),
                func.max(BankPayment.import_batch_id),
            )
            .where(BankPayment.account_id.in_(account_ids))
            .group_by(BankPayment.account_id)
        )
    }
    batch_ids = {v[3] for v in flows.values() if v[3] is not None}
    batches = {
        i: (name, at)
        for i, name, at in session.execute(
            select(ImportBatch.id, ImportBatch.filename, ImportBatch.finished_at).where(
                ImportBatch.id.in_(batch_ids)
            )
        )
    }
    out = {}
    for a in account_ids:
        fen, day = balances.get(a, (None, None))
        f, r, lost, batch = flows.get(a, (0, 0, 0, None))
        name, at = batches.get(batch, (None, None)) if batch is not None else (None, None)
        out[a] = AccountStanding(fen, day, name, at, f, r, lost)
    return out
