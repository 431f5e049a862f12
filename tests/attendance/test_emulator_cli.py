"""``wageguard emulate …`` plays both protocols against a real HTTP server."""

from __future__ import annotations

from sqlalchemy import select
from tests.attendance.conftest import HIK_SN, KEY, ZK_SN, drain, punches, worker_days
from typer.testing import CliRunner

from wageguard.attendance.devices import push_roster
from wageguard.attendance.models import DeviceCommand
from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app as cli


def test_the_zkteco_emulator_runs_a_whole_conversation_over_http(app, db, site, attendance_server):
    with db.transaction() as s:
        push_roster(session=s, principal=SYSTEM, serial=ZK_SN)
    args = ["emulate", "zkteco", ZK_SN, "--server", attendance_server, "--key", KEY, "--day", "2026-10-08"]
    r = CliRunner().invoke(cli, [*args, "--pins", "1001,1002"])
    assert r.exit_code == 0, r.output
    assert "ATTLOG 4 -> 200 OK: 4" in r.output and "poll -> 1 commands" in r.output
    drain(app)
    assert [(d.punch_count, d.work_date.isoformat()) for d in worker_days(db)] == [(2, "2026-10-08")] * 2
    with db.sessions() as s:
        assert list(s.scalars(select(DeviceCommand.status))) == ["done"]


def test_the_hikvision_emulator_posts_faces_and_strangers_over_http(app, db, site, attendance_server):
    args = [
        "emulate",
        "hikvision",
        HIK_SN,
        "--server",
        attendance_server,
        "--key",
        KEY,
        "--day",
        "2026-10-08",
    ]
    r = CliRunner().invoke(cli, [*args, "--employees", "1001", "--strangers", "1"])
    assert r.exit_code == 0, r.output
    assert "heartBeat -> 200" in r.output and "stranger -> 200" in r.output
    drain(app)
    assert sorted(p.kind for p in punches(db)) == ["stranger", "worker", "worker"]
