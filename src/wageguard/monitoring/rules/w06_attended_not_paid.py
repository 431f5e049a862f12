"""W06 — attended but not paid (worker-month)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_evidence


def unpaid_mask() -> pl.Expr:
    """Worker-months with ≥ 1 attended day and no successful payment (any card) after the deadline."""
    return (pl.col("attended_days") >= 1) & (pl.col("paid_fen") == 0) & pl.col("due")


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A worker attended at least one day in month M and, after the deadline, no successful payment for M
    reached any card (a payment to another card is W11's business, not this rule's). The amount is the
    declared pay (pay sheet, else contract estimate), null when nothing is declared.

    Basis: vendor rule sheet (Guizhou); 保障农民工工资支付条例 Art 3.
    """
    hit = inp.recon.filter(unpaid_mask())
    return findings(
        hit,
        "W06",
        level=Level.RED,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=worker_evidence(),
        amount=pl.col("declared_fen"),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W06",
        Level.RED,
        SubjectType.WORKER,
        True,
        "有考勤无工资发放",
        "attended but not paid",
        "《保障农民工工资支付条例》第三条、第十二条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 3 and 12",
    )
)
