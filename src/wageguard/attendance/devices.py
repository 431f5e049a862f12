"""Use cases of gate devices: register, link to a device account, enrol, authenticate, queue commands,
record results and gaps. Managing a device asks the write policy (``auth/policy.py``).

Device authentication (documented in docs/attendance.md): a request names its serial number (``SN``); the
serial must be registered and active, and either the ``key`` query parameter equals the device's shared
secret, or the request comes from an address on the device's IP allow-list (ZKTeco firmware cannot add
headers or query parameters, so such gates are registered with the site's egress address).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from wageguard.attendance.choices import CommandStatus
from wageguard.attendance.models import Device, DeviceCommand, DeviceEnrolment, DeviceRejection, SerialGap
from wageguard.attendance.protocols import zkteco
from wageguard.attendance.schemas import DeviceIn, DeviceRef
from wageguard.auth.models import User
from wageguard.auth.policy import check_device_manage, writable_project
from wageguard.auth.scope import Principal
from wageguard.bounds import INT4_MAX
from wageguard.db import utcnow
from wageguard.errors import Conflict, Forbidden, NotFound, Problem, Unauthenticated, ValidationFailed
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectWorker, Worker
from wageguard.timezones import EXAMPLES_EN, EXAMPLES_ZH, canonical_zone, zone


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _device_account(session: Session, username: str | None) -> int | None:
    """The id of the active device account named ``username`` (``None`` for none)."""
    if not username:
        return None
    user_id = session.scalar(
        select(User.id).where(User.username == username, User.role == Role.DEVICE.value, User.is_active)
    )
    if user_id is None:
        problem = Problem(
            field="account",
            code="not_a_device_account",
            message_zh=f"{username} 不是有效的设备账号",
            message_en=f"{username} is not an active device account",
            value=username[:64],
        )
        raise ValidationFailed("not a device account", [problem], message_zh="设备账号无效")
    return user_id


def device_zone(text: str) -> str:
    """A device's zone in canonical form (an IANA name or ``±HH:MM``); ``ValidationFailed`` naming ``tz``."""
    try:
        return canonical_zone(text)
    except ValueError:
        problem = Problem(
            field="tz",
            code="tz.unknown",
            message_zh=f"未知时区，应为时区名或 UTC 偏移（{EXAMPLES_ZH}）",
            message_en=f"unknown time zone: give a zone name or a UTC offset ({EXAMPLES_EN})",
            value=text[:64],
        )
        raise ValidationFailed(f"unknown time zone {text[:64]}", [problem], message_zh="未知时区") from None


def register_device(*, session: Session, principal: Principal, data: DeviceIn) -> Device:
    """Register a gate device on a project (its serial number must be new), optionally for a device
    account that will post the project's ``WorkerAttendance`` batches."""
    project = writable_project(session, principal, data.project_code)
    check_device_manage(session, principal, project.id)
    if session.scalar(select(Device.id).where(Device.serial == data.serial)) is not None:
        raise Conflict(f"device {data.serial} exists", message_zh=f"设备 {data.serial} 已登记")
    tz = device_zone(data.tz)
    device = Device(
        vendor=data.vendor.value,
        serial=data.serial,
        project_id=project.id,
        region_code=project.region_code,
        gate=data.gate,
        default_direction=data.default_direction,
        tz=tz,
        secret_hash=hash_secret(data.secret),
        ip_allow=data.ip_allow,
        account_user_id=_device_account(session, data.account),
        active=True,
        att_stamp=0,
        op_stamp=0,
    )
    session.add(device)
    session.flush()
    return device


def device_by_serial(session: Session, serial: str) -> Device:
    device = session.scalar(select(Device).where(Device.serial == serial))
    if device is None:
        raise NotFound(f"device {serial} not found", message_zh=f"设备 {serial} 未登记")
    return device


def managed_device(session: Session, principal: Principal, serial: str) -> Device:
    """The device numbered ``serial`` if the caller may manage it (else ``NotFound``, as if unknown)."""
    device = device_by_serial(session, serial)
    try:
        check_device_manage(session, principal, device.project_id)
    except NotFound:
        raise NotFound(f"device {serial} not found", message_zh=f"设备 {serial} 未登记") from None
    return device


def assign_device_account(
    *, session: Session, principal: Principal, serial: str, account: str | None
) -> Device:
    """Link the device to the device account ``account`` (``None`` unlinks it)."""
    device = managed_device(session, principal, serial)
    device.account_user_id = _device_account(session, account)
    session.flush()
    return device


def enrol_worker(
    *, session: Session, principal: Principal, serial: str, worker_id: int, pin: str
) -> DeviceEnrolment:
    """Enrol a worker of the device's project under a PIN / employee number."""
    device = managed_device(session, principal, serial)
    on_roster = session.scalar(
        select(ProjectWorker.id).where(
            ProjectWorker.project_id == device.project_id, ProjectWorker.worker_id == worker_id
        )
    )
    if on_roster is None:
        raise Conflict("worker is not on the project", message_zh="该工人未登记在此项目")
    taken = session.scalar(
        select(DeviceEnrolment.id).where(
            DeviceEnrolment.device_id == device.id,
            (DeviceEnrolment.pin == pin) | (DeviceEnrolment.worker_id == worker_id),
        )
    )
    if taken is not None:
        raise Conflict("PIN or worker already enrolled", message_zh="PIN 或工人已在该设备登记")
    enrolment = DeviceEnrolment(device_id=device.id, pin=pin, worker_id=worker_id)
    session.add(enrolment)
    session.flush()
    return enrolment


def push_roster(*, session: Session, principal: Principal, serial: str) -> int:
    """Enrol every roster worker not yet on the device (PIN = worker id) and queue USERINFO pushes."""
    device = managed_device(session, principal, serial)
    enrolled = select(DeviceEnrolment.worker_id).where(DeviceEnrolment.device_id == device.id)
    missing = session.execute(
        select(Worker.id, Worker.name)
        .join(ProjectWorker, ProjectWorker.worker_id == Worker.id)
        .where(ProjectWorker.project_id == device.project_id, Worker.id.not_in(enrolled))
        .order_by(Worker.id)
    ).all()
    now = utcnow()
    session.add_all(DeviceEnrolment(device_id=device.id, pin=str(wid), worker_id=wid) for wid, _ in missing)
    if device.vendor == "zkteco":
        session.add_all(
            DeviceCommand(
                device_id=device.id, command=zkteco.userinfo_command(str(wid), name), created_at=now
            )
            for wid, name in missing
        )
    session.flush()
    return len(missing)


def request_missed_punches(
    *, session: Session, principal: Principal, serial: str, start: datetime, end: datetime
) -> int:
    """Queue ``DATA QUERY ATTLOG`` so the device uploads a period's punches again (resends dedupe)."""
    device = managed_device(session, principal, serial)
    if end <= start:
        raise Conflict("end must be after start", message_zh="结束时间必须晚于开始时间")
    cmd = DeviceCommand(device_id=device.id, command=zkteco.query_attlog_command(start, end))
    session.add(cmd)
    session.flush()
    return cmd.id


REF_COLUMNS = (
    Device.id,
    Device.serial,
    Device.vendor,
    Device.project_id,
    Device.region_code,
    Device.gate,
    Device.default_direction,
    Device.tz,
    Device.att_stamp,
    Device.op_stamp,
    Device.last_serial_no,
    Device.last_seen_at,
    Device.last_seen_ip,
    Device.last_punch_at,
)
AUTH_QUERY = select(Device.active, Device.secret_hash, Device.ip_allow, *REF_COLUMNS).where(
    Device.serial == bindparam("serial")
)
# Contact times are refreshed at most this often, so busy gates do not rewrite their row on every punch.
SEEN_RESOLUTION = timedelta(seconds=30)


def device_ref(session: Session, serial: str) -> DeviceRef:
    """The device's request-time view, or ``NotFound``."""
    row = session.execute(select(*REF_COLUMNS).where(Device.serial == serial)).first()
    if row is None:
        raise NotFound(f"device {serial} not found", message_zh=f"设备 {serial} 未登记")
    return DeviceRef(*tuple(row))


def _ip_allowed(ip_allow: str | None, remote_ip: str | None) -> bool:
    if not ip_allow or not remote_ip:
        return False
    return remote_ip in {ip.strip() for ip in ip_allow.split(",")}


SERIAL_RE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def check_device(
    *, session: Session, serial: str | None, key: str | None, remote_ip: str | None
) -> DeviceRef:
    """The registered, active device making this request, if its key or address is right (reads only)."""
    if not serial:
        raise Unauthenticated("device serial (SN) missing", message_zh="缺少设备序列号 SN")
    if not SERIAL_RE.fullmatch(serial):
        raise Unauthenticated("malformed device serial", message_zh="设备序列号格式错误")
    row = session.connection().execute(AUTH_QUERY, {"serial": serial}).first()
    if row is None or not row[0]:
        raise Unauthenticated(f"unknown device {serial}", message_zh=f"未登记的设备 {serial}")
    key_ok = key is not None and hmac.compare_digest(hash_secret(key), row[1])
    if not key_ok and not _ip_allowed(row[2], remote_ip):
        raise Forbidden(f"device {serial}: bad key or address", message_zh=f"设备 {serial} 密钥或地址不符")
    return DeviceRef(*tuple(row)[3:])


def device_ref_by_id(session: Session, device_id: int) -> DeviceRef:
    """The device's current request-time view by id, or ``NotFound``."""
    row = session.execute(select(*REF_COLUMNS).where(Device.id == device_id)).first()
    if row is None:
        raise NotFound(f"device #{device_id} not found", message_zh=f"设备 #{device_id} 不存在")
    return DeviceRef(*tuple(row))


def touch_device(
    session: Session,
    ref: DeviceRef,
    *,
    last_seen_ip: str | None = None,
    punched: bool = False,
    values: dict[str, object] | None = None,
    now: datetime | None = None,
) -> None:
    """Record contact (at most every ``SEEN_RESOLUTION``), punches, stamps: one UPDATE, or none."""
    now = now or utcnow()
    changes: dict[str, object] = dict(values or {})
    stale = ref.last_seen_at is None or now - ref.last_seen_at > SEEN_RESOLUTION
    if stale or (last_seen_ip is not None and last_seen_ip != ref.last_seen_ip):
        changes.update(last_seen_at=now, last_seen_ip=last_seen_ip or ref.last_seen_ip)
    if punched and (ref.last_punch_at is None or now - ref.last_punch_at > SEEN_RESOLUTION):
        changes["last_punch_at"] = now
    if changes:
        session.execute(update(Device).where(Device.id == ref.id).values(**changes))


def record_rejection(
    *,
    session: Session,
    serial: str | None,
    remote_ip: str | None,
    endpoint: str,
    reason: str,
    at: datetime | None = None,
) -> None:
    """Log a refused device request or a malformed part of one (nothing of it was stored)."""
    session.add(
        DeviceRejection(
            at=at or utcnow(),
            serial=(serial or "")[:64],
            remote_ip=(remote_ip or "")[:64] or None,
            endpoint=endpoint[:64],
            reason=reason[:300],
        )
    )


def next_commands(*, session: Session, device: DeviceRef, limit: int = 50) -> list[tuple[int, str]]:
    """Queued commands for the device, oldest first, marked as sent."""
    rows = session.execute(
        select(DeviceCommand.id, DeviceCommand.command)
        .where(DeviceCommand.device_id == device.id, DeviceCommand.status == CommandStatus.QUEUED)
        .order_by(DeviceCommand.id)
        .limit(limit)
    ).all()
    if rows:
        session.execute(
            update(DeviceCommand)
            .where(DeviceCommand.id.in_([r[0] for r in rows]))
            .values(status=CommandStatus.SENT.value, sent_at=utcnow())
        )
    return [(r[0], r[1]) for r in rows]


def record_command_results(
    *, session: Session, device: DeviceRef, results: list[zkteco.CommandResult]
) -> int:
    """Store each command's return code (0 done, anything else failed); unknown ids are ignored."""
    done = 0
    for res in results:
        status = CommandStatus.DONE if res.return_code == 0 else CommandStatus.FAILED
        outcome = session.execute(
            update(DeviceCommand)
            .where(DeviceCommand.id == res.command_id, DeviceCommand.device_id == device.id)
            .values(status=status.value, return_code=res.return_code, done_at=utcnow())
        )
        done += outcome.rowcount  # type: ignore[attr-defined]
    return done


def note_serial(*, session: Session, device: DeviceRef, serial_no: int | None, current: bool) -> int:
    """Track Hikvision ``serialNo``: record a gap when real-time events skip numbers; returns missing."""
    if serial_no is None or not current:
        return 0
    last = device.last_serial_no
    missing = 0
    if last is not None and serial_no > last + 1:
        missing = min(serial_no - last - 1, INT4_MAX)
        exists = session.scalar(
            select(func.count())
            .select_from(SerialGap)
            .where(SerialGap.device_id == device.id, SerialGap.after_serial == last)
        )
        if not exists:
            session.add(
                SerialGap(device_id=device.id, after_serial=last, before_serial=serial_no, missing=missing)
            )
    if last is None or serial_no > last:
        session.execute(update(Device).where(Device.id == device.id).values(last_serial_no=serial_no))
    return missing


def tz_hours(device: DeviceRef) -> int:
    """The device zone's current UTC offset in whole hours (the ``TimeZone`` option)."""
    offset = datetime.now(zone(device.tz)).utcoffset()
    return int(offset.total_seconds() // 3600) if offset is not None else 8
