"""Judgement on event time (issue 10 part 2): a run ``--as-of D`` on data that arrived later gives the alerts
the facts imply for D — punches by their work day, payments by their value date — and W16 judges a gate by
its punches: working days without any, while the project is active and the gate had traffic before."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import TextClause, select, text, update
from tests.factories import id_number, make_region_project, make_team, make_worker
from tests.monitoring.seed import AS_OF, add_project, add_worker
from typer.testing import CliRunner

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import device_ref, enrol_worker, register_device
from wageguard.attendance.models import Device
from wageguard.attendance.schemas import AttendanceRecordIn, DeviceIn, DevicePunch, WorkerAttendanceIn
from wageguard.attendance.service import ingest_device_punches, ingest_worker_attendance
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.facts import load_worker_months
from wageguard.monitoring.models import Alert
from wageguard.payroll.models import BankPayment, WageAccount
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector
from wageguard.workdays import is_working_day

DIRECT, BATCH = "ZK-EVT-EAST", "HIK-EVT-WEST"
SILENT = [date(2026, 10, 19) + timedelta(days=i) for i in range(5)]  # Monday to Friday, mid-October
FIRST, LAST = date(2026, 9, 1), date(2026, 11, 24)
ARRIVED = datetime(2026, 11, 20, 2, 0)  # every punch is imported on 20 November (UTC)
REGISTERED = datetime(2026, 8, 1, 0, 0)
# Wide windows: fixed 2026 dates are never clock skew, whatever today is.
OPTIONS = IngestOptions(future_tolerance=timedelta(days=3650), past_window=timedelta(days=3650))


def _working_days(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if is_working_day(first + timedelta(days=i))
    ]


def _site(db: Database, protector: Protector) -> tuple[str, list[str]]:
    """A project with two gates: the east gate reports itself, the west gate only through the national batch
    (``channel`` names it); three workers enrolled on the east gate."""
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="事件时间工地")
        team = make_team(s, project=project, enterprise=gc, name="木工班")
        numbers = [id_number() for _ in range(3)]
        workers = [make_worker(s, protector, project=project, team=team, number=n) for n in numbers]
        for serial, vendor, gate in ((DIRECT, Vendor.ZKTECO, "东门"), (BATCH, Vendor.HIKVISION, "西门")):
            data = DeviceIn(
                vendor=vendor,
                serial=serial,
                project_code=project.project_code,
                gate=gate,
                secret="gate-secret-evt",
            )
            register_device(session=s, principal=SYSTEM, data=data)
        s.execute(update(Device).values(created_at=REGISTERED))
        for i, w in enumerate(workers):
            enrol_worker(session=s, principal=SYSTEM, serial=DIRECT, worker_id=w.id, pin=str(2001 + i))
        return project.project_code, numbers


def _feed(db: Database, protector: Protector, code: str, numbers: list[str], days: list[date]) -> None:
    """Both gates' punches for ``days``, all arriving on ``ARRIVED`` (long after the days themselves)."""
    east = [
        DevicePunch(str(2001 + i), datetime(d.year, d.month, d.day, 7, 30 + i), "01", "001")
        for d in days
        if d not in SILENT
        for i in range(3)
    ]
    west = WorkerAttendanceIn(
        projectCode=code,
        dataList=[
            AttendanceRecordIn(
                idCardNumber=n, date=f"{d:%Y-%m-%d} 17:{10 + i:02d}:00", direction="02", channel="西门"
            )
            for d in days
            for i, n in enumerate(numbers)
        ],
    )
    with db.transaction() as s:
        ingest_device_punches(
            session=s, device=device_ref(s, DIRECT), punches=east, options=OPTIONS, now=ARRIVED
        )
    with db.transaction() as s:
        ingest_worker_attendance(
            session=s, principal=SYSTEM, protector=protector, batch=west, options=OPTIONS, now=ARRIVED
        )


def _w16(db: Database) -> dict[tuple[str, str], dict[str, object]]:
    with db.sessions() as s:
        rows = s.execute(
            select(Device.serial, Alert.period, Alert.evidence)
            .join(Device, Device.id == Alert.subject_id)
            .where(Alert.rule_code == "W16", Alert.still_holds.is_(True))
        ).all()
    return {(serial, period): evidence for serial, period, evidence in rows}


def test_a_gate_silent_mid_month_is_found_by_a_later_run_on_data_imported_later(
    db: Database, protector: Protector, cli: CliRunner
) -> None:
    code, numbers = _site(db, protector)
    _feed(db, protector, code, numbers, _working_days(FIRST, LAST))

    result = cli.invoke(cli_app, ["monitor", "run", "--month", "2026-10", "--as-of", "2026-11-05"])
    assert result.exit_code == 0, result.output

    found = _w16(db)
    assert set(found) == {(DIRECT, "2026-10")}, found  # the batch-fed west gate is not silent
    evidence = found[(DIRECT, "2026-10")]
    assert evidence["silent_days"] == [d.isoformat() for d in SILENT]
    assert evidence["working_days_silent"] == 5
    assert evidence["usual_daily_punches"] == 3
    assert evidence["gate"] == "东门"

    # The same run again changes nothing; the alert covers the gate and the month, not each day.
    again = cli.invoke(cli_app, ["monitor", "run", "--month", "2026-10", "--as-of", "2026-11-05"])
    assert again.exit_code == 0, again.output
    with db.sessions() as s:
        assert len(list(s.scalars(select(Alert).where(Alert.rule_code == "W16")))) == 1


def test_a_run_as_of_d_judges_the_gate_only_on_days_before_d(
    db: Database, protector: Protector, settings: Settings
) -> None:
    code, numbers = _site(db, protector)
    _feed(db, protector, code, numbers, _working_days(FIRST, LAST))
    october = [parse_month("2026-10")]

    # As of Wednesday 21 October only Monday and Tuesday of the silence have passed.
    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 21), months=october)
    assert _w16(db)[(DIRECT, "2026-10")]["silent_days"] == ["2026-10-19", "2026-10-20"]
    # As of the 19th nothing has passed yet, and the punches after it (imported long after) do not count.
    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 19), months=october)
    assert _w16(db) == {}


def test_a_batch_fed_gate_without_a_silent_day_is_not_flagged(
    db: Database, protector: Protector, settings: Settings
) -> None:
    code, numbers = _site(db, protector)
    days = _working_days(FIRST, LAST)
    with db.transaction() as s:  # only the batch feeds this site: the east gate stays out of service
        s.execute(update(Device).where(Device.serial == DIRECT).values(active=False))
    west = WorkerAttendanceIn(
        projectCode=code,
        dataList=[
            AttendanceRecordIn(
                idCardNumber=n, date=f"{d:%Y-%m-%d} 07:{10 + i:02d}:00", direction="01", channel=BATCH
            )
            for d in days
            for i, n in enumerate(numbers)
        ],
    )
    with db.transaction() as s:
        ingest_worker_attendance(
            session=s, principal=SYSTEM, protector=protector, batch=west, options=OPTIONS, now=ARRIVED
        )
    run_monitoring(db=db, settings=settings, as_of=date(2026, 11, 25), months=[parse_month("2026-10")])
    assert _w16(db) == {}


def test_a_gate_never_used_is_not_silent(db: Database, protector: Protector, settings: Settings) -> None:
    _site(db, protector)  # registered in August, no punch ever
    run_monitoring(db=db, settings=settings, as_of=date(2026, 11, 5), months=[parse_month("2026-10")])
    assert _w16(db) == {}


def test_the_gate_of_a_halted_project_is_not_silent(
    db: Database, protector: Protector, settings: Settings
) -> None:
    code, numbers = _site(db, protector)
    _feed(db, protector, code, numbers, _working_days(FIRST, LAST))
    with db.transaction() as s:
        s.execute(update(Project).values(status="005"))
    run_monitoring(db=db, settings=settings, as_of=date(2026, 11, 5), months=[parse_month("2026-10")])
    assert _w16(db) == {}


# --- money: value dates -------------------------------------------------------------------------------------


def _payment(db: Database, protector: Protector, worker_id: int, value_date: date, outcome: str) -> None:
    with db.transaction() as s:
        acct = s.scalars(select(WageAccount)).first()
        assert acct is not None
        s.add(
            BankPayment(
                account_id=acct.id,
                project_id=acct.project_id,
                region_code="520602",
                natural_key=f"r:late{worker_id}",
                payee_name="某人",
                payee_card_enc=protector.encrypt("6222"),
                payee_card_bidx=protector.blind_index(f"late{worker_id}"),
                payee_card_masked="6222**9999",
                amount_fen=600_000,
                value_date=value_date,
                status="success",
                pay_month="2026-09",
                month_source="sheet",
                outcome=outcome,
                worker_id=worker_id,
            )
        )


def _holding(db: Database) -> set[str]:
    with db.sessions() as s:
        return set(s.scalars(select(Alert.rule_code).where(Alert.still_holds.is_(True))))


def test_a_payment_valued_after_d_does_not_count_for_a_run_as_of_d(
    db: Database, protector: Protector, settings: Settings
) -> None:
    with db.transaction() as s:
        proj, team, acct = add_project(s, protector, "VALUED")
        paid_late = add_worker(s, protector, proj, team, acct, 1, paid=None)
        proxied = add_worker(s, protector, proj, team, acct, 2, paid=None)
        worker_ids = paid_late.id, proxied.id
    _payment(db, protector, worker_ids[0], date(2026, 10, 25), "matched")  # after AS_OF (20 October)
    _payment(db, protector, worker_ids[1], date(2026, 10, 26), "other_card")
    september = [parse_month("2026-09")]

    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=september)
    assert {"W05", "W06", "W07"} <= _holding(db)
    assert "W11" not in _holding(db)  # the other-card payment had not happened by 20 October

    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 27), months=september)
    assert "W06" not in _holding(db) and "W11" in _holding(db)


def test_a_tripartite_agreement_signed_after_d_does_not_count_for_a_run_as_of_d(
    db: Database, protector: Protector, settings: Settings
) -> None:
    with db.transaction() as s:
        proj, team, acct = add_project(s, protector, "TRIPART")
        add_worker(s, protector, proj, team, acct, 1)
        acct.tripartite_date = date(2026, 11, 3)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[parse_month("2026-09")])
    assert "W02" in _holding(db)
    run_monitoring(db=db, settings=settings, as_of=date(2026, 11, 4), months=[parse_month("2026-09")])
    assert "W02" not in _holding(db)


def test_punches_after_d_do_not_count_for_a_run_as_of_d(
    db: Database, protector: Protector, settings: Settings
) -> None:
    _site(db, protector)
    stranger = DevicePunch(None, datetime(2026, 10, 20, 7, 5), "01", "001", stranger_ref="evt-stranger")
    with db.transaction() as s:
        ingest_device_punches(
            session=s, device=device_ref(s, DIRECT), punches=[stranger], options=OPTIONS, now=ARRIVED
        )
    october = [parse_month("2026-10")]
    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 12), months=october)
    assert "W13" not in _holding(db)
    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 21), months=october)
    assert "W13" in _holding(db)


def test_gate_days_equal_a_recount_of_the_stored_punches_and_a_resend_adds_nothing(
    db: Database, protector: Protector
) -> None:
    code, numbers = _site(db, protector)
    days = _working_days(date(2026, 10, 12), date(2026, 10, 23))
    _feed(db, protector, code, numbers, days)
    recount = text(
        "SELECT project_id, source, COALESCE(channel, ''), work_date, COUNT(*) FROM punches "
        "WHERE flag = '' GROUP BY project_id, source, COALESCE(channel, ''), work_date"
    )
    kept = text("SELECT project_id, source, channel, work_date, punches FROM gate_days")

    def rows(q: TextClause) -> set[tuple[object, ...]]:
        with db.sessions() as s:
            return {tuple(str(v) for v in r) for r in s.execute(q)}

    before = rows(kept)
    assert before == rows(recount) and len(before) == 2 * len(days) - len(SILENT)
    _feed(db, protector, code, numbers, days)  # the same punches again
    assert rows(kept) == before


def test_attendance_inside_a_month_counts_the_work_days_up_to_d(db: Database, protector: Protector) -> None:
    code, numbers = _site(db, protector)
    _feed(db, protector, code, numbers, _working_days(date(2026, 10, 1), date(2026, 10, 20)))
    october = date(2026, 10, 1)

    def days(as_of: date | None) -> list[int]:
        frame = load_worker_months(db.engine, october, as_of=as_of)
        return sorted(frame["attended_days"].to_list())

    assert days(None) == [10, 10, 10]  # 8–10, 12–16, 19, 20 October
    assert days(date(2026, 10, 12)) == [4, 4, 4]  # 8, 9, 10 (调休 Saturday), 12 October
    assert days(date(2026, 10, 31)) == days(None)
