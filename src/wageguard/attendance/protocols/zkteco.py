"""ZKTeco PUSH / ADMS ("iclock") wire format: handshake options, ATTLOG lines, commands and results.

Pure functions: text in, values out (no database). See ../shared/docs/devices.md for the exchange.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from wageguard.attendance.choices import ZK_STATUS_DIRECTION, ZK_VERIFY_ATTEND_TYPE
from wageguard.attendance.schemas import DevicePunch
from wageguard.attendance.store import MAX_YEAR, MIN_YEAR, parse_local_time
from wageguard.bounds import INT4_MAX
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


@dataclass(frozen=True)
class LogUpload:
    """An ATTLOG / rtlog body read line by line: the punches, the lines that are not (door and alarm events,
    acknowledged and ignored), and a problem per malformed line (acknowledged and logged, never stored)."""

    punches: list[DevicePunch]
    problems: list[Problem]
    ignored: int
    lines: int


# rtlog (and F22 key=value ATTLOG) event codes of a person verified and let through; 27 is an unregistered
# person (kept as a stranger for rule W13); every other event (door state, alarms, refusals) is not a punch.
ACCESS_EVENTS = frozenset({"0", "1", "2", "3", "14", "15", "16", "17", "18", "19"})
UNREGISTERED_EVENT = "27"
PIN_RE = re.compile(r"[^\x00-\x1f\x7f\ufffd]{1,32}")
TIME_KEYS = ("datetime", "time")
STATUS_KEYS = ("status", "inoutstatus", "state")
VERIFY_KEYS = ("verified", "verify", "verifytype", "verifymode")


def _first(fields: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((fields[k] for k in keys if k in fields), "")


def _key_values(line: str) -> dict[str, str]:
    r"""``PIN=1\tDateTime=…`` (newer firmware) or ``time=…\tpin=…`` (rtlog, F22): keys case-insensitive."""
    fields: dict[str, str] = {}
    for part in line.split("\t"):
        key, sep, value = part.partition("=")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields


def _punch(number: int, pin: str, when: str, status: str, verify: str) -> DevicePunch | Problem:
    if not PIN_RE.fullmatch(pin):
        return _problem(
            number, "PIN", pin, "PIN 为空、过长或含控制字符", "PIN is empty, too long or not text"
        )
    try:
        local = parse_local_time(when)
    except ValueError:
        return _problem(
            number,
            "time",
            when,
            f"时间应为 YYYY-MM-DD HH:MM:SS（{MIN_YEAR}–{MAX_YEAR} 年）",
            f"time must be YYYY-MM-DD HH:MM:SS ({MIN_YEAR}-{MAX_YEAR})",
        )
    return DevicePunch(
        pin=pin,
        local_time=local,
        direction=ZK_STATUS_DIRECTION.get(status),
        attend_type=ZK_VERIFY_ATTEND_TYPE.get(verify, "011" if verify else None),
    )


def _keyed_line(number: int, fields: dict[str, str]) -> DevicePunch | Problem | None:
    """A key=value line; ``None`` for an event that is not a passage (acknowledged, ignored)."""
    pin, when = fields.get("pin", ""), _first(fields, TIME_KEYS)
    status, verify = _first(fields, STATUS_KEYS), _first(fields, VERIFY_KEYS)
    event = fields.get("event")
    if event is not None and event not in ACCESS_EVENTS:
        if event != UNREGISTERED_EVENT:
            return None
        punch = _punch(number, "stranger", when, status, verify)
        if isinstance(punch, Problem):
            return punch
        index = fields.get("index", "")
        ref = f"rt:{index}" if index.isascii() and index.isdigit() and len(index) <= 18 else None
        return DevicePunch(None, punch.local_time, punch.direction, punch.attend_type, stranger_ref=ref)
    if event is not None and pin in ("", "0"):
        return None  # a passage without a person (exit button, remote opening)
    return _punch(number, pin, when, status, verify)


def _parse_line(number: int, line: str) -> DevicePunch | Problem | None:
    head = line.split("\t", 1)[0]
    if "=" in head:
        return _keyed_line(number, _key_values(line))
    parts = line.split("\t")
    if len(parts) < 2:
        return _problem(
            number, "line", line, "ATTLOG 行至少需要 PIN 和时间", "ATTLOG line needs PIN and time"
        )
    status = parts[2].strip() if len(parts) > 2 else ""
    verify = parts[3].strip() if len(parts) > 3 else ""
    return _punch(number, parts[0].strip(), parts[1], status, verify)


def parse_attlog(body: str, *, max_lines: int = 20_000) -> LogUpload:
    r"""Punches of an ATTLOG or rtlog body: tab-separated positional lines (``PIN\ttime\tstatus\tverify…``)
    or ``key=value`` lines (``PIN=…\tDateTime=…\tVerified=…\tStatus=…``; rtlog
    ``time=…\tpin=…\tevent=…\tinoutstatus=…\tverifytype=…``). A malformed line becomes a problem and
    the other lines are still read; more than ``max_lines`` lines reject the body."""
    lines = [ln for ln in body.replace("\r\n", "\n").split("\n") if ln.strip()]
    if len(lines) > max_lines:
        raise ValidationFailed(f"too many lines: {len(lines)} > {max_lines}", message_zh="ATTLOG 行数过多")
    punches: list[DevicePunch] = []
    problems: list[Problem] = []
    ignored = 0
    for number, line in enumerate(lines, start=1):
        parsed = _parse_line(number, line.strip("\r"))
        if isinstance(parsed, Problem):
            problems.append(parsed)
        elif parsed is None:
            ignored += 1
        else:
            punches.append(parsed)
    return LogUpload(punches, problems, ignored, len(lines))


def summarise(problems: list[Problem], what: str) -> str:
    """One line for the rejection log naming every malformed row and why (no values: they may hold card
    numbers)."""
    rows = ", ".join(f"row {p.row} {p.field}" for p in problems)
    reasons = " | ".join(dict.fromkeys(p.message_en for p in problems))
    n = len(problems)
    zh = f"{what} 有 {n} 行格式错误，已确认未保存"
    return f"{zh} / {n} malformed lines acknowledged, not stored: {rows} ({reasons})"


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


ID_RE = re.compile(r"[0-9]{1,10}")
RETURN_RE = re.compile(r"-?[0-9]{1,10}")


def _result(fields: dict[str, str]) -> CommandResult | None:
    cid, code = fields.get("ID", ""), fields.get("Return", "")
    if not ID_RE.fullmatch(cid) or not RETURN_RE.fullmatch(code):
        return None
    command_id, return_code = int(cid), int(code)
    if not 1 <= command_id <= INT4_MAX or abs(return_code) > INT4_MAX:
        return None
    return CommandResult(command_id, return_code, fields.get("CMD", "")[:64])


def parse_command_results(body: str) -> tuple[list[CommandResult], list[Problem]]:
    """``ID=<id>&Return=<code>&CMD=<name>`` lines posted to ``/iclock/devicecmd``: the results, and a
    problem per malformed line (ids and codes must fit the database's integers)."""
    results: list[CommandResult] = []
    problems: list[Problem] = []
    for number, line in enumerate((ln for ln in body.splitlines() if ln.strip()), start=1):
        result = _result(dict(parse_qsl(line.strip(), keep_blank_values=True)))
        if result is None:
            problems.append(
                _problem(
                    number, "line", line, "结果行应为 ID=…&Return=…&CMD=…", "expected ID=…&Return=…&CMD=…"
                )
            )
        else:
            results.append(result)
    return results, problems


def registry_code(serial: str) -> str:
    """The ``RegistryCode`` answering a push 3.x ``/iclock/registry`` (not a secret: the device still
    authenticates by serial and key or address)."""
    return hashlib.sha256(f"wageguard-registry:{serial}".encode()).hexdigest()[:32]


def push_options(serial: str, *, tz_hours: int) -> str:
    """The configuration answering ``GET /iclock/push`` after registration (push 3.x)."""
    lines = [
        "registry=ok",
        f"RegistryCode={registry_code(serial)}",
        "ServerVersion=3.1.2",
        "ServerName=WageGuard",
        "PushProtVer=3.1.2",
        "PushVersion=3.1.2",
        "ErrorDelay=60",
        "RequestDelay=5",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        "TransTables=User Transaction",
        f"TimeZone={tz_hours}",
        "Realtime=1",
        "TimeoutSec=10",
    ]
    return "\n".join(lines) + "\n"
