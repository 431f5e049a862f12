"""Attendance API: the national WorkerAttendance batch, devices and their health, the monthly sheet."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from wageguard.attendance import devices as device_service
from wageguard.attendance import queries
from wageguard.attendance.export import sheet_to_xlsx
from wageguard.attendance.schemas import (
    CommandQueued,
    DeviceAccountIn,
    DeviceIn,
    DeviceOut,
    EnrolmentIn,
    IngestOut,
    Sheet,
    WorkerAttendanceIn,
)
from wageguard.attendance.service import ingest_worker_attendance
from wageguard.attendance.store import IngestOptions
from wageguard.auth.models import User
from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.events import announce_import
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.timezones import as_utc
from wageguard.validation.schema import schema_rejected
from wageguard.web.deps import (
    current_principal,
    get_database,
    get_protector,
    get_session,
    get_settings_dep,
    require_roles,
)
from wageguard.web.iclock import ingest_options

router = APIRouter(tags=["attendance"])
Caller = Annotated[Principal, Depends(current_principal)]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
Uploader = Annotated[Principal, Depends(require_roles(Role.ENTERPRISE, Role.DEVICE))]
DbSession = Annotated[Session, Depends(get_session)]
Db = Annotated[Database, Depends(get_database)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
MONTH = Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
}


async def attendance_batch_body(request: Request) -> WorkerAttendanceIn:
    """The body parsed and validated in one pass by pydantic-core (faster than decode-then-validate)."""
    try:
        return WorkerAttendanceIn.model_validate_json(await request.body())
    except PydanticValidationError as exc:
        raise schema_rejected(exc, what_zh="考勤数据", what_en="WorkerAttendance batch") from None


BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": WorkerAttendanceIn.model_json_schema()}},
    }
}


@router.post("/attendance/batch", response_model=IngestOut, openapi_extra=BATCH_BODY)
def post_attendance_batch(
    caller: Uploader,
    batch: Annotated[WorkerAttendanceIn, Depends(attendance_batch_body)],
    db: Db,
    options: Annotated[IngestOptions, Depends(ingest_options)],
    protector: Annotated[Protector, Depends(get_protector)],
) -> dict[str, Any]:
    """Store a national ``WorkerAttendance`` batch (刷卡数据); the reply comes after the commit."""
    with db.transaction() as session:
        result = ingest_worker_attendance(
            session=session, protector=protector, batch=batch, options=options, principal=caller
        )
    announce_import("attendance")
    return result.as_dict()


def _sheet_json(sheet: Sheet) -> dict[str, Any]:
    return {
        "project_code": sheet.project_code,
        "project_name": sheet.project_name,
        "team": sheet.team,
        "month": sheet.month,
        "days": list(range(1, sheet.day_count + 1)),
        "rows": [
            {
                "worker_id": r.worker_id,
                "name": r.name,
                "id_masked": r.id_masked,
                "team": r.team,
                "work_type": r.work_type,
                "minutes": {str(d): m for d, m in sorted(r.minutes_by_day.items())},
                "days": r.days,
                "total_minutes": r.minutes,
            }
            for r in sheet.rows
        ],
        "attendees_per_day": {str(d): n for d, n in sorted(sheet.days_per_day.items())},
        "total_days": sheet.total_days,
        "total_minutes": sheet.total_minutes,
    }


@router.get("/attendance/sheet")
def get_sheet(
    caller: Caller, session: DbSession, project: str, month: str = MONTH, team: str | None = None
) -> dict[str, Any]:
    """The monthly attendance sheet (月考勤表) as a worker × day grid of minutes on site."""
    sheet = queries.monthly_sheet(
        session, project_code=project, month=month, team_sys_no=team, principal=caller
    )
    return _sheet_json(sheet)


@router.get("/attendance/sheet.xlsx", responses=XLSX_DOC)
def get_sheet_xlsx(
    caller: Caller, session: DbSession, project: str, month: str = MONTH, team: str | None = None
) -> Response:
    """The monthly sheet as a printable XLSX."""
    sheet = queries.monthly_sheet(
        session, project_code=project, month=month, team_sys_no=team, principal=caller
    )
    name = f"attendance-{project}-{month}{'-' + team if team else ''}.xlsx"
    return Response(
        sheet_to_xlsx(sheet),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/attendance/unmatched")
def get_unmatched(caller: Caller, session: DbSession, month: str = MONTH) -> list[dict[str, Any]]:
    """Punches not matched to a roster worker, per project and kind (rule W13's input)."""
    return [s.__dict__ for s in queries.unmatched_punches(session, month=month, principal=caller)]


def _device_out(session: Session, serial: str) -> DeviceOut:
    health = {h.serial: h for h in queries.device_health(session, as_of=utcnow(), silent_hours=10**6)}
    h = health[serial]
    device = device_service.device_by_serial(session, serial)
    account = session.get(User, device.account_user_id) if device.account_user_id is not None else None
    return DeviceOut(
        id=device.id,
        vendor=device.vendor,
        serial=device.serial,
        project_code=h.project_code,
        gate=device.gate,
        default_direction=device.default_direction,
        tz=device.tz,
        active=device.active,
        last_seen_at=device.last_seen_at,
        last_punch_at=device.last_punch_at,
        account=account.username if account is not None else None,
    )


@router.post("/devices", response_model=DeviceOut, status_code=201)
def post_device(data: DeviceIn, caller: Admin, db: Db) -> DeviceOut:
    """Register a gate device on a project."""
    with db.transaction() as session:
        device_service.register_device(session=session, principal=caller, data=data)
    with db.sessions() as session:
        return _device_out(session, data.serial)


@router.put("/devices/{serial}/account", response_model=DeviceOut)
def put_device_account(serial: str, data: DeviceAccountIn, caller: Admin, db: Db) -> DeviceOut:
    """Link the gate to the device account that posts its project's WorkerAttendance batches."""
    with db.transaction() as session:
        device_service.assign_device_account(
            session=session, principal=caller, serial=serial, account=data.account
        )
    with db.sessions() as session:
        return _device_out(session, serial)


@router.get("/devices")
def get_devices(
    caller: Caller, session: DbSession, settings: AppSettings, silent_only: bool = False
) -> list[dict[str, Any]]:
    """Devices with last contact and silence (rule W16's input), scoped to the caller."""
    health = queries.device_health(
        session, as_of=utcnow(), silent_hours=settings.device_silent_hours, principal=caller
    )
    return [
        {**h.__dict__, "last_seen_at": as_utc(h.last_seen_at), "last_punch_at": as_utc(h.last_punch_at)}
        for h in health
        if h.silent or not silent_only
    ]


@router.post("/devices/{serial}/enrolments", status_code=201)
def post_enrolment(serial: str, data: EnrolmentIn, caller: Admin, db: Db) -> dict[str, Any]:
    """Enrol a worker of the device's project under a PIN / employee number."""
    with db.transaction() as session:
        e = device_service.enrol_worker(
            session=session, principal=caller, serial=serial, worker_id=data.worker_id, pin=data.pin
        )
        return {"device_id": e.device_id, "pin": e.pin, "worker_id": e.worker_id}


@router.post("/devices/{serial}/roster", response_model=CommandQueued)
def post_roster(serial: str, caller: Admin, db: Db) -> CommandQueued:
    """Enrol the project's registered workers and queue ``DATA UPDATE USERINFO`` for the gate."""
    with db.transaction() as session:
        return CommandQueued(
            queued=device_service.push_roster(session=session, principal=caller, serial=serial)
        )


class PeriodIn(BaseModel):
    start: datetime
    end: datetime


@router.post("/devices/{serial}/attlog-query", response_model=CommandQueued)
def post_attlog_query(serial: str, period: PeriodIn, caller: Admin, db: Db) -> CommandQueued:
    """Queue ``DATA QUERY ATTLOG`` so the gate uploads a period's punches again."""
    with db.transaction() as session:
        device_service.request_missed_punches(
            session=session, principal=caller, serial=serial, start=period.start, end=period.end
        )
    return CommandQueued(queued=1)
