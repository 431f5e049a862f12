"""Tables of the complaint channel.

A complaint *is* its case: one ``complaints`` row carries what the worker filed and where the case stands;
``complaint_events`` logs every step (who, when, from which state to which); ``complaint_photos`` holds the
uploaded pictures; ``calendar_overrides`` (created by this slice's migration) is modelled in
``wageguard.calendar_models``.
Personal numbers (ID, bank card, phone) are stored as ``*_enc`` + ``*_bidx`` + ``*_masked``, never in clear;
the worker's own words (``description_enc``) and the photos (``data_enc``) are AES-GCM ciphertext too.
Columns named ``legacy_*`` hold clear values written before migration 0005b; nothing reads them except
``wageguard complaints encrypt-personal-data``, which encrypts them into the new columns and empties them
(docs/security.md). New rows store ``""`` / ``b""`` there.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow


class Complaint(Base):
    """A worker's complaint about unpaid wages and the case it became."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_project_received", "project_id", "received_at"),
        Index("ix_complaints_region_state", "region_code", "state"),
        Index("ix_complaints_phone_received", "phone_bidx", "received_at"),
        Index("ix_complaints_received_region", "received_date", "region_code"),  # the screen (0005d)
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    idem_token: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16), default="web")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("regions.code"))
    name: Mapped[str] = mapped_column(String(64))
    id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_bidx: Mapped[str] = mapped_column(String(32), index=True)
    id_masked: Mapped[str] = mapped_column(String(32))
    phone_enc: Mapped[bytes] = mapped_column(LargeBinary)
    phone_bidx: Mapped[str] = mapped_column(String(32))
    phone_masked: Mapped[str] = mapped_column(String(16))
    card_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    card_bidx: Mapped[str | None] = mapped_column(String(32))
    card_masked: Mapped[str | None] = mapped_column(String(32))
    employer: Mapped[str] = mapped_column(String(200))
    work_start: Mapped[date] = mapped_column(Date)
    work_end: Mapped[date | None] = mapped_column(Date)
    months_owed: Mapped[int] = mapped_column(Integer)
    amount_owed_fen: Mapped[int] = mapped_column(BigInteger)
    workers_affected: Mapped[int] = mapped_column(Integer)
    description_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # None: a pre-0005b row, not yet moved
    legacy_description: Mapped[str] = mapped_column("description", Text, default="", deferred=True)
    state: Mapped[str] = mapped_column(String(16), default="received")
    outcome: Mapped[str | None] = mapped_column(String(32))
    not_accepted_reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    received_date: Mapped[date] = mapped_column(Date)
    accept_due: Mapped[date] = mapped_column(Date)
    accepted_date: Mapped[date | None] = mapped_column(Date)
    finish_due: Mapped[date | None] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_date: Mapped[date | None] = mapped_column(Date)
    closed_date: Mapped[date | None] = mapped_column(Date)
    assignee_user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # users.id (0005c)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ComplaintPhoto(Base):
    """A photo attached to a complaint (JPEG or PNG, size-limited), stored encrypted; ``sha256`` is of the
    clear image (integrity check on decryption)."""

    __tablename__ = "complaint_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # None: a pre-0005b row, not yet moved
    legacy_data: Mapped[bytes] = mapped_column("data", LargeBinary, default=b"", deferred=True)


class ComplaintEvent(Base):
    """One step of a case: who did what, when, and the state before and after."""

    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
