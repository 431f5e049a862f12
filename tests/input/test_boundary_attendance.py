"""Hostile and broken WorkerAttendance files (issue 15): one bilingual row/field/reason report, nothing
stored, an import record — through ``import_attendance_file`` and ``wageguard attendance import`` /
``wageguard import attendance`` (exit 2). Runs on SQLite and, with ``WAGEGUARD_TEST_PG_URL``, PostgreSQL."""

# ruff: noqa: F811  (the attendance site fixture is imported from tests/attendance)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.attendance.conftest import OPTIONS, Site, site  # noqa: F401
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
from typer.testing import CliRunner

from wageguard.attendance.importer import import_attendance_file
from wageguard.attendance.models import Punch
from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.boundary import Limits
from wageguard.security.crypto import Protector

HEADER = [
    "projectCode",
    "teamSysNo",
    "idCardType",
    "idCardNumber",
    "date",
    "direction",
    "attendType",
    "channel",
]


def _row(site: Site, i: int, hour: int = 7, **kw: str) -> list[str]:
    values = {
        "projectCode": site.project_code,
        "teamSysNo": site.team_sys_no,
        "idCardType": "01",
        "idCardNumber": site.id_numbers[i],
        "date": f"2026-10-08 {hour:02d}:00:00",
        "direction": "01",
        "attendType": "001",
        "channel": "东门",
        **kw,
    }
    return [values[h] for h in HEADER]


def _csv(site: Site, rows: int = 2, **kw: str) -> str:
    return csv_text(HEADER, [_row(site, i % 3, 7 + i, **kw) for i in range(rows)])


def _import(db: Database, protector: Protector, path: Path, **kw: Any) -> Any:
    return import_attendance_file(
        db=db, principal=SYSTEM, protector=protector, path=path, options=OPTIONS, limits=Limits(), **kw
    )


@pytest.fixture
def refused(db: Database, protector: Protector):  # type: ignore[no-untyped-def]
    """``refused(path, codes)``: rejected, bilingual, nothing stored, a rejection record and audit entry."""

    def run(path: Path, codes: set[str], **kw: Any) -> list[dict[str, Any]]:
        before = table_counts(db)
        with pytest.raises(ImportRejected) as info:
            _import(db, protector, path, **kw)
        report = info.value.report
        assert report["status"] == "rejected" and report["object"] == "WorkerAttendance"
        assert_bilingual(report["errors"])
        assert codes <= {p["code"] for p in report["errors"]}, report["errors"]
        assert table_counts(db) == before
        assert_rejected_record(db, "WorkerAttendance", codes)
        return list(report["errors"])

    return run


def _cli(cli: CliRunner, path: Path, *extra: str, via_import: bool = False) -> Any:
    args = ["import", "attendance", str(path)] if via_import else ["attendance", "import", str(path)]
    result = cli.invoke(app, [*args, *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _punches(db: Database) -> list[Punch]:
    with db.sessions() as s:
        return list(s.scalars(select(Punch).order_by(Punch.id)))


# -- structure -----------------------------------------------------------------------------------------


def test_a_csv_cut_inside_a_quoted_field_is_rejected_whole(site, refused, cli, tmp_path) -> None:
    text = truncated_inside_quotes(_csv(site, 3), site.id_numbers[1])
    path = write(tmp_path / "cut.csv", text)
    errors = refused(path, {"csv.quote"})
    assert errors[0]["row"] == 3
    result = _cli(cli, path)
    assert result.exit_code == 2 and "引号未闭合" in result.output


def test_a_row_with_the_wrong_number_of_fields_rejects_the_file(site, refused, tmp_path) -> None:
    rows = [_row(site, 0), [*_row(site, 1, 8), "extra"]]
    errors = refused(write(tmp_path / "w.csv", csv_text(HEADER, rows)), {"csv.width"})
    assert (errors[0]["row"], errors[0]["code"]) == (3, "csv.width")


def test_a_field_over_128_kib_is_a_row_error(site, refused, cli, tmp_path) -> None:
    path = write(tmp_path / "big.csv", _csv(site, 2, channel="门" * (130 * 1024)))
    errors = refused(path, {"field.too_long"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "channel")
    assert _cli(cli, path).exit_code == 2


def test_duplicate_headers_are_an_error(site, refused, tmp_path) -> None:
    text = csv_text([*HEADER, "date"], [[*_row(site, 0), "2026-10-09 07:00:00"]])
    errors = refused(write(tmp_path / "w.csv", text), {"header.duplicate"})
    assert (errors[0]["row"], errors[0]["field"]) == (1, "date")


@pytest.mark.parametrize("content", ["", ",".join(HEADER) + "\r\n"])
def test_an_empty_or_header_only_file_is_exit_2(site, refused, cli, tmp_path, content: str) -> None:
    path = write(tmp_path / "empty.csv", content)
    refused(path, {"file.empty"})
    result = _cli(cli, path, via_import=True)
    assert result.exit_code == 2 and "没有数据行" in result.output


# -- encodings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_gbk_and_utf16_files_are_read(site, db, protector, tmp_path, encoding: str) -> None:
    path = write(tmp_path / "w.csv", _csv(site, 2).encode(encoding))
    report = _import(db, protector, path)
    assert report.details["inserted"] == 2
    assert [p.channel for p in _punches(db)] == ["东门", "东门"]


def test_big5_is_read_as_big5_and_encoding_can_be_named(site, db, protector, cli, tmp_path) -> None:
    path = write(tmp_path / "w.csv", _csv(site, 2, channel="東門").encode("big5"))
    report = _import(db, protector, path)
    assert report.encoding == "cp950" and [p.channel for p in _punches(db)] == ["東門", "東門"]
    again = write(tmp_path / "again.csv", _csv(site, 2, channel="東門").encode("big5"))
    result = _cli(cli, again, "--encoding", "big5")
    assert result.exit_code == 0 and "0 new, 2 already stored" in result.output


def test_an_undecidable_file_is_refused_naming_the_option(site, refused, cli, db, tmp_path) -> None:
    path = write(tmp_path / "w.csv", _csv(site, 1, channel="Café").encode("cp1252"))
    errors = refused(path, {"file.encoding"})
    assert "--encoding" in errors[0]["message_zh"] and "--encoding" in errors[0]["message_en"]
    result = _cli(cli, path)
    assert result.exit_code == 2 and "--encoding" in result.output
    assert _cli(cli, path, "--encoding", "cp1252").exit_code == 0
    assert [p.channel for p in _punches(db)] == ["Café"]


# -- values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01 08:00:00", "9999-12-31 08:00:00", "1899-12-31 08:00:00"])
def test_implausible_years_are_row_errors_not_crashes(site, refused, cli, tmp_path, moment: str) -> None:
    rows = [_row(site, 0), _row(site, 1, date=moment)]
    path = write(tmp_path / "w.csv", csv_text(HEADER, rows))
    errors = refused(path, {"datetime.range"})
    assert (errors[0]["row"], errors[0]["field"]) == (3, "date")
    result = _cli(cli, path)
    assert result.exit_code == 2 and "row 3 date" in result.output


def test_nul_and_control_characters_are_refused(site, refused, tmp_path) -> None:
    errors = refused(write(tmp_path / "w.csv", _csv(site, 2, channel="东\u0000门")), {"text.control"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "channel")


def test_a_channel_too_long_for_its_column_is_an_error_not_truncated(site, refused, tmp_path) -> None:
    errors = refused(write(tmp_path / "w.csv", _csv(site, 1, channel="门" * 65)), {"text.too_long"})
    assert (errors[0]["row"], errors[0]["field"]) == (2, "channel")


# -- XLSX ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [corrupt_xlsx, garbage_xlsx])
def test_a_corrupt_xlsx_is_refused_cleanly(site, refused, cli, tmp_path, make) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "w.xlsx", make())
    refused(path, {"file.format"})
    assert _cli(cli, path, via_import=True).exit_code == 2


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(site, refused, tmp_path) -> None:
    refused(write(tmp_path / "bomb.xlsx", zip_bomb_xlsx(100)), {"xlsx.ratio"})


def test_an_xlsx_with_a_nul_cell_is_refused(site, refused, tmp_path) -> None:
    data = xlsx_bytes([HEADER, _row(site, 0, channel="东_x0000_门")])
    assert refused(write(tmp_path / "w.xlsx", data), {"text.control"})[0]["row"] == 2


# -- records -------------------------------------------------------------------------------------------


def test_an_accepted_import_leaves_an_import_record_and_audit_entry(
    site, db, protector, cli, tmp_path
) -> None:
    path = write(tmp_path / "w.csv", _csv(site, 2))
    result = _cli(cli, path)
    assert result.exit_code == 0 and "2 rows, 2 new" in result.output
    batch = batches(db)[-1]
    assert (batch.object_name, batch.status, batch.rows, batch.inserted) == (
        "WorkerAttendance",
        "accepted",
        2,
        2,
    )
    assert batch.file_format == "csv" and len(batch.sha256) == 64
    audit = import_audits(db)[-1]
    assert audit.subject_id == str(batch.id) and audit.actor == "system"
