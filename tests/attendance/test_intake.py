"""No freeze: while another connection holds the database's write lock, gates are still acknowledged — only
once their punches are durable in the intake — and the pages and health checks answer; draining after the lock
is released stores the punches, once."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from tests.attendance.conftest import HIK_SN, KEY, ZK_SN, Site, count, drain, punches, worker_days
from tests.locks import WAIT_S, answered, lock_held

from wageguard.attendance.emulator import hik_event
from wageguard.attendance.intake import Intake, IntakeDrainer, drain_intake
from wageguard.attendance.models import Device, DeviceCommand, DeviceRejection, Punch
from wageguard.db import Database
from wageguard.web.iclock import intake_of, options_of

DAY = datetime(2026, 10, 8)
ZK = {"SN": ZK_SN, "key": KEY}
ATTLOG = "1001\t2026-10-08 07:00:00\t0\t15\n1002\t2026-10-08 07:02:00\t0\t15\n"


def write_lock_held(db: Database) -> AbstractContextManager[None]:
    """Another connection holding the write lock: SQLite ``BEGIN IMMEDIATE``; PostgreSQL an ``EXCLUSIVE``
    lock (reads pass, writes wait) on the tables a device call used to write."""
    return lock_held(db, "LOCK TABLE punches, devices, device_rejections, device_commands IN EXCLUSIVE MODE")


def _hik(client: TestClient, employee: str, minute: int, serial_no: int) -> Any:
    event = hik_event(at=DAY.replace(hour=7, minute=minute), employee=employee, serial_no=serial_no)
    return client.post(
        "/isapi/event", params={"SN": HIK_SN, "key": KEY}, files={"event_log": (None, json.dumps(event))}
    )


def test_gates_are_acknowledged_durably_while_the_write_lock_is_held_and_stored_after(
    client: TestClient,
    app,
    db: Database,
    site: Site,
    app_options,
) -> None:
    with write_lock_held(db):
        r = answered(
            lambda: client.post(
                "/iclock/cdata", params={**ZK, "table": "ATTLOG", "Stamp": "2"}, content=ATTLOG
            )
        )
        assert (r.status_code, r.text) == (200, "OK: 2")
        r = answered(lambda: _hik(client, "1001", 40, 1))
        assert r.status_code == 200 and r.json()["accepted"] == 1
        # Durable before the reply: a fresh reader of the intake file sees both posts.
        assert Intake(intake_of(app).path).pending() == 2
        assert count(db, Punch) == 0
        # Authentication is still checked before acknowledging.
        r = answered(
            lambda: client.post(
                "/iclock/cdata", params={**ZK, "key": "wrong", "table": "ATTLOG"}, content=ATTLOG
            )
        )
        assert r.status_code == 403
        r = answered(
            lambda: client.post(
                "/iclock/cdata", params={"SN": "NOT-REGISTERED", "table": "ATTLOG"}, content=ATTLOG
            )
        )
        assert r.status_code == 401
        # Everything else a gate, a worker or a monitor asks answers too.
        assert answered(lambda: client.get("/iclock/ping", params=ZK)).text == "OK"
        assert (
            answered(lambda: client.get("/iclock/cdata", params={**ZK, "options": "all"})).status_code == 200
        )
        assert answered(lambda: client.get("/healthz")).status_code == 200
        assert answered(lambda: client.get(f"/c/{site.project_code}")).status_code == 200

    drain(app)
    stored = sorted((p.person_key, p.local_time.minute, p.source) for p in punches(db))
    assert stored == [("1001", 0, ZK_SN), ("1001", 40, HIK_SN), ("1002", 2, ZK_SN)]
    assert Intake(intake_of(app).path).pending() == 0
    with db.sessions() as s:
        assert s.scalar(select(Device.att_stamp).where(Device.serial == ZK_SN)) == 2
        assert sorted(s.scalars(select(DeviceRejection.endpoint))) == ["cdata:ATTLOG", "cdata:ATTLOG"]
    # A resend (the gate did not get the reply) is acknowledged again and never double-counts.
    client.post("/iclock/cdata", params={**ZK, "table": "ATTLOG", "Stamp": "2"}, content=ATTLOG)
    _hik(client, "1001", 40, 1)
    drain(app)
    assert count(db, Punch) == 3
    assert sorted(d.punch_count for d in worker_days(db)) == [1, 2]


def test_queued_commands_wait_for_the_lock_and_are_served_after(
    client: TestClient,
    db: Database,
    site: Site,
    app_options,
) -> None:
    with db.transaction() as s:
        device_id = s.scalar(select(Device.id).where(Device.serial == ZK_SN))
        s.add(DeviceCommand(device_id=device_id, command="INFO"))
    with write_lock_held(db):
        assert answered(lambda: client.get("/iclock/getrequest", params=ZK)).text == "OK"
    r = client.get("/iclock/getrequest", params=ZK)
    assert r.text.startswith("C:") and r.text.strip().endswith(":INFO")
    assert client.get("/iclock/getrequest", params=ZK).text == "OK"


def test_the_drainer_thread_stores_what_is_acknowledged(
    client: TestClient,
    app,
    db: Database,
    site: Site,
    app_options,
) -> None:
    intake = intake_of(app)
    drainer = IntakeDrainer(db=db, intake=intake, options=options_of(app), idle_s=WAIT_S).start()
    try:
        assert client.post("/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=ATTLOG).text == "OK: 2"
        assert drainer.wait_idle(WAIT_S), "the drainer did not catch up"
    finally:
        drainer.stop(WAIT_S)
    assert not drainer.running
    assert count(db, Punch) == 2


def test_an_entry_that_cannot_be_stored_is_kept_aside_and_does_not_block_the_rest(
    client: TestClient,
    app,
    db: Database,
    site: Site,
    app_options,
) -> None:
    intake = intake_of(app)
    assert client.post("/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=ATTLOG).text == "OK: 2"
    with db.transaction() as s:  # the device vanishes between the acknowledgement and the drain
        device_id = s.scalar(select(Device.id).where(Device.serial == ZK_SN))
        s.execute(text("DELETE FROM device_enrolments WHERE device_id = :d"), {"d": device_id})
        s.execute(text("DELETE FROM devices WHERE id = :d"), {"d": device_id})
    r = _hik(client, "1001", 40, 1)
    assert r.status_code == 200
    report = drain_intake(db=db, intake=intake, options=options_of(app))
    assert (report.stored, report.failed) == (1, 1)
    assert [p.source for p in punches(db)] == [HIK_SN]
    assert intake.pending() == 0 and intake.stuck() == 1
