"""W07 — paid head-count below attended head-count (project-month)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_rows
from wageguard.monitoring.rules.w06_attended_not_paid import unpaid_mask


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """After the deadline, fewer workers of a project were paid for month M than attended in M. Yellow
    below 100%; red when the unpaid share of attendees exceeds ``unpaid_share_red`` (default 10%).

    Basis: vendor rule sheet (Guizhou).
    """
    rows = inp.recon.group_by("project_id").agg(worker_rows(unpaid_mask(), inp.evidence_rows).alias("unpaid"))
    pm = inp.project_month.join(
        inp.facts.thresholds.select("region_code", "unpaid_share_red"), on="region_code", how="left"
    )
    pm = pm.with_columns(
        (pl.col("attended_workers") - pl.col("paid_attended_workers")).alias("unpaid_attendees")
    ).with_columns((pl.col("unpaid_attendees") / pl.col("attended_workers")).alias("unpaid_share"))
    hit = pm.filter(pl.col("due") & (pl.col("attended_workers") > 0) & (pl.col("unpaid_attendees") > 0))
    hit = hit.join(rows, on="project_id", how="left")
    level = (
        pl.when(pl.col("unpaid_share") > pl.col("unpaid_share_red"))
        .then(pl.lit(Level.RED.value))
        .otherwise(pl.lit(Level.YELLOW.value))
    )
    return findings(
        hit,
        "W07",
        level=level,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[
            pl.col("attended_workers"),
            pl.col("paid_attended_workers"),
            pl.col("unpaid_attendees"),
            pl.col("unpaid_share").round(4),
            pl.col("deadline"),
            pl.col("unpaid"),
        ],
        amount=pl.col("owed_fen"),
        workers=pl.col("unpaid_attendees"),
    )


RULE = register(
    Rule(
        "W07",
        Level.RED,
        SubjectType.PROJECT,
        True,
        "发薪人数少于出勤人数",
        "paid head-count below attended head-count",
        "《保障农民工工资支付条例》第十二条、第三十一条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 12 and 31",
    )
)
