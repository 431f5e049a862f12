"""Shapes in and out of the attendance slice (pydantic for the API, dataclasses inside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from wageguard.attendance.choices import Vendor
from wageguard.timezones import UtcInstant


@dataclass(frozen=True, slots=True)
class DevicePunch:
    """A punch as a device reports it: PIN / employee number (``None`` for a stranger) and local time."""

    pin: str | None
    local_time: datetime
    direction: str | None = None
    attend_type: str | None = None
    stranger_ref: str | None = None  # distinguishes stranger events (e.g. Hikvision serialNo)


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """What a device request needs of its device row (read once per request, no ORM object)."""

    id: int
    serial: str
    vendor: str
    project_id: int
    region_code: str
    gate: str
    default_direction: str
    tz: str
    att_stamp: int
    op_stamp: int
    last_serial_no: int | None
    last_seen_at: datetime | None
    last_seen_ip: str | None
    last_punch_at: datetime | None


class DeviceIn(BaseModel):
    """Registration of a gate device."""

    vendor: Vendor
    serial: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    project_code: str = Field(min_length=1, max_length=64)
    gate: str = Field(default="", max_length=64)
    default_direction: str = Field(default="01", pattern=r"^0[12]$")
    tz: str = Field(default="Asia/Shanghai", max_length=64)
    secret: str = Field(min_length=8, max_length=128)
    ip_allow: str | None = Field(default=None, max_length=300)
    account: str | None = Field(
        default=None, max_length=64, description="the device account (username) that speaks for the gate"
    )


class DeviceAccountIn(BaseModel):
    """The device account linked to a gate device (``null`` unlinks it)."""

    account: str | None = Field(default=None, max_length=64)


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    vendor: str
    serial: str
    project_code: str
    gate: str
    default_direction: str
    tz: str
    active: bool
    last_seen_at: UtcInstant | None
    last_punch_at: UtcInstant | None
    account: str | None = None
    silent: bool = False
    serial_gaps: int = 0


class EnrolmentIn(BaseModel):
    pin: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")
    worker_id: int


class AttendanceRecordIn(BaseModel):
    """One ``dataList`` entry of the national ``WorkerAttendance`` object."""

    model_config = ConfigDict(extra="ignore")

    idCardType: str = "01"
    idCardNumber: str = Field(min_length=1, max_length=32)
    date: str = Field(description="yyyy-MM-dd HH:mm:ss, local time")
    direction: str | None = None
    attendType: str | None = None
    image: str | None = Field(default=None, description="snapshot; accepted, not stored")
    channel: str | None = None
    lng: float | None = None
    lat: float | None = None


class WorkerAttendanceIn(BaseModel):
    """The national ``WorkerAttendance`` batch (刷卡数据)."""

    model_config = ConfigDict(extra="ignore")

    projectCode: str = Field(min_length=1, max_length=64)
    teamSysNo: str | None = None
    dataList: list[AttendanceRecordIn]


class IngestOut(BaseModel):
    received: int
    inserted: int
    duplicates: int
    by_kind: dict[str, int]
    flagged: int


class CommandQueued(BaseModel):
    queued: int


@dataclass
class SheetRow:
    """One worker's line of the monthly sheet: minutes per day of month (1-based), totals."""

    worker_id: int
    name: str
    id_masked: str
    team: str
    work_type: str
    minutes_by_day: dict[int, int] = field(default_factory=dict)
    days: int = 0
    minutes: int = 0


@dataclass
class Sheet:
    """The monthly attendance sheet (月考勤表) of a project or one of its teams."""

    project_code: str
    project_name: str
    team: str | None
    month: str
    day_count: int
    rows: list[SheetRow]
    days_per_day: dict[int, int] = field(default_factory=dict)

    @property
    def total_days(self) -> int:
        return sum(r.days for r in self.rows)

    @property
    def total_minutes(self) -> int:
        return sum(r.minutes for r in self.rows)


@dataclass(frozen=True)
class DeviceHealth:
    """Last contact of a device and whether it counts as silent (rule W16)."""

    device_id: int
    serial: str
    vendor: str
    project_id: int
    project_code: str
    region_code: str
    gate: str
    last_seen_at: datetime | None
    last_punch_at: datetime | None
    silent_hours: float | None
    silent: bool
    working_days_silent: int
    serial_gaps: int = 0
    missing_events: int = 0


@dataclass(frozen=True)
class PunchSummary:
    """Punches of a project in a period by kind (feeds rule W13)."""

    project_id: int
    kind: str
    punches: int
    first_date: date
    last_date: date
