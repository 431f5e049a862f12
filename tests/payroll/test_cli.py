"""The money commands: ``bank import``, ``import payroll``, ``export money``."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from tests.payroll.conftest import ACCOUNT, OTHER_ACCOUNT, World, payment_count, write_icbc
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.payroll.banks.writers import PaymentOut, write_camt054


@pytest.fixture
def runner(cli: CliRunner) -> CliRunner:
    return cli


def test_bank_import_accepts_a_file_and_rejects_a_camt_for_another_account(
    runner, world: World, db, tmp_path: Path
):
    good = write_icbc(
        tmp_path / "r.csv",
        [["R1", ACCOUNT, "张三", world.cards[0], "农行", "100", "2026-11-10", "成功", "", ""]],
    )
    r = runner.invoke(app, ["bank", "import", str(good), "--profile", "icbc", "--account", ACCOUNT])
    assert r.exit_code == 0, r.output
    assert "1 新增 new" in r.output and '"matched": 1' in r.output
    camt = write_camt054(
        tmp_path / "n.xml",
        OTHER_ACCOUNT,
        [PaymentOut("E", "李四", world.cards[1], 5, date(2026, 11, 1))],
        "M",
    )
    report = tmp_path / "report.json"
    r = runner.invoke(app, ["bank", "import", str(camt), "--account", ACCOUNT, "--report", str(report)])
    assert r.exit_code == 2 and "account_mismatch" in report.read_text(encoding="utf-8")
    assert payment_count(db) == 1


def test_import_payroll_then_export_declared_vs_paid(runner, world: World, tmp_path: Path):
    path = tmp_path / "payroll.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "projectCode",
                "teamSysNo",
                "payMonth",
                "idCardNumber",
                "days",
                "payRollBankCardNumber",
                "totalPayAmount",
                "actualAmount",
            ]
        )
        for i in range(3):
            out.writerow(
                [
                    world.project_code,
                    world.team_sys_no,
                    "2026-10",
                    world.ids[i],
                    22,
                    world.cards[i],
                    "5100",
                    "5000",
                ]
            )
    r = runner.invoke(app, ["import", "payroll", str(path)])
    assert r.exit_code == 0, r.output
    assert "2026-10: v1 created (3)" in r.output
    xlsx = tmp_path / "pay.xlsx"
    r = runner.invoke(
        app,
        ["export", "money", "pay", "--project", world.project_code, "--month", "2026-10", "--out", str(xlsx)],
    )
    assert r.exit_code == 0, r.output
    rows = list(openpyxl.load_workbook(xlsx).active.values)
    assert len(rows) == 5 and rows[-1][5] == 15000  # amounts are numbers
