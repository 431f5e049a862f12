"""The daily run re-scores every enterprise first (``wageguard serve`` hands the job to the scheduler), so
W21 reads the day's scores in the same run; the newest learned model scores beside the scorecard; a failed
job is logged and the day's engine run still happens. The tests call the scheduler's ``run_once`` directly:
no thread, no clock."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from tests import factories as f
from tests.risk import history as h
from tests.risk.propensity import hand_model

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.models import Alert, MonitorRun
from wageguard.monitoring.scheduler import MonitorScheduler
from wageguard.risk.model import save_model
from wageguard.risk.models import RiskScore
from wageguard.risk.service import score_every_enterprise


def _red_contractor(db: Database) -> int:
    with db.transaction() as s:
        _project, gc = f.make_region_project(s)
        h.tax_year(s, gc.id, 2025, "D")  # 25 points
        h.credit(s, gc.id, "dishonest", date(2026, 1, 1))  # 25 points: 50, grade D, red
        return gc.id


def _daily(db: Database, settings: Settings) -> MonitorScheduler:
    return MonitorScheduler(
        db, settings, before_daily=[lambda day: score_every_enterprise(db=db, settings=settings, as_of=day)]
    )


def test_the_daily_run_scores_first_and_raises_w21_in_the_same_run(db: Database, settings: Settings) -> None:
    enterprise = _red_contractor(db)
    _daily(db, settings).run_once("daily")
    with db.sessions() as s:
        score = s.scalars(select(RiskScore).where(RiskScore.enterprise_id == enterprise)).one()
        alerts = s.scalars(select(Alert).where(Alert.rule_code == "W21")).all()
    assert score.as_of == date.today() and score.band == "red" and score.model_version is None
    assert [(a.subject_id, a.still_holds) for a in alerts] == [(enterprise, True)]


def test_the_daily_scoring_takes_the_newest_model(db: Database, settings: Settings) -> None:
    enterprise = _red_contractor(db)
    save_model(hand_model(), settings.risk_models)
    _daily(db, settings).run_once("daily")
    with db.sessions() as s:
        score = s.scalars(select(RiskScore).where(RiskScore.enterprise_id == enterprise)).one()
    assert score.model_version == "rm-test" and score.probability is not None


def test_import_runs_do_not_score_and_a_failed_job_costs_no_run(db: Database, settings: Settings) -> None:
    _red_contractor(db)
    _daily(db, settings).run_once("import")
    with db.sessions() as s:
        assert s.scalars(select(RiskScore)).all() == []

    def broken(_day: date) -> None:
        raise RuntimeError("feed store down")

    MonitorScheduler(db, settings, before_daily=[broken]).run_once("daily")
    with db.sessions() as s:
        runs = s.execute(select(MonitorRun.trigger, MonitorRun.status).order_by(MonitorRun.id)).all()
    assert [tuple(r) for r in runs] == [("import", "done"), ("daily", "done")]
