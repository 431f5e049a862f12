"""A scored factor in words, Chinese and English: ``纳税信用等级：D级（25分）`` / ``tax credit rating: D
(25 points)``. Pure; used by the reads (``risk/queries.py``) for the inspection list and the enterprise's
page. Amounts in yuan with thousands separators, shares in per cent."""

from __future__ import annotations

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


def top_reasons(factors: list[dict[str, Any]], n: int = 3) -> list[dict[str, Any]]:
    """The first ``n`` factors that scored points (stored worst first), each with its words zh/en."""
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
