"""Shaping an alert's stored evidence (a JSON object) into labelled facts and tables for the detail page.

Every key a rule writes has a label ``ev.<key>`` in the catalogue (``alerts_text.EVIDENCE_TEXT``; a test runs
the rules and fails on an unlabelled key). Values are shown in words: money (``*_fen``) in yuan with
thousands separators, shares as percentages, booleans as 是 / 否, coded values (pay status, what is
missing, punch kinds, …) by their catalogue names, worker, team and project ids by name (a worker with the
masked ID number), region codes by region name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wageguard.monitoring.rules.base import WORKER_FIGURES
from wageguard.web.i18n import ZH, translate


def yuan(fen: int | None) -> str:
    """Integer fen as yuan with thousands separators and two decimals (exact, no floats)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


# Shares (0..1) shown as percentages; keys naming a coded value shown through ``evv.<key>.<value>``.
PERCENT_KEYS = frozenset({"unpaid_share", "ratio"})
CODED_KEYS = frozenset({"status", "missing", "kind", "declared_source", "match_key", "factor", "band"})
ID_KEYS = frozenset({"worker_id", "team_id", "project_id", "region_code"})


@dataclass
class Names:
    """What the ids in an alert's evidence stand for, read from the registry (masked ID numbers only)."""

    workers: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (name, id_masked)
    teams: dict[int, str] = field(default_factory=dict)
    projects: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (code, name)
    regions: dict[str, str] = field(default_factory=dict)


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


def ids_of(value: Any, key: str) -> Iterator[Any]:
    """Every value stored under ``key`` anywhere in a piece of evidence (nested objects and lists)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key and v is not None and not isinstance(v, dict | list):
                yield v
            yield from ids_of(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from ids_of(v, key)


def percent(share: float) -> str:
    """0.1 → "10%", 1.0 → "100%", 0.12345 → "12.35%"."""
    return f"{round(float(share) * 100, 2):g}%"


def _named(key: str, value: Any, names: Names, lang: str) -> str | None:
    if key == "worker_id" and isinstance(value, int):
        if value in names.workers:
            name, masked = names.workers[value]
            return f"{name}（{masked}）" if lang == "zh" else f"{name} ({masked})"
        return translate(lang, "alerts.unknown_worker", id=value)
    if key == "team_id" and isinstance(value, int):
        return names.teams.get(value) or translate(lang, "alerts.unknown_team", id=value)
    if key == "project_id" and isinstance(value, int) and value in names.projects:
        code, name = names.projects[value]
        return f"{name}（{code}）" if lang == "zh" else f"{name} ({code})"
    if key == "region_code" and isinstance(value, str):
        return names.regions.get(value, value)
    return None


def show(key: str, value: Any, lang: str, names: Names | None = None) -> str:
    """One evidence value in words (see the module docstring); nulls as a dash."""
    if value is None:
        return "—"
    sep = "、" if lang == "zh" else ", "
    if isinstance(value, list):
        return sep.join(show(key, v, lang, names) for v in value) if value else "—"
    if isinstance(value, dict):
        colon = "：" if lang == "zh" else ": "
        inner = "；" if lang == "zh" else "; "
        return inner.join(f"{label(k, lang)}{colon}{show(k, v, lang, names)}" for k, v in value.items())
    if isinstance(value, bool):
        return translate(lang, "alerts.yes" if value else "alerts.no")
    if key.endswith("_fen") and isinstance(value, int | float):
        return yuan(int(value))
    if key in PERCENT_KEYS and isinstance(value, int | float):
        return percent(value)
    if key in ID_KEYS and (named := _named(key, value, names or Names(), lang)) is not None:
        return named
    if key in CODED_KEYS and f"evv.{key}.{value}" in ZH:
        return translate(lang, f"evv.{key}.{value}")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return str(value) if key.endswith("_id") else f"{value:,}"
    return str(value)


def evidence_view(evidence: dict[str, Any] | None, lang: str, names: Names | None = None) -> EvidenceView:
    """Scalar fields become labelled facts; lists of objects (e.g. the unpaid workers) become tables."""
    view = EvidenceView()
    for key, value in (evidence or {}).items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            rows = [[show(c, row.get(c), lang, names) for c in columns] for row in value]
            view.tables.append(EvidenceTable(label(key, lang), [label(c, lang) for c in columns], rows))
        else:
            view.facts.append((label(key, lang), show(key, value, lang, names)))
    return view


LINE_FIGURES = frozenset(WORKER_FIGURES)  # what every worker line shows in its own columns


def line_details(evidence: dict[str, Any] | None, lang: str, names: Names | None = None) -> str:
    """What a worker line's evidence says beyond the table's columns (e.g. W09's minimum wage, W19's exit
    date, W11's payments), in words."""
    rest = {k: v for k, v in (evidence or {}).items() if k not in LINE_FIGURES}
    return show("", rest, lang, names) if rest else ""


def actor(name: str, lang: str) -> str:
    """Who did a step: the monitoring engine and the complaint link in words, people by their user name."""
    key = f"alerts.actor_{name}"
    return translate(lang, key) if key in ZH else name
