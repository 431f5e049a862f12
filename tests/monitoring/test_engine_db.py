"""The engine through the database: planted faults in → exactly the expected alerts out; reruns idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from tests.monitoring.seed import AS_OF, plant, set_payment

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent, AlertWorker, MonitorRun, NotificationOutbox
from wageguard.security.crypto import Protector

SEPT = [parse_month("2026-09")]


def _alerts(db: Database) -> set[tuple[str, str, str]]:
    with db.sessions() as s:
        return {
            (a.rule_code, a.subject_key, a.period) for a in s.scalars(select(Alert).where(Alert.still_holds))
        }


def test_planted_faults_raise_exactly_the_expected_alerts(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    p = ids["faulty"]
    expected = {
        ("W06", f"workers@p{p}", "2026-09"),
        ("W07", f"project:{p}", "2026-09"),
        ("W08", f"workers@p{p}", "2026-09"),
        ("W11", f"workers@p{p}", "2026-09"),
        ("W12", f"workers@p{p}", "2026-09"),
    }
    assert _alerts(db) == expected
    assert summary.raised == len(expected)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(NotificationOutbox)) == 1
        w06 = s.scalars(select(Alert).where(Alert.rule_code == "W06")).one()
        assert w06.region_code == "520602" and w06.level == "red" and w06.amount_fen == 600_000
        assert w06.evidence["head_count"] == 1 and w06.workers == 1
        (line,) = s.scalars(select(AlertWorker).where(AlertWorker.alert_id == w06.id))
        assert line.worker_id == ids["unpaid"] and line.evidence["status"] == "unpaid"


def test_rerun_on_the_same_data_changes_nothing(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    with db.sessions() as s:
        before = [
            (a.id, a.evidence_hash, a.updated_at, a.status)
            for a in s.scalars(select(Alert).order_by(Alert.id))
        ]
        events = s.scalar(select(func.count()).select_from(AlertEvent))
    again = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    assert (again.raised, again.updated, again.cleared, again.reopened, again.escalated) == (0, 0, 0, 0, 0)
    with db.sessions() as s:
        after = [
            (a.id, a.evidence_hash, a.updated_at, a.status)
            for a in s.scalars(select(Alert).order_by(Alert.id))
        ]
        assert after == before
        assert s.scalar(select(func.count()).select_from(AlertEvent)) == events
        assert s.scalar(select(func.count()).select_from(MonitorRun)) == 2


def test_later_payment_clears_the_alert_by_data(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    with db.transaction() as s:
        proj = s.merge(ids["project"])
        set_payment(
            s, protector, s.merge(ids["acct"]), proj, s.merge(ids["unpaid_worker"]), 600_000, key="late"
        )
    summary = run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 21), months=SEPT)
    assert summary.cleared >= 1
    with db.sessions() as s:
        w06 = s.scalars(select(Alert).where(Alert.rule_code == "W06")).one()
        assert not w06.still_holds and w06.cleared_on == date(2026, 10, 21)
        actions = [e.action for e in s.scalars(select(AlertEvent).where(AlertEvent.alert_id == w06.id))]
        assert actions == ["raised", "cleared_by_data"]


def test_unacknowledged_red_alert_escalates_after_its_limit(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    later = run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 21), months=SEPT)
    with db.sessions() as s:
        reds = s.scalars(select(Alert).where(Alert.level == "red")).all()
        assert reds and all(a.escalated_on == date(2026, 10, 21) for a in reds)
        orange = s.scalars(select(Alert).where(Alert.level == "orange")).all()
        assert orange and all(a.escalated_on is None for a in orange)
    assert later.escalated == len(reds)
