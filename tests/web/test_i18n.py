"""The page message catalogue: complete in both languages, and every key the templates use exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wageguard.complaints.choices import ACTION_LABELS, OUTCOME_LABELS, OVERDUE_LABELS, STATE_LABELS
from wageguard.monitoring.choices import LEVEL_ZH, STATUS_ZH
from wageguard.payroll.exports import STATE_ZH
from wageguard.registry.choices import CORP_TYPE, PROJECT_CATEGORY, PROJECT_STATUS, Role
from wageguard.web.i18n import EN, ZH, choose_lang, register, translate
from wageguard.web.pages import attendance_text, cases_text, money_text, public_text
from wageguard.web.pages.render import TEMPLATE_DIR

OWN_TEMPLATES = ["base.html", "login.html", "message.html", "projects/list.html", "projects/detail.html"]
FAMILY_DIRS = ["cases", "money", "attendance"]
# imported: their messages are in the catalogue
TEXT_MODULES = [cases_text, money_text, attendance_text, public_text]
KEY_PATTERN = r"""\b(?:t|L)\(\s*["']([\w.]+)["']"""


def _keys_used(paths: list[Path]) -> set[str]:
    return {key for path in paths for key in re.findall(KEY_PATTERN, path.read_text(encoding="utf-8"))}


def test_every_chinese_message_has_an_english_translation():
    assert set(ZH) == set(EN)
    assert all(EN[key].strip() for key in ZH)
    assert all(ZH[key].strip() for key in ZH)


def test_placeholders_agree_between_languages():
    for key, text in ZH.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", EN[key])), key


def test_every_literal_key_used_by_the_templates_is_in_the_catalogue():
    used = _keys_used([Path(TEMPLATE_DIR / name) for name in OWN_TEMPLATES])
    assert used, "no keys found: the pattern is wrong"
    prefixes = {key for key in used if key.endswith(".")}  # e.g. t("status." ~ code)
    assert used - prefixes <= set(ZH), sorted(used - prefixes - set(ZH))
    assert prefixes == {"status.", "category.", "corp_type.", "role.", "alert.level."}
    assert {f"alert.level.{level}" for level in LEVEL_ZH} <= set(EN)


def test_code_tables_shown_on_pages_are_translated():
    for prefix, table in (
        ("status", PROJECT_STATUS),
        ("category", PROJECT_CATEGORY),
        ("corp_type", CORP_TYPE),
    ):
        assert {f"{prefix}.{code}" for code in table} <= set(EN)
    assert {f"role.{role.value}" for role in Role} <= set(EN)


def test_language_choice_and_fallbacks():
    assert choose_lang("en", "zh", "zh") == "en"
    assert choose_lang(None, "en", "zh") == "en"
    assert choose_lang("fr", None, "zh") == "zh"
    assert translate("en", "projects.total", total=3) == "3 projects"
    assert translate("en", "status.003") == "Under construction"
    assert translate("en", "no.such.key") == "no.such.key"


@pytest.mark.parametrize("family", FAMILY_DIRS)
def test_case_money_and_attendance_templates_use_only_catalogue_keys(family: str) -> None:
    templates = sorted(Path(TEMPLATE_DIR / family).glob("*.html"))
    assert templates
    for path in templates:
        source = path.read_text(encoding="utf-8")
        assert '{% extends "base.html" %}' in source, path.name  # the shared layout with the language switch
        text = re.sub(r"{[{%#].*?[}%#]}", "", source, flags=re.S)  # what is left is literal markup
        # no Chinese label outside the catalogue, nor an English one
        assert re.search(r"[\u4e00-\u9fff]", text) is None, path.name
        assert re.search(r">[^<]*\b[A-Z][a-z]+ [a-z]+", text) is None, path.name
    used = _keys_used(templates)
    prefixes = {key for key in used if key.endswith(".")}
    assert used - prefixes <= set(ZH) & set(EN), sorted(used - prefixes - set(ZH))
    for prefix in prefixes:
        assert {k for k in ZH if k.startswith(prefix)} == {k for k in EN if k.startswith(prefix)}, prefix


def test_the_code_tables_of_cases_money_and_alerts_are_translated() -> None:
    tables = {
        "case.state": STATE_LABELS,
        "case.outcome": OUTCOME_LABELS,
        "case.action": ACTION_LABELS,
        "case.overdue": {code: zh for code, zh in OVERDUE_LABELS.items() if zh},
        "money.state": STATE_ZH,
        "alert.level": {level.value: zh for level, zh in LEVEL_ZH.items()},
        "alert.status": {status.value: zh for status, zh in STATUS_ZH.items()},
    }
    for prefix, table in tables.items():
        for code, zh in table.items():
            assert ZH[f"{prefix}.{code}"] == zh and EN[f"{prefix}.{code}"].strip(), f"{prefix}.{code}"
    assert translate("en", "money.state.partial") == "Partly paid"
    assert translate("zh", "case.done", action=translate("zh", "case.action.accept")) == "已完成：立案受理"


def test_domain_terms_keep_their_one_english_name() -> None:
    assert EN["money.accounts"] == "Special wage accounts"
    assert "Labour-cost inflows" in EN["money.inflows"]
    assert "pay sheet" in EN["money.no_pay"]
    assert "worker-days" in EN["sheet.summary"]
    assert EN["money.team"] == EN["sheet.team"] == EN["project.team"] == "Team"


def test_a_key_cannot_be_registered_twice_with_other_text() -> None:
    register({"cases.title": ("投诉案件", "Complaint cases")})  # the same text again is harmless
    with pytest.raises(ValueError, match=r"cases\.title"):
        register({"cases.title": ("案件", "Cases")})
    assert translate("en", "cases.title") == "Complaint cases"


def test_the_public_complaint_templates_use_only_catalogue_keys() -> None:
    """The workers' pages have their own layout (no login, no nav) but the same rule: no literal text.

    The printed notice board is left out: it is a Chinese-only PDF, as the regulation prescribes."""
    templates = sorted(
        p for p in Path(TEMPLATE_DIR / "complaints").glob("*.html") if p.name != "notice_board.html"
    )
    assert {p.name for p in templates} >= {"_layout.html", "form.html", "receipt.html", "status.html"}
    for path in templates:
        source = path.read_text(encoding="utf-8")
        if path.name.startswith("_"):
            assert "{% extends" not in source, path.name
        else:  # every page has the public layout, with its language link
            assert '{% extends "complaints/_layout.html" %}' in source, path.name
        text = re.sub(r"{[{%#].*?[}%#]}", "", source, flags=re.S)
        assert re.search(r"[\u4e00-\u9fff]", text) is None, path.name
        assert re.search(r">[^<]*\b[A-Z][a-z]+ [a-z]+", text) is None, path.name
    used = _keys_used(templates)
    prefixes = {key for key in used if key.endswith(".")}
    assert "public.heading" in used and "nav.switch" in used
    assert used - prefixes <= set(ZH) & set(EN), sorted(used - prefixes - set(ZH))
    assert prefixes == {"public.step.", "public.deadline.", "case.outcome."}
    assert {f"public.step.{state}" for state in STATE_LABELS} <= set(ZH) & set(EN)  # a step for every state
