"""``WorkerAttendance`` from CSV / XLSX files: the national field names as column headers.

Columns: ``projectCode``, ``teamSysNo`` (optional), ``idCardType``, ``idCardNumber``, ``date``,
``direction``, ``attendType``, ``channel``. Rows are grouped by project into batches that go through the
same ingest use case as the JSON API; one file is one transaction — any bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session

from wageguard.attendance.schemas import AttendanceRecordIn, WorkerAttendanceIn
from wageguard.attendance.service import ingest_worker_attendance
from wageguard.attendance.store import IngestOptions, StoreResult
from wageguard.errors import ImportRejected, Problem, ValidationFailed
from wageguard.security.crypto import Protector

REQUIRED = ("projectCode", "idCardNumber", "date")


@dataclass
class FileRow:
    number: int
    values: dict[str, str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    return str(value).strip()


def read_rows(name: str, content: bytes) -> list[FileRow]:
    """Rows of a CSV (UTF-8, BOM allowed) or XLSX file as header → text, numbered as in the file."""
    if name.lower().endswith((".xlsx", ".xls")):
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        table: list[list[Any]] = book.get_sheet_by_index(0).to_python()
    else:
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    if not table:
        return []
    header = [_cell(h) for h in table[0]]
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {h: _cell(v) for h, v in zip(header, raw, strict=False) if h}
        if any(values.values()):
            rows.append(FileRow(number, values))
    return rows


def _missing_columns(rows: list[FileRow]) -> list[Problem]:
    present = set(rows[0].values) if rows else set()
    return [
        Problem(
            field=col, code="column_missing", message_zh=f"缺少列 {col}", message_en=f"column {col} missing"
        )
        for col in REQUIRED
        if col not in present
    ]


def _batches(rows: list[FileRow]) -> tuple[dict[tuple[str, str], list[FileRow]], list[Problem]]:
    groups: dict[tuple[str, str], list[FileRow]] = {}
    problems: list[Problem] = []
    for row in rows:
        code = row.values.get("projectCode", "")
        if not code:
            problems.append(
                Problem(
                    field="projectCode",
                    code="required",
                    message_zh="项目编码为空",
                    message_en="projectCode empty",
                    row=row.number,
                )
            )
            continue
        groups.setdefault((code, row.values.get("teamSysNo", "")), []).append(row)
    return groups, problems


def _record(row: FileRow) -> AttendanceRecordIn:
    values = {k: v for k, v in row.values.items() if v != ""}
    return AttendanceRecordIn.model_validate(values)


def import_attendance_file(
    *, session: Session, protector: Protector, name: str, content: bytes, options: IngestOptions
) -> StoreResult:
    """Ingest a CSV / XLSX attendance file in one transaction; bad rows reject the file with row numbers."""
    rows = read_rows(name, content)
    problems = _missing_columns(rows)
    groups, more = _batches(rows) if not problems else ({}, [])
    problems += more
    kinds: dict[str, int] = {}
    total = StoreResult(by_kind=kinds)
    for (code, team), group in groups.items():
        try:
            records = [_record(r) for r in group]
            batch = WorkerAttendanceIn(projectCode=code, teamSysNo=team or None, dataList=records)
            result = ingest_worker_attendance(
                session=session, protector=protector, batch=batch, options=options
            )
        except ValidationError as exc:
            problems.append(
                Problem(field="row", code="invalid", message_zh="行格式错误", message_en=str(exc)[:200])
            )
            continue
        except ValidationFailed as exc:
            problems += [_renumber(p, group) for p in exc.problems]
            continue
        total.received += result.received
        total.inserted += result.inserted
        total.duplicates += result.duplicates
        total.flagged += result.flagged
        for kind, n in (result.by_kind or {}).items():
            kinds[kind] = kinds.get(kind, 0) + n
    if problems or not rows:
        if not rows:
            problems.append(
                Problem(field="file", code="empty", message_zh="文件没有数据行", message_en="no data rows")
            )
        report = {"file": name, "rows": len(rows), "errors": len(problems)}
        raise ImportRejected(f"attendance file {name} rejected", report, problems)
    return total


def _renumber(problem: Problem, group: list[FileRow]) -> Problem:
    """Map a batch row index (1-based) back to the file's row number."""
    if isinstance(problem.row, int) and 1 <= problem.row <= len(group):
        return Problem(
            field=problem.field,
            code=problem.code,
            message_zh=problem.message_zh,
            message_en=problem.message_en,
            row=group[problem.row - 1].number,
            value=problem.value,
            severity=problem.severity,
        )
    return problem


def read_file(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()
