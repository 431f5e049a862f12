"""Live demo gates (``wageguard serve --demo-gates N``) against a real uvicorn server, both vendors."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from tests.attendance.conftest import Site, drain

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import push_roster, register_device
from wageguard.attendance.live import demo_key, silent_gate_serials, start_live_gates
from wageguard.attendance.models import Device, DeviceCommand, Punch
from wageguard.attendance.schemas import DeviceIn
from wageguard.auth.scope import SYSTEM
from wageguard.db import Database

LIVE = {"ZK-LIVE-0001": Vendor.ZKTECO, "HIK-LIVE-0001": Vendor.HIKVISION}
QUIET = "ZK-QUIET-0001"  # the planted silent gate: must stay silent


def _demo_gates(db: Database, site: Site) -> None:
    with db.transaction() as s:
        for serial, vendor in {**LIVE, QUIET: Vendor.ZKTECO}.items():
            data = DeviceIn(
                vendor=vendor, serial=serial, project_code=site.project_code, secret=demo_key(serial)
            )
            register_device(session=s, principal=SYSTEM, data=data)
            push_roster(session=s, principal=SYSTEM, serial=serial)


def _truth(tmp_path: Path) -> Path:
    path = tmp_path / "truth.json"
    faults = [{"fault": "silent_gate", "stage": "attendance", "serial": QUIET}, {"fault": "unknown_pin"}]
    path.write_text(json.dumps({"faults": faults}), encoding="utf-8")
    return path


def test_live_gates_punch_and_report_for_both_vendors(
    app,
    db: Database,
    site: Site,
    attendance_server: str,
    tmp_path: Path,
) -> None:
    _demo_gates(db, site)
    truth = _truth(tmp_path)
    assert silent_gate_serials(truth) == {QUIET}
    gates = start_live_gates(db=db, base_url=attendance_server, count=4, truth_path=truth, interval=0.3)
    assert gates is not None
    try:
        played = gates.wait_for_rounds(3, timeout=120)  # a bound: returns once the third round is played
    finally:
        gates.stop()
    assert played and gates.rounds >= 3 and not gates.running
    drain(app)
    with db.sessions() as s:
        seen = {sn: at for sn, at in s.execute(select(Device.serial, Device.last_seen_at))}
        by_source = {
            src: n for src, n in s.execute(select(Punch.source, func.count()).group_by(Punch.source))
        }
        workers = set(s.scalars(select(Punch.worker_id).where(Punch.source.in_(list(LIVE)))))
        zk_commands = set(
            s.scalars(
                select(DeviceCommand.status)
                .join(Device, Device.id == DeviceCommand.device_id)
                .where(Device.serial == "ZK-LIVE-0001")
            )
        )
    for serial in LIVE:
        assert seen[serial] is not None, serial
        assert by_source.get(serial, 0) >= 1, (serial, by_source)
    assert workers <= set(site.worker_ids) and None not in workers  # roster workers only
    assert zk_commands == {"done"}  # the roster's USERINFO commands were polled and executed
    # Real gates (another secret) and the planted silent gate were never played.
    assert seen[QUIET] is None and QUIET not in by_source
    assert all(seen[sn] is None for sn in ("ZK0001TEST", "HIK0001TEST"))


def test_no_gates_requested_starts_nothing(db: Database, tmp_path: Path) -> None:
    assert start_live_gates(db=db, base_url="http://127.0.0.1:9", count=0, truth_path=tmp_path / "x") is None
    assert silent_gate_serials(tmp_path / "missing.json") == set()
