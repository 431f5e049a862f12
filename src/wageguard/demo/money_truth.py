"""The money stage's ground truth: what each planted fault must raise, derived from what was written.

For every project-month a money fault touches, the stage keeps a ``MonthBook`` (attended days, declared
net pay on the pay sheet, money that reached any card). ``record_money_truth`` turns the books of the fault
project-months into expected alerts by the catalogue's definitions (``docs/rules.md``): the fault's own
alert, plus what follows (unpaid workers → W06 each, W07, W05 when nobody was paid, W17 from 10 workers,
W19 for a worker leaving that month, W18 when the project's arrears pass the criminal threshold). Other
months of a fault project and every other project are paid in full and on time and must raise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wageguard.config import Settings
from wageguard.demo.money_plan import Engaged, Plant, ProjectMoney, is_due, month_bounds, next_month
from wageguard.demo.truth import GroundTruth, WorkerRef, ground_truth, masked_ids
from wageguard.monitoring.thresholds import defaults, min_wage_for_tier

PROJECT_FAULTS = {  # faults that touch the project, not a worker-month: fault -> (rule, periodic)
    "no_account": ("W01", False),
    "no_tripartite": ("W02", False),
    "owner_stopped": ("W03", True),
    "low_ratio": ("W04", True),
    "no_deposit": ("W14", False),
    "low_deposit": ("W14", False),
    "deposit_used": ("W15", False),
}


@dataclass
class MonthBook:
    """What the generator did for one project-month."""

    attended: dict[int, float] = field(default_factory=dict)  # worker -> attended days
    declared: dict[int, int] = field(default_factory=dict)  # worker -> net fen on the pay sheet
    paid: dict[int, int] = field(default_factory=dict)  # worker -> successful fen, any card
    other_card: set[int] = field(default_factory=set)  # workers paid to a card not their own


@dataclass
class Thresholds:
    full_month_days: float
    min_wage_fen: int
    outlier_month_fen: int
    tolerance_fen: int
    group_workers: int
    criminal_single_months: int
    criminal_single_fen: int
    criminal_group_workers: int
    criminal_group_fen: int

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        d = defaults(settings)
        return cls(
            float(d["full_month_days"]),
            int(d["min_wage_fen"]) or min_wage_for_tier(settings, int(d["min_wage_tier"])),
            int(d["outlier_month_fen"]),
            int(d["underpay_tolerance_fen"]),
            int(d["group_arrears_workers"]),
            int(d["criminal_single_months"]),
            int(d["criminal_single_fen"]),
            int(d["criminal_group_workers"]),
            int(d["criminal_group_fen"]),
        )


def contract_estimate(w: Engaged, days: float, full_month_days: float) -> int:
    """Declared pay without a pay sheet, as the engine estimates it from the labour contract."""
    if w.basis == "daily" and w.rate_fen is not None:
        return int(w.rate_fen * days)
    if w.basis == "monthly" and w.rate_fen is not None:
        return round(w.rate_fen * min(1.0, max(0.0, days / full_month_days)))
    return 0


class MoneyTruth:
    """Turns the books of the fault project-months into expected alerts."""

    def __init__(self, truth: GroundTruth, settings: Settings, as_of: date, masked: dict[int, str]) -> None:
        self.truth, self.as_of, self.masked = truth, as_of, masked
        self.t = Thresholds.of(settings)
        self.arrears: dict[str, dict[int, dict[str, int]]] = {}  # project -> worker -> month -> owed

    def ref(self, worker_id: int) -> WorkerRef:
        return WorkerRef(worker_id, self.masked.get(worker_id, str(worker_id)))

    def no_inflow(self, p: ProjectMoney, months: list[str], fault: str, derived: bool) -> None:
        """W03 for each evaluated month that is over, had attendance and got no inflow."""
        for m in months:
            over = self.as_of >= month_bounds(next_month(m))[0]
            if m in self.truth.months and over and any(mm == m for (_, mm) in p.days):
                self.truth.expect_project("W03", p.code, m, fault=fault, derived=derived)

    def month(self, p: ProjectMoney, month: str, book: MonthBook, fault: str) -> None:
        """Every worker-month and project-month alert the book of a fault project-month must raise."""
        if month not in self.truth.months:
            return
        by_id = {w.worker_id: w for w in p.workers}
        code, t, expect = p.code, self.t, self.truth.expect_worker
        due = is_due(p, month, self.as_of)
        first, last = month_bounds(month)
        unpaid, short = [], []
        for wid in sorted(set(book.attended) | set(book.paid)):
            days, paid = book.attended.get(wid, 0.0), book.paid.get(wid, 0)
            declared = book.declared.get(wid)
            if declared is None:
                declared = contract_estimate(by_id[wid], days, t.full_month_days)
            if days == 0 and paid > 0:
                expect("W12", self.ref(wid), code, month, fault=fault, derived=fault != "ghost_workers")
            if wid in book.other_card:
                expect("W11", self.ref(wid), code, month, fault=fault, derived=fault not in LEADER_FAULTS)
            if paid > t.outlier_month_fen:
                expect("W10", self.ref(wid), code, month, fault=fault, derived=fault != "outlier_payment")
            if not due:
                continue
            if days >= 1 and paid == 0:
                unpaid.append(wid)
                self._owe(code, wid, month, declared)
            elif paid > 0 and wid in book.declared and declared - paid > t.tolerance_fen:
                short.append(wid)
                self._owe(code, wid, month, declared - paid)
            if days >= t.full_month_days and 0 < paid < t.min_wage_fen:
                expect("W09", self.ref(wid), code, month, fault=fault, derived=fault != "below_min_wage")
        for wid in unpaid:
            expect("W06", self.ref(wid), code, month, fault=fault, derived=fault not in UNPAID_FAULTS)
        for wid in short:
            expect("W08", self.ref(wid), code, month, fault=fault, derived=fault != "partial_pay")
        for wid in unpaid + short:
            gone = by_id[wid].exit
            if gone is not None and first <= gone <= last:
                expect("W19", self.ref(wid), code, month, fault=fault, derived=fault != "departed_unsettled")
        if unpaid:
            self.truth.expect_project("W07", code, month, fault=fault, derived=True)
        if len(unpaid) >= t.group_workers:
            self.truth.expect_project("W17", code, month, fault=fault, derived=fault != "group_arrears")
        nobody_paid = not any(v > 0 for v in book.paid.values())
        if due and book.attended and (not book.declared or nobody_paid):
            self.truth.expect_project("W05", code, month, fault=fault, derived=fault != "late_pay")

    def _owe(self, code: str, wid: int, month: str, fen: int) -> None:
        self.arrears.setdefault(code, {}).setdefault(wid, {})[month] = fen

    def criminal(self, fault_of: dict[str, str]) -> None:
        """W18 for each fault project whose arrears pass the single-worker or the group threshold."""
        t = self.t
        for code, workers in self.arrears.items():
            total = sum(sum(m.values()) for m in workers.values())
            single = any(
                len(m) >= t.criminal_single_months and sum(m.values()) >= t.criminal_single_fen
                for m in workers.values()
            )
            group = len(workers) >= t.criminal_group_workers and total >= t.criminal_group_fen
            if single or group:
                fault = fault_of[code]
                self.truth.expect_project("W18", code, "", fault=fault, derived=fault != "group_arrears")
                if fault == "group_arrears":
                    owed = {"workers_owed": len(workers), "owed_fen": total}
                    self.truth.plant("criminal_threshold", "money", code, **owed)


def record_money_truth(
    ctx: Any,
    projects: list[ProjectMoney],
    months: list[str],
    plants: dict[str, Plant],
    books: dict[tuple[int, str], MonthBook],
) -> list[str]:
    """Record every money fault and the alerts it must raise; return (and record) the clean projects."""
    truth = ground_truth(ctx)
    people = sorted({w for b in books.values() for w in (*b.attended, *b.paid)})
    mt = MoneyTruth(truth, ctx.settings, ctx.as_of, masked_ids(ctx.db, people))
    fault_of: dict[str, str] = {}
    for plant in plants.values():
        name, p = plant.fault, plant.project  # a kind planted more than once is keyed apart, named alike
        fault_of[p.code] = name
        truth.plant(name, "money", p.code, month=plant.month, worker_ids=plant.workers)
        if name == "owner_stopped":
            mt.no_inflow(p, months[1:], name, derived=False)
        elif name == "low_ratio" and plant.month in truth.months:
            truth.expect_project("W04", p.code, plant.month, fault=name)
        elif name in PROJECT_FAULTS and not PROJECT_FAULTS[name][1]:
            truth.expect_project(PROJECT_FAULTS[name][0], p.code, "", fault=name)
        if name == "no_account":
            mt.no_inflow(p, months, name, derived=True)
            for m in months:
                if (p.id, m) in books:
                    mt.month(p, m, books[(p.id, m)], name)
        elif (p.id, plant.month) in books and name not in PROJECT_FAULTS:
            mt.month(p, plant.month, books[(p.id, plant.month)], name)
    mt.criminal(fault_of)
    fault_month = months[-2] if len(months) > 1 else months[-1]
    planted = truth.planted_projects()
    truth.clean_projects = [
        p.code
        for p in projects
        if p.status == "003" and p.code not in planted and any(m == fault_month for _, m in p.days)
    ]
    return truth.clean_projects


LEADER_FAULTS = {"team_leader_card", "leader_collects"}
UNPAID_FAULTS = {"late_pay", "group_arrears", "failed_transfer", "departed_unsettled", "propensity_arrears"}
