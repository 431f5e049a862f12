"""W04 — labour-cost inflow below the agreed ratio of progress payments."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """In month M the labour-cost transfers that cite a progress payment add up to less than the agreed
    labour-cost share (``project_money_terms.labour_cost_ratio_bp``, else the region's
    ``labour_cost_ratio``, default 20%) of those progress payments.

    Basis: local rules under 人社部发〔2021〕53号 (e.g. Yunnan 25%, Zhengzhou 10–20%, Zhuhai 19%/23%).
    """
    p = inp.projects_with("labour_cost_ratio")
    ratio = pl.coalesce(pl.col("labour_cost_ratio_bp").cast(pl.Float64) / 10_000, pl.col("labour_cost_ratio"))
    p = p.with_columns(
        ratio.alias("ratio"),
        (pl.col("progress_fen").cast(pl.Float64) * ratio).round(0).cast(pl.Int64).alias("required_fen"),
    )
    hit = p.filter(
        (pl.col("progress_fen").fill_null(0) > 0) & (pl.col("progress_inflow_fen") < pl.col("required_fen"))
    )
    return findings(
        hit,
        "W04",
        level=Level.YELLOW,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[
            pl.col("project_code"),
            pl.col("progress_fen"),
            pl.col("progress_inflow_fen"),
            pl.col("ratio"),
            pl.col("required_fen"),
        ],
        amount=pl.col("required_fen") - pl.col("progress_inflow_fen"),
    )


RULE = register(
    Rule(
        "W04",
        Level.YELLOW,
        SubjectType.PROJECT,
        True,
        "人工费用拨付比例不足",
        "labour-cost inflow below the agreed ratio",
        "《保障农民工工资支付条例》第二十四条、第二十九条；《工程建设领域农民工工资专用账户管理暂行办法》（人社部发〔2021〕53号）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 24 and 29; "
            "MOHRSS [2021] No. 53"
        ),
    )
)
