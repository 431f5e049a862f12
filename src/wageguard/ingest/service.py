"""Import use case: one file of one exchange-format object, accepted whole or rejected whole.

The file is streamed in chunks of ``settings.import_batch_rows``; each chunk is parsed, checked for
duplicates, references and scope, and written with bulk Core statements inside ONE transaction.
Once a bad row is seen, writing stops but validation goes on to the end, so the report lists every
bad row; then the transaction is rolled back and the batch is recorded (with its audit
entry, and the audit events the rows raised, such as an ID number imported under another name) in a
transaction of its own.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.policy import check_registry_importer
from wageguard.auth.scope import Principal
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.errors import ImportRejected, Problem, ValidationFailed
from wageguard.events import announce_import
from wageguard.ingest.boundary import BadInput, Limits, check_size
from wageguard.ingest.collector import collector_paused
from wageguard.ingest.context import AuditEvent, ImportContext
from wageguard.ingest.handlers import HANDLERS, Handler, handler_for
from wageguard.ingest.readers import Row, Source, guess_format, read_rows
from wageguard.ingest.records import record_import
from wageguard.ingest.report import ImportReport
from wageguard.ingest.spec import ParsedRow, parse_row
from wageguard.registry.tallying import refresh_registry_tallies
from wageguard.security.crypto import Protector
from wageguard.validation import Invalid, Notice

DUPLICATE = Notice(
    "duplicate", "文件内重复（与第 {first} 行相同的记录）", "duplicate in file (same record as row {first})"
)
UNKNOWN_COLUMN = Notice("column.unknown", "未知字段，已忽略", "unknown field, ignored", "warning")


class _Rejected(Exception):
    """Internal: roll back the import transaction."""


def import_file(
    *,
    db: Database,
    protector: Protector,
    object_name: str,
    path: Path,
    actor: Principal,
    file_format: str | None = None,
    encoding: str | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Import ``path`` as ``object_name`` for ``actor``; ``ImportRejected`` (nothing stored) on bad rows."""
    with open(path, "rb") as stream:
        return import_stream(
            db=db,
            protector=protector,
            object_name=object_name,
            stream=stream,
            filename=Path(path).name,
            actor=actor,
            file_format=file_format,
            encoding=encoding,
            settings=settings,
        )


def import_bytes(
    *,
    db: Database,
    protector: Protector,
    object_name: str,
    data: bytes,
    filename: str,
    actor: Principal,
    file_format: str | None = None,
    encoding: str | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Import an in-memory document (an HTTP JSON body, a small upload)."""
    return import_stream(
        db=db,
        protector=protector,
        object_name=object_name,
        stream=io.BytesIO(data),
        filename=filename,
        actor=actor,
        file_format=file_format,
        encoding=encoding,
        settings=settings,
    )


def import_stream(
    *,
    db: Database,
    protector: Protector,
    object_name: str,
    stream: IO[bytes],
    filename: str,
    actor: Principal,
    file_format: str | None = None,
    encoding: str | None = None,
    settings: Settings | None = None,
) -> ImportReport:
    """Import a seekable binary stream (the other entry points end here)."""
    handler = _handler(object_name)
    check_registry_importer(actor)
    source = Source(stream, filename)
    cfg = settings or get_settings()
    limits = Limits.of(cfg)
    report = ImportReport(handler.spec.name, filename, file_format or "", "")
    try:
        check_size(stream, limits)
        report.sha256 = _sha256(stream)
        report.file_format = guess_format(source, file_format)
        found = read_rows(
            source, report.file_format, list_key=handler.spec.list_key, encoding=encoding, limits=limits
        )
        report.encoding = found.encoding
    except Invalid as exc:
        report.errors.append(exc.problem(field="(file)", row=None, value=filename[:100]))
        _finish_rejected(db, actor, report, [])
    columns, rows = found.columns, found.rows
    _warn_unknown_columns(handler, columns, report)
    events: list[AuditEvent] = []
    try:
        with db.transaction() as session:
            ctx = ImportContext(session.connection(), protector, actor, report, defaults=_defaults(cfg))
            events = ctx.audit
            with collector_paused():
                _run(ctx, handler, rows, cfg.import_batch_rows)
            if report.errors:
                raise _Rejected
            refresh_registry_tallies(session)
            _record(session, actor, report, events)
    except _Rejected:
        _finish_rejected(db, actor, report, events)
    except IntegrityError as exc:
        report.errors.append(_conflict(exc))
        _finish_rejected(db, actor, report, events)
    announce_import(handler.spec.name)
    return report


def _conflict(exc: IntegrityError) -> Problem:
    """A constraint the checks did not foresee (e.g. a concurrent import): reject the file, explain."""
    return Problem(
        field="(file)",
        code="db.conflict",
        message_zh="数据与已登记记录冲突（可能有并发导入），请重试",
        message_en=f"conflicts with stored records (concurrent import?), retry: {type(exc.orig).__name__}",
    )


def _handler(object_name: str) -> Handler:
    handler = handler_for(object_name)
    if handler is None:
        names = ", ".join(HANDLERS)
        problem = Problem(
            field="object",
            code="object.unknown",
            message_zh=f"未知的导入对象（可用：{names}）",
            message_en=f"unknown object (one of: {names})",
            value=object_name,
        )
        raise ValidationFailed(
            f"unknown import object {object_name!r}", [problem], message_zh="未知的导入对象"
        )
    return handler


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := stream.read(1 << 20):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def _defaults(settings: Settings) -> dict[str, int]:
    return {"pay_day": settings.default_pay_day, "grace_days": settings.default_grace_days}


def _warn_unknown_columns(handler: Handler, columns: list[str], report: ImportReport) -> None:
    unknown = [c for c in columns if c and not handler.spec.known(c)]
    report.add_warnings(
        [UNKNOWN_COLUMN.problem(field=c, row=1 if report.file_format != "json" else "$") for c in unknown]
    )


def _run(ctx: ImportContext, handler: Handler, rows: Iterator[Row], size: int) -> None:
    """Parse, check and (while the file is clean) write the rows chunk by chunk."""
    try:
        while chunk := list(islice(rows, size)):
            ctx.report.rows += len(chunk)
            warnings: list[Problem] = []
            parsed = [
                p
                for label, raw in chunk
                if (p := parse_row(handler.spec, label, raw, ctx.report.errors, warnings))
            ]
            ctx.report.add_warnings(warnings)
            good = handler.check(ctx, _unique(ctx, handler, parsed)) if parsed else []
            if ctx.writing and good:
                handler.write(ctx, good)
    except BadInput as exc:
        ctx.report.errors.append(exc.problem(field="(file)"))
    except Invalid as exc:
        ctx.report.errors.append(exc.problem(field="(file)", row=ctx.report.rows or None))


def _unique(ctx: ImportContext, handler: Handler, rows: list[ParsedRow]) -> list[ParsedRow]:
    """Drop (and report) rows whose natural key already appeared earlier in the file."""
    good = []
    for row in rows:
        first = None
        keys = [hash(k) for k in handler.keys(row.values)]
        for key in keys:
            first = ctx.seen.get(key)
            if first is not None:
                break
        if first is None:
            ctx.seen.update(dict.fromkeys(keys, row.label))
            good.append(row)
            continue
        ctx.report.errors.append(
            Problem(
                field=handler.spec.fields[0].name,
                code=DUPLICATE.code,
                message_zh=DUPLICATE.message_zh.format(first=first),
                message_en=DUPLICATE.message_en.format(first=first),
                row=row.label,
                value=None,
            )
        )
    return good


def _finish_rejected(
    db: Database, actor: Principal, report: ImportReport, events: list[AuditEvent]
) -> NoReturn:
    report.status = "rejected"
    report.inserted = report.updated = report.unchanged = 0
    with db.transaction() as session:
        _record(session, actor, report, [e for e in events if e.always])
    raise ImportRejected(report.message_en(), report.as_dict(), report.errors)


def _record(session: Session, actor: Principal, report: ImportReport, events: list[AuditEvent]) -> None:
    """The ``import_batches`` row, the audit entry of this import and the audit events its rows raised
    (in ``session``'s transaction)."""
    record_import(session, actor.username, report)
    for event in events:
        record_audit(
            session,
            actor=actor.username,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            detail={**event.detail, "import_batch": report.batch_id},
        )
