"""``WorkerAttendance`` from JSON, CSV and XLSX files, the format told by the content.

JSON: national ``WorkerAttendance`` objects (one, or a list of them), exactly as the batch API takes them;
rows are labelled like the API's (record ``2``; in a list, batch.record ``1.2``). CSV/XLSX: the national
field names as column headers — ``projectCode``, ``teamSysNo`` (optional), ``idCardType``,
``idCardNumber``, ``date``, ``direction``, ``attendType``, ``channel`` — rows grouped by project into
batches. The file is read through the input boundary (``ingest/boundary.py``: size, encoding, quoting,
field length, control characters, XLSX zip checks, JSON depth); every batch goes through the same ingest use
case as the JSON API, and schema errors come out as the same row/field/reason problems
(``validation/schema.py``). One file is one transaction — any bad row rejects the whole file — and every
attempt leaves an import record (``import_batches`` + audit entry), accepted or rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
from wageguard.ingest.boundary import (
    Limits,
    Source,
    check_size,
    empty_file,
    guess_format,
    open_table,
    read_json_document,
)
from wageguard.ingest.records import record_import, reject_import, sha256_of
from wageguard.ingest.report import ImportReport
from wageguard.security.crypto import Protector
from wageguard.validation.base import Invalid
from wageguard.validation.schema import schema_problems
from wageguard.validation.values import parse_date, parse_datetime, parse_text

OBJECT = "WorkerAttendance"
REQUIRED = ("projectCode", "idCardNumber", "date")
TEXT_LIMITS = {"projectCode": 64, "teamSysNo": 64, "idCardType": 8, "idCardNumber": 32, "channel": 64}


@dataclass
class FileRow:
    number: int
    values: dict[str, str]


@dataclass
class _Batch:
    """One batch to ingest, with the labels its problems get: ``row_of`` maps a 1-based record number of
    the batch to the file's row label, ``head`` labels problems of the batch as a whole."""

    batch: WorkerAttendanceIn
    row_of: Callable[[int], int | str]
    head: int | str | None


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


def _table_batches(groups: dict[tuple[str, str], list[FileRow]], problems: list[Problem]) -> list[_Batch]:
    """The CSV/XLSX groups as batches; a row its schema refuses is reported at its file row."""
    out = []
    for (code, team), group in groups.items():

        def file_row(positions: Sequence[int], group: list[FileRow] = group) -> int:
            index = positions[0] if positions else 0
            return group[index].number if index < len(group) else group[0].number

        try:
            batch = WorkerAttendanceIn(
                projectCode=code, teamSysNo=team or None, dataList=[_record(r) for r in group]
            )
        except ValidationError as exc:
            problems += schema_problems(exc.errors(include_url=False), file_row)
            continue

        def numbered(n: int, group: list[FileRow] = group) -> int:
            return group[n - 1].number

        out.append(_Batch(batch, numbered, group[0].number))
    return out


def _json_batches(document: Any, problems: list[Problem]) -> tuple[list[_Batch], int]:
    """The ``WorkerAttendance`` objects of a JSON document (one, or a list) and their record count."""
    items = document if isinstance(document, list) else [document]
    listed = isinstance(document, list)
    if not items:
        raise empty_file()
    out, records = [], 0
    for b, item in enumerate(items, start=1):

        def label(n: int, b: int = b) -> int | str:
            return f"{b}.{n}" if listed else n

        def located(positions: Sequence[int], b: int = b) -> int | str | None:
            if positions:
                return f"{b}.{positions[0] + 1}" if listed else positions[0] + 1
            return b if listed else None

        try:
            batch = WorkerAttendanceIn.model_validate(item)
        except ValidationError as exc:
            problems += schema_problems(exc.errors(include_url=False), located)
            if isinstance(item, dict) and isinstance(item.get("dataList"), list):
                records += len(item["dataList"])
            continue
        records += len(batch.dataList)
        out.append(_Batch(batch, label, b if listed else None))
    return out, records


def _ingest(
    session: Any,
    *,
    principal: Principal,
    protector: Protector,
    batches: list[_Batch],
    options: IngestOptions,
    problems: list[Problem],
) -> StoreResult:
    kinds: dict[str, int] = {}
    total = StoreResult(by_kind=kinds)
    for item in batches:
        try:
            result = ingest_worker_attendance(
                session=session, principal=principal, protector=protector, batch=item.batch, options=options
            )
        except ValidationFailed as exc:
            problems += [_relabel(p, item) for p in exc.problems]
            continue
        except (NotFound, Forbidden) as exc:
            problems.append(
                Problem(
                    field="projectCode",
                    code="ref.project_missing" if isinstance(exc, NotFound) else "scope.not_your_project",
                    message_zh=exc.message_zh,
                    message_en=str(exc),
                    row=item.head,
                    value=item.batch.projectCode[:64],
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
    file_format: str | None = None,
) -> ImportReport:
    """Ingest a JSON, CSV or XLSX attendance file in one transaction; bad rows reject the file with row
    labels (``ImportRejected``, nothing stored); every project of the file must be one ``principal`` may
    post punches for. The import is recorded either way; ``report.details`` holds the punch counts."""
    limits = limits or Limits()
    report = ImportReport(OBJECT, path.name, "", "")
    with open(path, "rb") as stream:
        source = Source(stream, path.name)
        try:
            check_size(stream, limits)
            report.sha256 = sha256_of(stream)
            report.file_format = guess_format(source, file_format)
            if report.file_format == "json":
                batches, report.rows = _json_batches(read_json_document(source, limits), report.errors)
            else:
                rows = _file_rows(source, limits, encoding, report)
        except Invalid as exc:
            report.errors.append(exc.problem(field="(file)", value=path.name[:100]))
            reject_import(db, principal.username, report)
    if report.file_format != "json":
        report.rows = len(rows)
        report.errors += _missing_columns(rows)
        groups, more = _batches(rows) if not report.errors else ({}, [])
        report.errors += more
        batches = _table_batches(groups, report.errors)
    try:
        with db.transaction() as session:
            total = _ingest(
                session,
                principal=principal,
                protector=protector,
                batches=batches,
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


def _relabel(problem: Problem, item: _Batch) -> Problem:
    """A problem of the ingest use case (rows numbered from 1 within the batch) at the file's label."""
    if isinstance(problem.row, int) and 1 <= problem.row <= len(item.batch.dataList):
        return replace(problem, row=item.row_of(problem.row))
    return replace(problem, row=item.head) if problem.row is None else problem
