"""Code tables of the attendance slice."""

from __future__ import annotations

from enum import StrEnum


class Vendor(StrEnum):
    """Gate device protocols the platform receives."""

    ZKTECO = "zkteco"
    HIKVISION = "hikvision"


class PunchKind(StrEnum):
    """Who a punch belongs to; everything but ``worker`` feeds rule W13 (陌生人 / unregistered)."""

    WORKER = "worker"  # a worker on the project's roster
    NOT_ON_PROJECT = "not_on_project"  # a registered worker, but not on this project's roster
    UNKNOWN_ID = "unknown_id"  # an ID number the registry does not know
    UNKNOWN_PIN = "unknown_pin"  # a device PIN / employee number not enrolled on the device
    STRANGER = "stranger"  # a face the device could not match


class PunchFlag(StrEnum):
    """Quality flag of a punch's time."""

    OK = ""
    FUTURE = "future"  # later than now + tolerance (device clock ahead)
    PAST = "past"  # older than the accepted back-fill window (device clock behind)


class CommandStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"


DIRECTION = {"01": "进 in", "02": "出 out"}

# National standard attendType codes.
ATTEND_TYPE = {
    "001": "人脸",
    "002": "虹膜",
    "003": "指纹",
    "004": "掌纹",
    "005": "身份证",
    "006": "实名卡",
    "007": "异常清场",
    "008": "一键开闸",
    "009": "应急通道",
    "010": "二维码",
    "011": "其他",
}

# ZKTeco ATTLOG status -> national direction (0 in, 1 out, 2 break-out, 3 break-in, 4 OT-in, 5 OT-out).
ZK_STATUS_DIRECTION = {"0": "01", "1": "02", "2": "02", "3": "01", "4": "01", "5": "02"}
# ZKTeco verify mode -> national attendType (sources differ on 2 vs 4 for card: both are cards).
ZK_VERIFY_ATTEND_TYPE = {"0": "011", "1": "003", "2": "006", "4": "006", "15": "001", "25": "004"}

# Hikvision attendanceStatus -> direction.
HIK_STATUS_DIRECTION = {
    "checkIn": "01",
    "checkOut": "02",
    "breakOut": "02",
    "breakIn": "01",
    "overtimeIn": "01",
    "overtimeOut": "02",
}
# Hikvision minor (subEventType) codes of major 5 that are punches, with their attendType.
HIK_PUNCH_MINOR = {1: "006", 38: "003", 75: "001", 104: "001"}
# Face authentication failed / stranger detected: stored as stranger punches.
HIK_STRANGER_MINOR = {76, 77}
HIK_MAJOR_EVENT = 5
