"""Hikvision ISAPI event receiver: ``POST /isapi/event?SN=<serial>&key=<secret>``.

The terminal is armed (``httpHosts``) with this URL. The body is ``multipart/form-data`` with the JSON in the
``event_log`` field (a picture part may follow; it is not stored) or plain JSON (a UTF-8 BOM is stripped).
Heartbeats and non-punch events are acknowledged and ignored; ``serialNo`` gaps are recorded.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from wageguard.attendance import devices as device_service
from wageguard.attendance.protocols import hikvision
from wageguard.attendance.schemas import DeviceRef
from wageguard.attendance.service import ingest_device_punches
from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.web.iclock import DeviceRefused, _ip, device_call, ingest_options

router = APIRouter(prefix="/isapi", tags=["devices: Hikvision"], include_in_schema=False)


def _reply(status: int, text: str, **extra: Any) -> JSONResponse:
    body = {"statusCode": 1 if status == 200 else 4, "statusString": "OK" if status == 200 else text, **extra}
    return JSONResponse(body, status_code=status)


async def _event_bytes(request: Request) -> bytes:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.body()
    async with request.form() as form:  # closes the picture parts' temporary files
        part = form.get("event_log")
        if isinstance(part, UploadFile):
            return await part.read()
        if isinstance(part, str):
            return part.encode()
    raise ValidationFailed("multipart body has no event_log field", message_zh="缺少 event_log 字段")


@router.post("/event")
async def event(request: Request) -> JSONResponse:
    """One event notification from a terminal."""
    options = ingest_options(request)
    try:
        data = hikvision.load_json(await _event_bytes(request))
    except ValidationFailed as exc:
        return _reply(400, f"{exc.message_zh} / {exc}")
    serial = request.query_params.get("SN") or hikvision.device_id_of(data)

    def work(session: Session, device: DeviceRef) -> dict[str, Any]:
        parsed = hikvision.parse_event(data, tz=device.tz)
        missing = device_service.note_serial(
            session=session, device=device, serial_no=parsed.serial_no, current=parsed.current
        )
        stored = 0
        if parsed.punch is not None:
            result = ingest_device_punches(
                session=session, device=device, punches=[parsed.punch], options=options
            )
            stored = result.inserted
        return {"eventType": parsed.event_type, "stored": stored, "missing": missing}

    db: Database = request.app.state.db
    call = partial(
        device_call, db, serial=serial, key=request.query_params.get("key"), ip=_ip(request),
        endpoint="isapi:event", work=work,
    )  # fmt: skip
    try:  # one event: inline on SQLite, like small ATTLOG posts (see iclock.run_device_call)
        outcome = call() if db.is_sqlite else await run_in_threadpool(call)
    except DeviceRefused as refused:
        return _reply(refused.status, refused.text)
    return _reply(200, "OK", **outcome)
