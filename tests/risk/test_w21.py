"""W21 through the real engine: ``risk score`` writes the scores, the next ``monitor run`` raises one orange
alert per red-band enterprise with its top factors as evidence, a rerun writes nothing, a better band on
a later scoring clears it, and scores dated after the run's as-of are not read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from tests import factories as f
from tests.risk import history as h

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.risk.scoring import score_enterprises

NOV = date(2026, 11, 30)
DEC = date(2026, 12, 31)
OCT = [date(2026, 10, 1)]


def _w21(db: Database) -> list[Alert]:
    with db.sessions() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_code == "W21").order_by(Alert.subject_id)))


def test_a_red_band_enterprise_gets_one_orange_alert_with_its_top_factors(
    db: Database, settings: Settings
) -> None:
    with db.transaction() as s:
        red = f.make_enterprise(s, region_code="520602")
        calm = f.make_enterprise(s, region_code="520602")
        h.credit(s, red.id, "dishonest", date(2026, 11, 2))
        h.tax_year(s, red.id, 2026, "D")
        h.credit(s, red.id, "penalty", date(2026, 6, 1))
        h.tax_year(s, calm.id, 2026, "C")  # 15 + 2 (no paid-in): yellow
        red_id, calm_id = red.id, calm.id
    score_enterprises(db=db, as_of=NOV)
    run_monitoring(db=db, settings=settings, as_of=NOV, months=OCT)
    alerts = _w21(db)
    assert [(a.subject_type, a.subject_id, a.level, a.period, a.region_code) for a in alerts] == [
        ("enterprise", red_id, "orange", "", "520602")
    ]
    evidence = alerts[0].evidence
    assert (evidence["scored_on"], evidence["total"], evidence["grade"], evidence["band"]) == (
        "2026-11-30",
        56,
        "D",
        "red",
    )
    assert evidence["top_factors"] == [
        {"factor": "tax_rating", "value": "D", "points": 25},
        {"factor": "dishonest_listed", "value": "1", "points": 25},
        {"factor": "penalties", "value": "1", "points": 4},
    ]
    assert calm_id not in [a.subject_id for a in alerts]

    again = run_monitoring(db=db, settings=settings, as_of=NOV, months=OCT)
    assert (again.raised, again.updated, again.cleared) == (0, 0, 0)
    with db.sessions() as s:
        events = s.scalars(select(AlertEvent.action).where(AlertEvent.alert_id == alerts[0].id)).all()
    assert events == ["raised"]


def test_a_better_band_on_a_later_scoring_clears_it_and_future_scores_are_not_read(
    db: Database, settings: Settings
) -> None:
    with db.transaction() as s:
        red = f.make_enterprise(s, region_code="520602")
        h.credit(s, red.id, "dishonest", date(2026, 11, 2), end=date(2026, 12, 20))
        h.tax_year(s, red.id, 2026, "D")
    score_enterprises(db=db, as_of=NOV)
    score_enterprises(db=db, as_of=DEC)  # off the list by then: 25 + 2 points, yellow
    run_monitoring(db=db, settings=settings, as_of=NOV, months=OCT)
    (alert,) = _w21(db)
    assert alert.still_holds and alert.evidence["scored_on"] == "2026-11-30"  # December's score not read
    run_monitoring(db=db, settings=settings, as_of=DEC, months=[date(2026, 11, 1)])
    (alert,) = _w21(db)
    assert not alert.still_holds and alert.cleared_on == DEC
