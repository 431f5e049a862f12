"""Phones and home addresses of the registry: sealed (AES-GCM + masked form), compared, and migrated.

A phone is stored as ``<prefix>_enc`` (ciphertext of the normalised number) and ``<prefix>_masked``
(``138****5678``); a home address as ``<prefix>_enc`` (the text exactly as written) and ``<prefix>_masked``
(its first 6 characters, then ``****``). Nothing looks a registry phone up, so there is no blind index;
re-imports find out whether a value changed by decrypting the stored one (``Sealer.same``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from wageguard.audit.service import record_audit
from wageguard.db import Database
from wageguard.registry.models import Project, ProjectParticipant, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector, mask_phone, normalise

ADDRESS_HEAD = 6


def mask_address(value: str) -> str:
    """``贵州省铜仁市****``: the first 6 characters (province, city); short addresses keep half."""
    text = value.strip()
    head = ADDRESS_HEAD if len(text) > ADDRESS_HEAD + 2 else len(text) // 2
    return text[:head] + "****"


@dataclass(frozen=True)
class Sealer:
    """How one kind of value (phone or address) is encrypted, masked and compared with a stored one."""

    protector: Protector
    kind: Literal["phone", "address"]

    def seal(self, prefix: str, clear: str) -> dict[str, Any]:
        """The ``<prefix>_enc`` and ``<prefix>_masked`` columns for ``clear``."""
        if self.kind == "phone":
            return {f"{prefix}_enc": self.protector.encrypt(clear), f"{prefix}_masked": mask_phone(clear)}
        return {f"{prefix}_enc": self.protector.encrypt_text(clear), f"{prefix}_masked": mask_address(clear)}

    def same(self, stored: bytes | None, clear: str) -> bool:
        """Whether ``stored`` (a ciphertext or ``None``) holds ``clear``."""
        if not stored:
            return False
        if self.kind == "phone":
            return self.protector.decrypt(stored) == normalise(clear)
        return self.protector.decrypt_text(stored) == clear

    def open(self, stored: bytes | None) -> str | None:
        """The clear value of a stored ciphertext (for the audited reveal and the notice board only)."""
        if not stored:
            return None
        return self.protector.decrypt(stored) if self.kind == "phone" else self.protector.decrypt_text(stored)


def sealers(protector: Protector) -> tuple[Sealer, Sealer]:
    """The phone and the address sealer of ``protector``."""
    return Sealer(protector, "phone"), Sealer(protector, "address")


# ---------------------------------------------------------------- clear values from before revision 0001b


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


# Project, participant and team phones: (table, clear column, which is also the encrypted columns' prefix)
_LEGACY_PHONES: tuple[tuple[Table, str], ...] = (
    (_table(Project), "link_phone"),
    (_table(Project), "labour_officer_phone"),
    (_table(ProjectParticipant), "pm_phone"),
    (_table(Team), "leader_phone"),
)


def encrypt_personal_data(
    *, db: Database, protector: Protector, actor: str = "system", batch: int = 5000
) -> dict[str, int]:
    """Encrypt every clear phone and address left from before revision 0001b, then empty the clear column.

    Project, participant and team phones move into their own ``*_enc``/``*_masked`` columns; a worker's
    phone and address move onto each of their engagements that has none recorded yet (an engagement's own
    value wins). One transaction, audited (action ``encrypt_personal_data``); idempotent: a second run
    finds nothing. Returns how many clear values were moved, by ``table.column`` (never the values).
    """
    with db.transaction() as session:
        moved = _encrypt_all(session.connection(), protector, batch)
        record_audit(
            session, actor=actor, action="encrypt_personal_data", subject_type="registry", detail=moved
        )
    return moved


def _encrypt_all(conn: Connection, protector: Protector, batch: int) -> dict[str, int]:
    moved: dict[str, int] = {}
    phone, address = sealers(protector)
    for table, column in _LEGACY_PHONES:
        moved[f"{table.name}.{column}"] = _move_own(conn, table, column, phone, batch)
    moved["workers.phone"] = _move_to_engagements(conn, "phone", phone, batch)
    moved["workers.address"] = _move_to_engagements(conn, "address", address, batch)
    return moved


def _move_own(conn: Connection, table: Table, column: str, sealer: Sealer, batch: int) -> int:
    """The clear ``column`` becomes ``<column>_enc`` and ``<column>_masked`` of the same row."""
    clear_col = table.c[column]
    count = 0
    while rows := conn.execute(
        select(table.c.id, clear_col).where(clear_col.is_not(None)).order_by(table.c.id).limit(batch)
    ).all():
        for row_id, clear in rows:
            values: dict[str, Any] = {column: None}
            if clear.strip():
                values.update(sealer.seal(column, clear.strip()))
            conn.execute(update(table).where(table.c.id == row_id).values(values))
        count += len(rows)
    return count


def _move_to_engagements(conn: Connection, column: str, sealer: Sealer, batch: int) -> int:
    """A worker's clear ``column`` goes onto each of their engagements that records none yet."""
    workers, engagements = _table(Worker), _table(ProjectWorker)
    clear_col = workers.c[column]
    count = 0
    while rows := conn.execute(
        select(workers.c.id, clear_col).where(clear_col.is_not(None)).order_by(workers.c.id).limit(batch)
    ).all():
        for worker_id, clear in rows:
            if clear.strip():
                conn.execute(
                    update(engagements)
                    .where(engagements.c.worker_id == worker_id, engagements.c[f"{column}_enc"].is_(None))
                    .values(sealer.seal(column, clear.strip()))
                )
            conn.execute(update(workers).where(workers.c.id == worker_id).values({column: None}))
        count += len(rows)
    return count
