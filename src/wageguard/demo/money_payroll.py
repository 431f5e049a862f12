"""The pay-sheet and payment half of the demo's money stage: declare each worker-month on a national
``Payroll`` CSV, pay it through a bank-style file (工行式 CSV, 建行式 XLSX, camt.054 with or without a
pain.001 batch first) and apply the planted payment faults. Mixed into ``money_stage.MoneyCity``.

Faults applied here, each to its own project and month: a team leader's card on members' lines, a team
leader collecting members' wages on his card with clean lines (each payment referenced to the member's
line code, ``thirdPayRollCode`` = EndToEndId, for the member's exact net pay), one
worker's pay below the minimum wage, one outlier payment (on the pay sheet and paid); late pay (nothing
paid by ``as_of``), a team left unpaid (group arrears), a departing worker left unpaid, two workers paid
60%, one failed transfer. What was declared and paid is kept in a ``MonthBook`` per fault project-month."""

from __future__ import annotations

import csv
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wageguard.auth.scope import SYSTEM
from wageguard.demo.money_plan import (
    Engaged,
    Plant,
    ProjectMoney,
    month_bounds,
    next_month,
    pay_date,
    wage_fen,
)
from wageguard.demo.money_truth import MonthBook
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
                  "balanceDate", "thirdPayRollCode"]  # fmt: skip
Line = tuple[Engaged, float, int, str]
Paid = tuple[Engaged, PaymentOut]
BELOW_MIN_FEN = 1_000_00
OUTLIER_FEN = 60_000_00


def line_code(p: ProjectMoney, month: str, n: int) -> str:
    """The code of a pay-sheet line (its ``thirdPayRollCode``), also the payment's reference/EndToEndId."""
    return f"{p.code}-{month.replace('-', '')}-{n:04d}"


@dataclass
class Account:
    number: str
    style: str
    balance: int = 0
    credits: dict[str, list[CreditOut]] = field(default_factory=dict)
    paid: dict[str, list[PaymentOut]] = field(default_factory=dict)


class PayrollMixin(ABC):
    """Declaring and paying wages; expects the attributes ``MoneyCity`` sets."""

    ctx: DemoContext
    projects: list[ProjectMoney]
    accounts: dict[int, Account]
    fault_month: str
    out: Path
    files: list[str]
    truth: dict[str, Any]
    books: dict[tuple[int, str], MonthBook]
    plants: dict[str, Plant]
    ghost_ids: set[int]

    @abstractmethod
    def fault_project(self, name: str) -> ProjectMoney | None:
        """The project chosen for the fault ``name`` (None when the city is too small for it)."""

    @abstractmethod
    def plants_at(self, p: ProjectMoney, month: str) -> dict[str, Plant]:
        """The faults planted on project ``p`` in ``month``, by name."""

    # -- pay sheets and payments -----------------------------------------------------------------------
    def pay_date(self, p: ProjectMoney, month: str) -> date:
        return pay_date(p, month)

    def wage_month(self, month: str) -> None:
        """Declare (5th of M+1) and pay (pay day of M+1) the wages of ``month`` for every project."""
        declared = month_bounds(next_month(month))[0] + timedelta(days=4)
        if declared > self.ctx.as_of:
            return
        for p in self.projects:
            book = self.book(p, month)
            acct = self.accounts.get(p.id)
            if acct is None:
                continue
            lines = self.lines(p, month)
            if not lines:
                continue
            self.submit_sheet(p, month, lines)
            paid = self.payments(p, month, lines)
            if book is not None:
                self.keep(book, lines, paid)
            if paid:
                self.bank_files(p, acct, month, [x for _, x in paid])

    def book(self, p: ProjectMoney, month: str) -> MonthBook | None:
        """A new book for a fault project's month (None for the others), holding its attendance."""
        if not any(plant.project.id == p.id for plant in self.plants.values()):
            return None
        days = {w: d for (w, m), d in p.days.items() if m == month and d > 0 and w not in self.ghost_ids}
        book = self.books[(p.id, month)] = MonthBook(attended=days)
        return book

    @staticmethod
    def keep(book: MonthBook, lines: list[Line], paid: list[Paid]) -> None:
        """Record the declared lines and the successful payments (any card) in the book."""
        book.declared = {w.worker_id: fen for w, _d, fen, _c in lines}
        ok = [(w, x) for w, x in paid if x.status is PaymentStatus.SUCCESS]
        for w, x in ok:
            book.paid[w.worker_id] = book.paid.get(w.worker_id, 0) + x.amount_fen
        per_card: dict[str, set[int]] = {}
        for w, x in ok:
            per_card.setdefault(x.payee_card, set()).add(w.worker_id)
        book.other_card = {
            w.worker_id for w, x in ok if x.payee_card != w.card or len(per_card[x.payee_card]) > 1
        }

    def lines(self, p: ProjectMoney, month: str) -> list[Line]:
        """(worker, days, net fen, payee card) for each worker-month, with the line faults applied."""
        by_id = {w.worker_id: w for w in p.workers}
        rows = [
            (by_id[wid], d, wage_fen(by_id[wid], d), by_id[wid].card)
            for (wid, m), d in sorted(p.days.items())
            if m == month and wid in by_id
        ]
        plants = self.plants_at(p, month)
        fixed = {
            wid: fen
            for name, fen in (("below_min_wage", BELOW_MIN_FEN), ("outlier_payment", OUTLIER_FEN))
            for wid in (plants[name].workers if name in plants else [])
        }
        rows = [(w, d, fixed.get(w.worker_id, fen), card) for w, d, fen, card in rows]
        collects = plants.get("leader_collects")
        if collects is not None:  # clean lines; the payments go to the leader's card (``payments``)
            collects.workers = [collects.workers[0], *sorted(collects.workers[1:7])]
        leader = plants.get("team_leader_card")
        if leader is None:
            return rows
        head, members = by_id[leader.workers[0]], set(leader.workers[1:6])
        leader.workers = [head.worker_id, *sorted(members)]
        return [(w, d, fen, head.card if w.worker_id in members else card) for w, d, fen, card in rows]

    def submit_sheet(self, p: ProjectMoney, month: str, lines: list[Line]) -> None:
        path = self.out / f"payroll-{p.code}-{month}.csv"
        pay_on = self.pay_date(p, month).isoformat()
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(PAYROLL_HEADER)
            coded = "leader_collects" in self.plants_at(p, month)
            for n, (w, days, fen, card) in enumerate(lines, start=1):
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
                        line_code(p, month, n) if coded else "",
                    ]
                )
        import_payroll_file(
            db=self.ctx.db, principal=SYSTEM, protector=self.ctx.protector, path=path, actor="demo"
        )
        self.files.append(str(path))

    def payments(self, p: ProjectMoney, month: str, lines: list[Line]) -> list[Paid]:
        """One transfer per line on the pay day, less the planted payment faults of this project-month."""
        pay_on = self.pay_date(p, month)
        plants = self.plants_at(p, month)
        if pay_on > self.ctx.as_of or "late_pay" in plants:  # late: the transfer has not happened yet
            return []
        skip = {
            w
            for name in ("group_arrears", "departed_unsettled")
            if name in plants
            for w in plants[name].workers
        }
        by_card = {w.card: w for w in p.workers}
        by_id = {w.worker_id: w for w in p.workers}
        collects = plants.get("leader_collects")
        head = by_id[collects.workers[0]] if collects is not None else None
        out: list[Paid] = []
        for n, (w, _days, fen, card) in enumerate(lines, start=1):
            if w.worker_id in skip:
                continue
            ref = line_code(p, month, n)
            if head is not None and collects is not None and w.worker_id in collects.workers:
                card = head.card  # the member's exact net pay, referenced to the member's line
            payee = by_card.get(card, w)
            remark = f"工资 {month[:4]}年{int(month[5:])}月" + ("" if payee is w else f" {w.name}")
            if head is not None:
                remark += f" {ref}"  # tabular results carry the line code in 摘要/用途
            out.append(
                (w, PaymentOut(ref, payee.name, card, fen, pay_on, remark=remark, payee_bank="中国农业银行"))
            )
        return self.apply_payment_faults(plants, out)

    @staticmethod
    def apply_payment_faults(plants: dict[str, Plant], out: list[Paid]) -> list[Paid]:
        """Two workers paid 60% (partial pay); the last transfer fails (户名与账号不符)."""
        if "partial_pay" in plants:
            plants["partial_pay"].workers = [w.worker_id for w, _ in out[:2]]
            for k, (w, o) in enumerate(out[:2]):
                out[k] = (w, replace(o, amount_fen=o.amount_fen * 6 // 10))
        if "failed_transfer" in plants and out:
            w, o = out[-1]
            plants["failed_transfer"].workers = [w.worker_id]
            out[-1] = (w, replace(o, status=PaymentStatus.FAILED, failure_reason="户名与账号不符"))
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
                principal=SYSTEM,
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
