"""W05 — monthly payroll not submitted / not paid by pay day + grace."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A project with attendance in month M has, after the deadline (pay day of M+1 + grace days), no
    pay sheet for M or no successful payment for M. Yellow after the deadline; red once M+2 begins.

    Basis: 保障农民工工资支付条例 Arts 11–14 (monthly pay on the agreed day); pay day + 4 days grace.
    """
    pm = inp.project_month.filter(
        pl.col("due")
        & (pl.col("attended_workers") > 0)
        & ((pl.col("sheet_workers") == 0) | (pl.col("paid_workers") == 0))
    )
    level = pl.when(pl.col("red_phase")).then(pl.lit(Level.RED.value)).otherwise(pl.lit(Level.YELLOW.value))
    missing = pl.when(pl.col("sheet_workers") == 0).then(pl.lit("pay_sheet")).otherwise(pl.lit("payment"))
    return findings(
        pm,
        "W05",
        level=level,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[
            pl.col("attended_workers"),
            pl.col("sheet_workers"),
            pl.col("paid_workers"),
            pl.col("deadline"),
            missing.alias("missing"),
        ],
        workers=pl.col("attended_workers"),
    )


RULE = register(
    Rule(
        "W05",
        Level.RED,
        SubjectType.PROJECT,
        True,
        "工资未按期申报或发放",
        "monthly payroll not submitted or not paid on time",
        "《保障农民工工资支付条例》第十二条、第十五条、第三十一条",
        evaluate,
        basis_en=("Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 12, 15 and 31"),
    )
)
