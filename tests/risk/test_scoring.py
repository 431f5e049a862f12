"""Scoring every enterprise on the real database: each feature read by event time from its table, the
stored rows (version, per-factor points, data date), re-scoring a date replaces it, history kept, band
worsenings recorded, a region's override applied, and ``wageguard risk score`` over the same service."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from tests import factories as f
from tests.risk import history as h

from wageguard.cli.main import app as cli_app
from wageguard.db import Database
from wageguard.registry.models import Enterprise
from wageguard.risk import scorecard as sc
from wageguard.risk.features import load_features
from wageguard.risk.models import RiskBandChange, RiskScore
from wageguard.risk.scoring import score_enterprises

AS_OF = date(2026, 11, 30)


@pytest.fixture
def city(db: Database) -> dict[str, int]:
    """A risky contractor (every factor set, and records dated after AS_OF that must not count), a clean
    one in the next county and an enterprise known only to the registry."""
    with db.transaction() as s:
        p1, risky = f.make_region_project(s, "520602")
        p2, clean = f.make_region_project(s, "520603")
        bare = f.make_enterprise(s, region_code="520602")
        owner = f.make_enterprise(s, region_code="520602")
        r = risky.id
        h.tax_year(s, r, 2024, "A")
        h.tax_year(s, r, 2025, "D", 12_000_000)
        h.registration(s, r, date(2026, 6, 1), 10_000_000, 1_000_000)
        h.credit(s, r, "abnormal", date(2026, 3, 1))
        h.credit(s, r, "abnormal", date(2025, 1, 1), end=date(2025, 6, 1))
        h.credit(s, r, "dishonest", date(2026, 12, 15))
        for on in (date(2025, 12, 1), date(2026, 5, 1), date(2024, 1, 1)):
            h.credit(s, r, "penalty", on)
        for on in (date(2026, 2, 1), date(2026, 10, 1), date(2025, 6, 1)):
            h.credit(s, r, "legal_rep", on)
        h.credit(s, r, "social_insurance", date(2026, 6, 30), amount_fen=3_000_000)
        h.credit(s, r, "social_insurance", date(2026, 9, 30), amount_fen=8_642_050)
        h.contract(
            s,
            p1,
            owner.id,
            [
                (date(2026, 6, 30), 100_000_000, date(2026, 8, 29), 100_000_000),  # 60 days late
                (date(2026, 10, 31), 100_000_000, None, None),  # unpaid: 30 days by AS_OF
                (date(2027, 1, 31), 100_000_000, None, None),  # not due yet
            ],
        )
        h.alert(s, p1, "red", date(2026, 5, 1))
        h.alert(s, p1, "orange", date(2026, 3, 1), cleared=date(2026, 4, 1))
        h.alert(s, p1, "yellow", date(2025, 1, 1), cleared=date(2025, 6, 1))  # before the 12 months
        h.alert(s, p1, "red", date(2026, 12, 1))  # after AS_OF
        h.alert(s, p1, "orange", date(2026, 6, 1), rule="W21")  # the score's own rule: not history
        for on in (date(2026, 11, 15), date(2026, 6, 1), date(2025, 10, 1), date(2026, 12, 1)):
            h.complaint(s, p1, on)
        acct = h.account(s, p1)
        h.payment(s, p1, acct, "2026-08", date(2026, 9, 10))  # on time (deadline 09-19)
        h.payment(s, p1, acct, "2026-09", date(2026, 10, 24))  # 5 days after 10-19
        h.payment(s, p1, acct, "2026-09", date(2026, 10, 25), outcome="other_card")
        h.payment(s, p1, acct, "2026-10", date(2026, 11, 20))  # 1 day after 11-19
        h.payment(s, p1, acct, "2026-11", date(2026, 12, 10))  # valued after AS_OF
        for on in (date(2026, 5, 1), date(2026, 7, 30), date(2026, 9, 28)):
            h.inflow(s, p1, acct, on)
        h.tax_year(s, clean.id, 2025, "A")
        h.registration(s, clean.id, date(2010, 1, 1), 10_000_000, 10_000_000)
        h.payment(s, p2, h.account(s, p2), "2026-09", date(2026, 10, 10))
        return {"risky": r, "clean": clean.id, "bare": bare.id, "owner": owner.id, "p1": p1.id}


RISKY: dict[str, Any] = {
    "region_code": "520602",
    "tax_rating": "D",
    "tax_arrears_fen": 12_000_000,
    "abnormal_listed": 1,
    "dishonest_listed": 0,
    "penalties": 2,
    "social_insurance_arrears_fen": 8_642_050,
    "legal_rep_changes": 2,
    "years_established": 0.5,
    "paid_in_share": 0.1,
    "owner_delay_days": 60,
    "owner_arrears_share": 0.5,
    "red_alerts": 1,
    "other_alerts": 1,
    "complaints": 2,
    "days_late": 2.0,
    "inflow_lag_days": 45.0,
    "own_card_share": 0.75,
}


def test_every_feature_is_read_by_event_time_from_its_table(db: Database, city: dict[str, int]) -> None:
    features = load_features(db.engine, AS_OF, sc.build(sc.DEFAULT).params)
    rows = {r["enterprise_id"]: r for r in features.iter_rows(named=True)}
    assert {k: rows[city["risky"]][k] for k in RISKY} == RISKY
    bare = rows[city["bare"]]
    assert bare["tax_rating"] is None and bare["paid_in_share"] is None and bare["years_established"] == 16.9
    assert rows[city["clean"]]["own_card_share"] == 1.0 and rows[city["clean"]]["region_code"] == "520603"


def _scores(db: Database, as_of: date = AS_OF) -> dict[int, RiskScore]:
    with db.sessions() as s:
        return {r.enterprise_id: r for r in s.scalars(select(RiskScore).where(RiskScore.as_of == as_of))}


def test_every_enterprise_is_stored_with_version_points_grade_band_and_data_date(
    db: Database, city: dict[str, int]
) -> None:
    summary = score_enterprises(db=db, as_of=AS_OF)
    assert summary.scored == 4 and summary.versions == ["sc-2026.12"]
    scores = _scores(db)
    risky = scores[city["risky"]]
    assert (risky.as_of, risky.scorecard_version, risky.model_version) == (AS_OF, "sc-2026.12", None)
    assert (risky.total, risky.grade, risky.band) == (168, "D", "red")
    assert risky.factors[:3] == [
        {"factor": "tax_rating", "value": "D", "points": 25},
        {"factor": "social_insurance_arrears_fen", "value": 8_642_050, "points": 18},
        {"factor": "tax_arrears_fen", "value": 12_000_000, "points": 15},
    ]
    assert sum(x["points"] for x in risky.factors) == risky.total and len(risky.factors) == 17
    assert (scores[city["clean"]].total, scores[city["clean"]].band) == (0, "blue")
    assert (scores[city["bare"]].total, scores[city["bare"]].grade) == (6, "A")  # no tax rating, no paid-in
    assert summary.bands == {"blue": 3, "red": 1}


def test_rescoring_a_date_replaces_its_rows_and_keeps_other_dates(db: Database, city: dict[str, int]) -> None:
    score_enterprises(db=db, as_of=date(2026, 10, 31))
    score_enterprises(db=db, as_of=AS_OF)
    first = {e: (r.total, r.grade, r.factors) for e, r in _scores(db).items()}
    again = score_enterprises(db=db, as_of=AS_OF)
    assert {e: (r.total, r.grade, r.factors) for e, r in _scores(db).items()} == first
    with db.sessions() as s:
        per_date = dict(s.execute(select(RiskScore.as_of, func.count()).group_by(RiskScore.as_of)).all())
    assert per_date == {date(2026, 10, 31): 4, AS_OF: 4} and again.worsened == 0
    october = _scores(db, date(2026, 10, 31))[city["risky"]]
    values = {x["factor"]: x["value"] for x in october.factors}
    assert (values["complaints"], values["days_late"]) == (1, 2.5)  # October did not know November's


def test_a_band_worsening_is_recorded_once_against_the_previous_date(
    db: Database, city: dict[str, int]
) -> None:
    clean = city["clean"]
    score_enterprises(db=db, as_of=date(2026, 10, 31))
    with db.transaction() as s:
        h.credit(s, clean, "dishonest", date(2026, 11, 2))
        h.tax_year(s, clean, 2026, "D")
    for _ in range(2):
        summary = score_enterprises(db=db, as_of=AS_OF)
    assert summary.worsened == 1
    with db.sessions() as s:
        changes = s.scalars(select(RiskBandChange)).all()
    assert [
        (c.enterprise_id, c.previous_as_of, c.as_of, c.from_band, c.to_band, c.to_grade) for c in changes
    ] == [(clean, date(2026, 10, 31), AS_OF, "blue", "red", "D")]
    assert changes[0].total == 50 and changes[0].region_code == "520603"
    assert score_enterprises(db=db, as_of=date(2026, 12, 1)).worsened == 0  # red stays red: no change


def test_a_region_override_scores_its_enterprises_under_the_new_version(
    db: Database, city: dict[str, int]
) -> None:
    with db.transaction() as s:
        sc.set_override(
            session=s,
            region_code="520603",
            version="2",
            definition={"factors": {"own_card_share": {"missing": 9}, "tax_rating": {"weight": 0}}},
        )
        f.make_enterprise(s, region_code="520603")  # no payments: own-card share missing
    summary = score_enterprises(db=db, as_of=AS_OF)
    assert summary.versions == ["sc-2026.12", "sc-2026.12+520603@2"]
    with db.sessions() as s:
        rows = s.execute(
            select(RiskScore.scorecard_version, RiskScore.total, Enterprise.region_code)
            .join(Enterprise, Enterprise.id == RiskScore.enterprise_id)
            .order_by(RiskScore.enterprise_id)
        ).all()
    versions = {(v, region) for v, _t, region in rows}
    assert versions == {("sc-2026.12", "520602"), ("sc-2026.12+520603@2", "520603")}
    assert rows[-1].total == 9 + 2  # missing own-card share 9; no registration: paid-in missing 2


def test_the_cli_scores_a_date_and_says_what_it_did(cli, city: dict[str, int], db: Database) -> None:
    result = cli.invoke(cli_app, ["risk", "score", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2026-11-30" in result.output and "4" in result.output and "red 1" in result.output
    assert len(_scores(db)) == 4
    bad = cli.invoke(cli_app, ["risk", "score", "--as-of", "2026-13-01"])
    assert bad.exit_code == 2
