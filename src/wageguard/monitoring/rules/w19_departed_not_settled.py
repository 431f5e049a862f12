"""W19 — departed worker not settled."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.calendar import add_months
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_evidence


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A worker's exit (退场) from the project falls in month M, and after M's deadline the final month is
    unpaid (attended, nothing paid) or underpaid against the pay sheet by more than the tolerance.

    Basis: vendor rule sheet; 保障农民工工资支付条例 Art 12 (settle in full when the employment ends).
    """
    start, end = inp.facts.month, add_months(inp.facts.month, 1)
    left = (pl.col("exit_date") >= pl.lit(start)) & (pl.col("exit_date") < pl.lit(end))
    unpaid = (pl.col("attended_days") > 0) & (pl.col("paid_fen") == 0)
    short = (pl.col("paid_fen") > 0) & (
        pl.col("shortfall_fen").fill_null(0) > pl.col("underpay_tolerance_fen")
    )
    hit = inp.recon.filter(left & pl.col("due") & (unpaid | short))
    return findings(
        hit,
        "W19",
        level=Level.RED,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=[*worker_evidence(), pl.col("exit_date")],
        amount=pl.coalesce(pl.when(unpaid).then(pl.col("declared_fen")).otherwise(pl.col("shortfall_fen"))),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W19",
        Level.RED,
        SubjectType.WORKER,
        True,
        "退场工人工资未结清",
        "departed worker not settled",
        "《保障农民工工资支付条例》第十二条；《工资支付暂行规定》第九条",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 12; "
            "Interim Provisions on Wage Payment, Art. 9"
        ),
    )
)
