"""Demo stage, money: wage accounts (one GC in Guizhou's real-account + virtual sub-account model), terms,
deposits, monthly labour-cost inflows, pay sheets and bank files for every month of the demo, all written as
files or use-case calls and imported through the real paths, with planted faults in ``ctx.truth["money"]``.

Wages for month M are declared on the 5th of M+1 and paid on the project's pay day in M+1, for exactly the
worker-months with attendance (or, without attendance data, the workers on site by their entry/exit dates).
Clean projects are paid in full and on time. Faults (one project each, none planted by an earlier stage;
money faults touch the fault month, the one before ``as_of``'s): no special account, no tripartite
agreement, owner stopped paying in, labour-cost inflow below the agreed ratio, no deposit, a deposit below
the ratio, a deposit used and not topped up, late pay, partial pay, a team left unpaid (group arrears, and
past the criminal threshold), a departing worker left unpaid, a team leader's card collecting the team's
wages, a failed transfer, ghost workers (registered and paid, never attended), pay below the minimum
wage, an outlier payment. Beside these, arrears driven by the hidden propensity of the general contractor
(``money_plan.propensity_plants``: one to three workers left unpaid on one of its projects, with a chance
rising with its z), and the payment faults' projects biased towards high-z contractors. Every fault and
the alerts it must raise go into the ground truth (``demo/truth.py``), with the clean projects: active,
nothing planted, complete data.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from stdnum import luhn
from stdnum.cn import ric

from wageguard.audit.service import record_audit
from wageguard.auth.scope import SYSTEM
from wageguard.demo.money_payroll import Account, PayrollMixin
from wageguard.demo.money_plan import (
    DEFAULT_VALUE_FEN,
    PROPENSITY_ARREARS,
    Engaged,
    Plant,
    ProjectMoney,
    assign_faults,
    attach_days,
    demo_months,
    guizhou_groups,
    load_projects,
    month_bounds,
    propensity_plants,
    wage_fen,
)
from wageguard.demo.money_truth import MonthBook, record_money_truth
from wageguard.demo.risk_feeds import propensity
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import ground_truth
from wageguard.payroll.banks.writers import (
    CreditOut,
    write_camt053,
)
from wageguard.payroll.choices import DepositKind, DepositMovementKind
from wageguard.payroll.models import WageAccount
from wageguard.payroll.payments import import_bank_file
from wageguard.payroll.schemas import AccountIn, BalanceIn, DepositIn, InflowIn, MovementIn, TermsIn
from wageguard.payroll.service import (
    lodge_deposit,
    move_deposit,
    open_account,
    record_balance,
    record_inflow,
    set_money_terms,
)
from wageguard.registry.models import BankCard, Enterprise, LabourContract, ProjectWorker, Team, Worker
from wageguard.registry.tallying import refresh_registry_tallies
from wageguard.security.crypto import mask

BANKS = (
    ("102", "中国工商银行铜仁分行", "icbc"),
    ("105", "中国建设银行铜仁分行", "ccb"),
    ("103", "中国农业银行铜仁分行", "camt"),
)
UNPAID_AS = {PROPENSITY_ARREARS: "departed_unsettled"}  # a plant's kind -> the payroll mechanics applied


def _account_no(project_id: int, salt: int = 0) -> str:
    return f"6222{salt:02d}{project_id:013d}"


def _ghost_id(seq: int) -> str:
    body = f"522201{date(1981, 3, 1) + timedelta(days=37 * seq):%Y%m%d}9{seq % 100:02d}"
    return body + ric.calc_check_digit(body + "0")


def _ghost_card(seq: int) -> str:
    body = f"62284899{seq:010d}"
    return body + luhn.calc_check_digit(body)


def register_ghosts(ctx: DemoContext, p: ProjectMoney, month: str, count: int = 3) -> list[Engaged]:
    """Workers registered on a project (with cards and contracts) who never come to the site."""
    first, _ = month_bounds(month)
    ghosts: list[Engaged] = []
    with ctx.db.transaction() as s:
        team = s.scalar(select(Team).where(Team.project_id == p.id).order_by(Team.id))
        seq = ctx.seed * 1000
        while len(ghosts) < count:
            seq += 1
            number, card = _ghost_id(seq), _ghost_card(seq)
            if s.scalar(select(Worker.id).where(Worker.id_bidx == ctx.protector.blind_index(number))):
                continue
            name = ("田", "龙", "杨", "吴")[seq % 4] + ("长生", "有财", "金宝", "顺发")[seq % 4]
            w = Worker(
                name=name,
                id_enc=ctx.protector.encrypt(number),
                id_bidx=ctx.protector.blind_index(number),
                id_masked=mask(number),
                gender="1",
            )
            s.add(w)
            s.flush()
            s.add(
                BankCard(
                    worker_id=w.id,
                    card_enc=ctx.protector.encrypt(card),
                    card_masked=mask(card),
                    card_bidx=ctx.protector.blind_index(card),
                    bank_name="中国农业银行",
                    top_bank_code="103",
                )
            )
            s.add(
                ProjectWorker(
                    project_id=p.id,
                    worker_id=w.id,
                    team_id=team.id if team else None,
                    enterprise_id=team.enterprise_id if team else p.contractor_id,
                    region_code=p.region_code,
                    work_type="010",
                    work_role="20",
                    entry_date=first,
                )
            )
            if team is not None:
                s.add(
                    LabourContract(
                        project_id=p.id,
                        worker_id=w.id,
                        enterprise_id=team.enterprise_id,
                        period_type="1",
                        start_date=first,
                        wage_basis="daily",
                        rate_fen=300_00,
                    )
                )
            ghosts.append(
                Engaged(
                    w.id,
                    name,
                    number,
                    card,
                    team.id if team else None,
                    team.team_sys_no if team else None,
                    False,
                    first,
                    None,
                    "daily",
                    300_00,
                )
            )
        refresh_registry_tallies(s)  # the ghosts are written here, not through an import
    p.workers.extend(ghosts)
    for g in ghosts:
        p.days[(g.worker_id, month)] = 22.0
    return ghosts


class MoneyCity(PayrollMixin):
    """Runs the stage: accounts and deposits first, then month by month inflows, pay sheets and payments."""

    def __init__(self, ctx: DemoContext, projects: list[ProjectMoney], months: list[str]) -> None:
        self.ctx, self.projects, self.months = ctx, projects, months
        self.fault_month = months[-2] if len(months) > 1 else months[-1]
        self.styles = {p.id: BANKS[i % 3][2] for i, p in enumerate(projects)}
        taken = ground_truth(ctx).planted_projects()
        earlier = [m for m in reversed(months) if m < self.fault_month]
        tries = [self.fault_month, *earlier]
        risk = contractor_propensity(ctx)
        self.plants = assign_faults(
            projects, tries, ctx.as_of, seed=ctx.seed, taken=taken, styles=self.styles, risk=risk
        )
        used = {x.project.id for x in self.plants.values()}
        for x in propensity_plants(
            projects, tries, ctx.as_of, seed=ctx.seed, risk=risk, used=used, taken=taken
        ):
            self.plants[f"{x.fault}@{x.project.code}"] = x
        self.faults = {name: plant.project for name, plant in self.plants.items()}
        self.books: dict[tuple[int, str], MonthBook] = {}
        self.ghost_ids: set[int] = set()
        self.accounts: dict[int, Account] = {}
        self.out = ctx.out_dir / "money"
        self.out.mkdir(parents=True, exist_ok=True)
        self.files: list[str] = []
        self.truth: dict[str, Any] = {"months": months, "fault_month": self.fault_month, "faults": {}}

    def fault_project(self, name: str) -> ProjectMoney | None:
        return self.faults.get(name)

    def plants_at(self, p: ProjectMoney, month: str) -> dict[str, Plant]:
        """By the name of the mechanics the payroll applies: propensity arrears are left unpaid as a
        departing worker is (no other fault shares their project)."""
        return {
            UNPAID_AS.get(x.fault, n): x
            for n, x in self.plants.items()
            if x.project.id == p.id and x.month == month
        }

    # -- accounts, terms, deposits ---------------------------------------------------------------------
    def open_accounts(self) -> None:
        skip = {p.id for p in [self.fault_project("no_account")] if p is not None}
        no_tri = self.fault_project("no_tripartite")
        groups = guizhou_groups(self.projects, skip | ({no_tri.id} if no_tri else set()))
        with self.ctx.db.transaction() as s:
            parents: dict[int, str] = {}
            for gc, members in groups.items():
                number = _account_no(gc, 99)
                opened = min(p.opened for p in members)
                open_account(
                    session=s,
                    principal=SYSTEM,
                    protector=self.ctx.protector,
                    data=AccountIn(
                        account_no=number,
                        region_code=members[0].region_code,
                        bank_code="103",
                        bank_name=BANKS[2][1],
                        account_name="总包工资专户",
                        opened_date=opened,
                        tripartite_date=opened,
                    ),
                )
                parents.update({p.id: number for p in members})
            for i, p in enumerate(self.projects):
                if p.id in skip:
                    continue
                code, bank, style = BANKS[i % 3]
                number = _account_no(p.id)
                tri = None if no_tri is not None and p.id == no_tri.id else p.opened
                open_account(
                    session=s,
                    principal=SYSTEM,
                    protector=self.ctx.protector,
                    data=AccountIn(
                        account_no=number,
                        project_code=p.code,
                        parent_account_no=parents.get(p.id),
                        bank_code=code,
                        bank_name=bank,
                        opened_date=p.opened,
                        tripartite_date=tri,
                    ),
                )
                self.accounts[p.id] = Account(number, style)
        self.truth["guizhou_model"] = [
            {"gc_enterprise_id": gc, "projects": [p.code for p in ps]} for gc, ps in groups.items()
        ]

    def terms_and_deposits(self) -> None:
        missing, low = self.fault_project("no_deposit"), self.fault_project("low_deposit")
        with self.ctx.db.transaction() as s:
            for i, p in enumerate(self.projects):
                value = p.invest_fen or DEFAULT_VALUE_FEN
                set_money_terms(
                    session=s,
                    principal=SYSTEM,
                    data=TermsIn(
                        project_code=p.code,
                        labour_cost_ratio_bp=2000,
                        payment_cycle_days=30,
                        deposit_ratio_bp=200,
                        contract_value_fen=value,
                    ),
                )
                if missing is not None and p.id == missing.id:
                    continue
                kind = DepositKind.CASH if i % 2 else DepositKind.GUARANTEE_LETTER
                share = 1 if low is not None and p.id == low.id else 2  # per cent; 2% is required
                deposit = lodge_deposit(
                    session=s,
                    principal=SYSTEM,
                    data=DepositIn(
                        project_code=p.code,
                        kind=kind,
                        amount_fen=value * share // 100,
                        deposit_date=p.opened,
                        required_ratio_bp=200,
                        bank_name=BANKS[i % 3][1],
                        letter_no=f"BH{p.id:08d}" if kind is DepositKind.GUARANTEE_LETTER else None,
                        expiry_date=date(2028, 12, 31) if kind is DepositKind.GUARANTEE_LETTER else None,
                    ),
                )
                if p is self.fault_project("deposit_used"):
                    self.use_deposit(s, deposit.id, value * share // 200)

    def use_deposit(self, session: Any, deposit_id: int, amount_fen: int) -> None:
        """Half the deposit paid out for arrears four weeks before ``as_of``, never topped up (W15)."""
        data = MovementIn(
            kind=DepositMovementKind.USE,
            movement_date=self.ctx.as_of - timedelta(days=28),
            amount_fen=amount_fen,
            reason="动用保证金支付欠薪 / deposit used to pay arrears",
        )
        move_deposit(session=session, principal=SYSTEM, deposit_id=deposit_id, data=data)

    # -- inflows ---------------------------------------------------------------------------------------
    def month_wages(self, p: ProjectMoney, month: str) -> int:
        by_id = {w.worker_id: w for w in p.workers}
        return sum(wage_fen(by_id[wid], d) for (wid, m), d in p.days.items() if m == month and wid in by_id)

    def inflows(self, month: str) -> None:
        day = month_bounds(month)[0] + timedelta(days=4)
        if day > self.ctx.as_of:
            return
        stopped, low = self.fault_project("owner_stopped"), self.fault_project("low_ratio")
        for p in self.projects:
            acct = self.accounts.get(p.id)
            if acct is None or p.status != "003":
                continue
            if stopped is not None and p.id == stopped.id and month != self.months[0]:
                continue
            factor = 3 if stopped is not None and p.id == stopped.id else 1
            fen = max(100_000_00, self.month_wages(p, month) * 12 // 10 // 10000 * 10000) * factor
            acct.credits.setdefault(month, []).append(
                CreditOut(
                    f"IN{p.id:06d}{month.replace('-', '')}",
                    "业主单位（建设单位）",
                    fen,
                    day,
                    f"进度款 {month}",
                )
            )
            acct.balance += fen
            if acct.style != "camt":
                with self.ctx.db.transaction() as s:
                    record_inflow(
                        session=s,
                        principal=SYSTEM,
                        protector=self.ctx.protector,
                        data=InflowIn(
                            account_no=acct.number,
                            value_date=day,
                            amount_fen=fen,
                            payer_name="业主单位（建设单位）",
                            progress_ref=f"进度款 {month}",
                            progress_amount_fen=fen * (10 if p is low and month == self.fault_month else 4),
                            bank_reference=f"IN{p.id:06d}{month.replace('-', '')}",
                        ),
                    )

    # -- statements and balances -----------------------------------------------------------------------
    def statements(self, month: str) -> None:
        """Month-end (or today's) balances: camt.053 for camt accounts, a balance report for the others."""
        close = min(month_bounds(month)[1], self.ctx.as_of)
        if month_bounds(month)[0] > self.ctx.as_of:
            return
        for p in self.projects:
            acct = self.accounts.get(p.id)
            if acct is None:
                continue
            if acct.style == "camt":
                path = write_camt053(
                    self.out / f"statement-{p.code}-{month}.xml",
                    acct.number,
                    acct.paid.get(month, []),
                    acct.credits.get(month, []),
                    f"S{p.id}{month}",
                    (close, acct.balance),
                )
                import_bank_file(
                    db=self.ctx.db,
                    principal=SYSTEM,
                    protector=self.ctx.protector,
                    path=path,
                    account_no=acct.number,
                    actor="demo",
                )
                self.files.append(str(path))
            else:
                with self.ctx.db.transaction() as s:
                    record_balance(
                        session=s,
                        principal=SYSTEM,
                        protector=self.ctx.protector,
                        data=BalanceIn(account_no=acct.number, as_of=close, balance_fen=acct.balance),
                    )

    def run(self) -> None:
        ghost = self.plants.get("ghost_workers")
        if ghost is not None:
            ghosts = register_ghosts(self.ctx, ghost.project, ghost.month)
            ghost.workers = [g.worker_id for g in ghosts]
            self.ghost_ids.update(ghost.workers)
        self.open_accounts()
        self.terms_and_deposits()
        for i, month in enumerate(self.months):
            self.inflows(month)
            if i > 0:
                self.wage_month(self.months[i - 1])
            self.statements(month)
        self.record_truth()

    def record_truth(self) -> None:
        faults: dict[str, list[dict[str, Any]]] = {}
        for x in self.plants.values():
            item = {"project_code": x.project.code, "month": x.month, "worker_ids": x.workers}
            faults.setdefault(x.fault, []).append(item)
        self.truth["faults"] = faults
        self.truth["clean_projects"] = record_money_truth(
            self.ctx, self.projects, self.months, self.plants, self.books
        )
        self.truth["accounts"] = len(self.accounts)
        self.truth["files"] = len(self.files)
        self.truth["paid_months"] = [m for m in self.months[:-1]]


def contractor_propensity(ctx: DemoContext) -> dict[int, float]:
    """Every enterprise's hidden propensity (``demo/risk_feeds.py``) by its database id."""
    with ctx.db.sessions() as s:
        return {
            i: propensity(ctx.seed, code)
            for i, code in s.execute(select(Enterprise.id, Enterprise.corp_code))
        }


def money_stage(ctx: DemoContext) -> None:
    """Accounts, deposits, inflows, pay sheets and bank files for every demo month, with planted faults."""
    started = time.perf_counter()
    with ctx.db.sessions() as s:
        if s.scalar(select(func.count()).select_from(WageAccount)):
            ctx.log("    资金数据已存在 / money data already present: skipped")
            return
    months = demo_months(ctx.as_of, ctx.months)
    with ctx.db.transaction() as s:
        projects = load_projects(s, ctx.protector, ctx.as_of)
        record_audit(
            s,
            actor="demo",
            action="decrypt",
            subject_type="bank_cards",
            detail={"purpose": "demo bank files", "workers": sum(len(p.workers) for p in projects)},
        )
        attended = attach_days(s, projects, months)
    city = MoneyCity(ctx, projects, months)
    city.run()
    city.truth["attendance_based"] = attended
    ctx.truth["money"] = city.truth
    ctx.log(
        f"    资金 / money: {city.truth['accounts']} 账户 accounts, {city.truth['files']} 文件 files, "
        f"{len(city.truth['faults'])} 类问题 faults, {time.perf_counter() - started:.1f}s"
    )
