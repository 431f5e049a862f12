"""Training the learned risk model (``wageguard risk train``): an EBM on the platform's own outcomes.

The examples are the general contractors at ``cuts`` monthly cut dates ending at ``cut`` (default: today
less the horizon, so every outcome window has closed), each with its features as of the day before its cut
and whether its projects raised W06/W17/W18 within ``horizon_months`` after it (``risk/outcomes.py``). The
fit is an Explainable Boosting Machine (``interpret-core``) with no interaction terms and a monotone
constraint per factor (``model.DIRECTION``); the result is copied into a ``RiskModel`` (plain lookup
tables) and written as a versioned JSON file, so scoring never loads the library or a pickle. Why an EBM
and not a binned scorecard (optbinning): docs/risk.md, "The learned model".
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy.engine import Engine

from wageguard.db import Database, utcnow
from wageguard.errors import ValidationFailed
from wageguard.risk import scorecard as sc
from wageguard.risk.features import months_before
from wageguard.risk.model import (
    DIRECTION,
    MODEL_FACTORS,
    OUTCOME_RULES,
    RiskModel,
    Term,
    content_digest,
    encode,
    save_model,
)
from wageguard.risk.outcomes import examples

EBM_SETTINGS: dict[str, Any] = {
    "interactions": 0,  # additive: every contribution belongs to exactly one factor
    "outer_bags": 8,
    "max_bins": 32,
    "validation_size": 0.15,
    "learning_rate": 0.02,
}


@dataclass
class TrainReport:
    """What one training did."""

    version: str
    path: Path
    rows: int
    positives: int
    cuts: list[date]
    horizon_months: int
    excluded: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def training_cuts(last_cut: date, cuts: int) -> list[date]:
    """``cuts`` monthly cut dates ending at ``last_cut``, oldest first."""
    return [months_before(last_cut, k) for k in range(max(cuts, 1) - 1, -1, -1)]


def training_set(engine: Engine, cut_dates: list[date], horizon_months: int) -> pl.DataFrame:
    """The examples of every cut, stacked (an enterprise appears once per cut)."""
    params = sc.build(sc.DEFAULT).params
    frames = [examples(engine, c, horizon_months, params) for c in cut_dates]
    return pl.concat(frames) if frames else pl.DataFrame()


def informative(x: np.ndarray) -> list[bool]:
    """Columns with at least two distinct known values (others cannot inform a fit)."""
    keep = []
    for j in range(x.shape[1]):
        col = x[:, j]
        known = col[~np.isnan(col)]
        keep.append(known.size > 0 and bool(np.nanmax(known) > np.nanmin(known)))
    return keep


def fit_model(frame: pl.DataFrame, *, horizon_months: int, seed: int = 7) -> RiskModel:
    """Fit the EBM on ``frame`` (examples with ``outcome``) and copy it into a ``RiskModel``."""
    ebm, used = fit_ebm(frame, seed=seed)
    return from_ebm(ebm, used, horizon_months=horizon_months)


def fit_ebm(frame: pl.DataFrame, *, seed: int = 7) -> tuple[Any, list[str]]:
    """The fitted ``ExplainableBoostingClassifier`` and the factors it was given (the informative ones)."""
    from interpret.glassbox import ExplainableBoostingClassifier

    y = frame["outcome"].to_numpy().astype(np.int64)
    if frame.height == 0 or y.min() == y.max():
        raise ValidationFailed(
            "training needs both outcomes among the examples "
            f"({frame.height} examples, {int(y.sum()) if frame.height else 0} with an alert)",
            message_zh=f"训练样本须同时含有发生与未发生欠薪预警的企业（共 {frame.height} 个样本）。",
        )
    x_all = encode(frame, MODEL_FACTORS)
    keep = informative(x_all)
    used = [f for f, k in zip(MODEL_FACTORS, keep, strict=True) if k]
    x = x_all[:, keep]
    ebm = ExplainableBoostingClassifier(
        feature_names=used,
        feature_types=["continuous"] * len(used),
        monotone_constraints=[DIRECTION[f] for f in used],
        n_jobs=min(2, os.cpu_count() or 1),
        random_state=seed,
        **EBM_SETTINGS,
    )
    with warnings.catch_warnings():
        # The library warns that its own charts do not draw the missing-value bin; WageGuard keeps and
        # shows that bin's score itself (Term.scores[0]).
        warnings.filterwarnings("ignore", message="Missing values detected", category=UserWarning)
        ebm.fit(x, y)
    return ebm, used


def from_ebm(ebm: Any, used: list[str], *, horizon_months: int) -> RiskModel:
    """Copy a fitted EBM's lookup tables into a ``RiskModel``; factors it was not given score 0."""
    terms: list[Term] = []
    fitted = {used[idx[0]]: j for j, idx in enumerate(ebm.term_features_)}
    for name in MODEL_FACTORS:
        if name not in fitted:
            terms.append(Term(name, [], [0.0, 0.0, 0.0]))
            continue
        j = fitted[name]
        cuts = [float(c) for c in np.asarray(ebm.bins_[used.index(name)][0], dtype=np.float64)]
        scores = [float(s) for s in np.asarray(ebm.term_scores_[j], dtype=np.float64)]
        if len(scores) != len(cuts) + 3:
            raise RuntimeError(f"unexpected EBM term layout for {name}: {len(cuts)} cuts, {len(scores)}")
        terms.append(Term(name, cuts, scores))
    intercept = float(np.asarray(ebm.intercept_, dtype=np.float64).reshape(-1)[0])
    return RiskModel(
        version="",
        trained_at="",
        horizon_months=horizon_months,
        outcome_rules=list(OUTCOME_RULES),
        intercept=intercept,
        terms=terms,
        training={"excluded": [f for f in MODEL_FACTORS if f not in used]},
    )


def stamp(model: RiskModel, training: dict[str, Any]) -> RiskModel:
    """Give a fitted model its version (training time + content digest) and training record."""
    now = utcnow()
    digest = content_digest(model)
    return replace(
        model,
        version=f"rm-{now:%Y%m%d%H%M%S%f}-{digest[:8]}",
        trained_at=now.isoformat(timespec="seconds") + "Z",
        training={**model.training, **training, "sha256": digest},
    )


def default_cut(today: date, horizon_months: int) -> date:
    """The latest cut whose outcome window ``[cut, cut + horizon)`` has closed by the end of ``today``:
    the day after ``today`` less the horizon (so alerts first seen today count)."""
    return months_before(today, horizon_months) + timedelta(days=1)


def train_model(
    *,
    db: Database,
    cut: date,
    out_dir: Path,
    horizon_months: int = 3,
    cuts: int = 3,
    seed: int = 7,
) -> TrainReport:
    """Train on the examples of ``cuts`` monthly cuts ending at ``cut`` and write a new model file."""
    from importlib.metadata import version as package_version

    t0 = time.perf_counter()
    cut_dates = training_cuts(cut, cuts)
    frame = training_set(db.engine, cut_dates, horizon_months)
    t1 = time.perf_counter()
    fitted = fit_model(frame, horizon_months=horizon_months, seed=seed)
    t2 = time.perf_counter()
    positives = int(frame["outcome"].sum())
    model = stamp(
        fitted,
        {
            "cuts": [c.isoformat() for c in cut_dates],
            "rows": frame.height,
            "positives": positives,
            "library": f"interpret-core {package_version('interpret-core')}",
            "settings": {**EBM_SETTINGS, "seed": seed},
        },
    )
    path = save_model(model, out_dir)
    return TrainReport(
        version=model.version,
        path=path,
        rows=frame.height,
        positives=positives,
        cuts=cut_dates,
        horizon_months=horizon_months,
        excluded=list(model.training.get("excluded", [])),
        seconds={"examples": t1 - t0, "fit": t2 - t1, "write": time.perf_counter() - t2},
    )
