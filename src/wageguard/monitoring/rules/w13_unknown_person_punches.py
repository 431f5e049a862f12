"""W13 — attendance by an unregistered or unknown person (陌生人)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """In month M a project's gates recorded at least ``unknown_punches_min`` (default 1) punches not
    matched to a worker on the project's roster: strangers, unknown PINs, unknown IDs, or registered
    workers of other projects (the attendance slice's punch ``kind``).

    Basis: 建筑工人实名制管理办法 Art 8 (only registered workers on site).
    """
    counts = inp.facts.unknown_punches.group_by("project_id").agg(
        pl.col("n").sum().alias("unknown_punches"),
        pl.struct("kind", "n").sort_by("kind").alias("by_kind"),
    )
    p = inp.projects_with("unknown_punches_min").select(
        "project_id", "project_code", "region_code", "unknown_punches_min"
    )
    hit = counts.join(p, on="project_id", how="inner").filter(
        pl.col("unknown_punches") >= pl.col("unknown_punches_min")
    )
    return findings(
        hit,
        "W13",
        level=Level.YELLOW,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period=inp.period,
        evidence=[pl.col("project_code"), pl.col("unknown_punches"), pl.col("by_kind")],
    )


RULE = register(
    Rule(
        "W13",
        Level.YELLOW,
        SubjectType.PROJECT,
        True,
        "陌生人或未登记人员考勤",
        "attendance by unregistered or unknown person",
        "《保障农民工工资支付条例》第二十八条；《建筑工人实名制管理办法（试行）》第八条",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 28; "
            "Measures for the Real-Name Management of Construction Workers (Trial), Art. 8"
        ),
    )
)
