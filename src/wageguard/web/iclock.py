"""ZKTeco PUSH / ADMS receiver: ``/iclock/cdata``, ``/iclock/getrequest``, ``/iclock/devicecmd``.

Devices speak plain text. Every call authenticates the device (serial + key or IP allow-list, see
``attendance/devices.py``); a refused call is logged in ``device_rejections`` and answered 401/403;
a malformed body is answered 400 with the reason and nothing of it is stored. ``OK: n`` is sent only
after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from wageguard.attendance import devices as device_service
from wageguard.attendance.protocols import zkteco
from wageguard.attendance.schemas import DeviceRef
from wageguard.attendance.service import ingest_device_punches, note_operlog
from wageguard.attendance.store import IngestOptions
from wageguard.db import Database
from wageguard.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed

router = APIRouter(prefix="/iclock", tags=["devices: ZKTeco"], include_in_schema=False)
T = TypeVar("T")
INLINE_MAX_BYTES = 16 * 1024


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


def device_call(
    db: Database,
    *,
    serial: str | None,
    key: str | None,
    ip: str | None,
    endpoint: str,
    work: Callable[[Session, DeviceRef], T],
) -> T:
    """Authenticate the device and run ``work`` in one transaction; log and raise on refusal."""
    try:
        with db.transaction() as session:
            device = device_service.authenticate_device(session=session, serial=serial, key=key, remote_ip=ip)
            return work(session, device)
    except (Unauthenticated, Forbidden, NotFound, ValidationFailed) as exc:
        status = 401 if isinstance(exc, Unauthenticated) else 403 if isinstance(exc, Forbidden) else 400
        reason = _reason(exc)
        with db.transaction() as session:
            device_service.record_rejection(
                session=session, serial=serial, remote_ip=ip, endpoint=endpoint, reason=reason
            )
        raise DeviceRefused(status, reason) from exc


def _text(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status, media_type="text/plain; charset=utf-8")


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def ingest_options(request: Request) -> IngestOptions:
    """The app's ingest policy (from Settings, cached on the app)."""
    options: IngestOptions | None = getattr(request.app.state, "ingest_options", None)
    if options is None:
        options = IngestOptions.from_settings(request.app.state.settings)
        request.app.state.ingest_options = options
    return options


async def run_device_call(
    request: Request, endpoint: str, work: Callable[[Session, DeviceRef], T], *, body_size: int = 0
) -> T:
    """``device_call`` for this request. On SQLite (one writer anyway) small bodies run inline: a gate's
    usual one or few punches take well under a millisecond, and a thread hop per request cut the
    morning-peak throughput by a quarter. Large uploads, and everything on PostgreSQL (where requests do
    run concurrently), go to the thread pool so the event loop is never held for long."""
    q = request.query_params
    call = partial(
        device_call, request.app.state.db, serial=q.get("SN"), key=q.get("key"), ip=_ip(request),
        endpoint=endpoint, work=work,
    )  # fmt: skip
    db: Database = request.app.state.db
    if db.is_sqlite and body_size <= INLINE_MAX_BYTES:
        return call()
    return await run_in_threadpool(call)


async def _serve(
    request: Request, endpoint: str, work: Callable[[Session, DeviceRef], str], *, body_size: int = 0
) -> PlainTextResponse:
    try:
        text = await run_device_call(request, endpoint, work, body_size=body_size)
    except DeviceRefused as refused:
        return _text(refused.status, f"ERROR: {refused.text}")
    return _text(200, text)


@router.get("/cdata")
async def handshake(request: Request) -> PlainTextResponse:
    """Handshake: the options the device should use, with the last stamps the server holds."""

    def work(_session: Session, device: DeviceRef) -> str:
        return zkteco.handshake_options(
            device.serial,
            att_stamp=device.att_stamp,
            op_stamp=device.op_stamp,
            tz_hours=device_service.tz_hours(device),
        )

    return await _serve(request, "cdata:get", work)


def _stamp(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


@router.post("/cdata")
async def upload(request: Request) -> PlainTextResponse:
    """ATTLOG punches (stored idempotently), OPERLOG records (acknowledged), other tables acknowledged."""
    body = (await request.body()).decode("utf-8", errors="replace")
    table = (request.query_params.get("table") or "").upper()
    stamp = _stamp(request.query_params.get("Stamp") or request.query_params.get("OpStamp"))
    options = ingest_options(request)

    def work(session: Session, device: DeviceRef) -> str:
        if table == "ATTLOG":
            punches = zkteco.parse_attlog(body, max_lines=options.batch_max)
            result = ingest_device_punches(
                session=session, device=device, punches=punches, options=options, stamp=stamp
            )
            return f"OK: {result.received}"
        if table == "OPERLOG":
            records = zkteco.count_operlog(body)
            return f"OK: {note_operlog(session=session, device=device, records=records, stamp=stamp)}"
        return "OK"

    return await _serve(request, f"cdata:{table or '-'}", work, body_size=len(body))


@router.get("/getrequest")
async def get_request(request: Request) -> PlainTextResponse:
    """Queued commands (``C:<id>:<command>``) or ``OK``."""

    def work(session: Session, device: DeviceRef) -> str:
        return zkteco.commands_text(device_service.next_commands(session=session, device=device))

    return await _serve(request, "getrequest", work)


@router.post("/devicecmd")
async def command_results(request: Request) -> PlainTextResponse:
    """Results of executed commands: ``ID=…&Return=…&CMD=…`` per line."""
    body = (await request.body()).decode("utf-8", errors="replace")

    def work(session: Session, device: DeviceRef) -> str:
        results = zkteco.parse_command_results(body)
        device_service.record_command_results(session=session, device=device, results=results)
        return "OK"

    return await _serve(request, "devicecmd", work, body_size=len(body))


@router.get("/ping")
async def ping(request: Request) -> PlainTextResponse:
    """Push 3.x keep-alive: marks the device as seen."""
    return await _serve(request, "ping", lambda _s, _d: "OK")
