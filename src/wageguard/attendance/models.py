"""Tables of the attendance slice.

``punches`` is append-only with the natural key (source, person_key, punched_at): ``source`` is the device
serial (or ``batch:<projectCode>`` for the national batch), ``person_key`` the device PIN / employee number
(or ``id:<blind index>``), ``punched_at`` the UTC instant. ``worker_days`` and ``worker_months`` are derived
at ingest from newly inserted punches only, so a resent punch never counts twice; so is ``gate_days``
(punches per gate and work day, for rule W16).
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
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Device(Base):
    """A gate device registered to a project: vendor, serial number, gate, zone, shared secret and the
    device account that speaks for it."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor: Mapped[str] = mapped_column(String(16))
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    gate: Mapped[str] = mapped_column(String(64), default="")
    default_direction: Mapped[str] = mapped_column(String(2), default="01")
    tz: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    secret_hash: Mapped[str] = mapped_column(String(64))
    ip_allow: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_ip: Mapped[str | None] = mapped_column(String(64))
    last_punch_at: Mapped[datetime | None] = mapped_column(DateTime)
    att_stamp: Mapped[int] = mapped_column(BigInteger, default=0)
    op_stamp: Mapped[int] = mapped_column(BigInteger, default=0)
    last_serial_no: Mapped[int | None] = mapped_column(BigInteger)
    # The device account (users.role = device) that may post WorkerAttendance batches for this project.
    account_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DeviceEnrolment(Base):
    """A worker enrolled on a device under the device's PIN / employee number."""

    __tablename__ = "device_enrolments"
    __table_args__ = (
        UniqueConstraint("device_id", "pin"),
        UniqueConstraint("device_id", "worker_id"),
        Index("ix_device_enrolments_worker", "worker_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    pin: Mapped[str] = mapped_column(String(32))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DeviceCommand(Base):
    """A command queued for a ZKTeco device (``C:<id>:<command>``) and its result code."""

    __tablename__ = "device_commands"
    __table_args__ = (Index("ix_device_commands_device_status", "device_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    command: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    return_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class DeviceRejection(Base):
    """A device request refused (unknown serial, bad key, malformed body): the log of what was not stored."""

    __tablename__ = "device_rejections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    serial: Mapped[str] = mapped_column(String(64))
    remote_ip: Mapped[str | None] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))


class SerialGap(Base):
    """Hikvision events lost in transit: serial numbers after ``after_serial`` up to ``before_serial``."""

    __tablename__ = "serial_gaps"
    __table_args__ = (UniqueConstraint("device_id", "after_serial"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    after_serial: Mapped[int] = mapped_column(BigInteger)
    before_serial: Mapped[int] = mapped_column(BigInteger)
    missing: Mapped[int] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Punch(Base):
    """One gate passage, kept for ever (append-only); local time with its zone, and UTC."""

    __tablename__ = "punches"
    __table_args__ = (
        UniqueConstraint("source", "person_key", "punched_at"),
        Index("ix_punches_project_date", "project_id", "work_date"),
        # Rule W13 reads a month's punches by unknown persons: a small partial index (migration 0002b).
        Index(
            "ix_punches_unknown_date",
            "work_date",
            "project_id",
            "kind",
            sqlite_where=text("kind <> 'worker'"),
            postgresql_where=text("kind <> 'worker'"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    person_key: Mapped[str] = mapped_column(String(64))
    punched_at: Mapped[datetime] = mapped_column(DateTime)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[str] = mapped_column(String(16))
    flag: Mapped[str] = mapped_column(String(8), default="")
    local_time: Mapped[datetime] = mapped_column(DateTime)
    tz: Mapped[str] = mapped_column(String(64))
    work_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[str | None] = mapped_column(String(2))
    attend_type: Mapped[str | None] = mapped_column(String(3))
    channel: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class WorkerDay(Base):
    """A worker's day on a project: first in, last out (UTC), minutes on site, punch count."""

    __tablename__ = "worker_days"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    work_date: Mapped[date] = mapped_column(Date, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    first_in: Mapped[datetime] = mapped_column(DateTime)
    last_out: Mapped[datetime] = mapped_column(DateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    punch_count: Mapped[int] = mapped_column(Integer)


class GateDay(Base):
    """Punches stored per gate and work day (clock-skew flagged ones excluded), kept at ingest: ``source``
    is the device serial or ``batch:<projectCode>``, ``channel`` the gate the punches name ('' when none).
    Rule W16 judges gates by these days."""

    __tablename__ = "gate_days"
    __table_args__ = (  # covering: the engine reads a date range over every gate (migration 0002d)
        Index("ix_gate_days_work_date", "work_date", "project_id", "source", "channel", "punches"),
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    work_date: Mapped[date] = mapped_column(Date, primary_key=True)
    punches: Mapped[int] = mapped_column(Integer)


class WorkerMonth(Base):
    """A worker's month on a project: attended days and minutes (the engine's attendance fact)."""

    __tablename__ = "worker_months"
    __table_args__ = (Index("ix_worker_months_month_region", "month", "region_code"),)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    days: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
