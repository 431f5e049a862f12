"""W15 — wage guarantee deposit used and not topped up."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.calendar import join_working_days
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def outstanding_uses(movements: pl.DataFrame) -> pl.DataFrame:
    """Per project: the amount used and not yet restored, and the first use since it was last whole."""
    signed = pl.when(pl.col("kind") == "use").then(pl.col("amount_fen")).otherwise(-pl.col("amount_fen"))
    m = movements.sort("project_id", "movement_date", pl.col("kind") == "use").with_columns(
        signed.cum_sum().over("project_id").alias("running")
    )
    whole = (
        m.filter(pl.col("running") <= 0)
        .group_by("project_id")
        .agg(pl.col("movement_date").max().alias("whole_on"))
    )
    m = m.join(whole, on="project_id", how="left")
    since = m.filter(
        (pl.col("kind") == "use")
        & (pl.col("whole_on").is_null() | (pl.col("movement_date") > pl.col("whole_on")))
    )
    return (
        since.group_by("project_id")
        .agg(pl.col("movement_date").min().alias("used_on"), pl.col("running").last().alias("unrestored_fen"))
        .join(m.group_by("project_id").agg(pl.col("running").last().alias("balance_gap")), on="project_id")
    )


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A project's wage guarantee deposit was used (to pay arrears) and, more than
    ``deposit_topup_working_days`` (default 10) Chinese working days after the first use not yet made
    good, top-ups have not restored it.

    Basis: 人社部发〔2021〕65号 (top up within 10 working days of a use).
    """
    out = outstanding_uses(inp.facts.deposit_movements).filter(pl.col("balance_gap") > 0)
    out = join_working_days(out, inp.calendar, "used_on", "used_wd")
    now = inp.calendar.filter(pl.col("day") == inp.as_of)["wd_index"]
    now_wd = int(now[0]) if len(now) else 0
    p = inp.projects_with("deposit_topup_working_days").select(
        "project_id", "project_code", "region_code", "deposit_topup_working_days"
    )
    hit = out.join(p, on="project_id", how="inner").filter(
        pl.lit(now_wd) - pl.col("used_wd") > pl.col("deposit_topup_working_days")
    )
    return findings(
        hit,
        "W15",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[pl.col("project_code"), pl.col("used_on"), pl.col("balance_gap").alias("unrestored_fen")],
        amount=pl.col("balance_gap"),
    )


RULE = register(
    Rule(
        "W15",
        Level.RED,
        SubjectType.PROJECT,
        False,
        "工资保证金动用后未补足",
        "deposit used and not topped up",
        "《保障农民工工资支付条例》第三十二条；《工程建设领域农民工工资保证金规定》（人社部发〔2021〕65号）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 32; "
            "Provisions on Wage Guarantee Deposits in Construction (MOHRSS [2021] No. 65)"
        ),
    )
)
