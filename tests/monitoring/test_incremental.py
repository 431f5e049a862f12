"""The fact journal, the fact mirror and incremental runs (issue 14 parts 1 and 2).

Every write to a fact table is journaled by the database's triggers in the writing transaction; a full
run reads the per-worker facts from the mirror, kept equal to SQL through the journal; an import-triggered
(incremental) run re-evaluates only the journal's projects and leaves the alerts exactly as a full run
would."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import delete, select, update
from tests.monitoring.seed import AS_OF, MONTH, NET, add_project, add_worker, plant, set_payment

from wageguard.attendance.models import WorkerMonth
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring import facts as F
from wageguard.monitoring import journal, mirror
from wageguard.monitoring import mirrored_facts as MF
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import gate_start, run_monitoring
from wageguard.monitoring.models import Alert, AlertWorker, FactChange, FactSegment, MonitorRun
from wageguard.monitoring.scheduler import MonitorScheduler
from wageguard.payroll.models import BankPayment
from wageguard.registry.models import LabourContract, ProjectWorker
from wageguard.security.crypto import Protector

SEPT = [parse_month(MONTH)]


def _alert_state(db: Database) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    with db.sessions() as s:
        alerts = {
            (a.rule_code, a.subject_key, a.period, a.level, a.still_holds, a.evidence_hash, a.amount_fen)
            for a in s.scalars(select(Alert))
        }
        lines = {(w.alert_id, w.worker_id, w.amount_fen, w.level) for w in s.scalars(select(AlertWorker))}
    return alerts, lines


def _holding(db: Database, rule: str, project_id: int) -> list[str]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(Alert.subject_key).where(
                    Alert.rule_code == rule, Alert.project_id == project_id, Alert.still_holds
                )
            )
        )


def test_every_write_is_journaled_in_its_own_transaction(db: Database, protector: Protector) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    seen = journal.pending(db)
    assert seen.projects() == {ids["clean"], ids["faulty"]}
    tables = set(seen.rows["tbl"].to_list())
    assert {"projects", "project_workers", "worker_months", "pay_sheet_lines", "bank_payments"} <= tables
    assert seen.touched("bank_payments", MONTH) and seen.periods("worker_months") == {MONTH}
    with db.transaction() as s:
        journal.consume(s, seen)
    assert journal.pending(db).empty
    with pytest.raises(RuntimeError), db.transaction() as s:  # a rolled-back write leaves no trace
        s.execute(update(WorkerMonth).where(WorkerMonth.project_id == ids["faulty"]).values(days=1))
        raise RuntimeError("import failed")
    assert journal.pending(db).empty
    with db.transaction() as s:
        s.execute(delete(BankPayment).where(BankPayment.worker_id == ids["ok"]))
    after = journal.pending(db)
    assert after.projects() == {ids["faulty"]} and set(after.rows["tbl"].to_list()) == {"bank_payments"}


def _tricky(db: Database, protector: Protector) -> dict[str, object]:
    """Rows the event-time filters must drop or keep: a payment valued after the as-of date, a payment
    without a project, an exit after the as-of date, contracts before and after it."""
    with db.transaction() as s:
        ids = plant(s, protector)
        proj, team, acct = add_project(s, protector, "LATE")
        late = add_worker(s, protector, proj, team, acct, 30, paid=None)
        common = {
            "account_id": acct.id,
            "region_code": proj.region_code,
            "payee_name": late.name,
            "payee_card_enc": protector.encrypt("6222"),
            "payee_card_bidx": protector.blind_index("card-late"),
            "payee_card_masked": "6222**1234",
            "status": "success",
            "month_source": "sheet",
            "outcome": "matched",
            "worker_id": late.id,
        }
        after_as_of = date(2026, 11, 2)  # valued after AS_OF: not yet happened
        s.add(BankPayment(**common, project_id=proj.id, natural_key="future", amount_fen=NET,
                          value_date=after_as_of, pay_month=MONTH))  # fmt: skip
        s.add(BankPayment(**common, project_id=None, natural_key="no-project", amount_fen=1_000,
                          value_date=date(2026, 9, 20), pay_month="2026-03"))  # fmt: skip
        s.execute(
            update(ProjectWorker)
            .where(ProjectWorker.worker_id == late.id)
            .values(exit_date=date(2026, 12, 1))
        )
        for start, rate in ((date(2026, 1, 5), 30_000), (date(2026, 10, 30), 40_000)):
            s.add(
                LabourContract(
                    project_id=proj.id,
                    worker_id=late.id,
                    enterprise_id=proj.contractor_id,
                    period_type="1",
                    wage_basis="day",
                    rate_fen=rate,
                    start_date=start,
                )
            )
        ids["late_project"], ids["late"] = proj.id, late.id
    return ids


def _both(db: Database) -> tuple[pl.DataFrame, pl.DataFrame]:
    month = SEPT[0]
    loaded = mirror.refresh(db, MF.needed(SEPT, AS_OF, gate_start(SEPT)), journal.pending(db))
    from_mirror = MF.worker_months(loaded, month, AS_OF, None)
    from_sql = F.load_worker_months(db.engine, month, as_of=AS_OF)
    key = ["project_id", "worker_id"]
    return from_mirror.sort(key), from_sql.sort(key)


def test_the_mirror_gives_the_same_worker_months_as_sql_after_patches(
    db: Database, settings: Settings, protector: Protector
) -> None:
    ids = _tricky(db, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)  # builds the mirror
    with db.sessions() as s:
        assert s.scalar(select(FactSegment.rows).where(FactSegment.mirror == "payments").limit(1))
    got, want = _both(db)
    assert_frame_equal(got, want)
    late = got.filter(pl.col("worker_id") == ids["late"]).row(0, named=True)
    assert late["received_fen"] == 0 and late["exit_date"] is None  # the future payment and exit dropped
    assert late["contract_rate_fen"] == 30_000 and late["year_paid_fen"] == 1_000
    with db.transaction() as s:  # an import on one project, then the journal patches its bucket only
        s.execute(update(WorkerMonth).where(WorkerMonth.worker_id == ids["unpaid"]).values(days=5))
        set_payment(s, protector, ids["acct"], ids["project"], ids["unpaid_worker"], NET, key="b")  # type: ignore[arg-type]
    got, want = _both(db)
    assert_frame_equal(got, want)
    assert got.filter(pl.col("worker_id") == ids["unpaid"])["received_fen"].item() == NET


def test_incremental_runs_after_a_sequence_of_imports_equal_a_full_run(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    clean, faulty = int(ids["clean"]), int(ids["faulty"])  # type: ignore[call-overload]
    assert _holding(db, "W06", faulty) and not _holding(db, "W06", clean)

    def incremental() -> int | None:
        summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT, incremental=True)
        return summary.projects

    with db.transaction() as s:  # 1. the bank pays the unpaid worker: faulty's W06 clears
        set_payment(s, protector, ids["acct"], ids["project"], ids["unpaid_worker"], NET, key="late")  # type: ignore[arg-type]
    assert incremental() == 1
    assert not _holding(db, "W06", faulty)
    with db.transaction() as s:  # 2. a clean project's payment is withdrawn: W06 on it
        first = s.scalars(select(ProjectWorker.worker_id).where(ProjectWorker.project_id == clean)).first()
        s.execute(delete(BankPayment).where(BankPayment.worker_id == first))
    assert incremental() == 1
    assert _holding(db, "W06", clean)
    with db.transaction() as s:  # 3. a new project registers with an unpaid worker
        proj, team, acct = add_project(s, protector, "NEW")
        add_worker(s, protector, proj, team, acct, 40, paid=None)
        new_id = proj.id
    assert incremental() == 1
    assert _holding(db, "W06", new_id)
    assert incremental() == 0  # 4. nothing changed: nothing re-evaluated
    with db.transaction() as s:  # 5. attendance corrected on two projects at once
        s.execute(update(WorkerMonth).where(WorkerMonth.project_id.in_([clean, new_id])).values(days=3))
    assert incremental() == 2
    before = _alert_state(db)
    full = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT, rebuild=True)
    assert (full.raised, full.updated, full.cleared, full.reopened) == (0, 0, 0, 0)
    assert _alert_state(db) == before
    with db.sessions() as s:
        runs = list(s.scalars(select(MonitorRun.projects).order_by(MonitorRun.id)))
    assert runs == [None, 1, 1, 1, 0, 2, None]
    assert journal.pending(db).empty


def test_an_incremental_run_leaves_other_projects_alerts_alone(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    faulty = int(ids["faulty"])  # type: ignore[call-overload]
    held = _holding(db, "W06", faulty)
    with db.transaction() as s:  # a change the journal never saw (as TRUNCATE would be): the safety net
        s.execute(delete(FactChange))
        proj, team, acct = add_project(s, protector, "OTHER")
        add_worker(s, protector, proj, team, acct, 50)
    summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT, incremental=True)
    assert summary.projects == 1 and summary.cleared == 0
    assert _holding(db, "W06", faulty) == held  # not in scope: neither compared nor cleared


def test_the_scheduler_runs_imports_incrementally_and_the_daily_run_in_full(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    scheduler = MonitorScheduler(db, settings)
    scheduler.run_once("daily")
    with db.transaction() as s:
        proj, team, acct = add_project(s, protector, "AFTER")
        add_worker(s, protector, proj, team, acct, 60, paid=None)
    scheduler.run_once("import")
    with db.sessions() as s:
        runs = s.execute(select(MonitorRun.trigger, MonitorRun.status, MonitorRun.projects)).all()
    assert sorted(tuple(r) for r in runs) == [("daily", "done", None), ("import", "done", 1)]
