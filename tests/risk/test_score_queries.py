"""The scores' reads, scoped: the inspection list worst first with three reasons in words (zh/en), an
enterprise's latest score with its factors, its history and band worsenings; an inspector of another
county sees nothing, an enterprise sees only itself, a bank nothing."""

from __future__ import annotations

from datetime import date

import pytest
from tests import factories as f
from tests.risk import history as h

from wageguard.auth.scope import SYSTEM, Principal
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.risk import queries as q
from wageguard.risk.reasons import reason_text, value_text
from wageguard.risk.scoring import score_enterprises

OCT, NOV = date(2026, 10, 31), date(2026, 11, 30)


def inspector(region: str) -> Principal:
    return Principal(user_id=1, username="insp", role=Role.INSPECTOR, region_code=region)


def enterprise_user(enterprise_id: int) -> Principal:
    return Principal(user_id=2, username="corp", role=Role.ENTERPRISE, enterprise_id=enterprise_id)


BANK = Principal(user_id=3, username="bank", role=Role.BANK, bank_code="103")


@pytest.fixture
def scored(db: Database) -> dict[str, int]:
    """Three contractors of projects in 520602 (worst, middling, clean) scored in October and November,
    and one in 520603; the worst got worse in November."""
    with db.transaction() as s:
        _p1, worst = f.make_region_project(s, "520602")
        _p2, middling = f.make_region_project(s, "520602")
        _p3, clean = f.make_region_project(s, "520602")
        _p4, elsewhere = f.make_region_project(s, "520603")
        for e in (worst, middling, clean, elsewhere):
            h.registration(s, e.id, date(2010, 1, 1), 10_000_000, 10_000_000)
            h.tax_year(s, e.id, 2025, "A")
        h.tax_year(s, worst.id, 2026, "D")
        h.credit(s, worst.id, "social_insurance", date(2026, 9, 30), amount_fen=8_642_050)
        h.credit(s, worst.id, "dishonest", date(2026, 11, 10))
        h.tax_year(s, middling.id, 2026, "C")
        h.tax_year(s, elsewhere.id, 2026, "D")
        ids = {"worst": worst.id, "middling": middling.id, "clean": clean.id, "elsewhere": elsewhere.id}
    score_enterprises(db=db, as_of=OCT)
    score_enterprises(db=db, as_of=NOV)
    return ids


def test_the_visit_list_is_worst_first_with_three_reasons_in_words(
    db: Database, scored: dict[str, int]
) -> None:
    with db.sessions() as s:
        rows = q.visit_list(s, inspector("520602"))
    assert [r["enterprise_id"] for r in rows] == [scored["worst"], scored["middling"], scored["clean"]]
    assert [r["rank"] for r in rows] == [1, 2, 3] and {r["as_of"] for r in rows} == {NOV}
    worst = rows[0]
    assert (worst["total"], worst["grade"], worst["band"]) == (68, "D", "red")
    assert [r["zh"] for r in worst["reasons"]] == [
        "纳税信用等级：D级（25分）",
        "列入失信被执行人名单：在列（25分）",
        "社保欠缴金额：86,420.50元（18分）",
    ]
    assert [r["en"] for r in worst["reasons"]] == [
        "tax credit rating: D (25 points)",
        "on the dishonest-debtor list: listed (25 points)",
        "social-insurance arrears: ¥86,420.50 (18 points)",
    ]
    assert rows[2]["reasons"] == []  # nothing scored points
    with db.sessions() as s:
        october = q.visit_list(s, SYSTEM, as_of=date(2026, 11, 1))
    assert {r["as_of"] for r in october} == {OCT} and len(october) == 4


def test_an_inspector_of_another_county_sees_nothing_and_a_province_inspector_everything(
    db: Database, scored: dict[str, int]
) -> None:
    worst = scored["worst"]
    with db.sessions() as s:
        assert q.visit_list(s, inspector("520603"))[0]["enterprise_id"] == scored["elsewhere"]
        assert worst not in [r["enterprise_id"] for r in q.visit_list(s, inspector("520603"))]
        assert q.latest_score(s, inspector("520603"), worst) is None
        assert q.score_history(s, inspector("520603"), worst) == []
        assert q.band_changes(s, inspector("520603"), worst) == []
        assert q.visit_list(s, inspector("520300")) == []
        assert len(q.visit_list(s, inspector("520000"))) == 4


def test_an_enterprise_sees_only_its_own_score_and_a_bank_nothing(
    db: Database, scored: dict[str, int]
) -> None:
    me = enterprise_user(scored["middling"])
    with db.sessions() as s:
        assert [r["enterprise_id"] for r in q.visit_list(s, me)] == [scored["middling"]]
        assert q.latest_score(s, me, scored["worst"]) is None
        assert q.latest_score(s, me, scored["middling"]) is not None
        assert q.visit_list(s, BANK) == [] and q.latest_score(s, BANK, scored["middling"]) is None


def test_latest_score_history_and_band_changes_of_one_enterprise(
    db: Database, scored: dict[str, int]
) -> None:
    worst = scored["worst"]
    with db.sessions() as s:
        latest = q.latest_score(s, inspector("520602"), worst)
        history = q.score_history(s, inspector("520602"), worst)
        changes = q.band_changes(s, SYSTEM, worst)
    assert latest is not None and latest["as_of"] == NOV and latest["scorecard_version"] == "sc-2026.12"
    assert len(latest["factors"]) == 17 and latest["factors"][0]["zh"] == "纳税信用等级：D级（25分）"
    assert sum(x["points"] for x in latest["factors"]) == latest["total"] == 68
    assert [(r["as_of"], r["band"], r["total"]) for r in history] == [(OCT, "orange", 43), (NOV, "red", 68)]
    assert [(c["previous_as_of"], c["from_band"], c["to_band"]) for c in changes] == [(OCT, "orange", "red")]


@pytest.mark.parametrize(
    ("factor", "value", "zh", "en"),
    [
        ("tax_arrears_fen", 12_000_000, "120,000.00元", "¥120,000.00"),
        ("own_card_share", 0.75, "75%", "75%"),
        ("owner_delay_days", 60, "60天", "60 days"),
        ("years_established", 0.5, "0.5年", "0.5 years"),
        ("complaints", 3, "3次", "3"),
        ("abnormal_listed", 1, "在列", "listed"),
        ("paid_in_share", None, "—", "unknown"),
    ],
)
def test_values_in_words(factor: str, value: object, zh: str, en: str) -> None:
    assert (value_text(factor, value, "zh"), value_text(factor, value, "en")) == (zh, en)
    assert reason_text("complaints", 1, 3, "en") == "complaints in 12 months: 1 (3 points)"
