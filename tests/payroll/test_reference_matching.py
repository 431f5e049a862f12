"""Matching by reference first: a pay-sheet line code (thirdPayRollCode) carried by the bank record as
EndToEndId, InstrId or a profile's remark column ties the payment to that line's worker and month, whatever
card it reached; a pain.001 batch and its CSV result are the same payments."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker
from tests.payroll.conftest import ACCOUNT, World, payment_count, payments, payroll

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.payroll.banks.writers import PaymentOut, write_camt054, write_ccb_xlsx, write_pain001
from wageguard.payroll.models import BankPayment
from wageguard.payroll.payments import import_bank_file
from wageguard.payroll.paysheets import drafts_from_api, submit_pay_sheets
from wageguard.payroll.schemas import AccountIn, PayrollIn
from wageguard.payroll.service import open_account
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

DAY = date(2026, 11, 10)
NETS = ["10250", "6800", "6600"]
FEN = [1_025_000, 680_000, 660_000]
SECOND_ACCOUNT = "6222024000055555555"


def _submit(db: Database, protector: Protector, sheet: PayrollIn, codes: list[str]) -> None:
    data = sheet.model_dump(by_alias=True)
    for line, code in zip(data["detailList"], codes, strict=True):
        line["thirdPayRollCode"] = code
    with db.transaction() as s:
        submit_pay_sheets(
            session=s,
            principal=SYSTEM,
            protector=protector,
            drafts=drafts_from_api([PayrollIn.model_validate(data)]),
            source="api",
            actor="t",
        )


def _import(db: Database, protector: Protector, path: Path, account: str = ACCOUNT, profile: str = "generic"):
    return import_bank_file(
        db=db,
        principal=SYSTEM,
        protector=protector,
        path=path,
        profile=profile,
        account_no=account,
        actor="t",
    )


def _codes(month: str) -> list[str]:
    return [f"PR{month.replace('-', '')}-{i}" for i in range(3)]


def test_members_wages_on_the_leaders_card_belong_to_the_referenced_lines(
    db: Database, protector: Protector, world: World, tmp_path: Path
) -> None:
    """Clean pay sheet (each worker's own card); the bank paid all three to the leader's card under the
    leader's name, each with the member's line code as EndToEndId."""
    _submit(db, protector, payroll(world, "2026-10", NETS), _codes("2026-10"))
    leader = world.cards[0]
    rows = [
        PaymentOut(code, "张三", leader, fen, DAY) for code, fen in zip(_codes("2026-10"), FEN, strict=True)
    ]
    _import(db, protector, write_camt054(tmp_path / "n.xml", ACCOUNT, rows, "M1"))
    stored = payments(db)
    assert [(p.worker_id, p.outcome, p.match_key, p.pay_month, p.month_source) for p in stored] == [
        (world.worker_ids[0], "other_card", "reference", "2026-10", "pay_sheet"),
        (world.worker_ids[1], "other_card", "reference", "2026-10", "pay_sheet"),
        (world.worker_ids[2], "other_card", "reference", "2026-10", "pay_sheet"),
    ]
    assert all(p.pay_sheet_line_id is not None for p in stored)


def test_without_a_reference_the_card_then_the_name_decides_and_the_key_is_stored(
    db: Database, protector: Protector, world: World, tmp_path: Path
) -> None:
    rows = [
        PaymentOut(None, "张三", world.cards[0], 100, DAY, remark="2026-10"),
        PaymentOut(None, "王五", card_number(), 100, DAY, remark="2026-10"),
    ]
    _import(db, protector, write_camt054(tmp_path / "n.xml", ACCOUNT, rows, "M1"))
    assert [(p.worker_id, p.outcome, p.match_key) for p in payments(db)] == [
        (world.worker_ids[0], "matched", "card"),
        (world.worker_ids[2], "other_card", "name"),
    ]


def test_a_remark_column_named_in_the_profile_carries_the_line_code(
    db: Database, protector: Protector, world: World, tmp_path: Path
) -> None:
    """建行式 workbook: its 用途 column holds the line code."""
    _submit(db, protector, payroll(world, "2026-10", NETS), _codes("2026-10"))
    leader = world.cards[0]
    rows = [
        PaymentOut(f"S{i}", "张三", leader, fen, DAY, remark=f"工资 {code}")
        for i, (code, fen) in enumerate(zip(_codes("2026-10"), FEN, strict=True))
    ]
    _import(db, protector, write_ccb_xlsx(tmp_path / "r.xlsx", ACCOUNT, rows), profile="ccb")
    assert [(p.worker_id, p.match_key) for p in payments(db)] == [(w, "reference") for w in world.worker_ids]


def test_a_csv_result_after_a_pain001_batch_updates_the_same_payments(
    db: Database, protector: Protector, world: World, tmp_path: Path
) -> None:
    _submit(db, protector, payroll(world, "2026-10", NETS), _codes("2026-10"))
    rows = [
        PaymentOut(code, name, card, fen, DAY)
        for code, name, card, fen in zip(_codes("2026-10"), world.names, world.cards, FEN, strict=True)
    ]
    _import(db, protector, write_pain001(tmp_path / "p.xml", ACCOUNT, rows, "B1", DAY))
    assert payment_count(db) == 3
    result = tmp_path / "result.csv"
    with result.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["流水号", "end_to_end_id", "付款账号", "收款人户名", "收款账号", "金额", "交易日期", "状态"]
        )
        for i, r in enumerate(rows):
            out.writerow(
                [
                    f"BANK{i:05d}",
                    r.reference,
                    ACCOUNT,
                    r.payee_name,
                    r.payee_card,
                    r.amount_fen / 100,
                    DAY.isoformat(),
                    "成功",
                ]
            )
    answer = _import(db, protector, result)
    assert (answer.inserted, answer.updated) == (0, 3)
    stored = payments(db)
    assert [(p.worker_id, p.status, p.outcome, p.match_key) for p in stored] == [
        (w, "success", "matched", "reference") for w in world.worker_ids
    ]


def test_a_card_receiving_wages_in_two_projects_and_two_imports_is_other_card_for_each(
    db: Database, protector: Protector, world: World, tmp_path: Path
) -> None:
    """The leader's card gets his own October pay from project 1 and, in a later import, a worker of
    project 2's October pay referenced to that worker's line."""
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="第二工地")
        team = make_team(s, project=project, enterprise=gc, name="木工班")
        number, card = id_number(), card_number()
        other = make_worker(s, protector, project=project, team=team, name="赵六", number=number, card=card)
        open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(account_no=SECOND_ACCOUNT, project_code=project.project_code, bank_code="103"),
        )
        second = PayrollIn.model_validate(
            {
                "projectCode": project.project_code,
                "teamSysNo": team.team_sys_no,
                "payMonth": "2026-10",
                "detailList": [
                    {
                        "idCardNumber": number,
                        "days": 22,
                        "payRollBankCardNumber": card,
                        "totalPayAmount": "7000",
                        "actualAmount": "6900",
                        "thirdPayRollCode": "P2-202610-1",
                    }
                ],
            }
        )
        other_id, project_id = other.id, project.id
    _submit(db, protector, payroll(world, "2026-10", NETS), _codes("2026-10"))
    leader = world.cards[0]
    own = PaymentOut(_codes("2026-10")[0], "张三", leader, FEN[0], DAY)
    _import(db, protector, write_camt054(tmp_path / "a.xml", ACCOUNT, [own], "A1"))
    assert [(p.outcome, p.worker_id) for p in payments(db)] == [("matched", world.worker_ids[0])]
    with db.transaction() as s:
        submit_pay_sheets(
            session=s,
            principal=SYSTEM,
            protector=protector,
            drafts=drafts_from_api([second]),
            source="api",
            actor="t",
        )
    theirs = PaymentOut("P2-202610-1", "张三", leader, 690_000, DAY)
    _import(db, protector, write_camt054(tmp_path / "b.xml", SECOND_ACCOUNT, [theirs], "B1"), SECOND_ACCOUNT)
    with db.sessions() as s:
        rows = list(
            s.execute(
                select(BankPayment.worker_id, BankPayment.project_id, BankPayment.outcome).order_by(
                    BankPayment.id
                )
            )
        )
    assert [tuple(r) for r in rows] == [
        (world.worker_ids[0], world.project_id, "other_card"),
        (other_id, project_id, "other_card"),
    ]


def test_a_pushed_payment_with_a_line_reference_belongs_to_that_line(
    client, make_user, login, db: Database, protector: Protector, world: World
) -> None:
    """The bank push carries the line code as ``thirdPayRollCode`` (or ``EndToEndId``): members' wages
    pushed to the leader's card belong to the members' lines, as they do from a file."""
    _submit(db, protector, payroll(world, "2026-10", NETS), _codes("2026-10"))
    make_user("abc", Role.BANK, bank_code="103")
    leader = world.cards[0]
    keys = ["thirdPayRollCode", "EndToEndId", "line_ref"]
    body = {
        "account_no": ACCOUNT,
        "payments": [
            {
                "reference": f"B{i}",
                "payee_name": "张三",
                "payee_card": leader,
                "amount": str(fen / 100),
                "value_date": DAY.isoformat(),
                "status": "成功",
                key: code,
            }
            for i, (key, code, fen) in enumerate(zip(keys, _codes("2026-10"), FEN, strict=True))
        ],
    }
    r = client.post("/api/v1/money/bank/push", json=body, headers=login("abc"))
    assert r.status_code == 201, r.text
    stored = [(p.worker_id, p.outcome, p.match_key, p.pay_sheet_line_id is not None) for p in payments(db)]
    # one card took three workers' wages in a month: "other card" for each, the leader included
    assert stored == [(w, "other_card", "reference", True) for w in world.worker_ids]
