"""The honest back-test of the learned model (``wageguard risk evaluate``).

The test examples are the general contractors at the cut: features as of the day before it, outcomes in
the horizon after it (``risk/outcomes.py``). The model that predicts them is trained either

- **time-split**: on earlier cuts whose outcome windows closed by the cut (``train_cuts`` monthly cuts,
  the latest one horizon before the cut), so nothing the test asks about was known in training; or
- **cross-fit**, where the history before the cut holds too few outcomes for that (a young platform, the
  demo's three months): stratified folds of the cut's own contractors, each predicted by a model that never
  saw it. The features are still only from before the cut.

Reported: ROC AUC of the model and of the scorecard's total on the same examples, precision among the top
``top_share`` (10 %) by each and at random (the base rate), the lifts over both, and the AUC of the same
procedure with the outcomes shuffled (a leak-free pipeline can only reach about 0.5 there).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.risk import scorecard as sc
from wageguard.risk.features import months_before
from wageguard.risk.learning import fit_model, training_cuts, training_set
from wageguard.risk.scoring import ScorecardScorer

MIN_POSITIVES = 5
"""A time-split needs at least this many outcomes (and as many non-outcomes) in its training cuts."""


@dataclass
class Evaluation:
    """The back-test's figures (``None`` where a figure is undefined, e.g. an AUC with one class)."""

    cut: date
    horizon_months: int
    mode: str
    train_cuts: list[date]
    train_rows: int
    rows: int
    positives: int
    base_rate: float
    top_share: float
    top_n: int
    auc_model: float | None
    auc_scorecard: float | None
    precision_top_model: float
    precision_top_scorecard: float
    precision_top_random: float
    lift_over_random: float | None
    lift_over_scorecard: float | None
    shuffled_auc: float | None
    shuffled_runs: int
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cut"] = self.cut.isoformat()
        data["train_cuts"] = [c.isoformat() for c in self.train_cuts]
        return data


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None unless both outcomes occur."""
    from sklearn.metrics import roc_auc_score

    if y.size == 0 or y.min() == y.max():
        return None
    return float(roc_auc_score(y, score))


def precision_top(y: np.ndarray, score: np.ndarray, share: float) -> tuple[float, int]:
    """Share of outcomes among the ``ceil(share × n)`` highest scores (ties broken by row order)."""
    n = max(1, math.ceil(share * y.size))
    order = np.argsort(-score, kind="stable")[:n]
    return float(y[order].mean()) if y.size else 0.0, n


def scorecard_totals(db: Database, frame: pl.DataFrame) -> np.ndarray:
    """The scorecard's total for each example under its region's effective scorecard (row order kept)."""
    regions = sorted(set(frame["region_code"].fill_null("").to_list()))
    with db.sessions() as session:
        cards = sc.resolve(session, regions)
    scored = ScorecardScorer().score(frame.with_columns(pl.col("region_code").fill_null("")), cards)
    totals = frame.select("enterprise_id").join(
        scored.select("enterprise_id", "total"), on="enterprise_id", how="left"
    )
    return totals["total"].fill_null(0).to_numpy().astype(np.float64)


def _predict_time_split(
    train: pl.DataFrame, test: pl.DataFrame, y_train: np.ndarray, horizon: int, seed: int
) -> np.ndarray:
    model = fit_model(train.with_columns(pl.Series("outcome", y_train)), horizon_months=horizon, seed=seed)
    return model.predict(test)


def _predict_cross_fit(test: pl.DataFrame, y: np.ndarray, folds: int, horizon: int, seed: int) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    positives = int(y.sum())
    splits = min(folds, positives, y.size - positives)
    if splits < 2:
        raise ValidationFailed(
            f"too few outcomes at the cut to cross-fit ({positives} of {y.size})",
            message_zh=f"截止日后的欠薪预警结果过少（{y.size} 家中 {positives} 家），无法评估。",
        )
    out = np.zeros(y.size)
    folds_iter = StratifiedKFold(n_splits=splits, shuffle=True, random_state=seed).split(np.zeros(y.size), y)
    for fit_rows, held_rows in folds_iter:
        part = test[fit_rows.tolist()].with_columns(pl.Series("outcome", y[fit_rows]))
        model = fit_model(part, horizon_months=horizon, seed=seed)
        out[held_rows] = model.predict(test[held_rows.tolist()])
    return out


def evaluate_model(
    *,
    db: Database,
    cut: date,
    horizon_months: int = 3,
    train_cuts: int = 3,
    folds: int = 5,
    shuffles: int = 5,
    top_share: float = 0.1,
    seed: int = 7,
) -> Evaluation:
    """Back-test the model at ``cut`` (see the module docstring)."""
    t0 = time.perf_counter()
    test = training_set(db.engine, [cut], horizon_months)
    y = test["outcome"].to_numpy().astype(np.int64) if test.height else np.zeros(0, dtype=np.int64)
    if y.size == 0 or y.min() == y.max():
        raise ValidationFailed(
            f"the cut {cut} has no mix of outcomes to test "
            f"({y.size} contractors, {int(y.sum())} with an alert)",
            message_zh=f"截止日 {cut} 之后没有可供检验的欠薪预警结果（共 {y.size} 家总承包企业）。",
        )
    train_dates = training_cuts(months_before(cut, horizon_months), train_cuts)
    train = training_set(db.engine, train_dates, horizon_months)
    y_train = train["outcome"].to_numpy().astype(np.int64) if train.height else np.zeros(0, dtype=np.int64)
    time_split = min(int(y_train.sum()), int(y_train.size - y_train.sum())) >= MIN_POSITIVES
    t1 = time.perf_counter()

    def predict(y_fit: np.ndarray, y_test: np.ndarray, run_seed: int) -> np.ndarray:
        if time_split:
            return _predict_time_split(train, test, y_fit, horizon_months, run_seed)
        return _predict_cross_fit(test, y_test, folds, horizon_months, run_seed)

    scores = predict(y_train, y, seed)
    t2 = time.perf_counter()
    card = scorecard_totals(db, test)
    rng = np.random.default_rng(seed)
    shuffled = []
    for k in range(shuffles):
        y_shuffled = rng.permutation(y)
        y_train_shuffled = rng.permutation(y_train) if time_split else y_train
        auc = roc_auc(y_shuffled, predict(y_train_shuffled, y_shuffled, seed + 1 + k))
        if auc is not None:
            shuffled.append(auc)
    t3 = time.perf_counter()
    base_rate = float(y.mean())
    p_model, top_n = precision_top(y, scores, top_share)
    p_card, _ = precision_top(y, card, top_share)
    return Evaluation(
        cut=cut,
        horizon_months=horizon_months,
        mode="time-split" if time_split else "cross-fit",
        train_cuts=train_dates if time_split else [cut],
        train_rows=train.height if time_split else test.height,
        rows=test.height,
        positives=int(y.sum()),
        base_rate=base_rate,
        top_share=top_share,
        top_n=top_n,
        auc_model=roc_auc(y, scores),
        auc_scorecard=roc_auc(y, card),
        precision_top_model=p_model,
        precision_top_scorecard=p_card,
        precision_top_random=base_rate,
        lift_over_random=p_model / base_rate if base_rate else None,
        lift_over_scorecard=p_model / p_card if p_card else None,
        shuffled_auc=float(np.mean(shuffled)) if shuffled else None,
        shuffled_runs=len(shuffled),
        seconds={"examples": t1 - t0, "model": t2 - t1, "scorecard_and_shuffles": t3 - t2},
    )
