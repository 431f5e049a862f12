"""Whole ZKTeco PUSH conversations replayed through the HTTP app by the device emulator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from tests.attendance.conftest import KEY, ZK_SN, count, drain, punches, worker_days

from wageguard.attendance.devices import push_roster, request_missed_punches
from wageguard.attendance.emulator import ZKTecoEmulator
from wageguard.attendance.models import Device, DeviceCommand, DeviceRejection, Punch
from wageguard.auth.scope import SYSTEM

DAY = datetime(2026, 10, 8)


def test_a_whole_conversation_handshake_punches_commands_and_results(client, app, db, site, app_options):
    gate = ZKTecoEmulator(client, ZK_SN, key=KEY)
    r = gate.handshake()
    assert r.status_code == 200
    assert r.text.startswith(f"GET OPTION FROM: {ZK_SN}\n")
    assert "Stamp=0" in r.text and "TimeZone=8" in r.text and "Realtime=1" in r.text

    gate.punch("1001", DAY.replace(hour=7, minute=31), status=0)
    gate.punch("1002", DAY.replace(hour=7, minute=32), status=0)
    gate.punch("1001", DAY.replace(hour=17, minute=40), status=1)
    gate.punch("4242", DAY.replace(hour=7, minute=50), status=0)  # not enrolled
    r = gate.upload()
    assert (r.status_code, r.text) == (200, "OK: 4")
    drain(app)
    assert sorted(p.kind for p in punches(db)) == ["unknown_pin", "worker", "worker", "worker"]
    out = {p.local_time: p.direction for p in punches(db) if p.person_key == "1001"}
    assert out == {DAY.replace(hour=7, minute=31): "01", DAY.replace(hour=17, minute=40): "02"}

    with db.transaction() as s:
        assert (
            push_roster(session=s, principal=SYSTEM, serial=ZK_SN) == 1
        )  # the third worker is not on the gate yet
        request_missed_punches(session=s, principal=SYSTEM, serial=ZK_SN, start=DAY, end=DAY.replace(hour=23))
    commands = gate.poll()
    assert [c for _, c in commands] == [
        f"DATA UPDATE USERINFO PIN={site.worker_ids[2]}\tName=王五\tPrivilege=0\tCard=",
        "DATA QUERY ATTLOG StartTime=2026-10-08 00:00:00\tEndTime=2026-10-08 23:00:00",
    ]
    assert gate.poll() == []  # sent commands are not served twice
    r = gate.execute(commands)  # re-uploads the whole day: all duplicates
    assert (r.status_code, r.text) == (200, "OK")
    assert gate.users == {str(site.worker_ids[2]): "王五"}
    assert gate.log[-1] == "ATTLOG 4 -> 200 OK: 4"
    drain(app)
    assert count(db, Punch) == 4
    with db.sessions() as s:
        results = s.execute(
            select(DeviceCommand.status, DeviceCommand.return_code).order_by(DeviceCommand.id)
        ).all()
        device = s.scalar(select(Device).where(Device.serial == ZK_SN))
    assert [tuple(r) for r in results] == [("done", 0), ("done", 0)]
    assert device is not None and device.att_stamp == 8 and device.last_seen_at is not None
    [day1001, day1002] = worker_days(db)
    assert (day1001.punch_count, day1001.minutes, day1002.punch_count) == (2, 609, 1)


def test_a_resent_attlog_is_stored_once_and_still_acknowledged(client, app, db, site, app_options):
    gate = ZKTecoEmulator(client, ZK_SN, key=KEY)
    gate.punch("1001", DAY.replace(hour=7))
    gate.punch("1001", DAY.replace(hour=18))
    assert gate.upload().text == "OK: 2"
    drain(app)
    assert gate.upload().text == "OK: 2"
    drain(app)
    assert count(db, Punch) == 2
    [day] = worker_days(db)
    assert day.punch_count == 2


def test_a_malformed_attlog_line_is_acknowledged_and_logged_and_the_good_line_stored(
    client, app, db, site, app_options
):
    body = "1001\t2026-10-08 07:00:00\t0\t15\n1002\t08/10/2026 7:00\t0\t15\n"
    r = client.post("/iclock/cdata", params={"SN": ZK_SN, "key": KEY, "table": "ATTLOG"}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 2")  # else the terminal resends the bad line for ever
    drain(app)
    assert [p.person_key for p in punches(db)] == ["1001"]
    with db.sessions() as s:
        endpoint, reason = s.execute(select(DeviceRejection.endpoint, DeviceRejection.reason)).one()
    assert endpoint == "cdata:ATTLOG" and "row 2 time" in reason and "YYYY-MM-DD" in reason


def test_an_unknown_serial_is_rejected_and_logged(client, app, db, site, app_options):
    stranger = ZKTecoEmulator(client, "NOT-REGISTERED", key=KEY)
    stranger.punch("1001", DAY.replace(hour=7))
    assert stranger.handshake().status_code == 401
    r = stranger.upload()
    assert r.status_code == 401 and "NOT-REGISTERED" in r.text
    drain(app)
    assert count(db, Punch) == 0
    with db.sessions() as s:
        log = s.execute(select(DeviceRejection.serial, DeviceRejection.endpoint)).all()
    assert [tuple(x) for x in log] == [("NOT-REGISTERED", "cdata:get"), ("NOT-REGISTERED", "cdata:ATTLOG")]


def test_a_wrong_key_is_refused_unless_the_address_is_allowed(client, db, site, app_options):
    gate = ZKTecoEmulator(client, ZK_SN, key="wrong")
    assert gate.handshake().status_code == 403
    keyless = ZKTecoEmulator(client, ZK_SN)
    assert keyless.handshake().status_code == 403
    with db.transaction() as s:
        device = s.scalar(select(Device).where(Device.serial == ZK_SN))
        assert device is not None
        device.ip_allow = "10.0.0.1, testclient"
    assert keyless.handshake().status_code == 200


def test_operlog_is_acknowledged_and_command_results_with_errors_are_recorded(
    client, app, db, site, app_options
):
    gate = ZKTecoEmulator(client, ZK_SN, key=KEY)
    r = gate.upload_operlog(["OPLOG 4\t0\t2026-10-08 07:00:00\t0\t0\t0\t0", "USER PIN=1001\tName=张三"])
    assert (r.status_code, r.text) == (200, "OK: 2")
    with db.transaction() as s:
        s.add(
            DeviceCommand(
                device_id=s.scalar(select(Device.id).where(Device.serial == ZK_SN)), command="USER ADD PIN=1"
            )
        )
    commands = gate.poll()
    gate.execute(commands)
    drain(app)
    with db.sessions() as s:
        assert tuple(s.execute(select(DeviceCommand.status, DeviceCommand.return_code)).one()) == (
            "failed",
            -1002,
        )
    r = client.post("/iclock/devicecmd", params={"SN": ZK_SN, "key": KEY}, content="garbage line\n")
    assert (r.status_code, r.text) == (200, "OK")  # acknowledged, logged
    drain(app)
    with db.sessions() as s:
        assert s.scalar(select(DeviceRejection.endpoint)) == "devicecmd"
        assert s.scalar(select(Device.op_stamp).where(Device.serial == ZK_SN)) == 1
