"""Hikvision ISAPI ``AccessControllerEvent`` notifications: JSON (plain or the ``event_log`` form field).

Pure functions. Heartbeats and non-punch events parse to an event with no punch (accepted, ignored);
``serialNo`` is kept so the receiver can see lost events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wageguard.attendance.choices import (
    HIK_MAJOR_EVENT,
    HIK_PUNCH_MINOR,
    HIK_STATUS_DIRECTION,
    HIK_STRANGER_MINOR,
)
from wageguard.attendance.protocols.zkteco import PIN_RE
from wageguard.attendance.schemas import DevicePunch
from wageguard.attendance.store import MAX_YEAR, MIN_YEAR, plausible
from wageguard.errors import Problem, ValidationFailed
from wageguard.timezones import zone

BOM = "\ufeff"
MAX_DEPTH = 32  # a real event is 2 levels deep
INT8_MAX = 2**63 - 1


@dataclass(frozen=True)
class HikEvent:
    """One notification: its type, the device id it names, serial numbers and the punch (if it is one)."""

    event_type: str
    device_id: str | None
    serial_no: int | None
    current: bool
    punch: DevicePunch | None


def _bad(field: str, value: object, zh: str, en: str) -> ValidationFailed:
    problem = Problem(field=field, code="isapi_invalid", message_zh=zh, message_en=en, value=str(value)[:80])
    return ValidationFailed(f"malformed ISAPI event: {en}", [problem], message_zh=f"ISAPI 事件格式错误：{zh}")


def load_json(raw: bytes | str) -> dict[str, Any]:
    """Decode an event body, stripping a UTF-8 BOM; anything but a UTF-8 JSON object (nested at most
    ``MAX_DEPTH`` deep) is rejected."""
    try:
        text = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise _bad("body", "", "不是 UTF-8 编码的 JSON", "body is not UTF-8 JSON") from exc
    text = text.lstrip(BOM).strip()
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise _bad("body", "", "JSON 嵌套过深", "JSON nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, or an integer too long to read
        raise _bad("body", "", "不是有效的 JSON", f"not valid JSON ({str(exc)[:60]})") from exc
    if not isinstance(data, dict):
        raise _bad("body", type(data).__name__, "应为 JSON 对象", "expected a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise _bad("body", "", "JSON 嵌套过深", "JSON nested too deeply")
    return data


def _depth(data: object) -> int:
    """Nesting depth of decoded JSON (iterative: no recursion limit to hit)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _local_time(value: object, tz: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise _bad("dateTime", value, "缺少事件时间", "dateTime missing")
    try:
        moment = plausible(datetime.fromisoformat(value))
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone(tz)).replace(tzinfo=None)
        return plausible(moment)
    except (ValueError, OverflowError) as exc:
        raise _bad(
            "dateTime",
            value,
            f"事件时间应为 ISO 8601（{MIN_YEAR}–{MAX_YEAR} 年）",
            f"dateTime must be ISO 8601 ({MIN_YEAR}-{MAX_YEAR})",
        ) from exc


def _int(value: object) -> int | None:
    """A non-negative integer (or its ASCII digits) that a BIGINT column holds, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            return None
        value = int(value)
    if isinstance(value, int) and 0 <= value <= INT8_MAX:
        return value
    return None


def _direction(ace: dict[str, Any]) -> str | None:
    status = ace.get("attendanceStatus")
    if isinstance(status, str) and status in HIK_STATUS_DIRECTION:
        return HIK_STATUS_DIRECTION[status]
    door = _int(ace.get("doorNo"))
    return {1: "01", 2: "02"}.get(door) if door is not None else None


def _punch(ace: dict[str, Any], when: datetime, serial_no: int | None) -> DevicePunch | None:
    if _int(ace.get("majorEventType")) != HIK_MAJOR_EVENT:
        return None
    minor = _int(ace.get("subEventType"))
    stranger = minor in HIK_STRANGER_MINOR or ace.get("userType") == "stranger"
    if stranger:
        ref = str(serial_no) if serial_no is not None else when.isoformat()
        return DevicePunch(None, when, _direction(ace), "001", stranger_ref=ref)
    employee = ace.get("employeeNoString") or ace.get("employeeNo")
    if minor not in HIK_PUNCH_MINOR or employee in (None, ""):
        return None
    employee = employee.strip() if isinstance(employee, str) else employee
    if (
        isinstance(employee, bool)
        or not isinstance(employee, str | int)
        or not PIN_RE.fullmatch(str(employee))
    ):
        raise _bad(
            "employeeNoString", "", "工号为空、过长或含控制字符", "employee number is not a short text"
        )
    return DevicePunch(str(employee), when, _direction(ace), HIK_PUNCH_MINOR[minor])


def parse_event(data: dict[str, Any], *, tz: str) -> HikEvent:
    """The event inside a decoded notification, with its punch when it is a passage at the gate."""
    event_type = str(data.get("eventType") or "")[:64]
    device_id = data.get("deviceID")
    ace = data.get("AccessControllerEvent")
    if event_type != "AccessControllerEvent" or not isinstance(ace, dict):
        return HikEvent(
            event_type or "unknown", None if device_id is None else str(device_id), None, True, None
        )
    when = _local_time(data.get("dateTime"), tz)
    serial_no = _int(ace.get("serialNo"))
    current = ace.get("currentEvent") is not False
    return HikEvent(
        event_type,
        None if device_id is None else str(device_id),
        serial_no,
        current,
        _punch(ace, when, serial_no),
    )


def device_id_of(data: dict[str, Any]) -> str | None:
    """The ``deviceID`` a notification names (used when the URL carries no ``SN``)."""
    value = data.get("deviceID")
    return str(value)[:64] if isinstance(value, str | int) and value not in ("", True, False) else None
