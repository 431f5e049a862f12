"""W03 — no labour-cost inflow in a calendar month while the project is active."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.calendar import add_months
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, empty_findings, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """Once month M is over, an active project (status 在建 and at least one attended worker in M) received
    no labour-cost transfer (人工费用拨付) into its wage account during M.

    Basis: 保障农民工工资支付条例 Art 24 (labour cost remitted at least monthly).
    """
    if inp.as_of < add_months(inp.facts.month, 1):
        return empty_findings()
    pm = inp.project_month.select("project_id", "attended_workers")
    hit = inp.facts.projects.join(pm, on="project_id", how="inner").filter(
        (pl.col("status") == "003")
        & (pl.col("attended_workers") > 0)
        & (pl.col("inflow_count").fill_null(0) == 0)
    )
    return findings(
        hit,
        "W03",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[pl.col("project_code"), pl.col("attended_workers"), pl.col("inflow_count").fill_null(0)],
        workers=pl.col("attended_workers"),
    )


RULE = register(
    Rule(
        "W03",
        Level.RED,
        SubjectType.PROJECT,
        True,
        "当月无人工费用拨付",
        "no labour-cost inflow in the month",
        "《保障农民工工资支付条例》第二十四条、第二十九条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 24 and 29",
    )
)
