"""The scorecard, table-driven: each factor's points for given values, the grade and band boundaries, a
region's override laid over the default with its own version (no database except the override test)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.risk import scorecard as sc
from wageguard.risk.features import FEATURE_SCHEMA

CARD = sc.build(sc.DEFAULT)
FACTOR = {f.key: f for f in CARD.factors}

POINTS: list[tuple[str, Any, int]] = [
    ("tax_rating", "A", 0),
    ("tax_rating", "B", 4),
    ("tax_rating", "M", 6),
    ("tax_rating", "C", 15),
    ("tax_rating", "D", 25),
    ("tax_rating", None, 4),
    ("tax_arrears_fen", 0, 0),
    ("tax_arrears_fen", 1, 8),
    ("tax_arrears_fen", 9_999_999, 8),
    ("tax_arrears_fen", 10_000_000, 15),
    ("abnormal_listed", 0, 0),
    ("abnormal_listed", 1, 15),
    ("dishonest_listed", 0, 0),
    ("dishonest_listed", 2, 25),
    ("penalties", 0, 0),
    ("penalties", 2, 4),
    ("penalties", 3, 10),
    ("social_insurance_arrears_fen", 0, 0),
    ("social_insurance_arrears_fen", 8_642_050, 18),
    ("social_insurance_arrears_fen", 4_999_999, 10),
    ("legal_rep_changes", 1, 4),
    ("legal_rep_changes", 2, 10),
    ("years_established", 0.5, 10),
    ("years_established", 1.0, 5),
    ("years_established", 2.9, 5),
    ("years_established", 3.0, 0),
    ("years_established", None, 4),
    ("paid_in_share", 0.0, 8),
    ("paid_in_share", 0.2, 4),
    ("paid_in_share", 0.5, 0),
    ("paid_in_share", None, 2),
    ("owner_delay_days", 0, 0),
    ("owner_delay_days", 1, 2),
    ("owner_delay_days", 30, 6),
    ("owner_delay_days", 90, 12),
    ("owner_arrears_share", 0.0, 0),
    ("owner_arrears_share", 0.01, 3),
    ("owner_arrears_share", 0.5, 12),
    ("red_alerts", 0, 0),
    ("red_alerts", 1, 12),
    ("red_alerts", 3, 20),
    ("other_alerts", 4, 2),
    ("other_alerts", 5, 5),
    ("other_alerts", 15, 10),
    ("complaints", 1, 3),
    ("complaints", 3, 8),
    ("complaints", 10, 15),
    ("days_late", 0.0, 0),
    ("days_late", 0.9, 0),
    ("days_late", 1.0, 3),
    ("days_late", 15.0, 15),
    ("inflow_lag_days", 14.9, 2),
    ("inflow_lag_days", 45.0, 10),
    ("own_card_share", None, 0),
    ("own_card_share", 1.0, 0),
    ("own_card_share", 0.98, 3),
    ("own_card_share", 0.9, 8),
    ("own_card_share", 0.5, 15),
]


@pytest.mark.parametrize(("factor", "value", "points"), POINTS, ids=[f"{f}={v}" for f, v, _ in POINTS])
def test_each_factor_scores_its_points(factor: str, value: Any, points: int) -> None:
    assert FACTOR[factor].points(value) == points


def test_every_feature_is_a_factor_of_the_default_card_and_named_in_both_languages() -> None:
    keys = [k for k in FEATURE_SCHEMA if k not in ("enterprise_id", "region_code")]
    assert [f.key for f in CARD.factors] == keys
    assert all(sc.FACTOR_BY_KEY[k].zh and sc.FACTOR_BY_KEY[k].en for k in keys)


def _one(**values: Any) -> pl.DataFrame:
    row = {k: None for k in FEATURE_SCHEMA} | {"enterprise_id": 1, "region_code": "520602"}
    row |= {"tax_rating": "A", "years_established": 10.0, "paid_in_share": 1.0}
    for k in ("tax_arrears_fen", "social_insurance_arrears_fen", "abnormal_listed", "dishonest_listed"):
        row[k] = 0
    row.update(values)
    return pl.DataFrame([row], schema=FEATURE_SCHEMA)


@pytest.mark.parametrize(
    ("values", "total", "grade", "band"),
    [
        ({}, 0, "A", "blue"),
        ({"complaints": 10}, 15, "B", "yellow"),  # 15: the B cut-off itself
        ({"complaints": 3, "owner_delay_days": 30}, 14, "A", "blue"),  # one short of B
        ({"complaints": 10, "tax_rating": "C"}, 30, "C", "orange"),
        ({"red_alerts": 3, "complaints": 10, "owner_delay_days": 30, "penalties": 3}, 51, "D", "red"),
        ({"dishonest_listed": 1, "tax_rating": "D"}, 50, "D", "red"),
        ({"dishonest_listed": 1, "tax_rating": "C", "penalties": 3}, 50, "D", "red"),
    ],
)
def test_the_total_is_the_sum_of_the_points_and_the_grade_follows_the_cut_offs(
    values: dict[str, Any], total: int, grade: str, band: str
) -> None:
    scored = sc.score_frame(_one(**values), CARD).row(0, named=True)
    assert scored["total"] == sum(scored[f"p_{f.key}"] for f in CARD.factors) == total
    assert (scored["grade"], scored["band"], scored["scorecard_version"]) == (grade, band, "sc-2026.12")
    assert CARD.grade_of(total) == grade


def test_a_county_override_beats_its_province_and_names_both_in_the_version() -> None:
    overrides = {
        "520000": ("1", {"factors": {"complaints": {"weight": 2}}, "grades": {"D": 60}}),
        "520602": ("3", {"factors": {"complaints": {"bins": [[1, 5]]}}}),
    }
    county = sc.build(sc.effective_definition("520602", overrides))
    other = sc.build(sc.effective_definition("520603", overrides))
    assert county.version == "sc-2026.12+520000@1+520602@3"
    assert other.version == "sc-2026.12+520000@1"
    assert {f.key: f for f in county.factors}["complaints"].points(10) == 10  # 5 points × weight 2
    assert {f.key: f for f in other.factors}["complaints"].points(10) == 30
    assert dict(county.grades)["D"] == 60 and sc.build(sc.DEFAULT).grades == CARD.grades
    assert sc.DEFAULT["factors"]["complaints"] == {"bins": [[1, 3], [3, 8], [10, 15]]}  # default untouched


@pytest.mark.parametrize(
    "partial",
    [
        {"factors": {"no_such_factor": {"weight": 1}}},
        {"factors": {"complaints": {"weight": -1}}},
        {"grades": {"B": 70}},  # B above C
    ],
)
def test_a_bad_override_is_refused_and_nothing_stored(db: Database, partial: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed), db.transaction() as session:
        sc.set_override(session=session, region_code="520602", version="1", definition=partial)
    with db.sessions() as session:
        assert sc.resolve(session, ["520602"])["520602"].version == "sc-2026.12"


def test_a_stored_override_applies_to_its_region_only(db: Database) -> None:
    with db.transaction() as session:
        sc.set_override(
            session=session, region_code="520602", version="2", definition={"grades": {"D": 40}}, note="试行"
        )
    with db.sessions() as session:
        cards = sc.resolve(session, ["520602", "520603", ""])
    assert cards["520602"].version == "sc-2026.12+520602@2" and dict(cards["520602"].grades)["D"] == 40
    assert cards["520603"].version == cards[""].version == "sc-2026.12"
