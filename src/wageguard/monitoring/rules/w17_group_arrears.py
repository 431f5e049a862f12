"""W17 — group arrears (群体性欠薪)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_rows
from wageguard.monitoring.rules.w06_attended_not_paid import unpaid_mask


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """At least ``group_arrears_workers`` (default 10) workers of one project are unpaid for the same month
    (the W06 condition), after the deadline.

    Basis: Ningbo / 海曙 practice: 群体性欠薪 = 10 or more workers.
    """
    mask = unpaid_mask()
    r = inp.recon_with("group_arrears_workers")
    g = r.group_by("project_id").agg(
        pl.col("region_code").first(),
        pl.col("group_arrears_workers").first(),
        mask.sum().alias("unpaid_workers"),
        pl.col("declared_fen").filter(mask).sum().alias("owed_fen"),
        worker_rows(mask, inp.evidence_rows).alias("unpaid"),
    )
    hit = g.filter(pl.col("unpaid_workers") >= pl.col("group_arrears_workers"))
    return findings(
        hit,
        "W17",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[pl.col("unpaid_workers"), pl.col("owed_fen"), pl.col("unpaid")],
        amount=pl.col("owed_fen"),
        workers=pl.col("unpaid_workers"),
    )


RULE = register(
    Rule(
        "W17",
        Level.RED,
        SubjectType.PROJECT,
        True,
        "群体性欠薪",
        "group arrears",
        "《保障农民工工资支付条例》第三条、第十六条；群体性欠薪按10人及以上认定",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 3 and 16; "
            "group arrears: 10 or more workers"
        ),
    )
)
