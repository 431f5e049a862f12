"""The transparent scorecard: risk points per factor, weights, grade cut-offs and colour bands, versioned.

A scorecard is a plain definition (``DEFAULT``: JSON-able, documented in docs/risk.md): per factor its
bins (``[lower bound, points]``, ascending: a value scores the points of the highest bound it reaches, none
below the first bound), or for a coded factor its points per code, the points of a missing value and a
weight; the grades' lower cut-offs on the total. A factor's points are ``round(weight × bin points)`` and
the total is their sum, so what a page shows adds up. Higher is riskier: A (blue) … D (red).

A region may change any of it (``risk_scorecard_overrides``: a partial definition with its own version);
a county's override beats its prefecture's, which beats the province's (as monitoring/thresholds.py does
for rule thresholds). The effective version names the default and every override applied, and is stored
with every score.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.errors import ValidationFailed
from wageguard.risk.models import RiskScorecardOverride

GRADES = ("A", "B", "C", "D")
BAND = {"A": "blue", "B": "yellow", "C": "orange", "D": "red"}
"""Colour band of each grade: 蓝 low risk, 黄 attention, 橙 serious, 红 inspect first."""
BAND_ZH = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}
BAND_RANK = {"blue": 0, "yellow": 1, "orange": 2, "red": 3}

DEFAULT: dict[str, Any] = {
    "version": "sc-2026.12",
    "params": {"history_months": 12, "penalty_months": 24},
    "grades": {"A": 0, "B": 15, "C": 30, "D": 50},
    "factors": {
        # from the tax feed
        "tax_rating": {"codes": {"A": 0, "B": 4, "M": 6, "C": 15, "D": 25}, "missing": 4},
        "tax_arrears_fen": {"bins": [[1, 8], [10_000_000, 15]]},
        # from the registration and credit feed
        "abnormal_listed": {"bins": [[1, 15]]},
        "dishonest_listed": {"bins": [[1, 25]]},
        "penalties": {"bins": [[1, 4], [3, 10]]},
        "social_insurance_arrears_fen": {"bins": [[1, 10], [5_000_000, 18]]},
        "legal_rep_changes": {"bins": [[1, 4], [2, 10]]},
        "years_established": {"bins": [[0, 10], [1, 5], [3, 0]], "missing": 4},
        "paid_in_share": {"bins": [[0, 8], [0.2, 4], [0.5, 0]], "missing": 2},
        # from the contracting feed, on the enterprise's projects (as general contractor)
        "owner_delay_days": {"bins": [[1, 2], [30, 6], [90, 12]]},
        "owner_arrears_share": {"bins": [[0.01, 3], [0.2, 8], [0.5, 12]]},
        # from the platform's own history, on the enterprise's projects
        "red_alerts": {"bins": [[1, 12], [3, 20]]},
        "other_alerts": {"bins": [[1, 2], [5, 5], [15, 10]]},
        "complaints": {"bins": [[1, 3], [3, 8], [10, 15]]},
        "days_late": {"bins": [[1, 3], [5, 8], [15, 15]]},
        "inflow_lag_days": {"bins": [[1, 2], [15, 5], [45, 10]]},
        "own_card_share": {"bins": [[0, 15], [0.8, 8], [0.95, 3], [0.99, 0]]},
    },
}


@dataclass(frozen=True)
class FactorInfo:
    """What a factor measures (bilingual) and how its value reads: count, fen, days, share, years, code."""

    key: str
    zh: str
    en: str
    unit: str
    source: str


FACTORS: tuple[FactorInfo, ...] = (
    FactorInfo("tax_rating", "纳税信用等级", "tax credit rating", "code", "tax"),
    FactorInfo("tax_arrears_fen", "欠税金额", "tax arrears", "fen", "tax"),
    FactorInfo(
        "abnormal_listed", "列入经营异常名录", "on the abnormal-operation list", "count", "registration"
    ),
    FactorInfo(
        "dishonest_listed", "列入失信被执行人名单", "on the dishonest-debtor list", "count", "registration"
    ),
    FactorInfo("penalties", "行政处罚次数", "administrative penalties", "count", "registration"),
    FactorInfo(
        "social_insurance_arrears_fen", "社保欠缴金额", "social-insurance arrears", "fen", "registration"
    ),
    FactorInfo(
        "legal_rep_changes",
        "近12个月法定代表人变更",
        "legal-representative changes in 12 months",
        "count",
        "registration",
    ),
    FactorInfo("years_established", "成立年限", "years since establishment", "years", "registration"),
    FactorInfo(
        "paid_in_share",
        "实缴资本占注册资本比例",
        "paid-in share of registered capital",
        "share",
        "registration",
    ),
    FactorInfo(
        "owner_delay_days",
        "建设单位进度款最长拖延",
        "longest owner progress-payment delay",
        "days",
        "contracting",
    ),
    FactorInfo(
        "owner_arrears_share",
        "建设单位进度款拖欠比例",
        "share of progress payments owed by owners",
        "share",
        "contracting",
    ),
    FactorInfo("red_alerts", "近12个月红色预警", "red alerts in 12 months", "count", "platform"),
    FactorInfo(
        "other_alerts", "近12个月橙色、黄色预警", "orange and yellow alerts in 12 months", "count", "platform"
    ),
    FactorInfo("complaints", "近12个月投诉", "complaints in 12 months", "count", "platform"),
    FactorInfo("days_late", "工资平均逾期发放天数", "average days wages were paid late", "days", "platform"),
    FactorInfo(
        "inflow_lag_days", "人工费用拨付平均滞后", "average labour-cost inflow lag", "days", "platform"
    ),
    FactorInfo(
        "own_card_share",
        "工资发至本人卡比例",
        "share of wages paid to the worker's own card",
        "share",
        "platform",
    ),
)
FACTOR_BY_KEY = {f.key: f for f in FACTORS}


@dataclass(frozen=True)
class Factor:
    """One factor of an effective scorecard."""

    key: str
    bins: tuple[tuple[float, float], ...]
    codes: dict[str, float] | None
    missing: float
    weight: float

    def points_expr(self) -> pl.Expr:
        """Polars: this factor's points for the column named ``key`` (``round(weight × points)``)."""
        col = pl.col(self.key)
        if self.codes is not None:
            raw = col.cast(pl.String).replace_strict(
                list(self.codes), list(self.codes.values()), default=self.missing, return_dtype=pl.Float64
            )
        else:
            raw = pl.lit(0.0)
            for bound, points in self.bins:  # ascending: the highest bound reached wins
                raw = pl.when(col.cast(pl.Float64) >= bound).then(pl.lit(float(points))).otherwise(raw)
            raw = pl.when(col.is_null()).then(pl.lit(float(self.missing))).otherwise(raw)
        return (raw * self.weight).round(0).cast(pl.Int64).alias(self.key)

    def points(self, value: Any) -> int:
        """This factor's points for one value (the row-at-a-time twin of ``points_expr``)."""
        frame = pl.DataFrame({self.key: [value]})
        return int(frame.select(self.points_expr()).item())


@dataclass(frozen=True)
class Scorecard:
    """An effective scorecard: version, parameters, factors, grade cut-offs (ascending)."""

    version: str
    params: dict[str, int]
    factors: tuple[Factor, ...]
    grades: tuple[tuple[str, int], ...]

    def grade_expr(self, total: pl.Expr) -> pl.Expr:
        out = pl.lit(self.grades[0][0])
        for grade, cut in self.grades[1:]:
            out = pl.when(total >= cut).then(pl.lit(grade)).otherwise(out)
        return out

    def grade_of(self, total: int) -> str:
        grade = self.grades[0][0]
        for g, cut in self.grades:
            if total >= cut:
                grade = g
        return grade


def build(definition: dict[str, Any]) -> Scorecard:
    """A ``Scorecard`` from a full definition (``DEFAULT`` or ``merge``'s result), checked."""
    factors = []
    for key, spec in definition["factors"].items():
        if key not in FACTOR_BY_KEY:
            raise ValidationFailed(f"unknown scorecard factor {key}")
        bins = tuple(sorted((float(b), float(p)) for b, p in spec.get("bins", [])))
        codes = {str(c): float(p) for c, p in spec["codes"].items()} if "codes" in spec else None
        weight = float(spec.get("weight", 1.0))
        if weight < 0:
            raise ValidationFailed(f"negative weight for {key}")
        factors.append(Factor(key, bins, codes, float(spec.get("missing", 0)), weight))
    cuts = definition["grades"]
    if sorted(cuts) != list(GRADES) or [cuts[g] for g in GRADES] != sorted(cuts[g] for g in GRADES):
        raise ValidationFailed("grades must give A ≤ B ≤ C ≤ D cut-offs")
    grades = tuple((g, int(cuts[g])) for g in GRADES)
    params = {k: int(v) for k, v in definition["params"].items()}
    return Scorecard(str(definition["version"]), params, tuple(factors), grades)


def merge(base: dict[str, Any], override: dict[str, Any], label: str) -> dict[str, Any]:
    """``base`` with ``override``'s params, grade cut-offs and factor fields laid over it; the version
    becomes ``base version+label``."""
    out = copy.deepcopy(base)
    out["params"].update(override.get("params", {}))
    out["grades"].update(override.get("grades", {}))
    for key, spec in override.get("factors", {}).items():
        if key not in out["factors"]:
            raise ValidationFailed(f"unknown scorecard factor {key}")
        out["factors"][key].update(spec)
    out["version"] = f"{base['version']}+{label}"
    return out


def _chain(code: str) -> list[str]:
    return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code])) if code else []


def effective_definition(code: str, overrides: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The default laid over by the province's, prefecture's and county's overrides of ``code``."""
    definition = DEFAULT
    for level in _chain(code):
        if level in overrides:
            version, partial = overrides[level]
            definition = merge(definition, partial, f"{level}@{version}")
    return definition


def resolve(session: Session, region_codes: list[str]) -> dict[str, Scorecard]:
    """The effective scorecard of each region code (one read of the overrides table)."""
    overrides = {
        r.region_code: (r.version, r.definition) for r in session.scalars(select(RiskScorecardOverride))
    }
    cards: dict[str, Scorecard] = {}
    built: dict[str, Scorecard] = {}
    for code in set(region_codes):
        definition = effective_definition(code, overrides)
        version = str(definition["version"])
        if version not in built:
            built[version] = build(definition)
        cards[code] = built[version]
    return cards


def set_override(
    *, session: Session, region_code: str, version: str, definition: dict[str, Any], note: str | None = None
) -> None:
    """Store (or replace) a region's partial scorecard; checked by building the merged card."""
    build(merge(DEFAULT, definition, f"{region_code}@{version}"))
    row = session.scalar(
        select(RiskScorecardOverride).where(RiskScorecardOverride.region_code == region_code)
    )
    if row is None:
        session.add(
            RiskScorecardOverride(region_code=region_code, version=version, definition=definition, note=note)
        )
    else:
        row.version, row.definition, row.note = version, definition, note
    session.flush()


def score_frame(features: pl.DataFrame, card: Scorecard) -> pl.DataFrame:
    """Per enterprise (``features``: ``enterprise_id`` and one column per factor): each factor's points
    (``p_<factor>``), the total, grade and band under ``card``. Pure; vectorised over the rows."""
    points = [f.points_expr().alias(f"p_{f.key}") for f in card.factors]
    scored = features.with_columns(points)
    total = pl.sum_horizontal([pl.col(f"p_{f.key}") for f in card.factors]).cast(pl.Int64)
    scored = scored.with_columns(total.alias("total"))
    grade = card.grade_expr(pl.col("total"))
    return scored.with_columns(
        grade.alias("grade"),
        grade.replace_strict(BAND, return_dtype=pl.String).alias("band"),
        pl.lit(card.version).alias("scorecard_version"),
    )
