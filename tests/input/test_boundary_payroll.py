"""Hostile and broken pay-sheet files (issue 15): one bilingual row/field/reason report, nothing stored, an
import record — through ``import_payroll_file``, ``wageguard import payroll`` (exit 2) and
``POST /api/v1/money/payrolls/file`` (422). Runs on SQLite and, with ``WAGEGUARD_TEST_PG_URL``, PostgreSQL."""

# ruff: noqa: F811  (the money world fixture is imported from tests/payroll)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.input.hostile import (
    assert_bilingual,
    assert_rejected_record,
    batches,
    corrupt_xlsx,
    csv_text,
    garbage_xlsx,
    import_audits,
    table_counts,
    truncated_inside_quotes,
    write,
    xlsx_bytes,
    zip_bomb_xlsx,
)
from tests.payroll.conftest import World, world  # noqa: F401
from typer.testing import CliRunner

from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.boundary import Limits
from wageguard.payroll.models import PaySheetLine
from wageguard.payroll.paysheets import import_payroll_file
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

HEADER = [
    "projectCode",
    "teamSysNo",
    "payMonth",
    "idCardNumber",
    "days",
    "workHours",
    "payRollBankCardNumber",
    "payRollBankName",
    "totalPayAmount",
    "actualAmount",
    "isBackPay",
    "balanceDate",
]


def _row(world: World, i: int, **kw: str) -> list[str]:
    values = {
        "projectCode": world.project_code,
        "teamSysNo": world.team_sys_no,
        "payMonth": "2026-10",
        "idCardNumber": world.ids[i],
        "days": "22",
        "workHours": "176",
        "payRollBankCardNumber": world.cards[i],
        "payRollBankName": "中国农业银行铜仁分行",
        "totalPayAmount": "5,100.00",
        "actualAmount": "5000",
        "isBackPay": "否",
        "balanceDate": "2026-11-10",
        **kw,
    }
    return [values[h] for h in HEADER]


def _csv(world: World, rows: int = 3, **kw: str) -> str:
    return csv_text(HEADER, [_row(world, i, **kw) for i in range(rows)])


def _import(db: Database, protector: Protector, path: Path, **kw: Any) -> list[dict[str, Any]]:
    return import_payroll_file(
        db=db, principal=SYSTEM, protector=protector, path=path, actor="t", limits=Limits(), **kw
    )


@pytest.fixture
def refused(db: Database, protector: Protector):  # type: ignore[no-untyped-def]
    """``refused(path, codes)``: rejected, bilingual, nothing stored, a rejection record and audit entry."""

    def run(path: Path, codes: set[str], **kw: Any) -> list[dict[str, Any]]:
        before = table_counts(db)
        with pytest.raises(ImportRejected) as info:
            _import(db, protector, path, **kw)
        report = info.value.report
        assert report["status"] == "rejected" and report["object"] == "Payroll"
        assert_bilingual(report["errors"])
        assert codes <= {p["code"] for p in report["errors"]}, report["errors"]
        assert table_counts(db) == before
        assert_rejected_record(db, "Payroll", codes)
        return list(report["errors"])

    return run


def _cli(cli: CliRunner, path: Path, *extra: str) -> Any:
    result = cli.invoke(app, ["import", "payroll", str(path), *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _lines(db: Database) -> list[PaySheetLine]:
    with db.sessions() as s:
        return list(s.scalars(select(PaySheetLine).order_by(PaySheetLine.id)))


# -- values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("99999999999999999999", "amount.range"),
        ("1e400", "amount.invalid"),
        ("1E2", "amount.invalid"),
        ("inf", "amount.invalid"),
        ("nan", "amount.invalid"),
        ("-Infinity", "amount.invalid"),
    ],
)
def test_amounts_beyond_range_or_in_exponent_form_are_refused(world, refused, cli, tmp_path, value, code):
    path = write(tmp_path / "p.csv", _csv(world, 3, totalPayAmount=value))
    errors = refused(path, {code})
    assert {(e["row"], e["field"]) for e in errors if e["code"] == code} == {
        (2, "totalPayAmount"),
        (3, "totalPayAmount"),
        (4, "totalPayAmount"),
    }
    result = _cli(cli, path)
    assert result.exit_code == 2 and "totalPayAmount" in result.output


def test_an_amount_beyond_int64_in_an_xlsx_number_cell_is_refused(world, refused, tmp_path) -> None:
    rows = [HEADER, [*_row(world, 0)[:8], 1e20, 5000, "否", "2026-11-10"]]
    refused(write(tmp_path / "p.xlsx", xlsx_bytes(rows)), {"amount.range"})


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_implausible_dates_are_row_errors_not_crashes(world, refused, cli, tmp_path, value: str) -> None:
    path = write(tmp_path / "p.csv", _csv(world, 1, balanceDate=value))
    errors = refused(path, {"date.range"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "balanceDate")
    assert _cli(cli, path).exit_code == 2


@pytest.mark.parametrize("value", ["nan", "inf", "1e1", "99999999999999999999"])
def test_days_must_be_a_plain_number(world, refused, tmp_path, value: str) -> None:
    errors = refused(
        write(tmp_path / "p.csv", _csv(world, 1, days=value)),
        {"number.invalid"} if value[0] != "9" else {"number.range"},
    )
    assert errors[0]["field"] == "days"


def test_nul_and_control_characters_are_refused(world, refused, tmp_path) -> None:
    errors = refused(
        write(tmp_path / "p.csv", _csv(world, 2, payRollBankName="农业\u0000银行")), {"text.control"}
    )
    assert (errors[0]["row"], errors[0]["field"]) == (2, "payRollBankName")


def test_a_bank_name_too_long_for_its_column_is_an_error_not_truncated(world, refused, tmp_path) -> None:
    errors = refused(write(tmp_path / "p.csv", _csv(world, 1, payRollBankName="银" * 101)), {"text.too_long"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "payRollBankName")


# -- structure -----------------------------------------------------------------------------------------


def test_a_csv_cut_inside_a_quoted_field_is_rejected_whole(world, refused, tmp_path) -> None:
    text = truncated_inside_quotes(_csv(world, 3), world.ids[1])
    errors = refused(write(tmp_path / "cut.csv", text), {"csv.quote"})
    assert errors[0]["row"] == 3


def test_a_row_with_the_wrong_number_of_fields_rejects_the_file(world, refused, tmp_path) -> None:
    rows = [_row(world, 0), _row(world, 1)[:-3]]
    errors = refused(write(tmp_path / "p.csv", csv_text(HEADER, rows)), {"csv.width"})
    assert errors[0]["row"] == 3


def test_a_field_over_128_kib_is_a_row_error(world, refused, cli, tmp_path) -> None:
    path = write(tmp_path / "big.csv", _csv(world, 2, payRollBankName="银" * (130 * 1024)))
    errors = refused(path, {"field.too_long"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "payRollBankName")
    assert _cli(cli, path).exit_code == 2


def test_duplicate_headers_are_an_error(world, refused, tmp_path) -> None:
    text = csv_text([*HEADER, "actualAmount"], [[*_row(world, 0), "4000"]])
    errors = refused(write(tmp_path / "p.csv", text), {"header.duplicate"})
    assert (errors[0]["row"], errors[0]["field"]) == (1, "actualAmount")


@pytest.mark.parametrize("content", ["", ",".join(HEADER) + "\r\n"])
def test_an_empty_or_header_only_file_is_exit_2(world, refused, cli, tmp_path, content: str) -> None:
    path = write(tmp_path / "p.csv", content)
    refused(path, {"file.empty"})
    result = _cli(cli, path)
    assert result.exit_code == 2 and "没有数据行" in result.output


# -- encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_gbk_and_utf16_files_are_read(world, db, protector, tmp_path, encoding: str) -> None:
    stored = _import(db, protector, write(tmp_path / "p.csv", _csv(world).encode(encoding)))
    assert [(s["payMonth"], s["lines"], s["status"]) for s in stored] == [("2026-10", 3, "created")]
    assert {ln.bank_name for ln in _lines(db)} == {"中国农业银行铜仁分行"}


def test_an_undecidable_file_is_refused_naming_the_option(world, refused, cli, db, tmp_path) -> None:
    path = write(
        tmp_path / "p.csv", _csv(world, 1, payRollBankName="Crédit Agricole", isBackPay="0").encode("cp1252")
    )
    errors = refused(path, {"file.encoding"})
    assert "--encoding" in errors[0]["message_zh"] and "--encoding" in errors[0]["message_en"]
    assert "--encoding" in _cli(cli, path).output
    assert _cli(cli, path, "--encoding", "cp1252").exit_code == 0
    assert {ln.bank_name for ln in _lines(db)} == {"Crédit Agricole"}


def test_big5_is_read_as_big5(world, db, protector, tmp_path) -> None:
    _import(
        db, protector, write(tmp_path / "p.csv", _csv(world, 3, payRollBankName="臺灣銀行").encode("big5"))
    )
    assert {ln.bank_name for ln in _lines(db)} == {"臺灣銀行"}


# -- XLSX ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [corrupt_xlsx, garbage_xlsx])
def test_a_corrupt_xlsx_is_refused_cleanly(world, refused, cli, tmp_path, make) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "p.xlsx", make())
    refused(path, {"file.format"})
    assert _cli(cli, path).exit_code == 2


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(world, refused, tmp_path) -> None:
    refused(write(tmp_path / "bomb.xlsx", zip_bomb_xlsx(100)), {"xlsx.ratio"})


# -- HTTP and records ----------------------------------------------------------------------------------


def test_the_http_upload_answers_422_and_takes_an_encoding_field(
    world, client, make_user, login, db, tmp_path
):
    make_user("gc", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    url = "/api/v1/money/payrolls/file"
    bad = {"file": ("p.csv", _csv(world, 1, balanceDate="0001-01-01").encode(), "text/csv")}
    r = client.post(url, headers=login("gc"), files=bad)
    assert r.status_code == 422, r.text
    assert [(e["row"], e["field"], e["code"]) for e in r.json()["report"]["errors"]] == [
        (2, "balanceDate", "date.range")
    ]
    bomb = {"file": ("p.xlsx", zip_bomb_xlsx(100), "application/octet-stream")}
    assert client.post(url, headers=login("gc"), files=bomb).status_code == 422
    latin = {
        "file": (
            "p.csv",
            _csv(world, 1, payRollBankName="Crédit Agricole", isBackPay="0").encode("cp1252"),
            "text/csv",
        )
    }
    assert client.post(url, headers=login("gc"), files=latin).status_code == 422
    r = client.post(url, headers=login("gc"), files=latin, data={"encoding": "cp1252"})
    assert r.status_code == 201, r.text
    assert {ln.bank_name for ln in _lines(db)} == {"Crédit Agricole"}


def test_an_accepted_import_leaves_an_import_record_and_audit_entry(world, db, cli, tmp_path) -> None:
    result = _cli(cli, write(tmp_path / "p.csv", _csv(world)))
    assert result.exit_code == 0 and "2026-10: v1 created (3)" in result.output
    batch = batches(db)[-1]
    assert (batch.object_name, batch.status, batch.rows, batch.inserted) == ("Payroll", "accepted", 3, 3)
    audit = import_audits(db)[-1]
    assert audit.subject_id == str(batch.id) and audit.actor == "cli"
