"""``wageguard device``, ``attendance``, ``export attendance`` and ``emulate`` commands.

Thin commands: parse options, call one use case or query, print the outcome.
"""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import typer
from pydantic import ValidationError as PydanticValidationError

from wageguard.attendance import devices as device_service
from wageguard.attendance import queries
from wageguard.attendance.choices import Vendor
from wageguard.attendance.emulator import HikvisionEmulator, ZKTecoEmulator
from wageguard.attendance.export import sheet_to_xlsx
from wageguard.attendance.importer import import_attendance_file
from wageguard.attendance.schemas import DeviceIn
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.cli.context import database, protector, settings
from wageguard.db import utcnow
from wageguard.errors import ValidationFailed, WageGuardError
from wageguard.ingest.boundary import Limits
from wageguard.validation.schema import schema_rejected

device_app = typer.Typer(help="考勤设备 / gate devices", no_args_is_help=True)
attendance_app = typer.Typer(help="考勤 / attendance", no_args_is_help=True)
export_app = typer.Typer(help="导出 / exports", no_args_is_help=True)
emulate_app = typer.Typer(help="设备模拟器 / device emulators", no_args_is_help=True)


def _fail(exc: WageGuardError, code: int = 1) -> None:
    typer.echo(f"错误 / error: {exc.message_zh} / {exc}", err=True)
    if isinstance(exc, ValidationFailed):
        for p in exc.problems[:50]:
            typer.echo(f"  行 row {p.row} {p.field}: {p.message_zh} / {p.message_en} ({p.value})", err=True)
    raise typer.Exit(code)


@device_app.command("register")
def register(
    serial: str,
    project: str = typer.Option(..., help="project code"),
    vendor: Vendor = typer.Option(Vendor.ZKTECO),
    secret: str = typer.Option(..., help="shared secret (the `key` query parameter)"),
    gate: str = typer.Option(""),
    direction: str = typer.Option("01", help="default direction: 01 in, 02 out"),
    tz: str = typer.Option("Asia/Shanghai", help="IANA zone or UTC offset (+08:00, +0800, UTC+8)"),
    ip_allow: str | None = typer.Option(None, help="comma-separated source addresses accepted without key"),
    account: str | None = typer.Option(None, help="the device account (username) posting for this gate"),
) -> None:
    """Register a gate device on a project."""
    try:
        data = DeviceIn(
            vendor=vendor,
            serial=serial,
            project_code=project,
            gate=gate,
            default_direction=direction,
            tz=tz,
            secret=secret,
            ip_allow=ip_allow,
            account=account,
        )
    except PydanticValidationError as exc:
        _fail(schema_rejected(exc, what_zh="设备登记", what_en="device registration"))
    try:
        with database().transaction() as session:
            device = device_service.register_device(session=session, principal=SYSTEM, data=data)
            typer.echo(f"已登记设备 / registered device {device.serial} (id {device.id})")
    except WageGuardError as exc:
        _fail(exc)


@device_app.command("assign")
def assign(
    serial: str,
    account: str | None = typer.Option(None, help="device account (username); omit to unlink"),
) -> None:
    """Link a gate device to the device account that posts its project's WorkerAttendance batches."""
    try:
        with database().transaction() as session:
            device_service.assign_device_account(
                session=session, principal=SYSTEM, serial=serial, account=account
            )
    except WageGuardError as exc:
        _fail(exc)
    shown = account or "无 / none"
    typer.echo(f"设备 {serial} 的设备账号 / device account of {serial}: {shown}")


@device_app.command("list")
def list_devices(
    silent_only: bool = typer.Option(False, "--silent", help="only silent devices (W16)"),
) -> None:
    """Devices with last contact; silent ones marked."""
    hours = settings().device_silent_hours
    with database().sessions() as session:
        health = queries.device_health(session, as_of=utcnow(), silent_hours=hours)
    for h in health:
        if silent_only and not h.silent:
            continue
        mark = "静默 SILENT" if h.silent else "正常 ok"
        typer.echo(
            f"{h.serial}\t{h.vendor}\t{h.project_code}\t{h.gate}\t{h.last_seen_at}\t{mark}\t{h.missing_events}"
        )


@device_app.command("enrol")
def enrol(serial: str, worker_id: int = typer.Option(...), pin: str = typer.Option(...)) -> None:
    """Enrol a worker on a device under a PIN / employee number."""
    try:
        with database().transaction() as session:
            device_service.enrol_worker(
                session=session, principal=SYSTEM, serial=serial, worker_id=worker_id, pin=pin
            )
    except WageGuardError as exc:
        _fail(exc)
    typer.echo(f"已登记 / enrolled worker {worker_id} as PIN {pin}")


@device_app.command("push-roster")
def push_roster(serial: str) -> None:
    """Enrol the project's registered workers and queue DATA UPDATE USERINFO for the gate."""
    try:
        with database().transaction() as session:
            n = device_service.push_roster(session=session, principal=SYSTEM, serial=serial)
    except WageGuardError as exc:
        _fail(exc)
    typer.echo(f"已排队 / queued {n} workers for {serial}")


@device_app.command("query-attlog")
def query_attlog(serial: str, start: datetime = typer.Option(...), end: datetime = typer.Option(...)) -> None:
    """Queue DATA QUERY ATTLOG: the gate uploads the period's punches again (duplicates are ignored)."""
    try:
        with database().transaction() as session:
            cid = device_service.request_missed_punches(
                session=session, principal=SYSTEM, serial=serial, start=start, end=end
            )
    except WageGuardError as exc:
        _fail(exc)
    typer.echo(f"已排队命令 / queued command {cid}")


@attendance_app.command("import")
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False),
    encoding: str | None = typer.Option(
        None, "--encoding", help="CSV encoding when detection cannot tell (gb18030, big5, utf-16 ...)"
    ),
    file_format: str | None = typer.Option(
        None, "--format", help="json, csv or xlsx (default: told by the content, else the name)"
    ),
) -> None:
    """Import a WorkerAttendance JSON / CSV / XLSX file (all rows or none; exit 2 when rejected)."""
    cfg = settings()
    try:
        report = import_attendance_file(
            db=database(),
            principal=SYSTEM,
            protector=protector(),
            path=path,
            options=IngestOptions.from_settings(cfg),
            limits=Limits.of(cfg),
            encoding=encoding,
            file_format=file_format,
        )
    except WageGuardError as exc:
        _fail(exc, code=2)
    done = report.details
    typer.echo(
        f"已导入 / imported {path.name}: {done['received']} rows, {done['inserted']} new, "
        f"{done['duplicates']} already stored, by kind {done['by_kind']}"
    )


@attendance_app.command("export")
@export_app.command("attendance")
def export_sheet(
    project: str = typer.Option(..., help="project code"),
    month: str = typer.Option(..., help="YYYY-MM"),
    team: str | None = typer.Option(None, help="team sys no (one team only)"),
    out: Path | None = typer.Option(None, help="output file (default attendance-<project>-<month>.xlsx)"),
) -> None:
    """Export the monthly attendance sheet (月考勤表) as a printable XLSX."""
    try:
        with database().sessions() as session:
            sheet = queries.monthly_sheet(session, project_code=project, month=month, team_sys_no=team)
    except WageGuardError as exc:
        _fail(exc)
    target = out or Path(f"attendance-{project}-{month}{'-' + team if team else ''}.xlsx")
    target.write_bytes(sheet_to_xlsx(sheet))
    typer.echo(f"已导出 / exported {len(sheet.rows)} workers to {target}")


def _day_punches(pins: list[str], day: date, rng: random.Random) -> list[tuple[str, datetime, int]]:
    out = []
    for pin in pins:
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=7, minutes=rng.randint(0, 50))
        out.append((pin, start, 0))
        out.append((pin, start + timedelta(hours=9, minutes=rng.randint(0, 90)), 1))
    return out


@emulate_app.command("zkteco")
def emulate_zkteco(
    serial: str,
    server: str = typer.Option("http://127.0.0.1:8000"),
    key: str | None = typer.Option(None),
    pins: str = typer.Option("1001,1002", help="comma-separated PINs"),
    day: datetime = typer.Option(..., formats=["%Y-%m-%d"]),
    rounds: int = typer.Option(1, help="poll rounds after the upload"),
    interval: float = typer.Option(3.0, help="seconds between polls"),
    seed: int = 7,
) -> None:
    """Play a ZKTeco gate: handshake, a day's punches, command polls and results."""
    with httpx.Client(base_url=server, timeout=30) as client:
        gate = ZKTecoEmulator(client, serial, key=key)
        for pin, at, status in _day_punches(pins.split(","), day.date(), random.Random(seed)):
            gate.punch(pin, at, status=status)
        gate.conversation()
        for _ in range(rounds - 1):
            clock.sleep(interval)
            commands = gate.poll()
            if commands:
                gate.execute(commands)
        for line in gate.log:
            typer.echo(line)


@emulate_app.command("hikvision")
def emulate_hikvision(
    serial: str,
    server: str = typer.Option("http://127.0.0.1:8000"),
    key: str | None = typer.Option(None),
    employees: str = typer.Option("1001,1002", help="comma-separated employee numbers"),
    day: datetime = typer.Option(..., formats=["%Y-%m-%d"]),
    strangers: int = typer.Option(0, help="stranger events to add"),
    seed: int = 7,
) -> None:
    """Play a Hikvision terminal: a heartbeat and a day's face events (multipart with pictures)."""
    rng = random.Random(seed)
    with httpx.Client(base_url=server, timeout=30) as client:
        gate = HikvisionEmulator(client, serial, key=key)
        typer.echo(f"heartBeat -> {gate.heartbeat(day).status_code}")
        events = _day_punches(employees.split(","), day.date(), rng)
        for employee, at, status in sorted(events, key=lambda e: e[1]):
            r = gate.punch(employee, at, door=1 + status)
            typer.echo(f"{employee} {at:%H:%M} -> {r.status_code}")
        for _ in range(strangers):
            r = gate.punch(None, datetime.combine(day.date(), datetime.min.time()) + timedelta(hours=8))
            typer.echo(f"stranger -> {r.status_code}")
