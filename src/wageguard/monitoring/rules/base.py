"""What a rule is, what it reads and what it returns.

A rule is a registered object with a stable code, a level, a subject type and a pure ``evaluate`` function
over whole columns (``RuleInput`` → a findings frame with ``FINDING_SCHEMA``). Its docstring states the
intent and the legal basis; ``docs/rules.md`` documents every registered code (a test checks both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.facts import ARREARS_SCHEMA, Facts, empty

FINDING_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "rule_code": pl.String,
    "level": pl.String,
    "subject_type": pl.String,
    "subject_id": pl.Int64,
    "project_id": pl.Int64,
    "worker_id": pl.Int64,
    "region_code": pl.String,
    "period": pl.String,
    "amount_fen": pl.Int64,
    "workers": pl.Int64,
    "referral": pl.Boolean,
    "evidence": pl.String,
}


@dataclass(frozen=True)
class RuleInput:
    """The columns a rule may read: the month's facts, their reconciliation and roll-up, and context."""

    facts: Facts
    recon: pl.DataFrame
    project_month: pl.DataFrame
    calendar: pl.DataFrame
    evidence_rows: int = 50
    arrears: pl.DataFrame = field(default_factory=lambda: empty(ARREARS_SCHEMA))

    @property
    def as_of(self) -> date:
        return self.facts.as_of

    @property
    def period(self) -> str:
        return self.facts.period

    def projects_with(self, *keys: str) -> pl.DataFrame:
        """The projects frame with the named regional thresholds joined on."""
        return self.facts.projects.join(
            self.facts.thresholds.select("region_code", *keys), on="region_code", how="left"
        )

    def recon_with(self, *keys: str) -> pl.DataFrame:
        """The reconciled worker-months with the named regional thresholds joined on."""
        have = [k for k in keys if k not in self.recon.columns]
        if not have:
            return self.recon
        return self.recon.join(
            self.facts.thresholds.select("region_code", *have), on="region_code", how="left"
        )


@dataclass(frozen=True)
class Rule:
    """A warning rule of the catalogue (``docs/rules.md``)."""

    code: str
    level: Level
    subject: SubjectType
    periodic: bool
    title_zh: str
    title_en: str
    basis: str
    evaluate: Callable[[RuleInput], pl.DataFrame]
    uses_arrears: bool = False
    # Evaluated once per run over the run's months and the as-of month so far (``Facts.gate_periods``);
    # each finding carries the month it is about (W16).
    month_to_date: bool = False
    # The legal basis in English; ``basis`` is the Chinese text with its articles (shown on alert pages).
    basis_en: str = ""

    @property
    def doc(self) -> str:
        return (self.evaluate.__doc__ or "").strip()


def findings(
    frame: pl.DataFrame,
    rule: str,
    *,
    level: pl.Expr | str,
    subject_type: SubjectType,
    subject_id: str,
    period: str | pl.Expr,
    evidence: list[pl.Expr],
    amount: pl.Expr | None = None,
    workers: pl.Expr | None = None,
    referral: bool = False,
) -> pl.DataFrame:
    """Shape rows that satisfy a rule into the findings schema; evidence becomes one JSON object per row."""
    lvl = pl.lit(level) if isinstance(level, str) else level
    has = frame.columns
    out = frame.select(
        pl.lit(rule).alias("rule_code"),
        lvl.alias("level"),
        pl.lit(subject_type.value).alias("subject_type"),
        pl.col(subject_id).cast(pl.Int64).alias("subject_id"),
        (pl.col("project_id") if "project_id" in has else pl.lit(None)).cast(pl.Int64).alias("project_id"),
        (pl.col("worker_id") if "worker_id" in has else pl.lit(None)).cast(pl.Int64).alias("worker_id"),
        pl.col("region_code").cast(pl.String),
        (pl.lit(period) if isinstance(period, str) else period).cast(pl.String).alias("period"),
        (amount if amount is not None else pl.lit(None)).cast(pl.Int64).alias("amount_fen"),
        (workers if workers is not None else pl.lit(None)).cast(pl.Int64).alias("workers"),
        pl.lit(referral).alias("referral"),
        pl.struct(evidence).struct.json_encode().alias("evidence") if evidence else pl.lit("{}"),
    )
    return out


def empty_findings() -> pl.DataFrame:
    return empty(FINDING_SCHEMA)


WORKER_FIGURES = (
    "project_id",
    "worker_id",
    "team_id",
    "attended_days",
    "attended_minutes",
    "declared_fen",
    "declared_source",
    "received_fen",
    "other_card_fen",
    "failed_fen",
    "paid_fen",
    "shortfall_fen",
    "deadline",
    "last_paid_on",
    "status",
)


def worker_evidence() -> list[pl.Expr]:
    """The figures of one reconciled worker-month, as evidence fields."""
    return [pl.col(c) for c in WORKER_FIGURES]


def worker_rows(mask: pl.Expr, limit: int) -> pl.Expr:
    """Aggregation: the worker-month rows matching ``mask`` (capped at ``limit``), for project evidence;
    largest shortfall first, ties by worker id, so a rerun on the same data gives the same evidence."""
    row = pl.struct(
        "worker_id", "team_id", "attended_days", "declared_fen", "paid_fen", "shortfall_fen", "status"
    )
    return (
        row.filter(mask)
        .sort_by(
            [pl.col("shortfall_fen").filter(mask), pl.col("worker_id").filter(mask)],
            descending=[True, False],
            nulls_last=True,
        )
        .head(limit)
    )
