"""ZKTeco PUSH / ADMS receiver: ``/iclock/cdata``, ``/iclock/registry``, ``/iclock/push``,
``/iclock/getrequest``, ``/iclock/devicecmd``, ``/iclock/ping``.

Devices speak plain text. Every call authenticates the device first (serial + key or IP allow-list, a read:
see ``attendance/devices.py``); a refused call is answered 401/403 and logged in ``device_rejections``. What
an accepted call brings — punches, stamps, command results, contact — is appended to the durable intake
(``attendance/intake.py``) and ``OK: n`` is sent once it is on disk; the intake drainer stores it. No call
waits for the database's write lock, and all database work runs in the thread pool, never on the event loop.
A malformed line is acknowledged and logged while the good lines of the same post are kept (a terminal resends
whatever is not acknowledged, for ever); only a body that cannot be an upload at all — over
``BODY_MAX_BYTES`` or more lines than ``attendance_batch_max`` — is refused (413 / 400).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from wageguard.attendance import devices as device_service
from wageguard.attendance.choices import CommandStatus
from wageguard.attendance.intake import DeviceRecord, Intake, IntakeUnavailable, clean, try_write
from wageguard.attendance.models import DeviceCommand
from wageguard.attendance.protocols import zkteco
from wageguard.attendance.schemas import DeviceRef
from wageguard.attendance.store import IngestOptions
from wageguard.db import Database, utcnow
from wageguard.errors import Forbidden, NotFound, TooLarge, Unauthenticated, ValidationFailed
from wageguard.web.deps import client_address

router = APIRouter(prefix="/iclock", tags=["devices: ZKTeco"], include_in_schema=False)
log = logging.getLogger("wageguard.devices")
T = TypeVar("T")
BODY_MAX_BYTES = 4 * 1024 * 1024  # 20,000 ATTLOG lines are about 1 MB
STAMP_RE = re.compile(r"[0-9]{1,18}")
TABLE_RE = re.compile(r"[A-Za-z0-9_]{1,24}")
Work = Callable[[Session, DeviceRef, datetime], tuple[T, DeviceRecord | None]]
_STATE_LOCK = threading.Lock()


class DeviceRefused(Exception):
    """A device call that was not served; ``status`` and a bilingual ``text`` for the reply."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed) and exc.problems:
        p = exc.problems[0]
        return f"{exc.message_zh} / {exc}: row {p.row} {p.field}: {p.message_zh} / {p.message_en}"
    message_zh = getattr(exc, "message_zh", "")
    return f"{message_zh} / {exc}"


def _app_state(app: FastAPI, name: str, make: Callable[[], Any]) -> Any:
    value = getattr(app.state, name, None)
    if value is None:
        with _STATE_LOCK:
            value = getattr(app.state, name, None)
            if value is None:
                value = make()
                setattr(app.state, name, value)
    return value


def options_of(app: FastAPI) -> IngestOptions:
    """The app's ingest policy (from Settings, cached on the app)."""
    options: IngestOptions = _app_state(
        app, "ingest_options", lambda: IngestOptions.from_settings(app.state.settings)
    )
    return options


def ingest_options(request: Request) -> IngestOptions:
    return options_of(request.app)


def intake_of(app: FastAPI) -> Intake:
    """The app's durable intake file (``<var_dir>/intake/devices.db``)."""
    intake: Intake = _app_state(
        app, "intake", lambda: Intake(app.state.settings.var_dir / "intake" / "devices.db")
    )
    return intake


@dataclass(frozen=True)
class Call:
    """Who is calling and where: serial, key and address as the request gives them."""

    serial: str | None
    key: str | None
    ip: str | None
    endpoint: str


def _call(request: Request, endpoint: str, serial: str | None = None) -> Call:
    q = request.query_params
    ip = client_address(request, request.app.state.settings) if request.client else None
    return Call(serial or q.get("SN"), q.get("key"), ip, endpoint)


def _contact_due(app: FastAPI, device: DeviceRef, ip: str | None, now: datetime) -> bool:
    """Whether this call should refresh the device's last contact (at most every ``SEEN_RESOLUTION``)."""
    noted: dict[int, datetime] = _app_state(app, "device_contacts", dict)
    last = noted.get(device.id)
    if last is not None and now - last <= device_service.SEEN_RESOLUTION:
        return False
    seen = device.last_seen_at
    return seen is None or now - seen > device_service.SEEN_RESOLUTION or ip != device.last_seen_ip


def device_call(app: FastAPI, call: Call, work: Work[T]) -> T:
    """Authenticate the device (a read), run ``work`` and append what it leaves to the intake; a refusal
    is logged through the intake and raised as ``DeviceRefused``. Runs in a worker thread."""
    db: Database = app.state.db
    intake, now = intake_of(app), utcnow()
    try:
        with db.sessions() as session:
            device = device_service.check_device(
                session=session, serial=call.serial, key=call.key, remote_ip=call.ip
            )
            reply, record = work(session, device, now)
    except (Unauthenticated, Forbidden, NotFound, ValidationFailed) as exc:
        status = 401 if isinstance(exc, Unauthenticated) else 403 if isinstance(exc, Forbidden) else 400
        reason = clean(_reason(exc), 300)
        log.warning("device call refused: %s %s: %s", call.endpoint, clean(call.serial, 64), reason)
        refusal = DeviceRecord(
            None, clean(call.serial, 64), call.endpoint, now, call.ip, rejections=(reason,)
        )
        intake.append(refusal)
        raise DeviceRefused(status, reason) from exc
    if record is not None and record.empty:
        record = None
    if record is None and _contact_due(app, device, call.ip, now):
        record = DeviceRecord(device.id, device.serial, call.endpoint, now, call.ip)
    if record is not None:
        intake.append(record)
        _app_state(app, "device_contacts", dict)[device.id] = now
    return reply


def _text(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status, media_type="text/plain; charset=utf-8")


async def _serve(request: Request, call: Call, work: Work[str]) -> PlainTextResponse:
    try:
        text = await run_in_threadpool(partial(device_call, request.app, call, work))
    except DeviceRefused as refused:
        return _text(refused.status, f"ERROR: {refused.text}")
    except IntakeUnavailable as exc:
        return _text(503, f"ERROR: {exc.message_zh} / {exc}")
    return _text(200, text)


async def read_body(request: Request, limit: int = BODY_MAX_BYTES) -> bytes | None:
    """The request body, or ``None`` when it is larger than ``limit`` (read no further)."""
    if int(request.headers.get("content-length") or 0) > limit:
        return None
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    except TooLarge:  # web/uploads.BodyLimit counted past the device cap first
        return None
    return b"".join(chunks)


def _too_large(limit: int = BODY_MAX_BYTES) -> PlainTextResponse:
    return _text(413, f"ERROR: 请求体超过 {limit} 字节 / body over {limit} bytes")


def _stamp(value: str | None) -> int | None:
    return int(value) if value is not None and STAMP_RE.fullmatch(value) else None


def _table(request: Request) -> str:
    table = (request.query_params.get("table") or "").upper()
    return table if TABLE_RE.fullmatch(table) else "other" if table else "-"


@router.get("/cdata")
async def handshake(request: Request) -> PlainTextResponse:
    """Handshake: the options the device should use, with the last stamps the server holds."""

    def work(_session: Session, device: DeviceRef, _now: datetime) -> tuple[str, None]:
        text = zkteco.handshake_options(
            device.serial,
            att_stamp=device.att_stamp,
            op_stamp=device.op_stamp,
            tz_hours=device_service.tz_hours(device),
        )
        return text, None

    return await _serve(request, _call(request, "cdata:get"), work)


def _log_upload(call: Call, body: str, table: str, stamp: int | None, max_lines: int) -> Work[str]:
    """ATTLOG / rtlog lines: the punches, and one logged refusal naming every malformed line."""

    def work(_session: Session, device: DeviceRef, now: datetime) -> tuple[str, DeviceRecord]:
        upload = zkteco.parse_attlog(body, max_lines=max_lines)
        rejections: tuple[str, ...] = ()
        if upload.problems:
            rejections = (zkteco.summarise(upload.problems, table),)
            log.warning("device %s %s: %s", device.serial, call.endpoint, rejections[0])
        record = DeviceRecord(
            device.id, device.serial, call.endpoint, now, call.ip, tuple(upload.punches), att_stamp=stamp,
            rejections=rejections,
        )  # fmt: skip
        return f"OK: {upload.lines}", record

    return work


@router.post("/cdata")
async def upload(request: Request) -> PlainTextResponse:
    """ATTLOG and rtlog punches, OPERLOG records (acknowledged, stamps kept), other tables acknowledged."""
    raw = await read_body(request)
    if raw is None:
        return _too_large()
    body, table = raw.decode("utf-8", errors="replace"), _table(request)
    call = _call(request, f"cdata:{table}")
    q = request.query_params
    if table in ("ATTLOG", "RTLOG"):
        work = _log_upload(call, body, table, _stamp(q.get("Stamp")), options_of(request.app).batch_max)
        return await _serve(request, call, work)
    if table == "OPERLOG":
        records, stamp = zkteco.count_operlog(body), _stamp(q.get("OpStamp") or q.get("Stamp"))

        def operlog(_s: Session, device: DeviceRef, now: datetime) -> tuple[str, DeviceRecord]:
            return f"OK: {records}", DeviceRecord(
                device.id, device.serial, call.endpoint, now, call.ip, op_stamp=stamp
            )

        return await _serve(request, call, operlog)
    return await _serve(request, call, lambda _s, _d, _n: ("OK", None))


@router.post("/registry")
async def registry(request: Request) -> PlainTextResponse:
    """Push 3.x registration (the body lists the device's parameters): answered with its registry code."""
    if await read_body(request, 64 * 1024) is None:
        return _too_large(64 * 1024)

    def work(_s: Session, device: DeviceRef, _n: datetime) -> tuple[str, None]:
        return f"RegistryCode={zkteco.registry_code(device.serial)}\n", None

    return await _serve(request, _call(request, "registry"), work)


@router.get("/push")
async def push_configuration(request: Request) -> PlainTextResponse:
    """Push 3.x configuration after registration."""

    def work(_s: Session, device: DeviceRef, _n: datetime) -> tuple[str, None]:
        return zkteco.push_options(device.serial, tz_hours=device_service.tz_hours(device)), None

    return await _serve(request, _call(request, "push"), work)


def _commands(db: Database) -> Work[str]:
    def work(session: Session, device: DeviceRef, _now: datetime) -> tuple[str, None]:
        queued = session.scalar(
            select(DeviceCommand.id)
            .where(DeviceCommand.device_id == device.id, DeviceCommand.status == CommandStatus.QUEUED)
            .limit(1)
        )
        if queued is None:
            return "OK", None
        # Marking them sent needs the write lock: when it is held (an import commits), the next poll.
        sent = try_write(db, lambda writer: device_service.next_commands(session=writer, device=device))
        return zkteco.commands_text(sent or []), None

    return work


@router.get("/getrequest")
async def get_request(request: Request) -> PlainTextResponse:
    """Queued commands (``C:<id>:<command>``) or ``OK`` (also while the database is busy: the device
    polls again in seconds)."""
    return await _serve(request, _call(request, "getrequest"), _commands(request.app.state.db))


@router.post("/devicecmd")
async def command_results(request: Request) -> PlainTextResponse:
    """Results of executed commands: ``ID=…&Return=…&CMD=…`` per line; malformed lines are logged."""
    raw = await read_body(request)
    if raw is None:
        return _too_large()
    results, problems = zkteco.parse_command_results(raw.decode("utf-8", errors="replace"))
    call = _call(request, "devicecmd")

    def work(_s: Session, device: DeviceRef, now: datetime) -> tuple[str, DeviceRecord]:
        rejections = (zkteco.summarise(problems, "devicecmd"),) if problems else ()
        record = DeviceRecord(
            device.id,
            device.serial,
            call.endpoint,
            now,
            call.ip,
            results=tuple(results),
            rejections=rejections,
        )
        return "OK", record

    return await _serve(request, call, work)


@router.get("/ping")
async def ping(request: Request) -> PlainTextResponse:
    """Push 3.x keep-alive: marks the device as seen."""
    return await _serve(request, _call(request, "ping"), lambda _s, _d, _n: ("OK", None))
