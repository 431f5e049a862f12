"""Punch writes stay inside the writer's scope: a device account posts only for the projects of its own
devices, an enterprise only for its projects; devices are managed only inside an inspector's region."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from tests.security import write_scope_world
from tests.security.write_scope_world import SN_A, SN_B, WriteWorld

from wageguard.attendance import devices as device_service
from wageguard.attendance.choices import Vendor
from wageguard.attendance.models import Device, DeviceCommand, DeviceEnrolment, Punch
from wageguard.attendance.schemas import DeviceIn
from wageguard.db import Database
from wageguard.errors import NotFound
from wageguard.registry.choices import Role

write_world = write_scope_world.write_world  # the fixture


def _punches(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Punch)) or 0)


def _batch(world: WriteWorld) -> dict[str, object]:
    """Two punches of side A's worker on side A's project."""
    a = world.a
    records = [
        {"idCardType": "01", "idCardNumber": a.worker_id_number, "date": f"2026-10-08 {t}", "direction": d}
        for t, d in (("07:30:00", "01"), ("17:30:00", "02"))
    ]
    return {"projectCode": a.project_code, "teamSysNo": a.team_sys_no, "dataList": records}


@pytest.mark.parametrize("caller", ["gate_b", "gate_none", "ent_b"])
def test_a_batch_for_a_project_outside_the_callers_devices_or_projects_is_refused(
    client, db, login, write_world: WriteWorld, caller: str
):
    r = client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login(caller))
    assert r.status_code == 404, r.text
    assert _punches(db) == 0


@pytest.mark.parametrize("caller", ["gate_a", "ent_a"])
def test_the_projects_own_device_account_and_enterprise_may_post(
    client, db, login, write_world: WriteWorld, caller: str
):
    r = client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login(caller))
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2 and _punches(db) == 2


def test_moving_a_device_moves_its_accounts_write_right(client, db, login, write_world: WriteWorld, cli):
    from wageguard.cli.main import app

    assert (
        client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login("gate_b")).status_code
        == 404
    )
    r = client.put(f"/api/v1/devices/{SN_A}/account", json={"account": "gate_b"}, headers=login("admin"))
    assert r.status_code == 200 and r.json()["account"] == "gate_b"
    assert (
        client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login("gate_b")).status_code
        == 200
    )
    assert (
        client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login("gate_a")).status_code
        == 404
    )
    unlinked = cli.invoke(app, ["device", "assign", SN_A])
    assert unlinked.exit_code == 0, unlinked.output
    assert (
        client.post("/api/v1/attendance/batch", json=_batch(write_world), headers=login("gate_b")).status_code
        == 404
    )
    linked = cli.invoke(app, ["device", "assign", SN_A, "--account", "gate_a"])
    assert linked.exit_code == 0, linked.output
    with db.sessions() as s:
        owner = s.scalar(select(Device.account_user_id).where(Device.serial == SN_A))
    assert owner == write_world.principals["gate_a"].user_id


def test_only_device_accounts_can_be_linked_to_a_device(client, login, write_world: WriteWorld):
    r = client.put(f"/api/v1/devices/{SN_A}/account", json={"account": "ent_a"}, headers=login("admin"))
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "account"


def test_an_inspector_manages_devices_only_inside_their_region(db, write_world: WriteWorld):
    insp_a, insp_b = write_world.principals["insp_a"], write_world.principals["insp_b"]
    a = write_world.a
    new = DeviceIn(
        vendor=Vendor.ZKTECO, serial="ZK-A-0002", project_code=a.project_code, secret="secret-0002"
    )
    actions = [
        lambda s, p: device_service.register_device(session=s, principal=p, data=new),
        lambda s, p: device_service.enrol_worker(
            session=s, principal=p, serial=SN_A, worker_id=a.worker_id, pin="7"
        ),
        lambda s, p: device_service.push_roster(session=s, principal=p, serial=SN_A),
        lambda s, p: device_service.request_missed_punches(
            session=s, principal=p, serial=SN_A, start=datetime(2026, 10, 1), end=datetime(2026, 10, 2)
        ),
        lambda s, p: device_service.assign_device_account(
            session=s, principal=p, serial=SN_A, account="gate_b"
        ),
    ]
    for act in actions:
        with pytest.raises(NotFound), db.transaction() as s:
            act(s, insp_b)
    for p in (write_world.principals["ent_a"], write_world.principals["gate_a"]):
        with pytest.raises(NotFound), db.transaction() as s:
            device_service.push_roster(session=s, principal=p, serial=SN_A)
    with db.sessions() as s:
        counts = [
            int(s.scalar(select(func.count()).select_from(m)) or 0) for m in (DeviceEnrolment, DeviceCommand)
        ]
        assert (s.scalar(select(func.count()).select_from(Device)), counts) == (2, [0, 0])
    for act in actions:
        with db.transaction() as s:
            act(s, insp_a)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Device)) == 3


def test_the_device_management_routes_stay_admin_only(client, login, write_world: WriteWorld, make_user):
    make_user("insp_city", Role.INSPECTOR, region_code="520600")
    headers = login("insp_city")
    assert client.post(f"/api/v1/devices/{SN_B}/roster", headers=headers).status_code == 403
    assert (
        client.put(f"/api/v1/devices/{SN_B}/account", json={"account": None}, headers=headers).status_code
        == 403
    )
