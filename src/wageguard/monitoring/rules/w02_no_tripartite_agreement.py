"""W02 — no tripartite funds agreement (owner–GC–bank)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A project's wage account exists but no tripartite funds-supervision agreement (建设单位、总包、银行
    三方协议) is recorded for it (nor for the parent account of a virtual sub-account).

    Basis: 人社部发〔2021〕53号 (the agreement is signed when the account is opened).
    """
    hit = inp.facts.projects.filter(
        (pl.col("accounts").fill_null(0) > 0)
        & pl.col("tripartite_on").is_null()
        & (pl.col("status") == "003")
    )
    return findings(
        hit,
        "W02",
        level=Level.YELLOW,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[pl.col("project_code"), pl.col("accounts"), pl.col("account_opened_on")],
    )


RULE = register(
    Rule(
        "W02",
        Level.YELLOW,
        SubjectType.PROJECT,
        False,
        "未签订资金监管三方协议",
        "no tripartite funds agreement",
        "《保障农民工工资支付条例》第二十六条；《工程建设领域农民工工资专用账户管理暂行办法》（人社部发〔2021〕53号）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 26; "
            "Interim Measures on Special Wage Accounts in Construction (MOHRSS [2021] No. 53)"
        ),
    )
)
