"""``WorkerAttendance`` from CSV / XLSX files: the national field names as column headers.

Columns: ``projectCode``, ``teamSysNo`` (optional), ``idCardType``, ``idCardNumber``, ``date``,
``direction``, ``attendType``, ``channel``. The file is read through the input boundary
(``ingest/boundary.py``: size, encoding, quoting, field length, control characters, XLSX zip checks); rows
are grouped by project into batches that go through the same ingest use case as the JSON API. One file is
one transaction — any bad row rejects the whole file — and every attempt leaves an import record
(``import_batches`` + audit entry), accepted or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wageguard.attendance.schemas import AttendanceRecordIn, WorkerAttendanceIn
from wageguard.attendance.service import ingest_worker_attendance
from wageguard.attendance.store import IngestOptions, StoreResult
from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.errors import Forbidden, NotFound, Problem, ValidationFailed
from wageguard.ingest.boundary import Limits, Source, check_size, guess_format, open_table
from wageguard.ingest.records import record_import, reject_import, sha256_of
from wageguard.ingest.report import ImportReport
from wageguard.security.crypto import Protector
from wageguard.validation.base import Invalid
from wageguard.validation.values import parse_date, parse_datetime, parse_text

OBJECT = "WorkerAttendance"
REQUIRED = ("projectCode", "idCardNumber", "date")
TEXT_LIMITS = {"projectCode": 64, "teamSysNo": 64, "idCardType": 8, "idCardNumber": 32, "channel": 64}


@dataclass
class FileRow:
    number: int
    values: dict[str, str]


class _Rejected(Exception):
    """Internal: roll the import's transaction back."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return parse_datetime(value).strftime("%Y-%m-%d %H:%M:%S")  # the date window checked first
    if isinstance(value, date):
        return parse_date(value).strftime("%Y-%m-%d 00:00:00")
    return str(value).strip()


def _file_rows(source: Source, limits: Limits, encoding: str | None, report: ImportReport) -> list[FileRow]:
    """Rows as header → text; a cell that is not a plausible value is reported with its row and field."""
    table = open_table(source, limits, file_format=report.file_format, encoding=encoding)
    report.encoding = table.encoding
    rows = []
    for number, raw in table.rows:
        values: dict[str, str] = {}
        for name, cell in raw.items():
            try:
                values[name] = _cell(cell)
                if name == "date" and values[name]:
                    _check_date(values[name])
                elif name in TEXT_LIMITS:
                    parse_text(values[name], max_len=TEXT_LIMITS[name])
            except Invalid as exc:
                report.errors.append(exc.problem(field=name, row=number, value=str(cell)[:40]))
        rows.append(FileRow(number, values))
    return rows


def _check_date(text: str) -> None:
    """Only the window is checked here (year 0001 …); the format is the ingest use case's."""
    try:
        parse_datetime(text)
    except Invalid as exc:
        if exc.notice.code == "datetime.range":
            raise


def _missing_columns(rows: list[FileRow]) -> list[Problem]:
    present = set(rows[0].values) if rows else set()
    return [
        Problem(
            field=col,
            code="column_missing",
            message_zh=f"缺少列 {col}",
            message_en=f"column {col} missing",
            row=1,
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


def _invalid_rows(exc: ValidationError, group: list[FileRow]) -> list[Problem]:
    problems = []
    for error in exc.errors()[:50]:
        loc = [str(p) for p in error.get("loc", ())]
        index = int(loc[1]) if len(loc) > 1 and loc[0] == "dataList" and loc[1].isdigit() else None
        problems.append(
            Problem(
                field=loc[-1] if loc else "row",
                code="invalid",
                message_zh="字段格式错误",
                message_en=str(error.get("msg", "invalid value"))[:200],
                row=group[index].number if index is not None and index < len(group) else group[0].number,
            )
        )
    return problems


def _ingest(
    session: Any,
    *,
    principal: Principal,
    protector: Protector,
    groups: dict[tuple[str, str], list[FileRow]],
    options: IngestOptions,
    problems: list[Problem],
) -> StoreResult:
    kinds: dict[str, int] = {}
    total = StoreResult(by_kind=kinds)
    for (code, team), group in groups.items():
        try:
            batch = WorkerAttendanceIn(
                projectCode=code, teamSysNo=team or None, dataList=[_record(r) for r in group]
            )
            result = ingest_worker_attendance(
                session=session, principal=principal, protector=protector, batch=batch, options=options
            )
        except ValidationError as exc:
            problems += _invalid_rows(exc, group)
            continue
        except ValidationFailed as exc:
            problems += [_renumber(p, group) for p in exc.problems]
            continue
        except (NotFound, Forbidden) as exc:
            problems.append(
                Problem(
                    field="projectCode",
                    code="ref.project_missing" if isinstance(exc, NotFound) else "scope.not_your_project",
                    message_zh=exc.message_zh,
                    message_en=str(exc),
                    row=group[0].number,
                    value=code[:64],
                )
            )
            continue
        total.received += result.received
        total.inserted += result.inserted
        total.duplicates += result.duplicates
        total.flagged += result.flagged
        for kind, n in (result.by_kind or {}).items():
            kinds[kind] = kinds.get(kind, 0) + n
    return total


def import_attendance_file(
    *,
    db: Database,
    principal: Principal,
    protector: Protector,
    path: Path,
    options: IngestOptions,
    limits: Limits | None = None,
    encoding: str | None = None,
) -> ImportReport:
    """Ingest a CSV / XLSX attendance file in one transaction; bad rows reject the file with row numbers
    (``ImportRejected``, nothing stored); every project of the file must be one ``principal`` may post
    punches for. The import is recorded either way; ``report.details`` holds the punch counts."""
    limits = limits or Limits()
    report = ImportReport(OBJECT, path.name, "", "")
    with open(path, "rb") as stream:
        source = Source(stream, path.name)
        try:
            check_size(stream, limits)
            report.sha256 = sha256_of(stream)
            report.file_format = guess_format(source, None, ("csv", "xlsx"))
            rows = _file_rows(source, limits, encoding, report)
        except Invalid as exc:
            report.errors.append(exc.problem(field="(file)", value=path.name[:100]))
            reject_import(db, principal.username, report)
    report.rows = len(rows)
    report.errors += _missing_columns(rows)
    groups, more = _batches(rows) if not report.errors else ({}, [])
    report.errors += more
    try:
        with db.transaction() as session:
            total = _ingest(
                session,
                principal=principal,
                protector=protector,
                groups=groups,
                options=options,
                problems=report.errors,
            )
            if report.errors:
                raise _Rejected
            report.inserted, report.unchanged = total.inserted, total.duplicates
            report.details = total.as_dict()
            record_import(session, principal.username, report)
    except _Rejected:
        reject_import(db, principal.username, report)
    return report


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
