"""Tables of the monitoring slice: alerts and their history, engine runs, regional thresholds, outbox.

No foreign keys point into other slices' tables (project, worker, user ids are plain integers), so this
slice's migration stands on its own branch.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow


class Alert(Base):
    """One alert per (rule, subject, period); rerunning the engine updates it, never duplicates it."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule_code", "subject_key", "period"),
        Index("ix_alerts_region_status", "region_code", "status"),
        Index("ix_alerts_project", "project_id"),
        Index("ix_alerts_rule_period", "rule_code", "period"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(4))
    level: Mapped[str] = mapped_column(String(8))
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    subject_key: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(7), default="")
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    worker_id: Mapped[int | None] = mapped_column(BigInteger)
    region_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16), default="open")
    still_holds: Mapped[bool] = mapped_column(Boolean, default=True)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    workers: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence_hash: Mapped[str] = mapped_column(String(32))
    referral_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_on: Mapped[date] = mapped_column(Date)
    last_changed_on: Mapped[date] = mapped_column(Date)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    assignee_user_id: Mapped[int | None] = mapped_column(Integer)
    assignee_name: Mapped[str | None] = mapped_column(String(64))
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AlertWorker(Base):
    """One worker's line of a grouped alert: a worker-level finding of the alert's rule, project and month.

    The alert carries the head-count and total; each line carries the worker's figures (days, declared,
    paid, amount) and the rule's evidence for that worker. Names and masked ID numbers are read from the
    registry when shown, not copied here."""

    __tablename__ = "alert_workers"
    __table_args__ = (
        UniqueConstraint("alert_id", "worker_id"),
        Index("ix_alert_workers_worker", "worker_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    worker_id: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    rule_code: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(7), default="")
    level: Mapped[str] = mapped_column(String(8))
    days: Mapped[int | None] = mapped_column(Integer)
    declared_fen: Mapped[int | None] = mapped_column(BigInteger)
    paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)


class AlertEvent(Base):
    """One step in an alert's history: raised, updated, cleared by data, acknowledged, resolved…"""

    __tablename__ = "alert_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    as_of: Mapped[date | None] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AlertAttachment(Base):
    """A file an enterprise attached to its answer to an alert (e.g. the bank receipt of a payment): PDF, JPEG
    or PNG as told by its first bytes, size-capped, stored encrypted (a receipt shows account numbers), with
    ``sha256`` of the clear file checked on decryption. ``filename`` is the sanitised upload name, shown
    only; the file is served under ``content_type`` as sniffed, never as the uploader said."""

    __tablename__ = "alert_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("alert_events.id"), index=True)
    filename: Mapped[str] = mapped_column(String(160))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data_enc: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MonitorRun(Base):
    """One run of the engine: when, as of which date, which months, and what it found per rule."""

    __tablename__ = "monitor_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    months: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    facts_rows: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    raised: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    cleared: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    projects: Mapped[int | None] = mapped_column(Integer)  # an incremental run's projects; None: full run


class MonitorThreshold(Base):
    """A regional override of one rule threshold (county beats prefecture beats province beats default)."""

    __tablename__ = "monitor_thresholds"
    __table_args__ = (UniqueConstraint("region_code", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    key: Mapped[str] = mapped_column(String(48))
    value: Mapped[str] = mapped_column(String(48))
    note: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class NotificationOutbox(Base):
    """A message waiting to be (or already) delivered through the configured ``Notifier``."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    region_code: Mapped[str] = mapped_column(String(6))
    run_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    alert_ids: Mapped[list[int] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)


class FactChange(Base):
    """The fact journal: a (table, period, project) whose rows changed, written by the database's triggers
    (migration 0004d) in the writing transaction; consumed by the engine (``journal.py``)."""

    __tablename__ = "fact_changes"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    tbl: Mapped[str] = mapped_column(String(40))
    period: Mapped[str | None] = mapped_column(String(7))
    project_id: Mapped[int | None] = mapped_column(Integer)


class FactMirror(Base):
    """A built (mirror, period) of the columnar fact mirror (``mirror.py``); absent: not built."""

    __tablename__ = "fact_mirrors"
    mirror: Mapped[str] = mapped_column(String(20), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)


class FactSegment(Base):
    """One bucket of projects of a mirrored (table, period): its rows as an Arrow IPC stream."""

    __tablename__ = "fact_segments"
    mirror: Mapped[str] = mapped_column(String(20), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
