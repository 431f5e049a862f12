"""Time zones as integrations send them: IANA names and UTC offsets (``+08:00``, ``+0800``, ``UTC+8``,
``GMT+08:00``) are accepted wherever a zone is, stored in one canonical form, and punch times are moved to
UTC with it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from tests.attendance.conftest import KEY, Site, drain, punches

from wageguard.attendance.devices import enrol_worker
from wageguard.attendance.emulator import HikvisionEmulator, ZKTecoEmulator
from wageguard.attendance.models import Device
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.timezones import canonical_zone

DAY = datetime(2026, 10, 8)


def _register(client, login, site: Site, serial: str, tz: str, vendor: str = "zkteco"):  # type: ignore[no-untyped-def]
    body = {"vendor": vendor, "serial": serial, "project_code": site.project_code, "secret": KEY, "tz": tz}
    return client.post("/api/v1/devices", json=body, headers=login("adm"))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+08:00", "+08:00"),
        ("+0800", "+08:00"),
        ("+08", "+08:00"),
        ("UTC+8", "+08:00"),
        ("GMT+08:00", "+08:00"),
        ("utc-05:30", "-05:30"),
        ("Z", "+00:00"),
        ("-00:00", "+00:00"),
        ("Asia/Shanghai", "Asia/Shanghai"),
        (" Asia/Urumqi ", "Asia/Urumqi"),
    ],
)
def test_zones_and_offsets_have_one_canonical_form(given: str, stored: str) -> None:
    assert canonical_zone(given) == stored


@pytest.mark.parametrize(
    "bad", ["", "+25:00", "+08:60", "UTC+", "Mars/Olympus", "08:00", "+8:00:00", "../etc", "Beijing"]
)
def test_what_is_neither_a_zone_nor_an_offset_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        canonical_zone(bad)


def test_a_gate_registered_with_an_offset_is_accepted_and_its_punches_move_to_utc_by_it(
    client, app, db: Database, site: Site, app_options, make_user, login
) -> None:
    make_user("adm", Role.ADMIN)
    r = _register(client, login, site, "ZK-OFF-1", "+08:00")
    assert r.status_code == 201, r.text
    assert r.json()["tz"] == "+08:00"
    r = _register(client, login, site, "ZK-OFF-2", "UTC-5")
    assert (r.status_code, r.json()["tz"]) == (201, "-05:00")
    r = _register(client, login, site, "HIK-OFF-1", "+0530", vendor="hikvision")
    assert (r.status_code, r.json()["tz"]) == (201, "+05:30")
    with db.transaction() as s:
        for serial in ("ZK-OFF-1", "ZK-OFF-2", "HIK-OFF-1"):
            enrol_worker(session=s, principal=SYSTEM, serial=serial, worker_id=site.worker_ids[0], pin="1001")

    east, west = ZKTecoEmulator(client, "ZK-OFF-1", key=KEY), ZKTecoEmulator(client, "ZK-OFF-2", key=KEY)
    assert "TimeZone=8" in east.handshake().text
    assert "TimeZone=-5" in west.handshake().text
    east.punch("1001", DAY.replace(hour=7, minute=31))
    assert east.upload().text == "OK: 1"
    west.punch("1001", DAY.replace(hour=7, minute=31))
    assert west.upload().text == "OK: 1"
    # a Hikvision event carries its own offset (+08:00): the local time is kept in the gate's zone
    hik = HikvisionEmulator(client, "HIK-OFF-1", key=KEY)
    assert hik.punch("1001", DAY.replace(hour=9)).status_code == 200
    drain(app)
    with db.sessions() as s:
        serial_of = {i: serial for i, serial in s.execute(select(Device.id, Device.serial))}
    got = {(serial_of[p.device_id], p.tz, p.local_time, p.punched_at) for p in punches(db)}
    assert got == {
        ("ZK-OFF-1", "+08:00", DAY.replace(hour=7, minute=31), datetime(2026, 10, 7, 23, 31)),
        ("ZK-OFF-2", "-05:00", DAY.replace(hour=7, minute=31), DAY.replace(hour=12, minute=31)),
        ("HIK-OFF-1", "+05:30", DAY.replace(hour=6, minute=30), DAY.replace(hour=1)),
    }


def test_a_zone_that_is_neither_is_refused_with_a_bilingual_problem_on_the_field(
    client, db: Database, site: Site, make_user, login
) -> None:
    make_user("adm", Role.ADMIN)
    r = _register(client, login, site, "ZK-OFF-9", "+25:00")
    assert r.status_code == 422, r.text
    [problem] = r.json()["problems"]
    assert (problem["field"], problem["value"]) == ("tz", "+25:00")
    assert "时区" in problem["message_zh"] and "+08:00" in problem["message_en"]


def test_the_cli_registers_a_gate_with_an_offset(cli, db: Database, site: Site) -> None:
    args = ["device", "register", "ZK-CLI-OFF", "--project", site.project_code, "--secret", KEY]
    r = cli.invoke(cli_app, [*args, "--tz", "+0800"])
    assert r.exit_code == 0, r.output
    with db.sessions() as s:
        assert s.scalar(select(Device.tz).where(Device.serial == "ZK-CLI-OFF")) == "+08:00"
    r = cli.invoke(cli_app, [*args[:1], "register", "ZK-CLI-BAD", *args[3:], "--tz", "Mars/Olympus"])
    assert r.exit_code == 1 and "tz" in r.output and "时区" in r.output


def test_the_default_zone_of_batches_may_be_an_offset(settings: Settings) -> None:
    """``attendance_timezone`` accepts an offset too (canonical), and refuses what is neither at start-up."""
    cfg = Settings(**{**settings.model_dump(), "attendance_timezone": "GMT+0800"})
    assert IngestOptions.from_settings(cfg).default_tz == "+08:00"
    with pytest.raises(ValueError, match="attendance_timezone"):
        Settings(**{**settings.model_dump(), "attendance_timezone": "Beijing"})
