"""Reads of import batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.ingest.models import ImportBatch
from wageguard.timezones import as_utc


def list_batches(
    *, session: Session, principal: Principal, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Import batches, newest first: admins see all, everyone else only their own."""
    stmt = select(ImportBatch)
    if not principal.is_admin:
        stmt = stmt.where(ImportBatch.actor == principal.username)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    batches = session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(limit).offset(offset)).all()
    items = [
        {
            "id": b.id,
            "object": b.object_name,
            "filename": b.filename,
            "format": b.file_format,
            "sha256": b.sha256,
            "actor": b.actor,
            "status": b.status,
            "rows": b.rows,
            "inserted": b.inserted,
            "updated": b.updated,
            "unchanged": b.unchanged,
            "error_count": b.error_count,
            "started_at": _utc_text(b.started_at),
            "finished_at": _utc_text(b.finished_at),
        }
        for b in batches
    ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _utc_text(value: datetime | None) -> str | None:
    """An instant as ISO 8601 with its zone (stored naive UTC → ``+00:00``)."""
    aware = as_utc(value)
    return aware.isoformat() if aware is not None else None
