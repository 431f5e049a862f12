"""Rules are registered objects, documented in docs/rules.md, with intent and legal basis."""

from __future__ import annotations

from pathlib import Path

from wageguard.monitoring.rules import all_rules, rule_modules

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
CATALOGUE = [f"W{n:02d}" for n in range(1, 23)]


def test_every_catalogue_rule_is_registered_once() -> None:
    codes = [r.code for r in all_rules()]
    assert codes == CATALOGUE
    assert len(rule_modules()) == len(CATALOGUE)


def test_every_rule_is_documented_in_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [r.code for r in all_rules() if f"## {r.code} " not in text]
    assert missing == []


def test_every_rule_states_intent_and_basis() -> None:
    for rule in all_rules():
        assert "Basis:" in rule.doc, rule.code
        assert rule.title_zh and rule.title_en and rule.basis
