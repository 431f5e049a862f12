"""The punch store through the ingest use cases: idempotence, kinds, day boundary, derived tables."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from tests.attendance.conftest import OPTIONS, ZK_SN, Site, count, punches, worker_days, worker_months

from wageguard.attendance.devices import device_ref
from wageguard.attendance.models import Punch, WorkerDay
from wageguard.attendance.schemas import AttendanceRecordIn, DevicePunch, WorkerAttendanceIn
from wageguard.attendance.service import ingest_device_punches, ingest_worker_attendance
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.security.crypto import Protector


def _batch(site: Site, rows: list[tuple[str, str, str]]) -> WorkerAttendanceIn:
    return WorkerAttendanceIn(
        projectCode=site.project_code,
        teamSysNo=site.team_sys_no,
        dataList=[
            AttendanceRecordIn(idCardNumber=n, date=d, direction=dr, attendType="001") for n, d, dr in rows
        ],
    )


def _ingest(db: Database, protector: Protector, batch: WorkerAttendanceIn, options: IngestOptions = OPTIONS):
    with db.transaction() as s:
        return ingest_worker_attendance(
            session=s, principal=SYSTEM, protector=protector, batch=batch, options=options
        )


def _device(db: Database, rows: list[DevicePunch], options: IngestOptions = OPTIONS):
    with db.transaction() as s:
        device = device_ref(s, ZK_SN)
        return ingest_device_punches(session=s, device=device, punches=rows, options=options)


def test_a_resent_batch_is_stored_once_and_counted_once(db, protector, site):
    n = site.id_numbers[0]
    batch = _batch(site, [(n, "2026-10-08 07:30:00", "01"), (n, "2026-10-08 17:45:00", "02")])
    first = _ingest(db, protector, batch)
    again = _ingest(db, protector, batch)
    assert (first.inserted, first.duplicates) == (2, 0)
    assert (again.inserted, again.duplicates) == (0, 2)
    assert count(db, Punch) == 2
    [day] = worker_days(db)
    assert (day.punch_count, day.minutes, day.work_date) == (2, 615, date(2026, 10, 8))
    [month] = worker_months(db)
    assert (month.month, month.days, month.minutes) == ("2026-10", 1, 615)


def test_punch_time_is_kept_local_with_zone_and_as_utc(db, protector, site):
    _ingest(db, protector, _batch(site, [(site.id_numbers[0], "2026-10-08 07:30:00", "01")]))
    [p] = punches(db)
    assert p.local_time == datetime(2026, 10, 8, 7, 30)
    assert p.tz == "Asia/Shanghai"
    assert p.punched_at == datetime(2026, 10, 7, 23, 30)
    assert (p.kind, p.flag, p.direction, p.attend_type) == ("worker", "", "01", "001")


def test_unknown_ids_and_workers_of_other_projects_are_stored_as_such(db, protector, site):
    from tests.factories import id_number, make_region_project, make_worker

    with db.transaction() as s:
        other, _ = make_region_project(s, "520603")
        outsider = id_number()
        make_worker(s, protector, project=other, number=outsider)
    stranger = id_number()
    result = _ingest(
        db,
        protector,
        _batch(site, [(stranger, "2026-10-08 07:30:00", "01"), (outsider, "2026-10-08 07:31:00", "01")]),
    )
    assert result.by_kind == {"unknown_id": 1, "not_on_project": 1}
    assert {p.kind for p in punches(db)} == {"unknown_id", "not_on_project"}
    assert worker_days(db) == []


def test_night_shift_punches_before_the_day_boundary_count_for_the_previous_day(db, protector, site):
    n = site.id_numbers[0]
    _ingest(db, protector, _batch(site, [(n, "2026-10-08 20:00:00", "01"), (n, "2026-10-09 03:30:00", "02")]))
    [day] = worker_days(db)
    assert (day.work_date, day.minutes, day.punch_count) == (date(2026, 10, 8), 450, 2)
    # With a midnight boundary the same punches are two days.
    midnight = IngestOptions(day_boundary=time(0, 0), past_window=OPTIONS.past_window)
    m = site.id_numbers[1]
    _ingest(
        db,
        protector,
        _batch(site, [(m, "2026-10-08 20:00:00", "01"), (m, "2026-10-09 03:30:00", "02")]),
        midnight,
    )
    days = [d for d in worker_days(db) if d.worker_id == site.worker_ids[1]]
    assert [(d.work_date, d.minutes) for d in days] == [(date(2026, 10, 8), 0), (date(2026, 10, 9), 0)]


def test_out_of_order_and_back_filled_punches_keep_derived_rows_right(db, protector, site):
    n = site.id_numbers[0]
    _ingest(db, protector, _batch(site, [(n, "2026-10-08 12:00:00", "01")]))
    _ingest(db, protector, _batch(site, [(n, "2026-10-08 18:00:00", "02"), (n, "2026-10-09 08:00:00", "01")]))
    _ingest(db, protector, _batch(site, [(n, "2026-10-08 07:00:00", "01"), (n, "2026-10-08 12:00:00", "01")]))
    _ingest(db, protector, _batch(site, [(n, "2026-09-30 08:00:00", "01"), (n, "2026-09-30 16:00:00", "02")]))
    days = {d.work_date: d for d in worker_days(db)}
    oct8 = days[date(2026, 10, 8)]
    assert (oct8.punch_count, oct8.minutes) == (3, 11 * 60)
    assert oct8.first_in == datetime(2026, 10, 7, 23, 0) and oct8.last_out == datetime(2026, 10, 8, 10, 0)
    assert (days[date(2026, 10, 9)].punch_count, days[date(2026, 10, 9)].minutes) == (1, 0)
    months = {m.month: (m.days, m.minutes) for m in worker_months(db)}
    assert months == {"2026-09": (1, 480), "2026-10": (2, 660)}


def test_derived_rows_equal_a_recount_of_the_raw_punches(db, protector, site):
    n0, n1 = site.id_numbers[:2]
    rows = [
        (n, f"2026-10-{d:02d} {h:02d}:{m:02d}:00", "01")
        for n in (n0, n1)
        for d in (3, 1, 2)
        for h, m in ((17, 5), (7, 40), (12, 0))
    ]
    half = len(rows) // 2
    _ingest(db, protector, _batch(site, rows[half:]))
    _ingest(db, protector, _batch(site, rows))
    recount: dict[tuple[int, date], list[datetime]] = {}
    for p in punches(db):
        recount.setdefault((p.worker_id, p.work_date), []).append(p.punched_at)
    derived = {(d.worker_id, d.work_date): (d.punch_count, d.minutes) for d in worker_days(db)}
    expected = {k: (len(v), int((max(v) - min(v)).total_seconds() // 60)) for k, v in recount.items()}
    assert derived == expected
    assert {(m.worker_id, m.days, m.minutes) for m in worker_months(db)} == {
        (w, 3, 3 * (9 * 60 + 25)) for w in site.worker_ids[:2]
    }


def test_a_bad_row_rejects_the_whole_batch_with_row_and_field(db, protector, site):
    n = site.id_numbers[0]
    batch = _batch(site, [(n, "2026-10-08 07:30:00", "01"), (n, "2026/10/08 7:30", "03")])
    with pytest.raises(ValidationFailed) as err:
        _ingest(db, protector, batch)
    assert {(p.row, p.field) for p in err.value.problems} == {(2, "date"), (2, "direction")}
    assert count(db, Punch) == 0


def test_device_punches_keep_unknown_pins_and_strangers(db, site):
    at = datetime(2026, 10, 8, 7, 30)
    rows = [
        DevicePunch("1001", at, "01", "001"),
        DevicePunch("9999", at, None, "001"),
        DevicePunch(None, at, "01", "001", stranger_ref="77"),
    ]
    result = _device(db, rows)
    assert result.by_kind == {"worker": 1, "unknown_pin": 1, "stranger": 1}
    assert _device(db, rows).inserted == 0
    stored = {p.person_key: p for p in punches(db)}
    assert stored["9999"].direction == "01"  # the gate's default direction
    assert stored["stranger:77"].worker_id is None
    assert [d.worker_id for d in worker_days(db)] == [site.pins["1001"]]


def test_clock_skew_is_flagged_and_kept_out_of_worker_days(db, site):
    strict = IngestOptions(future_tolerance=timedelta(minutes=10), past_window=timedelta(days=30))
    now = datetime(2026, 10, 8, 0, 0)
    rows = [
        DevicePunch("1001", datetime(2026, 10, 9, 9, 0)),  # a day ahead of now
        DevicePunch("1001", datetime(2000, 1, 1, 8, 0)),  # clock reset
        DevicePunch("1001", datetime(2026, 10, 8, 7, 55)),  # now in UTC+8 is 08:00
    ]
    with db.transaction() as s:
        ingest_device_punches(session=s, device=device_ref(s, ZK_SN), punches=rows, options=strict, now=now)
    assert sorted(p.flag for p in punches(db)) == ["", "future", "past"]
    assert [(d.work_date, d.punch_count) for d in worker_days(db)] == [(date(2026, 10, 8), 1)]
    assert count(db, WorkerDay) == 1
