"""W14 — no wage guarantee deposit, or below the required ratio."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.calendar import join_working_days
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """More than ``deposit_due_working_days`` (default 20) Chinese working days after an active project's
    start, its lodged wage guarantee deposits (cash or unexpired guarantee letters) are missing or below
    the contract value × required ratio (project terms, else ``deposit_ratio``, default 1%). Contracts
    below ``deposit_exempt_below_fen`` (default ¥3,000,000) are exempt.

    Basis: 工程建设领域农民工工资保证金规定 (人社部发〔2021〕65号), 1–3% of contract value.
    """
    p = inp.projects_with("deposit_due_working_days", "deposit_ratio", "deposit_exempt_below_fen")
    p = join_working_days(p, inp.calendar, "start_date", "start_wd")
    as_of_wd = inp.calendar.filter(pl.col("day") == inp.as_of)["wd_index"]
    now_wd = int(as_of_wd[0]) if len(as_of_wd) else 0
    value = pl.coalesce("contract_value_fen", "invest_fen")
    ratio = pl.coalesce(pl.col("deposit_ratio_bp").cast(pl.Float64) / 10_000, pl.col("deposit_ratio"))
    p = p.with_columns(
        value.alias("contract_fen"),
        (value.cast(pl.Float64) * ratio).round(0).cast(pl.Int64).alias("required_fen"),
    )
    hit = p.filter(
        (pl.col("status") == "003")
        & pl.col("start_wd").is_not_null()
        & (pl.lit(now_wd) - pl.col("start_wd") > pl.col("deposit_due_working_days"))
        & (pl.col("contract_fen") >= pl.col("deposit_exempt_below_fen"))
        & (pl.col("deposit_fen").fill_null(0) < pl.col("required_fen"))
    )
    return findings(
        hit,
        "W14",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[
            pl.col("project_code"),
            pl.col("start_date"),
            pl.col("contract_fen"),
            pl.col("required_fen"),
            pl.col("deposit_fen").fill_null(0),
        ],
        amount=pl.col("required_fen") - pl.col("deposit_fen").fill_null(0),
    )


RULE = register(
    Rule(
        "W14",
        Level.RED,
        SubjectType.PROJECT,
        False,
        "未存储或未足额存储工资保证金",
        "no wage guarantee deposit, or below the required ratio",
        "《保障农民工工资支付条例》第三十二条；《工程建设领域农民工工资保证金规定》（人社部发〔2021〕65号）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 32; "
            "Provisions on Wage Guarantee Deposits in Construction (MOHRSS [2021] No. 65)"
        ),
    )
)
