"""Scoring every enterprise: ``score_enterprises`` (behind ``wageguard risk score``).

Features are read once per distinct set of scorecard parameters (usually one), each enterprise is scored
under its region's effective scorecard (``risk/scorecard.py``), and the date's rows are replaced in one
transaction: ``risk_scores`` for ``as_of`` and the band worsenings against each enterprise's previous
scored date (``risk_band_changes``). Earlier dates are kept as history; a rerun for the same date gives the
same rows. The grade and band always come from the scorecard (``Scorer``), which is configured and
transparent; where a learned model is given (``risk/model.py``, the newest file ``risk train`` wrote), each
row also gets the model's probability of a W06/W17/W18 alert within its horizon and every factor's exact
log-odds contribution, and the inspection list ranks by that probability.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import polars as pl
from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from wageguard.db import Database, utcnow
from wageguard.risk import scorecard as sc
from wageguard.risk.features import FEATURE_SCHEMA, load_features
from wageguard.risk.model import RiskModel
from wageguard.risk.models import RiskBandChange, RiskScore
from wageguard.risk.tallying import refresh_risk_tallies

CHUNK = 5000
FACTOR_KEYS = [k for k in FEATURE_SCHEMA if k not in ("enterprise_id", "region_code")]


class Scorer(Protocol):
    """What scores a frame of features: the scorecard now, a learned model later."""

    model_version: str | None

    def score(self, features: pl.DataFrame, cards: dict[str, sc.Scorecard]) -> pl.DataFrame:
        """Per enterprise: ``total``, ``grade``, ``band``, ``scorecard_version`` and ``p_<factor>`` points."""
        ...


class ScorecardScorer:
    """Each enterprise under its region's effective scorecard."""

    model_version: str | None = None

    def score(self, features: pl.DataFrame, cards: dict[str, sc.Scorecard]) -> pl.DataFrame:
        parts = []
        by_version: dict[str, list[str]] = {}
        for code, card in cards.items():
            by_version.setdefault(card.version, []).append(code)
        for codes in by_version.values():
            subset = features.filter(pl.col("region_code").is_in(codes))
            parts.append(sc.score_frame(subset, cards[codes[0]]))
        return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


@dataclass
class ScoreSummary:
    """What one scoring run did."""

    as_of: date
    scored: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    worsened: int = 0
    versions: list[str] = field(default_factory=list)
    model_version: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def factor_list(row: dict[str, Any], contributions: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """A scored row's factors, worst first (points, then catalogue order): ``{factor, value, points}``,
    with ``contribution`` (the model's log-odds, 4 decimals) where a model scored the row."""
    order = {k: i for i, k in enumerate(FACTOR_KEYS)}
    items = [
        {"factor": k, "value": _plain(row[k]), "points": int(row[f"p_{k}"])}
        for k in FACTOR_KEYS
        if f"p_{k}" in row
    ]
    if contributions is not None:
        for item in items:
            item["contribution"] = round(contributions.get(item["factor"], 0.0), 4)
    return sorted(items, key=lambda f: (-f["points"], order[f["factor"]]))


def _plain(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def score_enterprises(
    *, db: Database, as_of: date, scorer: Scorer | None = None, model: RiskModel | None = None
) -> ScoreSummary:
    """Score every enterprise as of ``as_of`` (with ``model``'s probability where given) and replace that
    date's scores and band changes."""
    scorer = scorer or ScorecardScorer()
    summary = ScoreSummary(as_of, model_version=model.version if model else None)
    t0 = time.perf_counter()
    with db.sessions() as session:
        regions = [r or "" for r in session.scalars(select(func.distinct(_enterprise_regions())))]
        cards = sc.resolve(session, regions)
    features = _features(db, as_of, cards)
    unseen = set(features["region_code"].to_list()) - set(cards)  # enterprises added since: their own cards
    if unseen:
        with db.sessions() as session:
            cards |= sc.resolve(session, sorted(unseen))
    summary.seconds["features"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    scored = scorer.score(features, cards)
    learned = _model_columns(model, scored)
    now = utcnow()
    rows = [
        {
            "enterprise_id": r["enterprise_id"],
            "as_of": as_of,
            "region_code": r["region_code"] or "",
            "scorecard_version": r["scorecard_version"],
            "model_version": model.version if model else scorer.model_version,
            "total": int(r["total"]),
            "grade": r["grade"],
            "band": r["band"],
            "factors": factor_list(r, learned[i][1] if learned else None),
            "probability": learned[i][0] if learned else None,
            "created_at": now,
        }
        for i, r in enumerate(scored.iter_rows(named=True))
    ]
    summary.seconds["score"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with db.transaction() as session:
        _replace(session, as_of, rows)
        summary.worsened = _record_band_changes(session, as_of)
        refresh_risk_tallies(session)  # the command screen's map of high-risk enterprises
    summary.seconds["write"] = time.perf_counter() - t0
    summary.scored = len(rows)
    summary.bands = dict(sorted(scored.group_by("band").len().iter_rows())) if rows else {}
    summary.versions = sorted(set(scored["scorecard_version"].to_list())) if rows else []
    return summary


def _model_columns(model: RiskModel | None, scored: pl.DataFrame) -> list[tuple[float, dict[str, float]]]:
    """Per scored row: the model's probability (6 decimals) and contribution per factor; [] without one."""
    if model is None or scored.height == 0:
        return []
    contributions = model.contributions(scored)
    probabilities = model.probabilities(contributions)
    names = model.factors
    return [
        (round(float(p), 6), {n: float(c) for n, c in zip(names, row, strict=True)})
        for p, row in zip(probabilities, contributions, strict=True)
    ]


def _enterprise_regions() -> Any:
    from wageguard.registry.models import Enterprise, Project

    first = select(func.min(Project.region_code)).where(Project.contractor_id == Enterprise.id)
    return func.coalesce(Enterprise.region_code, first.scalar_subquery(), "")


def _features(db: Database, as_of: date, cards: dict[str, sc.Scorecard]) -> pl.DataFrame:
    """Features under each distinct parameter set of the cards, each enterprise from its card's set."""
    by_params: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for code, card in cards.items():
        by_params.setdefault(tuple(sorted(card.params.items())), []).append(code)
    if len(by_params) <= 1:
        params = dict(next(iter(by_params))) if by_params else sc.build(sc.DEFAULT).params
        return load_features(db.engine, as_of, params)
    parts = [
        load_features(db.engine, as_of, dict(params)).filter(pl.col("region_code").is_in(codes))
        for params, codes in by_params.items()
    ]
    return pl.concat(parts).sort("enterprise_id")


def _replace(session: Session, as_of: date, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(RiskBandChange).where(RiskBandChange.as_of == as_of))
    session.execute(delete(RiskScore).where(RiskScore.as_of == as_of))
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(RiskScore), rows[i : i + CHUNK])


def _record_band_changes(session: Session, as_of: date) -> int:
    """Band worsenings of ``as_of``'s scores against each enterprise's previous scored date (one query)."""
    prev = aliased(RiskScore)
    latest_before = (
        select(func.max(RiskScore.as_of))
        .where(RiskScore.enterprise_id == prev.enterprise_id, RiskScore.as_of < as_of)
        .correlate(prev)
        .scalar_subquery()
    )
    cur = aliased(RiskScore)
    pairs = session.execute(
        select(
            cur.enterprise_id,
            prev.as_of,
            prev.grade,
            cur.grade,
            prev.band,
            cur.band,
            cur.total,
            cur.region_code,
        )
        .join(prev, and_(prev.enterprise_id == cur.enterprise_id, prev.as_of == latest_before))
        .where(cur.as_of == as_of)
    ).all()
    now = utcnow()
    changes = [
        {
            "enterprise_id": e,
            "as_of": as_of,
            "previous_as_of": p_as_of,
            "from_grade": p_grade,
            "to_grade": c_grade,
            "from_band": p_band,
            "to_band": c_band,
            "total": total,
            "region_code": region,
            "created_at": now,
        }
        for e, p_as_of, p_grade, c_grade, p_band, c_band, total, region in pairs
        if sc.BAND_RANK.get(c_band, 0) > sc.BAND_RANK.get(p_band, 0)
    ]
    for i in range(0, len(changes), CHUNK):
        session.execute(insert(RiskBandChange), changes[i : i + CHUNK])
    return len(changes)
