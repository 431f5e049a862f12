"""W22 — rights notice board or labour-relations officer missing."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """An active project that has started has no rights notice board (维权信息告示牌) recorded as put up by
    ``as_of``, or no labour-relations officer (劳资专管员) named.

    Basis: 保障农民工工资支付条例 Art 28 (labour-relations officer), Art 34 (notice board).
    """
    p = inp.facts.projects.with_columns(
        (pl.col("notice_board_date").is_null() | (pl.col("notice_board_date") > pl.lit(inp.as_of))).alias(
            "no_board"
        ),
        (pl.col("labour_officer_name").fill_null("").str.strip_chars() == "").alias("no_officer"),
    )
    hit = p.filter(
        (pl.col("status") == "003")
        & pl.col("start_date").is_not_null()
        & (pl.col("start_date") <= pl.lit(inp.as_of))
        & (pl.col("no_board") | pl.col("no_officer"))
    )
    return findings(
        hit,
        "W22",
        level=Level.YELLOW,
        subject_type=SubjectType.PROJECT,
        subject_id="project_id",
        period="",
        evidence=[pl.col("project_code"), pl.col("start_date"), pl.col("no_board"), pl.col("no_officer")],
    )


RULE = register(
    Rule(
        "W22",
        Level.YELLOW,
        SubjectType.PROJECT,
        False,
        "未设维权告示牌或劳资专管员",
        "rights notice board or labour-relations officer missing",
        "《保障农民工工资支付条例》第二十八条、第三十四条",
        evaluate,
        basis_en="Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 28 and 34",
    )
)
