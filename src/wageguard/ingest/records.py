"""The record every import attempt leaves: an ``import_batches`` row and its audit entry (action ``import``).

Shared by every file import (registry objects, attendance, pay sheets): an accepted import writes its record
in the import's own transaction; a rejected one writes it in a transaction of its own, after the import's was
rolled back, and then raises ``ImportRejected`` with the report.
"""

from __future__ import annotations

import hashlib
from typing import IO, NoReturn

from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.db import Database, utcnow
from wageguard.errors import ImportRejected
from wageguard.ingest.models import ImportBatch
from wageguard.ingest.report import ImportReport

MAX_STORED_ERRORS = 1000


def sha256_of(stream: IO[bytes]) -> str:
    """Hex SHA-256 of a seekable stream, read in chunks (left at the start)."""
    digest = hashlib.sha256()
    stream.seek(0)
    while block := stream.read(1 << 20):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def record_import(session: Session, actor: str, report: ImportReport) -> None:
    """The ``import_batches`` row and the audit entry of this import (in ``session``'s transaction)."""
    batch = ImportBatch(
        object_name=report.object_name[:32],
        filename=report.filename[:300],
        file_format=report.file_format[:8] or "?",
        sha256=report.sha256,
        actor=actor[:64],
        status=report.status,
        rows=report.rows,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        error_count=len(report.errors),
        summary=report.as_dict(max_errors=MAX_STORED_ERRORS),
        finished_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    report.batch_id = batch.id
    batch.summary = report.as_dict(max_errors=MAX_STORED_ERRORS)
    record_audit(
        session,
        actor=actor[:64],
        action="import",
        subject_type="import_batch",
        subject_id=batch.id,
        detail={k: v for k, v in report.as_dict(max_errors=0).items() if k not in ("errors", "warnings")},
    )


def reject_import(db: Database, actor: str, report: ImportReport) -> NoReturn:
    """Record ``report`` as rejected (nothing of the file stored) and raise ``ImportRejected`` with it."""
    report.status = "rejected"
    report.inserted = report.updated = report.unchanged = 0
    with db.transaction() as session:
        record_import(session, actor, report)
    raise ImportRejected(report.message_en(), report.as_dict(), report.errors)
