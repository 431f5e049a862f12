"""Use cases that ingest punches: the national ``WorkerAttendance`` batch and device punches.

Each resolves who punched (ID number → worker by blind index and roster; device PIN → enrolment), then hands
the batch to ``store.store_punches`` in the caller's one transaction: acknowledged means committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from wageguard.attendance.choices import ATTEND_TYPE, DIRECTION, PunchKind
from wageguard.attendance.devices import touch_device
from wageguard.attendance.models import DeviceEnrolment
from wageguard.attendance.schemas import DevicePunch, DeviceRef, WorkerAttendanceIn
from wageguard.attendance.store import (
    MAX_YEAR,
    MIN_YEAR,
    IngestOptions,
    PunchIn,
    StoreResult,
    parse_local_time,
    store_punches,
)
from wageguard.auth.policy import check_punch_write
from wageguard.auth.scope import Principal
from wageguard.errors import NotFound, Problem, ValidationFailed
from wageguard.registry.models import Project, ProjectWorker, Team, Worker
from wageguard.security.crypto import Protector

T = TypeVar("T")
CHANNEL_RE = re.compile(r"[^\x00-\x1f\x7f]{0,64}")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
CHUNK = 2000


def _problem(row: int, field: str, value: object, zh: str, en: str) -> Problem:
    return Problem(
        field=field, code="attendance_invalid", message_zh=zh, message_en=en, row=row, value=str(value)[:64]
    )


def _project_for(session: Session, code: str, principal: Principal) -> Project:
    """The batch's project, if the write policy lets ``principal`` post its punches."""
    project = session.scalar(select(Project).where(Project.project_code == code))
    if project is None:
        raise NotFound(f"project {code} not found", message_zh=f"未找到项目 {code}")
    check_punch_write(session, principal, project)
    return project


def _parse_records(batch: WorkerAttendanceIn, max_rows: int) -> list[datetime]:
    """Local times of the batch's records; every bad field is reported with its row (1-based)."""
    if len(batch.dataList) > max_rows:
        raise ValidationFailed(f"batch too large: {len(batch.dataList)} > {max_rows}", message_zh="批次过大")
    times: list[datetime] = []
    problems: list[Problem] = []
    for row, rec in enumerate(batch.dataList, start=1):
        try:
            times.append(parse_local_time(rec.date))
        except ValueError:
            problems.append(
                _problem(
                    row,
                    "date",
                    rec.date,
                    f"时间应为 yyyy-MM-dd HH:mm:ss（{MIN_YEAR}–{MAX_YEAR} 年）",
                    f"date must be yyyy-MM-dd HH:mm:ss ({MIN_YEAR}-{MAX_YEAR})",
                )
            )
        if rec.direction is not None and rec.direction not in DIRECTION:
            problems.append(
                _problem(row, "direction", rec.direction, "方向应为 01 或 02", "direction must be 01 or 02")
            )
        if rec.attendType is not None and rec.attendType not in ATTEND_TYPE:
            problems.append(
                _problem(row, "attendType", rec.attendType, "考勤方式代码无效", "unknown attendType code")
            )
        if not rec.idCardNumber.strip():
            problems.append(_problem(row, "idCardNumber", "", "证件号为空", "idCardNumber is empty"))
        if rec.channel is not None and not CHANNEL_RE.fullmatch(rec.channel):
            problems.append(
                _problem(
                    row, "channel", rec.channel, "通道名过长或含控制字符", "channel is too long or not text"
                )
            )
    if problems:
        raise ValidationFailed(
            "attendance batch rejected", problems, message_zh="考勤数据有误，未保存任何记录"
        )
    return times


def _chunks(values: Sequence[T]) -> Iterable[list[T]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _workers_by_bidx(session: Session, bidxs: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _chunks(bidxs):
        for wid, bidx in session.execute(select(Worker.id, Worker.id_bidx).where(Worker.id_bidx.in_(part))):
            found[bidx] = wid
    return found


def _on_roster(session: Session, project_id: int, worker_ids: Sequence[int]) -> set[int]:
    roster: set[int] = set()
    for part in _chunks(worker_ids):
        q = select(ProjectWorker.worker_id).where(
            ProjectWorker.project_id == project_id, ProjectWorker.worker_id.in_(part)
        )
        roster.update(session.scalars(q))
    return roster


def _check_team(session: Session, project: Project, team_sys_no: str | None) -> None:
    if not team_sys_no:
        return
    team = session.scalar(select(Team.project_id).where(Team.team_sys_no == team_sys_no))
    if team != project.id:
        problem = _problem(0, "teamSysNo", team_sys_no, "班组不属于该项目", "team is not on this project")
        raise ValidationFailed("unknown team", [problem], message_zh="班组编号无效")


def ingest_worker_attendance(
    *,
    session: Session,
    protector: Protector,
    batch: WorkerAttendanceIn,
    options: IngestOptions,
    principal: Principal,
    now: datetime | None = None,
) -> StoreResult:
    """Store a national ``WorkerAttendance`` batch: all of it or, on any bad row, nothing; only for a
    project ``principal`` may post punches for (a device account: one its devices serve)."""
    times = _parse_records(batch, options.batch_max)
    project = _project_for(session, batch.projectCode, principal)
    _check_team(session, project, batch.teamSysNo)
    bidx_of: dict[str, str] = {}
    for rec in batch.dataList:
        if rec.idCardNumber not in bidx_of:
            bidx_of[rec.idCardNumber] = protector.blind_index(rec.idCardNumber)
    workers = _workers_by_bidx(session, sorted(set(bidx_of.values())))
    roster = _on_roster(session, project.id, sorted(set(workers.values())))
    source = f"batch:{project.project_code}"
    punches = []
    for rec, local in zip(batch.dataList, times, strict=True):
        bidx = bidx_of[rec.idCardNumber]
        wid = workers.get(bidx)
        kind = (
            PunchKind.UNKNOWN_ID
            if wid is None
            else PunchKind.WORKER
            if wid in roster
            else PunchKind.NOT_ON_PROJECT
        )
        punches.append(
            PunchIn(
                source=source,
                person_key=f"id:{bidx}",
                local_time=local,
                project_id=project.id,
                region_code=project.region_code,
                kind=kind.value,
                worker_id=wid,
                tz=options.default_tz,
                direction=rec.direction,
                attend_type=rec.attendType,
                channel=rec.channel,
            )
        )
    return store_punches(session, punches, options=options, now=now)


ENROLLED = select(DeviceEnrolment.pin, DeviceEnrolment.worker_id).where(
    DeviceEnrolment.device_id == bindparam("device_id"),
    DeviceEnrolment.pin.in_(bindparam("pins", expanding=True)),
)


def _enrolled(session: Session, device_id: int, pins: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in _chunks(pins):
        found.update(
            {
                pin: wid
                for pin, wid in session.connection().execute(ENROLLED, {"device_id": device_id, "pins": part})
            }
        )
    return found


def ingest_device_punches(
    *,
    session: Session,
    device: DeviceRef,
    punches: Sequence[DevicePunch],
    options: IngestOptions,
    stamp: int | None = None,
    now: datetime | None = None,
) -> StoreResult:
    """Store punches a device reported and note the contact; unknown PINs and strangers are kept, flagged
    by kind."""
    result = store_device_punches(session=session, device=device, punches=punches, options=options, now=now)
    stamps: dict[str, object] = {"att_stamp": stamp} if stamp is not None and stamp > device.att_stamp else {}
    touch_device(session, device, punched=bool(punches), values=stamps, now=now)
    return result


def store_device_punches(
    *,
    session: Session,
    device: DeviceRef,
    punches: Sequence[DevicePunch],
    options: IngestOptions,
    now: datetime | None = None,
) -> StoreResult:
    """The punches of a device call in the punch store (the device row is left to the caller)."""
    if len(punches) > options.batch_max:
        raise ValidationFailed(f"too many punches: {len(punches)}", message_zh="单次上传的打卡过多")
    rows = device_punch_rows(session, device, [(p, None) for p in punches])
    return store_punches(session, rows, options=options, now=now)


def device_punch_rows(
    session: Session, device: DeviceRef, punches: Sequence[tuple[DevicePunch, datetime | None]]
) -> list[PunchIn]:
    """Punches a device reported (each with the UTC time it was received, ``None``: now), resolved to the
    store's rows: enrolled PIN → worker; unknown PINs and strangers kept, flagged by kind."""
    pins = sorted({p.pin for p, _ in punches if p.pin is not None})
    enrolled = _enrolled(session, device.id, pins) if pins else {}
    serial, project_id, region, device_id, tz = (
        device.serial,
        device.project_id,
        device.region_code,
        device.id,
        device.tz,
    )
    default_direction, channel = device.default_direction, device.gate or None
    worker, unknown, stranger = PunchKind.WORKER.value, PunchKind.UNKNOWN_PIN.value, PunchKind.STRANGER.value
    rows = []
    for p, received_at in punches:
        wid = enrolled.get(p.pin) if p.pin is not None else None
        if p.pin is None:
            kind, key = stranger, f"stranger:{p.stranger_ref or p.local_time.isoformat()}"
        else:
            kind, key = (worker if wid is not None else unknown), p.pin
        rows.append(
            PunchIn(
                serial,
                key,
                p.local_time,
                project_id,
                region,
                kind,
                wid,
                device_id,
                tz,
                p.direction or default_direction,
                p.attend_type,
                channel,
                received_at,
            )
        )
    return rows
