"""Hikvision ISAPI event receiver: ``POST /isapi/event?SN=<serial>&key=<secret>``.

The terminal is armed (``httpHosts``) with this URL. The body is ``multipart/form-data`` with the JSON in the
``event_log`` field (a picture part may follow; it is not stored) or plain JSON (a UTF-8 BOM is stripped).
A body that is not UTF-8 JSON (or nested too deep) is answered 400 before authentication; a body over its cap
(``EVENT_MAX_BYTES`` for a JSON event, ``BODY_MAX_BYTES`` for a multipart one with its pictures) is
answered 413 as soon as the declared ``Content-Length`` or the bytes counted while it streams in (a chunked
body has no length: ``web/uploads.BodyLimit`` counts it) pass the cap, before it is read whole, and nothing
of it is kept (the picture parts' temporary files are closed). From an
authenticated terminal every event is acknowledged once it is durable in the intake (see ``web/iclock.py``):
punches are stored by the intake drainer, heartbeats and non-punch events ignored, ``serialNo`` gaps recorded,
and an event that cannot be a punch (a year-1 ``dateTime``) is logged in ``device_rejections``, not resent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from wageguard.attendance.intake import DeviceRecord, IntakeUnavailable, clean
from wageguard.attendance.protocols import hikvision
from wageguard.attendance.schemas import DeviceRef
from wageguard.errors import TooLarge, ValidationFailed
from wageguard.web.iclock import DeviceRefused, _call, _reason, device_call, read_body

router = APIRouter(prefix="/isapi", tags=["devices: Hikvision"], include_in_schema=False)
EVENT_MAX_BYTES = 1024 * 1024  # the event JSON (a real one is about 1 KB)
BODY_MAX_BYTES = 8 * 1024 * 1024  # with the picture parts


def _reply(status: int, text: str, **extra: Any) -> JSONResponse:
    body = {"statusCode": 1 if status == 200 else 4, "statusString": "OK" if status == 200 else text, **extra}
    return JSONResponse(body, status_code=status)


class EventTooLarge(Exception):
    """A body (or its event) over ``limit`` bytes: answered 413, nothing stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit

    @property
    def text(self) -> str:
        return f"请求体超过 {self.limit} 字节，未保存 / body over {self.limit} bytes, nothing stored"


def _declared(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0


async def _event_bytes(request: Request) -> bytes:
    if _declared(request) > BODY_MAX_BYTES:
        raise EventTooLarge(BODY_MAX_BYTES)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raw = await read_body(request, EVENT_MAX_BYTES)
        if raw is None:
            raise EventTooLarge(EVENT_MAX_BYTES)
        return raw
    async with request.form(max_files=4, max_fields=16, max_part_size=EVENT_MAX_BYTES) as form:
        part = form.get("event_log")  # closing the form removes the picture parts' temporary files
        if isinstance(part, UploadFile):
            data = await part.read(EVENT_MAX_BYTES + 1)
            if len(data) > EVENT_MAX_BYTES:
                raise EventTooLarge(EVENT_MAX_BYTES)
            return data
        if isinstance(part, str):
            return part.encode()
    raise ValidationFailed("multipart body has no event_log field", message_zh="缺少 event_log 字段")


@router.post("/event")
async def event(request: Request) -> JSONResponse:
    """One event notification from a terminal."""
    try:
        data = hikvision.load_json(await _event_bytes(request))
    except EventTooLarge as exc:
        return _reply(413, exc.text)
    except TooLarge as exc:  # counted while it streamed in (web/uploads.BodyLimit): the same answer
        return _reply(413, EventTooLarge(exc.limit_bytes).text)
    except ValidationFailed as exc:
        return _reply(400, f"{exc.message_zh} / {exc}")
    call = _call(
        request, "isapi:event", serial=request.query_params.get("SN") or hikvision.device_id_of(data)
    )

    def work(_s: Session, device: DeviceRef, now: datetime) -> tuple[dict[str, Any], DeviceRecord]:
        try:
            parsed = hikvision.parse_event(data, tz=device.tz)
        except ValidationFailed as exc:  # acknowledged and logged: a resend would be just as bad
            reason = clean(_reason(exc), 300)
            event_type = clean(str(data.get("eventType") or "unknown"), 64)
            refusal = DeviceRecord(
                device.id, device.serial, call.endpoint, now, call.ip, rejections=(reason,)
            )
            return {"eventType": event_type, "accepted": 0}, refusal
        punches = (parsed.punch,) if parsed.punch is not None else ()
        record = DeviceRecord(
            device.id, device.serial, call.endpoint, now, call.ip, punches,
            serial_no=parsed.serial_no, current=parsed.current,
        )  # fmt: skip
        return {"eventType": parsed.event_type, "accepted": len(punches)}, record

    try:
        outcome = await run_in_threadpool(device_call, request.app, call, work)
    except DeviceRefused as refused:
        return _reply(refused.status, refused.text)
    except IntakeUnavailable as exc:
        return _reply(503, f"{exc.message_zh} / {exc}")
    return _reply(200, "OK", **outcome)
