"""Writing audit entries (in the caller's transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from wageguard.audit.models import AuditEntry


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry; it commits or rolls back with the caller's unit of work."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            detail=detail,
        )
    )
