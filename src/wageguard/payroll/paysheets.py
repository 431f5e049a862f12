"""Use cases of pay sheets (工资单) in the national ``Payroll`` shape: submit over HTTP or import a file.

A sheet is one team's month. Submitting a sheet for a project, team and month that already has one stores a
new version and marks the earlier one superseded (``is_current`` false, ``superseded_by_id`` set); sending
the same content again changes nothing. All sheets of one submission are stored, or none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from wageguard.auth.policy import project_write_clause
from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.errors import ImportRejected, Problem, ValidationFailed
from wageguard.events import announce_import
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
from wageguard.payroll.amounts import parse_month
from wageguard.payroll.banks.records import problem
from wageguard.payroll.models import PaySheet, PaySheetLine
from wageguard.payroll.schemas import PayrollIn, PayrollsIn
from wageguard.payroll.tallying import refresh_declared_tallies
from wageguard.registry.models import Project, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector, mask
from wageguard.validation.base import Invalid, is_blank
from wageguard.validation.identifiers import parse_bank_card
from wageguard.validation.schema import schema_rejected
from wageguard.validation.values import parse_amount_fen, parse_bool, parse_date, parse_float, parse_text

DETAIL_FIELDS = (
    "idCardType",
    "idCardNumber",
    "days",
    "workHours",
    "payRollBankCardNumber",
    "payRollBankCode",
    "payRollBankName",
    "totalPayAmount",
    "actualAmount",
    "isBackPay",
    "balanceDate",
    "thirdPayRollCode",
)


@dataclass
class SheetDraft:
    """One team-month as received, before validation; ``lines`` are (row label, national fields)."""

    project_code: str
    team_sys_no: str
    pay_month: str
    row: int | str
    lines: list[tuple[int | str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class _Line:
    worker_id: int
    values: dict[str, Any]
    row: int | str = ""


def drafts_from_api(sheets: list[PayrollIn]) -> list[SheetDraft]:
    drafts = []
    for s_no, sheet in enumerate(sheets, start=1):
        draft = SheetDraft(sheet.projectCode, sheet.teamSysNo, sheet.payMonth, row=s_no)
        for l_no, detail in enumerate(sheet.detailList, start=1):
            draft.lines.append((f"{s_no}.{l_no}", detail.model_dump()))
        drafts.append(draft)
    return drafts


_SHEETS: TypeAdapter[list[PayrollIn]] = TypeAdapter(PayrollsIn)


def pay_sheets_of(document: Any) -> list[PayrollIn]:
    """National ``Payroll`` objects from a parsed JSON document (one object or a list), checked by their
    schema; ``ValidationFailed`` with the row/field/reason report (rows ``sheet.line``) otherwise."""
    try:
        return _SHEETS.validate_python(document)
    except ValidationError as exc:
        raise schema_rejected(exc, what_zh="工资单", what_en="pay sheets") from None


def drafts_from_source(
    source: Source,
    *,
    limits: Limits,
    encoding: str | None = None,
    report: ImportReport | None = None,
    file_format: str | None = None,
) -> list[SheetDraft]:
    """Team-month drafts of a JSON, CSV or XLSX file, its format told by its content (``guess_format``).

    JSON: national ``Payroll`` objects (one or a list), rows labelled ``sheet.line`` as in the API;
    CSV/XLSX: flat, one row per worker with national column names, grouped by project, team and month.
    Read through the input boundary: ``BadInput`` (an ``Invalid``) for a file that breaks its rules,
    ``ValidationFailed`` for JSON objects that break their schema."""
    check_size(source.stream, limits)
    fmt = guess_format(source, file_format)
    if report is not None:
        report.file_format = fmt
    if fmt == "json":
        document = read_json_document(source, limits)
        if document == []:
            raise empty_file()
        return drafts_from_api(pay_sheets_of(document))
    table = open_table(source, limits, file_format=fmt, encoding=encoding)
    if report is not None:
        report.encoding = table.encoding
    drafts: dict[tuple[str, str, str], SheetDraft] = {}
    for row_no, row in table.rows:
        key = tuple(str(row.get(k) or "").strip() for k in ("projectCode", "teamSysNo", "payMonth"))
        draft = drafts.setdefault(key, SheetDraft(key[0], key[1], key[2], row=row_no))  # type: ignore[arg-type]
        draft.lines.append((row_no, {k: row.get(k) for k in DETAIL_FIELDS}))
    return list(drafts.values())


def drafts_from_file(
    path: Path, *, limits: Limits | None = None, encoding: str | None = None
) -> list[SheetDraft]:
    """``drafts_from_source`` of a file on disk."""
    with open(path, "rb") as stream:
        return drafts_from_source(Source(stream, path.name), limits=limits or Limits(), encoding=encoding)


def _parts(values: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    """Slices small enough for one ``IN (...)`` on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Validator:
    """Checks every draft against the registry with bulk lookups and collects problems."""

    def __init__(self, session: Session, principal: Principal, protector: Protector) -> None:
        self.session, self.principal, self.protector = session, principal, protector
        self.problems: list[Problem] = []

    def run(self, drafts: list[SheetDraft]) -> list[tuple[SheetDraft, Project, Team, list[_Line]]]:
        projects = self._projects({d.project_code for d in drafts})
        teams = {
            t.team_sys_no: t
            for t in self.session.scalars(
                select(Team).where(Team.team_sys_no.in_({d.team_sys_no for d in drafts}))
            )
        }
        workers = self._workers(drafts)
        members = self._members({p.id for p in projects.values()}, set(workers.values()))
        out = []
        for d in drafts:
            project, team = projects.get(d.project_code), teams.get(d.team_sys_no)
            ok = self._check_head(d, project, team)
            lines = self._lines(d, project, workers, members) if ok and project else []
            if ok and project and team:
                out.append((d, project, team, lines))
        return out

    def _projects(self, codes: set[str]) -> dict[str, Project]:
        clause = project_write_clause(self.principal)
        return {
            p.project_code: p
            for p in self.session.scalars(select(Project).where(Project.project_code.in_(codes), clause))
        }

    def _workers(self, drafts: list[SheetDraft]) -> dict[str, int]:
        bidxs = sorted(
            {self.protector.blind_index(str(v.get("idCardNumber") or "")) for d in drafts for _, v in d.lines}
        )
        found: dict[str, int] = {}
        for part in _parts(bidxs):
            rows = self.session.execute(select(Worker.id_bidx, Worker.id).where(Worker.id_bidx.in_(part)))
            found.update({bidx: worker_id for bidx, worker_id in rows})
        return found

    def _members(self, project_ids: set[int], worker_ids: set[int]) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for part in _parts(sorted(worker_ids)):
            rows = self.session.execute(
                select(ProjectWorker.project_id, ProjectWorker.worker_id).where(
                    ProjectWorker.project_id.in_(project_ids), ProjectWorker.worker_id.in_(part)
                )
            )
            found.update((p, w) for p, w in rows)
        return found

    def _check_head(self, d: SheetDraft, project: Project | None, team: Team | None) -> bool:
        before = len(self.problems)
        if project is None:
            self.problems.append(
                problem(
                    d.row,
                    "projectCode",
                    "project_unknown",
                    "项目不存在或无权操作",
                    "project unknown or out of scope",
                    d.project_code,
                )
            )
        if team is None or (project is not None and team.project_id != project.id):
            self.problems.append(
                problem(
                    d.row,
                    "teamSysNo",
                    "team_unknown",
                    "班组不属于该项目",
                    "team is not a team of the project",
                    d.team_sys_no,
                )
            )
        try:
            d.pay_month = parse_month(d.pay_month)
        except ValueError:
            self.problems.append(
                problem(
                    d.row,
                    "payMonth",
                    "month_invalid",
                    "工资月份应为 yyyy-MM",
                    "payMonth must be yyyy-MM",
                    d.pay_month,
                )
            )
        return len(self.problems) == before

    def _lines(
        self, d: SheetDraft, project: Project, workers: dict[str, int], members: set[tuple[int, int]]
    ) -> list[_Line]:
        lines: list[_Line] = []
        seen: set[int] = set()
        for row, v in d.lines:
            worker_id = workers.get(self.protector.blind_index(str(v.get("idCardNumber") or "")))
            if worker_id is None or (project.id, worker_id) not in members:
                self.problems.append(
                    problem(
                        row,
                        "idCardNumber",
                        "worker_unknown",
                        "该工人未在本项目登记",
                        "worker is not registered on the project",
                        mask(str(v.get("idCardNumber") or "")),
                    )
                )
                continue
            if worker_id in seen:
                self.problems.append(
                    problem(
                        row,
                        "idCardNumber",
                        "duplicate_worker",
                        "同一工资单中工人重复",
                        "worker appears twice in the sheet",
                    )
                )
                continue
            seen.add(worker_id)
            values = self._values(row, v)
            if values is not None:
                lines.append(_Line(worker_id, values, row))
        return lines

    def _values(self, row: int | str, v: dict[str, Any]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        checks: list[tuple[str, str, Any]] = [
            ("gross_fen", "totalPayAmount", lambda x: parse_amount_fen(x)),
            ("net_fen", "actualAmount", lambda x: parse_amount_fen(x)),
            ("days", "days", lambda x: None if is_blank(x) else parse_float(x, low=0, high=31)),
            ("work_hours", "workHours", lambda x: None if is_blank(x) else parse_float(x, low=0, high=744)),
            ("card", "payRollBankCardNumber", lambda x: None if is_blank(x) else parse_bank_card(x)),
            ("is_back_pay", "isBackPay", lambda x: False if is_blank(x) else parse_bool(x)),
            ("balance_date", "balanceDate", lambda x: None if is_blank(x) else parse_date(x)),
            ("bank_code", "payRollBankCode", lambda x: None if is_blank(x) else parse_text(x, max_len=8)),
            ("bank_name", "payRollBankName", lambda x: None if is_blank(x) else parse_text(x, max_len=100)),
            ("third_ref", "thirdPayRollCode", lambda x: None if is_blank(x) else parse_text(x, max_len=64)),
        ]
        before = len(self.problems)
        for key, name, parse in checks:
            try:
                out[key] = parse(v.get(name))
            except Invalid as exc:
                shown = str(v.get(name))[:40]  # a card number is echoed masked, like everywhere else
                value = mask(shown) if key == "card" and shown.strip() else shown
                self.problems.append(exc.problem(field=name, row=row, value=value))
        if len(self.problems) == before and out["net_fen"] > out["gross_fen"]:
            self.problems.append(
                problem(
                    row,
                    "actualAmount",
                    "net_above_gross",
                    "实发金额不能大于应发金额",
                    "net pay exceeds gross pay",
                )
            )
        return out if len(self.problems) == before else None


def _content_hash(lines: list[_Line], protector: Protector) -> str:
    canon = sorted(
        [
            ln.worker_id,
            ln.values["days"],
            ln.values["work_hours"],
            ln.values["card"] and protector.blind_index(ln.values["card"]),
            ln.values["gross_fen"],
            ln.values["net_fen"],
            bool(ln.values["is_back_pay"]),
            str(ln.values["balance_date"]),
            ln.values["third_ref"],
        ]
        for ln in lines
    )
    return hashlib.sha256(json.dumps(canon, default=str).encode()).hexdigest()


def _store_sheet(
    session: Session,
    protector: Protector,
    d: SheetDraft,
    project: Project,
    team: Team,
    lines: list[_Line],
    source: str,
    actor: str,
) -> dict[str, Any]:
    digest = _content_hash(lines, protector)
    head = {
        "projectCode": d.project_code,
        "teamSysNo": d.team_sys_no,
        "payMonth": d.pay_month,
        "lines": len(lines),
    }
    current = session.scalar(
        select(PaySheet).where(
            PaySheet.project_id == project.id,
            PaySheet.team_id == team.id,
            PaySheet.pay_month == d.pay_month,
            PaySheet.is_current.is_(True),
        )
    )
    if current is not None and current.content_sha256 == digest:
        return {**head, "version": current.version, "status": "unchanged", "sheet_id": current.id}
    top = session.scalar(
        select(func.max(PaySheet.version)).where(
            PaySheet.project_id == project.id, PaySheet.team_id == team.id, PaySheet.pay_month == d.pay_month
        )
    )
    sheet = PaySheet(
        project_id=project.id,
        team_id=team.id,
        enterprise_id=team.enterprise_id,
        region_code=project.region_code,
        pay_month=d.pay_month,
        version=(top or 0) + 1,
        is_current=True,
        content_sha256=digest,
        source=source,
        submitted_by=actor,
        line_count=len(lines),
        gross_total_fen=sum(ln.values["gross_fen"] for ln in lines),
        net_total_fen=sum(ln.values["net_fen"] for ln in lines),
    )
    if current is not None:
        current.is_current = False
        session.flush()
    session.add(sheet)
    session.flush()
    if current is not None:
        current.superseded_by_id = sheet.id
    rows = [_line_row(sheet, project, ln, protector) for ln in lines]
    if rows:
        session.execute(insert(PaySheetLine), rows)
    return {
        **head,
        "version": sheet.version,
        "status": "replaced" if current else "created",
        "sheet_id": sheet.id,
    }


def _line_row(sheet: PaySheet, project: Project, line: _Line, protector: Protector) -> dict[str, Any]:
    v, card = line.values, line.values["card"]
    return {
        "sheet_id": sheet.id,
        "project_id": project.id,
        "region_code": project.region_code,
        "pay_month": sheet.pay_month,
        "worker_id": line.worker_id,
        "days": v["days"],
        "work_hours": v["work_hours"],
        "card_enc": protector.encrypt(card) if card else None,
        "card_bidx": protector.blind_index(card) if card else None,
        "card_masked": mask(card) if card else None,
        "bank_code": v["bank_code"],
        "bank_name": v["bank_name"],
        "gross_fen": v["gross_fen"],
        "net_fen": v["net_fen"],
        "is_back_pay": bool(v["is_back_pay"]),
        "balance_date": v["balance_date"],
        "third_ref": v["third_ref"],
    }


def submit_pay_sheets(
    *,
    session: Session,
    principal: Principal,
    protector: Protector,
    drafts: list[SheetDraft],
    source: str,
    actor: str,
) -> list[dict[str, Any]]:
    """Validate and store pay sheets; any problem rejects the whole submission."""
    validator = _Validator(session, principal, protector)
    checked = validator.run(drafts)
    if validator.problems:
        probs = validator.problems
        report = {
            "sheets": len(drafts),
            "error_count": len(probs),
            "problems": [p.as_dict() for p in probs[:500]],
        }
        raise ImportRejected("pay sheets rejected", report=report, problems=probs[:500])
    stored = [_store_sheet(session, protector, d, p, t, lines, source, actor) for d, p, t, lines in checked]
    refresh_declared_tallies(session, project_ids={p.id for _d, p, _t, _lines in checked})
    return stored


def import_payroll_file(
    *,
    db: Database,
    principal: Principal,
    protector: Protector,
    path: Path,
    actor: str,
    encoding: str | None = None,
    limits: Limits | None = None,
    file_format: str | None = None,
) -> list[dict[str, Any]]:
    """Import a JSON, CSV or XLSX file of pay sheets (national field names) in one transaction; the import
    is recorded (``import_batches`` + audit), accepted or rejected (``ImportRejected``, nothing stored)."""
    report = ImportReport("Payroll", path.name, "", "")
    with open(path, "rb") as stream:
        try:
            report.sha256 = sha256_of(stream)
            source = Source(stream, path.name)
            drafts = drafts_from_source(
                source, limits=limits or Limits(), encoding=encoding, report=report, file_format=file_format
            )
        except Invalid as exc:
            report.errors.append(exc.problem(field="(file)", value=path.name[:100]))
            reject_import(db, actor, report)
        except ValidationFailed as exc:
            report.errors = list(exc.problems)
            reject_import(db, actor, report)
    report.rows = sum(len(d.lines) for d in drafts)
    try:
        with db.transaction() as session:
            stored = submit_pay_sheets(
                session=session,
                principal=principal,
                protector=protector,
                drafts=drafts,
                source=report.file_format,
                actor=actor,
            )
            report.inserted = sum(int(s["lines"]) for s in stored if s["status"] != "unchanged")
            report.unchanged = report.rows - report.inserted
            report.details = {"sheets": stored}
            record_import(session, actor, report)
    except ImportRejected as exc:
        report.errors = list(exc.problems)
        reject_import(db, actor, report)
    announce_import("pay_sheets")
    return stored


@dataclass
class PreviewLine:
    """One accepted line of a previewed file: its row, worker and amounts."""

    row: int | str
    worker_id: int
    project_id: int
    gross_fen: int
    net_fen: int
    name: str = ""
    id_masked: str = ""


@dataclass
class PaySheetPreview:
    """What ``import_payroll_file`` would store for a file, checked but not stored (``problems`` empty: it
    would be accepted)."""

    file_format: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def workers(self) -> int:
        return len({ln.worker_id for ln in self.lines})

    @property
    def net_total_fen(self) -> int:
        return sum(ln.net_fen for ln in self.lines)

    @property
    def gross_total_fen(self) -> int:
        return sum(ln.gross_fen for ln in self.lines)


def preview_payroll_file(
    *,
    session: Session,
    principal: Principal,
    protector: Protector,
    path: Path,
    encoding: str | None = None,
    limits: Limits | None = None,
    file_format: str | None = None,
) -> PaySheetPreview:
    """Validate a pay-sheet file exactly as ``import_payroll_file`` does (same reader, same ``_Validator``,
    same write policy) without storing or recording anything: the report shown before a clerk confirms."""
    report = ImportReport("Payroll", path.name, "", "")
    preview = PaySheetPreview(file_format="")
    with open(path, "rb") as stream:
        try:
            drafts = drafts_from_source(
                Source(stream, path.name),
                limits=limits or Limits(),
                encoding=encoding,
                report=report,
                file_format=file_format,
            )
        except Invalid as exc:
            preview.problems = [exc.problem(field="(file)", value=path.name[:100])]
            return preview
        except ValidationFailed as exc:
            preview.problems = list(exc.problems)
            return preview
        finally:
            preview.file_format = report.file_format
    preview.rows = sum(len(d.lines) for d in drafts)
    validator = _Validator(session, principal, protector)
    checked = validator.run(drafts)
    preview.problems = validator.problems
    for d, project, team, lines in checked:
        preview.sheets.append(
            {
                "project_id": project.id,
                "project_code": project.project_code,
                "project_name": project.name,
                "team_name": team.name,
                "pay_month": d.pay_month,
                "lines": len(lines),
            }
        )
        preview.lines.extend(
            PreviewLine(ln.row, ln.worker_id, project.id, ln.values["gross_fen"], ln.values["net_fen"])
            for ln in lines
        )
    names: dict[int, tuple[str, str]] = {}
    for part in _parts(sorted({ln.worker_id for ln in preview.lines})):
        rows = session.execute(select(Worker.id, Worker.name, Worker.id_masked).where(Worker.id.in_(part)))
        names.update({wid: (name, masked) for wid, name, masked in rows})
    for ln in preview.lines:
        ln.name, ln.id_masked = names.get(ln.worker_id, ("", ""))
    return preview
