"""Hikvision ISAPI event conversations replayed through the HTTP app by the device emulator."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from tests.attendance.conftest import HIK_SN, KEY, count, drain, punches, worker_days

from wageguard.attendance.emulator import HikvisionEmulator, hik_event
from wageguard.attendance.models import Device, DeviceRejection, Punch, SerialGap

DAY = datetime(2026, 10, 8)


def test_face_events_in_multipart_and_json_with_bom_become_punches(client, app, db, site, app_options):
    gate = HikvisionEmulator(client, HIK_SN, key=KEY)
    r = gate.punch("1001", DAY.replace(hour=7, minute=2), door=1)  # multipart with a picture
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert gate.punch("1001", DAY.replace(hour=18, minute=2), door=2, picture=False).status_code == 200
    assert gate.punch("1002", DAY.replace(hour=7, minute=5), multipart=False, bom=True).status_code == 200
    assert gate.punch("1002", DAY.replace(hour=17, minute=5), multipart=False).status_code == 200
    drain(app)
    stored = punches(db)
    assert sorted((p.person_key, p.direction, p.attend_type) for p in stored) == [
        ("1001", "01", "001"),
        ("1001", "02", "001"),
        ("1002", "01", "001"),
        ("1002", "01", "001"),  # attendanceStatus checkIn wins over the door number
    ]
    assert stored[0].local_time == DAY.replace(hour=7, minute=2)
    assert stored[0].punched_at == datetime(2026, 10, 7, 23, 2)
    assert [(d.punch_count, d.minutes) for d in worker_days(db)] == [(2, 660), (2, 600)]


def test_heartbeats_and_door_events_are_accepted_and_ignored(client, app, db, site, app_options):
    gate = HikvisionEmulator(client, HIK_SN, key=KEY)
    r = gate.heartbeat(DAY)
    assert r.status_code == 200 and r.json()["eventType"] == "heartBeat"
    drain(app)
    r = gate.door_event(DAY.replace(hour=7))
    assert r.status_code == 200 and r.json()["accepted"] == 0
    drain(app)
    assert count(db, Punch) == 0
    with db.sessions() as s:
        assert s.scalar(select(Device.last_seen_at).where(Device.serial == HIK_SN)) is not None


def test_strangers_and_unknown_employee_numbers_are_stored_as_such(client, app, db, site, app_options):
    gate = HikvisionEmulator(client, HIK_SN, key=KEY)
    gate.punch(None, DAY.replace(hour=7))
    gate.punch("8888", DAY.replace(hour=7, minute=1))
    drain(app)
    assert sorted(p.kind for p in punches(db)) == ["stranger", "unknown_pin"]
    assert worker_days(db) == []


def test_serial_number_gaps_are_recorded_and_resent_events_stored_once(client, app, db, site, app_options):
    gate = HikvisionEmulator(client, HIK_SN, key=KEY)
    gate.punch("1001", DAY.replace(hour=7))
    gate.punch("1002", DAY.replace(hour=7, minute=3), skip=3)  # serials 2..4 lost in transit
    event = hik_event(at=DAY.replace(hour=7, minute=3), employee="1002", serial_no=5)
    assert gate.post(event).json()["accepted"] == 1  # the same event resent: acknowledged, stored once
    backfill = hik_event(at=DAY.replace(hour=7, minute=1), employee="1001", serial_no=3, current=False)
    assert gate.post(backfill).json()["accepted"] == 1
    drain(app)
    with db.sessions() as s:
        gap = s.execute(select(SerialGap.after_serial, SerialGap.before_serial, SerialGap.missing)).one()
    assert tuple(gap) == (1, 5, 3)
    assert count(db, Punch) == 3
    r = client.get("/api/v1/devices", headers=_admin(client, db))
    assert {d["serial"]: d["missing_events"] for d in r.json()}[HIK_SN] == 3


def _admin(client, db):  # type: ignore[no-untyped-def]
    from wageguard.auth.service import create_user
    from wageguard.registry.choices import Role

    with db.transaction() as s:
        create_user(session=s, username="adm", password="pw-adm", role=Role.ADMIN)
    token = client.post("/api/v1/auth/token", json={"username": "adm", "password": "pw-adm"}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_malformed_events_are_refused_or_logged_and_nothing_is_stored(client, app, db, site, app_options):
    params = {"SN": HIK_SN, "key": KEY}
    r = client.post("/isapi/event", params=params, content=b'{"eventType": "AccessControllerEvent", ')
    assert r.status_code == 400 and "JSON" in r.json()["statusString"]
    r = client.post("/isapi/event", params=params, files={"other": (None, "x")})
    assert r.status_code == 400 and "event_log" in r.json()["statusString"]
    bad_time = hik_event(at=DAY, employee="1001", serial_no=1)
    bad_time["dateTime"] = "yesterday"
    r = client.post("/isapi/event", params=params, files={"event_log": (None, json.dumps(bad_time))})
    assert r.status_code == 200 and r.json()["accepted"] == 0  # authenticated: acknowledged and logged
    drain(app)
    assert count(db, Punch) == 0
    with db.sessions() as s:
        assert "dateTime" in (s.scalar(select(DeviceRejection.reason)) or "")


def test_an_unknown_terminal_is_rejected_and_logged(client, app, db, site, app_options):
    r = HikvisionEmulator(client, "HIK-UNKNOWN", key=KEY).punch("1001", DAY.replace(hour=7))
    assert r.status_code == 401
    drain(app)
    assert count(db, Punch) == 0
    with db.sessions() as s:
        assert s.scalar(select(DeviceRejection.serial)) == "HIK-UNKNOWN"
