"""Evidence in words: the rules run on frames that make each of them fire (the table-driven rule cases and
W20's complaints), through the engine's grouping into alerts and worker lines; every key they write has a
Chinese and an English label, and coded values, shares, money, booleans and ids are shown in words."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from tests.monitoring.frames import facts, run
from tests.monitoring.test_rules_table import CASES
from tests.monitoring.test_w20 import AS_OF as W20_AS_OF
from tests.monitoring.test_w20 import complaints

from wageguard.monitoring.rules import all_rules
from wageguard.monitoring.rules.w20_complaints_spike import spike_finding
from wageguard.monitoring.upsert import group_workers
from wageguard.web.i18n import EN, ZH
from wageguard.web.pages import alerts_text  # noqa: F401  (installs the labels)
from wageguard.web.pages.alerts_view import CODED_KEYS, Names, evidence_view, show

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
UNKNOWN_PROJECT_PAYMENT = {
    "payment_id": 9,
    "project_id": 1,
    "worker_id": None,
    "region_code": "520602",
    "payee_name": "某人",
    "payee_card_masked": "6222**9999",
    "card_holder": None,
    "match_key": "name",
    "amount_fen": 300_000,
    "value_date": date(2026, 10, 15),
}


def fired() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Alerts and worker lines as the engine would store them, from every case that makes a rule fire."""
    frames = [run(make(), code) for code, _case, make, expected in CASES if expected >= 1]
    frames.append(run(facts(as_of=W20_AS_OF, complaints=complaints(0, 1, 2)), "W20"))
    frames.append(run(facts(other_card_payments=[UNKNOWN_PROJECT_PAYMENT]), "W11"))
    return group_workers(pl.concat(frames, how="vertical_relaxed"))


def walk(value: Any, found: dict[str, set[Any]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(inner, dict | list):
                found.setdefault(key, set()).add(inner)
            else:
                found.setdefault(key, set())
            walk(inner, found)
    elif isinstance(value, list):
        for inner in value:
            walk(inner, found)


def written_keys() -> tuple[set[str], dict[str, set[Any]]]:
    alerts, lines = fired()
    found: dict[str, set[Any]] = {}
    for row in alerts.iter_rows(named=True):
        walk(json.loads(row["evidence"]), found)
    for row in lines.iter_rows(named=True):
        walk(json.loads(row["evidence"]), found)
    linked = spike_finding(  # the complaint link's own W20 finding (monitoring/complaint_link.py)
        project_id=1,
        region_code="520602",
        complaints=1,
        spike_count=3,
        window_days=30,
        first_received=date(2026, 10, 1),
        last_received=date(2026, 10, 1),
        tracking_codes=["TS0000000001"],
    )
    walk(json.loads(linked["evidence"]), found)
    return set(alerts["rule_code"].unique()), found


def test_every_rule_fires_and_every_key_it_writes_has_both_labels() -> None:
    codes, found = written_keys()
    assert codes == {r.code for r in all_rules()}  # each rule's evidence is in the sample
    unlabelled = sorted(k for k in found if f"ev.{k}" not in ZH or f"ev.{k}" not in EN)
    assert unlabelled == []
    raw = sorted(k for k in found if ZH[f"ev.{k}"] == k or re.search(r"[a-z]_[a-z]", EN[f"ev.{k}"]))
    assert raw == []


def test_every_coded_value_the_rules_write_is_named() -> None:
    _codes, found = written_keys()
    unnamed = sorted(
        f"{key}.{value}"
        for key in CODED_KEYS & set(found)
        for value in found[key]
        if value is not None and (f"evv.{key}.{value}" not in ZH or f"evv.{key}.{value}" not in EN)
    )
    assert unnamed == []


def test_values_in_words() -> None:
    names = Names(
        workers={7: ("张三", "5206**********1234")}, teams={3: "木工班"}, regions={"520602": "碧江区"}
    )
    assert show("paid_fen", 123456789, "zh") == "1,234,567.89"
    assert show("unpaid_share", 1.0, "zh") == "100%" and show("ratio", 0.2, "en") == "20%"
    assert show("no_board", True, "zh") == "是" and show("group", False, "en") == "no"
    assert show("worker_id", 7, "zh", names) == "张三（5206**********1234）"
    assert show("worker_id", 7, "en", names) == "张三 (5206**********1234)"
    assert show("team_id", 3, "zh", names) == "木工班"
    assert show("region_code", "520602", "zh", names) == "碧江区"
    assert show("status", "unpaid", "zh") == "未发放" and show("status", "paid_other_card", "en") == (
        "paid to another card"
    )
    assert show("missing", "pay_sheet", "zh") == "工资表"
    assert show("silent_days", ["2026-09-16", "2026-09-17"], "zh") == "2026-09-16、2026-09-17"
    view = evidence_view(
        {"paid_attended_workers": 0, "unpaid_share": 1.0, "unpaid": [{"worker_id": 7, "team_id": 3}]},
        "zh",
        names,
    )
    assert view.facts == [("已发薪的出勤人数", "0"), ("未发薪比例", "100%")]
    assert view.tables[0].headers == ["工人", "班组"] and view.tables[0].rows == [
        ["张三（5206**********1234）", "木工班"]
    ]


def test_each_rule_states_its_legal_basis_in_chinese_with_an_article_and_in_english() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in all_rules():
        assert re.search(r"第[一二三四五六七八九十百]+条", rule.basis), rule.code
        assert "vendor" not in rule.basis and rule.basis_en and "Art" in rule.basis_en, rule.code
        assert f"basis: {rule.basis} / {rule.basis_en}." in text, rule.code
