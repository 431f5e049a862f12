"""The finish of the page texts: Chinese punctuation in Chinese messages, English plurals by count.

Every page family's messages are loaded (each ``*_text`` module installs its own); a Chinese message uses
full-width punctuation (，：；（）！？), except inside placeholders, URLs and numbers (1,000 and 14:05). An
English message that puts a counted placeholder before a plural noun ("{total} projects") must say how to
pick the word (``[[total:project|projects]]``), so that 1 never reads "1 projects".
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import wageguard.web.pages as pages
from wageguard.web.i18n import EN, ZH, translate

for _module in pkgutil.iter_modules(pages.__path__):
    importlib.import_module(f"wageguard.web.pages.{_module.name}")
importlib.import_module("wageguard.web.public")

CJK = re.compile(r"[\u4e00-\u9fff]")
# counted nouns that read wrong with 1 when left plural; units like "yuan" or "%" are not listed
COUNTED = (
    "alerts|cases|complaints|days|hours|months|projects|workers|worker-days|worker-months|rows|teams|"
    "accounts|payments|devices|gates|enterprises|files|fields|photos|seconds|minutes|weeks|lines|people"
)
PLURAL_AFTER_COUNT = re.compile(r"\{(\w+)\} (?:" + COUNTED + r")\b")


def ascii_punctuation(text: str) -> list[str]:
    t = re.sub(r"\{[^}]*\}", "", text)
    t = re.sub(r"\[\[[^\]]*\]\]", "", t)
    t = re.sub(r"https?://\S+", "", t)
    t = re.sub(r"\d[,:.]\d", "", t)
    return re.findall(r"[,;:!?()]", t)


def test_chinese_messages_use_chinese_punctuation() -> None:
    offenders = {k: v for k, v in ZH.items() if CJK.search(v) and ascii_punctuation(v)}
    assert not offenders, offenders


def test_english_counts_choose_singular_or_plural() -> None:
    offenders = {k: v for k, v in EN.items() if PLURAL_AFTER_COUNT.search(v)}
    assert not offenders, offenders


def test_the_rule_catches_what_it_should() -> None:
    assert ascii_punctuation("是:截至 2026-12-01,本项目") == [":", ","]
    assert ascii_punctuation("共 {n} 人，合计 1,000.00 元（14:05）") == []
    assert PLURAL_AFTER_COUNT.search("{total} projects")
    assert not PLURAL_AFTER_COUNT.search("{total} [[total:project|projects]]")
    assert translate("en", "projects.total", total=1) == "1 project"
