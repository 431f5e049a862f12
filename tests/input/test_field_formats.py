"""The formats the field sends (issue 10 part 4): ``import payroll|attendance`` read JSON, CSV and XLSX by
content, through the input boundary, from the CLI and the HTTP upload alike; and a malformed object is
refused with the same bilingual row/field/reason report whichever layer found it (pydantic reading a JSON
body or file, or the use case's own checks). Runs on SQLite and, with ``WAGEGUARD_TEST_PG_URL``, PostgreSQL.
"""

# ruff: noqa: F811  (the money world fixture is imported from tests/payroll)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.attendance.conftest import Site, build_site, count
from tests.input.hostile import assert_bilingual, assert_rejected_record, csv_text, table_counts, xlsx_bytes
from tests.payroll.conftest import World, world  # noqa: F401
from typer.testing import CliRunner

from wageguard.attendance.models import Punch
from wageguard.cli.main import app
from wageguard.db import Database
from wageguard.payroll.models import PaySheet, PaySheetLine
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

NETS = ["5000", "4800", "4700"]


def _sheet(world: World, month: str = "2026-10", **line_2: Any) -> dict[str, Any]:
    """A national ``Payroll`` object for the world's team; ``line_2`` edits the second line (``None``
    removes a field)."""
    lines = [
        {
            "idCardType": "01",
            "idCardNumber": world.ids[i],
            "days": 22,
            "workHours": 176,
            "payRollBankCardNumber": world.cards[i],
            "totalPayAmount": str(int(net) + 100),
            "actualAmount": net,
            "thirdPayRollCode": f"PR-{month}-{i}",
        }
        for i, net in enumerate(NETS)
    ]
    for key, value in line_2.items():
        if value is None:
            lines[1].pop(key)
        else:
            lines[1][key] = value
    return {
        "projectCode": world.project_code,
        "teamSysNo": world.team_sys_no,
        "payMonth": month,
        "detailList": lines,
    }


def _write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _cli(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _lines(db: Database) -> list[tuple[int, int, str | None]]:
    with db.sessions() as s:
        rows = s.execute(
            select(PaySheetLine.worker_id, PaySheetLine.net_fen, PaySheetLine.third_ref).order_by(
                PaySheetLine.id
            )
        )
        return [(w, n, r) for w, n, r in rows]


def _reported(problems: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(p["row"], p["field"], p["code"], p["message_zh"], p["message_en"]) for p in problems]


# -- pay sheets ------------------------------------------------------------------------------------------


def test_a_json_pay_sheet_imports_through_the_cli(cli: CliRunner, db: Database, world: World, tmp_path):
    path = _write_json(tmp_path / "sheet.json", _sheet(world))
    result = _cli(cli, "import", "payroll", str(path))
    assert result.exit_code == 0, result.output
    assert f"{world.project_code} {world.team_sys_no} 2026-10: v1 created (3)" in result.output
    assert _lines(db) == [
        (world.worker_ids[i], int(net) * 100, f"PR-2026-10-{i}") for i, net in enumerate(NETS)
    ]
    # a list of sheets, in a file whose name says nothing: read by its content
    listed = _write_json(tmp_path / "upload.dat", [_sheet(world, "2026-11"), _sheet(world, "2026-12")])
    result = _cli(cli, "import", "payroll", str(listed))
    assert result.exit_code == 0, result.output
    assert "2026-11: v1 created (3)" in result.output and "2026-12: v1 created (3)" in result.output
    with db.sessions() as s:
        assert sorted(s.scalars(select(PaySheet.pay_month))) == ["2026-10", "2026-11", "2026-12"]


def test_an_xlsx_pay_sheet_named_csv_is_read_as_a_workbook(
    cli: CliRunner, db: Database, world: World, tmp_path
):
    sheet = _sheet(world)
    head = ["projectCode", "teamSysNo", "payMonth"]
    columns = list(sheet["detailList"][0])
    rows = [[sheet[h] for h in head] + [line[c] for c in columns] for line in sheet["detailList"]]
    path = tmp_path / "sheet.csv"
    path.write_bytes(xlsx_bytes([head + columns, *rows]))
    result = _cli(cli, "import", "payroll", str(path))
    assert result.exit_code == 0, result.output
    assert len(_lines(db)) == 3


def test_the_http_upload_reads_json_like_the_cli(client, make_user, login, db: Database, world: World):
    make_user("ent", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    body = json.dumps(_sheet(world), ensure_ascii=False).encode()
    r = client.post(
        "/api/v1/money/payrolls/file",
        files={"file": ("sheet.json", body, "application/json")},
        headers=login("ent"),
    )
    assert r.status_code == 201, r.text
    assert [(s["payMonth"], s["status"], s["lines"]) for s in r.json()] == [("2026-10", "created", 3)]
    broken = json.dumps(_sheet(world, actualAmount=None)).encode()
    r = client.post(
        "/api/v1/money/payrolls/file",
        files={"file": ("upload.bin", broken, "application/octet-stream")},
        headers=login("ent"),
    )
    assert r.status_code == 422, r.text
    assert _reported(r.json()["report"]["errors"]) == [
        ("1.2", "actualAmount", "missing", "缺少必填字段", "Field required")
    ]


def test_a_pay_sheet_missing_a_required_field_gets_the_row_field_reason_report_everywhere(
    cli: CliRunner, client, make_user, login, db: Database, world: World, tmp_path
):
    """The same object refused the same way by the API body, a JSON file and a CSV file: row, field and a
    reason in Chinese and English; nothing stored; no English-only union noise."""
    make_user("ent", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("ent")
    before = table_counts(db)
    expected = [("1.2", "actualAmount", "missing", "缺少必填字段", "Field required")]

    r = client.post("/api/v1/money/payrolls", json=_sheet(world, actualAmount=None), headers=headers)
    assert r.status_code == 422, r.text
    assert _reported(r.json()["problems"]) == expected
    assert "valid list" not in r.text
    r = client.post("/api/v1/money/payrolls", json=[_sheet(world, actualAmount=None)], headers=headers)
    assert _reported(r.json()["problems"]) == expected

    path = _write_json(tmp_path / "sheet.json", _sheet(world, actualAmount=None))
    report = tmp_path / "report.json"
    result = _cli(cli, "import", "payroll", str(path), "--report", str(report))
    assert result.exit_code == 2, result.output
    assert "行/row 1.2  actualAmount=  缺少必填字段 / Field required" in result.output
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert _reported(saved["errors"]) == expected
    assert_rejected_record(db, "Payroll", {"missing"})

    header = ["projectCode", "teamSysNo", "payMonth", "idCardNumber", "totalPayAmount", "actualAmount"]
    rows = [
        [world.project_code, world.team_sys_no, "2026-10", world.ids[i], "5100", "" if i == 1 else "5000"]
        for i in range(3)
    ]
    flat = tmp_path / "sheet.csv"
    flat.write_text(csv_text(header, rows), encoding="utf-8")
    result = _cli(cli, "import", "payroll", str(flat), "--report", str(report))
    assert result.exit_code == 2, result.output
    [problem] = json.loads(report.read_text(encoding="utf-8"))["errors"]
    assert (problem["row"], problem["field"]) == (3, "actualAmount")
    assert_bilingual([problem])
    assert table_counts(db) == before


def test_a_wrongly_typed_json_value_is_reported_in_chinese_and_english(
    cli: CliRunner, db: Database, world: World, tmp_path
):
    path = _write_json(tmp_path / "sheet.json", {**_sheet(world, days="twenty"), "detailList": "x"})
    result = _cli(cli, "import", "payroll", str(path))
    assert result.exit_code == 2
    assert "行/row 1  detailList=x  应为数组（列表） / Input should be a valid list" in result.output
    path = _write_json(tmp_path / "sheet.json", _sheet(world, days="twenty"))
    result = _cli(cli, "import", "payroll", str(path))
    assert result.exit_code == 2
    assert "行/row 1.2  days=twenty  应为数字 / Input should be a valid number" in result.output


# -- attendance ------------------------------------------------------------------------------------------


@pytest.fixture
def site(db: Database, protector: Protector) -> Site:
    return build_site(db, protector)


def _batch(site: Site, dates: list[str]) -> dict[str, Any]:
    return {
        "projectCode": site.project_code,
        "teamSysNo": site.team_sys_no,
        "dataList": [
            {"idCardType": "01", "idCardNumber": site.id_numbers[i % 3], "date": d, "direction": "01"}
            for i, d in enumerate(dates)
        ],
    }


def test_json_attendance_imports_through_the_cli(cli: CliRunner, db: Database, site: Site, tmp_path):
    october = ["2026-10-08 07:30:00", "2026-10-08 07:31:00"]
    path = _write_json(tmp_path / "punches.json", _batch(site, october))
    result = _cli(cli, "import", "attendance", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows, 2 new" in result.output
    assert count(db, Punch) == 2
    # a list of batches through the attendance command, the first one resent: stored once
    listed = _write_json(
        tmp_path / "batches.txt",
        [_batch(site, ["2026-10-08 07:30:00", "2026-10-08 07:31:00"]), _batch(site, ["2026-10-09 07:30:00"])],
    )
    result = _cli(cli, "attendance", "import", str(listed))
    assert result.exit_code == 0, result.output
    assert "3 rows, 1 new, 2 already stored" in result.output
    assert count(db, Punch) == 3


def test_malformed_attendance_gets_the_same_report_from_the_api_and_a_json_file(
    cli: CliRunner, client, make_user, login, db: Database, site: Site, tmp_path
):
    make_user("adm", Role.ADMIN)
    body = _batch(site, ["2026-10-08 07:30:00", "2026-10-08 07:31:00"])
    del body["dataList"][1]["date"]
    expected = [(2, "date", "missing", "缺少必填字段", "Field required")]
    r = client.post("/api/v1/attendance/batch", json=body, headers=login("adm"))
    assert r.status_code == 422, r.text
    assert _reported(r.json()["problems"]) == expected

    path = _write_json(tmp_path / "punches.json", body)
    result = _cli(cli, "import", "attendance", str(path))
    assert result.exit_code == 2, result.output
    assert "行 row 2 date: 缺少必填字段 / Field required" in result.output
    batch = assert_rejected_record(db, "WorkerAttendance", {"missing"})
    assert _reported(batch.summary["errors"]) == expected
    # in a list of batches, rows are labelled batch.record
    result = _cli(cli, "import", "attendance", str(_write_json(tmp_path / "two.json", [body, body])))
    assert result.exit_code == 2
    assert "行 row 1.2 date" in result.output and "行 row 2.2 date" in result.output
    assert count(db, Punch) == 0


def test_a_device_refused_by_its_schema_in_the_cli_gets_the_report(cli: CliRunner, site: Site) -> None:
    result = _cli(cli, "device", "register", "bad serial!", "--project", site.project_code, "--secret", "x")
    assert result.exit_code == 1
    assert "serial" in result.output and "格式不符合要求" in result.output
    assert "secret" in result.output and "至少 8 个字符" in result.output


@pytest.mark.parametrize("what", ["payroll", "attendance"])
def test_an_empty_json_list_is_an_empty_file_not_zero_rows_accepted(
    cli: CliRunner, db: Database, what: str, tmp_path
) -> None:
    result = _cli(cli, "import", what, str(_write_json(tmp_path / "empty.json", [])))
    assert result.exit_code == 2
    assert "文件没有数据行" in result.output and "no data rows" in result.output, result.output
    assert_rejected_record(db, "Payroll" if what == "payroll" else "WorkerAttendance", {"file.empty"})
