"""ZKTeco PUSH / ADMS ("iclock") wire format: handshake options, ATTLOG lines, commands and results.

Pure functions: text in, values out (no database). See ../shared/docs/devices.md for the exchange.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from wageguard.attendance.choices import ZK_STATUS_DIRECTION, ZK_VERIFY_ATTEND_TYPE
from wageguard.attendance.schemas import DevicePunch
from wageguard.attendance.store import parse_local_time
from wageguard.errors import Problem, ValidationFailed

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def handshake_options(serial: str, *, att_stamp: int, op_stamp: int, tz_hours: int) -> str:
    """The options text answering ``GET /iclock/cdata?SN=…&options=all``.

    ``TimeZone`` is sent in hours (most firmware); the platform keeps the device's zone itself and never
    trusts the device clock blindly.
    """
    lines = [
        f"GET OPTION FROM: {serial}",
        f"Stamp={att_stamp}",
        f"OpStamp={op_stamp}",
        "ErrorDelay=60",
        "Delay=10",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        "TransFlag=1111000000",
        f"TimeZone={tz_hours}",
        "Realtime=1",
        "Encrypt=0",
    ]
    return "\n".join(lines) + "\n"


def _problem(row: int, fld: str, value: str, zh: str, en: str) -> Problem:
    return Problem(field=fld, code="attlog_invalid", message_zh=zh, message_en=en, row=row, value=value[:80])


def _parse_line(number: int, line: str) -> DevicePunch | Problem:
    parts = line.split("\t")
    if len(parts) < 2:
        return _problem(
            number, "line", line, "ATTLOG 行至少需要 PIN 和时间", "ATTLOG line needs PIN and time"
        )
    pin = parts[0].strip()
    if not pin or len(pin) > 32:
        return _problem(number, "PIN", pin, "PIN 为空或过长", "PIN is empty or too long")
    try:
        local = parse_local_time(parts[1])
    except ValueError:
        return _problem(
            number, "time", parts[1], "时间格式应为 YYYY-MM-DD HH:MM:SS", "time must be YYYY-MM-DD HH:MM:SS"
        )
    status = parts[2].strip() if len(parts) > 2 else ""
    verify = parts[3].strip() if len(parts) > 3 else ""
    return DevicePunch(
        pin=pin,
        local_time=local,
        direction=ZK_STATUS_DIRECTION.get(status),
        attend_type=ZK_VERIFY_ATTEND_TYPE.get(verify, "011" if verify else None),
    )


def parse_attlog(body: str, *, max_lines: int = 20_000) -> list[DevicePunch]:
    """Punches of an ATTLOG body; any bad line rejects the whole body (nothing is stored)."""
    punches: list[DevicePunch] = []
    problems: list[Problem] = []
    lines = [ln for ln in body.replace("\r\n", "\n").split("\n") if ln.strip()]
    if len(lines) > max_lines:
        raise ValidationFailed(f"too many lines: {len(lines)} > {max_lines}", message_zh="ATTLOG 行数过多")
    for number, line in enumerate(lines, start=1):
        parsed = _parse_line(number, line)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        else:
            punches.append(parsed)
    if problems:
        raise ValidationFailed("malformed ATTLOG body", problems, message_zh="ATTLOG 内容格式错误，未保存")
    return punches


def count_operlog(body: str) -> int:
    """Number of records in an OPERLOG body (``OPLOG``, ``USER``, ``FP``, ``BIOPHOTO`` … lines)."""
    return sum(1 for ln in body.splitlines() if ln.strip())


def commands_text(commands: Iterable[tuple[int, str]]) -> str:
    """The ``getrequest`` reply: ``C:<id>:<command>`` lines, or ``OK`` when nothing is queued."""
    lines = [f"C:{cid}:{cmd}" for cid, cmd in commands]
    return "\n".join(lines) + "\n" if lines else "OK"


def userinfo_command(pin: str, name: str, card: str | None = None) -> str:
    """``DATA UPDATE USERINFO`` pushing one worker to the device (tabs inside, one line)."""
    clean = name.replace("\t", " ").replace("\n", " ")
    return f"DATA UPDATE USERINFO PIN={pin}\tName={clean}\tPrivilege=0\tCard={card or ''}"


def delete_user_command(pin: str) -> str:
    return f"DATA DELETE USERINFO PIN={pin}"


def query_attlog_command(start: datetime, end: datetime) -> str:
    """``DATA QUERY ATTLOG``: ask the device to upload punches of a period again."""
    return f"DATA QUERY ATTLOG StartTime={start.strftime(TIME_FORMAT)}\tEndTime={end.strftime(TIME_FORMAT)}"


@dataclass(frozen=True)
class CommandResult:
    command_id: int
    return_code: int
    name: str


def parse_command_results(body: str) -> list[CommandResult]:
    """``ID=<id>&Return=<code>&CMD=<name>`` lines posted to ``/iclock/devicecmd``."""
    results: list[CommandResult] = []
    problems: list[Problem] = []
    for number, line in enumerate((ln for ln in body.splitlines() if ln.strip()), start=1):
        fields = dict(parse_qsl(line.strip(), keep_blank_values=True))
        try:
            results.append(CommandResult(int(fields["ID"]), int(fields["Return"]), fields.get("CMD", "")))
        except (KeyError, ValueError):
            problems.append(
                _problem(
                    number, "line", line, "结果行应为 ID=…&Return=…&CMD=…", "expected ID=…&Return=…&CMD=…"
                )
            )
    if problems:
        raise ValidationFailed("malformed devicecmd body", problems, message_zh="命令结果格式错误")
    return results
