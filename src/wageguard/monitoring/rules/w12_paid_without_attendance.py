"""W12 — paid but never attended (ghost worker / fake payroll)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.calendar import add_months
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, empty_findings, findings, worker_evidence


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """Once month M is over, a worker received a successful payment for M on a project where they have no
    attended day in M (no gate record at all) — a ghost on the payroll.

    Basis: 人社部发〔2021〕53号 (the account pays only registered workers with attendance records).
    """
    if inp.as_of < add_months(inp.facts.month, 1):
        return empty_findings()
    hit = inp.recon.filter((pl.col("attended_days") == 0) & (pl.col("paid_fen") > 0))
    return findings(
        hit,
        "W12",
        level=Level.ORANGE,
        subject_type=SubjectType.WORKER,
        subject_id="worker_id",
        period=inp.period,
        evidence=worker_evidence(),
        amount=pl.col("paid_fen"),
        workers=pl.lit(1),
    )


RULE = register(
    Rule(
        "W12",
        Level.ORANGE,
        SubjectType.WORKER,
        True,
        "有工资发放无考勤记录",
        "paid but never attended",
        "《保障农民工工资支付条例》第二十八条、第三十一条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 28 and 31",
    )
)
