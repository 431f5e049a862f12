"""Hostile and broken registry files (issue 15): one bilingual row/field/reason report, nothing stored, an
import record — through the service (``import_file``), ``wageguard import`` (exit 2) and
``POST /api/v1/imports/{object}`` (422). Runs on SQLite and, with ``WAGEGUARD_TEST_PG_URL``, PostgreSQL."""

# ruff: noqa: F811  (the import fixtures are imported from tests/ingest)

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.ingest.conftest import Org, do_import, org, reject  # noqa: F401
from tests.ingest.factories import corp_row, make_uscc, project_row, unique_id, worker_row, write_csv
from tests.input.hostile import (
    assert_bilingual,
    assert_rejected_record,
    codes_of,
    corrupt_xlsx,
    csv_text,
    deep_json,
    garbage_xlsx,
    huge_cell_xlsx,
    lying_xlsx,
    table_counts,
    truncated_inside_quotes,
    write,
    xlsx_bytes,
    zip_bomb_xlsx,
)
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, LabourContract, Worker

WORKER_COLUMNS = list(worker_row("P1", "C", "T1", 1))
AMBIGUOUS = "遼樽舒奈檜"
"""Big5 bytes that read as ordinary GB18030 text just as well: nothing tells the two apart."""


def _worker_cells(org: Org, n: int, **kw: str) -> list[str]:
    return [str(v) for v in worker_row("P1", org.corp, "T1", n, **kw).values()]


@pytest.fixture
def refused(reject, db: Database):  # type: ignore[no-untyped-def]
    """``refused(object, path, codes, **kw)``: rejected, bilingual, nothing stored, a rejection record."""

    def run(object_name: str, path: Path, codes: set[str], **kw: Any) -> dict[str, Any]:
        before = table_counts(db)
        report = reject(object_name, path, **kw)
        assert_bilingual(report["errors"])
        assert codes <= {p["code"] for p in report["errors"]}, codes_of(report)
        assert table_counts(db) == before
        assert_rejected_record(db, report["object"], codes)
        return report

    return run


def _cli(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, ["import", *args])
    assert "Traceback" not in result.output
    return result


# -- CSV structure -------------------------------------------------------------------------------------


def test_a_csv_cut_inside_a_quoted_field_is_rejected_whole(org, refused, db, cli, tmp_path: Path) -> None:
    rows = [_worker_cells(org, n, address=f"碧江区{n}号") for n in (1, 2, 3)]
    text = truncated_inside_quotes(csv_text([*WORKER_COLUMNS, "address"], rows), "碧江区1号")
    path = write(tmp_path / "cut.csv", text)
    report = refused("ProjectWorker", path, {"csv.quote"})
    assert report["rows"] <= 1 and unique_id(2) not in json.dumps(report, ensure_ascii=False)
    result = _cli(cli, "ProjectWorker", str(path))
    assert result.exit_code == 2 and "引号未闭合" in result.output and "not closed" in result.output
    with db.sessions() as s:
        assert s.scalars(select(Worker)).all() == []


def test_a_row_with_the_wrong_number_of_fields_rejects_the_file(org, refused, tmp_path: Path) -> None:
    rows = [_worker_cells(org, 1), [*_worker_cells(org, 2), "extra"], _worker_cells(org, 3)[:-2]]
    path = write(tmp_path / "w.csv", csv_text(WORKER_COLUMNS, rows))
    report = refused("ProjectWorker", path, {"csv.width"})
    assert codes_of(report)[0] == (3, "(file)", "csv.width")


def test_a_field_over_128_kib_is_a_row_error_not_a_crash(org, refused, cli, tmp_path: Path) -> None:
    rows = [_worker_cells(org, 1, address="碧" * (130 * 1024)), _worker_cells(org, 2, address="x")]
    path = write(tmp_path / "big.csv", csv_text([*WORKER_COLUMNS, "address"], rows))
    report = refused("ProjectWorker", path, {"field.too_long"})
    assert codes_of(report) == [(2, "address", "field.too_long")]
    assert _cli(cli, "ProjectWorker", str(path)).exit_code == 2


def test_duplicate_headers_are_an_error(org, refused, tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.csv", csv_text([*WORKER_COLUMNS, "workerName"], [[*_worker_cells(org, 1), "李四"]])
    )
    report = refused("ProjectWorker", path, {"header.duplicate"})
    assert codes_of(report) == [(1, "workerName", "header.duplicate")]


@pytest.mark.parametrize("content", ["", "\ufeff", ",".join(WORKER_COLUMNS) + "\r\n", "\r\n\r\n"])
def test_an_empty_or_header_only_file_is_an_error(org, refused, cli, tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "empty.csv", content)
    refused("ProjectWorker", path, {"file.empty"})
    result = _cli(cli, "ProjectWorker", str(path))
    assert result.exit_code == 2 and "没有数据行" in result.output and "0 rows accepted" not in result.output


def test_an_empty_json_array_is_an_error(org, refused, tmp_path: Path) -> None:
    refused("ProjectWorker", write(tmp_path / "w.json", "[]"), {"file.empty"})


# -- encodings -----------------------------------------------------------------------------------------


def test_big5_is_read_as_big5_never_as_mojibake(org, do_import, db, tmp_path: Path) -> None:
    rows = [
        worker_row("P1", org.corp, "T1", n, workerName=name) for n, name in ((1, "陳大文"), (2, "林國強"))
    ]
    report = do_import("ProjectWorker", write_csv(tmp_path / "big5.csv", rows, encoding="big5"))
    assert report.encoding == "cp950" and report.inserted == 2
    with db.sessions() as s:
        assert sorted(s.scalars(select(Worker.name))) == sorted(["陳大文", "林國強"])


def test_an_undecidable_encoding_is_refused_naming_the_option(
    org, refused, do_import, cli, db, tmp_path
) -> None:
    path = write_csv(
        tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1, workerName=AMBIGUOUS)], encoding="big5"
    )
    report = refused("ProjectWorker", path, {"file.encoding"})
    assert (
        "--encoding" in report["errors"][0]["message_zh"]
        and "--encoding" in report["errors"][0]["message_en"]
    )
    result = _cli(cli, "ProjectWorker", str(path))
    assert result.exit_code == 2 and "--encoding" in result.output
    assert do_import("ProjectWorker", path, encoding="big5").inserted == 1
    with db.sessions() as s:
        assert s.scalars(select(Worker.name)).one() == AMBIGUOUS


def test_latin1_is_refused_not_stored_as_mojibake(refused, tmp_path: Path) -> None:
    text = f"corpCode,corpName,areaCode\r\n{make_uscc(1)},Café Société,520102\r\n"
    refused("Corp", write(tmp_path / "c.csv", text.encode("latin-1")), {"file.encoding"})


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gb18030"])
def test_utf16_with_bom_utf8_and_gb18030_are_read(org, do_import, db, tmp_path: Path, encoding: str) -> None:
    path = write_csv(
        tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1, workerName="张三丰")], encoding=encoding
    )
    assert do_import("ProjectWorker", path).inserted == 1
    with db.sessions() as s:
        assert s.scalars(select(Worker.name)).one() == "张三丰"


def test_the_http_import_takes_an_encoding_form_field(org, client, make_user, login, db, tmp_path) -> None:
    make_user("root")
    body = write_csv(
        tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1, workerName=AMBIGUOUS)], encoding="big5"
    )
    url = "/api/v1/imports/ProjectWorker"
    files = {"file": ("w.csv", body.read_bytes(), "text/csv")}
    refused_r = client.post(url, headers=login("root"), files=files)
    assert refused_r.status_code == 422 and refused_r.json()["report"]["errors"][0]["code"] == "file.encoding"
    r = client.post(url, headers=login("root"), files=files, data={"encoding": "big5"})
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 1


# -- values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("99999999999999999999", "amount.range"),
        ("1e400", "amount.invalid"),
        ("1E5", "amount.invalid"),
        ("inf", "amount.invalid"),
        ("Infinity", "amount.invalid"),
        ("nan", "amount.invalid"),
        ("-0.5", "amount.negative"),
        ("9" * 5000, "amount.invalid"),
    ],
)
def test_amounts_beyond_range_or_in_exponent_form_are_refused(
    refused, tmp_path, value: str, code: str
) -> None:
    path = write_csv(tmp_path / "c.csv", [corp_row(1, regCapital=value)])
    report = refused("Corp", path, {code})
    assert codes_of(report) == [(2, "regCapital", code)]


def test_an_amount_beyond_int64_in_json_is_refused(refused, tmp_path) -> None:
    doc = [{**corp_row(1), "regCapital": 99999999999999999999}]
    refused("Corp", write(tmp_path / "c.json", json.dumps(doc)), {"amount.range"})


def test_a_json_number_beyond_float_range_is_refused(refused, tmp_path) -> None:
    text = json.dumps([corp_row(1)])[:-2] + ', "regCapital": 1e400}]'
    refused("Corp", write(tmp_path / "c.json", text), {"json.number"})


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31", "2026-02-30"])
def test_dates_must_be_real_and_plausible(refused, tmp_path, value: str) -> None:
    path = write_csv(tmp_path / "c.csv", [corp_row(1, establishDate=value)])
    report = refused("Corp", path, {"date.invalid"} if value.endswith("02-30") else {"date.range"})
    assert codes_of(report)[0][:2] == (2, "establishDate")


def test_a_contract_ending_before_it_starts_is_refused(org, do_import, refused, db, tmp_path) -> None:
    do_import("ProjectWorker", write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)]))
    contract = {
        "projectCode": "P1",
        "corpCode": org.corp,
        "idCardNumber": unique_id(1),
        "contractPeriodType": "0",
        "startDate": "2026-03-06",
        "endDate": "2026-03-05",
    }
    report = refused("WorkerContract", write_csv(tmp_path / "c.csv", [contract]), {"date.order"})
    assert codes_of(report) == [(2, "endDate", "date.order")]
    ok = write_csv(tmp_path / "ok.csv", [{**contract, "endDate": "2026-03-06"}])
    assert do_import("WorkerContract", ok).inserted == 1
    with db.sessions() as s:
        assert s.scalars(select(LabourContract.end_date)).all() == [date(2026, 3, 6)]


def test_a_project_completed_before_it_starts_is_refused(org, refused, tmp_path) -> None:
    row = project_row("P9", org.corp, startDate="2026-05-01", completeDate="2025-05-01")
    refused("Project", write_csv(tmp_path / "p.csv", [row]), {"date.order"})


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_nul_and_control_characters_are_refused_on_every_database(org, refused, tmp_path, fmt: str) -> None:
    row = worker_row("P1", org.corp, "T1", 1, workerName="评\u0000测")
    other = worker_row("P1", org.corp, "T1", 2, address="碧江\u0007区")
    path = (
        write_csv(tmp_path / "w.csv", [row, other])
        if fmt == "csv"
        else write(tmp_path / "w.json", json.dumps([row, other], ensure_ascii=True))
    )
    report = refused("ProjectWorker", path, {"text.control"})
    where = {(p["row"], p["field"]) for p in report["errors"] if p["code"] == "text.control"}
    assert (2 if fmt == "csv" else "[0]", "workerName") in where


def test_too_long_text_is_an_error_never_truncated(refused, tmp_path) -> None:
    report = refused(
        "Corp", write_csv(tmp_path / "c.csv", [corp_row(1, corpName="建" * 201)]), {"text.too_long"}
    )
    assert codes_of(report) == [(2, "corpName", "text.too_long")]


def test_an_oversized_whole_number_is_refused(org, refused, tmp_path) -> None:
    refused(
        "Project",
        write_csv(tmp_path / "p.csv", [project_row("P9", org.corp, payDay="9" * 5000)]),
        {"int.range"},
    )


# -- JSON ----------------------------------------------------------------------------------------------


def test_json_nested_5000_deep_is_refused_by_the_depth_limit(
    org, refused, client, make_user, login, tmp_path
):
    path = write(tmp_path / "deep.json", deep_json(5000))
    refused("ProjectWorker", path, {"json.too_deep"})
    make_user("root")
    r = client.post("/api/v1/imports/ProjectWorker", headers=login("root"), content=deep_json(5000))
    assert r.status_code == 422 and r.json()["report"]["errors"][0]["code"] == "json.too_deep"


def test_deep_nesting_inside_a_field_is_refused_too(org, refused, tmp_path) -> None:
    doc = json.dumps([{**worker_row("P1", org.corp, "T1", 1), "address": json.loads(deep_json(40))}])
    refused("ProjectWorker", write(tmp_path / "w.json", doc), {"json.too_deep"})


def test_json_that_is_not_json_is_refused(org, refused, tmp_path) -> None:
    refused("ProjectWorker", write(tmp_path / "w.json", '[{"projectCode": "P1",'), {"json.invalid"})
    refused("ProjectWorker", write(tmp_path / "n.json", '[{"projectCode": NaN}]'), {"json.number"})


# -- XLSX ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [corrupt_xlsx, garbage_xlsx])
def test_a_corrupt_xlsx_is_refused_cleanly(org, refused, cli, tmp_path, make) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "w.xlsx", make())
    refused("ProjectWorker", path, {"file.format"})
    assert _cli(cli, "ProjectWorker", str(path)).exit_code == 2


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(org, refused, client, make_user, login, tmp_path):
    data = zip_bomb_xlsx(100)
    assert len(data) < 1 << 20
    refused("ProjectWorker", write(tmp_path / "bomb.xlsx", data), {"xlsx.ratio"})
    make_user("root")
    files = {"file": ("bomb.xlsx", data, "application/octet-stream")}
    r = client.post("/api/v1/imports/ProjectWorker", headers=login("root"), files=files)
    assert r.status_code == 422 and r.json()["report"]["errors"][0]["code"] == "xlsx.ratio"


def test_an_xlsx_part_lying_about_its_size_is_refused(org, refused, tmp_path) -> None:
    refused("ProjectWorker", write(tmp_path / "lie.xlsx", lying_xlsx(32)), {"file.format"})


def test_an_xlsx_with_one_huge_cell_is_refused_before_it_is_opened(org, refused, settings, tmp_path) -> None:
    settings.import_max_xlsx_unzipped_bytes = 4 << 20  # stands for the default 512 MiB against a 1 GB cell
    refused("ProjectWorker", write(tmp_path / "cell.xlsx", huge_cell_xlsx(6)), {"xlsx.too_large"})


def test_an_xlsx_cell_over_the_field_limit_is_a_row_error(org, refused, settings, tmp_path) -> None:
    settings.import_max_field_chars = 1000  # an XLSX cell holds at most 32,767 characters anyway
    header = [*list(worker_row("P1", org.corp, "T1", 1)), "address"]
    row = [*list(worker_row("P1", org.corp, "T1", 1).values()), "碧" * 5000]
    report = refused(
        "ProjectWorker", write(tmp_path / "w.xlsx", xlsx_bytes([header, row])), {"field.too_long"}
    )
    assert codes_of(report) == [(2, "address", "field.too_long")]


# -- limits from Settings ------------------------------------------------------------------------------


def test_a_file_over_the_byte_limit_is_refused_before_reading(
    org, refused, settings, client, make_user, login, tmp_path
):
    settings.import_max_bytes = 2048
    rows = [worker_row("P1", org.corp, "T1", n) for n in range(1, 40)]
    path = write_csv(tmp_path / "w.csv", rows)
    refused("ProjectWorker", path, {"file.too_large"})
    make_user("root")
    files = {"file": ("w.csv", path.read_bytes(), "text/csv")}
    r = client.post("/api/v1/imports/ProjectWorker", headers=login("root"), files=files)
    assert r.status_code == 422 and r.json()["report"]["errors"][0]["code"] == "file.too_large"


def test_a_file_over_the_row_limit_is_refused(org, refused, settings, tmp_path) -> None:
    settings.import_max_rows = 3
    rows = [worker_row("P1", org.corp, "T1", n) for n in range(1, 6)]
    refused("ProjectWorker", write_csv(tmp_path / "w.csv", rows), {"file.too_many_rows"})


def test_an_enterprise_user_gets_the_same_report(org, refused, make_user, db, tmp_path) -> None:
    with db.sessions() as s:
        corp_id = s.scalars(select(Enterprise.id).where(Enterprise.corp_code == org.corp)).one()
    user = make_user("gc1", Role.ENTERPRISE, enterprise_id=corp_id)
    refused("ProjectWorker", write(tmp_path / "w.csv", ""), {"file.empty"}, actor=user)


def test_accepted_imports_still_work_after_all_this(org, do_import, db, tmp_path) -> None:
    report = do_import("Corp", write_csv(tmp_path / "c.csv", [corp_row(3, regCapital="99,999,999,999.99")]))
    assert report.inserted == 1
    with db.sessions() as s:
        query = select(Enterprise.reg_capital_fen).where(Enterprise.corp_code == make_uscc(3))
        assert s.scalars(query).one() == 9_999_999_999_999
