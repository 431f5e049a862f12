"""A small planted-fault city written through the other slices' tables (their ORM models)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from wageguard.attendance.models import WorkerMonth
from wageguard.payroll.models import BankPayment, LabourCostInflow, PaySheet, PaySheetLine, WageAccount
from wageguard.registry.models import Enterprise, Project, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector

MONTH = "2026-09"
AS_OF = date(2026, 10, 20)
NET = 600_000


def add_project(
    s: Session, p: Protector, code: str, region: str = "520602"
) -> tuple[Project, Team, WageAccount]:
    ent = Enterprise(corp_code=f"91520600MA{code:0>8}"[:18], name=f"企业{code}")
    s.add(ent)
    s.flush()
    proj = Project(
        project_code=code,
        name=f"项目{code}",
        region_code=region,
        status="003",
        pay_day=15,
        grace_days=4,
        start_date=date(2026, 1, 5),
        contract_signed_date=date(2026, 1, 1),
        invest_fen=100_000_000,
        labour_officer_name="王专管",
        notice_board_date=date(2026, 1, 3),
        contractor_id=ent.id,
    )
    s.add(proj)
    s.flush()
    team = Team(team_sys_no=f"T{code}", project_id=proj.id, enterprise_id=ent.id, name="钢筋班")
    acct = WageAccount(
        project_id=proj.id,
        region_code=region,
        account_enc=p.encrypt(f"62{proj.id:014d}"),
        account_bidx=p.blind_index(f"acct{proj.id}"),
        account_masked="62**",
        opened_date=date(2026, 1, 2),
        tripartite_date=date(2026, 1, 2),
    )
    s.add_all([team, acct])
    s.flush()
    s.add(
        LabourCostInflow(
            account_id=acct.id,
            project_id=proj.id,
            region_code=region,
            value_date=date(2026, 9, 10),
            amount_fen=10_000_000,
            natural_key=f"in{proj.id}",
        )
    )
    s.add(
        PaySheet(
            project_id=proj.id,
            team_id=team.id,
            region_code=region,
            pay_month=MONTH,
            content_sha256="x" * 64,
            source="api",
            submitted_by="t",
        )
    )
    s.flush()
    return proj, team, acct


def add_worker(
    s: Session,
    p: Protector,
    proj: Project,
    team: Team,
    acct: WageAccount,
    n: int,
    *,
    days: int = 22,
    paid: int | None = NET,
    outcome: str = "matched",
    sheet: bool = True,
) -> Worker:
    w = Worker(
        name=f"工人{n}", id_enc=p.encrypt(f"id{n}"), id_bidx=p.blind_index(f"id{n}"), id_masked=f"5206**{n}"
    )
    s.add(w)
    s.flush()
    s.add(ProjectWorker(project_id=proj.id, worker_id=w.id, team_id=team.id, region_code=proj.region_code))
    if days:
        s.add(
            WorkerMonth(
                project_id=proj.id,
                worker_id=w.id,
                month=MONTH,
                region_code=proj.region_code,
                days=days,
                minutes=days * 540,
            )
        )
    if sheet:
        sheet_row = s.query(PaySheet).filter_by(project_id=proj.id).one()
        s.add(
            PaySheetLine(
                sheet_id=sheet_row.id,
                project_id=proj.id,
                region_code=proj.region_code,
                pay_month=MONTH,
                worker_id=w.id,
                gross_fen=NET + 50_000,
                net_fen=NET,
            )
        )
    if paid is not None:
        set_payment(s, p, acct, proj, w, paid, outcome)
    return w


def set_payment(
    s: Session,
    p: Protector,
    acct: WageAccount,
    proj: Project,
    w: Worker,
    amount: int,
    outcome: str = "matched",
    key: str = "",
) -> None:
    s.add(
        BankPayment(
            account_id=acct.id,
            project_id=proj.id,
            region_code=proj.region_code,
            natural_key=f"r:{w.id}{key}",
            payee_name=w.name,
            payee_card_enc=p.encrypt("6222"),
            payee_card_bidx=p.blind_index(f"card{w.id}"),
            payee_card_masked="6222**1234",
            amount_fen=amount,
            value_date=date(2026, 10, 15),
            status="success",
            pay_month=MONTH,
            month_source="sheet",
            outcome=outcome,
            worker_id=w.id,
        )
    )


def plant(s: Session, p: Protector) -> dict[str, object]:
    """Project CLEAN pays everyone; project FAULTY has one fault of each worker kind."""
    clean, team, acct = add_project(s, p, "CLEAN")
    for n in range(1, 4):
        add_worker(s, p, clean, team, acct, n)
    faulty, team, acct = add_project(s, p, "FAULTY")
    ok = add_worker(s, p, faulty, team, acct, 10)
    unpaid = add_worker(s, p, faulty, team, acct, 11, paid=None)
    under = add_worker(s, p, faulty, team, acct, 12, paid=NET - 10_000)
    proxy = add_worker(s, p, faulty, team, acct, 13, outcome="other_card")
    ghost = add_worker(s, p, faulty, team, acct, 14, days=0)
    s.flush()
    return {
        "clean": clean.id,
        "faulty": faulty.id,
        "ok": ok.id,
        "unpaid": unpaid.id,
        "under": under.id,
        "proxy": proxy.id,
        "ghost": ghost.id,
        "acct": acct,
        "project": faulty,
        "unpaid_worker": unpaid,
    }
