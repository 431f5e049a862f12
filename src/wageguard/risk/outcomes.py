"""What the learned model learns from: features before a cut, outcomes after it.

For a cut date ``c`` and a horizon of ``h`` months an example is one enterprise that is the general
contractor of at least one project started before ``c``: its features are read as of the day before
``c`` (``features.load_features`` reads by event time, so nothing dated on or after ``c`` counts), and its
outcome is whether any of its projects raised a W06, W17 or W18 alert first seen in ``[c, c + h months)``.
The general contractor bears the arrears of its subcontractors (保障农民工工资支付条例 Art. 30), so the
outcome and the platform's history are both the contractor's.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy.engine import Engine

from wageguard.monitoring.arrow_io import read_frame, reading
from wageguard.risk.features import load_features, months_before
from wageguard.risk.model import OUTCOME_RULES


def _lit(d: date) -> str:
    return f"'{d.isoformat()}'"


def contractors_before(engine: Engine, cut: date) -> pl.DataFrame:
    """Enterprises that were the general contractor of a project started before ``cut`` (or with no start
    date on record)."""
    return read_frame(
        engine,
        f"""
        SELECT DISTINCT contractor_id AS enterprise_id FROM projects
        WHERE contractor_id IS NOT NULL AND (start_date IS NULL OR start_date < {_lit(cut)})""",
        {"enterprise_id": pl.Int64},
    )


def outcomes(engine: Engine, start: date, end: date) -> pl.DataFrame:
    """General contractors with a W06/W17/W18 alert first seen in ``[start, end)`` on a project of theirs."""
    rules = ", ".join(f"'{r}'" for r in OUTCOME_RULES)
    return read_frame(
        engine,
        f"""
        SELECT DISTINCT p.contractor_id AS enterprise_id
        FROM alerts a JOIN projects p ON p.id = a.project_id
        WHERE p.contractor_id IS NOT NULL AND a.rule_code IN ({rules})
          AND a.first_seen_on >= {_lit(start)} AND a.first_seen_on < {_lit(end)}""",
        {"enterprise_id": pl.Int64},
    )


def feature_date(cut: date) -> date:
    """The data date of a cut's features: the day before it."""
    return cut - timedelta(days=1)


def horizon_end(cut: date, horizon_months: int) -> date:
    """The first day after a cut's outcome window (the same day ``horizon_months`` months on, clamped)."""
    return months_before(cut, -horizon_months)


def examples(engine: Engine, cut: date, horizon_months: int, params: dict[str, int]) -> pl.DataFrame:
    """One row per contractor at ``cut``: the features as of the day before and ``outcome`` (0/1)."""
    with reading(engine):
        population = contractors_before(engine, cut)
        positive = outcomes(engine, cut, horizon_end(cut, horizon_months))
    features = load_features(engine, feature_date(cut), params)
    frame = features.join(population, on="enterprise_id", how="semi")
    flagged = positive.with_columns(pl.lit(1, dtype=pl.Int8).alias("outcome"))
    frame = frame.join(flagged, on="enterprise_id", how="left").with_columns(
        pl.col("outcome").fill_null(0), pl.lit(cut).alias("cut")
    )
    return frame.sort("enterprise_id")
