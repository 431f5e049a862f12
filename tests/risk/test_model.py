"""The learned model on a real database: its examples (features before the cut, outcomes after it), the
copy of the EBM that scores without the library, versioned model files, scoring with and without a model,
and the honest back-test (beats random and the shuffled-outcome control falls to about 0.5)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import select
from tests import factories as f
from tests.risk import history as h
from tests.risk.propensity import CUT, QUARTERS, Region, build_region

from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.registry.models import Project
from wageguard.risk import scorecard as sc
from wageguard.risk.evaluation import evaluate_model, precision_top, roc_auc
from wageguard.risk.learning import fit_ebm, from_ebm, train_model
from wageguard.risk.model import MODEL_FACTORS, encode, latest_model, load_model, model_files
from wageguard.risk.models import RiskScore
from wageguard.risk.outcomes import examples
from wageguard.risk.scoring import score_enterprises

PARAMS = sc.build(sc.DEFAULT).params
FEATURES = ["enterprise_id", *MODEL_FACTORS]


@pytest.fixture
def region(db: Database) -> Region:
    return build_region(db)


def test_examples_are_the_contractors_with_outcomes_in_the_window_after_the_cut(
    db: Database, region: Region
) -> None:
    frame = examples(db.engine, CUT, 3, PARAMS)
    assert set(frame["enterprise_id"].to_list()) == set(region.propensity)
    flagged = set(frame.filter(pl.col("outcome") == 1)["enterprise_id"].to_list())
    assert flagged == region.outcomes[CUT]
    # the alerts of the three quarters before the cut are its history, not its outcome
    earlier = region.outcomes[QUARTERS[0]] | region.outcomes[QUARTERS[1]] | region.outcomes[QUARTERS[2]]
    with_history = set(frame.filter(pl.col("red_alerts") > 0)["enterprise_id"].to_list())
    assert with_history == earlier


def test_no_data_on_or_after_the_cut_reaches_its_features(db: Database, region: Region) -> None:
    before = examples(db.engine, CUT, 3, PARAMS).select(FEATURES)
    with db.transaction() as s:
        projects = {p.contractor_id: p for p in s.scalars(select(Project))}
        for enterprise_id in list(region.propensity)[:40]:
            p = projects[enterprise_id]
            h.alert(s, p, "red", CUT)
            h.alert(s, p, "orange", CUT + timedelta(days=40))
            h.complaint(s, p, CUT)
            h.credit(s, enterprise_id, "dishonest", CUT)
            h.credit(s, enterprise_id, "penalty", CUT + timedelta(days=3))
            h.credit(s, enterprise_id, "social_insurance", CUT, amount_fen=9_000_000)
            account = h.account(s, p)
            h.payment(s, p, account, "2026-08", CUT + timedelta(days=10), outcome="proxy")
            h.inflow(s, p, account, CUT)
    after = examples(db.engine, CUT, 3, PARAMS).select(FEATURES)
    assert after.equals(before)
    # ...while the day after the cut they count: the check above is not blind
    later = examples(db.engine, CUT + timedelta(days=1), 3, PARAMS).select(FEATURES)
    assert not later.equals(before)


def test_the_model_file_reproduces_the_library_exactly(db: Database, region: Region) -> None:
    frame = pl.concat([examples(db.engine, q, 3, PARAMS) for q in QUARTERS[1:]])
    assert frame["paid_in_share"].null_count() > 0  # missing values take their own bin
    ebm, used = fit_ebm(frame)
    model = from_ebm(ebm, used, horizon_months=3)
    x = encode(frame, used)
    ours = model.contributions(frame)
    by_factor = {t.factor: j for j, t in enumerate(model.terms)}
    theirs = ebm.eval_terms(x)
    for k, name in enumerate(used):
        np.testing.assert_allclose(ours[:, by_factor[name]], theirs[:, k], rtol=0, atol=1e-12)
    for name in set(MODEL_FACTORS) - set(used):  # factors with one value here cannot contribute
        assert not ours[:, by_factor[name]].any()
    np.testing.assert_allclose(model.predict(frame), ebm.predict_proba(x)[:, 1], rtol=0, atol=1e-12)


def test_training_writes_versioned_files_and_the_newest_scores(
    db: Database, region: Region, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "models"
    assert latest_model(folder) is None
    first = train_model(db=db, cut=date(2026, 6, 1), out_dir=folder, cuts=3)
    second = train_model(db=db, cut=date(2026, 6, 1), out_dir=folder, cuts=3, seed=8)
    assert first.version != second.version and first.path.exists() and second.path.exists()
    assert model_files(folder) == [first.path, second.path]
    newest = latest_model(folder)
    assert newest is not None and newest.version == second.version
    doc = json.loads(second.path.read_text(encoding="utf-8"))
    assert doc["training"]["rows"] == 3 * len(region.propensity) == second.rows
    assert doc["training"]["cuts"] == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert doc["outcome_rules"] == ["W06", "W17", "W18"]
    assert {t["factor"] for t in doc["terms"]} == set(MODEL_FACTORS)
    # a tampered file is refused, not silently used
    doc["terms"][0]["scores"][1] += 1.0
    second.path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="checksum"):
        load_model(second.path)


def test_scoring_with_a_model_stores_probability_and_contributions(db: Database, region: Region) -> None:
    as_of = date(2026, 11, 30)
    score_enterprises(db=db, as_of=as_of)
    with db.sessions() as s:
        alone = s.scalars(select(RiskScore).where(RiskScore.as_of == as_of)).all()
    assert alone and all(r.probability is None and r.model_version is None for r in alone)
    assert all("contribution" not in factor for r in alone for factor in r.factors)
    frame = pl.concat([examples(db.engine, q, 3, PARAMS) for q in QUARTERS[1:]])
    ebm, used = fit_ebm(frame)
    model = from_ebm(ebm, used, horizon_months=3)
    summary = score_enterprises(db=db, as_of=as_of, model=model)
    assert summary.model_version == model.version
    with db.sessions() as s:
        rows = s.scalars(select(RiskScore).where(RiskScore.as_of == as_of)).all()
    assert len(rows) == len(alone)
    for r in rows:
        assert r.probability is not None and 0 < r.probability < 1
        logit = model.intercept + sum(factor["contribution"] for factor in r.factors)
        assert abs(1 / (1 + np.exp(-logit)) - r.probability) < 1e-3  # contributions add up to it
        assert {factor["factor"] for factor in r.factors} == set(MODEL_FACTORS)
    risky = max(region.propensity, key=lambda e: region.propensity[e])
    safe = min(region.propensity, key=lambda e: region.propensity[e])
    by_id = {r.enterprise_id: r.probability for r in rows}
    assert by_id[risky] > by_id[safe]  # type: ignore[operator]


def test_back_test_time_split_beats_random_and_the_scorecard_and_shuffled_falls_to_half(
    db: Database, region: Region
) -> None:
    result = evaluate_model(db=db, cut=CUT, train_cuts=3, shuffles=5)
    assert result.mode == "time-split"
    assert result.train_cuts == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert result.rows == len(region.propensity) and result.positives == len(region.outcomes[CUT])
    assert result.auc_model is not None and result.auc_model > 0.7
    assert result.lift_over_random is not None and result.lift_over_random > 1.3
    assert result.shuffled_auc is not None and abs(result.shuffled_auc - 0.5) < 0.12
    assert result.shuffled_runs == 5
    assert result.top_n == 12


def test_back_test_cross_fits_where_history_is_too_short(db: Database, region: Region) -> None:
    result = evaluate_model(db=db, cut=QUARTERS[0], shuffles=3)
    assert result.mode == "cross-fit"  # nothing before the first quarter to train on
    assert result.auc_model is not None and result.auc_model > 0.6
    assert result.shuffled_auc is not None and abs(result.shuffled_auc - 0.5) < 0.15


def test_back_test_without_outcomes_is_a_clear_error(db: Database) -> None:
    with db.transaction() as s:
        f.make_region_project(s)
    with pytest.raises(ValidationFailed) as exc:
        evaluate_model(db=db, cut=CUT)
    assert "截止日" in exc.value.message_zh


@pytest.mark.parametrize(
    ("y", "score", "expected"),
    [
        ([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], 1.0),
        ([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1], 0.0),
        ([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.5),
        ([1, 1], [0.2, 0.3], None),
    ],
)
def test_roc_auc(y: list[int], score: list[float], expected: float | None) -> None:
    assert roc_auc(np.array(y), np.array(score)) == expected


def test_precision_top_takes_the_ceiling_share() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    score = np.arange(11, 0, -1, dtype=float)
    assert precision_top(y, score, 0.1) == (0.5, 2)


def test_cli_train_score_evaluate(  # type: ignore[no-untyped-def]
    cli, monkeypatch: pytest.MonkeyPatch, db: Database, region: Region, tmp_path: Path
) -> None:
    monkeypatch.setenv("WAGEGUARD_RISK_MODEL_DIR", str(tmp_path / "models"))
    trained = cli.invoke(cli_app, ["risk", "train", "--cut", "2026-06-01"])
    assert trained.exit_code == 0, trained.output
    assert "已训练模型" in trained.output and "trained rm-" in trained.output
    [path] = model_files(tmp_path / "models")
    scored = cli.invoke(cli_app, ["risk", "score", "--as-of", "2026-11-30"])
    assert scored.exit_code == 0, scored.output
    assert f"model {load_model(path).version}" in scored.output
    alone = cli.invoke(cli_app, ["risk", "score", "--as-of", "2026-11-30", "--no-model"])
    assert "scorecard alone" in alone.output
    out = tmp_path / "evaluation.json"
    evaluated = cli.invoke(cli_app, ["risk", "evaluate", "--cut", "2026-09-01", "--report", str(out)])
    assert evaluated.exit_code == 0, evaluated.output
    assert "AUC model" in evaluated.output and "shuffled outcomes" in evaluated.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["mode"] == "time-split" and figures["auc_model"] > 0.7
    empty_cut = cli.invoke(cli_app, ["risk", "train", "--cut", "2024-01-01"])
    assert empty_cut.exit_code == 2 and "训练样本" in empty_cut.output
