"""W20 — complaints spike (投诉激增)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings
from wageguard.monitoring.thresholds import SPEC_BY_KEY

KEYS = ("complaints_spike_count", "complaints_window_days")


WINDOW_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": pl.Int64,
    "region_code": pl.String,
    "complaints": pl.Int64,
    "spike_count": pl.Int64,
    "window_days": pl.Int64,
    "first_received": pl.Date,
    "last_received": pl.Date,
    "tracking_codes": pl.List(pl.String),
}


def window_counts(
    complaints: pl.DataFrame, thresholds: pl.DataFrame, as_of: date, evidence_rows: int = 50
) -> pl.DataFrame:
    """Per project (``WINDOW_SCHEMA``): complaints received in its region's window ending on ``as_of``,
    the first and last dates, and the first ``evidence_rows`` tracking codes received (by time, then code)."""
    defaults = [pl.col(k).fill_null(int(SPEC_BY_KEY[k].default)) for k in KEYS]
    c = complaints.join(thresholds.select("region_code", *KEYS), on="region_code", how="left")
    c = c.with_columns(defaults)
    start = pl.lit(as_of) - pl.duration(days=pl.col("complaints_window_days") - 1)
    c = c.filter((pl.col("received_date") >= start) & (pl.col("received_date") <= pl.lit(as_of)))
    g = c.group_by("project_id").agg(
        pl.col("region_code").first(),
        pl.len().cast(pl.Int64).alias("complaints"),
        pl.col("complaints_spike_count").first().alias("spike_count"),
        pl.col("complaints_window_days").first().alias("window_days"),
        pl.col("received_date").min().alias("first_received"),
        pl.col("received_date").max().alias("last_received"),
        pl.col("tracking_code")
        .sort_by(["received_at", "tracking_code"])
        .head(evidence_rows)
        .alias("tracking_codes"),
    )
    return g.select([pl.col(n).cast(t) for n, t in WINDOW_SCHEMA.items()])


def spike_findings(window: pl.DataFrame) -> pl.DataFrame:
    """W20 findings from ``window_counts`` rows: orange at or above the spike count, yellow below it.
    Shared by the engine and the complaint hook, so both compute the same alert (same evidence hash)."""
    spike = pl.col("complaints") >= pl.col("spike_count")
    level = pl.when(spike).then(pl.lit(Level.ORANGE.value)).otherwise(pl.lit(Level.YELLOW.value))
    return findings(
        window.filter(pl.col("complaints") > 0).sort("project_id"),
        "W20",
        level=level,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[pl.col(c) for c in list(WINDOW_SCHEMA)[2:]],
    )


def spike_finding(
    *,
    project_id: int,
    region_code: str,
    complaints: int,
    spike_count: int,
    window_days: int,
    first_received: date | None,
    last_received: date | None,
    tracking_codes: list[str],
) -> dict[str, Any]:
    """One project's finding as ``spike_findings`` shapes it (same fields, same evidence JSON), built
    row-at-a-time for the complaint hook; the tests check both give the same alert hash."""
    level = Level.ORANGE if complaints >= spike_count else Level.YELLOW
    evidence = {
        "complaints": complaints,
        "spike_count": spike_count,
        "window_days": window_days,
        "first_received": first_received.isoformat() if first_received else None,
        "last_received": last_received.isoformat() if last_received else None,
        "tracking_codes": tracking_codes,
    }
    return {
        "rule_code": "W20",
        "level": level.value,
        "subject_type": SubjectType.PROJECT.value,
        "subject_id": project_id,
        "project_id": project_id,
        "worker_id": None,
        "region_code": region_code,
        "period": "",
        "amount_fen": None,
        "workers": None,
        "referral": False,
        "evidence": json.dumps(evidence, separators=(",", ":"), ensure_ascii=False),
    }


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """At least ``complaints_spike_count`` (default 3) complaints about one project were received in the
    ``complaints_window_days`` (default 30) days ending on the as-of date (both ends inclusive): orange.
    Below the spike count, a project with any complaint in the window keeps a yellow W20 alert (count so
    far), so a single complaint is visible in the alert inbox from the moment it is filed (the complaint
    hook raises it at once) until it falls out of the window. Every complaint counts, whatever its case
    state: a spike is a signal about the project, not a verdict on each case. Period: none (a rolling
    window, one alert per project); the window's first and last complaint dates are in the evidence.
    Evidence: the count and the tracking codes only (no personal data).

    Basis: inspection practice (a cluster of worker complaints about one site precedes group arrears);
    complaint channel per 保障农民工工资支付条例 Art 34 (rights notice board with complaint channels).
    """
    facts = inp.facts
    return spike_findings(window_counts(facts.complaints, facts.thresholds, inp.as_of, inp.evidence_rows))


RULE = register(
    Rule(
        "W20",
        Level.ORANGE,
        SubjectType.PROJECT,
        False,
        "投诉激增",
        "complaints spike",
        "《保障农民工工资支付条例》第三十四条（投诉举报渠道）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 34 (complaint channels)"
        ),
    )
)
