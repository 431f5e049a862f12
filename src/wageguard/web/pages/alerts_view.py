"""Shaping an alert's stored evidence (a JSON object) into labelled facts and tables for the detail page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wageguard.monitoring.choices import PAY_STATUS_ZH, PayStatus
from wageguard.web.i18n import ZH, translate


def yuan(fen: int | None) -> str:
    """Integer fen as yuan with thousands separators and two decimals (exact, no floats)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@dataclass
class EvidenceTable:
    label: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class EvidenceView:
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[EvidenceTable] = field(default_factory=list)


def label(key: str, lang: str) -> str:
    """The field's label (``ev.<key>``), or the key itself where the catalogue has none."""
    return translate(lang, f"ev.{key}") if f"ev.{key}" in ZH else key


def show(key: str, value: Any, lang: str) -> str:
    """One evidence value as text: money in yuan, pay statuses named, lists joined, nulls as a dash."""
    if value is None:
        return "—"
    if key.endswith("_fen") and isinstance(value, int | float):
        return yuan(int(value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if key == "status" and value in PAY_STATUS_ZH and lang == "zh":
        return PAY_STATUS_ZH[PayStatus(value)]
    if isinstance(value, list):
        return ", ".join(show(key, v, lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k, lang)}: {show(k, v, lang)}" for k, v in value.items())
    return str(value)


def evidence_view(evidence: dict[str, Any] | None, lang: str) -> EvidenceView:
    """Scalar fields become labelled facts; lists of objects (e.g. the unpaid workers) become tables."""
    view = EvidenceView()
    for key, value in (evidence or {}).items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            rows = [[show(c, row.get(c), lang) for c in columns] for row in value]
            view.tables.append(EvidenceTable(label(key, lang), [label(c, lang) for c in columns], rows))
        else:
            view.facts.append((label(key, lang), show(key, value, lang)))
    return view
