"""Pay sheets in the national Payroll shape: versions on correction, idempotent resends, file imports."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select
from tests.factories import id_number
from tests.payroll.conftest import World, payroll, submit

from wageguard.auth.scope import SYSTEM
from wageguard.errors import ImportRejected
from wageguard.payroll.models import PaySheet, PaySheetLine
from wageguard.payroll.paysheets import import_payroll_file


def _sheets(db):
    with db.sessions() as s:
        return list(s.scalars(select(PaySheet).order_by(PaySheet.id)))


def test_a_corrected_sheet_replaces_the_earlier_one_and_keeps_its_history(db, protector, world: World):
    [first] = submit(db, protector, payroll(world, "2026-10", ["5000", "4800", "4700"]))
    assert (first["status"], first["version"]) == ("created", 1)
    [resend] = submit(db, protector, payroll(world, "2026-10", ["5000", "4800", "4700"]))
    assert (resend["status"], resend["version"]) == ("unchanged", 1)
    [fixed] = submit(db, protector, payroll(world, "2026-10", ["5000", "4800", "4750.5"]))
    assert (fixed["status"], fixed["version"]) == ("replaced", 2)
    old, new = _sheets(db)
    assert (old.is_current, old.superseded_by_id) == (False, new.id)
    assert (new.is_current, new.net_total_fen, new.gross_total_fen) == (True, 1455050, 1485050)
    with db.sessions() as s:
        assert s.query(PaySheetLine).count() == 6


def test_sheet_for_an_unregistered_worker_or_bad_amount_is_rejected_whole(db, protector, world: World):
    sheet = payroll(world, "2026-10", ["5000", "4800", "4700"])
    sheet.detailList[1].idCardNumber = id_number()
    sheet.detailList[2].actualAmount = "47,00.0.0"
    with pytest.raises(ImportRejected) as info:
        submit(db, protector, sheet)
    found = {(p.row, p.field) for p in info.value.problems}
    assert found == {("1.2", "idCardNumber"), ("1.3", "actualAmount")}
    assert _sheets(db) == []


def test_payroll_csv_import_groups_rows_into_team_months(db, protector, world: World, tmp_path):
    path = tmp_path / "payroll.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "projectCode",
                "teamSysNo",
                "payMonth",
                "idCardNumber",
                "days",
                "workHours",
                "payRollBankCardNumber",
                "totalPayAmount",
                "actualAmount",
                "isBackPay",
                "balanceDate",
            ]
        )
        for month in ("2026-09", "2026-10"):
            for i in range(3):
                out.writerow(
                    [
                        world.project_code,
                        world.team_sys_no,
                        month,
                        world.ids[i],
                        22,
                        176,
                        world.cards[i],
                        "5,100.00",
                        "￥5000",
                        "否",
                        "2026-11-10",
                    ]
                )
    result = import_payroll_file(db=db, principal=SYSTEM, protector=protector, path=path, actor="t")
    assert [(r["payMonth"], r["lines"], r["status"]) for r in result] == [
        ("2026-09", 3, "created"),
        ("2026-10", 3, "created"),
    ]
    with db.sessions() as s:
        nets = set(s.scalars(select(PaySheetLine.net_fen)))
    assert nets == {500000}
