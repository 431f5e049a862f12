"""One working-day calendar: a ``calendar_overrides`` row changes monitoring (W16) and device health alike."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from tests.factories import make_region_project

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import device_ref, register_device
from wageguard.attendance.queries import device_health
from wageguard.attendance.schemas import DeviceIn, DevicePunch
from wageguard.attendance.service import ingest_device_punches
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.complaints.service import set_calendar_day
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert
from wageguard.workdays import load_calendar

SERIAL = "ZK-CAL-0001"
AS_OF = date(2026, 11, 25)  # a Wednesday
LAST_HEARD = datetime(2026, 11, 23, 2, 0)  # Monday 10:00 China time (naive UTC)
HEALTH_AT = datetime(2026, 11, 25, 4, 0)  # Wednesday noon China time
REST_DAYS = (date(2026, 11, 24), date(2026, 11, 25))  # ordinary weekdays, declared rest days below


def _gate_last_heard_on_monday(db: Database) -> None:
    with db.transaction() as s:
        project, _ = make_region_project(s, "520602")
        data = DeviceIn(
            vendor=Vendor.ZKTECO, serial=SERIAL, project_code=project.project_code, secret="gate-secret"
        )
        device = register_device(session=s, principal=SYSTEM, data=data)
        device.created_at = LAST_HEARD - timedelta(days=30)
    # W16 judges the gate's punches: one on each day of the week before, the last on Monday morning.
    days = [date(2026, 11, 16) + timedelta(days=i) for i in range(8)]
    punches = [
        DevicePunch(None, datetime(d.year, d.month, d.day, 8, 0), "01", "001", f"cal-{d}") for d in days
    ]
    options = IngestOptions(future_tolerance=timedelta(days=3650), past_window=timedelta(days=3650))
    with db.transaction() as s:
        ingest_device_punches(
            session=s, device=device_ref(s, SERIAL), punches=punches, options=options, now=LAST_HEARD
        )


def _w16_serials(db: Database, settings: Settings) -> list[str]:
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[parse_month("2026-10")])
    with db.sessions() as s:
        alerts = s.scalars(select(Alert).where(Alert.rule_code == "W16", Alert.still_holds.is_(True)))
        return [a.evidence["serial"] for a in alerts if a.period == "2026-11"]


def _silent_serials(db: Database) -> list[str]:
    with db.sessions() as s:
        return [h.serial for h in device_health(s, as_of=HEALTH_AT, silent_hours=24) if h.silent]


def test_declared_rest_days_keep_a_quiet_gate_out_of_w16_and_device_silence(
    db: Database, settings: Settings
) -> None:
    _gate_last_heard_on_monday(db)
    # Built-in calendar: Tuesday is a working day, so two days without contact is a blind spot.
    assert _w16_serials(db, settings) == [SERIAL]
    assert _silent_serials(db) == [SERIAL]

    with db.transaction() as s:
        for day in REST_DAYS:
            set_calendar_day(session=s, day=day, is_working=False, note="临时停工日 / declared rest day")
    with db.sessions() as s:
        assert not any(load_calendar(s).is_working_day(d) for d in REST_DAYS)

    # The same override table now decides the engine's deadline calendar and the device list.
    assert _w16_serials(db, settings) == []
    assert _silent_serials(db) == []
    with db.sessions() as s:
        health = device_health(s, as_of=HEALTH_AT, silent_hours=24)
    assert [(h.serial, h.working_days_silent) for h in health] == [(SERIAL, 0)]
