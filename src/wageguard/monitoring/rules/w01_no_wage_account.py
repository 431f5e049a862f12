"""W01 — project has no special wage account."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """An active project (在建) still has no special wage account (农民工工资专用账户) ``account_due_days``
    (default 30) days after its contract was signed (start date where no signing date is recorded).

    Basis: 保障农民工工资支付条例 Art 26; 工程建设领域农民工工资专用账户管理暂行办法 (人社部发〔2021〕53号).
    """
    p = inp.projects_with("account_due_days")
    signed = pl.coalesce("contract_signed_date", "start_date")
    due_on = signed + pl.duration(days=pl.col("account_due_days"))
    hit = p.with_columns(signed.alias("signed_on"), due_on.alias("account_due_on")).filter(
        (pl.col("status") == "003")
        & pl.col("signed_on").is_not_null()
        & (pl.lit(inp.as_of) > pl.col("account_due_on"))
        & (pl.col("accounts").fill_null(0) == 0)
    )
    return findings(
        hit,
        "W01",
        level=Level.RED,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[
            pl.col("project_code"),
            pl.col("signed_on"),
            pl.col("account_due_on"),
            pl.col("accounts").fill_null(0),
        ],
    )


RULE = register(
    Rule(
        "W01",
        Level.RED,
        SubjectType.PROJECT,
        False,
        "项目未开设农民工工资专用账户",
        "project has no special wage account",
        "《保障农民工工资支付条例》第二十六条；《工程建设领域农民工工资专用账户管理暂行办法》（人社部发〔2021〕53号）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 26; "
            "Interim Measures on Special Wage Accounts in Construction (MOHRSS [2021] No. 53)"
        ),
    )
)
