"""The money stage of the demo city: real import paths, planted faults exactly as recorded, clean projects
paid in full and on time."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from wageguard.auth.scope import SYSTEM
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.money_stage import money_stage
from wageguard.demo.registry_stage import registry_stage
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.payroll.models import BankPayment, LabourCostInflow, WageAccount, WageDeposit
from wageguard.payroll.queries import project_month_pay
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector


@pytest.fixture
def ctx(db: Database, protector: Protector, settings: Settings, tmp_path: Path) -> DemoContext:
    context = DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path / "demo",
        projects=30,
        workers=700,
        as_of=date(2026, 11, 28),
        log=lambda _line: None,
    )
    registry_stage(context)
    money_stage(context)
    return context


def _project(db: Database, code: str) -> Project:
    with db.sessions() as s:
        return s.scalars(select(Project).where(Project.project_code == code)).one()


def test_money_runs_after_registry_and_attendance() -> None:
    names = [name for name, _ in all_stages()]
    assert names.index("money") > names.index("attendance") > names.index("registry")


def _clean_projects_are_paid_in_full_on_time_to_their_own_cards(ctx: DemoContext, db: Database) -> None:
    truth = ctx.truth["money"]
    assert truth["clean_projects"] and truth["paid_months"] == ["2026-09", "2026-10"]
    with db.sessions() as s:
        for code in truth["clean_projects"]:
            project = _project(db, code)
            for month in truth["paid_months"]:
                view = project_month_pay(s, SYSTEM, project.id, month)
                assert view.workers, (code, month)
                assert all(w.state == "paid" and w.paid_fen == w.net_fen for w in view.workers), (code, month)
                assert all(w.other_card_fen == 0 for w in view.workers)
                year, mon = (int(x) for x in month.split("-"))
                due = date(year + mon // 12, mon % 12 + 1, min(project.pay_day, 28)) + timedelta(
                    days=project.grace_days
                )
                assert all(w.last_paid is not None and w.last_paid <= due for w in view.workers)


def _planted_faults_are_in_the_data_exactly_as_recorded(ctx: DemoContext, db: Database) -> None:
    faults = {name: items[0] for name, items in ctx.truth["money"]["faults"].items()}
    assert set(faults) >= {"no_account", "late_pay", "owner_stopped", "no_deposit", "no_tripartite",
                           "partial_pay", "team_leader_card", "failed_transfer", "ghost_workers"}  # fmt: skip
    with db.sessions() as s:

        def pid(name: str) -> int:
            return _project(db, faults[name]["project_code"]).id

        def pays(name: str) -> dict[int, BankPayment]:
            f = faults[name]
            rows = s.scalars(
                select(BankPayment).where(
                    BankPayment.project_id == pid(name), BankPayment.pay_month == f["month"]
                )
            )
            return {p.worker_id: p for p in rows if p.worker_id is not None}

        assert s.scalar(select(WageAccount.id).where(WageAccount.project_id == pid("no_account"))) is None
        assert s.scalar(select(WageDeposit.id).where(WageDeposit.project_id == pid("no_deposit"))) is None
        no_tri = s.scalars(select(WageAccount).where(WageAccount.project_id == pid("no_tripartite"))).one()
        assert no_tri.tripartite_date is None
        assert pays("late_pay") == {}  # late: not paid by as_of
        partial = pays("partial_pay")
        assert all(partial[w].outcome == "matched" for w in faults["partial_pay"]["worker_ids"])
        gang = pays("team_leader_card")
        assert {gang[w].outcome for w in faults["team_leader_card"]["worker_ids"]} == {"other_card"}
        [failed] = faults["failed_transfer"]["worker_ids"]
        p = pays("failed_transfer")[failed]
        assert (p.status, p.outcome, p.failure_reason) == ("failed", "failed", "户名与账号不符")
        ghosts = pays("ghost_workers")
        assert all(ghosts[w].outcome == "matched" for w in faults["ghost_workers"]["worker_ids"])
        inflows = s.scalars(
            select(LabourCostInflow).where(LabourCostInflow.project_id == pid("owner_stopped"))
        )
        assert {i.value_date.strftime("%Y-%m") for i in inflows} == {"2026-09"}


def test_clean_projects_are_paid_in_full_on_time_and_faults_are_planted_as_recorded(
    ctx: DemoContext, db: Database
) -> None:
    _clean_projects_are_paid_in_full_on_time_to_their_own_cards(ctx, db)
    _planted_faults_are_in_the_data_exactly_as_recorded(ctx, db)
