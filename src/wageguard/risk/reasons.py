"""A scored factor in words, Chinese and English: ``纳税信用等级：D级（25分）`` / ``tax credit rating: D
(25 points)``, or where the learned model scored it, its effect on the odds of arrears:
``纳税信用等级：D级（欠薪几率×2.1）`` / ``tax credit rating: D (odds of arrears ×2.1)``. Pure; used by the
reads (``risk/queries.py``) for the inspection list and the enterprise's page. Amounts in yuan with
thousands separators, shares in per cent."""

from __future__ import annotations

import math
from typing import Any

from wageguard.risk.scorecard import FACTOR_BY_KEY


def value_text(factor: str, value: Any, lang: str) -> str:
    """The factor's value as a person reads it (``—`` when unknown)."""
    if value is None:
        return "—" if lang == "zh" else "unknown"
    unit = FACTOR_BY_KEY[factor].unit
    if unit == "code":
        return f"{value}级" if lang == "zh" else str(value)
    number = float(value)
    if unit == "fen":
        yuan = f"{number / 100:,.2f}"
        return f"{yuan}元" if lang == "zh" else f"¥{yuan}"
    if unit == "share":
        return f"{number * 100:.0f}%"
    if unit == "days":
        days = f"{number:g}"
        return f"{days}天" if lang == "zh" else f"{days} days"
    if unit == "years":
        years = f"{number:g}"
        return f"{years}年" if lang == "zh" else f"{years} years"
    if factor.endswith("_listed"):
        listed = number > 0
        if lang == "zh":
            return "在列" if listed else "不在列"
        return "listed" if listed else "not listed"
    count = int(number)
    return f"{count}次" if lang == "zh" else str(count)


def reason_text(factor: str, value: Any, points: int, lang: str) -> str:
    """One factor with its value and points, in ``lang`` (zh or en)."""
    info = FACTOR_BY_KEY[factor]
    if lang == "zh":
        return f"{info.zh}：{value_text(factor, value, 'zh')}（{points}分）"
    unit = "point" if points == 1 else "points"
    return f"{info.en}: {value_text(factor, value, 'en')} ({points} {unit})"


def odds_factor(contribution: float) -> str:
    """A log-odds contribution as the multiple of the odds it makes: ``×2.1``, ``×0.6``."""
    return f"×{math.exp(contribution):.1f}"


def model_reason_text(factor: str, value: Any, contribution: float, lang: str) -> str:
    """One factor with its value and the model's effect on the odds of arrears, in ``lang``."""
    info = FACTOR_BY_KEY[factor]
    if lang == "zh":
        return f"{info.zh}：{value_text(factor, value, 'zh')}（欠薪几率{odds_factor(contribution)}）"
    return f"{info.en}: {value_text(factor, value, 'en')} (odds of arrears {odds_factor(contribution)})"


def top_reasons(factors: list[dict[str, Any]], n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` strongest reasons, each with its words zh/en: where the learned model scored the factors,
    those that raise its odds most (``contribution`` > 0, largest first); else the first that scored
    points (stored worst first)."""
    if any("contribution" in x for x in factors):
        raising = sorted(
            (x for x in factors if x.get("contribution", 0) > 0), key=lambda x: -float(x["contribution"])
        )
        return [
            {
                **x,
                "zh": model_reason_text(x["factor"], x["value"], float(x["contribution"]), "zh"),
                "en": model_reason_text(x["factor"], x["value"], float(x["contribution"]), "en"),
            }
            for x in raising[:n]
        ]
    out = []
    for item in [x for x in factors if x["points"] > 0][:n]:
        key, value, points = item["factor"], item["value"], int(item["points"])
        out.append(
            {
                **item,
                "zh": reason_text(key, value, points, "zh"),
                "en": reason_text(key, value, points, "en"),
            }
        )
    return out
