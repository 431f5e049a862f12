"""W08 — paid less than declared pay (worker-month)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_evidence


def underpaid_mask() -> pl.Expr:
    """Worker-months paid something, but less than the pay sheet's net by more than the tolerance."""
    return (
        pl.col("due")
        & (pl.col("declared_source") == "sheet")
        & (pl.col("paid_fen") > 0)
        & (pl.col("shortfall_fen") > pl.col("underpay_tolerance_fen"))
    )


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """After the deadline, a worker's successful payments for month M fall short of the net pay (实发) on
    the current pay sheet by more than ``underpay_tolerance_fen`` (default ¥1). Only pay sheets count as
    declared here (a contract estimate is not a promise); nothing paid at all is W06.

    Basis: 保障农民工工资支付条例 Art 15 (pay in full).
    """
    hit = inp.recon.filter(underpaid_mask())
    return findings(
        hit,
        "W08",
        level=Level.ORANGE,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=worker_evidence(),
        amount=pl.col("shortfall_fen"),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W08",
        Level.ORANGE,
        SubjectType.WORKER,
        True,
        "实发工资少于应发",
        "paid less than declared pay",
        "《保障农民工工资支付条例》第十二条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 12",
    )
)
