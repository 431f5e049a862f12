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
from wageguard.attendance.schemas import DevicePunch
from wageguard.attendance.store import zone
from wageguard.errors import Problem, ValidationFailed

BOM = "\ufeff"


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
    """Decode an event body, stripping a UTF-8 BOM; anything but a JSON object is rejected."""
    text = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
    text = text.lstrip(BOM).strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad("body", text[:40], "不是有效的 JSON", f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise _bad("body", type(data).__name__, "应为 JSON 对象", "expected a JSON object")
    return data


def _local_time(value: object, tz: str) -> datetime:
    if not isinstance(value, str):
        raise _bad("dateTime", value, "缺少事件时间", "dateTime missing")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _bad("dateTime", value, "事件时间格式错误", "dateTime is not ISO 8601") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone(tz)).replace(tzinfo=None)
    return moment


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
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
    employee = ace.get("employeeNoString") or ace.get("employeeNo")
    employee = str(employee).strip() if employee not in (None, "") else None
    stranger = minor in HIK_STRANGER_MINOR or ace.get("userType") == "stranger"
    if stranger:
        ref = str(serial_no) if serial_no is not None else when.isoformat()
        return DevicePunch(None, when, _direction(ace), "001", stranger_ref=ref)
    if minor not in HIK_PUNCH_MINOR or employee is None:
        return None
    return DevicePunch(employee, when, _direction(ace), HIK_PUNCH_MINOR[minor])


def parse_event(data: dict[str, Any], *, tz: str) -> HikEvent:
    """The event inside a decoded notification, with its punch when it is a passage at the gate."""
    event_type = str(data.get("eventType") or "")
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
    return str(value) if value not in (None, "") else None
