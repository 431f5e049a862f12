"""The page message catalogue: complete in both languages, and every key the templates use exists."""

from __future__ import annotations

import re
from pathlib import Path

from wageguard.registry.choices import CORP_TYPE, PROJECT_CATEGORY, PROJECT_STATUS, Role
from wageguard.web.i18n import EN, ZH, choose_lang, translate
from wageguard.web.pages.render import TEMPLATE_DIR

OWN_TEMPLATES = ["base.html", "login.html", "message.html", "projects/list.html", "projects/detail.html"]


def test_every_chinese_message_has_an_english_translation():
    assert set(ZH) == set(EN)
    assert all(EN[key].strip() for key in ZH)
    assert all(ZH[key].strip() for key in ZH)


def test_placeholders_agree_between_languages():
    for key, text in ZH.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", EN[key])), key


def test_every_literal_key_used_by_the_templates_is_in_the_catalogue():
    used = set()
    for name in OWN_TEMPLATES:
        source = Path(TEMPLATE_DIR / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:t|L)\(\s*["']([\w.]+)["']""", source))
    assert used, "no keys found: the pattern is wrong"
    prefixes = {key for key in used if key.endswith(".")}  # e.g. t("status." ~ code)
    assert used - prefixes <= set(ZH), sorted(used - prefixes - set(ZH))
    assert prefixes == {"status.", "category.", "corp_type.", "role."}


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
