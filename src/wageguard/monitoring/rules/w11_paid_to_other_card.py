"""W11 — wages paid to a card that is not the worker's own."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A successful payment for month M went to a card the money slice's matcher marked ``other_card``: the
    payee name or card is not the worker's registered own, a payment referenced to the worker's pay-sheet
    line reached someone else's card, or one card received several workers' wages (a team leader
    collecting). One alert per worker (per project where the worker is unknown); each payment's evidence names
    the card (masked), whose card it is where registered, and the key that tied it to the worker.

    Basis: 保障农民工工资支付条例 Art 31 (no one may hold or use a worker's wage card).
    """
    pays = inp.facts.other_card_payments
    row = pl.struct(
        "payment_id",
        "payee_name",
        "payee_card_masked",
        "card_holder",
        "match_key",
        "amount_fen",
        "value_date",
    )
    grouped = (
        pays.with_columns(
            pl.when(pl.col("worker_id").is_null())
            .then(pl.lit("project"))
            .otherwise(pl.lit("worker"))
            .alias("kind")
        )
        .group_by("kind", "project_id", "worker_id")
        .agg(
            pl.col("region_code").first(),
            pl.col("amount_fen").sum().alias("total_fen"),
            pl.len().alias("payments_n"),
            row.sort_by("payment_id").head(inp.evidence_rows).alias("payments"),
        )
    )
    evidence = [
        pl.col("project_id"),
        pl.col("worker_id"),
        pl.col("total_fen"),
        pl.col("payments_n"),
        pl.col("payments"),
    ]
    by_worker = findings(
        grouped.filter(pl.col("kind") == "worker"),
        "W11",
        level=Level.RED,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=evidence,
        amount=pl.col("total_fen"),
        workers=pl.lit(1),
    )
    by_project = findings(
        grouped.filter(pl.col("kind") == "project"),
        "W11",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=evidence,
        amount=pl.col("total_fen"),
    )
    return pl.concat([by_worker, by_project])


RULE = register(
    Rule(
        "W11",
        Level.RED,
        SubjectType.WORKER,
        True,
        "工资发至非本人银行卡",
        "paid to a card that is not the worker's own",
        "《保障农民工工资支付条例》第十一条、第三十一条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 11 and 31",
    )
)
