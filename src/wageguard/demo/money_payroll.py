"""The pay-sheet and payment half of the demo's money stage: declare each worker-month on a national
``Payroll`` CSV, pay it through a bank-style file (工行式 CSV, 建行式 XLSX, camt.054 with or without a
pain.001 batch first) and apply the planted payment faults. Mixed into ``money_stage.MoneyCity``."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wageguard.auth.scope import SYSTEM
from wageguard.demo.money_plan import Engaged, ProjectMoney, month_bounds, next_month, wage_fen
from wageguard.demo.stages import DemoContext
from wageguard.payroll.banks.writers import (
    CreditOut,
    PaymentOut,
    write_camt054,
    write_ccb_xlsx,
    write_icbc_csv,
    write_pain001,
)
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.payments import import_bank_file
from wageguard.payroll.paysheets import import_payroll_file

PAYROLL_HEADER = ["projectCode", "corpCode", "teamSysNo", "payMonth", "idCardType", "idCardNumber", "days",
                  "workHours", "payRollBankCardNumber", "totalPayAmount", "actualAmount", "isBackPay",
                  "balanceDate"]  # fmt: skip
Line = tuple[Engaged, float, int, str]


@dataclass
class Account:
    number: str
    style: str
    balance: int = 0
    credits: dict[str, list[CreditOut]] = field(default_factory=dict)
    paid: dict[str, list[PaymentOut]] = field(default_factory=dict)


class PayrollMixin:
    """Declaring and paying wages; expects the attributes ``MoneyCity`` sets."""

    ctx: DemoContext
    projects: list[ProjectMoney]
    accounts: dict[int, Account]
    fault_month: str
    out: Path
    files: list[str]
    truth: dict[str, Any]

    def fault_project(self, name: str) -> ProjectMoney | None:
        raise NotImplementedError

    # -- pay sheets and payments -----------------------------------------------------------------------
    def pay_date(self, p: ProjectMoney, month: str) -> date:
        first, last = month_bounds(next_month(month))
        return first.replace(day=min(p.pay_day, last.day))

    def wage_month(self, month: str) -> None:
        """Declare (5th of M+1) and pay (pay day of M+1) the wages of ``month`` for every project."""
        declared = month_bounds(next_month(month))[0] + timedelta(days=4)
        if declared > self.ctx.as_of:
            return
        for p in self.projects:
            acct = self.accounts.get(p.id)
            if acct is None:
                continue
            lines = self.lines(p, month)
            if not lines:
                continue
            self.submit_sheet(p, month, lines)
            payments = self.payments(p, month, lines)
            if payments:
                self.bank_files(p, acct, month, payments)

    def lines(self, p: ProjectMoney, month: str) -> list[Line]:
        """(worker, days, net fen, payee card) for each worker-month, with the team-leader fault applied."""
        by_id = {w.worker_id: w for w in p.workers}
        rows = [
            (by_id[wid], d, wage_fen(by_id[wid], d), by_id[wid].card)
            for (wid, m), d in sorted(p.days.items())
            if m == month and wid in by_id
        ]
        leader_p = self.fault_project("team_leader_card")
        if leader_p is None or p.id != leader_p.id or month != self.fault_month:
            return rows
        team = self.leader_team(rows)
        if team is None:
            return rows
        leader, members = team
        self.truth["faults"]["team_leader_card"] = [
            {
                "project": p.code,
                "month": month,
                "leader_worker_id": leader.worker_id,
                "worker_ids": [m.worker_id for m in members],
            }
        ]
        ids = {m.worker_id for m in members}
        return [(w, d, fen, leader.card if w.worker_id in ids else card) for w, d, fen, card in rows]

    @staticmethod
    def leader_team(rows: list[Line]) -> tuple[Engaged, list[Engaged]] | None:
        teams: dict[int | None, list[Engaged]] = {}
        for w, *_ in rows:
            teams.setdefault(w.team_id, []).append(w)
        for members in teams.values():
            leaders = [w for w in members if w.leader]
            if leaders and len(members) >= 3:
                return leaders[0], [w for w in members if not w.leader][:5]
        return None

    def submit_sheet(self, p: ProjectMoney, month: str, lines: list[Line]) -> None:
        path = self.out / f"payroll-{p.code}-{month}.csv"
        pay_on = self.pay_date(p, month).isoformat()
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(PAYROLL_HEADER)
            for w, days, fen, card in lines:
                out.writerow(
                    [
                        p.code,
                        "",
                        w.team_sys_no or "",
                        month,
                        "01",
                        w.id_number,
                        f"{days:g}",
                        f"{days * 8:g}",
                        card,
                        f"{fen / 100:.2f}",
                        f"{fen / 100:.2f}",
                        "0",
                        pay_on,
                    ]
                )
        import_payroll_file(
            db=self.ctx.db, principal=SYSTEM, protector=self.ctx.protector, path=path, actor="demo"
        )
        self.files.append(str(path))

    def payments(self, p: ProjectMoney, month: str, lines: list[Line]) -> list[PaymentOut]:
        pay_on = self.pay_date(p, month)
        if pay_on > self.ctx.as_of:
            return []
        faulty = month == self.fault_month
        late = self.fault_project("late_pay")
        if faulty and late is not None and p.id == late.id:
            due = pay_on + timedelta(days=p.grace_days)
            pay_on = min(self.ctx.as_of, due + timedelta(days=3))
            self.truth["faults"]["late_pay"] = [
                {"project": p.code, "month": month, "due": due.isoformat(), "paid_on": pay_on.isoformat()}
            ]
        by_card = {w.card: w for w in p.workers}
        out = []
        for n, (w, _days, fen, card) in enumerate(lines, start=1):
            payee = by_card.get(card, w)
            remark = f"工资 {month[:4]}年{int(month[5:])}月" + ("" if payee is w else f" {w.name}")
            out.append(
                PaymentOut(
                    f"{p.code}-{month.replace('-', '')}-{n:04d}",
                    payee.name,
                    card,
                    fen,
                    pay_on,
                    remark=remark,
                    payee_bank="中国农业银行",
                )
            )
        return self.apply_payment_faults(p, month, out, lines) if faulty else out

    def apply_payment_faults(
        self, p: ProjectMoney, month: str, out: list[PaymentOut], lines: list[Line]
    ) -> list[PaymentOut]:
        partial, failed = self.fault_project("partial_pay"), self.fault_project("failed_transfer")
        if partial is not None and p.id == partial.id:
            cut = []
            for k in range(min(2, len(out))):
                paid = out[k].amount_fen * 6 // 10
                out[k] = PaymentOut(
                    out[k].reference,
                    out[k].payee_name,
                    out[k].payee_card,
                    paid,
                    out[k].value_date,
                    remark=out[k].remark,
                    payee_bank=out[k].payee_bank,
                )
                cut.append(
                    {
                        "project": p.code,
                        "month": month,
                        "worker_id": lines[k][0].worker_id,
                        "net_fen": lines[k][2],
                        "paid_fen": paid,
                    }
                )
            self.truth["faults"]["partial_pay"] = cut
        if failed is not None and p.id == failed.id:
            k = len(out) - 1
            o = out[k]
            out[k] = PaymentOut(
                o.reference,
                o.payee_name,
                o.payee_card,
                o.amount_fen,
                o.value_date,
                PaymentStatus.FAILED,
                "户名与账号不符",
                o.remark,
                o.payee_bank,
            )
            self.truth["faults"]["failed_transfer"] = [
                {
                    "project": p.code,
                    "month": month,
                    "worker_id": lines[k][0].worker_id,
                    "reason": "户名与账号不符",
                }
            ]
        return out

    def bank_files(self, p: ProjectMoney, acct: Account, month: str, payments: list[PaymentOut]) -> None:
        stem = self.out / f"bank-{p.code}-{month}"
        if acct.style == "icbc":
            paths = [write_icbc_csv(stem.with_suffix(".csv"), acct.number, payments)]
        elif acct.style == "ccb":
            paths = [write_ccb_xlsx(stem.with_suffix(".xlsx"), acct.number, payments)]
        else:
            paths = [write_camt054(Path(f"{stem}-camt054.xml"), acct.number, payments, f"N{p.id}{month}")]
            if p.id % 2 == 0:
                pain = write_pain001(
                    Path(f"{stem}-pain001.xml"),
                    acct.number,
                    payments,
                    f"B{p.id}{month}",
                    payments[0].value_date,
                )
                paths.insert(0, pain)
        for path in paths:
            import_bank_file(
                db=self.ctx.db,
                protector=self.ctx.protector,
                path=path,
                profile=acct.style,
                account_no=acct.number,
                actor="demo",
                chunk_rows=self.ctx.settings.import_batch_rows,
            )
            self.files.append(str(path))
        day = payments[0].value_date
        acct.paid.setdefault(f"{day.year:04d}-{day.month:02d}", []).extend(payments)
        acct.balance -= sum(x.amount_fen for x in payments if x.status is PaymentStatus.SUCCESS)
