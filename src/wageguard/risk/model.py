"""The learned risk model as the platform keeps it: an additive model in a versioned JSON file.

Training (``risk/learning.py``) fits an Explainable Boosting Machine (``interpret-core``) with no
interaction terms, so the model is exactly a sum of one lookup table per factor: a factor's value falls in
a bin (cut points ascending; a value equal to a cut belongs to the bin above it; a missing value has a bin
of its own) and the bin's score, in log-odds, is that factor's contribution. The log-odds of the outcome
(a W06, W17 or W18 alert on one of the enterprise's projects within ``horizon_months``) is the intercept
plus the contributions, and the probability its logistic. Scoring needs only this file and NumPy, never
the training library or a pickle; ``tests/risk/test_model.py`` checks that it reproduces the library's own
``eval_terms`` and ``predict_proba`` exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from wageguard.errors import ValidationFailed
from wageguard.risk.features import FEATURE_SCHEMA

FORMAT = 1
KIND = "wageguard-risk-model"
OUTCOME_RULES = ("W06", "W17", "W18")
MODEL_FACTORS: tuple[str, ...] = tuple(k for k in FEATURE_SCHEMA if k not in ("enterprise_id", "region_code"))
TAX_RATING_ORDER = {"A": 1.0, "B": 2.0, "M": 3.0, "C": 4.0, "D": 5.0}
"""The tax credit rating as a number for the model: A best … D worst (missing stays missing)."""
DIRECTION: dict[str, int] = {
    **dict.fromkeys(MODEL_FACTORS, 1),
    "years_established": -1,
    "paid_in_share": -1,
    "own_card_share": -1,
}
"""Monotone constraint per factor: +1 more is never less risky, −1 more is never riskier."""


@dataclass(frozen=True)
class Term:
    """One factor's lookup table: ``scores[0]`` for a missing value, ``scores[1 + i]`` for the i-th bin
    of ``cuts`` (``len(cuts) + 1`` bins), a trailing score for values the training never saw."""

    factor: str
    cuts: list[float]
    scores: list[float]


@dataclass(frozen=True)
class RiskModel:
    """A trained model and what it was trained on."""

    version: str
    trained_at: str
    horizon_months: int
    outcome_rules: list[str]
    intercept: float
    terms: list[Term]
    training: dict[str, Any] = field(default_factory=dict)

    @property
    def factors(self) -> list[str]:
        return [t.factor for t in self.terms]

    def contributions(self, features: pl.DataFrame) -> np.ndarray:
        """Per enterprise (row of ``features``) and term: the log-odds contribution."""
        x = encode(features, self.factors)
        out = np.empty_like(x)
        for j, term in enumerate(self.terms):
            scores = np.asarray(term.scores, dtype=np.float64)
            bins = np.searchsorted(np.asarray(term.cuts, dtype=np.float64), x[:, j], side="right") + 1
            bins[np.isnan(x[:, j])] = 0
            out[:, j] = scores[bins]
        return out

    def probabilities(self, contributions: np.ndarray) -> np.ndarray:
        logit = self.intercept + contributions.sum(axis=1)
        result: np.ndarray = 1.0 / (1.0 + np.exp(-logit))
        return result

    def predict(self, features: pl.DataFrame) -> np.ndarray:
        return self.probabilities(self.contributions(features))


def encode(features: pl.DataFrame, factors: list[str] | tuple[str, ...] = MODEL_FACTORS) -> np.ndarray:
    """The factor values as a float matrix (one column per factor, missing as NaN)."""
    cols = []
    for name in factors:
        col = features[name]
        if name == "tax_rating":
            col = col.replace_strict(TAX_RATING_ORDER, default=None, return_dtype=pl.Float64)
        cols.append(col.cast(pl.Float64).to_numpy().astype(np.float64, copy=False))
    return np.column_stack(cols) if cols else np.empty((features.height, 0))


def to_document(model: RiskModel) -> dict[str, Any]:
    doc = asdict(model)
    return {"kind": KIND, "format": FORMAT, **doc}


def content_digest(model: RiskModel) -> str:
    """SHA-256 of what scores: intercept and terms (not the version or dates)."""
    body = json.dumps(
        {"intercept": model.intercept, "terms": [asdict(t) for t in model.terms]}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def save_model(model: RiskModel, directory: Path) -> Path:
    """Write ``risk-model-<version>.json`` under ``directory`` atomically (temporary file, then rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"risk-model-{model.version}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(to_document(model), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_model(path: Path) -> RiskModel:
    """Read a model file; a file that is not one, or is damaged, is a ``ValidationFailed``."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("kind") != KIND or doc.get("format") != FORMAT:
            raise ValueError("not a model file of this format")
        terms = [
            Term(t["factor"], [float(c) for c in t["cuts"]], [float(s) for s in t["scores"]])
            for t in doc["terms"]
        ]
        for t in terms:
            if t.factor not in MODEL_FACTORS or len(t.scores) != len(t.cuts) + 3:
                raise ValueError(f"term {t.factor!r} does not fit")
        model = RiskModel(
            version=str(doc["version"]),
            trained_at=str(doc["trained_at"]),
            horizon_months=int(doc["horizon_months"]),
            outcome_rules=[str(r) for r in doc["outcome_rules"]],
            intercept=float(doc["intercept"]),
            terms=terms,
            training=dict(doc.get("training") or {}),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(
            f"cannot read the risk model file {path.name}: {exc}",
            message_zh=f"风险模型文件无法读取：{path.name}（{exc}）。",
        ) from exc
    if model.training.get("sha256") not in (None, content_digest(model)):
        raise ValidationFailed(
            f"the risk model file {path.name} fails its checksum",
            message_zh=f"风险模型文件内容与校验值不符：{path.name}。",
        )
    return model


def model_files(directory: Path) -> list[Path]:
    """Model files in ``directory``, oldest first (versions begin with the training time)."""
    if not directory.is_dir():
        return []
    return sorted(directory.glob("risk-model-*.json"))


def latest_model(directory: Path) -> RiskModel | None:
    """The newest model in ``directory``, or None: the platform then scores with the scorecard alone."""
    files = model_files(directory)
    return load_model(files[-1]) if files else None
