"""Each kind of bad row gives its documented error, every bad row is listed, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.ingest.factories import make_uscc, unique_id, worker_row, write_csv, write_json

from wageguard.audit.models import AuditEntry
from wageguard.errors import Forbidden, ValidationFailed
from wageguard.ingest.models import ImportBatch
from wageguard.registry.choices import Role
from wageguard.registry.models import BankCard, ProjectWorker, Worker


def _codes(report: dict) -> list[tuple[object, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in report["errors"]]


def _nothing_stored(count) -> None:
    assert count(Worker) == 0 and count(ProjectWorker) == 0 and count(BankCard) == 0


def test_wrong_check_digit_rejects_the_file_and_masks_the_value(org, reject, count, tmp_path: Path) -> None:
    good = worker_row("P1", org.corp, "T1", 1)
    number = unique_id(2)
    bad = worker_row("P1", org.corp, "T1", 2, idCardNumber=number[:-1] + ("0" if number[-1] != "0" else "1"))
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", [good, bad]))
    assert _codes(report) == [(3, "idCardNumber", "id.checksum")]
    problem = report["errors"][0]
    assert (
        problem["message_zh"] == "身份证号校验位错误"
        and problem["message_en"] == "ID number check digit is wrong"
    )
    assert problem["value"].startswith(number[:4]) and "*" in problem["value"] and number not in str(report)
    _nothing_stored(count)


def test_unknown_code_missing_field_and_duplicate_are_all_listed(org, reject, count, tmp_path: Path) -> None:
    rows = [
        worker_row("P1", org.corp, "T1", 1),
        worker_row("P1", org.corp, "T1", 2, workType="999"),
        worker_row("P1", org.corp, "T1", 3, workerName=""),
        worker_row("P1", org.corp, "T1", 1),
    ]
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", rows))
    assert sorted(_codes(report), key=str) == sorted(
        [(3, "workType", "code.unknown"), (4, "workerName", "required"), (5, "projectCode", "duplicate")],
        key=str,
    )
    duplicate = next(p for p in report["errors"] if p["code"] == "duplicate")
    assert "第 2 行" in duplicate["message_zh"] and "row 2" in duplicate["message_en"]
    _nothing_stored(count)


def test_unregistered_references_are_bad_rows(org, reject, count, tmp_path: Path) -> None:
    rows = [
        worker_row("NOPE", org.corp, "T1", 1),
        worker_row("P1", make_uscc(999), "T1", 2),
        worker_row("P1", org.corp, "T9", 3),
        worker_row("P1", org.corp, "T2", 4),
    ]
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", rows))
    codes = {row: code for row, _, code in _codes(report)}
    assert codes[2] == "ref.project_missing"
    assert codes[3] == "ref.enterprise_missing"
    assert codes[4] == "ref.team_missing"
    assert codes[5] == "ref.team_mismatch"
    _nothing_stored(count)


def test_a_bad_row_after_a_written_chunk_rolls_everything_back(
    org, do_import, reject, count, settings, tmp_path
):
    settings.import_batch_rows = 100
    rows = [worker_row("P1", org.corp, "T1", n) for n in range(250)]
    rows[230]["cellPhone"] = "12345"
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", rows))
    assert _codes(report) == [(232, "cellPhone", "phone.invalid")]
    _nothing_stored(count)


def test_rejected_import_is_recorded_with_audit_entry(org, reject, db, tmp_path: Path) -> None:
    rows = [worker_row("P1", org.corp, "T1", 1, workRole="77")]
    report = reject("ProjectWorker", write_csv(tmp_path / "w.csv", rows))
    with db.sessions() as s:
        batch = s.get(ImportBatch, report["batch_id"])
        assert batch is not None and batch.status == "rejected" and batch.error_count == 1
        audit = s.scalars(select(AuditEntry).where(AuditEntry.subject_id == str(batch.id))).one()
    assert audit.action == "import" and audit.detail is not None and audit.detail["status"] == "rejected"


def test_wrong_encoding_is_rejected_clearly(org, reject, count, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    write_csv(path, [worker_row("P1", org.corp, "T1", 1)])
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))  # UTF-16 without its BOM
    report = reject("ProjectWorker", path)
    assert _codes(report) == [(None, "(file)", "file.encoding")]
    assert "编码" in report["errors"][0]["message_zh"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("projectCode,workerName\nP1,Jos\xe9,x\n".encode("latin-1"))
    assert _codes(reject("ProjectWorker", latin)) == [(None, "(file)", "file.encoding")]
    _nothing_stored(count)


def test_json_paths_locate_bad_rows(org, reject, tmp_path: Path) -> None:
    worker = {
        k: v for k, v in worker_row("P1", org.corp, "T1", 1).items() if k not in ("projectCode", "corpCode")
    }
    document = [
        {
            "projectCode": "P1",
            "corpCode": org.corp,
            "teamSysNo": "T1",
            "workerList": [worker, {**worker, "idCardNumber": "x"}],
        }
    ]
    report = reject("ProjectWorker", write_json(tmp_path / "w.json", document))
    assert _codes(report) == [("[0].workerList[1]", "idCardNumber", "id.length")]


def test_unknown_object_and_inspector_are_refused(org, do_import, make_user, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "w.csv", [worker_row("P1", org.corp, "T1", 1)])
    with pytest.raises(ValidationFailed):
        do_import("Payroll", path)
    inspector = make_user("insp", Role.INSPECTOR, region_code="520602")
    with pytest.raises(Forbidden):
        do_import("ProjectWorker", path, inspector)
