"""W18 — arrears reaching the criminal threshold → escalate (transfer to police / 失信名单 review)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """Over all unpaid worker-months still holding (this run's W06/W08 findings and earlier months' open
    W06/W08 alerts), a project owes one worker for ≥ ``criminal_single_months`` (3) months and ≥
    ``criminal_single_fen`` (¥10,000), or owes ≥ ``criminal_group_workers`` (10) workers ≥
    ``criminal_group_fen`` (¥50,000) in total. The alert carries the referral (escalation) flag.

    Basis: 拒不支付劳动报酬罪 thresholds, 法释〔2013〕3号; 黔高法〔2013〕230号 (Guizhou amounts).
    """
    a = inp.arrears.unique(subset=["project_id", "worker_id", "period"])
    per_worker = a.group_by("project_id", "worker_id").agg(
        pl.col("region_code").first(), pl.col("period").n_unique().alias("months"), pl.col("owed_fen").sum()
    )
    t = inp.facts.thresholds.select(
        "region_code",
        "criminal_single_months",
        "criminal_single_fen",
        "criminal_group_workers",
        "criminal_group_fen",
    )
    w = per_worker.join(t, on="region_code", how="left").with_columns(
        (
            (pl.col("months") >= pl.col("criminal_single_months"))
            & (pl.col("owed_fen") >= pl.col("criminal_single_fen"))
        ).alias("single")
    )
    row = pl.struct("worker_id", "months", "owed_fen", "single")
    g = w.group_by("project_id").agg(
        pl.col("region_code").first(),
        pl.len().alias("workers_owed"),
        pl.col("owed_fen").sum().alias("total_owed_fen"),
        pl.col("single").sum().alias("single_workers"),
        pl.col("criminal_group_workers").first(),
        pl.col("criminal_group_fen").first(),
        row.sort_by(["owed_fen", "worker_id"], descending=[True, False])
        .head(inp.evidence_rows)
        .alias("workers"),
    )
    group = (pl.col("workers_owed") >= pl.col("criminal_group_workers")) & (
        pl.col("total_owed_fen") >= pl.col("criminal_group_fen")
    )
    hit = g.with_columns(group.alias("group")).filter(pl.col("group") | (pl.col("single_workers") > 0))
    return findings(
        hit,
        "W18",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[
            pl.col("workers_owed"),
            pl.col("total_owed_fen"),
            pl.col("single_workers"),
            pl.col("group"),
            pl.col("workers"),
        ],
        amount=pl.col("total_owed_fen"),
        workers=pl.col("workers_owed"),
        referral=True,
    )


RULE = register(
    Rule(
        "W18",
        Level.RED,
        SubjectType.PROJECT,
        False,
        "欠薪达到刑事立案标准（移送公安/失信审查）",
        "criminal-threshold arrears: escalate",
        "《中华人民共和国刑法》第二百七十六条之一；法释〔2013〕3号第三条；黔高法〔2013〕230号",
        evaluate,
        uses_arrears=True,
        basis_en=(
            "Criminal Law of the PRC, Art. 276-1; "
            "SPC Interpretation [2013] No. 3, Art. 3; "
            "Guizhou High Court [2013] No. 230"
        ),
    )
)
