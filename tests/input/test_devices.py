"""Gate endpoints under hostile and unusual input: never a 500, terminals' real dialects stored, bad lines
acknowledged and logged (a terminal resends whatever is not acknowledged, for ever)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.attendance.conftest import HIK_SN, KEY, OPTIONS, ZK_SN, Site, build_site, count, drain, punches

from wageguard.attendance.emulator import hik_event
from wageguard.attendance.models import Device, DeviceCommand, DeviceRejection, Punch
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

DAY = datetime(2026, 10, 8)
ZK = {"SN": ZK_SN, "key": KEY}
HIK = {"SN": HIK_SN, "key": KEY}


@pytest.fixture
def site(db: Database, protector: Protector) -> Site:
    return build_site(db, protector)


@pytest.fixture
def gate(app, site: Site) -> Iterator[TestClient]:
    """A client that answers a server error as a 500 response (as a terminal would see it)."""
    app.state.ingest_options = OPTIONS
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def rtlog(at: str, *, pin: str, event: int, inout: int, verify: int, index: int, card: str = "0") -> str:
    """One ``table=rtlog`` line as access-control firmware sends it."""
    fields = {"time": at, "pin": pin, "cardno": card, "eventaddr": 1, "event": event}
    fields |= {"inoutstatus": inout, "verifytype": verify, "index": index}
    return "\t".join(f"{k}={v}" for k, v in fields.items())


def _rejections(db: Database) -> list[tuple[str, str]]:
    with db.sessions() as s:
        return [tuple(r) for r in s.execute(select(DeviceRejection.endpoint, DeviceRejection.reason))]


# --- Hikvision ISAPI -------------------------------------------------------------------------------------


def test_a_non_utf8_event_body_is_a_400_before_authentication(gate: TestClient) -> None:
    body = b'{"eventType": "AccessControllerEvent", "name": "\xd5\xc5\xc8\xfd"}'  # GBK bytes
    for params in ({}, HIK):
        r = gate.post(
            "/isapi/event", params=params, content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 400, r.text
        assert "UTF-8" in r.json()["statusString"]


def test_deeply_nested_event_json_is_a_400_before_authentication(gate: TestClient) -> None:
    for body in ("[" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        r = gate.post("/isapi/event", content=body.encode(), headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert "JSON" in r.json()["statusString"]


def test_a_huge_serial_no_is_acknowledged_and_the_punch_kept(gate: TestClient, app, db: Database) -> None:
    for serial_no in (10**30, "9" * 5000):
        event = hik_event(at=DAY.replace(hour=7), employee="1001", serial_no=1)
        event["AccessControllerEvent"]["serialNo"] = serial_no
        r = gate.post("/isapi/event", params=HIK, files={"event_log": (None, json.dumps(event))})
        assert r.status_code == 200, r.text
    drain(app)
    assert [p.person_key for p in punches(db)] == ["1001"]  # the resend is the same punch
    with db.sessions() as s:
        assert s.scalar(select(Device.last_serial_no).where(Device.serial == HIK_SN)) is None


def test_a_year_one_event_time_is_acknowledged_and_logged(gate: TestClient, app, db: Database) -> None:
    for moment in ("0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-08:00"):
        event = hik_event(at=DAY, employee="1001", serial_no=1)
        event["dateTime"] = moment
        r = gate.post("/isapi/event", params=HIK, files={"event_log": (None, json.dumps(event))})
        assert r.status_code == 200, r.text
        assert r.json()["accepted"] == 0
    drain(app)
    assert count(db, Punch) == 0
    logged = _rejections(db)
    assert len(logged) == 3 and all(e == "isapi:event" and "dateTime" in why for e, why in logged)


# --- ZKTeco PUSH -----------------------------------------------------------------------------------------


def test_an_attlog_line_dated_year_one_is_logged_and_the_good_lines_stored(
    gate: TestClient,
    app,
    db: Database,
) -> None:
    body = (
        "1001\t2026-10-08 07:00:00\t0\t15\n"
        "1002\t0001-01-01 00:00:00\t0\t15\n"
        "1002\t2026-10-08 07:05:00\t0\t1\n"
    )
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG", "Stamp": "3"}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 3")
    drain(app)
    assert sorted(p.person_key for p in punches(db)) == ["1001", "1002"]
    [(endpoint, reason)] = _rejections(db)
    assert endpoint == "cdata:ATTLOG" and "row 2" in reason and "time" in reason


@pytest.mark.parametrize("stamp", ["9" * 30, "9" * 5000, "-1", "１２"])
def test_a_huge_or_odd_stamp_is_ignored_and_the_punches_stored(
    gate: TestClient,
    app,
    db: Database,
    stamp: str,
) -> None:
    body = "1001\t2026-10-08 07:00:00\t0\t15\n"
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG", "Stamp": stamp}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 1")
    r = gate.post(
        "/iclock/cdata", params={**ZK, "table": "OPERLOG", "OpStamp": stamp}, content="OPLOG 4\t0\n"
    )
    assert (r.status_code, r.text) == (200, "OK: 1")
    drain(app)
    assert count(db, Punch) == 1
    with db.sessions() as s:
        assert tuple(
            s.execute(select(Device.att_stamp, Device.op_stamp).where(Device.serial == ZK_SN)).one()
        ) == (
            0,
            0,
        )


def test_a_huge_command_id_or_return_code_is_logged_and_the_good_results_recorded(
    gate: TestClient,
    app,
    db: Database,
) -> None:
    with db.transaction() as s:
        device_id = s.scalar(select(Device.id).where(Device.serial == ZK_SN))
        command = DeviceCommand(device_id=device_id, command="INFO", status="sent")
        s.add(command)
        s.flush()
        command_id = command.id
    body = (
        f"ID={'9' * 30}&Return=0&CMD=INFO\n"
        f"ID={command_id}&Return=0&CMD=INFO\n"
        f"ID=1&Return={'9' * 5000}&CMD=X\n"
    )
    r = gate.post("/iclock/devicecmd", params=ZK, content=body)
    assert (r.status_code, r.text) == (200, "OK")
    r = gate.post("/iclock/devicecmd", params={**ZK, "ID": "9" * 30}, content="garbage line\n")
    assert (r.status_code, r.text) == (200, "OK")
    drain(app)
    with db.sessions() as s:
        assert s.scalar(select(DeviceCommand.status)) == "done"
    logged = _rejections(db)
    assert len(logged) == 2 and all(e == "devicecmd" for e, _ in logged)
    assert "row 1" in logged[0][1] and "row 3" in logged[0][1] and "row 1" in logged[1][1]


def test_key_value_attlog_lines_of_newer_firmware_are_stored(gate: TestClient, app, db: Database) -> None:
    body = (
        "PIN=1001\tDateTime=2026-10-08 07:31:00\tVerified=15\tStatus=0\tWorkCode=0\n"
        "PIN=1002\tDateTime=2026-10-08 17:32:00\tVerified=1\tStatus=1\n"
        + rtlog("2026-10-08 17:40:00", pin="1001", event=0, inout=1, verify=4, index=9)
        + "\n"
    )
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG", "Stamp": "3"}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 3")
    drain(app)
    stored = [(p.person_key, p.local_time.hour, p.direction, p.attend_type, p.kind) for p in punches(db)]
    assert stored == [
        ("1001", 7, "01", "001", "worker"),
        ("1002", 17, "02", "003", "worker"),
        ("1001", 17, "02", "006", "worker"),
    ]
    assert _rejections(db) == []


def test_rtlog_passages_are_stored_and_door_events_acknowledged(gate: TestClient, app, db: Database) -> None:
    lines = [
        rtlog("2026-10-08 07:28:03", pin="1001", event=0, inout=0, verify=15, index=1),
        rtlog("2026-10-08 07:29:00", pin="0", event=200, inout=0, verify=200, index=2),  # door opened
        rtlog("2026-10-08 07:30:10", pin="0", event=27, inout=0, verify=4, index=3, card="123"),  # stranger
        rtlog("2026-10-08 18:01:00", pin="1002", event=0, inout=1, verify=15, index=4),
    ]
    for table in ("rtlog", "RTLOG"):
        r = gate.post("/iclock/cdata", params={**ZK, "table": table}, content="\n".join(lines) + "\n")
        assert (r.status_code, r.text) == (200, "OK: 4")
    drain(app)
    stored = sorted((p.person_key, p.direction, p.kind) for p in punches(db))
    assert stored == [("1001", "01", "worker"), ("1002", "02", "worker"), ("stranger:rt:3", "01", "stranger")]
    assert _rejections(db) == []


def test_the_registry_handshake_of_newer_firmware_is_answered(gate: TestClient, app, db: Database) -> None:
    options = (
        "DeviceType=att,~DeviceName=SpeedFace-V5L,FirmVer=ZAM180-Ver1.1.17,PushVersion=3.1.2,MAC=00:17:61"
    )
    r = gate.post("/iclock/registry", params=ZK, content=options)
    assert r.status_code == 200, r.text
    assert r.text.startswith("RegistryCode=") and len(r.text.split("\n")[0]) > len("RegistryCode=")
    r = gate.get("/iclock/push", params=ZK)
    assert r.status_code == 200 and "ServerVersion=" in r.text and "Realtime=1" in r.text
    assert (
        gate.post(
            "/iclock/registry", params={"SN": "NOT-REGISTERED", "key": KEY}, content=options
        ).status_code
        == 401
    )
    drain(app)
    with db.sessions() as s:
        assert s.scalar(select(Device.last_seen_at).where(Device.serial == ZK_SN)) is not None


def test_a_malformed_line_is_acknowledged_and_logged_and_the_good_lines_stored(
    gate: TestClient,
    app,
    db: Database,
) -> None:
    body = (
        "1001\t2026-10-08 07:00:00\t0\t15\n"
        "1002\t08/10/2026 7:00\t0\t15\n"
        "garbage\n"
        f"{'9' * 40}\t2026-10-08 07:10:00\t0\t15\n"
        "1002\t2026-02-30 07:00:00\t0\t15\n"
        "1002\t2026-10-08 07:20:00\t0\t15\n"
    )
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 6")
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=body)  # resent: stored once
    assert (r.status_code, r.text) == (200, "OK: 6")
    drain(app)
    assert [p.person_key for p in punches(db)] == ["1001", "1002"]
    logged = _rejections(db)
    assert len(logged) == 2
    for endpoint, reason in logged:
        assert endpoint == "cdata:ATTLOG"
        assert all(f"row {n}" in reason for n in (2, 3, 4, 5)) and "YYYY-MM-DD" in reason


def test_a_non_utf8_attlog_body_keeps_its_good_lines(gate: TestClient, app, db: Database) -> None:
    body = b"1001\t2026-10-08 07:00:00\t0\t15\n" + b"\xff\xfe\t2026-10-08 07:01:00\t0\t15\n"
    r = gate.post("/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=body)
    assert (r.status_code, r.text) == (200, "OK: 2")
    drain(app)
    assert [p.person_key for p in punches(db)] == ["1001"]
    assert len(_rejections(db)) == 1


# --- the national batch API -------------------------------------------------------------------------------


def test_a_batch_dated_year_one_is_a_422_with_the_row(
    gate: TestClient, db: Database, site: Site, make_user, login
) -> None:
    make_user("adm", Role.ADMIN)
    rows = [("2026-10-08 07:30:00", 0), ("0001-01-01 00:00:00", 1), ("9999-12-31 23:59:59", 0)]
    batch = {
        "projectCode": site.project_code,
        "dataList": [{"idCardNumber": site.id_numbers[i], "date": d, "direction": "01"} for d, i in rows],
    }
    r = gate.post("/api/v1/attendance/batch", json=batch, headers=login("adm"))
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "date"), (3, "date")]
    assert all(p["message_zh"] and p["message_en"] for p in problems)
    assert count(db, Punch) == 0
