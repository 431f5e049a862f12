"""W09 — pay for a full month below the local minimum wage."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_evidence


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """After the deadline, a worker who attended a full month (≥ ``full_month_days``, default 21.75) was
    paid something for it, but less than the region's monthly minimum wage (``min_wage_fen``, or the tier
    ``min_wage_tier`` of ``Settings.min_wage_tiers_yuan``; the region table's tier where it has one).
    Nothing paid at all is W06.

    Basis: 保障农民工工资支付条例 Art 34; vendor rule; 最低工资规定.
    """
    hit = inp.recon.filter(
        pl.col("due")
        & (pl.col("attended_days").cast(pl.Float64) >= pl.col("full_month_days"))
        & (pl.col("paid_fen") > 0)
        & (pl.col("paid_fen") < pl.col("min_wage_fen"))
    )
    return findings(
        hit,
        "W09",
        level=Level.RED,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=[*worker_evidence(), pl.col("min_wage_fen")],
        amount=pl.col("min_wage_fen") - pl.col("paid_fen"),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W09",
        Level.RED,
        SubjectType.WORKER,
        True,
        "工资低于当地最低工资标准",
        "pay below the local minimum wage",
        "《中华人民共和国劳动法》第四十八条；《最低工资规定》第十二条",
        evaluate,
        basis_en="Labour Law of the PRC, Art. 48; Provisions on Minimum Wages, Art. 12",
    )
)
