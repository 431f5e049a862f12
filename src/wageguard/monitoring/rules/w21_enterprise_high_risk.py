"""W21 — enterprise in the red risk band (企业风险评级为红色)."""

from __future__ import annotations

import polars as pl

from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """The enterprise's latest risk score dated by the as-of date (``wageguard risk score``, docs/risk.md)
    is in the red band (grade D): orange, one alert per enterprise (no period). The score is a reason to
    inspect, not a finding of arrears, so the level is orange, not red. Evidence: the scoring date, total,
    grade, band, scorecard version and the top three factors that scored points (factor, value, points).
    When a later scoring puts the enterprise in a better band the alert is cleared by data; a new scoring
    date with the enterprise still red updates it (new date and figures). The alert's region is the
    enterprise's (else its first project's), so the county that registered it sees it.

    Basis: 保障农民工工资支付条例 Ch. 5 (监督检查: the authorities watch tax, utilities and credit records to
    catch arrears early, as docs/domain.md cites it) and the integrity grading of employers practised under
    人社部's 企业劳动保障守法诚信等级评价办法; the platform's risk grading from contracting, tax and
    registration data (issue 13). Art. 47 (compliance records and integrity grading) is cited from the
    Regulations as remembered; no official text was at hand here to check the number against.
    """
    scores = inp.facts.risk_scores
    return findings(
        scores.filter(pl.col("band") == "red").sort("enterprise_id"),
        "W21",
        level=Level.ORANGE.value,
        subject_type=SubjectType.ENTERPRISE,
        subject_id="enterprise_id",
        period="",
        evidence=[
            pl.col(c) for c in ("scored_on", "total", "grade", "band", "scorecard_version", "top_factors")
        ],
    )


RULE = register(
    Rule(
        "W21",
        Level.ORANGE,
        SubjectType.ENTERPRISE,
        False,
        "企业风险评级为红色",
        "enterprise in the red risk band",
        "《保障农民工工资支付条例》第四十七条（第五章监督检查：劳动保障守法诚信档案与等级评价）",
        evaluate,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 47 (Ch. 5, supervision: "
            "labour-law compliance records and integrity grading of employers)"
        ),
    )
)
