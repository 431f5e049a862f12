"""W10 — outlier single-worker payment (padding / proxy pay)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings, worker_evidence


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """One worker received more than ``outlier_month_fen`` (default ¥50,000) for month M on a project, or
    more than ``outlier_year_fen`` (default ¥300,000) across all projects from January to M — a sign of a
    padded payroll or of one card collecting others' wages.

    Basis: vendor rule sheet (Guizhou).
    """
    r = inp.recon_with("outlier_month_fen", "outlier_year_fen")
    hit = r.filter(
        (pl.col("paid_fen") > pl.col("outlier_month_fen"))
        | (pl.col("year_paid_fen").fill_null(0) > pl.col("outlier_year_fen"))
    )
    return findings(
        hit,
        "W10",
        level=Level.RED,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=[*worker_evidence(), pl.col("year_paid_fen")],
        amount=pl.col("paid_fen"),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W10",
        Level.RED,
        SubjectType.WORKER,
        True,
        "单人发放金额异常",
        "outlier single-worker payment",
        "《保障农民工工资支付条例》第十一条、第三十一条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 11 and 31",
    )
)
