"""A small money world: one project with a wage account, one team of three workers with their own cards,
and helpers writing bank files the way banks do."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.payroll.banks.writers import ICBC_HEADER
from wageguard.payroll.models import BankPayment
from wageguard.payroll.paysheets import drafts_from_api, submit_pay_sheets
from wageguard.payroll.schemas import AccountIn, PayrollIn
from wageguard.payroll.service import open_account
from wageguard.security.crypto import Protector

ACCOUNT = "6222024000012345678"
OTHER_ACCOUNT = "6222024000099999999"


@dataclass
class World:
    project_id: int
    project_code: str
    enterprise_id: int
    team_sys_no: str
    worker_ids: list[int]
    names: list[str]
    ids: list[str]
    cards: list[str]
    account_id: int


@pytest.fixture
def world(db: Database, protector: Protector) -> World:
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="碧江资金测试工地")
        team = make_team(s, project=project, enterprise=gc, name="钢筋班")
        names, ids, cards, wids = ["张三", "李四", "王五"], [], [], []
        for name in names:
            number, card = id_number(), card_number()
            w = make_worker(s, protector, project=project, team=team, name=name, number=number, card=card)
            ids.append(number)
            cards.append(card)
            wids.append(w.id)
        account = open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(
                account_no=ACCOUNT,
                project_code=project.project_code,
                bank_code="103",
                bank_name="中国农业银行铜仁分行",
                opened_date=date(2026, 3, 1),
                tripartite_date=date(2026, 3, 5),
            ),
        )
        return World(
            project.id, project.project_code, gc.id, team.team_sys_no, wids, names, ids, cards, account.id
        )


def payroll(world: World, month: str, nets: list[str], cards: list[str] | None = None) -> PayrollIn:
    """A national Payroll object for the world's team (gross = net + 100 yuan)."""
    cards = cards or world.cards
    return PayrollIn.model_validate(
        {
            "projectCode": world.project_code,
            "teamSysNo": world.team_sys_no,
            "payMonth": month,
            "detailList": [
                {
                    "idCardNumber": world.ids[i],
                    "days": 22,
                    "workHours": 176,
                    "payRollBankCardNumber": cards[i],
                    "totalPayAmount": str(float(net) + 100),
                    "actualAmount": net,
                }
                for i, net in enumerate(nets)
            ],
        }
    )


def submit(db: Database, protector: Protector, sheet: PayrollIn) -> list[dict[str, object]]:
    with db.transaction() as s:
        return submit_pay_sheets(
            session=s,
            principal=SYSTEM,
            protector=protector,
            drafts=drafts_from_api([sheet]),
            source="api",
            actor="t",
        )


def write_icbc(path: Path, rows: list[list[str]], encoding: str = "gbk") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(ICBC_HEADER)
        out.writerows(rows)
    return path


def payment_count(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(BankPayment)) or 0)


def payments(db: Database) -> list[BankPayment]:
    with db.sessions() as s:
        return list(s.scalars(select(BankPayment).order_by(BankPayment.id)))
