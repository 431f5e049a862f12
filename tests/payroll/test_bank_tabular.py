"""CSV/XLSX bank files through named profiles: formats, encodings, whole-file rejection, dedupe."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from tests.payroll.conftest import ACCOUNT, World, payment_count, payments, write_icbc

from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.errors import ImportRejected, NotFound
from wageguard.ingest.models import ImportBatch
from wageguard.payroll.payments import import_bank_file
from wageguard.security.crypto import Protector


def _import(
    db: Database, protector: Protector, path: Path, profile: str = "icbc", account: str | None = ACCOUNT
):
    return import_bank_file(
        db=db,
        principal=SYSTEM,
        protector=protector,
        path=path,
        profile=profile,
        account_no=account,
        actor="t",
    )


def test_gbk_icbc_file_with_every_amount_format_is_stored_in_exact_fen(db, protector, world: World, tmp_path):
    path = write_icbc(
        tmp_path / "icbc.csv",
        [
            [
                "R1",
                ACCOUNT,
                "张三",
                world.cards[0],
                "农行",
                "1,234.50",
                "2026-11-10",
                "成功",
                "",
                "工资 2026年10月",
            ],
            [
                "R2",
                ACCOUNT,
                "李四",
                world.cards[1],
                "农行",
                "￥1234.5",
                "2026/11/10",
                "失败",
                "户名不符",
                "10月工资",
            ],
            [
                "R3",
                ACCOUNT,
                "王五",
                world.cards[2],
                "农行",
                "1234.5元",
                "20261110",
                "退回",
                "账户已销户",
                "2026-10",
            ],
        ],
    )
    result = _import(db, protector, path)
    assert result.inserted == 3
    stored = payments(db)
    assert [p.amount_fen for p in stored] == [123450, 123450, 123450]
    assert [p.status for p in stored] == ["success", "failed", "returned"]
    assert [p.outcome for p in stored] == ["matched", "failed", "returned"]
    assert {p.pay_month for p in stored} == {"2026-10"}
    assert stored[1].failure_reason == "户名不符"
    assert stored[0].payee_card_masked.endswith(world.cards[0][-4:])
    assert world.cards[0] not in str(stored[0].payee_card_enc)


def test_a_bad_row_rejects_the_whole_file_with_row_field_and_reason(db, protector, world: World, tmp_path):
    path = write_icbc(
        tmp_path / "bad.csv",
        [
            ["R1", ACCOUNT, "张三", world.cards[0], "农行", "100.00", "2026-11-10", "成功", "", ""],
            ["R2", ACCOUNT, "李四", world.cards[1], "农行", "12.345", "2026-11-10", "成功", "", ""],
            ["R3", ACCOUNT, "王五", "", "农行", "100", "2026-11-10", "处理中?", "", ""],
        ],
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    found = {(p.row, p.field) for p in info.value.problems}
    assert (3, "amount") in found
    assert (4, "payee_card") in found
    assert (4, "status") in found
    assert payment_count(db) == 0
    with db.sessions() as s:
        batch = s.scalars(select(ImportBatch).where(ImportBatch.object_name == "bank_payments")).one()
    assert batch.status == "rejected" and batch.error_count == len(info.value.problems)


def test_reimporting_a_file_adds_nothing_twice(db, protector, world: World, tmp_path):
    rows = [["R1", ACCOUNT, "张三", world.cards[0], "农行", "100", "2026-11-10", "成功", "", ""]]
    path = write_icbc(tmp_path / "a.csv", rows)
    assert _import(db, protector, path).inserted == 1
    again = _import(db, protector, path)
    assert (again.inserted, again.duplicates) == (0, 1)
    assert payment_count(db) == 1


def test_overlapping_files_without_references_count_each_payment_once(db, protector, world: World, tmp_path):
    def row(name: int, amount: str, day: str) -> list[str]:
        return ["", ACCOUNT, world.names[name], world.cards[name], "农行", amount, day, "成功", "", ""]

    first = [row(0, "100", "2026-11-09"), row(0, "100", "2026-11-09"), row(1, "200", "2026-11-10")]
    second = [
        row(0, "100", "2026-11-09"),
        row(0, "100", "2026-11-09"),
        row(1, "200", "2026-11-10"),
        row(2, "300", "2026-11-11"),
    ]
    assert _import(db, protector, write_icbc(tmp_path / "1.csv", first)).inserted == 3
    result = _import(db, protector, write_icbc(tmp_path / "2.csv", second))
    assert (result.inserted, result.duplicates) == (1, 3)
    assert sorted(p.amount_fen for p in payments(db)) == [10000, 10000, 20000, 30000]


def test_ccb_style_xlsx_with_title_lines_and_a_total_row(db, protector, world: World, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国建设银行 代发工资明细"])
    sheet.append(["查询日期：2026-11-12"])
    sheet.append(
        [
            "交易流水号",
            "付款账户",
            "收款账户名称",
            "收款账户",
            "交易金额(元)",
            "入账日期",
            "处理结果",
            "备注",
            "用途",
        ]
    )
    sheet.append(["C1", ACCOUNT, "张三", world.cards[0], 5000.5, "20261110", "成功", "", "代发工资10月"])
    sheet.append(["C2", ACCOUNT, "李四", world.cards[1], "4,800.00", "20261110", "成功", "", "代发工资10月"])
    sheet.append(["合计", "", "", "", 9800.5, "", "", "", ""])
    path = tmp_path / "ccb.xlsx"
    book.save(path)
    result = _import(db, protector, path, profile="ccb")
    assert result.inserted == 2
    assert [p.amount_fen for p in payments(db)] == [500050, 480000]


def test_generic_profile_reads_english_headers_and_needs_an_account(db, protector, world: World, tmp_path):
    path = tmp_path / "generic.csv"
    path.write_text(
        "reference,payee_name,payee_card,amount,value_date,status,remark\n"
        f"G1,张三,{world.cards[0]},¥300.00,2026-11-10,success,2026-10\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path, profile="generic", account=None)
    assert info.value.problems[0].field == "account_no"
    assert _import(db, protector, path, profile="generic").inserted == 1


def test_rows_paid_from_another_account_are_rejected(db, protector, world: World, tmp_path):
    path = write_icbc(
        tmp_path / "other.csv",
        [["R1", "6222024000099999999", "张三", world.cards[0], "农行", "100", "2026-11-10", "成功", "", ""]],
    )
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path)
    assert info.value.problems[0].code == "account_mismatch"
    assert payment_count(db) == 0


def test_unknown_profile_and_missing_header_are_clear_errors(db, protector, world: World, tmp_path):
    path = write_icbc(tmp_path / "x.csv", [])
    with pytest.raises(NotFound):
        _import(db, protector, path, profile="nosuchbank")
    with pytest.raises(ImportRejected) as info:
        _import(db, protector, path, profile="ccb")
    assert info.value.problems[0].code == "header_missing"


def test_a_bad_row_after_stored_chunks_leaves_nothing_half_stored(db, protector, world: World, tmp_path):
    rows = [
        [f"R{i}", ACCOUNT, "张三", world.cards[0], "农行", "100", "2026-11-10", "成功", "", ""]
        for i in range(4)
    ]
    rows.append(["R9", ACCOUNT, "李四", world.cards[1], "农行", "abc", "2026-11-10", "成功", "", ""])
    path = write_icbc(tmp_path / "late-error.csv", rows)
    with pytest.raises(ImportRejected) as info:
        import_bank_file(
            db=db,
            principal=SYSTEM,
            protector=protector,
            path=path,
            profile="icbc",
            account_no=ACCOUNT,
            actor="t",
            chunk_rows=2,
        )
    assert [(p.row, p.field) for p in info.value.problems] == [(6, "amount")]
    assert payment_count(db) == 0
